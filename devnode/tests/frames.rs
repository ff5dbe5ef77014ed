//! Journaling across call frames: a frame that does not succeed leaves no trace (storage,
//! balances, logs, transient storage), its caller's effects stay, and running out of gas burns
//! only the frame's own gas (geth's snapshot/revert around every call, api.go `doCall`).

mod common;

use alloy_primitives::{B256, U256};
use common::*;
use devnode::engine::{
    exec::{Failure, Outcome},
    testing::CALLER,
};

fn setup() -> devnode::engine::testing::Bench {
    bench_with(&[(A, &program(PROXY)), (B, &program(RECORDER))])
}

/// The inner frame reverts: its storage write, the value sent to it and its log are undone;
/// the outer frame's own storage write, log and received value stay.
#[test]
fn inner_revert_undoes_only_the_inner_frame() {
    let mut bench = setup();
    let input = proxy_input(CALL | OUTER_WRITES, B, U256::from(40), &recorder_input(REVERT, word(7)));
    let result = bench.call_with(CALLER, A, U256::from(100), input.into(), GAS);
    assert!(result.is_success(), "{result:?}");
    assert_eq!(proxy_output(&result.output).0, 2);

    assert_eq!(bench.storage(A, B256::ZERO), word(1), "outer write stays");
    assert_eq!(bench.storage(B, B256::ZERO), B256::ZERO, "inner write undone");
    assert_eq!(bench.evm.state.balance(&A), U256::from(100));
    assert_eq!(bench.evm.state.balance(&B), U256::ZERO, "inner value returned");
    let logs = bench.commit();
    assert_eq!(logs.len(), 1, "only the outer log: {logs:?}");
    assert_eq!(logs[0].address, A);
    assert_eq!(logs[0].data.as_ref(), B.as_slice());
}

/// The same with a successful inner frame keeps both frames' effects, in order.
#[test]
fn inner_success_keeps_both_frames() {
    let mut bench = setup();
    let input = proxy_input(CALL | OUTER_WRITES, B, U256::from(40), &recorder_input(TRANSIENT, word(7)));
    let result = bench.call_with(CALLER, A, U256::from(100), input.into(), GAS);
    assert_eq!(proxy_output(&result.output).0, 0);
    assert_eq!(bench.storage(A, B256::ZERO), word(1));
    assert_eq!(bench.storage(B, B256::ZERO), word(7));
    assert_eq!(bench.evm.state.transient(&B, &B256::ZERO), word(7));
    assert_eq!(bench.evm.state.balance(&A), U256::from(60));
    assert_eq!(bench.evm.state.balance(&B), U256::from(40));
    let logs = bench.commit();
    assert_eq!(logs.iter().map(|l| l.address).collect::<Vec<_>>(), vec![A, B]);
    assert_eq!(logs[1].topics, vec![word(7)]);
}

/// An inner trap (failure) is undone like a revert, transient storage included.
#[test]
fn inner_failure_undoes_transient_storage_too() {
    let mut bench = setup();
    let input = proxy_input(CALL, B, U256::from(1), &recorder_input(TRANSIENT | TRAP, word(7)));
    let result = bench.call_with(CALLER, A, U256::from(1), input.into(), GAS);
    assert_eq!(proxy_output(&result.output), (2, vec![]));
    assert_eq!(bench.evm.state.transient(&B, &B256::ZERO), B256::ZERO);
    assert_eq!(bench.storage(B, B256::ZERO), B256::ZERO);
    assert_eq!(bench.evm.state.balance(&B), U256::ZERO);
    assert!(bench.commit().is_empty());
}

/// The outer frame reverts after a successful inner call: everything is undone, the value the
/// caller sent included.
#[test]
fn outer_revert_undoes_everything() {
    let mut bench = setup();
    let before = bench.evm.state.balance(&CALLER);
    let input = proxy_input(CALL | OUTER_WRITES | OUTER_REVERTS, B, U256::from(40), &recorder_input(TRANSIENT, word(7)));
    let result = bench.call_with(CALLER, A, U256::from(100), input.into(), GAS);
    assert_eq!(result.outcome, Outcome::Revert);
    assert_eq!(proxy_output(&result.output).0, 0, "the inner call had succeeded");
    assert_eq!(bench.storage(A, B256::ZERO), B256::ZERO);
    assert_eq!(bench.storage(B, B256::ZERO), B256::ZERO);
    assert_eq!(bench.evm.state.transient(&B, &B256::ZERO), B256::ZERO);
    assert_eq!(bench.evm.state.balance(&A), U256::ZERO);
    assert_eq!(bench.evm.state.balance(&B), U256::ZERO);
    assert_eq!(bench.evm.state.balance(&CALLER), before);
    assert!(bench.commit().is_empty());
}

/// A program that loops forever runs out of ink: Failure(OutOfGas), all its gas gone, its
/// effects (made before the loop) undone.
#[test]
fn out_of_ink_burns_the_frame_and_undoes_it() {
    let mut bench = setup();
    let result = bench.call(B, recorder_input(LOOP | TRANSIENT, word(7)), 1_000_000);
    assert_eq!(result.outcome, Outcome::Failure(Failure::OutOfGas));
    assert_eq!(result.gas_left, 0);
    assert!(result.output.is_empty());
    assert_eq!(bench.storage(B, B256::ZERO), B256::ZERO);
    assert_eq!(bench.evm.state.transient(&B, &B256::ZERO), B256::ZERO);
    assert!(bench.commit().is_empty());
}

/// An inner frame that runs out of gas consumes the 63/64 it was given; the caller keeps its
/// 1/64 and its own effects, and finishes normally.
#[test]
fn inner_out_of_gas_leaves_the_caller_running() {
    let mut bench = setup();
    let input = proxy_input(CALL | OUTER_WRITES, B, U256::from(5), &recorder_input(LOOP, word(7)));
    let result = bench.call_with(CALLER, A, U256::from(5), input.into(), GAS);
    assert!(result.is_success(), "{result:?}");
    assert_eq!(proxy_output(&result.output), (2, vec![]));
    // The proxy had a little under GAS when it called; the callee took 63/64 of it.
    assert!(result.gas_left > 0);
    assert!(result.gas_left < GAS / 64, "gas left {}", result.gas_left);
    assert_eq!(bench.storage(A, B256::ZERO), word(1));
    assert_eq!(bench.storage(B, B256::ZERO), B256::ZERO);
    assert_eq!(bench.evm.state.balance(&A), U256::from(5));
    assert_eq!(bench.evm.state.balance(&B), U256::ZERO);
    assert_eq!(bench.commit().len(), 1);
}

/// Nested three deep, the middle frame reverting: the innermost frame's success is undone with
/// it (A -> B(proxy, reverts) -> C(recorder, succeeds)).
#[test]
fn a_reverting_middle_frame_takes_its_successful_callee_with_it() {
    let mut bench = bench_with(&[(A, &program(PROXY)), (B, &program(PROXY)), (C, &program(RECORDER))]);
    let innermost = recorder_input(0, word(9));
    let middle = proxy_input(CALL | OUTER_WRITES | OUTER_REVERTS, C, U256::from(3), &innermost);
    let input = proxy_input(CALL | OUTER_WRITES, B, U256::from(10), &middle);
    let result = bench.call_with(CALLER, A, U256::from(10), input.into(), GAS);
    assert!(result.is_success());
    let (status, data) = proxy_output(&result.output);
    assert_eq!(status, 2);
    assert_eq!(proxy_output(&data).0, 0, "the revert data carries C's success");
    assert_eq!(bench.storage(A, B256::ZERO), word(1));
    assert_eq!(bench.storage(B, B256::ZERO), B256::ZERO);
    assert_eq!(bench.storage(C, B256::ZERO), B256::ZERO);
    assert_eq!(bench.evm.state.balance(&A), U256::from(10));
    assert_eq!(bench.evm.state.balance(&B), U256::ZERO);
    assert_eq!(bench.evm.state.balance(&C), U256::ZERO);
    assert_eq!(bench.commit().len(), 1);
}
