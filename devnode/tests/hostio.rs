//! Every `vm_hooks` host function exercised by a small hand-written program, its result checked
//! against Nitro's semantics (`crates/wasm-libraries/user-host-trait/lib.rs`,
//! `arbos/programs/api.go`).

mod common;

use alloy_primitives::{address, keccak256, Address, Bytes, B256, U256};
use common::*;
use devnode::engine::{
    code,
    exec::{Failure, Outcome},
    testing::{Bench, CALLER},
};

// ----- read_args, write_result, exit_early -----

/// read_args copies the calldata, write_result sets the output.
#[test]
fn read_args_and_write_result_echo_the_calldata() {
    let mut bench = bench_with(&[(A, &program(ECHO))]);
    for input in [vec![], vec![1u8], (0..=255u8).collect::<Vec<_>>()] {
        let result = bench.call(A, input.clone(), GAS);
        assert_eq!(result.outcome, Outcome::Success);
        assert_eq!(result.output.as_ref(), &input[..]);
    }
}

/// exit_early(0) succeeds and exit_early(n != 0) reverts, both with the output last written;
/// nothing after the exit runs. A non-zero return from user_entrypoint also reverts.
#[test]
fn exit_early_status_picks_success_or_revert() {
    let wasm = program(
        r#"(func (export "user_entrypoint") (param $len i32) (result i32)
            (call $read_args (i32.const 0))
            (call $write_result (i32.const 1) (i32.sub (local.get $len) (i32.const 1)))
            (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 0xff)) (then (return (i32.const 7))))
            (call $exit_early (i32.load8_u (i32.const 0)))
            unreachable)"#,
    );
    let mut bench = bench_with(&[(A, &wasm)]);
    let ok = bench.call(A, vec![0, 9, 8, 7], GAS);
    assert_eq!(ok.outcome, Outcome::Success);
    assert_eq!(ok.output.as_ref(), &[9, 8, 7]);
    assert!(ok.gas_left > 0);

    let reverted = bench.call(A, vec![3, 1, 2], GAS);
    assert_eq!(reverted.outcome, Outcome::Revert);
    assert_eq!(reverted.output.as_ref(), &[1, 2]);
    assert!(reverted.gas_left > 0, "a revert keeps its gas");

    let returned = bench.call(A, vec![0xff, 5], GAS);
    assert_eq!(returned.outcome, Outcome::Revert);
    assert_eq!(returned.output.as_ref(), &[5]);
}

/// A trap is a failure with empty output that keeps the unused gas (Nitro: userFailure maps to
/// ErrExecutionReverted with no data).
#[test]
fn a_trap_fails_with_empty_output() {
    let mut bench = bench_with(&[(A, &program(RECORDER))]);
    let result = bench.call(A, recorder_input(TRAP, word(1)), GAS);
    assert!(matches!(result.outcome, Outcome::Failure(Failure::Trap(_))), "{result:?}");
    assert!(result.output.is_empty());
    assert!(result.gas_left > 0);
    assert_eq!(bench.storage(A, B256::ZERO), B256::ZERO, "its writes are undone");
}

// ----- storage -----

/// `[op][key][value]`: op != 0 caches key=value; op 2 / 3 then flush without / with clearing
/// the cache; every op finally loads key and returns it.
const STORAGE: &str = r#"
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $op i32)
    (call $read_args (i32.const 0))
    (local.set $op (i32.load8_u (i32.const 0)))
    (if (local.get $op) (then
      (call $storage_cache_bytes32 (i32.const 1) (i32.const 33))))
    (if (i32.ge_u (local.get $op) (i32.const 2)) (then
      (call $storage_flush_cache (i32.sub (local.get $op) (i32.const 2)))))
    (call $storage_load_bytes32 (i32.const 1) (i32.const 0x100))
    (call $write_result (i32.const 0x100) (i32.const 32))
    (i32.const 0))
"#;

fn storage_input(op: u8, key: B256, value: B256) -> Vec<u8> {
    let mut input = vec![op];
    input.extend_from_slice(key.as_slice());
    input.extend_from_slice(value.as_slice());
    input
}

/// The storage cache: a cached write is visible to loads in the same call but is lost unless
/// flushed; flushed values are read back by later calls (and other transactions).
#[test]
fn storage_cache_is_lost_unless_flushed() {
    let mut bench = bench_with(&[(A, &program(STORAGE))]);
    let (key, value) = (word(5), word(0xabcdef));

    let cached = bench.call(A, storage_input(1, key, value), GAS);
    assert!(cached.is_success());
    assert_eq!(cached.output.as_ref(), value.as_slice(), "a load sees the cached value");
    assert_eq!(bench.storage(A, key), B256::ZERO, "never flushed: lost");
    let read = bench.call(A, storage_input(0, key, B256::ZERO), GAS);
    assert_eq!(read.output.as_ref(), B256::ZERO.as_slice());

    let flushed = bench.call(A, storage_input(2, key, value), GAS);
    assert_eq!(flushed.output.as_ref(), value.as_slice());
    assert_eq!(bench.storage(A, key), value);
    bench.commit();
    let read = bench.call(A, storage_input(0, key, B256::ZERO), GAS);
    assert_eq!(read.output.as_ref(), value.as_slice(), "read back in a later transaction");

    let other = word(0x77);
    let cleared = bench.call(A, storage_input(3, key, other), GAS);
    assert_eq!(cleared.output.as_ref(), other.as_slice(), "after a clearing flush the load reads the trie");
    assert_eq!(bench.storage(A, key), other);
}

/// After `storage_flush_cache(1)` the cache is empty, so the next load is a miss and pays the
/// EVM's warm SLOAD (100) plus the EVM API's 5 gas; after `flush(0)` it is a free cache hit.
#[test]
fn flush_with_clear_makes_the_next_load_a_cache_miss() {
    let (key, value) = (word(9), word(1));
    let used = |op| {
        let mut bench = bench_with(&[(A, &program(STORAGE))]);
        bench.call(A, storage_input(0, word(1234), B256::ZERO), GAS); // warm the recent-wasms cache
        let result = bench.call(A, storage_input(op, key, value), GAS);
        assert!(result.is_success());
        GAS - result.gas_left
    };
    assert_eq!(used(3) - used(2), 100 + 5);
}

// ----- transient storage -----

/// `[op][key][value]`: op 1 stores key=value in transient storage; every op loads key.
const TRANSIENT_PROGRAM: &str = r#"
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (if (i32.load8_u (i32.const 0)) (then
      (call $transient_store_bytes32 (i32.const 1) (i32.const 33))))
    (call $transient_load_bytes32 (i32.const 1) (i32.const 0x100))
    (call $write_result (i32.const 0x100) (i32.const 32))
    (i32.const 0))
"#;

/// TSTORE/TLOAD: values live across calls of one transaction and are gone after it.
#[test]
fn transient_storage_lasts_one_transaction() {
    let mut bench = bench_with(&[(A, &program(TRANSIENT_PROGRAM))]);
    let (key, value) = (word(3), word(42));
    let stored = bench.call(A, storage_input(1, key, value), GAS);
    assert_eq!(stored.output.as_ref(), value.as_slice());
    let again = bench.call(A, storage_input(0, key, B256::ZERO), GAS);
    assert_eq!(again.output.as_ref(), value.as_slice(), "same transaction");
    assert_eq!(bench.storage(A, key), B256::ZERO, "not persistent storage");
    bench.commit();
    let after = bench.call(A, storage_input(0, key, B256::ZERO), GAS);
    assert_eq!(after.output.as_ref(), B256::ZERO.as_slice(), "cleared by the end of the tx");
}

// ----- calls -----

/// CALL with value moves the balance; status 0 and the callee's output as return data.
#[test]
fn call_contract_with_value_moves_balance() {
    let mut bench = bench_with(&[(A, &program(PROXY)), (B, &program(RECORDER))]);
    let input = proxy_input(CALL, B, U256::from(40), &recorder_input(0, word(7)));
    let result = bench.call_with(CALLER, A, U256::from(100), input.into(), GAS);
    assert!(result.is_success(), "{result:?}");
    let (status, data) = proxy_output(&result.output);
    assert_eq!(status, 0);
    let (sender, value, this) = recorder_output(&data);
    assert_eq!((sender, value, this), (A, U256::from(40), B));
    assert_eq!(bench.evm.state.balance(&A), U256::from(60));
    assert_eq!(bench.evm.state.balance(&B), U256::from(40));
    assert_eq!(bench.storage(B, B256::ZERO), word(7));
}

/// A reverting callee gives status 2 and its revert data as return data; a failing one gives
/// status 2 and no data. The value it was sent goes back.
#[test]
fn call_contract_reports_revert_and_failure_as_status_2() {
    let mut bench = bench_with(&[(A, &program(PROXY)), (B, &program(RECORDER))]);
    let input = proxy_input(CALL, B, U256::from(40), &recorder_input(REVERT, word(7)));
    let result = bench.call_with(CALLER, A, U256::from(100), input.into(), GAS);
    let (status, data) = proxy_output(&result.output);
    assert_eq!(status, 2);
    assert_eq!(recorder_output(&data), (A, U256::from(40), B), "revert data is returned");
    assert_eq!(bench.evm.state.balance(&A), U256::from(100));
    assert_eq!(bench.evm.state.balance(&B), U256::ZERO);

    let input = proxy_input(CALL, B, U256::ZERO, &recorder_input(TRAP, word(7)));
    let (status, data) = proxy_output(&bench.call(A, input, GAS).output);
    assert_eq!((status, data.len()), (2, 0), "a failure returns no data");

    // More value than the proxy has: the call fails before running.
    let input = proxy_input(CALL, B, U256::from(1000), &recorder_input(0, word(7)));
    let (status, data) = proxy_output(&bench.call(A, input, GAS).output);
    assert_eq!((status, data.len()), (2, 0));
    assert_eq!(bench.storage(B, B256::ZERO), B256::ZERO);
}

/// Calls an address given in the calldata with the rest as data, then reports the return data
/// through read_return_data with several offsets and sizes.
const RETURN_DATA: &str = r#"
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (drop (call $call_contract (i32.const 0) (i32.const 20) (i32.sub (local.get $len) (i32.const 20))
      (i32.const 0x900) (i64.const -1) (i32.const 0x1000)))
    ;; out: [ret_len][size()][n1][n2][n3] as u32 LE, then bytes (3, 4) and (8, 100)
    (i32.store (i32.const 0x2000) (i32.load (i32.const 0x1000)))
    (i32.store (i32.const 0x2004) (call $return_data_size))
    (i32.store (i32.const 0x2008) (call $read_return_data (i32.const 0x2100) (i32.const 3) (i32.const 4)))
    (i32.store (i32.const 0x200c) (call $read_return_data (i32.const 0x2200) (i32.const 8) (i32.const 100)))
    (i32.store (i32.const 0x2010) (call $read_return_data (i32.const 0x2300) (i32.const 50) (i32.const 10)))
    (memory.copy (i32.const 0x2014) (i32.const 0x2100) (i32.load (i32.const 0x2008)))
    (memory.copy (i32.add (i32.const 0x2014) (i32.load (i32.const 0x2008))) (i32.const 0x2200) (i32.load (i32.const 0x200c)))
    (call $write_result (i32.const 0x2000)
      (i32.add (i32.const 0x14) (i32.add (i32.load (i32.const 0x2008)) (i32.load (i32.const 0x200c)))))
    (i32.const 0))
"#;

/// read_return_data copies only the overlap of [offset, offset+size) with the return data and
/// returns how much it wrote; return_data_size and ret_len agree.
#[test]
fn read_return_data_clips_offsets_and_sizes() {
    let mut bench = bench_with(&[(A, &program(RETURN_DATA)), (B, &program(ECHO))]);
    let data: Vec<u8> = (100..112).collect(); // 12 bytes
    let mut input = B.to_vec();
    input.extend_from_slice(&data);
    let result = bench.call(A, input, GAS);
    assert!(result.is_success(), "{result:?}");
    let out = result.output;
    let u32_at = |i: usize| u32::from_le_bytes(out[i..i + 4].try_into().unwrap());
    assert_eq!(u32_at(0), 12, "ret_len");
    assert_eq!(u32_at(4), 12, "return_data_size");
    assert_eq!(u32_at(8), 4, "offset 3 size 4");
    assert_eq!(u32_at(12), 4, "offset 8 size 100: runs off the end");
    assert_eq!(u32_at(16), 0, "offset past the end");
    assert_eq!(&out[20..24], &data[3..7]);
    assert_eq!(&out[24..28], &data[8..12]);
}

/// DELEGATECALL runs the callee's code on the caller's storage, with the caller's msg_sender
/// and msg_value and contract_address; no value moves.
#[test]
fn delegate_call_runs_in_the_callers_context() {
    let mut bench = bench_with(&[(A, &program(PROXY)), (B, &program(RECORDER))]);
    let sender = address!("5e00000000000000000000000000000000000005");
    bench.evm.state.set_balance(sender, U256::from(1000));
    let input = proxy_input(DELEGATE, B, U256::ZERO, &recorder_input(0, word(99)));
    let result = bench.call_with(sender, A, U256::from(33), input.into(), GAS);
    let (status, data) = proxy_output(&result.output);
    assert_eq!(status, 0);
    assert_eq!(recorder_output(&data), (sender, U256::from(33), A));
    assert_eq!(bench.storage(A, B256::ZERO), word(99), "written in the caller's storage");
    assert_eq!(bench.storage(B, B256::ZERO), B256::ZERO);
    assert_eq!(bench.evm.state.balance(&A), U256::from(33));
    assert_eq!(bench.evm.state.balance(&B), U256::ZERO);
    let logs = bench.commit();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].address, A, "the log is the caller's");
}

/// STATICCALL: a storage flush, a log, a transient store or a value-carrying call in the
/// callee fails (status 2, effects gone); a callee with no writes succeeds.
#[test]
fn static_call_forbids_every_write() {
    let mut bench = bench_with(&[(A, &program(PROXY)), (B, &program(RECORDER)), (C, &program(PROXY))]);
    let pure = recorder_input(NO_STORAGE | NO_LOG, word(5));
    let (status, data) = proxy_output(&bench.call(A, proxy_input(STATIC, B, U256::ZERO, &pure), GAS).output);
    assert_eq!(status, 0);
    assert_eq!(recorder_output(&data), (A, U256::ZERO, B));

    for (what, flags) in [
        ("storage flush", NO_LOG),
        ("emit_log", NO_STORAGE),
        ("transient store", NO_STORAGE | NO_LOG | TRANSIENT),
    ] {
        let input = proxy_input(STATIC, B, U256::ZERO, &recorder_input(flags, word(5)));
        let result = bench.call(A, input, GAS);
        assert!(result.is_success());
        let (status, data) = proxy_output(&result.output);
        assert_eq!((status, data.len()), (2, 0), "{what} in a static call");
    }
    assert_eq!(bench.storage(B, B256::ZERO), B256::ZERO);
    assert!(bench.commit().is_empty());

    // A (static) -> C, which calls B with value 1: C's call gets status 2 (write protection,
    // nothing runs) and C itself carries on.
    bench.evm.state.set_balance(C, U256::from(10));
    let inner = proxy_input(CALL, B, U256::from(1), &recorder_input(NO_STORAGE | NO_LOG, word(5)));
    let result = bench.call(A, proxy_input(STATIC, C, U256::ZERO, &inner), GAS);
    let (status, data) = proxy_output(&result.output);
    assert_eq!(status, 0, "C succeeds");
    let (inner_status, inner_data) = proxy_output(&data);
    assert_eq!((inner_status, inner_data.len()), (2, 0), "the value call is refused");
    assert_eq!(bench.evm.state.balance(&C), U256::from(10));
    // ... while the same call without value is allowed.
    let inner = proxy_input(CALL, B, U256::ZERO, &recorder_input(NO_STORAGE | NO_LOG, word(5)));
    let (_, data) = proxy_output(&bench.call(A, proxy_input(STATIC, C, U256::ZERO, &inner), GAS).output);
    assert_eq!(proxy_output(&data).0, 0);
}

/// msg_reentrant is 0 for a plain call, 0 for A -> B, and 1 when A -> B -> A.
#[test]
fn msg_reentrant_detects_a_second_frame_of_the_same_contract() {
    let mut bench = bench_with(&[(A, &program(PROXY)), (B, &program(PROXY))]);
    assert_eq!(bench.call(A, Vec::new(), GAS).output.as_ref(), &[0]);

    let (status, data) = proxy_output(&bench.call(A, proxy_input(CALL, B, U256::ZERO, &[]), GAS).output);
    assert_eq!((status, data), (0, vec![0]), "B is entered once");

    let b_calls_a = proxy_input(CALL, A, U256::ZERO, &[]);
    let result = bench.call(A, proxy_input(CALL, B, U256::ZERO, &b_calls_a), GAS);
    let (status, data) = proxy_output(&result.output);
    assert_eq!(status, 0);
    let (status, data) = proxy_output(&data);
    assert_eq!((status, data), (0, vec![1]), "A is entered a second time");

    // A delegate call does not open a frame of its own: A -> (delegate) B -> A is reentrant
    // for A all the same, and B itself is never counted.
    let result = bench.call(A, proxy_input(DELEGATE, B, U256::ZERO, &b_calls_a), GAS);
    let (_, data) = proxy_output(&result.output);
    assert_eq!(proxy_output(&data), (0, vec![1]));
}

// ----- create -----

/// `[kind][endowment:32][salt:32][init code..]`: kind 1 = create1, 2 = create2. Output:
/// address (20) ++ revert_len (u32 LE).
const CREATOR: &str = r#"
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 1))
      (then (call $create1 (i32.const 65) (i32.sub (local.get $len) (i32.const 65)) (i32.const 1)
        (i32.const 0x8000) (i32.const 0x8014)))
      (else (call $create2 (i32.const 65) (i32.sub (local.get $len) (i32.const 65)) (i32.const 1)
        (i32.const 33) (i32.const 0x8000) (i32.const 0x8014))))
    (call $write_result (i32.const 0x8000) (i32.const 24))
    (i32.const 0))
"#;

fn creator_input(kind: u8, endowment: U256, salt: B256, init: &[u8]) -> Vec<u8> {
    let mut input = vec![kind];
    input.extend_from_slice(&endowment.to_be_bytes::<32>());
    input.extend_from_slice(salt.as_slice());
    input.extend_from_slice(init);
    input
}

/// create1/create2 of Stylus deployment init code: the address follows CREATE / CREATE2, the
/// endowment moves, the code is the stored program, and the new program is not activated (a
/// call fails with ProgramNotActivated).
#[test]
fn create1_and_create2_deploy_stylus_code_unactivated() {
    let mut bench = bench_with(&[(A, &program(CREATOR))]);
    bench.evm.state.set_balance(A, U256::from(1000));
    let stored = code::stored_code(&program(ECHO));
    let init = code::init_code(&stored);

    let nonce = bench.evm.state.nonce(&A);
    let result = bench.call(A, creator_input(1, U256::from(10), B256::ZERO, &init), GAS);
    assert!(result.is_success(), "{result:?}");
    let created = Address::from_slice(&result.output[..20]);
    assert_eq!(created, A.create(nonce));
    assert_eq!(&result.output[20..24], &[0, 0, 0, 0], "no revert data");
    assert_eq!(bench.evm.state.nonce(&A), nonce + 1);
    assert_eq!(bench.evm.state.code(&created).as_ref(), &stored[..]);
    assert_eq!(bench.evm.state.balance(&created), U256::from(10));
    assert_eq!(bench.evm.state.nonce(&created), 1);

    let salt = word(0x5a17);
    let result = bench.call(A, creator_input(2, U256::from(20), salt, &init), GAS);
    assert!(result.is_success(), "{result:?}");
    let created2 = Address::from_slice(&result.output[..20]);
    assert_eq!(created2, A.create2(salt, keccak256(&init)));
    assert_eq!(bench.evm.state.code(&created2).as_ref(), &stored[..]);
    assert_eq!(bench.evm.state.balance(&created2), U256::from(20));
    assert_eq!(bench.evm.state.balance(&A), U256::from(970));

    // The same salt and code again collide: the address comes back zero.
    let result = bench.call(A, creator_input(2, U256::ZERO, salt, &init), GAS);
    assert!(result.is_success());
    assert_eq!(&result.output[..20], Address::ZERO.as_slice());

    bench.commit();
    let call = bench.call(created, vec![1, 2, 3], GAS);
    assert_eq!(call.outcome, Outcome::Failure(Failure::ProgramNotActivated));
    // Once activated it runs.
    assert!(bench.activate(created).is_success());
    bench.commit();
    assert_eq!(bench.call(created2, vec![1, 2, 3], GAS).output.as_ref(), &[1, 2, 3], "same code hash");
}

// ----- logs -----

/// `[topics:1][data..]`: emit_log(data, len, topics).
const LOGGER: &str = r#"
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (call $emit_log (i32.const 1) (i32.sub (local.get $len) (i32.const 1)) (i32.load8_u (i32.const 0)))
    (i32.const 0))
"#;

/// emit_log with 0-4 topics: the first 32*topics bytes are the topics, the rest the data.
/// More than 4 topics, or fewer than 32*topics bytes, fails the program.
#[test]
fn emit_log_splits_topics_from_data() {
    let mut bench = bench_with(&[(A, &program(LOGGER))]);
    for topics in 0..=4u8 {
        let mut input = vec![topics];
        for t in 0..topics {
            input.extend_from_slice(word(t as u64 + 100).as_slice());
        }
        input.extend_from_slice(b"payload");
        assert!(bench.call(A, input, GAS).is_success());
        let logs = bench.commit();
        assert_eq!(logs.len(), 1);
        assert_eq!(logs[0].address, A);
        let expected: Vec<B256> = (0..topics).map(|t| word(t as u64 + 100)).collect();
        assert_eq!(logs[0].topics, expected);
        assert_eq!(logs[0].data, Bytes::from_static(b"payload"));
    }

    let mut five = vec![5u8];
    five.extend_from_slice(&[0u8; 32 * 5]);
    let result = bench.call(A, five, GAS);
    assert!(matches!(result.outcome, Outcome::Failure(Failure::Trap(_))), "{result:?}");
    let mut short = vec![2u8];
    short.extend_from_slice(&[0u8; 63]);
    let result = bench.call(A, short, GAS);
    assert!(matches!(result.outcome, Outcome::Failure(Failure::Trap(_))), "{result:?}");
    assert!(bench.commit().is_empty());
}

// ----- accounts -----

/// `[address:20][offset:u32 LE][size:u32 LE]` -> balance (32) ++ codehash (32) ++
/// code_size (u32 LE) ++ written (u32 LE) ++ account_code(address, offset, size).
const ACCOUNT: &str = r#"
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (call $account_balance (i32.const 0) (i32.const 0x100))
    (call $account_codehash (i32.const 0) (i32.const 0x120))
    (i32.store (i32.const 0x140) (call $account_code_size (i32.const 0)))
    (i32.store (i32.const 0x144)
      (call $account_code (i32.const 0) (i32.load (i32.const 20)) (i32.load (i32.const 24)) (i32.const 0x148)))
    (call $write_result (i32.const 0x100) (i32.add (i32.const 0x48) (i32.load (i32.const 0x144))))
    (i32.const 0))
"#;

fn account_input(address: Address, offset: u32, size: u32) -> Vec<u8> {
    let mut input = address.to_vec();
    input.extend_from_slice(&offset.to_le_bytes());
    input.extend_from_slice(&size.to_le_bytes());
    input
}

/// account_balance / account_codehash / account_code_size / account_code (clipped like
/// read_return_data) for a program, an EOA and an account that does not exist.
#[test]
fn account_hostios_report_balance_and_code() {
    let mut bench = bench_with(&[(A, &program(ACCOUNT)), (B, &program(ECHO))]);
    bench.evm.state.set_balance(B, U256::from(123_456));
    let code = bench.evm.state.code(&B);
    let n = code.len() as u32;

    let out = bench.call(A, account_input(B, 2, 5), GAS).output;
    assert_eq!(u256(&out[..32]), U256::from(123_456));
    assert_eq!(&out[32..64], keccak256(&code).as_slice());
    assert_eq!(u32::from_le_bytes(out[64..68].try_into().unwrap()), n);
    assert_eq!(u32::from_le_bytes(out[68..72].try_into().unwrap()), 5);
    assert_eq!(&out[72..], &code[2..7]);

    let out = bench.call(A, account_input(B, n - 3, 10), GAS).output;
    assert_eq!(&out[72..], &code[code.len() - 3..], "size past the end: the overlap only");
    let out = bench.call(A, account_input(B, n + 5, 10), GAS).output;
    assert_eq!(out.len(), 72, "offset past the end: nothing");

    let out = bench.call(A, account_input(CALLER, 0, 10), GAS).output;
    assert_eq!(u256(&out[..32]), bench.evm.state.balance(&CALLER));
    assert_eq!(&out[32..64], keccak256([]).as_slice(), "an EOA has the empty code hash");
    assert_eq!(&out[64..72], &[0u8; 8]);

    let nobody = address!("00000000000000000000000000000000000b0d1e");
    let out = bench.call(A, account_input(nobody, 0, 10), GAS).output;
    assert_eq!(&out[..64], &[0u8; 64], "no account: zero balance and zero code hash");
}

/// Nitro remembers the last (non-empty) code account_code fetched: asking for the same address
/// again in the same call costs no gas; a different address pays the touch again.
#[test]
fn account_code_twice_for_the_same_address_is_free_the_second_time() {
    let twice = |second: Address| {
        let wasm = program(
            r#"(func (export "user_entrypoint") (param $len i32) (result i32)
                (call $read_args (i32.const 0))
                (drop (call $account_code_size (i32.const 0)))
                (drop (call $account_code_size (i32.const 20)))
                (i32.const 0))"#,
        );
        let mut bench = bench_with(&[(A, &wasm), (B, &program(ECHO)), (C, &program(ECHO))]);
        let mut input = B.to_vec();
        input.extend_from_slice(second.as_slice());
        bench.call(A, input.clone(), GAS); // warm the recent-wasms cache
        bench.commit();
        let result = bench.call(A, input, GAS);
        assert!(result.is_success());
        GAS - result.gas_left
    };
    // The second lookup of C: cold account (2600) + code (700); of B again: nothing.
    assert_eq!(twice(C) - twice(B), 2600 + 700);
}

// ----- block, transaction and message getters -----

const GETTERS: &str = r#"
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $block_basefee (i32.const 0x00))
    (call $block_coinbase (i32.const 0x20))
    (i64.store (i32.const 0x34) (call $block_gas_limit))
    (i64.store (i32.const 0x3c) (call $block_number))
    (i64.store (i32.const 0x44) (call $block_timestamp))
    (i64.store (i32.const 0x4c) (call $chainid))
    (call $contract_address (i32.const 0x54))
    (call $msg_sender (i32.const 0x68))
    (call $msg_value (i32.const 0x7c))
    (call $tx_gas_price (i32.const 0x9c))
    (i32.store (i32.const 0xbc) (call $tx_ink_price))
    (call $tx_origin (i32.const 0xc0))
    (i32.store (i32.const 0xd4) (call $msg_reentrant))
    (i64.store (i32.const 0xd8) (call $evm_gas_left))
    (i64.store (i32.const 0xe0) (call $evm_ink_left))
    (call $write_result (i32.const 0) (i32.const 0xe8))
    (i32.const 0))
"#;

/// Each getter reports its piece of the block / tx / message; block_number is the L1 block
/// number (Arbitrum), tx_ink_price is 10000, and the gas and ink left are consistent.
#[test]
fn getters_report_the_environment() {
    let mut bench = bench_with(&[(A, &program(GETTERS))]);
    let coinbase = address!("c0ffee000000000000000000000000000000c0de");
    let origin = address!("0000000000000000000000000000000000a11ce0");
    let sender = address!("00000000000000000000000000000000005e4de2");
    bench.evm.block.coinbase = coinbase;
    bench.evm.block.basefee = U256::from(123_456_789u64);
    bench.evm.block.gas_limit = 32_000_000;
    bench.evm.block.number = 5_000;
    bench.evm.block.l1_number = 19_000_000;
    bench.evm.block.timestamp = 1_712_345_678;
    bench.evm.block.chain_id = 421_614;
    bench.evm.tx.origin = origin;
    bench.evm.tx.gas_price = U256::from(987_654_321u64);
    bench.evm.state.set_balance(sender, U256::from(10_000));

    let result = bench.call_with(sender, A, U256::from(4321), Bytes::new(), GAS);
    assert!(result.is_success(), "{result:?}");
    let out = result.output;
    let u64_at = |i: usize| u64::from_le_bytes(out[i..i + 8].try_into().unwrap());
    let u32_at = |i: usize| u32::from_le_bytes(out[i..i + 4].try_into().unwrap());
    assert_eq!(u256(&out[0x00..0x20]), U256::from(123_456_789u64), "basefee");
    assert_eq!(&out[0x20..0x34], coinbase.as_slice(), "coinbase");
    assert_eq!(u64_at(0x34), 32_000_000, "gas limit");
    assert_eq!(u64_at(0x3c), 19_000_000, "block_number is the L1 block number");
    assert_eq!(u64_at(0x44), 1_712_345_678, "timestamp");
    assert_eq!(u64_at(0x4c), 421_614, "chain id");
    assert_eq!(&out[0x54..0x68], A.as_slice(), "contract address");
    assert_eq!(&out[0x68..0x7c], sender.as_slice(), "msg sender");
    assert_eq!(u256(&out[0x7c..0x9c]), U256::from(4321), "msg value");
    assert_eq!(u256(&out[0x9c..0xbc]), U256::from(987_654_321u64), "gas price");
    assert_eq!(u32_at(0xbc), 10_000, "ink price");
    assert_eq!(&out[0xc0..0xd4], origin.as_slice(), "origin");
    assert_eq!(u32_at(0xd4), 0, "not reentrant");
    let (gas, ink) = (u64_at(0xd8), u64_at(0xe0));
    assert!(gas < GAS && gas > GAS / 2, "gas left {gas}");
    assert!(ink < (gas + 1) * 10_000, "ink read later is below the earlier gas");
    // Between the two reads: a block (i64.store, 2 consts, call) and evm_ink_left's 8400 ink.
    assert!(ink > (gas - 2) * 10_000);
    assert!(result.gas_left < gas);
}

// ----- keccak and math -----

/// native_keccak256 agrees with keccak256 for several lengths.
#[test]
fn native_keccak256_matches() {
    let wasm = program(
        r#"(func (export "user_entrypoint") (param $len i32) (result i32)
            (call $read_args (i32.const 0x100))
            (call $native_keccak256 (i32.const 0x100) (local.get $len) (i32.const 0))
            (call $write_result (i32.const 0) (i32.const 32))
            (i32.const 0))"#,
    );
    let mut bench = bench_with(&[(A, &wasm)]);
    for len in [0usize, 1, 32, 33, 64, 65, 1000] {
        let input: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
        let result = bench.call(A, input.clone(), GAS);
        assert_eq!(result.output.as_ref(), keccak256(&input).as_slice(), "len {len}");
    }
}

/// `[a][b][m]` -> div(a,b) ++ mod(a,b) ++ pow(a,b) ++ add_mod(a,b,m) ++ mul_mod(a,b,m).
const MATH: &str = r#"
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (memory.copy (i32.const 0x100) (i32.const 0) (i32.const 32))
    (memory.copy (i32.const 0x120) (i32.const 0) (i32.const 32))
    (memory.copy (i32.const 0x140) (i32.const 0) (i32.const 32))
    (memory.copy (i32.const 0x160) (i32.const 0) (i32.const 32))
    (memory.copy (i32.const 0x180) (i32.const 0) (i32.const 32))
    (call $math_div (i32.const 0x100) (i32.const 32))
    (call $math_mod (i32.const 0x120) (i32.const 32))
    (call $math_pow (i32.const 0x140) (i32.const 32))
    (call $math_add_mod (i32.const 0x160) (i32.const 32) (i32.const 64))
    (call $math_mul_mod (i32.const 0x180) (i32.const 32) (i32.const 64))
    (call $write_result (i32.const 0x100) (i32.const 160))
    (i32.const 0))
"#;

/// The math hostios are the EVM's DIV, MOD, EXP, ADDMOD, MULMOD: 256-bit, wrapping pow, and
/// a zero divisor or modulus gives 0.
#[test]
fn math_hostios_follow_the_evm() {
    let mut bench = bench_with(&[(A, &program(MATH))]);
    let mut run = |a: U256, b: U256, m: U256| {
        let mut input = a.to_be_bytes::<32>().to_vec();
        input.extend_from_slice(&b.to_be_bytes::<32>());
        input.extend_from_slice(&m.to_be_bytes::<32>());
        let out = bench.call(A, input, GAS).output;
        assert_eq!(out.len(), 160);
        (0..5).map(|i| u256(&out[i * 32..i * 32 + 32])).collect::<Vec<_>>()
    };
    let u = U256::from;
    assert_eq!(run(u(100), u(7), u(9)), vec![u(14), u(2), u(100).pow(u(7)), u(107 % 9), u(700 % 9)]);
    assert_eq!(run(u(100), U256::ZERO, U256::ZERO), vec![U256::ZERO, U256::ZERO, u(1), U256::ZERO, U256::ZERO]);
    let max = U256::MAX;
    assert_eq!(
        run(max, u(2), u(10)),
        vec![max / u(2), u(1), u(1), (max % u(10) + u(2)) % u(10), u(0)],
        "pow wraps; add_mod and mul_mod do not overflow"
    );
    assert_eq!(run(u(2), u(256), u(7))[2], U256::ZERO, "2^256 wraps to 0");
    assert_eq!(run(max, max, u(12345))[3], max.add_mod(max, u(12345)));
    assert_eq!(run(max, max, u(12345))[4], max.mul_mod(max, u(12345)));
}

// ----- memory growth -----

/// memory.grow by `calldata[0]` pages (from 1, no maximum) returning old and new sizes.
fn grower() -> Vec<u8> {
    raw(r#"(module
        (import "vm_hooks" "read_args" (func $read_args (param i32)))
        (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
        (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
        (memory (export "memory") 1)
        (func (export "user_entrypoint") (param $len i32) (result i32)
          (call $read_args (i32.const 0))
          (i32.store (i32.const 4) (memory.grow (i32.load8_u (i32.const 0))))
          (i32.store (i32.const 8) (memory.size))
          (call $write_result (i32.const 4) (i32.const 8))
          (i32.const 0)))"#)
}

/// memory.grow works and is paid for through pay_for_memory_grow, which Nitro's heap bound
/// inserts before every memory.grow: growing from 1 to 3 pages crosses the 2 free pages and
/// costs one page_gas (1000) more than growing to 2 (the ramp is 1 at both sizes).
#[test]
fn memory_grow_pays_for_pages() {
    let run = |pages: u8| {
        let mut bench = bench_with(&[(A, &grower())]);
        let result = bench.call(A, vec![pages], GAS);
        assert!(result.is_success(), "{result:?}");
        let out = result.output;
        let old = i32::from_le_bytes(out[..4].try_into().unwrap());
        let new = i32::from_le_bytes(out[4..8].try_into().unwrap());
        assert_eq!((old, new), (1, 1 + pages as i32));
        GAS - result.gas_left
    };
    let (one, two) = (run(1), run(2));
    assert_eq!(two - one, 1000);
    // Past the 128-page limit the memory model's ramp is u64::MAX: out of gas, not a failed grow.
    let mut bench = bench_with(&[(A, &grower())]);
    let result = bench.call(A, vec![128], GAS);
    assert_eq!(result.outcome, Outcome::Failure(Failure::OutOfGas));
    assert_eq!(result.gas_left, 0);
}

/// A program can also call pay_for_memory_grow itself: 0 pages costs the hostio's 8400 ink,
/// more pages cost gas from the memory model, and enough pages run the program out of gas.
#[test]
fn pay_for_memory_grow_called_directly() {
    let wasm = raw(r#"(module
        (import "vm_hooks" "read_args" (func $read_args (param i32)))
        (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
        (memory (export "memory") 1)
        (func (export "user_entrypoint") (param $len i32) (result i32)
          (call $read_args (i32.const 0))
          (call $pay (i32.load16_u (i32.const 0)))
          (i32.const 0)))"#);
    let run = |pages: u16, gas: u64| {
        let mut bench = bench_with(&[(A, &wasm)]);
        bench.call(A, vec![0, 0], GAS); // warm the recent-wasms cache
        bench.commit();
        bench.call(A, pages.to_le_bytes().to_vec(), gas)
    };
    let zero = GAS - run(0, GAS).gas_left;
    let one = GAS - run(1, GAS).gas_left;
    let ten = GAS - run(10, GAS).gas_left;
    // 1 page more (2 open, within the free 2) costs no gas and, unlike pages == 0, no base ink.
    assert!(one <= zero);
    // 10 more: 11 open = 9 paid pages * 1000 + (exp(11) - exp(1)) = 9000 + 3.
    assert_eq!(ten - one, 9_000 + 3);
    let starved = run(127, 100_000);
    assert_eq!(starved.outcome, Outcome::Failure(Failure::OutOfGas));
    assert_eq!(starved.gas_left, 0);
}

/// A call with value to an account without code is a plain transfer that succeeds.
#[test]
fn plain_transfer_to_an_empty_account() {
    let mut bench = Bench::new();
    let result = bench.call_with(CALLER, D, U256::from(5), Bytes::new(), 21_000);
    assert!(result.is_success());
    assert_eq!(bench.evm.state.balance(&D), U256::from(5));
}

/// tx_ink_price is the chain's ink price (StylusParams), and every ink/gas conversion of the
/// host uses it: at 5000 ink per gas, evm_gas_left is floor(ink left / 5000).
#[test]
fn tx_ink_price_follows_the_chain_parameters() {
    let wasm = program(
        r#"(func (export "user_entrypoint") (param $len i32) (result i32)
            (i32.store (i32.const 0) (call $tx_ink_price))
            (i64.store (i32.const 4) (call $evm_ink_left))
            (i64.store (i32.const 12) (call $evm_gas_left))
            (call $write_result (i32.const 0) (i32.const 20))
            (i32.const 0))"#,
    );
    let mut bench = bench_with(&[(A, &wasm)]);
    bench.evm.params.ink_price = 5_000;
    let result = bench.call(A, vec![], GAS);
    assert!(result.is_success(), "{result:?}");
    let out = result.output;
    assert_eq!(u32::from_le_bytes(out[..4].try_into().unwrap()), 5_000);
    let ink = u64::from_le_bytes(out[4..12].try_into().unwrap());
    let gas = u64::from_le_bytes(out[12..20].try_into().unwrap());
    // Between the reads: i64.store, i32.const, call (+ header) = 7201 ink, and 8400 for the hostio.
    assert_eq!(gas, (ink - 7201 - 8400) / 5_000);
}
