//! Exact gas of tiny programs, counted by hand from Nitro's prices.
//!
//! Ink per opcode: `pricing::opcode_ink` (Nitro `meter.rs` `pricing_v1`): i32.const 1, end 1,
//! loop 1, local.get 75, local.set 210, i32.sub 70, br_if 765, call 3800, i64.store 950.
//! Every basic block (ended by end/else/return/loop/br/br_if/br_table/if/call/call_indirect,
//! the ending op included) also pays INK_HEADER_COST = 2450 up front.
//! Hostio ink: HOSTIO_INK 8400, PTR_INK 5040; read_price(n) = 16381 (+55/byte past 32).
//! One gas = 10000 ink; the gas left after a run is floor(ink left / 10000), so the gas a run
//! uses is the ceiling of its ink / 10000.
//! Before the first instruction `call_program` burns: memory for the footprint (free within the
//! 2 free pages) + cached_gas + init_gas. At the ArbOS version the dev node models (51) every
//! call pays init gas: the recent-programs cache only counts as cached from ArbOS 60.

mod common;

use alloy_primitives::{keccak256, Address};
use common::*;
use devnode::engine::{
    exec::{Failure, Outcome},
    pricing,
    testing::Bench,
};

/// The up-front gas of a call to the program at `at` (memory for 1 page is free).
fn upfront(bench: &Bench, at: Address, cached: bool) -> u64 {
    let hash = keccak256(bench.evm.state.code(&at));
    let record = *bench.evm.state.program(&hash).expect("activated");
    assert_eq!(record.footprint, 1, "the programs here start with one page");
    let params = &bench.evm.params;
    assert_eq!(params.memory_model().gas_cost(1, 0, 0), 0, "one page is within the free two");
    let cached_gas = pricing::cached_gas(params, record.cached_cost);
    let init_gas = pricing::init_gas(params, record.init_cost);
    // min_cached_init_gas 11 * 32 and min_init_gas 69 * 128 at least.
    assert!(cached_gas >= 352 && init_gas >= 8832);
    if cached {
        cached_gas
    } else {
        cached_gas + init_gas
    }
}

fn ceil_gas(ink: u64) -> u64 {
    ink.div_ceil(10_000)
}

/// `i32.const 0; end`: one basic block = 2450 + 1 + 1 = 2452 ink -> 1 gas. Both calls pay init
/// gas (no recent-programs discount before ArbOS 60).
#[test]
fn return_zero_costs_one_block() {
    let wasm = program(r#"(func (export "user_entrypoint") (param i32) (result i32) (i32.const 0))"#);
    let mut bench = bench_with(&[(A, &wasm)]);
    let ink = 2450 + 1 + 1;
    assert_eq!(ceil_gas(ink), 1);

    let first_upfront = upfront(&bench, A, false);
    let first = bench.call(A, vec![], GAS);
    assert_eq!(first.outcome, Outcome::Success);
    assert_eq!(GAS - first.gas_left, first_upfront + 1);

    let second = bench.call(A, vec![], GAS);
    assert_eq!(GAS - second.gas_left, first_upfront + 1);
}

/// With exactly the up-front gas plus one, the block's 2452 ink fits in the 10000 ink bought
/// and 0 gas is left (7548 ink floors to 0); with one gas less the block's header check fails
/// before any instruction runs: out of gas.
#[test]
fn the_last_gas_is_enough_and_nothing_less() {
    let wasm = program(r#"(func (export "user_entrypoint") (param i32) (result i32) (i32.const 0))"#);
    let mut bench = bench_with(&[(A, &wasm)]);
    let cost = upfront(&bench, A, false);
    let just = bench.call(A, vec![], cost + 1);
    assert_eq!(just.outcome, Outcome::Success);
    assert_eq!(just.gas_left, 0);
    let short = bench.call(A, vec![], cost);
    assert_eq!(short.outcome, Outcome::Failure(Failure::OutOfGas));
    assert_eq!(short.gas_left, 0);
    let no_init = bench.call(A, vec![], cost - 1);
    assert_eq!(no_init.outcome, Outcome::Failure(Failure::OutOfGas), "cannot even pay init");
}

/// A counted loop of 1000 iterations.
///
/// ```text
/// block A: i32.const 1000 (1) local.set (210) loop (1)                      + 2450 = 2662  x1
/// block B: local.get (75) i32.const 1 (1) i32.sub (70) local.set (210)
///          local.get (75) br_if (765)                                        + 2450 = 3646  x1000
/// block C: end of the loop (1)                                               + 2450 = 2451  x1
/// block D: i32.const 0 (1) end (1)                                           + 2450 = 2452  x1
/// total 2662 + 3_646_000 + 2451 + 2452 = 3_653_565 ink -> 366 gas (365.3565 rounded up)
/// ```
#[test]
fn a_loop_costs_its_blocks_times_iterations() {
    let wasm = program(
        r#"(func (export "user_entrypoint") (param $len i32) (result i32)
            (local $i i32)
            (local.set $i (i32.const 1000))
            (loop $again
              (local.set $i (i32.sub (local.get $i) (i32.const 1)))
              (br_if $again (local.get $i)))
            (i32.const 0))"#,
    );
    let mut bench = bench_with(&[(A, &wasm)]);
    let ink = 2662 + 1000 * 3646 + 2451 + 2452;
    assert_eq!(ink, 3_653_565);
    assert_eq!(ceil_gas(ink), 366);
    let cost = upfront(&bench, A, false);
    let result = bench.call(A, vec![], GAS);
    assert!(result.is_success());
    assert_eq!(GAS - result.gas_left, cost + 366);
}

/// One hostio with EVM gas: a cold `storage_load_bytes32`.
///
/// ```text
/// block A: i32.const (1) i32.const (1) call (3800)           + 2450 = 6252
/// storage_load_bytes32: base 8400 + 2 * 5040                        = 18480
///   gas bought: cache read 0 + cold SLOAD 2100 + EVM API 5 = 2105  = 21_050_000
/// block B: i32.const 0 (1) end (1)                           + 2450 = 2452
/// total 21_077_184 ink -> 2108 gas
/// ```
#[test]
fn a_cold_storage_load_costs_its_ink_and_gas() {
    let wasm = program(
        r#"(func (export "user_entrypoint") (param $len i32) (result i32)
            (call $storage_load_bytes32 (i32.const 0) (i32.const 32))
            (i32.const 0))"#,
    );
    let mut bench = bench_with(&[(A, &wasm)]);
    let ink = 6252 + 18_480 + 2105 * 10_000 + 2452;
    assert_eq!(ink, 21_077_184);
    assert_eq!(ceil_gas(ink), 2108);
    let cost = upfront(&bench, A, false);
    let result = bench.call(A, vec![], GAS);
    assert!(result.is_success());
    assert_eq!(GAS - result.gas_left, cost + 2108);

    // In the same transaction the slot is warm: 100 instead of 2100 gas.
    let cost = upfront(&bench, A, false);
    let result = bench.call(A, vec![], GAS);
    assert_eq!(GAS - result.gas_left, cost + ceil_gas(6252 + 18_480 + 105 * 10_000 + 2452));
}

/// `evm_ink_left` reports exactly the ink bought minus what ran before it returned, and the
/// whole program costs its hand count.
///
/// ```text
/// block A: i32.const 0 (1) call (3800)                         + 2450 = 6251
/// evm_ink_left: 8400                       <- value reported = start - 6251 - 8400
/// block B: i64.store (950) i32.const (1) i32.const (1) call (3800) + 2450 = 7202
/// write_result(0, 8): 8400 + 2 * read_price(8) = 8400 + 2 * 16381      = 41162
/// block C: i32.const 0 (1) end (1)                             + 2450 = 2452
/// total 65_467 ink -> 7 gas (the 8-byte output's EVM memory cost, 3, does not bind)
/// ```
#[test]
fn evm_ink_left_is_exact() {
    let wasm = program(
        r#"(func (export "user_entrypoint") (param $len i32) (result i32)
            (i64.store (i32.const 0) (call $evm_ink_left))
            (call $write_result (i32.const 0) (i32.const 8))
            (i32.const 0))"#,
    );
    let mut bench = bench_with(&[(A, &wasm)]);
    let cost = upfront(&bench, A, false);
    let result = bench.call(A, vec![], GAS);
    assert!(result.is_success());
    let reported = u64::from_le_bytes(result.output[..8].try_into().unwrap());
    assert_eq!(reported, (GAS - cost) * 10_000 - 6251 - 8400);
    let ink = 6251 + 8400 + 7202 + 41_162 + 2452;
    assert_eq!(ceil_gas(ink), 7);
    assert_eq!(GAS - result.gas_left, cost + 7);
}

/// Nitro prices every float opcode at u64::MAX ink, so a block containing one always runs out
/// of ink — but only if it runs: a float in a block that is skipped costs nothing.
#[test]
fn a_block_with_a_float_runs_out_of_ink() {
    let wasm = program(
        r#"(func (export "user_entrypoint") (param $len i32) (result i32)
            (if (local.get $len) (then (drop (f32.const 1.5))))
            (i32.const 0))"#,
    );
    let mut bench = bench_with(&[(A, &wasm)]);
    let skipped = bench.call(A, vec![], GAS);
    assert_eq!(skipped.outcome, Outcome::Success, "{skipped:?}");
    let ran = bench.call(A, vec![1], GAS);
    assert_eq!(ran.outcome, Outcome::Failure(Failure::OutOfGas));
    assert_eq!(ran.gas_left, 0);
}
