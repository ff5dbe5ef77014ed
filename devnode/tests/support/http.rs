//! JSON-RPC over real HTTP for the integration tests: a minimal client (the bytes a wallet
//! sends), result/error helpers, signing with the node's keys, and a Stylus program that logs.
#![allow(dead_code)]

use std::{
    io::{Read, Write},
    net::TcpStream,
};

use alloy_primitives::{hex, Address, Bytes, U256};
use devnode::{
    engine::{code, precompiles::STYLUS_DEPLOYER, tx::TxKind},
    rpc::RunningNode,
};
use serde_json::{json, Value};

/// A minimal HTTP/1.1 client, so the tests see exactly the bytes a wallet would.
pub fn post(url: &str, body: &str) -> (u16, String) {
    let address = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status: u16 = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

pub fn rpc(node: &RunningNode, method: &str, params: Value) -> Value {
    let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let (status, body) = post(&node.url, &request.to_string());
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

pub fn result(node: &RunningNode, method: &str, params: Value) -> Value {
    let response = rpc(node, method, params);
    assert!(response.get("error").is_none(), "{method}: {response}");
    response["result"].clone()
}

pub fn error(node: &RunningNode, method: &str, params: Value) -> Value {
    let response = rpc(node, method, params);
    response
        .get("error")
        .cloned()
        .unwrap_or_else(|| panic!("{method} should fail: {response}"))
}

pub fn sign(
    node: &RunningNode,
    account: usize,
    to: TxKind,
    value: U256,
    input: Vec<u8>,
    gas: u64,
    nonce: u64,
) -> String {
    let tx = devnode::engine::testing::signed_tx(
        &node.accounts[account].key,
        nonce,
        to,
        value,
        input,
        gas,
    );
    hex::encode_prefixed(tx.encode())
}

/// A program that stores its calldata's first word at slot 0 and logs it with topic 0xaa..
pub fn logger_wasm() -> Vec<u8> {
    wat::parse_str(
        r#"(module
            (import "vm_hooks" "read_args" (func $read_args (param i32)))
            (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
            (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
            (import "vm_hooks" "emit_log" (func $log (param i32 i32 i32)))
            (import "vm_hooks" "write_result" (func $out (param i32 i32)))
            (memory (export "memory") 1 1)
            (data (i32.const 256) "\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa")
            (func (export "user_entrypoint") (param $len i32) (result i32)
                (call $read_args (i32.const 288))
                (if (i32.eq (local.get $len) (i32.const 1))
                    (then (call $out (i32.const 288) (i32.const 1)) (return (i32.const 1))))
                (call $cache (i32.const 512) (i32.const 288))
                (call $flush (i32.const 0))
                (call $log (i32.const 256) (i32.const 64) (i32.const 1))
                (i32.const 0)))"#,
    )
    .unwrap()
}

/// Deploys `logger_wasm` through StylusDeployer with eth_sendRawTransaction.
pub fn deploy_logger(node: &RunningNode) -> Address {
    deploy_wasm(node, &logger_wasm())
}

/// Deploys and activates a program through StylusDeployer, sent by the node's first account
/// with eth_sendRawTransaction.
pub fn deploy_wasm(node: &RunningNode, wasm: &[u8]) -> Address {
    let deploy = ArbWasmDeploy::deploy(code::init_code(&code::stored_code(wasm)));
    let nonce = result(
        node,
        "eth_getTransactionCount",
        json!([node.accounts[0].address.to_string(), "latest"]),
    );
    let nonce = u64::from_str_radix(nonce.as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    let raw = sign(
        node,
        0,
        TxKind::Call(STYLUS_DEPLOYER),
        U256::from(10u64).pow(U256::from(17u64)),
        deploy,
        30_000_000,
        nonce,
    );
    let hash = result(node, "eth_sendRawTransaction", json!([raw]));
    let receipt = result(node, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    let log = receipt["logs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| {
            l["address"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case(&STYLUS_DEPLOYER.to_string())
        })
        .unwrap()
        .clone();
    let data = hex::decode(log["data"].as_str().unwrap()).unwrap();
    Address::from_slice(&data[12..32])
}

pub struct ArbWasmDeploy;

impl ArbWasmDeploy {
    pub fn deploy(init_code: Vec<u8>) -> Vec<u8> {
        use alloy_sol_types::SolCall;
        devnode::engine::precompiles::StylusDeployer::deployCall {
            bytecode: init_code.into(),
            initData: Bytes::new(),
            initValue: U256::ZERO,
            salt: Default::default(),
        }
        .abi_encode()
    }
}
