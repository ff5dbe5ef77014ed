//! The catalogue, walked: every entry has its ABI and Solidity interface in abi/, a constructor
//! whose every parameter the entry fills, and `rigshare up` on a dev node deploys every system
//! entry and performs every wiring step it names, once (a second run sends nothing). Adding a
//! contract to the system means adding its crate and its entry; this test then covers it.

mod common;

use devnode::rpc::{self, NodeConfig};
use rigshare_cli::{catalogue, pipeline::workspace::Workspace};
use serde_json::Value;

#[test]
fn every_entry_has_an_abi_and_an_interface_in_abi_dir() {
    let ws = Workspace::of_this_crate().unwrap();
    for entry in catalogue::ENTRIES {
        if entry.contract.is_extension() {
            // Its functions are its main module's, in that entry's ABI; its own declares only
            // the constructor StylusDeployer calls.
            let main = catalogue::ENTRIES.iter().find(|e| e.contract.package == entry.contract.package && !e.contract.is_extension());
            assert!(main.is_some(), "{}: an extension of no catalogued contract", entry.name());
            assert!(entry.abi().constructor.is_some_and(|c| c.inputs.is_empty()), "{}", entry.name());
            assert!(!ws.abi_dir().join(format!("{}.json", entry.name())).exists(), "{}: no ABI file of its own", entry.name());
            continue;
        }
        let json = std::fs::read_to_string(ws.abi_dir().join(format!("{}.json", entry.name()))).unwrap();
        assert_eq!(json, entry.abi, "{}: the entry embeds abi/{}.json", entry.name(), entry.name());
        let sol = std::fs::read_to_string(ws.abi_dir().join(format!("I{}.sol", entry.name()))).unwrap();
        assert!(sol.contains(&format!("interface I{} ", entry.name())), "{}", entry.name());
        assert!(ws.root.join(entry.contract.dir()).join("Cargo.toml").exists(), "{}: its crate", entry.name());
        let abi = entry.abi();
        assert!(abi.constructor.is_some(), "{}: a constructor", entry.name());
        assert!(!abi.functions.is_empty(), "{}: functions for its bindings", entry.name());
    }
}

#[test]
fn up_deploys_and_wires_every_system_entry_once() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let dir = std::env::temp_dir().join(format!("rigshare-catalogue-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let key = common::key(&node, 0);
    let hosting = format!("hosting={:?}:1000", ethers::types::Address::from_slice(node.accounts[4].address.as_slice()));
    // Two exclusions: the steps that take one call per excluded account run twice.
    let (pair, vault) = (format!("{:?}", ethers::types::Address::repeat_byte(0xa1)), format!("{:?}", ethers::types::Address::repeat_byte(0xa2)));
    let args = [
        "up", "--no-build", "--no-serve", "--json", "--rpc-url", &node.url, "--private-key", &key,
        "--deployments-dir", dir.to_str().unwrap(), "--payee", &hosting, "--exclude", &pair, "--exclude", &vault,
    ];
    let (ok, stdout, stderr) = common::rigshare(&args);
    assert!(ok, "{stderr}");
    let summary: Value = serde_json::from_str(&stdout).unwrap();

    let system: Vec<&catalogue::Entry> = catalogue::system().collect();
    let deployed: Vec<&str> = summary["contracts"].as_array().unwrap().iter().map(|c| c["contract"].as_str().unwrap()).collect();
    assert_eq!(deployed, system.iter().map(|e| e.name()).collect::<Vec<_>>());
    for c in summary["contracts"].as_array().unwrap() {
        let code = node.node.handle("eth_getCode", &serde_json::json!([c["address"], "latest"])).unwrap();
        assert!(code.as_str().unwrap().len() > 2, "{} has code", c["contract"]);
        assert_eq!(c["status"], "deployed");
    }
    let wiring: Vec<&str> = summary["wiring"].as_array().unwrap().iter().map(|w| w[0].as_str().unwrap()).collect();
    let named: Vec<&str> = system.iter().flat_map(|e| e.wiring).map(|w| w.name).collect();
    assert_eq!(wiring, named, "every wiring step of every entry (payees and exclusions given)");
    let per_exclusion = ["RevenueSplitter.setExcluded", "RevenueSplitter.applyExclusion"];
    for w in summary["wiring"].as_array().unwrap().iter().filter(|w| per_exclusion.contains(&w[0].as_str().unwrap())) {
        assert_eq!(w[1].as_str().unwrap().split(", ").count(), 2, "one call per excluded account: {w}");
    }
    assert_eq!(summary["transactions_sent"], (system.len() + named.len() + per_exclusion.len()) as u64);

    let (ok, stdout, stderr) = common::rigshare(&args);
    assert!(ok, "{stderr}");
    let again: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(again["transactions_sent"], 0, "a second run finds everything in place");
    assert!(again["contracts"].as_array().unwrap().iter().all(|c| c["status"] == "existing"));
    let _ = std::fs::remove_dir_all(dir);
}
