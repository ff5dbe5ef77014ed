//! What activation, ArbWasm's methods and program entry cost, against numbers worked out from
//! Nitro's formulas and constants (OffchainLabs/nitro 6dce8d1, go-ethereum 49b38a6). Each
//! vector names the Nitro source it comes from.

mod common;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{SolCall, SolError};
use common::*;
use devnode::engine::{
    exec::{CallResult, Failure, Outcome},
    precompiles::{ArbWasm, ARB_WASM},
    pricing::{self, DataPricer},
    testing::{Bench, CALLER, NETWORK_FEE_ACCOUNT},
    validate,
};

/// 17 pages of memory, no imports; `user_entrypoint` returns its calldata length as the status,
/// so empty calldata succeeds and one byte reverts. Its one block, `local.get 0` (75) + `end`
/// (1) + the 2450 header, is 2526 ink: 1 gas.
fn seventeen_pages() -> Vec<u8> {
    raw(r#"(module
        (memory (export "memory") 17 17)
        (func (export "user_entrypoint") (param i32) (result i32) (local.get 0)))"#)
}

const BODY_GAS: u64 = 1;

/// programs.go `CallProgram`, not cached, version 2: cachedGas + initGas on top of memory.
fn init_and_cached_gas(bench: &Bench, at: Address) -> u64 {
    let record = *bench.evm.state.program(&keccak256(bench.evm.state.code(&at))).expect("activated");
    assert_eq!(record.footprint, 17);
    pricing::cached_gas(&bench.evm.params, record.cached_cost) + pricing::init_gas(&bench.evm.params, record.init_cost)
}

fn used(result: &CallResult) -> u64 {
    GAS - result.gas_left
}

/// memory.go `MemoryModel.GasCost(pages, open, ever)` with 2 free pages, 1000 gas a page and
/// `memoryExponents`: exp(0) = 1, exp(17) = 9, exp(34) = 98.
/// - entered first: 15 pages past the free 2 = 15,000, ramp exp(17) - exp(0) = 8: 15,008;
/// - entered again after it returned (open 0, ever 17): 15,000, no ramp;
/// - entered while a 17-page program is open (open 17, ever 17): pages 3..34 less 3..17, 17 of
///   them = 17,000, ramp exp(34) - exp(17) = 89: 17,089.
#[test]
fn a_seventeen_page_program_pays_memory_as_nitro_does() {
    let model = pricing::MemoryModel::default();
    assert_eq!(model.gas_cost(17, 0, 0), 15_008);
    assert_eq!(model.gas_cost(17, 0, 17), 15_000);
    assert_eq!(model.gas_cost(17, 17, 17), 17_089);

    let mut bench = bench_with(&[(A, &seventeen_pages())]);
    let init = init_and_cached_gas(&bench, A);

    let first = bench.call(A, vec![], GAS);
    assert_eq!(first.outcome, Outcome::Success);
    assert_eq!(used(&first), 15_008 + init + BODY_GAS);
    assert_eq!(bench.evm.state.stylus_pages(), (0, 17), "open restored, ever kept");

    let again = bench.call(A, vec![], GAS);
    assert_eq!(used(&again), 15_000 + init + BODY_GAS);

    // A new transaction in which a 17-page program is open when this one is entered: geth's
    // counters read (17, 17), exactly as inside such a program's call.
    bench.commit();
    bench.evm.state.add_stylus_pages(17);
    let nested = bench.call(A, vec![], GAS);
    assert_eq!(used(&nested), 17_089 + init + BODY_GAS);
    assert_eq!(bench.evm.state.stylus_pages(), (17, 34));
}

/// statedb_arbitrum.go: the page counters are not in geth's journal, so a call that reverts
/// leaves `ever` at 17 and the next entry in the transaction pays 15,000, not 15,008.
#[test]
fn a_reverted_call_does_not_lower_the_pages_ever_open() {
    let mut bench = bench_with(&[(A, &seventeen_pages())]);
    let init = init_and_cached_gas(&bench, A);

    let reverted = bench.call(A, vec![1], GAS);
    assert_eq!(reverted.outcome, Outcome::Revert);
    assert_eq!(used(&reverted), 15_008 + init + BODY_GAS);
    assert_eq!(bench.evm.state.stylus_pages(), (0, 17));

    let next = bench.call(A, vec![], GAS);
    assert_eq!(next.outcome, Outcome::Success);
    assert_eq!(used(&next), 15_000 + init + BODY_GAS);
}

/// A small module: one host import, one page, returns 0.
fn plain_module() -> Vec<u8> {
    program(r#"(func (export "user_entrypoint") (param i32) (result i32) (i32.const 0))"#)
}

/// A bench with [`plain_module`] installed at A, not activated, and what activation learns.
fn installed() -> (Bench, validate::ModuleInfo) {
    let wasm = plain_module();
    let mut bench = Bench::new();
    bench.install(A, &wasm);
    (bench, validate::activate_check(&wasm).expect("valid"))
}

/// ArbWasm.activateProgram(A) from [`CALLER`] with `value` and 100M gas.
fn activate_paying(bench: &mut Bench, value: U256) -> CallResult {
    let input = ArbWasm::activateProgramCall { program: A }.abi_encode();
    bench.call_with(CALLER, ARB_WASM, value, input.into(), 100_000_000)
}

/// The gas of a first activation, step by step as ArbWasm.go `ActivateProgram` and programs.go
/// `Programs.ActivateProgram` burn it (storage.go costs: read 800, non-zero write 20,000):
///
/// | step | gas |
/// |---|---:|
/// | OpenArbosState (precompile.go `makeContext`) | 800 |
/// | arguments, one word (`CopyGas`) | 3 |
/// | fixed activation cost (ArbWasm.go) | 1,659,168 |
/// | `Params()` (params.go, warm) | 100 |
/// | `programExists` read | 800 |
/// | `Module::activate` (prover programs/mod.rs) | module's own |
/// | `moduleHashes.Set` | 20,000 |
/// | `UpdateModel`: 5 reads, 2 writes (data_pricer.go) | 44,000 |
/// | `setProgram` | 20,000 |
/// | `NetworkFeeAccount()` read | 800 |
/// | `ProgramActivated` event: 375 + 2 * 375 + 8 * 128 | 2,149 |
/// | result (uint16, uint256), two words | 6 |
///
/// 1,747,826 gas plus the module's own. The data fee is `UpdateModel(asmEstimate, time)` on a
/// fresh pricer, paid to the network fee account, the excess value refunded.
#[test]
fn activation_costs_what_nitro_charges() {
    let (mut bench, info) = installed();
    let caller_before = bench.evm.state.balance(&CALLER);
    let result = activate_paying(&mut bench, U256::from(10u128.pow(18)));
    assert_eq!(result.outcome, Outcome::Success, "{result:?}");

    let fixed = 800 + 3 + 1_659_168 + 100 + 800 + 20_000 + 44_000 + 20_000 + 800 + 2_149 + 6;
    assert_eq!(fixed, 1_747_826);
    assert_eq!(100_000_000 - result.gas_left, fixed + info.activation_gas);

    // data_pricer.go: the asm estimate (at least 512,000), not the wasm's length.
    assert!(info.asm_estimate >= 512_000 && (plain_module().len() as u32) < info.asm_estimate);
    let fee = DataPricer::default().update(info.asm_estimate, bench.evm.block.timestamp);
    let decoded = ArbWasm::activateProgramCall::abi_decode_returns(&result.output, true).unwrap();
    assert_eq!((decoded.version, decoded.dataFee), (2, fee));
    assert!(fee >= U256::from(512_000u64 * 82_928_201), "at least the minimum price for 512,000 bytes");
    assert_eq!(bench.evm.state.balance(&NETWORK_FEE_ACCOUNT), fee);
    assert_eq!(bench.evm.state.balance(&CALLER), caller_before - fee);
    assert_eq!(bench.evm.state.balance(&ARB_WASM), U256::ZERO);

    // The stored size is whole KiB (programs.go `asmEstimateKb`, `asmSize()`).
    let hash = keccak256(bench.evm.state.code(&A));
    let size = bench.call(ARB_WASM, ArbWasm::codehashAsmSizeCall { codehash: hash }.abi_encode(), GAS);
    let size = ArbWasm::codehashAsmSizeCall::abi_decode_returns(&size.output, true).unwrap().size;
    assert_eq!(size, info.asm_estimate.div_ceil(1024) * 1024);
}

/// programs.go `UpdateModel` for the module issue 16 describes (20 KB, 50 functions, asm
/// estimate 688,466 bytes, see pricing's `activation_cost_formulas`): exponent
/// 10000 * 688,466 / 21,360,419 = 322 bips, `ApproxExpBasisPoints(322, 12)` = 10,327, price
/// 82,928,201 * 10,327 / 10,000 = 85,639,953 wei a byte, fee 58,960,195,882,098 wei; pricing
/// the wasm's 20,000 bytes instead (10000 * 20,000 / 21,360,419 = 9 bips, multiplier 10,009,
/// 83,002,836 wei a byte) gave 1,660,056,720,000, 35 times less.
#[test]
fn the_data_fee_of_a_twenty_kilobyte_module() {
    let mut pricer = DataPricer::default();
    assert_eq!(pricer.update(688_466, 1_700_000_000), U256::from(58_960_195_882_098u64));
    assert_eq!(DataPricer::default().update(20_000, 1_700_000_000), U256::from(1_660_056_720_000u64));
}

/// Too little value: ProgramInsufficientValue after every step was paid, and the data
/// pricer's update undone with the frame (it is ArbOS storage).
#[test]
fn an_underpaid_activation_reverts_and_leaves_the_pricer_alone() {
    let (mut bench, info) = installed();
    let result = activate_paying(&mut bench, U256::ZERO);
    assert_eq!(result.outcome, Outcome::Revert);
    let fee = DataPricer::default().update(info.asm_estimate, bench.evm.block.timestamp);
    let want = ArbWasm::ProgramInsufficientValue { have: U256::ZERO, want: fee }.abi_encode();
    assert_eq!(result.output.as_ref(), want.as_slice());
    // everything up to setProgram, then 3 gas a word for the 68-byte error (3 words)
    let paid = 800 + 3 + 1_659_168 + 100 + 800 + 20_000 + 44_000 + 20_000 + 9;
    assert_eq!(100_000_000 - result.gas_left, paid + info.activation_gas);
    assert_eq!(bench.evm.data_pricer, DataPricer::default());
}

/// A failed activation keeps nothing: precompile.go burns out on `ErrProgramActivation`.
#[test]
fn a_failed_activation_burns_all_gas() {
    let float = program(
        r#"(func (export "user_entrypoint") (param i32) (result i32)
            (drop (f32.add (f32.const 1) (f32.const 2))) (i32.const 0))"#,
    );
    let mut bench = Bench::new();
    bench.install(A, &float);
    let result = bench.activate(A);
    assert!(matches!(result.outcome, Outcome::Failure(Failure::Activation(_))), "{result:?}");
    assert_eq!(result.gas_left, 0);
    assert_eq!(bench.evm.data_pricer, DataPricer::default());
    assert_eq!(bench.evm.state.balance(&NETWORK_FEE_ACCOUNT), U256::ZERO);
}

/// ProgramUpToDate: OpenArbosState 800 + arguments 3 + fixed 1,659,168 + Params 100 +
/// programExists 800, then the 4-byte error's word, 3.
#[test]
fn activating_again_pays_up_to_the_check() {
    let mut bench = bench_with(&[(A, &plain_module())]);
    let again = bench.activate(A);
    assert_eq!(again.output.as_ref(), ArbWasm::ProgramUpToDate {}.abi_encode().as_slice());
    assert_eq!(100_000_000 - again.gas_left, 800 + 3 + 1_659_168 + 100 + 800 + 3);
}

fn arb_wasm(bench: &mut Bench, input: Vec<u8>) -> CallResult {
    bench.call(ARB_WASM, input, GAS)
}

/// precompile.go: 800 to open the ArbOS state, 3 a word of arguments and of results; then what
/// each method reads: `Params()` 100 (params.go), a program's word 800, `GetCodeHash` 2,600
/// (storage.go `StorageCodeHashCost`).
#[test]
fn view_methods_cost_what_the_precompile_framework_charges() {
    let mut bench = bench_with(&[(A, &plain_module())]);
    let hash = keccak256(bench.evm.state.code(&A));
    let cases: Vec<(&str, Vec<u8>, u64)> = vec![
        ("stylusVersion", ArbWasm::stylusVersionCall {}.abi_encode(), 800 + 100 + 3),
        ("inkPrice", ArbWasm::inkPriceCall {}.abi_encode(), 800 + 100 + 3),
        ("minInitGas", ArbWasm::minInitGasCall {}.abi_encode(), 800 + 100 + 6),
        ("codehashVersion", ArbWasm::codehashVersionCall { codehash: hash }.abi_encode(), 800 + 3 + 100 + 800 + 3),
        ("codehashAsmSize", ArbWasm::codehashAsmSizeCall { codehash: hash }.abi_encode(), 800 + 3 + 100 + 800 + 3),
        ("programVersion", ArbWasm::programVersionCall { program: A }.abi_encode(), 800 + 3 + 2_600 + 100 + 800 + 3),
        ("programInitGas", ArbWasm::programInitGasCall { program: A }.abi_encode(), 800 + 3 + 100 + 2_600 + 800 + 6),
        ("programTimeLeft", ArbWasm::programTimeLeftCall { program: A }.abi_encode(), 800 + 3 + 100 + 2_600 + 800 + 3),
    ];
    for (name, input, gas) in cases {
        let result = arb_wasm(&mut bench, input);
        assert_eq!(result.outcome, Outcome::Success, "{name}");
        assert_eq!(used(&result), gas, "{name}");
    }

    // A Solidity error pays for its data: ProgramNotActivated() is one word.
    let unknown = arb_wasm(&mut bench, ArbWasm::codehashVersionCall { codehash: B256::ZERO }.abi_encode());
    assert_eq!(unknown.outcome, Outcome::Revert);
    assert_eq!(unknown.output.as_ref(), ArbWasm::ProgramNotActivated {}.abi_encode().as_slice());
    assert_eq!(used(&unknown), 800 + 3 + 100 + 800 + 3);

    // Refused outright, all gas burned: value to a view, an unknown selector, bad arguments.
    let valued = bench.call_with(CALLER, ARB_WASM, U256::from(1), ArbWasm::inkPriceCall {}.abi_encode().into(), GAS);
    let unknown_selector = arb_wasm(&mut bench, vec![0xde, 0xad, 0xbe, 0xef]);
    let short = arb_wasm(&mut bench, ArbWasm::programVersionCall::SELECTOR.to_vec());
    for refused in [valued, unknown_selector, short] {
        assert_eq!((refused.outcome, refused.gas_left, refused.output), (Outcome::Revert, 0, Bytes::new()));
    }
}

/// programs.go stores `hoursSinceArbitrum(time)` and ages programs with `hoursToAge`: a program
/// activated 59m59s into an hour is 3,599 s old at once and expires 365 days after the hour
/// began.
#[test]
fn program_age_counts_from_the_start_of_the_hour() {
    let hour = pricing::ARBITRUM_START_TIME + 400_000 * 3600;
    let mut bench = Bench::new();
    bench.evm.block.timestamp = hour + 3599;
    bench.deploy(A, &plain_module());

    let left = arb_wasm(&mut bench, ArbWasm::programTimeLeftCall { program: A }.abi_encode());
    let left = ArbWasm::programTimeLeftCall::abi_decode_returns(&left.output, true).unwrap()._secs;
    assert_eq!(left, pricing::days_to_seconds(365) - 3599);

    bench.evm.block.timestamp = hour + pricing::days_to_seconds(365);
    assert_eq!(bench.call(A, vec![], GAS).outcome, Outcome::Success, "365 days old: not yet expired");
    bench.evm.block.timestamp += 1;
    assert_eq!(bench.call(A, vec![], GAS).outcome, Outcome::Failure(Failure::ProgramExpired));
}

/// depth.rs: each function takes its worst-case frame from `MaxStackDepth` (22,000 words at
/// ArbOS 51) on entry and may enter only while more than its frame is left. `$f(n)` recurses n
/// times; the entry point calls it with the calldata length. With entry frame E and `$f`'s
/// frame F the deepest chain that fits is k frames of `$f` with 22,000 - E - (k-1) F > F, so
/// n = k - 1 succeeds and n = k stops the call: `vm.ErrDepth`, all gas consumed (run.rs
/// `OutOfStack`).
#[test]
fn the_run_time_depth_limit_consumes_all_gas() {
    let wasm = raw(r#"(module
        (memory (export "memory") 1 1)
        (func $f (param i32) (result i32)
            (if (i32.eqz (local.get 0)) (then (return (i32.const 0))))
            (call $f (i32.sub (local.get 0) (i32.const 1))))
        (func (export "user_entrypoint") (param i32) (result i32)
            (call $f (local.get 0))))"#);
    let info = validate::activate_check(&wasm).expect("valid");
    let (f, entry) = (info.frame_words[0] as u64, info.frame_words[1] as u64);
    let depth = pricing::StylusParams::default().max_stack_depth as u64;
    assert_eq!(depth, 22_000);
    let frames = (depth - entry - 1) / f; // the most frames of $f: depth - entry - k F >= 1
    let mut bench = bench_with(&[(A, &wasm)]);

    let deepest = bench.call(A, vec![0; frames as usize - 1], 1_000_000_000);
    assert_eq!(deepest.outcome, Outcome::Success, "{frames} frames of {f} words fit after {entry}");
    let too_deep = bench.call(A, vec![0; frames as usize], 1_000_000_000);
    assert_eq!(too_deep.outcome, Outcome::Failure(Failure::CallDepth));
    assert_eq!(too_deep.gas_left, 0);
}

/// tx_processor.go `EndTxHook`: the L2 fee (base fee * gas used; no infra fee account on a dev
/// chain) is minted to the network fee account, the chain owner (nitro-testnode's `l2owner`);
/// the block's coinbase, the batch poster, gets nothing.
#[test]
fn gas_fees_go_to_the_network_fee_account() {
    use devnode::engine::{
        chain::{ChainConfig, Engine},
        testing::signed_tx,
        tx::{address_of, TxKind},
    };
    let key = k256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
    let sender = address_of(&key);
    let config = ChainConfig::default();
    assert_eq!(config.network_fee_account, alloy_primitives::address!("5E1497dD1f08C87b2d8FE23e9AAB6c1De833D927"));
    let mut engine = Engine::new(config.clone(), &[(sender, U256::from(10u128.pow(18)))]);
    let tx = signed_tx(&key, 0, TxKind::Call(B), U256::from(5), Vec::new(), 21_000);
    let receipt = engine.send_transaction(tx).expect("included");
    assert!(receipt.status);
    let fee = U256::from(receipt.gas_used) * U256::from(config.base_fee);
    assert_eq!(receipt.gas_used, 21_000);
    assert_eq!(engine.account(&config.network_fee_account).balance, fee);
    assert_eq!(engine.account(&config.coinbase).balance, U256::ZERO);
    assert_eq!(engine.account(&sender).balance, U256::from(10u128.pow(18)) - fee - U256::from(5));
}

/// ArbWasm.go `CodehashKeepalive`: OpenArbosState 800 + arguments 3 + `Params()` 100 +
/// `getActiveProgram` 800 + `UpdateModel` 44,000 + `setProgram` 20,000 + `NetworkFeeAccount()`
/// 800 + `ProgramLifetimeExtended` (375 + 2 * 375 + 8 * 32 = 1,381), no result: 67,884 gas.
/// The fee prices `asmSize()`, the estimate rounded up to whole KiB (programs.go).
#[test]
fn keepalive_prices_the_stored_size_in_whole_kib() {
    let wasm = plain_module();
    let info = validate::activate_check(&wasm).expect("valid");
    let mut bench = bench_with(&[(A, &wasm)]);
    let hash = keccak256(bench.evm.state.code(&A));
    let activated = bench.evm.block.timestamp;
    bench.evm.block.timestamp = activated + pricing::days_to_seconds(31) + 3600;
    let now = bench.evm.block.timestamp;
    let mut pricer = bench.evm.data_pricer;
    let size = pricing::asm_size(info.asm_estimate);
    assert_eq!(size % 1024, 0);
    assert!(size >= info.asm_estimate && size - info.asm_estimate < 1024);
    let fee = pricer.update(size, now);

    let input = ArbWasm::codehashKeepaliveCall { codehash: hash }.abi_encode();
    let result = bench.call_with(CALLER, ARB_WASM, U256::from(10u128.pow(18)), input.into(), GAS);
    assert_eq!(result.outcome, Outcome::Success, "{result:?}");
    assert_eq!(used(&result), 67_884);
    assert_eq!(bench.evm.data_pricer, pricer);
    assert_eq!(bench.evm.state.balance(&NETWORK_FEE_ACCOUNT) - DataPricer::default().update(info.asm_estimate, activated), fee);
    let record = bench.evm.state.program(&hash).expect("kept");
    assert_eq!(record.activated_at, pricing::activation_time(now));
}
