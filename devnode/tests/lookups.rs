//! Block and transaction lookups over HTTP: eth_getBlockReceipts,
//! eth_getBlockTransactionCountByHash, eth_getTransactionByBlock{Number,Hash}AndIndex,
//! eth_getUncleCountByBlock{Number,Hash}, txpool_status/txpool_content, eth_blobBaseFee.

#[path = "support/http.rs"]
mod http;

use alloy_primitives::{Address, U256};
use devnode::{
    engine::tx::TxKind,
    rpc::{self, NodeConfig, RunningNode},
};
use http::{deploy_logger, error, result, sign};
use serde_json::{json, Value};

fn transfer(node: &RunningNode, account: usize, nonce: u64) -> Value {
    let raw = sign(node, account, TxKind::Call(Address::repeat_byte(0x42)), U256::from(1u64), Vec::new(), 21_000, nonce);
    result(node, "eth_sendRawTransaction", json!([raw]))
}

#[test]
fn transactions_and_receipts_by_block_and_position() {
    // Interval mining, so one block holds several transactions.
    let node = rpc::spawn(NodeConfig { block_time: 3600, ..NodeConfig::ephemeral() }).unwrap();
    let first = transfer(&node, 1, 0);
    let second = transfer(&node, 2, 0);
    let third = transfer(&node, 1, 1);
    result(&node, "evm_mine", json!([]));
    let block = result(&node, "eth_getBlockByNumber", json!(["0x1", false]));
    let hash = block["hash"].clone();

    assert_eq!(result(&node, "eth_getBlockTransactionCountByHash", json!([hash])), "0x3");
    assert_eq!(result(&node, "eth_getBlockTransactionCountByNumber", json!(["0x1"])), "0x3");
    assert_eq!(result(&node, "eth_getBlockTransactionCountByHash", json!([format!("0x{}", "00".repeat(32))])), Value::Null);

    for (index, expected) in [&first, &second, &third].into_iter().enumerate() {
        let by_number = result(&node, "eth_getTransactionByBlockNumberAndIndex", json!(["0x1", format!("{index:#x}")]));
        let by_hash = result(&node, "eth_getTransactionByBlockHashAndIndex", json!([hash, format!("{index:#x}")]));
        let by_tx_hash = result(&node, "eth_getTransactionByHash", json!([expected]));
        assert_eq!(by_number, by_tx_hash);
        assert_eq!(by_hash, by_tx_hash);
        assert_eq!(by_number["transactionIndex"], format!("{index:#x}"));
    }
    assert_eq!(result(&node, "eth_getTransactionByBlockNumberAndIndex", json!(["latest", "0x1"]))["hash"], second);
    assert_eq!(result(&node, "eth_getTransactionByBlockNumberAndIndex", json!(["0x1", "0x3"])), Value::Null);
    assert_eq!(result(&node, "eth_getTransactionByBlockNumberAndIndex", json!(["0x9", "0x0"])), Value::Null);
    assert_eq!(result(&node, "eth_getTransactionByBlockHashAndIndex", json!([format!("0x{}", "00".repeat(32)), "0x0"])), Value::Null);

    let receipts = result(&node, "eth_getBlockReceipts", json!(["0x1"]));
    let receipts = receipts.as_array().unwrap();
    assert_eq!(receipts.len(), 3);
    for (receipt, hash) in receipts.iter().zip([&first, &second, &third]) {
        assert_eq!(receipt, &result(&node, "eth_getTransactionReceipt", json!([hash])));
    }
    assert_eq!(result(&node, "eth_getBlockReceipts", json!([hash])).as_array().unwrap().len(), 3);
    assert_eq!(result(&node, "eth_getBlockReceipts", json!(["0x0"])), json!([]));
    assert_eq!(result(&node, "eth_getBlockReceipts", json!(["0x2"])), Value::Null);
}

#[test]
fn block_receipts_number_logs_across_the_block() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    deploy_logger(&node);
    let receipts = result(&node, "eth_getBlockReceipts", json!(["latest"]));
    let single = result(&node, "eth_getTransactionReceipt", json!([receipts[0]["transactionHash"]]));
    assert_eq!(receipts[0], single);
    assert!(!single["logs"].as_array().unwrap().is_empty());
}

#[test]
fn uncles_blob_fee_and_bad_params() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let genesis = result(&node, "eth_getBlockByNumber", json!(["0x0", false]));
    assert_eq!(result(&node, "eth_getUncleCountByBlockNumber", json!(["0x0"])), "0x0");
    assert_eq!(result(&node, "eth_getUncleCountByBlockNumber", json!(["latest"])), "0x0");
    assert_eq!(result(&node, "eth_getUncleCountByBlockHash", json!([genesis["hash"]])), "0x0");
    let missing = error(&node, "eth_getUncleCountByBlockNumber", json!(["0x5"]));
    assert_eq!((missing["code"].clone(), missing["message"].clone()), (json!(-32001), json!("Resource not found")));
    let missing = error(&node, "eth_getUncleCountByBlockHash", json!([format!("0x{}", "00".repeat(32))]));
    assert_eq!(missing["code"], -32001);
    assert_eq!(result(&node, "eth_blobBaseFee", json!([])), "0x1");

    let cases = [
        ("eth_getBlockTransactionCountByHash", json!(["0x12"])),
        ("eth_getBlockTransactionCountByHash", json!([])),
        ("eth_getTransactionByBlockNumberAndIndex", json!(["0x0"])),
        ("eth_getTransactionByBlockNumberAndIndex", json!(["0x0", "zero"])),
        ("eth_getTransactionByBlockHashAndIndex", json!(["latest", "0x0"])),
        ("eth_getBlockReceipts", json!([])),
        ("eth_getBlockReceipts", json!(["soon"])),
        ("eth_getUncleCountByBlockHash", json!([5])),
    ];
    for (method, params) in cases {
        assert_eq!(error(&node, method, params.clone())["code"], -32602, "{method} {params}");
    }
    // A JSON number is read as an index too, as alloy's Index does.
    assert_eq!(result(&node, "eth_getTransactionByBlockNumberAndIndex", json!(["0x0", 0])), Value::Null);
}

#[test]
fn the_txpool_shows_what_waits_for_the_next_block() {
    let node = rpc::spawn(NodeConfig { block_time: 3600, ..NodeConfig::ephemeral() }).unwrap();
    assert_eq!(result(&node, "txpool_status", json!([])), json!({"pending": "0x0", "queued": "0x0"}));
    assert_eq!(result(&node, "txpool_content", json!([])), json!({"pending": {}, "queued": {}}));
    let first = transfer(&node, 1, 0);
    let second = transfer(&node, 1, 1);
    let other = transfer(&node, 2, 0);
    assert_eq!(result(&node, "txpool_status", json!([])), json!({"pending": "0x3", "queued": "0x0"}));
    let content = result(&node, "txpool_content", json!([]));
    let one = format!("{:#x}", node.accounts[1].address);
    let two = format!("{:#x}", node.accounts[2].address);
    assert_eq!(content["pending"][&one]["0"]["hash"], first);
    assert_eq!(content["pending"][&one]["1"]["hash"], second);
    assert_eq!(content["pending"][&two]["0"]["hash"], other);
    assert_eq!(content["pending"][&one]["0"]["blockNumber"], Value::Null);
    assert_eq!(content["queued"], json!({}));
    result(&node, "evm_mine", json!([]));
    assert_eq!(result(&node, "txpool_status", json!([])), json!({"pending": "0x0", "queued": "0x0"}));
}
