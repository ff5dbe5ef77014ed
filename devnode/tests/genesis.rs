//! The genesis an Arbitrum dev chain has, over HTTP as a client sees it: Multicall3 at its
//! canonical address batching reads of Stylus and EVM contracts in one eth_call, and the
//! deterministic CREATE2 deployer deploying EVM and Stylus code; and the vendored bytecode
//! still what the pinned packages give.

#[path = "support/http.rs"]
mod http;

use alloy_primitives::{hex, keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent};
use devnode::{
    engine::{
        code,
        genesis::{cache_manager, CACHE_MANAGER_SIZE, CREATE2_DEPLOYER, MULTICALL3},
        precompiles::{ArbWasmCache, ARB_WASM_CACHE},
        tx::TxKind,
    },
    rpc::{self, NodeConfig, RunningNode},
};
use http::*;
use serde_json::json;

sol! {
    function placeBid(address program) external payable;
    function cacheSize() external view returns (uint64);
    function queueSize() external view returns (uint64);
    error AlreadyCached(bytes32 codehash);
    event InsertBid(bytes32 indexed codehash, address program, uint192 bid, uint64 size);
    struct Call3 { address target; bool allowFailure; bytes callData; }
    struct Result3 { bool success; bytes returnData; }
    function aggregate3(Call3[] calls) external payable returns (Result3[] returnData);
    function getBlockNumber() external view returns (uint256 blockNumber);
}

/// Runtime code that returns storage slot 0 (`SLOAD(0)`), as a word.
const SLOT0_GETTER: [u8; 7] = [0x5f, 0x54, 0x5f, 0x52, 0x60, 0x20, 0x5f];

fn getter_runtime() -> Vec<u8> {
    let mut code = SLOT0_GETTER.to_vec();
    code.push(0xf3); // RETURN
    code
}

/// Init code deploying `runtime`: PUSH1 len, DUP1, PUSH1 10, PUSH0, CODECOPY, PUSH0, RETURN.
fn evm_init(runtime: &[u8]) -> Vec<u8> {
    let mut init = vec![0x60, runtime.len() as u8, 0x80, 0x60, 0x0a, 0x5f, 0x39, 0x5f, 0xf3, 0x00];
    init.extend_from_slice(runtime);
    init
}

fn nonce(node: &RunningNode) -> u64 {
    let n = result(node, "eth_getTransactionCount", json!([node.accounts[0].address.to_string(), "latest"]));
    u64::from_str_radix(n.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

fn send(node: &RunningNode, to: TxKind, input: Vec<u8>) -> serde_json::Value {
    let raw = sign(node, 0, to, U256::ZERO, input, 10_000_000, nonce(node));
    let hash = result(node, "eth_sendRawTransaction", json!([raw]));
    let receipt = result(node, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    receipt
}

fn code_at(node: &RunningNode, at: Address) -> Vec<u8> {
    hex::decode(result(node, "eth_getCode", json!([at.to_string(), "latest"])).as_str().unwrap()).unwrap()
}

#[test]
fn multicall3_batches_stylus_and_evm_reads_in_one_call() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let stylus = deploy_logger(&node);
    let receipt = send(&node, TxKind::Create, evm_init(&getter_runtime()));
    let evm: Address = receipt["contractAddress"].as_str().unwrap().parse().unwrap();
    let stored = B256::with_last_byte(0x2a);
    result(&node, "anvil_setStorageAt", json!([evm.to_string(), B256::ZERO.to_string(), stored.to_string()]));

    let calls = vec![
        Call3 { target: evm, allowFailure: false, callData: Bytes::new() },
        // One byte: the logger echoes it and reverts (allowed to fail).
        Call3 { target: stylus, allowFailure: true, callData: Bytes::from_static(&[7]) },
        // A word: the logger stores and logs it, and returns nothing.
        Call3 { target: stylus, allowFailure: false, callData: B256::with_last_byte(9).to_vec().into() },
        Call3 { target: MULTICALL3, allowFailure: false, callData: getBlockNumberCall {}.abi_encode().into() },
    ];
    let input = aggregate3Call { calls }.abi_encode();
    let output = result(&node, "eth_call", json!([{"to": MULTICALL3.to_string(), "data": hex::encode_prefixed(&input)}, "latest"]));
    let output = hex::decode(output.as_str().unwrap()).unwrap();
    let results = aggregate3Call::abi_decode_returns(&output, true).unwrap().returnData;
    assert_eq!(results.len(), 4);
    assert!(results[0].success);
    assert_eq!(results[0].returnData.as_ref(), stored.as_slice(), "EVM read");
    assert!(!results[1].success);
    assert_eq!(results[1].returnData.as_ref(), &[7], "Stylus revert data, allowed to fail");
    assert!(results[2].success && results[2].returnData.is_empty());
    assert!(results[3].success);

    // Not allowed to fail: the whole aggregate reverts with Multicall3's reason.
    let calls = vec![Call3 { target: stylus, allowFailure: false, callData: Bytes::from_static(&[7]) }];
    let input = aggregate3Call { calls }.abi_encode();
    let error = error(&node, "eth_call", json!([{"to": MULTICALL3.to_string(), "data": hex::encode_prefixed(&input)}, "latest"]));
    assert_eq!(error["code"], 3, "{error}");
    let data = hex::decode(error["data"].as_str().unwrap()).unwrap();
    assert_eq!(devnode::engine::testing::revert_reason(&data).as_deref(), Some("Multicall3: call failed"));
}

#[test]
fn the_create2_deployer_deploys_evm_and_stylus_code() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    for init in [evm_init(&getter_runtime()), code::init_code(&code::stored_code(&logger_wasm()))] {
        let salt = B256::with_last_byte(1);
        let mut input = salt.to_vec();
        input.extend_from_slice(&init);
        send(&node, TxKind::Call(CREATE2_DEPLOYER), input);
        let created = CREATE2_DEPLOYER.create2(salt, keccak256(&init));
        let code = code_at(&node, created);
        assert!(!code.is_empty(), "nothing at {created}");
        assert!(init.ends_with(&code), "the init code's payload is the deployed code");
    }
}

fn call(node: &RunningNode, to: Address, input: Vec<u8>) -> Vec<u8> {
    let output = result(node, "eth_call", json!([{"to": to.to_string(), "data": hex::encode_prefixed(input)}, "latest"]));
    hex::decode(output.as_str().unwrap()).unwrap()
}

/// Arbitrum's CacheManager is registered with ArbWasmCache from genesis; a bid through it (what
/// `cargo stylus cache bid <program> 0` sends: `allCacheManagers`, then `placeBid`) caches the
/// program, and a second bid is refused with the contract's own error.
#[test]
fn a_bid_through_the_cache_manager_caches_the_program() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let managers = call(&node, ARB_WASM_CACHE, ArbWasmCache::allCacheManagersCall {}.abi_encode());
    let managers = ArbWasmCache::allCacheManagersCall::abi_decode_returns(&managers, true).unwrap().managers;
    assert_eq!(managers, vec![cache_manager()]);
    assert!(!code_at(&node, cache_manager()).is_empty());
    let size = call(&node, cache_manager(), cacheSizeCall {}.abi_encode());
    assert_eq!(cacheSizeCall::abi_decode_returns(&size, true).unwrap()._0, CACHE_MANAGER_SIZE);

    let program = deploy_logger(&node);
    let hash = keccak256(code_at(&node, program));
    let is_cached = |node: &RunningNode| {
        let out = call(node, ARB_WASM_CACHE, ArbWasmCache::codehashIsCachedCall { codehash: hash }.abi_encode());
        ArbWasmCache::codehashIsCachedCall::abi_decode_returns(&out, true).unwrap()._0
    };
    assert!(!is_cached(&node));

    let receipt = send(&node, TxKind::Call(cache_manager()), placeBidCall { program }.abi_encode());
    assert!(is_cached(&node), "the bid cached the program");
    let logs = receipt["logs"].as_array().unwrap();
    let insert = logs.iter().find(|l| l["topics"][0] == InsertBid::SIGNATURE_HASH.to_string()).expect("InsertBid");
    assert_eq!(insert["topics"][1], hash.to_string());
    let queued = call(&node, cache_manager(), queueSizeCall {}.abi_encode());
    assert!(queueSizeCall::abi_decode_returns(&queued, true).unwrap()._0 > 0, "the program's size is queued");

    let input = placeBidCall { program }.abi_encode();
    let error = error(&node, "eth_call", json!([{"to": cache_manager().to_string(), "data": hex::encode_prefixed(input)}, "latest"]));
    let data = hex::decode(error["data"].as_str().unwrap()).unwrap();
    assert_eq!(AlreadyCached::abi_decode(&data, true).unwrap().codehash, hash);
}

/// The vendored genesis bytecode is what the pinned npm packages give (tools/vendor-genesis.js).
#[test]
fn vendored_genesis_matches_the_pinned_packages() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let installed = std::path::Path::new(root).join("tools/node_modules/viem").exists();
    if !installed {
        assert!(
            std::env::var("RIGSHARE_REQUIRE_ANVIL").is_err(),
            "tools/node_modules is missing: run npm ci --prefix tools"
        );
        eprintln!("skipped: tools/node_modules is not installed (npm ci --prefix tools)");
        return;
    }
    let status = std::process::Command::new("node")
        .args(["tools/vendor-genesis.js", "--check"])
        .current_dir(root)
        .status()
        .expect("node runs");
    assert!(status.success(), "devnode/genesis is stale: run node tools/vendor-genesis.js");
}
