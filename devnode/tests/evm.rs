//! EVM bytecode beside Stylus programs over one journaled state: calls in both directions and
//! to any depth, value, DELEGATECALL/STATICCALL/CALLCODE semantics, reverts and out-of-gas
//! unwinding only their own frame whatever its kind, logs in order, refunds, CREATE and
//! CREATE2 from EVM (of EVM and of Stylus init code), and the standard precompiles.
//!
//! The EVM contracts are hand-assembled twins of the Stylus test programs (`common::asm`), so
//! every path is checked with each kind on each side.

mod common;

use alloy_primitives::{address, hex, keccak256, Address, B256, U256};
use common::asm::{self, op, Asm, CALLCODE_KIND};
use common::*;
use devnode::engine::{
    code,
    exec::{Failure, Outcome},
    interp::l1_block_hash,
    testing::{Bench, CALLER},
};

/// Stylus PROXY at A, Stylus RECORDER at B, EVM proxy at C, EVM recorder at D.
fn setup() -> Bench {
    let mut bench = bench_with(&[(A, &program(PROXY)), (B, &program(RECORDER))]);
    bench.evm.state.set_code(C, asm::evm_proxy().into());
    bench.evm.state.set_code(D, asm::evm_recorder().into());
    bench.commit();
    bench
}

fn balance(bench: &Bench, at: Address) -> U256 {
    bench.evm.state.balance(&at)
}

#[test]
fn a_stylus_program_calls_evm_code_with_value() {
    let mut bench = setup();
    let input = proxy_input(CALL, D, U256::from(40), &recorder_input(0, word(7)));
    let result = bench.call_with(CALLER, A, U256::from(100), input.into(), GAS);
    assert!(result.is_success(), "{result:?}");
    let (status, data) = proxy_output(&result.output);
    assert_eq!(status, 0);
    assert_eq!(recorder_output(&data), (A, U256::from(40), D));
    assert_eq!(bench.storage(D, B256::ZERO), word(7));
    assert_eq!((balance(&bench, A), balance(&bench, D)), (U256::from(60), U256::from(40)));
    let logs = bench.commit();
    assert_eq!(logs.len(), 1);
    assert_eq!((logs[0].address, logs[0].topics.clone()), (D, vec![word(7)]));
}

#[test]
fn evm_code_calls_a_stylus_program_with_value() {
    let mut bench = setup();
    let input = proxy_input(CALL, B, U256::from(40), &recorder_input(0, word(9)));
    let result = bench.call_with(CALLER, C, U256::from(100), input.into(), GAS);
    assert!(result.is_success(), "{result:?}");
    let (status, data) = asm::evm_proxy_output(&result.output);
    assert_eq!(status, 0);
    assert_eq!(recorder_output(&data), (C, U256::from(40), B));
    assert_eq!(bench.storage(B, B256::ZERO), word(9));
    assert_eq!((balance(&bench, C), balance(&bench, B)), (U256::from(60), U256::from(40)));
}

#[test]
fn evm_calls_evm() {
    let mut bench = setup();
    let input = proxy_input(CALL | OUTER_WRITES, D, U256::from(1), &recorder_input(TRANSIENT, word(3)));
    let result = bench.call_with(CALLER, C, U256::from(1), input.into(), GAS);
    let (status, data) = asm::evm_proxy_output(&result.output);
    assert_eq!(status, 0, "{result:?}");
    assert_eq!(recorder_output(&data), (C, U256::from(1), D));
    assert_eq!(bench.evm.state.transient(&D, &B256::ZERO), word(3));
    let logs = bench.commit();
    assert_eq!(logs.iter().map(|l| l.address).collect::<Vec<_>>(), vec![C, D], "logs in order");
    assert_eq!(logs[0].data.as_ref(), D.as_slice());
}

/// EVM -> Stylus -> EVM, the Stylus frame reverting after its callee succeeded: the callee's
/// and the Stylus frame's effects go, the outer EVM frame's stay, and so does its gas.
#[test]
fn a_revert_in_the_middle_undoes_both_kinds_below_it_only() {
    let mut bench = setup();
    let inner = recorder_input(0, word(5));
    let middle = proxy_input(CALL | OUTER_WRITES | OUTER_REVERTS, D, U256::from(10), &inner);
    let outer = proxy_input(CALL | OUTER_WRITES, A, U256::from(30), &middle);
    let result = bench.call_with(CALLER, C, U256::from(50), outer.into(), GAS);
    assert!(result.is_success(), "{result:?}");
    let (status, data) = asm::evm_proxy_output(&result.output);
    assert_eq!(status, 2, "the Stylus frame reverted");
    // The revert data is the Stylus proxy's own output: its callee had succeeded.
    let (inner_status, inner_data) = proxy_output(&data);
    assert_eq!(inner_status, 0);
    assert_eq!(recorder_output(&inner_data), (A, U256::from(10), D));

    assert_eq!(bench.storage(C, B256::ZERO), word(1), "outer EVM write stays");
    assert_eq!(bench.storage(A, B256::ZERO), B256::ZERO, "Stylus write undone");
    assert_eq!(bench.storage(D, B256::ZERO), B256::ZERO, "inner EVM write undone");
    assert_eq!(balance(&bench, C), U256::from(50));
    assert_eq!((balance(&bench, A), balance(&bench, D)), (U256::ZERO, U256::ZERO));
    let logs = bench.commit();
    assert_eq!(logs.iter().map(|l| l.address).collect::<Vec<_>>(), vec![C]);
}

/// Stylus -> EVM -> Stylus, the innermost reverting: only it is undone.
#[test]
fn an_inner_stylus_revert_under_evm_is_undone_alone() {
    let mut bench = setup();
    let inner = recorder_input(REVERT, word(5));
    let middle = proxy_input(CALL | OUTER_WRITES, B, U256::from(10), &inner);
    let outer = proxy_input(CALL | OUTER_WRITES, C, U256::from(30), &middle);
    let result = bench.call_with(CALLER, A, U256::from(50), outer.into(), GAS);
    let (status, data) = proxy_output(&result.output);
    assert_eq!(status, 0);
    let (middle_status, revert_data) = asm::evm_proxy_output(&data);
    assert_eq!(middle_status, 2);
    assert_eq!(recorder_output(&revert_data), (C, U256::from(10), B), "revert data crosses kinds");
    assert_eq!(bench.storage(A, B256::ZERO), word(1));
    assert_eq!(bench.storage(C, B256::ZERO), word(1));
    assert_eq!(bench.storage(B, B256::ZERO), B256::ZERO);
    assert_eq!((balance(&bench, A), balance(&bench, C), balance(&bench, B)), (U256::from(20), U256::from(30), U256::ZERO));
    let logs = bench.commit();
    assert_eq!(logs.iter().map(|l| l.address).collect::<Vec<_>>(), vec![A, C]);
}

/// DELEGATECALL from EVM into a Stylus program runs it on the EVM contract's storage, with
/// the original sender and value; and the reverse.
#[test]
fn delegate_calls_cross_kinds_on_the_callers_account() {
    let mut bench = setup();
    let input = proxy_input(DELEGATE, B, U256::ZERO, &recorder_input(0, word(4)));
    let result = bench.call_with(CALLER, C, U256::from(8), input.into(), GAS);
    let (status, data) = asm::evm_proxy_output(&result.output);
    assert_eq!(status, 0, "{result:?}");
    assert_eq!(recorder_output(&data), (CALLER, U256::from(8), C));
    assert_eq!(bench.storage(C, B256::ZERO), word(4));
    assert_eq!(bench.storage(B, B256::ZERO), B256::ZERO);

    let input = proxy_input(DELEGATE, D, U256::ZERO, &recorder_input(0, word(6)));
    let result = bench.call_with(CALLER, A, U256::from(2), input.into(), GAS);
    let (status, data) = proxy_output(&result.output);
    assert_eq!(status, 0, "{result:?}");
    assert_eq!(recorder_output(&data), (CALLER, U256::from(2), A));
    assert_eq!(bench.storage(A, B256::ZERO), word(6));
    assert_eq!(bench.storage(D, B256::ZERO), B256::ZERO);
}

/// CALLCODE (EVM only) runs the callee's code on the caller's account, value sent to itself.
#[test]
fn callcode_runs_the_callee_on_the_callers_account() {
    let mut bench = setup();
    let input = proxy_input(CALLCODE_KIND, D, U256::from(3), &recorder_input(0, word(2)));
    let result = bench.call_with(CALLER, C, U256::from(3), input.into(), GAS);
    let (status, data) = asm::evm_proxy_output(&result.output);
    assert_eq!(status, 0, "{result:?}");
    assert_eq!(recorder_output(&data), (C, U256::from(3), C));
    assert_eq!(bench.storage(C, B256::ZERO), word(2));
    assert_eq!(balance(&bench, C), U256::from(3));
}

/// A static call forbids writes in the callee whichever kind either side is.
#[test]
fn static_calls_forbid_writes_across_kinds() {
    let mut bench = setup();
    for (proxy, callee, evm_proxy) in [(C, B, true), (A, D, false), (C, D, true)] {
        let input = proxy_input(STATIC, callee, U256::ZERO, &recorder_input(0, word(1)));
        let result = bench.call(proxy, input.clone(), GAS);
        let status = if evm_proxy { asm::evm_proxy_output(&result.output).0 } else { proxy_output(&result.output).0 };
        assert_eq!(status, 2, "write under static call {proxy} -> {callee}");
        assert_eq!(bench.storage(callee, B256::ZERO), B256::ZERO);

        let input = proxy_input(STATIC, callee, U256::ZERO, &recorder_input(NO_STORAGE | NO_LOG, word(1)));
        let result = bench.call(proxy, input, GAS);
        let (status, data) = if evm_proxy { asm::evm_proxy_output(&result.output) } else { proxy_output(&result.output) };
        assert_eq!(status, 0, "a read-only static call {proxy} -> {callee} succeeds");
        assert_eq!(recorder_output(&data).2, callee);
    }
}

/// An EVM callee that runs out of gas burns only what it was given (all but 1/64 of the
/// caller's), and the Stylus caller goes on; and the reverse.
#[test]
fn out_of_gas_in_either_kind_stops_only_that_frame() {
    let mut bench = setup();
    let input = proxy_input(CALL | OUTER_WRITES, D, U256::ZERO, &recorder_input(LOOP, word(1)));
    let result = bench.call(A, input, GAS);
    assert!(result.is_success(), "{result:?}");
    assert_eq!(proxy_output(&result.output).0, 2);
    assert_eq!(bench.storage(A, B256::ZERO), word(1));
    assert_eq!(bench.storage(D, B256::ZERO), B256::ZERO);
    assert!(result.gas_left > 0 && result.gas_left < GAS / 50, "1/64 kept: {}", result.gas_left);

    let input = proxy_input(CALL | OUTER_WRITES, B, U256::ZERO, &recorder_input(LOOP, word(1)));
    let result = bench.call(C, input, GAS);
    assert!(result.is_success(), "{result:?}");
    assert_eq!(asm::evm_proxy_output(&result.output).0, 2);
    assert_eq!(bench.storage(C, B256::ZERO), word(1));
    assert_eq!(bench.storage(B, B256::ZERO), B256::ZERO);
}

/// An EVM trap (INVALID) fails the frame with geth's error and all its gas.
#[test]
fn an_evm_trap_is_a_failure_that_uses_all_gas() {
    let mut bench = setup();
    let result = bench.call(D, recorder_input(TRAP, word(1)), 100_000);
    assert_eq!(result.outcome, Outcome::Failure(Failure::EvmHalt("invalid opcode".into())));
    assert_eq!(result.gas_left, 0);
    assert_eq!(bench.storage(D, B256::ZERO), B256::ZERO);
}

/// CREATE from EVM code: EVM init code, and a Stylus deployment's init code, whose program
/// then activates and runs like any other. CREATE2 lands at its address.
#[test]
fn evm_creates_evm_and_stylus_contracts() {
    let mut bench = setup();
    let factory = address!("00000000000000000000000000000000000fac70");
    // calldata = [salt:32][init code..]; salt 0 means CREATE. Returns the new address.
    let mut a = Asm::new();
    a.push_u64(32).op(op::CALLDATASIZE).op(op::SUB).push_u64(32).push_u64(0).op(op::CALLDATACOPY);
    a.push_u64(0).op(op::CALLDATALOAD).op(op::ISZERO).jump_if("create");
    a.push_u64(0).op(op::CALLDATALOAD).push_u64(32).op(op::CALLDATASIZE).op(op::SUB).push_u64(0).push_u64(0).op(op::CREATE2);
    a.jump("done");
    a.label("create");
    a.push_u64(32).op(op::CALLDATASIZE).op(op::SUB).push_u64(0).push_u64(0).op(op::CREATE);
    a.label("done");
    a.push_u64(0).op(op::MSTORE).push_u64(32).push_u64(0).op(op::RETURN);
    bench.evm.state.set_code(factory, a.build().into());
    // As a contract created by CREATE has (EIP-161).
    bench.evm.state.set_nonce(factory, 1);
    bench.commit();

    let deploy = |bench: &mut Bench, salt: B256, init: &[u8]| -> Address {
        let mut input = salt.to_vec();
        input.extend_from_slice(init);
        let result = bench.call(factory, input, GAS);
        assert!(result.is_success(), "{result:?}");
        let created = Address::from_slice(&result.output[12..32]);
        assert_ne!(created, Address::ZERO, "creation failed");
        bench.commit();
        created
    };

    // EVM init code, CREATE: the factory's first nonce (1 after EIP-161).
    let recorder = deploy(&mut bench, B256::ZERO, &asm::deployer(&asm::evm_recorder()));
    assert_eq!(recorder, factory.create(1));
    assert_eq!(bench.evm.state.code(&recorder).as_ref(), asm::evm_recorder().as_slice());
    let result = bench.call(recorder, recorder_input(0, word(11)), GAS);
    assert_eq!(recorder_output(&result.output), (CALLER, U256::ZERO, recorder));

    // Stylus init code, CREATE2: activated afterwards, then called from EVM.
    let stored = code::stored_code(&program(RECORDER));
    let init = code::init_code(&stored);
    let salt = word(42);
    let stylus = deploy(&mut bench, salt, &init);
    assert_eq!(stylus, factory.create2(salt, keccak256(&init)));
    assert_eq!(bench.evm.state.code(&stylus).as_ref(), stored.as_slice());
    let input = proxy_input(CALL, stylus, U256::ZERO, &recorder_input(0, word(12)));
    let result = bench.call(C, input, GAS);
    let (status, data) = asm::evm_proxy_output(&result.output);
    assert_eq!(status, 0, "{result:?}");
    assert_eq!(recorder_output(&data), (C, U256::ZERO, stylus));

    // The same salt and code again collides: CREATE2 returns zero.
    let mut input = salt.to_vec();
    input.extend_from_slice(&init);
    let result = bench.call(factory, input, GAS);
    assert_eq!(&result.output[..], &[0u8; 32][..]);
}

/// A Stylus deployment's init code costs exactly its EVM opcodes (PUSH32, DUP1, PUSH1, PUSH1,
/// CODECOPY and its memory, PUSH1, RETURN) plus 200 gas per stored byte.
#[test]
fn stylus_init_code_costs_its_evm_opcodes() {
    let mut bench = Bench::new();
    let runtime = vec![0xEF, 0xF0, 0x00, 0x00, 1, 2, 3];
    let created = bench.evm.create(CALLER, &code::init_code(&runtime), U256::ZERO, 10_000, None);
    assert!(created.result.is_success(), "{:?}", created.result);
    // one word: 18 + 3 + (3 + 0), and the deposit
    assert_eq!(10_000 - created.result.gas_left, 24 + 200 * 7);
    assert_eq!(bench.evm.state.code(&created.address.unwrap()).as_ref(), runtime.as_slice());
}

/// EIP-3541: EVM code may not start with 0xEF, but a Stylus program (0xEFF000...) may.
#[test]
fn code_starting_with_ef_is_refused_unless_stylus() {
    let mut bench = Bench::new();
    let created = bench.evm.create(CALLER, &asm::deployer(&[0xEF, 0x01]), U256::ZERO, 100_000, None);
    assert_eq!(
        created.result.outcome,
        Outcome::Failure(Failure::EvmHalt("invalid code: must not begin with 0xef".into()))
    );
    assert!(created.address.is_none());
}

/// Clearing a slot earns EIP-3529's refund in an EVM frame just as in a program, and a revert
/// takes it back.
#[test]
fn refunds_from_evm_frames_reach_the_transaction() {
    let mut bench = setup();
    bench.evm.state.set_storage(D, B256::ZERO, word(1));
    bench.commit();
    let result = bench.call(D, recorder_input(NO_LOG, B256::ZERO), GAS);
    assert!(result.is_success());
    assert_eq!(bench.evm.state.refund(), 4_800, "SSTORE_CLEARS_SCHEDULE");
    bench.commit();

    bench.evm.state.set_storage(D, B256::ZERO, word(1));
    bench.commit();
    let result = bench.call(D, recorder_input(NO_LOG | REVERT, B256::ZERO), GAS);
    assert_eq!(result.outcome, Outcome::Revert);
    assert_eq!(bench.evm.state.refund(), 0, "undone with the frame");
}

/// The standard precompiles beyond ecrecover/SHA-256/identity answer, with geth's prices.
#[test]
fn standard_precompiles_answer() {
    let mut bench = Bench::new();
    let ripemd = address!("0000000000000000000000000000000000000003");
    let result = bench.call(ripemd, b"abc".to_vec(), 10_000);
    assert!(result.is_success());
    assert_eq!(&result.output[12..], &hex!("8eb208f7e05d987a9b044a8e98c6b087f15a0bfc")[..]);
    assert_eq!(10_000 - result.gas_left, 600 + 120);

    // modexp 3^5 mod 7 = 5
    let mut input = Vec::new();
    for len in [1u8, 1, 1] {
        input.extend_from_slice(&B256::with_last_byte(len).0);
    }
    input.extend_from_slice(&[3, 5, 7]);
    let result = bench.call(address!("0000000000000000000000000000000000000005"), input, 10_000);
    assert_eq!(result.output.as_ref(), &[5]);

    // P256VERIFY with a bad signature: success with empty output (RIP-7212).
    let result = bench.call(address!("0000000000000000000000000000000000000100"), vec![0u8; 160], 10_000);
    assert!(result.is_success());
    assert!(result.output.is_empty());
    assert_eq!(10_000 - result.gas_left, 3_450);

    // Too little gas for a pairing: all gas gone.
    let result = bench.call(address!("0000000000000000000000000000000000000008"), vec![0u8; 192], 1_000);
    assert_eq!(result.outcome, Outcome::Failure(Failure::OutOfGas));
}

/// `BLOCKHASH` counts L1 blocks and answers for the 256 below the current one.
#[test]
fn blockhash_answers_for_the_last_256_l1_blocks() {
    assert_eq!(l1_block_hash(1_000, 1_000), B256::ZERO);
    assert_eq!(l1_block_hash(1_000, 743), B256::ZERO);
    assert_ne!(l1_block_hash(1_000, 744), B256::ZERO);
    assert_ne!(l1_block_hash(1_000, 999), l1_block_hash(1_000, 998));
    assert_eq!(l1_block_hash(1_000, 999), l1_block_hash(1_100, 999), "a block's hash does not change");
}
