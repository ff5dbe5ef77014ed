//! The JSON-RPC node over real HTTP: the methods wallets and tools use, geth's error codes,
//! batches and limits, and the test methods.

use alloy_primitives::{hex, keccak256, Address, U256};
use devnode::{
    dev::CHAIN_ID,
    engine::{
        code,
        precompiles::{ArbWasm, STYLUS_DEPLOYER},
        tx::TxKind,
    },
    rpc::{self, server, NodeConfig},
};
use proptest::prelude::*;
use serde_json::{json, Value};

#[path = "support/http.rs"]
mod http;

use http::*;

#[test]
fn basic_chain_methods() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    assert_eq!(result(&node, "eth_chainId", json!([])), format!("{:#x}", CHAIN_ID));
    assert_eq!(result(&node, "net_version", json!([])), CHAIN_ID.to_string());
    assert_eq!(result(&node, "eth_blockNumber", json!([])), "0x0");
    let accounts = result(&node, "eth_accounts", json!([]));
    // Lowercase hex, as geth and anvil answer.
    assert_eq!(accounts[0], "0x3f1eae7d46d88f08fc2f8ed27fcb2ab183eb2d0e");
    assert_eq!(accounts[1], "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    assert_eq!(accounts.as_array().unwrap().len(), 11);
    let balance = result(&node, "eth_getBalance", json!([accounts[1], "latest"]));
    assert_eq!(balance, "0x21e19e0c9bab2400000"); // 10,000 ETH
    assert!(result(&node, "web3_clientVersion", json!([])).as_str().unwrap().starts_with("rigshare-devnode/"));
    assert_eq!(result(&node, "eth_gasPrice", json!([])), "0x5f5e100");
    let block = result(&node, "eth_getBlockByNumber", json!(["latest", false]));
    assert_eq!(block["number"], "0x0");
    assert_eq!(block["transactions"], json!([]));
    let history = result(&node, "eth_feeHistory", json!(["0x4", "latest", [25, 75]]));
    assert_eq!(history["oldestBlock"], "0x0");
    assert_eq!(history["baseFeePerGas"].as_array().unwrap().len(), 2);
    // Native contracts have code, so tools that check for a deployer find one.
    let code = result(&node, "eth_getCode", json!([STYLUS_DEPLOYER.to_string(), "latest"]));
    assert_ne!(code, "0x");
}

#[test]
fn transfers_transactions_receipts_and_blocks() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let to = Address::repeat_byte(0x42);
    let raw = sign(&node, 1, TxKind::Call(to), U256::from(1234u64), Vec::new(), 21_000, 0);
    let hash = result(&node, "eth_sendRawTransaction", json!([raw]));
    let receipt = result(&node, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x1");
    assert_eq!(receipt["gasUsed"], "0x5208");
    assert_eq!(receipt["blockNumber"], "0x1");
    assert_eq!(result(&node, "eth_getBalance", json!([to.to_string()])), "0x4d2");
    let tx = result(&node, "eth_getTransactionByHash", json!([hash]));
    assert_eq!(tx["from"], alloy_primitives::hex::encode_prefixed(node.accounts[1].address));
    assert_eq!(tx["blockNumber"], "0x1");
    let block = result(&node, "eth_getBlockByNumber", json!(["0x1", true]));
    assert_eq!(block["transactions"][0]["hash"], hash);
    let by_hash = result(&node, "eth_getBlockByHash", json!([block["hash"], false]));
    assert_eq!(by_hash["transactions"][0], hash);
    assert_eq!(result(&node, "eth_getTransactionCount", json!([node.accounts[1].address.to_string(), "latest"])), "0x1");

    // Replays and bad nonces are refused with geth's messages, and change nothing.
    let again = error(&node, "eth_sendRawTransaction", json!([raw]));
    assert_eq!(again["code"], -32000);
    assert_eq!(again["message"], "already known");
    let low = sign(&node, 1, TxKind::Call(to), U256::ZERO, Vec::new(), 21_000, 0);
    assert!(error(&node, "eth_sendRawTransaction", json!([low]))["message"].as_str().unwrap().starts_with("nonce too low"));
    let high = sign(&node, 1, TxKind::Call(to), U256::ZERO, Vec::new(), 21_000, 5);
    assert!(error(&node, "eth_sendRawTransaction", json!([high]))["message"].as_str().unwrap().starts_with("nonce too high"));
    let short = sign(&node, 1, TxKind::Call(to), U256::ZERO, Vec::new(), 20_000, 1);
    assert!(error(&node, "eth_sendRawTransaction", json!([short]))["message"].as_str().unwrap().starts_with("intrinsic gas too low"));
    let rich = sign(&node, 1, TxKind::Call(to), U256::MAX >> 8, Vec::new(), 21_000, 1);
    assert!(error(&node, "eth_sendRawTransaction", json!([rich]))["message"].as_str().unwrap().starts_with("insufficient funds"));
    let garbage = error(&node, "eth_sendRawTransaction", json!(["0xdeadbeef"]));
    assert_eq!(garbage["code"], -32000);
    assert_eq!(result(&node, "eth_blockNumber", json!([])), "0x1");
}

#[test]
fn a_stylus_program_over_rpc_with_logs_calls_and_reverts() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let program = deploy_logger(&node);
    let word = [7u8; 32];
    let raw = sign(&node, 0, TxKind::Call(program), U256::ZERO, word.to_vec(), 500_000, 1);
    let hash = result(&node, "eth_sendRawTransaction", json!([raw]));
    let receipt = result(&node, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    assert_eq!(receipt["logs"][0]["topics"][0], format!("0x{}", "aa".repeat(32)));
    assert_eq!(receipt["logs"][0]["data"], hex::encode_prefixed(word));
    let slot = result(&node, "eth_getStorageAt", json!([program.to_string(), "0x0", "latest"]));
    assert_eq!(slot, hex::encode_prefixed(word));

    let logs = result(&node, "eth_getLogs", json!([{"fromBlock": "0x0", "toBlock": "latest", "address": program.to_string(), "topics": [[format!("0x{}", "aa".repeat(32))]]}]));
    assert_eq!(logs.as_array().unwrap().len(), 1);
    assert_eq!(logs[0]["transactionHash"], hash);
    let none = result(&node, "eth_getLogs", json!([{"fromBlock": "0x0", "topics": [format!("0x{}", "bb".repeat(32))]}]));
    assert_eq!(none, json!([]));

    // eth_call: a one-byte call reverts with that byte; code 3 carries the data.
    let reverted = error(&node, "eth_call", json!([{"to": program.to_string(), "data": "0x09"}, "latest"]));
    assert_eq!(reverted["code"], 3);
    assert_eq!(reverted["message"], "execution reverted");
    assert_eq!(reverted["data"], "0x09");
    let estimate = error(&node, "eth_estimateGas", json!([{"to": program.to_string(), "data": "0x09"}]));
    assert_eq!(estimate["code"], 3);
    let gas = result(&node, "eth_estimateGas", json!([{"from": node.accounts[0].address.to_string(), "to": program.to_string(), "data": hex::encode_prefixed([1u8; 32])}]));
    assert!(u64::from_str_radix(gas.as_str().unwrap().trim_start_matches("0x"), 16).unwrap() > 21_000);
}

#[test]
fn state_overrides_price_an_activation_as_cargo_stylus_does() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    use alloy_sol_types::SolCall;
    let stored = code::stored_code(&logger_wasm());
    let scratch = Address::repeat_byte(0x77);
    let call = ArbWasm::activateProgramCall { program: scratch }.abi_encode();
    let from = node.accounts[0].address.to_string();
    let output = result(
        &node,
        "eth_call",
        json!([
            {"from": from, "to": "0x0000000000000000000000000000000000000071", "data": hex::encode_prefixed(&call), "value": "0xde0b6b3a7640000"},
            "latest",
            {scratch.to_string(): {"code": hex::encode_prefixed(&stored)}}
        ]),
    );
    let decoded = ArbWasm::activateProgramCall::abi_decode_returns(&hex::decode(output.as_str().unwrap()).unwrap(), true).unwrap();
    assert_eq!(decoded.version, 2);
    assert!(decoded.dataFee > U256::ZERO);
    // The override was for that call only.
    assert_eq!(result(&node, "eth_getCode", json!([scratch.to_string(), "latest"])), "0x");
}

#[test]
fn send_transaction_uses_unlocked_dev_accounts() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let from = node.accounts[2].address.to_string();
    let hash = result(&node, "eth_sendTransaction", json!([{"from": from, "to": "0x0000000000000000000000000000000000000042", "value": "0x10"}]));
    let receipt = result(&node, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x1");
    let unknown = error(&node, "eth_sendTransaction", json!([{"from": "0x0000000000000000000000000000000000000001", "to": from}]));
    // anvil's code for a sender the node cannot sign for ("No Signer available").
    assert_eq!(unknown["code"], -32602);
}

#[test]
fn test_methods_snapshot_time_and_balance() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let who = "0x00000000000000000000000000000000000000aa";
    let snapshot = result(&node, "evm_snapshot", json!([]));
    result(&node, "anvil_setBalance", json!([who, "0x64"]));
    assert_eq!(result(&node, "eth_getBalance", json!([who])), "0x64");
    result(&node, "evm_mine", json!([]));
    assert_eq!(result(&node, "eth_blockNumber", json!([])), "0x1");
    assert_eq!(result(&node, "evm_revert", json!([snapshot])), json!(true));
    assert_eq!(result(&node, "eth_getBalance", json!([who])), "0x0");
    assert_eq!(result(&node, "eth_blockNumber", json!([])), "0x0");
    assert_eq!(result(&node, "evm_revert", json!([snapshot])), json!(false), "a snapshot is used once");

    let before = result(&node, "eth_getBlockByNumber", json!(["latest", false]))["timestamp"].clone();
    let before = u64::from_str_radix(before.as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    result(&node, "evm_increaseTime", json!([3600]));
    result(&node, "evm_mine", json!([]));
    let after = result(&node, "eth_getBlockByNumber", json!(["latest", false]))["timestamp"].clone();
    let after = u64::from_str_radix(after.as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    assert!(after >= before + 3600);
    result(&node, "evm_setNextBlockTimestamp", json!([after + 100_000]));
    result(&node, "evm_mine", json!([]));
    let next = result(&node, "eth_getBlockByNumber", json!(["latest", false]))["timestamp"].clone();
    assert_eq!(next, format!("{:#x}", after + 100_000));
}

#[test]
fn json_rpc_errors_batches_and_limits() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let (_, body) = post(&node.url, "{not json");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["error"]["code"], -32700);
    assert_eq!(error(&node, "eth_noSuchMethod", json!([]))["code"], -32601);
    assert_eq!(error(&node, "eth_getBalance", json!(["0x1234"]))["code"], -32602);
    assert_eq!(error(&node, "eth_getBalance", json!([]))["code"], -32602);
    assert_eq!(error(&node, "eth_getBlockByNumber", json!(["0xzz", false]))["code"], -32602);

    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
        {"jsonrpc": "2.0", "id": "two", "method": "eth_blockNumber", "params": []},
        {"jsonrpc": "2.0", "method": "eth_chainId"},
        {"jsonrpc": "2.0", "id": 3, "method": "nope"}
    ]);
    let (_, body) = post(&node.url, &batch.to_string());
    let responses: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(responses.as_array().unwrap().len(), 3, "the notification gets no response");
    assert_eq!(responses[0]["result"], format!("{:#x}", CHAIN_ID));
    assert_eq!(responses[1]["id"], "two");
    assert_eq!(responses[2]["error"]["code"], -32601);

    let (_, body) = post(&node.url, "[]");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["error"]["code"], -32600);
    let many: Vec<Value> = (0..server::MAX_BATCH + 1).map(|i| json!({"jsonrpc": "2.0", "id": i, "method": "eth_chainId"})).collect();
    let (_, body) = post(&node.url, &Value::Array(many).to_string());
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["error"]["code"], -32600);
    let huge = format!("\"{}\"", "a".repeat(server::MAX_BODY_BYTES + 1));
    let (status, _) = post(&node.url, &huge);
    assert_eq!(status, 413);
}

#[test]
fn interval_mining_batches_transactions_into_blocks() {
    let node = rpc::spawn(NodeConfig { block_time: 1, ..NodeConfig::ephemeral() }).unwrap();
    let to = Address::repeat_byte(0x42);
    let first = result(&node, "eth_sendRawTransaction", json!([sign(&node, 1, TxKind::Call(to), U256::from(1u64), Vec::new(), 21_000, 0)]));
    let second = result(&node, "eth_sendRawTransaction", json!([sign(&node, 1, TxKind::Call(to), U256::from(1u64), Vec::new(), 21_000, 1)]));
    assert_eq!(result(&node, "eth_getTransactionReceipt", json!([first])), Value::Null, "pending until the block");
    assert_eq!(result(&node, "eth_getTransactionCount", json!([node.accounts[1].address.to_string(), "pending"])), "0x2");
    std::thread::sleep(std::time::Duration::from_millis(2_300));
    let a = result(&node, "eth_getTransactionReceipt", json!([first]));
    let b = result(&node, "eth_getTransactionReceipt", json!([second]));
    assert_eq!(a["blockNumber"], b["blockNumber"]);
    assert_eq!(b["transactionIndex"], "0x1");
    assert_eq!(b["cumulativeGasUsed"], "0xa410");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever bytes arrive, the decoder answers (or stays silent for notifications) and
    /// never panics; the chain does not move.
    #[test]
    fn random_bodies_never_crash_the_decoder(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let (node, _) = rpc::build_node(&NodeConfig::ephemeral());
        let _ = server::answer(&node, &body);
        prop_assert_eq!(node.state.lock().unwrap().engine.latest_block().number, 0);
    }

    #[test]
    fn random_requests_never_crash_a_method(
        method in prop::sample::select(vec![
            "eth_getBalance", "eth_call", "eth_estimateGas", "eth_getLogs", "eth_sendRawTransaction",
            "eth_getBlockByNumber", "eth_feeHistory", "evm_revert", "eth_getStorageAt", "eth_sendTransaction",
            "eth_getProof", "eth_getCode", "eth_getTransactionCount", "eth_createAccessList", "debug_traceCall",
        ]),
        params in prop::collection::vec(prop_oneof![
            Just(json!(null)), Just(json!("latest")), Just(json!("0x")), Just(json!("0x1")),
            any::<u64>().prop_map(|n| json!(format!("{n:#x}"))), any::<i64>().prop_map(|n| json!(n)),
            Just(json!({"to": "0x0000000000000000000000000000000000000071", "data": "0x12"})),
            Just(json!({"fromBlock": "0x5", "toBlock": "0x1"})), Just(json!([[], null])),
            // Older blocks (two are mined first), by number and EIP-1898 object.
            Just(json!("0x0")), Just(json!("earliest")), Just(json!({"blockNumber": "0x1"})),
            Just(json!({"tracer": "callTracer"})),
            "[a-z0-9x]{0,40}".prop_map(|s| json!(s)),
        ], 0..4),
    ) {
        let (node, _) = rpc::build_node(&NodeConfig::ephemeral());
        node.state.lock().unwrap().engine.mine();
        node.state.lock().unwrap().engine.mine();
        let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let answer = server::answer(&node, request.to_string().as_bytes());
        prop_assert!(answer.is_some());
    }
}

#[test]
fn keccak_helper_matches() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    assert_eq!(result(&node, "web3_sha3", json!(["0x"])), format!("{:#x}", keccak256([])));
}
