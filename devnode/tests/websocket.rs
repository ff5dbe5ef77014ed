//! JSON-RPC over WebSocket on the HTTP port: requests, eth_subscribe (newHeads, logs,
//! newPendingTransactions) and eth_unsubscribe, subscriptions ended with the socket, the caps
//! on subscriptions and message size, and a client that does not read.

#[path = "support/http.rs"]
mod http;

use std::{
    net::TcpStream,
    time::{Duration, Instant},
};

use alloy_primitives::{Address, U256};
use devnode::{
    engine::tx::TxKind,
    rpc::{self, ws, NodeConfig, RunningNode},
};
use http::{deploy_logger, error, result, sign};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{self, protocol::frame::coding::CloseCode, Message, WebSocket};

type Socket = WebSocket<TcpStream>;

fn connect(node: &RunningNode) -> Socket {
    let stream = TcpStream::connect(node.address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let (socket, response) = tungstenite::client(format!("ws://{}/", node.address), stream).unwrap();
    assert_eq!(response.status(), 101);
    socket
}

/// The next JSON message (skipping pings).
fn next(socket: &mut Socket) -> Value {
    loop {
        match socket.read().unwrap() {
            Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
}

fn call(socket: &mut Socket, method: &str, params: Value) -> Value {
    let request = json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params});
    socket.send(Message::Text(request.to_string())).unwrap();
    let response = next(socket);
    assert_eq!(response["id"], 7, "{response}");
    response
}

fn subscribe(socket: &mut Socket, params: Value) -> Value {
    let response = call(socket, "eth_subscribe", params);
    assert!(response["result"].is_string(), "{response}");
    response["result"].clone()
}

fn transfer(node: &RunningNode, nonce: u64) -> Value {
    let raw = sign(node, 1, TxKind::Call(Address::repeat_byte(0x42)), U256::from(1u64), Vec::new(), 21_000, nonce);
    result(node, "eth_sendRawTransaction", json!([raw]))
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(5), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn requests_over_websocket_on_the_http_port() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let mut socket = connect(&node);
    assert_eq!(call(&mut socket, "eth_chainId", json!([]))["result"], result(&node, "eth_chainId", json!([])));
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []},
        {"jsonrpc": "2.0", "id": 2, "method": "eth_nope", "params": []}
    ]);
    socket.send(Message::Text(batch.to_string())).unwrap();
    let answers = next(&mut socket);
    assert_eq!(answers[0]["result"], "0x0");
    assert_eq!(answers[1]["error"]["code"], -32601);
    socket.send(Message::Text("{not json".into())).unwrap();
    assert_eq!(next(&mut socket)["error"]["code"], -32700);
    // HTTP keeps working on the same port; subscriptions need a socket.
    let refused = error(&node, "eth_subscribe", json!(["newHeads"]));
    assert_eq!((refused["code"].clone(), refused["message"].clone()), (json!(-32601), json!("notifications not supported")));
}

#[test]
fn new_heads_and_pending_transactions() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let mut socket = connect(&node);
    let heads = subscribe(&mut socket, json!(["newHeads"]));
    let pending = subscribe(&mut socket, json!(["newPendingTransactions"]));
    let full = subscribe(&mut socket, json!(["newPendingTransactions", true]));
    assert_eq!(node.node.live_subscriptions(), 3);
    let hash = transfer(&node, 0);

    let mut seen = Vec::new();
    for _ in 0..3 {
        let message = next(&mut socket);
        assert_eq!(message["method"], "eth_subscription", "{message}");
        seen.push(message["params"].clone());
    }
    let of = |id: &Value| seen.iter().find(|p| p["subscription"] == *id).unwrap_or_else(|| panic!("{id} in {seen:?}"))["result"].clone();
    assert_eq!(of(&pending), hash);
    assert_eq!(of(&full)["hash"], hash);
    let header = of(&heads);
    let block = result(&node, "eth_getBlockByNumber", json!(["0x1", false]));
    assert_eq!((header["number"].clone(), header["hash"].clone()), (json!("0x1"), block["hash"].clone()));
    assert_eq!(header["parentHash"], block["parentHash"]);
    assert_eq!(header, block, "the block as eth_getBlockByNumber gives it, as anvil sends");

    // Blocks mined without transactions, several at once, each reported.
    result(&node, "anvil_mine", json!([2]));
    let numbers: Vec<Value> = (0..2).map(|_| next(&mut socket)["params"]["result"]["number"].clone()).collect();
    assert_eq!(numbers, vec![json!("0x2"), json!("0x3")]);

    assert_eq!(call(&mut socket, "eth_unsubscribe", json!([heads]))["result"], true);
    assert_eq!(call(&mut socket, "eth_unsubscribe", json!([heads]))["result"], false);
    assert_eq!(node.node.live_subscriptions(), 2);
    result(&node, "evm_mine", json!([]));
    let hash = transfer(&node, 1);
    // Only the transaction subscriptions speak now.
    for _ in 0..2 {
        let message = next(&mut socket);
        assert_ne!(message["params"]["subscription"], heads);
        assert!(message["params"]["result"] == hash || message["params"]["result"]["hash"] == hash);
    }
}

#[test]
fn logs_subscriptions_filter_by_address_and_topic() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let program = deploy_logger(&node);
    let mut socket = connect(&node);
    let topic = format!("0x{}", "aa".repeat(32));
    let mine = subscribe(&mut socket, json!(["logs", {"address": program.to_string(), "topics": [topic]}]));
    let other = subscribe(&mut socket, json!(["logs", {"topics": [format!("0x{}", "bb".repeat(32))]}]));
    let raw = sign(&node, 0, TxKind::Call(program), U256::ZERO, vec![5u8; 32], 500_000, 1);
    let hash = result(&node, "eth_sendRawTransaction", json!([raw]));
    let message = next(&mut socket);
    assert_eq!(message["params"]["subscription"], mine);
    let log = &message["params"]["result"];
    assert_eq!((log["transactionHash"].clone(), log["data"].clone()), (hash.clone(), json!(format!("0x{}", "05".repeat(32)))));
    let logs = result(&node, "eth_getLogs", json!([{"blockHash": log["blockHash"]}]));
    assert_eq!(logs[0], *log, "the same log as eth_getLogs gives");
    // Nothing for the other subscription: the next message is the answer to this call.
    assert_eq!(call(&mut socket, "eth_unsubscribe", json!([other]))["result"], true);
}

#[test]
fn bad_subscriptions_and_the_cap() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let mut socket = connect(&node);
    for params in [json!([]), json!(["nope"]), json!([5]), json!(["logs", {"address": "0x12"}]), json!(["newPendingTransactions", "yes"])] {
        assert_eq!(call(&mut socket, "eth_subscribe", params.clone())["error"]["code"], -32602, "{params}");
    }
    assert_eq!(call(&mut socket, "eth_unsubscribe", json!([1]))["error"]["code"], -32602);
    for _ in 0..ws::MAX_SUBSCRIPTIONS {
        subscribe(&mut socket, json!(["newHeads"]));
    }
    let full = call(&mut socket, "eth_subscribe", json!(["newHeads"]));
    assert_eq!(full["error"]["code"], -32005, "{full}");
    assert!(full["error"]["message"].as_str().unwrap().starts_with("too many subscriptions: at most 128"));
    // Another connection has its own allowance.
    let mut second = connect(&node);
    subscribe(&mut second, json!(["newHeads"]));
    assert_eq!(node.node.live_subscriptions(), ws::MAX_SUBSCRIPTIONS + 1);
    // Closing a socket ends its subscriptions.
    socket.close(None).unwrap();
    drop(socket);
    wait_for("the first connection's subscriptions to end", || node.node.live_subscriptions() == 1);
    drop(second);
    wait_for("the second connection's subscription to end", || node.node.live_subscriptions() == 0);
}

#[test]
fn an_oversized_message_closes_the_socket_with_1009() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let mut socket = connect(&node);
    subscribe(&mut socket, json!(["newHeads"]));
    let huge = format!("[\"{}\"]", "a".repeat(ws::MAX_MESSAGE_BYTES));
    let _ = socket.send(Message::Text(huge));
    let close = loop {
        match socket.read() {
            Ok(Message::Close(frame)) => break frame,
            Ok(_) => continue,
            Err(e) => panic!("expected a close frame, got {e}"),
        }
    };
    let frame = close.expect("a close frame with a reason");
    assert_eq!(frame.code, CloseCode::Size);
    assert!(frame.reason.starts_with("message too large: at most"), "{}", frame.reason);
    drop(socket);
    wait_for("the subscription to end", || node.node.live_subscriptions() == 0);
    // The node goes on.
    assert_eq!(result(&node, "eth_blockNumber", json!([])), "0x0");
}

#[test]
fn a_client_that_does_not_read_does_not_stall_the_node() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let mut silent = connect(&node);
    for _ in 0..20 {
        subscribe(&mut silent, json!(["newHeads"]));
    }
    // 20 notifications of ~1 KB for each of 3,000 blocks: far more than the socket buffers.
    let start = Instant::now();
    result(&node, "anvil_mine", json!([3000]));
    for _ in 0..20 {
        assert_eq!(result(&node, "eth_blockNumber", json!([])), "0xbb8");
    }
    assert!(start.elapsed() < Duration::from_secs(30), "{:?}", start.elapsed());
    let mut reader = connect(&node);
    assert_eq!(call(&mut reader, "eth_blockNumber", json!([]))["result"], "0xbb8");
    drop(silent);
}
