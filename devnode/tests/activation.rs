//! ArbWasm.activateProgram refuses modules Nitro would not activate, with a reason, and code
//! that is not Stylus at all with ProgramNotWasm().

mod common;

use alloy_primitives::Bytes;
use alloy_sol_types::SolError;
use common::*;
use devnode::engine::{
    exec::Outcome,
    precompiles::ArbWasm,
    testing::{revert_reason, Bench},
};

/// Installs `wasm` and activates it, expecting a revert; returns the Error(string) reason.
fn rejected(wasm: &[u8]) -> String {
    let mut bench = Bench::new();
    bench.install(A, wasm);
    let result = bench.activate(A);
    assert_eq!(result.outcome, Outcome::Revert, "{result:?}");
    let reason = revert_reason(&result.output).expect("an Error(string) reason");
    assert!(bench.evm.state.program(&alloy_primitives::keccak256(bench.evm.state.code(&A))).is_none());
    reason
}

fn module(memory: &str, body: &str) -> Vec<u8> {
    raw(&format!(
        r#"(module
            (import "vm_hooks" "read_args" (func $read_args (param i32)))
            (memory (export "memory") {memory})
            {body})"#
    ))
}

const ENTRY: &str = r#"(func (export "user_entrypoint") (param i32) (result i32) (i32.const 0))"#;

/// The control: the same shape with nothing wrong activates.
#[test]
fn a_plain_module_activates() {
    let mut bench = Bench::new();
    bench.install(A, &module("1 1", ENTRY));
    assert!(bench.activate(A).is_success());
}

/// Float arithmetic is refused at activation.
#[test]
fn float_arithmetic_is_rejected() {
    let reason = rejected(&module(
        "1 1",
        r#"(func (export "user_entrypoint") (param i32) (result i32)
            (drop (f32.add (f32.const 1) (f32.const 2)))
            (i32.const 0))"#,
    ));
    assert!(reason.to_lowercase().contains("float"), "{reason}");
}

/// Only Nitro's vm_hooks may be imported.
#[test]
fn an_unknown_import_is_rejected() {
    let reason = rejected(&raw(&format!(
        r#"(module
            (import "vm_hooks" "no_such_hostio" (func (param i32)))
            (memory (export "memory") 1 1)
            {ENTRY})"#
    )));
    assert!(reason.contains("no_such_hostio"), "{reason}");
}

/// A host function imported with the wrong signature is refused too.
#[test]
fn a_hostio_with_the_wrong_signature_is_rejected() {
    let reason = rejected(&raw(&format!(
        r#"(module
            (import "vm_hooks" "read_args" (func (param i64)))
            (memory (export "memory") 1 1)
            {ENTRY})"#
    )));
    assert!(reason.contains("read_args"), "{reason}");
}

/// The entry point must be exported as `user_entrypoint`.
#[test]
fn a_missing_user_entrypoint_is_rejected() {
    let reason = rejected(&module(
        "1 1",
        r#"(func (export "main") (param i32) (result i32) (i32.const 0))"#,
    ));
    assert!(reason.contains("user_entrypoint"), "{reason}");
}

/// At most 128 initial pages.
#[test]
fn more_than_128_initial_pages_is_rejected() {
    let mut bench = Bench::new();
    bench.install(A, &module("128 128", ENTRY));
    assert!(bench.activate(A).is_success(), "128 pages are allowed");
    let reason = rejected(&module("129 129", ENTRY));
    assert!(reason.contains("129") || reason.contains("memory"), "{reason}");
}

/// A growable memory needs the pay_for_memory_grow import.
#[test]
fn growable_memory_without_pay_for_memory_grow_is_rejected() {
    let reason = rejected(&module("1", ENTRY));
    assert!(reason.contains("pay_for_memory_grow"), "{reason}");
}

/// EVM bytecode, or no code at all, is not a Stylus program: ProgramNotWasm().
#[test]
fn code_that_is_not_stylus_is_program_not_wasm() {
    let mut bench = Bench::new();
    bench.evm.state.set_code(A, Bytes::from_static(&[0x60, 0x00, 0x60, 0x00, 0xf3]));
    bench.evm.state.end_tx();
    let result = bench.activate(A);
    assert_eq!(result.outcome, Outcome::Revert);
    assert_eq!(result.output.as_ref(), ArbWasm::ProgramNotWasm {}.abi_encode().as_slice());
    assert!(ArbWasm::ProgramNotWasm::abi_decode(&result.output, true).is_ok());

    let empty = bench.activate(B);
    assert_eq!(empty.outcome, Outcome::Revert);
    assert_eq!(empty.output.as_ref(), ArbWasm::ProgramNotWasm {}.abi_encode().as_slice());
}

/// Activating the same code twice: ProgramUpToDate().
#[test]
fn activating_twice_is_program_up_to_date() {
    let mut bench = Bench::new();
    bench.deploy(A, &module("1 1", ENTRY));
    let again = bench.activate(A);
    assert_eq!(again.outcome, Outcome::Revert);
    assert_eq!(again.output.as_ref(), ArbWasm::ProgramUpToDate {}.abi_encode().as_slice());
}
