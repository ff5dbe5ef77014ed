//! ArbWasm.activateProgram refuses modules Nitro would not activate, with a reason and all the
//! call's gas burned (programs.go `ErrProgramActivation`, precompile.go burns out on it); no
//! code at all is ProgramNotWasm(), and EVM bytecode a plain error (ArbOS < 60).

mod common;

use alloy_primitives::Bytes;
use alloy_sol_types::SolError;
use common::*;
use devnode::engine::{
    exec::{Failure, Outcome},
    precompiles::ArbWasm,
    testing::Bench,
};

/// Installs `wasm` and activates it, expecting Nitro's activation failure: no revert data,
/// every gas unit of the call consumed. Returns the reason the node reports.
fn rejected(wasm: &[u8]) -> String {
    let mut bench = Bench::new();
    bench.install(A, wasm);
    let result = bench.activate(A);
    let Outcome::Failure(Failure::Activation(reason)) = result.outcome else {
        panic!("expected an activation failure: {result:?}");
    };
    assert_eq!(result.gas_left, 0, "a failed activation burns all its gas");
    assert!(result.output.is_empty());
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

/// No code at all is ProgramNotWasm(); EVM bytecode is programs.go's plain error "specified
/// bytecode is not a Stylus program" before ArbOS 60: a revert without data that keeps the gas
/// left (precompile.go, ArbOS >= 11).
#[test]
fn code_that_is_not_stylus_is_refused() {
    let mut bench = Bench::new();
    bench.evm.state.set_code(A, Bytes::from_static(&[0x60, 0x00, 0x60, 0x00, 0xf3]));
    bench.evm.state.end_tx();
    let result = bench.activate(A);
    assert_eq!(result.outcome, Outcome::Revert);
    assert!(result.output.is_empty());
    assert!(result.gas_left > 0);

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
