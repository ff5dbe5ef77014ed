//! debug_traceTransaction and debug_traceCall with Nitro's stylusTracer over HTTP: each
//! program's host calls in order with Nitro's names and args/outs bytes, ink falling, a call's
//! callee nested under it, the record bound, and refusals of unknown tracers.
//!
//! The expected shapes follow nitro's `system_tests/stylus_tracer_test.go` (no record for the
//! top frame; `user_entrypoint` first, `user_returned` last; `call_contract` carrying `address`
//! and `steps`) and what cargo-stylus's `trace.rs` parses (0x-hex `args`/`outs`, integer ink).

#[path = "support/http.rs"]
mod http;

use alloy_primitives::{Address, U256};
use devnode::{
    engine::tx::TxKind,
    rpc::{self, NodeConfig, RunningNode},
};
use http::{deploy_wasm, error, result, sign};
use serde_json::{json, Value};

fn stylus_tracer() -> Value {
    json!({"tracer": "stylusTracer"})
}

/// 32 bytes of args: reads slot 0, stores the args there, logs them under one topic.
/// 52 bytes (an address, then 32 bytes): calls that address with the 32 bytes.
/// 1 byte: reads msg_sender 10,001 times (past the node's record bound).
/// Any other length: creates a contract with CREATE, the args being its init code.
fn program() -> Vec<u8> {
    wat::parse_str(
        r#"(module
            (import "vm_hooks" "read_args" (func $read_args (param i32)))
            (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
            (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
            (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
            (import "vm_hooks" "emit_log" (func $log (param i32 i32 i32)))
            (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
            (import "vm_hooks" "msg_sender" (func $sender (param i32)))
            (import "vm_hooks" "create1" (func $create1 (param i32 i32 i32 i32 i32)))
            (memory (export "memory") 1 1)
            (data (i32.const 256) "\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa")
            (func (export "user_entrypoint") (param $len i32) (result i32)
                (local $i i32)
                (call $read_args (i32.const 288))
                (if (i32.eq (local.get $len) (i32.const 1))
                    (then
                        (loop $again
                            (call $sender (i32.const 900))
                            (local.set $i (i32.add (local.get $i) (i32.const 1)))
                            (br_if $again (i32.lt_u (local.get $i) (i32.const 10001))))
                        (return (i32.const 0))))
                (if (i32.eq (local.get $len) (i32.const 52))
                    (then
                        (drop (call $call (i32.const 288) (i32.const 308) (i32.const 32) (i32.const 700) (i64.const -1) (i32.const 800)))
                        (return (i32.const 0))))
                (if (i32.ne (local.get $len) (i32.const 32))
                    (then
                        (call $create1 (i32.const 288) (local.get $len) (i32.const 700) (i32.const 1100) (i32.const 1200))
                        (return (i32.const 0))))
                (call $load (i32.const 512) (i32.const 600))
                (call $cache (i32.const 512) (i32.const 288))
                (call $flush (i32.const 0))
                (call $log (i32.const 256) (i32.const 64) (i32.const 1))
                (i32.const 0)))"#,
    )
    .unwrap()
}

fn send(node: &RunningNode, to: Address, input: Vec<u8>, nonce: u64) -> Value {
    let raw = sign(node, 0, TxKind::Call(to), U256::ZERO, input, 5_000_000, nonce);
    result(node, "eth_sendRawTransaction", json!([raw]))
}

fn nonce(node: &RunningNode) -> u64 {
    let n = result(node, "eth_getTransactionCount", json!([node.accounts[0].address.to_string(), "latest"]));
    u64::from_str_radix(n.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", alloy_primitives::hex::encode(bytes))
}

/// (name, args, outs) of each record.
fn shape(steps: &Value) -> Vec<(String, String, String)> {
    steps
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {steps}"))
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_string(), s["args"].as_str().unwrap().to_string(), s["outs"].as_str().unwrap().to_string()))
        .collect()
}

fn owned(items: &[(&str, String, String)]) -> Vec<(String, String, String)> {
    items.iter().map(|(n, a, o)| (n.to_string(), a.clone(), o.clone())).collect()
}

/// Each record's ink falls or holds (start >= end), and no record starts above where the
/// previous one ended.
fn assert_ink_falls(steps: &Value) {
    let mut last_end = u64::MAX;
    for step in steps.as_array().unwrap() {
        let (start, end) = (step["startInk"].as_u64().unwrap(), step["endInk"].as_u64().unwrap());
        assert!(start >= end && start <= last_end, "ink rises at {step}");
        assert!(start > 0, "{step}");
        last_end = end;
        if let Some(inner) = step.get("steps") {
            assert_ink_falls(inner);
        }
    }
}

/// The records of the logger path, with `before` the slot's value before the call.
fn logger_steps(before: [u8; 32], args: [u8; 32]) -> Vec<(String, String, String)> {
    let mut log = vec![0, 0, 0, 1];
    log.extend([0xaa; 32]);
    log.extend(args);
    owned(&[
        ("user_entrypoint", hex(&32u32.to_be_bytes()), "0x".into()),
        ("read_args", "0x".into(), hex(&args)),
        ("storage_load_bytes32", hex(&[0; 32]), hex(&before)),
        ("storage_cache_bytes32", hex(&[[0u8; 32], args].concat()), "0x".into()),
        ("storage_flush_cache", "0x00".into(), "0x".into()),
        ("emit_log", hex(&log), "0x".into()),
        ("user_returned", "0x".into(), "0x00000000".into()),
    ])
}

#[test]
fn host_calls_are_traced_in_order_and_calls_nest() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let program = deploy_wasm(&node, &program());

    let hash = send(&node, program, vec![7u8; 32], nonce(&node));
    let trace = result(&node, "debug_traceTransaction", json!([hash, stylus_tracer()]));
    assert_eq!(shape(&trace), logger_steps([0; 32], [7; 32]), "{trace}");
    assert_ink_falls(&trace);
    assert!(trace[0].get("address").is_none() && trace[0].get("steps").is_none(), "{trace}");
    // The callTracer still answers for the same transaction.
    let calls = result(&node, "debug_traceTransaction", json!([hash, {"tracer": "callTracer"}]));
    assert_eq!(calls["type"], "CALL");

    // The program calls itself: the callee's records nest under call_contract.
    let mut input = program.to_vec();
    input.extend([9u8; 32]);
    let hash = send(&node, program, input.clone(), nonce(&node));
    let trace = result(&node, "debug_traceTransaction", json!([hash, stylus_tracer()]));
    let mut call_args = program.to_vec();
    call_args.extend(u64::MAX.to_be_bytes());
    call_args.extend([0u8; 32]);
    call_args.extend([9u8; 32]);
    assert_eq!(
        shape(&trace),
        owned(&[
            ("user_entrypoint", hex(&52u32.to_be_bytes()), "0x".into()),
            ("read_args", "0x".into(), hex(&input)),
            ("call_contract", hex(&call_args), "0x0000000000".into()),
            ("user_returned", "0x".into(), "0x00000000".into()),
        ]),
        "{trace}"
    );
    let call = &trace[2];
    assert_eq!(call["address"], hex(program.as_slice()), "lower-case, as Go writes it");
    assert_eq!(shape(&call["steps"]), logger_steps([7; 32], [9; 32]), "{trace}");
    assert_ink_falls(&trace);
    let (outer_start, outer_end) = (call["startInk"].as_u64().unwrap(), call["endInk"].as_u64().unwrap());
    let inner_start = call["steps"][0]["startInk"].as_u64().unwrap();
    assert!(inner_start < outer_start && outer_end < outer_start, "{call}");

    // debug_traceCall gives the same for a call.
    let call = json!({"from": node.accounts[0].address.to_string(), "to": program.to_string(), "data": hex(&[5u8; 32]), "gas": "0x400000"});
    let trace = result(&node, "debug_traceCall", json!([call, "latest", stylus_tracer()]));
    assert_eq!(shape(&trace), logger_steps([9; 32], [5; 32]), "{trace}");
    assert_ink_falls(&trace);
    // A transfer runs no program: no records.
    let transfer = json!({"from": node.accounts[1].address.to_string(), "to": "0x00000000000000000000000000000000000000aa", "value": "0x1"});
    assert_eq!(result(&node, "debug_traceCall", json!([transfer, "latest", stylus_tracer()])), json!([]));
}

#[test]
fn a_create_keeps_nitros_evm_create1_record() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let program = deploy_wasm(&node, &program());
    // Init code that deploys the one byte 0xfe (the node's Stylus deployer prelude).
    let init = devnode::engine::code::init_code(&[0xfe]);
    let hash = send(&node, program, init.clone(), nonce(&node));
    let trace = result(&node, "debug_traceTransaction", json!([hash, stylus_tracer()]));
    let created = program.create(1);
    assert_eq!(
        shape(&trace),
        owned(&[
            ("user_entrypoint", hex(&(init.len() as u32).to_be_bytes()), "0x".into()),
            ("read_args", "0x".into(), hex(&init)),
            ("evm_create1", "0x".into(), "0x".into()),
            ("create1", hex(&[&[0u8; 32][..], &init].concat()), hex(&[created.as_slice(), &[0, 0, 0, 0]].concat())),
            ("user_returned", "0x".into(), "0x00000000".into()),
        ]),
        "{trace}"
    );
    // Nitro's OnEnter record: the new contract, its (EVM) steps empty, no ink.
    assert_eq!((trace[2]["address"].clone(), trace[2]["steps"].clone()), (json!(hex(created.as_slice())), json!([])));
    assert_eq!((trace[2]["startInk"].clone(), trace[2]["endInk"].clone()), (json!(0), json!(0)));
    assert!(trace[3].get("address").is_none(), "create1 itself carries no frame: {trace}");
}

#[test]
fn the_record_bound_and_unknown_tracers() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let program = deploy_wasm(&node, &program());
    let hash = send(&node, program, vec![1u8], nonce(&node));
    let receipt = result(&node, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    let refused = error(&node, "debug_traceTransaction", json!([hash, stylus_tracer()]));
    assert_eq!(refused["code"], -32000, "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("10000"), "{refused}");
    // The call tree of the same transaction is small and still given.
    assert_eq!(result(&node, "debug_traceTransaction", json!([hash, {"tracer": "callTracer"}]))["type"], "CALL");

    let call = json!({"to": program.to_string()});
    for tracer in ["fooTracer", "StylusTracer", "prestateTracer"] {
        let refused = error(&node, "debug_traceCall", json!([call, "latest", {"tracer": tracer}]));
        assert_eq!(refused["code"], -32602, "{tracer}: {refused}");
        assert!(refused["message"].as_str().unwrap().contains("stylusTracer"), "{refused}");
    }
}

/// `cargo stylus trace --use-native-tracer` against the node, when cargo-stylus is installed:
/// it asks for `{"tracer": "stylusTracer"}`, parses every record (cargo-stylus's `trace.rs`
/// `TraceFrame::parse_frame`) and prints the JSON back. Skipped, saying so, without it.
#[test]
fn cargo_stylus_trace_reads_it_when_installed() {
    let installed = std::process::Command::new("cargo").args(["stylus", "--version"]).output().map(|o| o.status.success()).unwrap_or(false);
    if !installed {
        eprintln!("cargo-stylus is not installed: skipping `cargo stylus trace`");
        return;
    }
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let program = deploy_wasm(&node, &program());
    let mut input = program.to_vec();
    input.extend([9u8; 32]);
    let hash = send(&node, program, input, nonce(&node));
    let ours = result(&node, "debug_traceTransaction", json!([hash, stylus_tracer()]));
    let output = std::process::Command::new("cargo")
        .args(["stylus", "trace", "--use-native-tracer", "--endpoint", &node.url, "--tx", hash.as_str().unwrap()])
        .output()
        .expect("run cargo stylus trace");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "cargo stylus trace failed: {stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let printed: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    assert_eq!(printed, ours);
}
