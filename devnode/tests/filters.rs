//! Polling filters over HTTP, with anvil's semantics: eth_newFilter, eth_newBlockFilter,
//! eth_newPendingTransactionFilter, eth_getFilterChanges, eth_getFilterLogs,
//! eth_uninstallFilter; the cap on live filters and the error codes.

#[path = "support/http.rs"]
mod http;

use alloy_primitives::{Address, U256};
use devnode::{
    engine::{precompiles::STYLUS_DEPLOYER, tx::TxKind},
    node::filters::MAX_FILTERS,
    rpc::{self, NodeConfig, RunningNode},
};
use http::{deploy_logger, error, post, result, sign};
use serde_json::{json, Value};

fn transfer(node: &RunningNode, nonce: u64) -> Value {
    let raw = sign(node, 1, TxKind::Call(Address::repeat_byte(0x42)), U256::from(1u64), Vec::new(), 21_000, nonce);
    result(node, "eth_sendRawTransaction", json!([raw]))
}

fn changes(node: &RunningNode, id: &Value) -> Vec<Value> {
    result(node, "eth_getFilterChanges", json!([id])).as_array().unwrap().clone()
}

#[test]
fn block_filters_return_each_new_block_once() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let id = result(&node, "eth_newBlockFilter", json!([]));
    let text = id.as_str().unwrap();
    assert!(text.starts_with("0x") && text.len() == 34, "{id}");
    assert!(changes(&node, &id).is_empty(), "the block it was installed at is not new");
    transfer(&node, 0);
    result(&node, "evm_mine", json!([]));
    let blocks = changes(&node, &id);
    let one = result(&node, "eth_getBlockByNumber", json!(["0x1", false]));
    let two = result(&node, "eth_getBlockByNumber", json!(["0x2", false]));
    assert_eq!(blocks, vec![one["hash"].clone(), two["hash"].clone()]);
    assert!(changes(&node, &id).is_empty(), "each block is reported once");

    // After evm_revert the filter reports the blocks of the new chain.
    let snapshot = result(&node, "evm_snapshot", json!([]));
    result(&node, "evm_mine", json!([]));
    assert_eq!(changes(&node, &id).len(), 1);
    assert_eq!(result(&node, "evm_revert", json!([snapshot])), true);
    result(&node, "evm_mine", json!([]));
    let three = result(&node, "eth_getBlockByNumber", json!(["0x3", false]));
    assert_eq!(changes(&node, &id), vec![three["hash"].clone()]);

    // A block filter has no logs.
    let logs = error(&node, "eth_getFilterLogs", json!([id]));
    assert_eq!((logs["code"].clone(), logs["message"].clone()), (json!(-32000), json!("filter not found")));
}

#[test]
fn pending_transaction_filters_see_accepted_transactions() {
    // Interval mining (a block an hour): transactions wait in the pool.
    let node = rpc::spawn(NodeConfig { block_time: 3600, ..NodeConfig::ephemeral() }).unwrap();
    let hashes = result(&node, "eth_newPendingTransactionFilter", json!([]));
    let full = result(&node, "eth_newPendingTransactionFilter", json!([true]));
    let first = transfer(&node, 0);
    let second = transfer(&node, 1);
    assert_eq!(changes(&node, &hashes), vec![first.clone(), second.clone()]);
    assert!(changes(&node, &hashes).is_empty());
    let txs = changes(&node, &full);
    assert_eq!(txs.len(), 2);
    assert_eq!((txs[0]["hash"].clone(), txs[0]["blockNumber"].clone()), (first, Value::Null), "pending");
    // A refused transaction is not reported.
    let replay = sign(&node, 1, TxKind::Call(Address::repeat_byte(0x42)), U256::from(1u64), Vec::new(), 21_000, 0);
    error(&node, "eth_sendRawTransaction", json!([replay]));
    assert!(changes(&node, &hashes).is_empty());
    // eth_sendTransaction counts too.
    let from = node.accounts[2].address.to_string();
    let sent = result(&node, "eth_sendTransaction", json!([{"from": from, "to": from, "value": "0x1"}]));
    assert_eq!(changes(&node, &hashes), vec![sent]);
}

#[test]
fn log_filters_return_new_logs_and_with_a_from_block_the_old_ones_first() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let topic = format!("0x{}", "aa".repeat(32));
    // Installed before the deployment: sees the deployer's event (block 1).
    let everything = result(&node, "eth_newFilter", json!([{}]));
    let program = deploy_logger(&node);
    let deployed = changes(&node, &everything);
    assert!(!deployed.is_empty());
    assert!(deployed.iter().all(|log| log["blockNumber"] == "0x1"));
    assert!(deployed.iter().any(|log| log["address"].as_str().unwrap().eq_ignore_ascii_case(&STYLUS_DEPLOYER.to_string())));

    // Without fromBlock, nothing from before; with one, the logs already in range first.
    let by_topic = result(&node, "eth_newFilter", json!([{"topics": [topic]}]));
    let from_genesis = result(&node, "eth_newFilter", json!([{"fromBlock": "0x0", "address": STYLUS_DEPLOYER.to_string()}]));
    let bounded = result(&node, "eth_newFilter", json!([{"fromBlock": "0x0", "toBlock": "0x2", "address": program.to_string()}]));
    assert!(changes(&node, &by_topic).is_empty());
    let historic = changes(&node, &from_genesis);
    assert_eq!(historic.len(), 1, "{historic:?}");
    assert_eq!(historic[0]["blockNumber"], "0x1");

    for (nonce, byte) in [(1u64, 7u8), (2, 8)] {
        let raw = sign(&node, 0, TxKind::Call(program), U256::ZERO, vec![byte; 32], 500_000, nonce);
        let hash = result(&node, "eth_sendRawTransaction", json!([raw]));
        assert_eq!(result(&node, "eth_getTransactionReceipt", json!([hash]))["status"], "0x1");
    }
    let logs = changes(&node, &by_topic);
    assert_eq!(logs.len(), 2);
    assert_eq!((logs[0]["blockNumber"].clone(), logs[1]["blockNumber"].clone()), (json!("0x2"), json!("0x3")));
    assert_eq!(logs[0]["data"], format!("0x{}", "07".repeat(32)));
    assert_eq!(logs[0]["logIndex"], "0x0");
    assert!(changes(&node, &by_topic).is_empty());
    assert!(changes(&node, &from_genesis).is_empty(), "the deployer logged nothing since");
    // toBlock 2 keeps block 3's log out.
    let in_range = changes(&node, &bounded);
    assert_eq!(in_range.len(), 1);
    assert_eq!(in_range[0]["blockNumber"], "0x2");
    // eth_getFilterLogs: everything in the filter's range now, as eth_getLogs, however often.
    let all = result(&node, "eth_getFilterLogs", json!([by_topic]));
    assert_eq!(all, result(&node, "eth_getLogs", json!([{"topics": [topic]}])));
    let all = result(&node, "eth_getFilterLogs", json!([bounded]));
    assert_eq!(all.as_array().unwrap().len(), 1);
    assert_eq!(result(&node, "eth_getFilterLogs", json!([bounded])), all);
}

#[test]
fn uninstalling_and_unknown_filters() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let id = result(&node, "eth_newBlockFilter", json!([]));
    assert_eq!(result(&node, "eth_uninstallFilter", json!([id])), true);
    assert_eq!(result(&node, "eth_uninstallFilter", json!([id])), false);
    for method in ["eth_getFilterChanges", "eth_getFilterLogs"] {
        let missing = error(&node, method, json!([id]));
        assert_eq!((missing["code"].clone(), missing["message"].clone()), (json!(-32000), json!("filter not found")), "{method}");
        let unknown = error(&node, method, json!(["0x1234"]));
        assert_eq!(unknown["code"], -32000, "{method}");
    }
}

#[test]
fn bad_parameters_are_invalid_params() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let cases = [
        ("eth_getFilterChanges", json!([])),
        ("eth_getFilterChanges", json!([1])),
        ("eth_getFilterLogs", json!([{}])),
        ("eth_uninstallFilter", json!([null])),
        ("eth_newFilter", json!([])),
        ("eth_newFilter", json!(["latest"])),
        ("eth_newFilter", json!([{"address": "0x12"}])),
        ("eth_newFilter", json!([{"topics": [null, null, null, null, null]}])),
        ("eth_newFilter", json!([{"blockHash": format!("0x{}", "11".repeat(32)), "fromBlock": "0x0"}])),
        ("eth_newPendingTransactionFilter", json!(["yes"])),
    ];
    for (method, params) in cases {
        let refused = error(&node, method, params.clone());
        assert_eq!(refused["code"], -32602, "{method} {params}: {refused}");
    }
}

#[test]
fn live_filters_are_capped_with_a_clear_error() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let mut installed = 0;
    while installed < MAX_FILTERS {
        let count = (MAX_FILTERS - installed).min(500);
        let batch: Vec<Value> =
            (0..count).map(|i| json!({"jsonrpc": "2.0", "id": i, "method": "eth_newBlockFilter", "params": []})).collect();
        let (status, body) = post(&node.url, &Value::Array(batch).to_string());
        assert_eq!(status, 200);
        let answers: Vec<Value> = serde_json::from_str(&body).unwrap();
        assert!(answers.iter().all(|a| a["result"].is_string()), "{body}");
        installed += count;
    }
    let full = error(&node, "eth_newFilter", json!([{}]));
    assert_eq!(full["code"], -32005, "{full}");
    assert!(full["message"].as_str().unwrap().starts_with(&format!("too many filters: at most {MAX_FILTERS}")), "{full}");
    let pending = error(&node, "eth_newPendingTransactionFilter", json!([]));
    assert_eq!(pending["code"], -32005);
}
