//! debug_traceTransaction and debug_traceCall over HTTP with geth's callTracer: the call tree
//! of Stylus deployments and calls, gas, outputs, reverts, onlyTopCall, refusals; and geth's
//! default struct logger: EVM opcode steps, in a transaction that crosses EVM and Stylus too.

#[path = "support/http.rs"]
mod http;

use alloy_primitives::U256;
use devnode::{
    engine::{precompiles::STYLUS_DEPLOYER, tx::TxKind},
    rpc::{self, NodeConfig},
};
use http::{deploy_logger, error, result, sign};
use serde_json::{json, Value};

fn call_tracer() -> Value {
    json!({"tracer": "callTracer"})
}

fn lower(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_lowercase()
}

#[test]
fn transactions_are_traced_as_call_trees() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let program = deploy_logger(&node);
    let deployment = result(&node, "eth_getBlockByNumber", json!(["0x1", false]))["transactions"][0].clone();
    let trace = result(&node, "debug_traceTransaction", json!([deployment, call_tracer()]));
    let receipt = result(&node, "eth_getTransactionReceipt", json!([deployment]));
    assert_eq!(trace["type"], "CALL");
    assert_eq!(lower(&trace["from"]), lower(&json!(node.accounts[0].address.to_string())));
    assert_eq!(lower(&trace["to"]), STYLUS_DEPLOYER.to_string().to_lowercase());
    assert_eq!(trace["gasUsed"], receipt["gasUsed"], "the top frame's gas is the transaction's");
    let gas = u64::from_str_radix(trace["gas"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    assert!(gas < 30_000_000 && gas > 30_000_000 - 100_000, "the limit less intrinsic gas: {gas}");
    assert_eq!(trace["value"], "0x16345785d8a0000");
    // The deployer creates the program (CREATE, the salt being zero), activates it through
    // ArbWasm with the data fee, and refunds the excess to the sender.
    let calls = trace["calls"].as_array().expect("inner frames");
    let kinds: Vec<&str> = calls.iter().map(|c| c["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["CREATE", "CALL", "CALL"], "{trace}");
    assert_eq!(calls[1]["to"], "0x0000000000000000000000000000000000000071");
    assert!(calls[1]["input"].as_str().unwrap().starts_with("0x58c780c2"), "activateProgram(address)");
    let create = &calls[0];
    assert_eq!(lower(&create["to"]), program.to_string().to_lowercase());
    assert_eq!(lower(&create["from"]), STYLUS_DEPLOYER.to_string().to_lowercase());
    assert!(create["output"].as_str().unwrap().starts_with("0xeff000"), "the deployed Stylus code");
    let only_top = result(&node, "debug_traceTransaction", json!([deployment, {"tracer": "callTracer", "tracerConfig": {"onlyTopCall": true}}]));
    assert!(only_top.get("calls").is_none());
    assert_eq!(only_top["gasUsed"], trace["gasUsed"]);

    // A call of the program: one frame, its gas the receipt's.
    let raw = sign(&node, 0, TxKind::Call(program), U256::ZERO, vec![7u8; 32], 500_000, 1);
    let hash = result(&node, "eth_sendRawTransaction", json!([raw]));
    let trace = result(&node, "debug_traceTransaction", json!([hash, call_tracer()]));
    let receipt = result(&node, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!((trace["type"].clone(), trace["gasUsed"].clone()), (json!("CALL"), receipt["gasUsed"].clone()));
    assert_eq!(trace["input"], format!("0x{}", "07".repeat(32)));
    assert!(trace.get("calls").is_none() && trace.get("error").is_none(), "{trace}");

    // A failed transaction says why.
    let raw = sign(&node, 0, TxKind::Call(program), U256::ZERO, vec![9u8], 500_000, 2);
    let failed = result(&node, "eth_sendRawTransaction", json!([raw]));
    let trace = result(&node, "debug_traceTransaction", json!([failed, call_tracer()]));
    assert_eq!((trace["error"].clone(), trace["output"].clone()), (json!("execution reverted"), json!("0x09")));

    // Traces go with their transactions when the chain goes back.
    let snapshot = result(&node, "evm_snapshot", json!([]));
    let raw = sign(&node, 0, TxKind::Call(program), U256::ZERO, vec![8u8; 32], 500_000, 3);
    let undone = result(&node, "eth_sendRawTransaction", json!([raw]));
    result(&node, "debug_traceTransaction", json!([undone, call_tracer()]));
    result(&node, "evm_revert", json!([snapshot]));
    assert_eq!(error(&node, "debug_traceTransaction", json!([undone, call_tracer()]))["code"], -32000);
}

#[test]
fn calls_are_traced_against_the_latest_state() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let program = deploy_logger(&node);
    let call = json!({"from": node.accounts[0].address.to_string(), "to": program.to_string(), "data": "0x09", "gas": "0x100000"});
    let trace = result(&node, "debug_traceCall", json!([call, "latest", call_tracer()]));
    assert_eq!((trace["error"].clone(), trace["output"].clone()), (json!("execution reverted"), json!("0x09")));
    assert_eq!(trace["gas"], format!("{:#x}", 0x100000 - 21_016), "the limit less intrinsic gas (21,000 + 16 for a byte)");
    let ok = json!({"to": program.to_string(), "data": format!("0x{}", "05".repeat(32))});
    let trace = result(&node, "debug_traceCall", json!([ok, null, call_tracer()]));
    assert!(trace.get("error").is_none(), "{trace}");
    let estimate = result(&node, "eth_estimateGas", json!([ok]));
    let used = u64::from_str_radix(trace["gasUsed"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    let estimated = u64::from_str_radix(estimate.as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    assert!(used <= estimated && used > 21_000, "{used} vs {estimated}");
    // Nothing stays.
    assert_eq!(result(&node, "eth_getStorageAt", json!([program.to_string(), "0x0"])), format!("0x{}", "00".repeat(32)));
}

#[test]
fn only_known_tracers_and_known_transactions() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let unknown = format!("0x{}", "11".repeat(32));
    assert_eq!(error(&node, "debug_traceTransaction", json!([unknown, call_tracer()]))["code"], -32000);
    let call = json!({"to": "0x00000000000000000000000000000000000000aa"});
    assert_eq!(error(&node, "debug_traceTransaction", json!([unknown]))["code"], -32000, "default tracer, unknown hash");
    for (method, params) in [
        ("debug_traceTransaction", json!([unknown, {"tracer": "prestateTracer"}])),
        ("debug_traceTransaction", json!([unknown, {"enableMemory": true}])),
        ("debug_traceTransaction", json!([unknown, {"disableStack": "yes"}])),
        ("debug_traceTransaction", json!(["0x12", call_tracer()])),
        ("debug_traceCall", json!([call, "latest", {"tracer": "callTracer", "tracerConfig": {"withLog": true}}])),
        ("debug_traceCall", json!([call, "latest", {"tracer": "callTracer", "tracerConfig": {"onlyTopCall": 1}}])),
        ("debug_traceCall", json!([5, "latest", call_tracer()])),
    ] {
        let refused = error(&node, method, params.clone());
        assert_eq!(refused["code"], -32602, "{method} {params}: {refused}");
    }
    let message = error(&node, "debug_traceCall", json!([call, "latest", {"tracer": "prestateTracer"}]))["message"].clone();
    assert!(message.as_str().unwrap().contains("callTracer"), "{message}");
    // A plain transfer: one CALL frame.
    let trace = result(&node, "debug_traceCall", json!([{"from": node.accounts[1].address.to_string(), "to": "0x00000000000000000000000000000000000000aa", "value": "0x1"}, "latest", call_tracer()]));
    assert_eq!((trace["type"].clone(), trace["gasUsed"].clone(), trace["value"].clone()), (json!("CALL"), json!("0x5208"), json!("0x1")));
}

fn send_raw(node: &devnode::rpc::RunningNode, to: TxKind, input: Vec<u8>) -> Value {
    let nonce = result(node, "eth_getTransactionCount", json!([node.accounts[1].address.to_string(), "latest"]));
    let nonce = u64::from_str_radix(nonce.as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    let raw = sign(node, 1, to, U256::ZERO, input, 1_000_000, nonce);
    let hash = result(node, "eth_sendRawTransaction", json!([raw]));
    let receipt = result(node, "eth_getTransactionReceipt", json!([hash.clone()]));
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    receipt
}

/// EVM init code deploying `runtime` (PUSH1 len, DUP1, PUSH1 10, PUSH0, CODECOPY, PUSH0, RETURN).
fn deploy_evm(node: &devnode::rpc::RunningNode, runtime: &[u8]) -> String {
    let mut init = vec![0x60, runtime.len() as u8, 0x80, 0x60, 0x0a, 0x5f, 0x39, 0x5f, 0xf3, 0x00];
    init.extend_from_slice(runtime);
    send_raw(node, TxKind::Create, init)["contractAddress"].as_str().unwrap().to_string()
}

/// geth's default tracer: each EVM step with pc, op, gas, its cost, depth and stack, the
/// storage an SSTORE wrote, and the transaction's gas; `disableStack`/`disableStorage` honoured.
#[test]
fn evm_steps_are_traced_with_the_struct_logger() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    // PUSH1 0x2a, PUSH0, SSTORE, STOP
    let contract = deploy_evm(&node, &[0x60, 0x2a, 0x5f, 0x55, 0x00]);
    let receipt = send_raw(&node, TxKind::Call(contract.parse().unwrap()), Vec::new());
    let trace = result(&node, "debug_traceTransaction", json!([receipt["transactionHash"], {}]));
    assert_eq!(trace["failed"], false);
    let gas_used = u64::from_str_radix(receipt["gasUsed"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    assert_eq!(trace["gas"], gas_used);
    let steps = trace["structLogs"].as_array().unwrap();
    let ops: Vec<&str> = steps.iter().map(|s| s["op"].as_str().unwrap()).collect();
    assert_eq!(ops, ["PUSH1", "PUSH0", "SSTORE", "STOP"]);
    let pcs: Vec<u64> = steps.iter().map(|s| s["pc"].as_u64().unwrap()).collect();
    assert_eq!(pcs, [0, 2, 3, 4]);
    assert_eq!(steps[0]["gas"], 1_000_000 - 21_000);
    assert_eq!(steps.iter().map(|s| s["gasCost"].as_u64().unwrap()).collect::<Vec<_>>(), [3, 2, 22_100, 0]);
    assert!(steps.iter().all(|s| s["depth"] == 1));
    assert_eq!(steps[2]["stack"], json!(["0x2a", "0x0"]));
    let slot = format!("{:064x}", 0);
    assert_eq!(steps[2]["storage"][&slot], format!("{:064x}", 0x2a));

    let bare = result(&node, "debug_traceTransaction", json!([receipt["transactionHash"], {"disableStack": true, "disableStorage": true}]));
    assert!(bare["structLogs"][2].get("stack").is_none() && bare["structLogs"][2].get("storage").is_none());
}

/// A transaction from EVM code into a Stylus program: the struct logger shows the EVM steps
/// around the CALL (the program runs WASM and adds none, as on Nitro), the callTracer both
/// frames, and the stylusTracer the program's host calls.
#[test]
fn a_trace_crossing_evm_and_stylus_shows_both() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let program = deploy_logger(&node);
    // mem[0..32] = 7; CALL(gas, program, 0, 0, 32, 0, 0); POP; STOP
    let mut runtime = vec![0x60, 0x07, 0x5f, 0x52, 0x5f, 0x5f, 0x60, 0x20, 0x5f, 0x5f, 0x73];
    runtime.extend_from_slice(program.as_slice());
    runtime.extend_from_slice(&[0x5a, 0xf1, 0x50, 0x00]);
    let caller = deploy_evm(&node, &runtime);
    let receipt = send_raw(&node, TxKind::Call(caller.parse().unwrap()), Vec::new());
    let hash = receipt["transactionHash"].clone();

    let steps = result(&node, "debug_traceTransaction", json!([hash, {}]))["structLogs"].as_array().unwrap().clone();
    let ops: Vec<(&str, u64)> = steps.iter().map(|s| (s["op"].as_str().unwrap(), s["depth"].as_u64().unwrap())).collect();
    let call = ops.iter().position(|(op, _)| *op == "CALL").expect("a CALL step");
    assert_eq!(&ops[call..], &[("CALL", 1), ("POP", 1), ("STOP", 1)], "no steps inside the Stylus frame");
    let forwarded = steps[call]["gasCost"].as_u64().unwrap();
    assert!(forwarded > 100_000, "the CALL's cost includes the gas handed to the program: {forwarded}");

    let tree = result(&node, "debug_traceTransaction", json!([hash, call_tracer()]));
    assert_eq!(lower(&tree["to"]), caller.to_lowercase());
    assert_eq!(lower(&tree["calls"][0]["to"]), program.to_string().to_lowercase());
    assert_eq!(tree["calls"][0]["type"], "CALL");
    let hostio = result(&node, "debug_traceTransaction", json!([hash, {"tracer": "stylusTracer"}]));
    let names: Vec<&str> = hostio.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"evm_call_contract"), "{names:?}");
}
