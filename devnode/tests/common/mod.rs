//! Shared pieces of the engine's integration tests: every `vm_hooks` import, a module wrapper,
//! and a few hand-written programs used by several test files.
#![allow(dead_code)]

pub mod asm;

use alloy_primitives::{address, keccak256, Address, B256, U256};
use devnode::engine::{code, testing::Bench};

/// Every host function Nitro links, named after itself, with its exact signature.
pub const IMPORTS: &str = r#"
    (import "vm_hooks" "read_args" (func $read_args (param i32)))
    (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
    (import "vm_hooks" "exit_early" (func $exit_early (param i32)))
    (import "vm_hooks" "storage_load_bytes32" (func $storage_load_bytes32 (param i32 i32)))
    (import "vm_hooks" "storage_cache_bytes32" (func $storage_cache_bytes32 (param i32 i32)))
    (import "vm_hooks" "storage_flush_cache" (func $storage_flush_cache (param i32)))
    (import "vm_hooks" "transient_load_bytes32" (func $transient_load_bytes32 (param i32 i32)))
    (import "vm_hooks" "transient_store_bytes32" (func $transient_store_bytes32 (param i32 i32)))
    (import "vm_hooks" "call_contract" (func $call_contract (param i32 i32 i32 i32 i64 i32) (result i32)))
    (import "vm_hooks" "delegate_call_contract" (func $delegate_call_contract (param i32 i32 i32 i64 i32) (result i32)))
    (import "vm_hooks" "static_call_contract" (func $static_call_contract (param i32 i32 i32 i64 i32) (result i32)))
    (import "vm_hooks" "create1" (func $create1 (param i32 i32 i32 i32 i32)))
    (import "vm_hooks" "create2" (func $create2 (param i32 i32 i32 i32 i32 i32)))
    (import "vm_hooks" "read_return_data" (func $read_return_data (param i32 i32 i32) (result i32)))
    (import "vm_hooks" "return_data_size" (func $return_data_size (result i32)))
    (import "vm_hooks" "emit_log" (func $emit_log (param i32 i32 i32)))
    (import "vm_hooks" "account_balance" (func $account_balance (param i32 i32)))
    (import "vm_hooks" "account_code" (func $account_code (param i32 i32 i32 i32) (result i32)))
    (import "vm_hooks" "account_codehash" (func $account_codehash (param i32 i32)))
    (import "vm_hooks" "account_code_size" (func $account_code_size (param i32) (result i32)))
    (import "vm_hooks" "evm_gas_left" (func $evm_gas_left (result i64)))
    (import "vm_hooks" "evm_ink_left" (func $evm_ink_left (result i64)))
    (import "vm_hooks" "block_basefee" (func $block_basefee (param i32)))
    (import "vm_hooks" "chainid" (func $chainid (result i64)))
    (import "vm_hooks" "block_coinbase" (func $block_coinbase (param i32)))
    (import "vm_hooks" "block_gas_limit" (func $block_gas_limit (result i64)))
    (import "vm_hooks" "block_number" (func $block_number (result i64)))
    (import "vm_hooks" "block_timestamp" (func $block_timestamp (result i64)))
    (import "vm_hooks" "contract_address" (func $contract_address (param i32)))
    (import "vm_hooks" "math_div" (func $math_div (param i32 i32)))
    (import "vm_hooks" "math_mod" (func $math_mod (param i32 i32)))
    (import "vm_hooks" "math_pow" (func $math_pow (param i32 i32)))
    (import "vm_hooks" "math_add_mod" (func $math_add_mod (param i32 i32 i32)))
    (import "vm_hooks" "math_mul_mod" (func $math_mul_mod (param i32 i32 i32)))
    (import "vm_hooks" "msg_reentrant" (func $msg_reentrant (result i32)))
    (import "vm_hooks" "msg_sender" (func $msg_sender (param i32)))
    (import "vm_hooks" "msg_value" (func $msg_value (param i32)))
    (import "vm_hooks" "tx_gas_price" (func $tx_gas_price (param i32)))
    (import "vm_hooks" "tx_ink_price" (func $tx_ink_price (result i32)))
    (import "vm_hooks" "tx_origin" (func $tx_origin (param i32)))
    (import "vm_hooks" "native_keccak256" (func $native_keccak256 (param i32 i32 i32)))
"#;

/// A module with every import, one fixed page of memory exported as "memory", and `body`
/// (which must define the exported `user_entrypoint`).
pub fn program(body: &str) -> Vec<u8> {
    let wat = format!("(module {IMPORTS} (memory (export \"memory\") 1 1) {body})");
    wat::parse_str(&wat).unwrap_or_else(|e| panic!("bad wat: {e}\n{wat}"))
}

/// A module with exactly the text given (no imports added).
pub fn raw(wat: &str) -> Vec<u8> {
    wat::parse_str(wat).unwrap_or_else(|e| panic!("bad wat: {e}\n{wat}"))
}

pub const A: Address = address!("00000000000000000000000000000000000000aa");
pub const B: Address = address!("00000000000000000000000000000000000000bb");
pub const C: Address = address!("00000000000000000000000000000000000000cc");
pub const D: Address = address!("00000000000000000000000000000000000000dd");

pub const GAS: u64 = 10_000_000;

pub fn word(n: u64) -> B256 {
    B256::from(U256::from(n))
}

pub fn u256(bytes: &[u8]) -> U256 {
    U256::from_be_slice(bytes)
}

/// Returns its calldata (read_args + write_result).
pub const ECHO: &str = r#"
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (call $write_result (i32.const 0) (local.get $len))
    (i32.const 0))
"#;

/// A generic caller. Empty calldata: returns one byte, `msg_reentrant()`. Otherwise calldata is
/// `[kind:1][target:20][value:32][data..]`; `kind & 3` picks call (0), delegate call (1) or
/// static call (2), always with gas u64::MAX. If `kind & 0x40` the proxy first writes storage
/// slot 0 = 1 and emits a log (no topics, data = target) of its own; if `kind & 0x80` it reverts
/// after the call. Output: `[status:1][ret_len:u32 LE][return data..]`.
pub const PROXY: &str = r#"
  (data (i32.const 0x703F) "\01")
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $kind i32) (local $status i32) (local $n i32)
    (if (i32.eqz (local.get $len)) (then
      (i32.store8 (i32.const 0) (call $msg_reentrant))
      (call $write_result (i32.const 0) (i32.const 1))
      (return (i32.const 0))))
    (call $read_args (i32.const 0))
    (local.set $kind (i32.load8_u (i32.const 0)))
    (local.set $n (i32.sub (local.get $len) (i32.const 53)))
    (if (i32.and (local.get $kind) (i32.const 0x40)) (then
      (call $storage_cache_bytes32 (i32.const 0x7000) (i32.const 0x7020))
      (call $storage_flush_cache (i32.const 0))
      (call $emit_log (i32.const 1) (i32.const 20) (i32.const 0))))
    (block $done
      (if (i32.eq (i32.and (local.get $kind) (i32.const 3)) (i32.const 0)) (then
        (local.set $status (call $call_contract (i32.const 1) (i32.const 53) (local.get $n)
          (i32.const 21) (i64.const -1) (i32.const 0x8000)))
        (br $done)))
      (if (i32.eq (i32.and (local.get $kind) (i32.const 3)) (i32.const 1)) (then
        (local.set $status (call $delegate_call_contract (i32.const 1) (i32.const 53) (local.get $n)
          (i64.const -1) (i32.const 0x8000)))
        (br $done)))
      (local.set $status (call $static_call_contract (i32.const 1) (i32.const 53) (local.get $n)
        (i64.const -1) (i32.const 0x8000))))
    (i32.store8 (i32.const 0x7FFF) (local.get $status))
    (drop (call $read_return_data (i32.const 0x8004) (i32.const 0) (i32.load (i32.const 0x8000))))
    (call $write_result (i32.const 0x7FFF) (i32.add (i32.const 5) (i32.load (i32.const 0x8000))))
    (i32.shr_u (i32.and (local.get $kind) (i32.const 0x80)) (i32.const 7)))
"#;

pub const CALL: u8 = 0;
pub const DELEGATE: u8 = 1;
pub const STATIC: u8 = 2;
pub const OUTER_WRITES: u8 = 0x40;
pub const OUTER_REVERTS: u8 = 0x80;

pub fn proxy_input(kind: u8, target: Address, value: U256, data: &[u8]) -> Vec<u8> {
    let mut input = vec![kind];
    input.extend_from_slice(target.as_slice());
    input.extend_from_slice(&value.to_be_bytes::<32>());
    input.extend_from_slice(data);
    input
}

/// `(status, return data)` from a proxy's output, checking the reported length.
pub fn proxy_output(output: &[u8]) -> (u8, Vec<u8>) {
    assert!(output.len() >= 5, "short proxy output {output:?}");
    let len = u32::from_le_bytes(output[1..5].try_into().unwrap()) as usize;
    assert_eq!(output.len(), 5 + len, "ret_len disagrees with the data read back");
    (output[0], output[5..].to_vec())
}

/// A callee with effects. Calldata `[flags:1][value:32]`. Unless `flags & 8` it stores `value`
/// in slot 0 (and flushes); unless `flags & 16` it emits a log with one topic, `value`; if
/// `flags & 32` it stores `value` in transient slot 0; if `flags & 2` it then loops forever;
/// if `flags & 64` it traps. Output: msg_sender (20) ++ msg_value (32) ++ contract_address (20);
/// reverts (with that output) if `flags & 1`.
pub const RECORDER: &str = r#"
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $f i32)
    (call $read_args (i32.const 0))
    (local.set $f (i32.load8_u (i32.const 0)))
    (if (i32.eqz (i32.and (local.get $f) (i32.const 8))) (then
      (call $storage_cache_bytes32 (i32.const 0x100) (i32.const 1))
      (call $storage_flush_cache (i32.const 0))))
    (if (i32.eqz (i32.and (local.get $f) (i32.const 16))) (then
      (call $emit_log (i32.const 1) (i32.const 32) (i32.const 1))))
    (if (i32.and (local.get $f) (i32.const 32)) (then
      (call $transient_store_bytes32 (i32.const 0x100) (i32.const 1))))
    (if (i32.and (local.get $f) (i32.const 2)) (then
      (loop $forever (br $forever))))
    (if (i32.and (local.get $f) (i32.const 64)) (then unreachable))
    (call $msg_sender (i32.const 0x200))
    (call $msg_value (i32.const 0x214))
    (call $contract_address (i32.const 0x234))
    (call $write_result (i32.const 0x200) (i32.const 72))
    (i32.and (local.get $f) (i32.const 1)))
"#;

pub const REVERT: u8 = 1;
pub const LOOP: u8 = 2;
pub const NO_STORAGE: u8 = 8;
pub const NO_LOG: u8 = 16;
pub const TRANSIENT: u8 = 32;
pub const TRAP: u8 = 64;

pub fn recorder_input(flags: u8, value: B256) -> Vec<u8> {
    let mut input = vec![flags];
    input.extend_from_slice(value.as_slice());
    input
}

/// `(msg_sender, msg_value, contract_address)` from a recorder's output.
pub fn recorder_output(output: &[u8]) -> (Address, U256, Address) {
    assert_eq!(output.len(), 72, "recorder output {output:?}");
    (
        Address::from_slice(&output[..20]),
        U256::from_be_slice(&output[20..52]),
        Address::from_slice(&output[52..72]),
    )
}

/// A bench with `wasm` deployed (activated) at each address given. The same code at a second
/// address is only installed: its code hash is already activated.
pub fn bench_with(programs: &[(Address, &[u8])]) -> Bench {
    let mut bench = Bench::new();
    for (at, wasm) in programs {
        let hash = keccak256(code::stored_code(wasm));
        if bench.evm.state.program(&hash).is_some() {
            bench.install(*at, wasm);
        } else {
            bench.deploy(*at, wasm);
        }
    }
    bench
}
