//! `rigshare up` as a process against dev nodes this test spawns (the embedded one dies with
//! the process): deploy and wiring checked on chain, idempotence, resume, wrong chain, dry run.

mod common;

use std::path::Path;

use devnode::rpc::{self, NodeConfig, RunningNode};
use rigshare_cli::catalogue::{self, SystemConfig};
use serde_json::Value;

fn key(node: &RunningNode) -> String {
    common::key(node, 0)
}

/// Runs `rigshare up --no-build <args>` and returns (success, stdout, stderr).
fn up(args: &[&str]) -> (bool, String, String) {
    common::rigshare(&[&["up", "--no-build"], args].concat())
}

fn up_json(node: &RunningNode, dir: &Path) -> Value {
    let key = key(node);
    let (ok, stdout, stderr) =
        up(&["--rpc-url", &node.url, "--private-key", &key, "--no-serve", "--json", "--deployments-dir", dir.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rigshare-up-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn nonce(node: &RunningNode) -> u64 {
    let address = alloy_primitives::Address::from_private_key(&node.accounts[0].key);
    node.node.handle("eth_getTransactionCount", &serde_json::json!([address.to_string(), "latest"]))
        .map(|v| u64::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap())
        .unwrap()
}

fn call(node: &RunningNode, to: &str, data: Vec<u8>) -> Vec<u8> {
    let out = node
        .node
        .handle("eth_call", &serde_json::json!([{ "to": to, "data": format!("0x{}", ethers::utils::hex::encode(data)) }, "latest"]))
        .unwrap();
    ethers::utils::hex::decode(out.as_str().unwrap()).unwrap()
}

#[test]
fn deploys_wires_and_is_idempotent() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let dir = temp_dir("idem");
    let first = up_json(&node, &dir);
    let contracts = first["contracts"].as_array().unwrap();
    let system: Vec<&catalogue::Entry> = catalogue::system().collect();
    let wiring_steps = system.iter().flat_map(|e| e.wiring).filter(|w| (w.applies)(&SystemConfig::default())).count();
    assert_eq!(contracts.len(), system.len());
    assert!(contracts.iter().all(|c| c["status"] == "deployed"));
    assert_eq!(first["transactions_sent"], (system.len() + wiring_steps) as u64);
    let addr = |name: &str| {
        let c = contracts.iter().find(|c| c["contract"] == name).unwrap_or_else(|| panic!("{name} deployed"));
        c["address"].as_str().unwrap().to_owned()
    };
    let (deed, shares, splitter) = (addr("RigDeed"), addr("RigShares"), addr("RevenueSplitter"));

    // On chain: RigShares -> splitter, and OPERATOR_ROLE for the deployer on both tokens.
    let sel = |s: &str| ethers::utils::id(s).to_vec();
    let wired = call(&node, &shares, sel("revenueSplitter()"));
    assert_eq!(ethers::utils::hex::encode(&wired[12..]), splitter.trim_start_matches("0x"));
    let me = ethers::abi::Address::from_slice(alloy_primitives::Address::from_private_key(&node.accounts[0].key).as_slice());
    for token in [&deed, &shares] {
        let mut data = sel("hasRole(bytes32,address)");
        data.extend(ethers::abi::encode(&[
            ethers::abi::Token::FixedBytes(ethers::utils::keccak256("OPERATOR_ROLE").to_vec()),
            ethers::abi::Token::Address(me),
        ]));
        assert_eq!(call(&node, token, data)[31], 1, "operator role on {token}");
    }
    let file: Value = serde_json::from_slice(&std::fs::read(dir.join(format!("{}.json", devnode::dev::CHAIN_ID))).unwrap()).unwrap();
    assert_eq!(file["contracts"]["RigDeed"]["address"], deed.as_str());
    assert_eq!(file["wiring"].as_object().unwrap().len(), wiring_steps);

    // Second run: nothing sent.
    let before = nonce(&node);
    let second = up_json(&node, &dir);
    assert_eq!(nonce(&node), before);
    assert_eq!(second["transactions_sent"], 0);
    assert!(second["contracts"].as_array().unwrap().iter().all(|c| c["status"] == "existing"));

    // Resume: a file without RigShares and RevenueSplitter finishes them without redeploying
    // the rest (RigDeed, its card, the extension modules).
    let mut partial = file.clone();
    let contracts = partial["contracts"].as_object_mut().unwrap();
    contracts.remove("RigShares");
    contracts.remove("RevenueSplitter");
    partial["wiring"] = serde_json::json!({});
    std::fs::write(dir.join(format!("{}.json", devnode::dev::CHAIN_ID)), serde_json::to_vec(&partial).unwrap()).unwrap();
    let third = up_json(&node, &dir);
    let c = third["contracts"].as_array().unwrap();
    let status = |name: &str| {
        let record = c.iter().find(|r| r["contract"] == name).unwrap_or_else(|| panic!("{name} not in {c:?}"));
        record["status"].as_str().unwrap().to_owned()
    };
    let deed_record = c.iter().find(|r| r["contract"] == "RigDeed").expect("RigDeed in the summary");
    assert_eq!(deed_record["address"].as_str(), Some(deed.as_str()));
    assert_eq!(status("RigDeed"), "existing");
    assert_eq!(status("RigCard"), "existing");
    assert_eq!(status(catalogue::extensions::RIG_SHARES), "existing");
    assert_eq!((status("RigShares"), status("RevenueSplitter")), ("deployed".to_owned(), "deployed".to_owned()));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn refuses_wrong_chain_and_dry_run_sends_nothing() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let key = key(&node);
    let dir = temp_dir("dry");
    let (ok, _, stderr) = up(&["--network", "arbitrum-sepolia", "--rpc-url", &node.url, "--private-key", &key, "--no-serve"]);
    assert!(!ok);
    let line = stderr.lines().last().unwrap();
    assert!(line.starts_with("rigshare: error: ") && line.contains(&devnode::dev::CHAIN_ID.to_string()) && line.contains("421614"), "{stderr}");
    assert!(!stderr.contains(&key), "the key is never printed");

    let before = nonce(&node);
    let (ok, stdout, stderr) =
        up(&["--rpc-url", &node.url, "--private-key", &key, "--dry-run", "--json", "--deployments-dir", dir.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    let plan: Value = serde_json::from_str(&stdout).unwrap();
    let system: Vec<&catalogue::Entry> = catalogue::system().collect();
    let wiring_steps = system.iter().flat_map(|e| e.wiring).filter(|w| (w.applies)(&SystemConfig::default())).count();
    assert_eq!(plan["steps"].as_array().unwrap().len(), system.len() + wiring_steps);
    assert!(plan["steps"][0]["gas"].as_u64().unwrap() > 0);
    assert_ne!(plan["steps"][0]["data_fee_eth"], "0.000000000000000000");
    assert_eq!(nonce(&node), before);
    assert!(!dir.exists(), "a dry run writes nothing");
}

/// The Sepolia path up to the network boundary: an https endpoint is dialled (TLS is built in),
/// and a dead one ends in one line naming the URL, before anything is built or sent.
#[test]
fn an_https_endpoint_is_dialled_and_a_dead_one_is_named() {
    let key = "0101010101010101010101010101010101010101010101010101010101010101";
    let (ok, _, stderr) = up(&["--network", "arbitrum-sepolia", "--rpc-url", "https://127.0.0.1:9", "--private-key", key, "--dry-run"]);
    assert!(!ok);
    let line = stderr.lines().last().unwrap();
    assert!(line.starts_with("rigshare: error: cannot reach the RPC at https://127.0.0.1:9"), "{stderr}");
    assert!(!line.contains("scheme"), "https is supported: {line}");
    assert!(!stderr.contains(key), "the key is never printed");
}

/// The deployer key from an encrypted JSON keystore: `up` deploys with it, and an operating
/// command signs with it too; a wrong password is one line naming the file, never the secret.
#[test]
fn signs_from_an_encrypted_keystore() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let dir = temp_dir("keystore");
    std::fs::create_dir_all(&dir).unwrap();
    let secret = node.accounts[0].key.to_bytes();
    let (_, name) =
        ethers::signers::LocalWallet::encrypt_keystore(&dir, &mut ethers::core::rand::thread_rng(), secret, "correct horse", None)
            .unwrap();
    let keystore = dir.join(name);
    let password = dir.join("password.txt");
    std::fs::write(&password, "wrong\n").unwrap();
    let (keystore, password, deployments) =
        (keystore.to_str().unwrap(), password.to_str().unwrap(), dir.join("out").to_str().unwrap().to_owned());
    let args = ["--rpc-url", &node.url, "--keystore", keystore, "--password-file", password, "--no-serve", "--json", "--deployments-dir", &deployments];

    let (ok, _, stderr) = up(&args);
    assert!(!ok);
    let line = stderr.lines().last().unwrap();
    assert!(line.contains("cannot open the keystore") && line.contains(keystore) && !line.contains("wrong"), "{stderr}");
    assert_eq!(nonce(&node), 0);

    std::fs::write(password, "correct horse\n").unwrap();
    let (ok, stdout, stderr) = up(&args);
    assert!(ok, "{stderr}");
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["deployer"].as_str().unwrap().to_lowercase(), alloy_primitives::Address::from_private_key(&node.accounts[0].key).to_string().to_lowercase());
    // One transaction per system contract and per wiring step `up` runs without payees.
    let config = rigshare_cli::catalogue::SystemConfig::default();
    let steps = rigshare_cli::catalogue::system().flat_map(|e| e.wiring).filter(|w| (w.applies)(&config)).count();
    let deployed = (rigshare_cli::catalogue::system().count() + steps) as u64;
    assert_eq!(nonce(&node), deployed);

    let (ok, stdout, stderr) = common::rigshare(&[
        "rig", "mint", "--model", "Antminer S21", "--hashrate-ths", "200", "--power-watts", "3500", "--site", "Rockdale",
        "--serial", "KS-1", "--rpc-url", &node.url, "--keystore", keystore, "--password-file", password,
        "--deployments-dir", &deployments, "--json",
    ]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("\"deed_id\": 1"), "{stdout}");
    assert_eq!(nonce(&node), deployed + 1, "one mint");
    assert!(!stderr.contains(&key(&node)), "the key is never printed");
    let _ = std::fs::remove_dir_all(dir);
}

/// `up --cache` on the dev node: the dev key, chain owner as on nitro-devnode, caches every
/// system program through ArbWasmCache, one step each; a re-run sends nothing; a key that owns
/// nothing is refused by name before anything is sent (here in a dry run).
#[test]
fn cache_caches_every_program_once_as_chain_owner() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let dir = temp_dir("cache");
    let key0 = key(&node);
    let args = ["--rpc-url", &node.url, "--private-key", &key0, "--no-serve", "--json", "--cache", "--deployments-dir", dir.to_str().unwrap()];
    let (ok, stdout, stderr) = up(&args);
    assert!(ok, "{stderr}");
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    let system: Vec<&catalogue::Entry> = catalogue::system().collect();
    let wiring_steps = system.iter().flat_map(|e| e.wiring).filter(|w| (w.applies)(&SystemConfig::default())).count();
    assert_eq!(summary["transactions_sent"], (2 * system.len() + wiring_steps) as u64);
    let wiring = summary["wiring"].as_array().unwrap();
    for contract in summary["contracts"].as_array().unwrap() {
        let name = contract["contract"].as_str().unwrap();
        assert!(wiring.iter().any(|w| w[0] == format!("cache {name}") && w[1].as_str().unwrap().starts_with("0x")), "{name}: {wiring:?}");
        let mut data = ethers::utils::id("codehashIsCached(bytes32)").to_vec();
        data.extend(ethers::utils::hex::decode(contract["codehash"].as_str().unwrap().trim_start_matches("0x")).unwrap());
        assert_eq!(call(&node, "0x0000000000000000000000000000000000000072", data)[31], 1, "{name} is cached");
    }

    let before = nonce(&node);
    let (ok, stdout, stderr) = up(&args);
    assert!(ok, "{stderr}");
    let again: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(nonce(&node), before, "nothing sent: {stderr}");
    assert!(again["wiring"].as_array().unwrap().iter().filter(|w| w[0].as_str().unwrap().starts_with("cache ")).all(|w| w[1] == "in place"));

    // A dry run lists a cache step per program (here all cached already: skipped).
    let (ok, stdout, stderr) = up(&["--rpc-url", &node.url, "--private-key", &key0, "--dry-run", "--json", "--cache", "--deployments-dir", dir.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    let plan: Value = serde_json::from_str(&stdout).unwrap();
    let cache_steps: Vec<&Value> = plan["steps"].as_array().unwrap().iter().filter(|s| s["step"].as_str().unwrap().starts_with("cache ")).collect();
    assert_eq!(cache_steps.len(), system.len());
    assert!(cache_steps.iter().all(|s| s["skip"] == "already cached"), "{cache_steps:?}");
    assert_eq!(plan["cache_bids_eth"], "0.000000000000000000");

    let key1 = common::key(&node, 1);
    let (ok, _, stderr) = up(&["--rpc-url", &node.url, "--private-key", &key1, "--dry-run", "--cache"]);
    assert!(!ok);
    let line = stderr.lines().last().unwrap();
    assert!(line.starts_with("rigshare: error: --cache: ") && line.contains("is not a chain owner"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}
