//! ArbWasmCache (0x72) and cached entry pricing, against Nitro's rules (OffchainLabs/nitro
//! 6dce8d1: precompiles/ArbWasmCache.go, precompiles/ArbOwnerPublic.go,
//! arbos/programs/programs.go `SetProgramCached` and `CallProgram`, arbos/addressSet).

mod common;

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use common::*;
use devnode::engine::{
    dump,
    exec::{CallResult, Outcome},
    precompiles::{ArbOwnerPublic, ArbWasm, ArbWasmCache, ARB_OWNER_PUBLIC, ARB_WASM, ARB_WASM_CACHE},
    pricing,
    testing::{Bench, CALLER, CHAIN_OWNER},
};

/// A program that does nothing and succeeds: its call gas is its entry price plus one block.
fn plain() -> Vec<u8> {
    program(r#"(func (export "user_entrypoint") (param i32) (result i32) (i32.const 0))"#)
}

fn used(result: &CallResult) -> u64 {
    GAS - result.gas_left
}

fn code_hash(bench: &Bench, at: Address) -> B256 {
    keccak256(bench.evm.state.code(&at))
}

fn cache_call(bench: &mut Bench, from: Address, input: Vec<u8>) -> CallResult {
    let result = bench.call_with(from, ARB_WASM_CACHE, U256::ZERO, input.into(), GAS);
    result
}

fn cache_program(bench: &mut Bench, from: Address, program: Address) -> CallResult {
    cache_call(bench, from, ArbWasmCache::cacheProgramCall { addr: program }.abi_encode())
}

fn evict(bench: &mut Bench, from: Address, hash: B256) -> CallResult {
    cache_call(bench, from, ArbWasmCache::evictCodehashCall { codehash: hash }.abi_encode())
}

fn is_cached(bench: &mut Bench, hash: B256) -> bool {
    let result = cache_call(bench, CALLER, ArbWasmCache::codehashIsCachedCall { codehash: hash }.abi_encode());
    assert_eq!(result.outcome, Outcome::Success);
    ArbWasmCache::codehashIsCachedCall::abi_decode_returns(&result.output, true).unwrap()._0
}

fn init_gas_report(bench: &mut Bench, program: Address) -> (u64, u64) {
    let input = ArbWasm::programInitGasCall { program }.abi_encode();
    let result = bench.call_with(CALLER, ARB_WASM, U256::ZERO, input.into(), GAS);
    let r = ArbWasm::programInitGasCall::abi_decode_returns(&result.output, true).unwrap();
    (r.gas, r.gasWhenCached)
}

/// The headline: caching takes exactly `programInitGas.gas - gasWhenCached` (= the program's
/// `initGas`) off every call, evicting puts it back, and programInitGas reports both prices
/// whatever the flag.
#[test]
fn a_cached_program_pays_the_cached_init_price_and_an_evicted_one_pays_init_again() {
    let mut bench = bench_with(&[(A, &plain())]);
    let hash = code_hash(&bench, A);
    let record = *bench.evm.state.program(&hash).unwrap();
    let (init, cached) = init_gas_report(&mut bench, A);
    assert_eq!(init - cached, pricing::init_gas(&bench.evm.params, record.init_cost));
    bench.commit();

    let uncached = used(&bench.call(A, vec![], GAS));
    bench.commit();

    let result = cache_program(&mut bench, CHAIN_OWNER, A);
    assert_eq!(result.outcome, Outcome::Success, "{:?}", result.output);
    bench.commit();
    assert!(is_cached(&mut bench, hash));
    let when_cached = used(&bench.call(A, vec![], GAS));
    assert_eq!(uncached - when_cached, init - cached);
    assert_eq!(init_gas_report(&mut bench, A), (init, cached), "programInitGas is unchanged");
    bench.commit();

    let result = evict(&mut bench, CHAIN_OWNER, hash);
    assert_eq!(result.outcome, Outcome::Success);
    bench.commit();
    assert!(!is_cached(&mut bench, hash));
    assert_eq!(used(&bench.call(A, vec![], GAS)), uncached);
}

/// `SetProgramCached`'s gas, step by step (storage.go: read 800, non-zero write 20,000;
/// precompile.go: 800 to open the state, 3 a word of arguments):
///
/// | step | cacheProgram | evictCodehash |
/// |---|---:|---:|
/// | OpenArbosState + one word of arguments | 803 | 803 |
/// | `GetCodeHash` | 2,600 | - |
/// | `hasAccess`: cache managers, then chain owners | 1,600 | 1,600 |
/// | `Params()` | 100 | 100 |
/// | `getProgram` | 800 | 800 |
/// | UpdateProgramCache (2 indexed, one word of data) | 1,756 | 1,756 |
/// | the program's init cost | initCost | initCost |
/// | `moduleHashes.Get` | 800 | 800 |
/// | `setProgram` | 20,000 | 20,000 |
#[test]
fn caching_and_evicting_cost_what_nitro_charges_and_log_update_program_cache() {
    let mut bench = bench_with(&[(A, &plain())]);
    let hash = code_hash(&bench, A);
    let init_cost = bench.evm.state.program(&hash).unwrap().init_cost as u64;
    bench.commit();

    let common = 803 + 1_600 + 100 + 800 + 1_756 + init_cost + 800 + 20_000;
    let result = cache_program(&mut bench, CHAIN_OWNER, A);
    assert_eq!(result.outcome, Outcome::Success);
    assert_eq!(used(&result), 2_600 + common);
    let logs = bench.commit();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].address, ARB_WASM_CACHE);
    let event = ArbWasmCache::UpdateProgramCache::decode_raw_log(logs[0].topics.iter().copied(), &logs[0].data, true).unwrap();
    assert_eq!((event.manager, event.codehash, event.cached), (CHAIN_OWNER, hash, true));

    // Caching again changes nothing and logs nothing: it stops after `getProgram`.
    let again = cache_program(&mut bench, CHAIN_OWNER, A);
    assert_eq!(again.outcome, Outcome::Success);
    assert_eq!(used(&again), 803 + 2_600 + 1_600 + 100 + 800);
    assert!(bench.commit().is_empty());

    let result = evict(&mut bench, CHAIN_OWNER, hash);
    assert_eq!(used(&result), common);
    let logs = bench.commit();
    let event = ArbWasmCache::UpdateProgramCache::decode_raw_log(logs[0].topics.iter().copied(), &logs[0].data, true).unwrap();
    assert!(!event.cached);
}

/// `hasAccess`: only cache managers and chain owners; anyone else has all the call's gas
/// burned and a revert without data (`c.BurnOut()`), and nothing changes.
#[test]
fn only_the_chain_owner_may_cache_or_evict() {
    let mut bench = bench_with(&[(A, &plain())]);
    let hash = code_hash(&bench, A);
    bench.commit();
    for result in [cache_program(&mut bench, CALLER, A), evict(&mut bench, CALLER, hash)] {
        assert_eq!(result.outcome, Outcome::Revert);
        assert!(result.output.is_empty());
        assert_eq!(result.gas_left, 0);
    }
    assert!(!is_cached(&mut bench, hash));
}

/// Errors of `SetProgramCached` and the framework: a program never activated is
/// ProgramNeedsUpgrade(0, 2); evicting one that is not cached does nothing; the deprecated
/// `cacheCodehash` (ArbOS 30 only) and writes in a static call revert burning everything.
#[test]
fn refusals_are_nitros() {
    let mut bench = bench_with(&[(A, &plain())]);
    let result = cache_program(&mut bench, CHAIN_OWNER, B);
    assert_eq!(result.outcome, Outcome::Revert);
    assert_eq!(
        result.output.as_ref(),
        ArbWasm::ProgramNeedsUpgrade { version: 0, stylusVersion: 2 }.abi_encode().as_slice()
    );
    let result = evict(&mut bench, CHAIN_OWNER, B256::with_last_byte(9));
    assert_eq!(result.outcome, Outcome::Success);

    let hash = code_hash(&bench, A);
    let result = cache_call(&mut bench, CHAIN_OWNER, ArbWasmCache::cacheCodehashCall { codehash: hash }.abi_encode());
    assert_eq!((result.outcome, result.gas_left), (Outcome::Revert, 0));

    let input = ArbWasmCache::cacheProgramCall { addr: A }.abi_encode();
    let result = bench.evm.call(devnode::engine::exec::Message {
        kind: devnode::engine::exec::CallKind::StaticCall,
        caller: CHAIN_OWNER,
        code_address: ARB_WASM_CACHE,
        acting: ARB_WASM_CACHE,
        value: U256::ZERO,
        transfers_value: false,
        input: input.into(),
        gas: GAS,
        is_static: true,
    });
    assert_eq!((result.outcome, result.gas_left), (Outcome::Revert, 0));
    assert!(!is_cached(&mut bench, hash));
}

/// The flag is part of the journaled program record: a frame that caches and then fails
/// leaves the program uncached.
#[test]
fn a_reverted_frame_undoes_the_cache_flag() {
    let mut bench = bench_with(&[(A, &plain())]);
    let hash = code_hash(&bench, A);
    bench.commit();
    let checkpoint = bench.evm.state.checkpoint();
    assert!(cache_program(&mut bench, CHAIN_OWNER, A).is_success());
    assert!(bench.evm.state.program(&hash).unwrap().cached);
    bench.evm.state.revert_to(checkpoint);
    assert!(!bench.evm.state.program(&hash).unwrap().cached);
    assert!(bench.commit().is_empty(), "its event went with it");
}

/// The views: one cache manager, Arbitrum's CacheManager from genesis (devnode/tests/genesis.rs
/// bids through it); the chain owner, and only it, is a chain owner (`IsMember`: one read;
/// `AllMembers`: one read for the size and one per member).
#[test]
fn views_report_the_owner_and_the_genesis_cache_manager() {
    let mut bench = Bench::new();
    let call = |bench: &mut Bench, to, input: Vec<u8>| bench.call_with(CALLER, to, U256::ZERO, input.into(), GAS);

    let r = call(&mut bench, ARB_WASM_CACHE, ArbWasmCache::allCacheManagersCall {}.abi_encode());
    let managers = ArbWasmCache::allCacheManagersCall::abi_decode_returns(&r.output, true).unwrap().managers;
    assert_eq!(managers, vec![devnode::engine::genesis::cache_manager()]);
    // 800 open + 800 size read + 800 member read + 3 words of result (offset, length, member) at 3
    assert_eq!(used(&r), 800 + 800 + 800 + 9);
    let r = call(&mut bench, ARB_WASM_CACHE, ArbWasmCache::isCacheManagerCall { manager: CHAIN_OWNER }.abi_encode());
    assert!(!ArbWasmCache::isCacheManagerCall::abi_decode_returns(&r.output, true).unwrap()._0);
    assert_eq!(used(&r), 800 + 3 + 800 + 3);

    let r = call(&mut bench, ARB_OWNER_PUBLIC, ArbOwnerPublic::getAllChainOwnersCall {}.abi_encode());
    let owners = ArbOwnerPublic::getAllChainOwnersCall::abi_decode_returns(&r.output, true).unwrap()._0;
    assert_eq!(owners, vec![CHAIN_OWNER]);
    assert_eq!(used(&r), 800 + 800 + 800 + 9);
    for (who, owner) in [(CHAIN_OWNER, true), (CALLER, false)] {
        let r = call(&mut bench, ARB_OWNER_PUBLIC, ArbOwnerPublic::isChainOwnerCall { addr: who }.abi_encode());
        assert_eq!(ArbOwnerPublic::isChainOwnerCall::abi_decode_returns(&r.output, true).unwrap()._0, owner);
    }
}

/// The dev chain's owner is the funded dev account, as nitro-devnode's
/// `--init.dev-init-address` makes it.
#[test]
fn the_dev_key_owns_the_dev_chain() {
    let config = devnode::engine::chain::ChainConfig::default();
    assert_eq!(config.chain_owner, devnode::dev::DEV_ADDRESS);
}

/// The flag survives `--dump-state` / `--load-state` (written only when set).
#[test]
fn the_cache_flag_survives_a_state_dump() {
    let mut bench = bench_with(&[(A, &plain())]);
    let hash = code_hash(&bench, A);
    assert!(cache_program(&mut bench, CHAIN_OWNER, A).is_success());
    bench.commit();
    let state = bench.evm.state.snapshot();
    let dumped = dump::StateDump {
        chain_id: 1,
        block_number: 1,
        block_hash: B256::ZERO,
        timestamp: 1,
        state,
        data_pricer: bench.evm.data_pricer,
    };
    let json = dump::to_json(&dumped);
    assert!(json.contains("\"cached\": true"));
    let loaded = dump::from_json(&json).unwrap();
    assert!(loaded.state.programs[&hash].cached);
    assert_eq!(loaded, dumped);
}

/// Like every ArbOS precompile, 0x6b and 0x72 have code (`INVALID`, so EXTCODESIZE sees a
/// contract) and are warm from a transaction's start.
#[test]
fn the_precompiles_have_code_and_are_warm() {
    use devnode::engine::{chain::{ChainConfig, Engine}, precompiles};
    let engine = Engine::new(ChainConfig::default(), &[]);
    for at in [ARB_WASM_CACHE, ARB_OWNER_PUBLIC] {
        assert_eq!(engine.state().code(&at).as_ref(), &precompiles::NATIVE_CODE_MARKER);
        assert!(precompiles::PRECOMPILES.contains(&at));
    }
}
