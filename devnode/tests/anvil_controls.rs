//! anvil's test controls over HTTP: impersonation (unsigned eth_sendTransaction), setCode,
//! setStorageAt, setNonce, anvil_mine, evm_setAutomine, anvil_reset, dumpState/loadState.

#[path = "support/http.rs"]
mod http;

use alloy_primitives::{hex, Address, U256};
use devnode::{
    engine::{code, tx::TxKind},
    rpc::{self, NodeConfig, RunningNode},
};
use http::{deploy_logger, error, logger_wasm, result, sign};
use serde_json::{json, Value};

fn block_number(node: &RunningNode) -> u64 {
    u64::from_str_radix(result(node, "eth_blockNumber", json!([])).as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

fn timestamp(node: &RunningNode, block: &str) -> u64 {
    let block = result(node, "eth_getBlockByNumber", json!([block, false]));
    u64::from_str_radix(block["timestamp"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

#[test]
fn impersonated_accounts_send_unsigned_transactions() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let whale = "0x00000000000000000000000000000000000000aa";
    let to = "0x00000000000000000000000000000000000000bb";
    result(&node, "anvil_setBalance", json!([whale, "0xde0b6b3a7640000"]));
    let send = json!([{"from": whale, "to": to, "value": "0x3e8"}]);
    // Not yet impersonated: the node holds no key for it.
    assert_eq!(error(&node, "eth_sendTransaction", send.clone())["code"], -32602);

    assert_eq!(result(&node, "anvil_impersonateAccount", json!([whale])), Value::Null);
    let hash = result(&node, "eth_sendTransaction", send.clone());
    let receipt = result(&node, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x1");
    assert_eq!(receipt["from"].as_str().unwrap().to_lowercase(), whale);
    assert_eq!(result(&node, "eth_getBalance", json!([to])), "0x3e8");
    let tx = result(&node, "eth_getTransactionByHash", json!([hash]));
    assert_eq!((tx["r"].clone(), tx["s"].clone(), tx["nonce"].clone()), (json!("0x1"), json!("0x1"), json!("0x0")));
    // The same request again is a new transaction (next nonce), with its own hash.
    let again = result(&node, "eth_sendTransaction", send.clone());
    assert_ne!(again, hash);

    // Raw transactions are always checked: impersonation is not a way around signatures.
    result(&node, "anvil_stopImpersonatingAccount", json!([whale]));
    assert_eq!(error(&node, "eth_sendTransaction", send.clone())["code"], -32602);
    result(&node, "anvil_autoImpersonateAccount", json!([true]));
    result(&node, "eth_sendTransaction", send.clone());
    result(&node, "hardhat_autoImpersonateAccount", json!([false]));
    assert_eq!(error(&node, "eth_sendTransaction", send)["code"], -32602);
    assert_eq!(error(&node, "anvil_impersonateAccount", json!(["0x12"]))["code"], -32602);
}

#[test]
fn set_code_storage_and_nonce() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let account = "0x00000000000000000000000000000000000000cc";
    let stored = hex::encode_prefixed(code::stored_code(&logger_wasm()));
    assert_eq!(result(&node, "anvil_setCode", json!([account, stored])), Value::Null);
    assert_eq!(result(&node, "eth_getCode", json!([account])), stored);
    assert_eq!(result(&node, "hardhat_setCode", json!([account, "0x"])), Value::Null);
    assert_eq!(result(&node, "eth_getCode", json!([account])), "0x");

    let value = format!("0x{}", "ab".repeat(32));
    assert_eq!(result(&node, "anvil_setStorageAt", json!([account, "0x5", value])), true);
    assert_eq!(result(&node, "eth_getStorageAt", json!([account, "0x5"])), value);
    assert_eq!(result(&node, "hardhat_setStorageAt", json!([account, "0x5", format!("0x{}", "00".repeat(32))])), true);
    assert_eq!(result(&node, "eth_getStorageAt", json!([account, "0x5"])), format!("0x{}", "00".repeat(32)));

    assert_eq!(result(&node, "anvil_setNonce", json!([account, "0x10"])), Value::Null);
    assert_eq!(result(&node, "eth_getTransactionCount", json!([account])), "0x10");
    result(&node, "hardhat_setNonce", json!([account, 7]));
    assert_eq!(result(&node, "eth_getTransactionCount", json!([account])), "0x7");
    // A dev account's nonce moved: its next transaction must use it.
    let dev = node.accounts[1].address.to_string();
    result(&node, "evm_setAccountNonce", json!([dev, "0x3"]));
    let raw = sign(&node, 1, TxKind::Call(Address::repeat_byte(1)), U256::ZERO, Vec::new(), 21_000, 3);
    result(&node, "eth_sendRawTransaction", json!([raw]));

    for (method, params) in [
        ("anvil_setCode", json!([account, "zz"])),
        ("anvil_setStorageAt", json!([account, "0x5", "0x01"])),
        ("anvil_setStorageAt", json!([account, "0x5"])),
        ("anvil_setNonce", json!([account, -1])),
        ("anvil_setNonce", json!([account])),
    ] {
        assert_eq!(error(&node, method, params.clone())["code"], -32602, "{method} {params}");
    }
}

#[test]
fn mining_controls() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    assert_eq!(result(&node, "anvil_getAutomine", json!([])), true);
    assert_eq!(result(&node, "anvil_mine", json!([])), Value::Null);
    assert_eq!(block_number(&node), 1);
    result(&node, "hardhat_mine", json!(["0x5", "0x3c"]));
    assert_eq!(block_number(&node), 6);
    assert_eq!(timestamp(&node, "0x6") - timestamp(&node, "0x5"), 60);
    assert_eq!(timestamp(&node, "0x2") - timestamp(&node, "0x1"), 60);
    result(&node, "anvil_mine", json!([3]));
    assert_eq!(block_number(&node), 9);
    assert_eq!(result(&node, "evm_mine", json!([{"blocks": 2}])), "0x0");
    assert_eq!(block_number(&node), 11);
    let later = timestamp(&node, "latest") + 1000;
    result(&node, "evm_mine", json!([later]));
    assert_eq!(timestamp(&node, "latest"), later);
    assert_eq!(error(&node, "evm_mine", json!(["0x1"]))["code"], -32602, "before the head, as anvil");
    assert_eq!(error(&node, "anvil_mine", json!(["0x186a1"]))["code"], -32602, "more than 100,000 blocks");
    assert_eq!(error(&node, "anvil_mine", json!(["soon"]))["code"], -32602);

    // Automine off: transactions wait in the pool until a block is mined.
    assert_eq!(result(&node, "evm_setAutomine", json!([false])), Value::Null);
    assert_eq!(result(&node, "anvil_getAutomine", json!([])), false);
    let to = TxKind::Call(Address::repeat_byte(2));
    let first = result(&node, "eth_sendRawTransaction", json!([sign(&node, 1, to, U256::from(1u64), Vec::new(), 21_000, 0)]));
    let second = result(&node, "eth_sendRawTransaction", json!([sign(&node, 1, to, U256::from(1u64), Vec::new(), 21_000, 1)]));
    assert_eq!(result(&node, "eth_getTransactionReceipt", json!([first])), Value::Null);
    assert_eq!(result(&node, "txpool_status", json!([]))["pending"], "0x2");
    // Back on: what waited is mined at once, in one block.
    result(&node, "anvil_setAutomine", json!([true]));
    let receipt = result(&node, "eth_getTransactionReceipt", json!([second]));
    assert_eq!(receipt["blockNumber"], result(&node, "eth_getTransactionReceipt", json!([first]))["blockNumber"]);
    let third = result(&node, "eth_sendRawTransaction", json!([sign(&node, 1, to, U256::from(1u64), Vec::new(), 21_000, 2)]));
    assert_eq!(result(&node, "eth_getTransactionReceipt", json!([third]))["status"], "0x1");
    assert_eq!(error(&node, "evm_setAutomine", json!(["yes"]))["code"], -32602);
}

#[test]
fn interval_mining_stops_when_automine_is_switched_on() {
    let node = rpc::spawn(NodeConfig { block_time: 1, ..NodeConfig::ephemeral() }).unwrap();
    result(&node, "evm_setAutomine", json!([true]));
    let before = block_number(&node);
    std::thread::sleep(std::time::Duration::from_millis(2_500));
    assert_eq!(block_number(&node), before, "no interval blocks any more");
}

#[test]
fn reset_returns_to_genesis() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let genesis = result(&node, "eth_getBlockByNumber", json!(["0x0", false]));
    let program = deploy_logger(&node);
    result(&node, "anvil_setBalance", json!(["0x00000000000000000000000000000000000000aa", "0x5"]));
    let snapshot = result(&node, "evm_snapshot", json!([]));
    let filter = result(&node, "eth_newBlockFilter", json!([]));
    result(&node, "anvil_mine", json!([3]));
    assert_eq!(result(&node, "anvil_reset", json!([])), Value::Null);
    assert_eq!(block_number(&node), 0);
    assert_eq!(result(&node, "eth_getBlockByNumber", json!(["0x0", false])), genesis);
    assert_eq!(result(&node, "eth_getCode", json!([program.to_string()])), "0x");
    assert_eq!(result(&node, "eth_getBalance", json!(["0x00000000000000000000000000000000000000aa"])), "0x0");
    assert_eq!(result(&node, "eth_getBalance", json!([node.accounts[1].address.to_string()])), "0x21e19e0c9bab2400000");
    assert_eq!(result(&node, "evm_revert", json!([snapshot])), false, "snapshots are gone");
    // A filter installed before sees the new chain's blocks.
    result(&node, "evm_mine", json!([]));
    let blocks = result(&node, "eth_getFilterChanges", json!([filter]));
    assert_eq!(blocks, json!([result(&node, "eth_getBlockByNumber", json!(["0x1", false]))["hash"]]));
    result(&node, "hardhat_reset", json!([{}]));
    let fork = error(&node, "anvil_reset", json!([{"forking": {"jsonRpcUrl": "http://localhost:8545"}}]));
    assert_eq!(fork["code"], -32000);
    assert!(fork["message"].as_str().unwrap().contains("forking is not supported"));
}

#[test]
fn dump_and_load_state() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let program = deploy_logger(&node);
    let raw = sign(&node, 0, TxKind::Call(program), U256::ZERO, vec![9u8; 32], 500_000, 1);
    result(&node, "eth_sendRawTransaction", json!([raw]));
    let dump = result(&node, "anvil_dumpState", json!([]));
    let text = String::from_utf8(hex::decode(dump.as_str().unwrap()).unwrap()).unwrap();
    assert!(text.contains("rigshare-devnode-state/1"), "{text}");

    // Into another node, which keeps its own chain and other accounts.
    let other = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let mine = "0x00000000000000000000000000000000000000dd";
    result(&other, "anvil_setBalance", json!([mine, "0x7"]));
    result(&other, "anvil_mine", json!([2]));
    assert_eq!(result(&other, "anvil_loadState", json!([dump])), true);
    assert_eq!(result(&other, "eth_getBalance", json!([mine])), "0x7");
    assert_eq!(block_number(&other), 2);
    assert_eq!(result(&other, "eth_getCode", json!([program.to_string()])), result(&node, "eth_getCode", json!([program.to_string()])));
    assert_eq!(result(&other, "eth_getStorageAt", json!([program.to_string(), "0x0"])), hex::encode_prefixed([9u8; 32]));
    // The program was activated in the dump: it runs on the other node.
    let raw = sign(&other, 0, TxKind::Call(program), U256::ZERO, vec![4u8; 32], 500_000, 2);
    let hash = result(&other, "eth_sendRawTransaction", json!([raw]));
    assert_eq!(result(&other, "eth_getTransactionReceipt", json!([hash]))["status"], "0x1");

    let garbage = error(&other, "anvil_loadState", json!([hex::encode_prefixed(b"{}")]));
    assert_eq!(garbage["code"], -32602);
    assert!(garbage["message"].as_str().unwrap().starts_with("Failed to decode state dump"), "{garbage}");
    assert_eq!(error(&other, "anvil_loadState", json!(["0x1f8b"]))["code"], -32602);
    // Another chain's dump is refused and changes nothing.
    let foreign = rpc::spawn(NodeConfig { chain_id: 1, ..NodeConfig::ephemeral() }).unwrap();
    let foreign_dump = result(&foreign, "anvil_dumpState", json!([]));
    assert_eq!(error(&other, "anvil_loadState", json!([foreign_dump]))["code"], -32602);
}
