//! State queries at older blocks over HTTP: eth_getBalance, eth_getTransactionCount,
//! eth_getCode and eth_getStorageAt of an EOA and of a Stylus program, and eth_call,
//! eth_estimateGas, eth_createAccessList and debug_traceCall, at every block, named by
//! number, by hash and by EIP-1898 object, must answer what "latest" answered right after the
//! block was mined; calls run in the block's own header; blocks the chain does not have are
//! refused; the live state is untouched; evm_snapshot/evm_revert and anvil_reset keep it all
//! consistent.

#[path = "support/http.rs"]
mod http;

use alloy_primitives::{hex, Address, B256, U256};
use devnode::{
    engine::tx::TxKind,
    rpc::{self, NodeConfig, RunningNode},
};
use http::*;
use serde_json::{json, Value};

/// With 64 bytes of calldata, stores the second word at the slot the first names; with 32,
/// returns that slot's value, then `block_number` and `block_timestamp` (8 bytes each, little
/// endian).
fn vault_wasm() -> Vec<u8> {
    wat::parse_str(
        r#"(module
            (import "vm_hooks" "read_args" (func $read_args (param i32)))
            (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
            (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
            (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
            (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
            (import "vm_hooks" "block_number" (func $number (result i64)))
            (import "vm_hooks" "block_timestamp" (func $time (result i64)))
            (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param $len i32) (result i32)
                (call $read_args (i32.const 0))
                (if (i32.eq (local.get $len) (i32.const 64))
                    (then
                        (call $cache (i32.const 0) (i32.const 32))
                        (call $flush (i32.const 0))
                        (return (i32.const 0))))
                (call $load (i32.const 0) (i32.const 64))
                (i64.store (i32.const 96) (call $number))
                (i64.store (i32.const 104) (call $time))
                (call $write_result (i32.const 64) (i32.const 48))
                (i32.const 0)))"#,
    )
    .unwrap()
}

fn slot(n: u64) -> B256 {
    B256::from(U256::from(n))
}

fn number(value: &Value) -> u64 {
    u64::from_str_radix(value.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

fn head(node: &RunningNode) -> u64 {
    number(&result(node, "eth_blockNumber", json!([])))
}

fn block_hash(node: &RunningNode, n: u64) -> String {
    let block = result(
        node,
        "eth_getBlockByNumber",
        json!([format!("{n:#x}"), false]),
    );
    block["hash"].as_str().unwrap().to_string()
}

/// Sends a signed transaction from account 1; returns its block.
fn send(node: &RunningNode, to: Address, value: u64, input: Vec<u8>) -> u64 {
    let from = node.accounts[1].address.to_string();
    let nonce = number(&result(
        node,
        "eth_getTransactionCount",
        json!([from, "latest"]),
    ));
    let raw = sign(
        node,
        1,
        TxKind::Call(to),
        U256::from(value),
        input,
        1_000_000,
        nonce,
    );
    let hash = result(node, "eth_sendRawTransaction", json!([raw]));
    let receipt = result(node, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    number(&receipt["blockNumber"])
}

fn store(node: &RunningNode, program: Address, key: u64, value: u64) -> u64 {
    send(
        node,
        program,
        0,
        [slot(key).as_slice(), slot(value).as_slice()].concat(),
    )
}

/// The state reads (method, params before the block) every block is checked with.
fn reads(node: &RunningNode, program: Address, recipient: Address) -> Vec<(&'static str, Value)> {
    let sender = node.accounts[1].address.to_string();
    let (program, recipient) = (program.to_string(), recipient.to_string());
    let mut reads = vec![
        ("eth_getBalance", json!([sender])),
        ("eth_getBalance", json!([recipient])),
        ("eth_getBalance", json!([program])),
        ("eth_getTransactionCount", json!([sender])),
        ("eth_getTransactionCount", json!([program])),
        ("eth_getCode", json!([program])),
        ("eth_getCode", json!([recipient])),
    ];
    for key in 0..4u64 {
        reads.push(("eth_getStorageAt", json!([program, format!("{key:#x}")])));
    }
    reads
}

fn with_block(params: &Value, block: Value) -> Value {
    let mut params = params.as_array().unwrap().clone();
    params.push(block);
    Value::Array(params)
}

/// Every way to name block `n`.
fn names(node: &RunningNode, n: u64) -> Vec<Value> {
    let hash = block_hash(node, n);
    vec![
        json!(format!("{n:#x}")),
        json!(hash),
        json!({"blockHash": hash}),
        json!({"blockHash": hash, "requireCanonical": true}),
        json!({"blockNumber": format!("{n:#x}")}),
    ]
}

/// The stored value and the block number and timestamp the call ran in.
fn view(node: &RunningNode, program: Address, key: u64, block: Value) -> (B256, u64, u64) {
    let call = json!({"to": program.to_string(), "data": slot(key).to_string()});
    let output = result(node, "eth_call", json!([call, block]));
    let bytes = hex::decode(output.as_str().unwrap()).unwrap();
    assert_eq!(bytes.len(), 48, "{output}");
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
    (B256::from_slice(&bytes[..32]), word(32), word(40))
}

/// A chain with a program deployed part-way and values changed block by block: the
/// program, the recipient of transfers, the block before the deployment, and from the
/// deployment on, each block with what "latest" answered to [`reads`] right after it.
struct Workload {
    program: Address,
    recipient: Address,
    before: u64,
    seen: Vec<(u64, Vec<Value>)>,
}

fn latest_reads(node: &RunningNode, program: Address, recipient: Address) -> Vec<Value> {
    reads(node, program, recipient)
        .into_iter()
        .map(|(method, params)| result(node, method, with_block(&params, json!("latest"))))
        .collect()
}

fn workload(node: &RunningNode) -> Workload {
    let recipient = Address::repeat_byte(0x42);
    send(node, recipient, 1000, Vec::new());
    let before = head(node);
    let program = deploy_wasm(node, &vault_wasm());
    let mut seen = vec![(head(node), latest_reads(node, program, recipient))];
    for n in 1..=4u64 {
        store(node, program, n % 3, n * 100);
        if n == 2 {
            send(node, recipient, 7, Vec::new());
        }
        if n == 3 {
            // A slot set back to zero.
            store(node, program, 1, 0);
        }
        seen.push((head(node), latest_reads(node, program, recipient)));
    }
    Workload {
        program,
        recipient,
        before,
        seen,
    }
}

#[test]
fn reads_at_older_blocks_answer_what_latest_did() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let work = workload(&node);
    let reads = reads(&node, work.program, work.recipient);
    // Before the deployment: no code, no balance, no storage at the program's address.
    let program = work.program.to_string();
    let before = json!(format!("{:#x}", work.before));
    assert_eq!(result(&node, "eth_getCode", json!([program, before])), "0x");
    assert_eq!(
        result(&node, "eth_getBalance", json!([program, before])),
        "0x0"
    );
    assert_eq!(
        result(&node, "eth_getTransactionCount", json!([program, before])),
        "0x0"
    );
    assert_eq!(
        result(&node, "eth_getStorageAt", json!([program, "0x2", before])),
        slot(0).to_string()
    );
    // A write after the last block: in the head's state, not in the blocks before.
    result(
        &node,
        "anvil_setBalance",
        json!([work.recipient.to_string(), "0x99"]),
    );
    let tip = head(&node);
    for (n, answers) in &work.seen {
        for block in names(&node, *n) {
            for ((method, params), expected) in reads.iter().zip(answers) {
                let params = with_block(params, block.clone());
                let got = result(&node, method, params.clone());
                let head_write = *n == tip
                    && *method == "eth_getBalance"
                    && params[0] == json!(work.recipient.to_string());
                if head_write {
                    assert_eq!(got, "0x99", "{method} {params}");
                } else {
                    assert_eq!(&got, expected, "{method} {params}");
                }
            }
        }
    }
    // The program's code and a slot really changed over these blocks.
    let first = &work.seen[0].1;
    let last = &work.seen.last().unwrap().1;
    assert_ne!(first[5], "0x");
    assert_ne!(first[9], last[9], "slot 2 changed");
    assert_ne!(first[1], last[1], "the recipient's balance changed");
    // "earliest" is block 0.
    let sender = node.accounts[1].address.to_string();
    assert_eq!(
        result(
            &node,
            "eth_getTransactionCount",
            json!([sender, "earliest"])
        ),
        "0x0"
    );
    assert_eq!(
        result(
            &node,
            "eth_getBalance",
            json!([work.recipient.to_string(), "earliest"])
        ),
        "0x0"
    );
}

#[test]
fn calls_at_older_blocks_run_on_that_blocks_state_and_header() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let work = workload(&node);
    let program = work.program;
    let latest_root = |node: &RunningNode| {
        result(node, "eth_getBlockByNumber", json!(["latest", false]))["stateRoot"].clone()
    };
    let live_reads = |node: &RunningNode| {
        reads(node, program, work.recipient)
            .into_iter()
            .map(|(method, params)| result(node, method, with_block(&params, json!("latest"))))
            .collect::<Vec<_>>()
    };
    let root = latest_root(&node);
    let live = live_reads(&node);
    let tip = head(&node);

    for (n, answers) in &work.seen {
        let block = result(
            &node,
            "eth_getBlockByNumber",
            json!([format!("{n:#x}"), false]),
        );
        let timestamp = number(&block["timestamp"]);
        for name in names(&node, *n) {
            for key in 0..3u64 {
                let (value, at, time) = view(&node, program, key, name.clone());
                assert_eq!(
                    json!(value.to_string()),
                    answers[7 + key as usize],
                    "slot {key} at {name}"
                );
                if *n == tip {
                    // The head is the latest state: calls run in the next block, as anvil.
                    assert_eq!(at, tip + 1);
                } else {
                    assert_eq!((at, time), (*n, timestamp), "block {n}'s header");
                }
            }
        }
        let number_name = json!(format!("{n:#x}"));
        // A write in a call at an older block changes nothing.
        let write = json!({"to": program.to_string(), "data": format!("0x{}{}", hex::encode(slot(1)), hex::encode(slot(5)))});
        assert_eq!(result(&node, "eth_call", json!([write, number_name])), "0x");
        let gas = number(&result(
            &node,
            "eth_estimateGas",
            json!([write, number_name]),
        ));
        assert!(gas > 21_000, "{gas}");
        let read = json!({"to": program.to_string(), "data": slot(2).to_string()});
        let list = result(&node, "eth_createAccessList", json!([read, number_name]));
        assert_eq!(
            list["accessList"][0]["storageKeys"],
            json!([slot(2).to_string()]),
            "{list}"
        );
        let trace = result(
            &node,
            "debug_traceCall",
            json!([read, number_name, {"tracer": "callTracer"}]),
        );
        let output = trace["output"].as_str().unwrap();
        assert_eq!(&output[..66], answers[9].as_str().unwrap(), "{trace}");
    }

    // Before the program existed, a call to its address runs no code.
    let before = work.before;
    let call = json!({"to": program.to_string(), "data": slot(1).to_string()});
    assert_eq!(
        result(&node, "eth_call", json!([call, format!("{before:#x}")])),
        "0x"
    );

    // The live state, its root and the head are as they were.
    assert_eq!(head(&node), tip);
    assert_eq!(latest_root(&node), root);
    assert_eq!(live_reads(&node), live);
    assert_eq!(view(&node, program, 2, json!("latest")).1, tip + 1);
    // Writes made between blocks stay pending across historical calls.
    result(
        &node,
        "anvil_setStorageAt",
        json!([program.to_string(), "0x3", slot(77).to_string()]),
    );
    view(&node, program, 3, json!(format!("{:#x}", tip - 1)));
    assert_eq!(view(&node, program, 3, json!("latest")).0, slot(77));
    result(&node, "evm_mine", json!([]));
    assert_eq!(
        view(&node, program, 3, json!(format!("{tip:#x}"))).0,
        slot(0)
    );
    assert_eq!(
        view(&node, program, 3, json!(format!("{:#x}", tip + 1))).0,
        slot(77)
    );
}

#[test]
fn blocks_the_chain_does_not_have_are_refused() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let recipient = Address::repeat_byte(0x42).to_string();
    send(&node, recipient.parse().unwrap(), 1, Vec::new());
    let future = json!(format!("{:#x}", head(&node) + 1));
    let unknown = json!(B256::repeat_byte(0x77).to_string());
    let call = json!({"to": recipient});
    let queries = [
        ("eth_getBalance", json!([recipient])),
        ("eth_getTransactionCount", json!([recipient])),
        ("eth_getCode", json!([recipient])),
        ("eth_getStorageAt", json!([recipient, "0x0"])),
        ("eth_call", json!([call])),
        ("eth_estimateGas", json!([call])),
        ("eth_createAccessList", json!([call])),
    ];
    for (method, params) in &queries {
        let refused = error(&node, method, with_block(params, future.clone()));
        assert_eq!(
            (&refused["code"], &refused["message"]),
            (&json!(-32000), &json!("header not found")),
            "{method}"
        );
        for block in [
            unknown.clone(),
            json!({"blockHash": unknown}),
            json!({"blockHash": unknown, "requireCanonical": true}),
        ] {
            let refused = error(&node, method, with_block(params, block));
            assert_eq!(
                (&refused["code"], &refused["message"]),
                (&json!(-32000), &json!("unknown block")),
                "{method}"
            );
        }
    }
    let trace = error(
        &node,
        "debug_traceCall",
        json!([call, future, {"tracer": "callTracer"}]),
    );
    assert_eq!(trace["message"], "header not found");
}

#[test]
fn snapshots_and_resets_keep_answers_consistent() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let who = Address::repeat_byte(0x42);
    let balance_at = |n: u64| {
        result(
            &node,
            "eth_getBalance",
            json!([who.to_string(), format!("{n:#x}")]),
        )
    };
    let first = send(&node, who, 10, Vec::new());
    let snapshot = result(&node, "evm_snapshot", json!([]));
    let second = send(&node, who, 20, Vec::new());
    let replaced = block_hash(&node, second);
    send(&node, who, 30, Vec::new());
    assert_eq!(balance_at(first), "0xa");
    assert_eq!(balance_at(second), "0x1e");
    assert_eq!(result(&node, "evm_revert", json!([snapshot])), true);
    assert_eq!(balance_at(first), "0xa");
    assert_eq!(
        error(
            &node,
            "eth_getBalance",
            json!([who.to_string(), format!("{second:#x}")])
        )["message"],
        "header not found"
    );
    assert_eq!(
        error(&node, "eth_getBalance", json!([who.to_string(), replaced]))["message"],
        "unknown block"
    );
    // The chain goes on differently from the snapshot.
    assert_eq!(send(&node, who, 5, Vec::new()), second);
    result(
        &node,
        "anvil_setBalance",
        json!([who.to_string(), "0x1000"]),
    );
    send(&node, who, 1, Vec::new());
    assert_eq!(balance_at(first), "0xa");
    assert_eq!(balance_at(second), "0xf");
    assert_eq!(balance_at(second + 1), "0x1001");

    result(&node, "anvil_reset", json!([]));
    assert_eq!(head(&node), 0);
    assert_eq!(
        error(
            &node,
            "eth_getBalance",
            json!([who.to_string(), format!("{first:#x}")])
        )["message"],
        "header not found"
    );
    let again = send(&node, who, 3, Vec::new());
    send(&node, who, 4, Vec::new());
    assert_eq!(again, 1);
    assert_eq!(balance_at(0), "0x0");
    assert_eq!(balance_at(1), "0x3");
    assert_eq!(balance_at(2), "0x7");
}
