//! `rigshare status` against an RPC that caps `eth_getLogs` block ranges, as public Arbitrum
//! RPCs do: the holder scan reads in bounded windows, halves its window on each refusal, and
//! records how far it read, so the next `status` reads only the blocks since.

mod common;

use std::sync::atomic::Ordering;

use common::front::{front, Behaviour};
use devnode::rpc::{self, NodeConfig, RunningNode};
use serde_json::Value;

fn address(node: &RunningNode, i: usize) -> String {
    format!("{:?}", ethers::types::Address::from_slice(node.accounts[i].address.as_slice()))
}

#[test]
fn status_reads_holders_through_an_rpc_that_caps_log_ranges() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let dir = std::env::temp_dir().join(format!("rigshare-logs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let key = common::key(&node, 0);
    let connect = |url: &str| -> Vec<String> {
        ["--rpc-url", url, "--private-key", &key, "--deployments-dir", dir.to_str().unwrap()].map(str::to_owned).to_vec()
    };
    let healthy = front(node.node.clone(), Behaviour::default());
    let run = |front: &common::front::Front, args: &[&str]| {
        let mut all: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        all.extend(connect(&front.url));
        let (ok, stdout, stderr) = front.rigshare(&all);
        assert!(ok, "rigshare {args:?}: {stderr}");
        stdout
    };
    run(&healthy, &["up", "--no-build", "--no-serve", "--json"]);
    run(&healthy, &["pool", "transfer", "--to", &address(&node, 1), "--amount", "10"]);
    // Thousands of blocks between two holders' first transfers.
    for _ in 0..2_500 {
        node.node.handle("evm_mine", &serde_json::json!([])).unwrap();
    }
    run(&healthy, &["pool", "transfer", "--to", &address(&node, 2), "--amount", "20"]);

    let capped = front(node.node.clone(), Behaviour { max_log_range: Some(1_000), ..Behaviour::default() });
    let status: Value = serde_json::from_str(&run(&capped, &["status", "--json"])).unwrap();
    let accounts: Vec<&str> = status["pools"][0]["accounts"].as_array().unwrap().iter().map(|a| a["account"].as_str().unwrap()).collect();
    for i in [0, 1, 2] {
        assert!(accounts.contains(&address(&node, i).as_str()), "holder {i} missing from {accounts:?}");
    }
    let (refused, answered) = (capped.log_refusals.load(Ordering::SeqCst), capped.log_calls.load(Ordering::SeqCst));
    assert!(refused >= 1, "the first 5,000-block window is over the cap");
    assert!(answered >= 3, "2,500+ blocks in windows of at most 1,000 take at least 3 calls, took {answered}");

    // The scan was recorded; a second status reads only the new blocks, in one call.
    let file: Value = serde_json::from_slice(&std::fs::read(dir.join(format!("{}.json", devnode::dev::CHAIN_ID))).unwrap()).unwrap();
    let scanned = file["pools"][0]["holders_scanned_to"].as_u64().expect("scan progress recorded");
    assert!(scanned >= 2_500, "{scanned}");
    node.node.handle("evm_mine", &serde_json::json!([])).unwrap();
    let again = front(node.node.clone(), Behaviour { max_log_range: Some(1_000), ..Behaviour::default() });
    run(&again, &["status", "--json"]);
    assert_eq!((again.log_refusals.load(Ordering::SeqCst), again.log_calls.load(Ordering::SeqCst)), (0, 1));
    let _ = std::fs::remove_dir_all(dir);
}
