//! Malformed input never panics the engine: random and mutated Stylus code through activation
//! and calls, random arguments to every host function, and random or mutated raw transactions.
//!
//! Case counts are kept small so each property runs in seconds in a debug build; set
//! `PROPTEST_CASES` to run more.

use std::sync::OnceLock;

use alloy_primitives::{address, keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::SolCall;
use devnode::{
    dev::CHAIN_ID,
    engine::{
        chain::{ChainConfig, Engine},
        code,
        exec::{Failure, Outcome},
        precompiles::{self, ArbWasm, StylusDeployer},
        testing::{Bench, CALLER},
        tx::{self, AccessListItem, Eip1559Tx, Eip2930Tx, LegacyTx, SignedTx, TxKind, TxRequest},
    },
};
use k256::ecdsa::SigningKey;
use proptest::collection::vec;
use proptest::prelude::*;

const AT: Address = address!("00000000000000000000000000000000000000aa");
const WASM_HEADER: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/// `default_cases`, unless `PROPTEST_CASES` asks for a different number.
fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

/// Gas for code that (almost surely) does not run at all: any amount, huge ones included.
fn gas() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..50_000,
        50_000u64..5_000_000,
        Just(30_000_000u64),
        // A whole block: its ink does not fit in an i64.
        Just(1u64 << 50),
        Just(u64::MAX),
    ]
}

/// Gas for code that runs: bounded, since a loop runs until the gas is gone.
fn program_gas() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..50_000, 50_000u64..1_000_000]
}

// ----- a program that calls host functions with arguments taken from its calldata -----

/// Bytes 0..256 of the calldata are a data area (addresses and words that pointers can hit);
/// from 256 on, 24-byte records: op (byte 0) and five i32 arguments a..e at +4..+24.
const DATA_AREA: usize = 256;
const RECORD: usize = 24;

/// The bodies of the interpreter's ops, in br_table order.
const OPS: &[&str] = &[
    "(call $sload (local.get $a) (local.get $b))",
    "(call $scache (local.get $a) (local.get $b))",
    "(call $flush (local.get $a))",
    "(call $tload (local.get $a) (local.get $b))",
    "(call $tstore (local.get $a) (local.get $b))",
    "(drop (call $call (local.get $a) (local.get $b) (local.get $c) (local.get $d) (i64.extend_i32_s (local.get $e)) (local.get $d)))",
    "(drop (call $dcall (local.get $a) (local.get $b) (local.get $c) (i64.extend_i32_s (local.get $e)) (local.get $d)))",
    "(drop (call $scall (local.get $a) (local.get $b) (local.get $c) (i64.extend_i32_s (local.get $e)) (local.get $d)))",
    "(call $create1 (local.get $a) (local.get $b) (local.get $c) (local.get $d) (local.get $e))",
    "(call $create2 (local.get $a) (local.get $b) (local.get $c) (local.get $d) (local.get $e) (local.get $e))",
    "(drop (call $rrd (local.get $a) (local.get $b) (local.get $c)))",
    "(drop (call $rds))",
    "(call $log (local.get $a) (local.get $b) (local.get $c))",
    "(call $balance (local.get $a) (local.get $b))",
    "(drop (call $code (local.get $a) (local.get $b) (local.get $c) (local.get $d)))",
    "(drop (call $code_size (local.get $a)))",
    "(call $codehash (local.get $a) (local.get $b))",
    "(drop (call $gas_left)) (drop (call $ink_left))",
    "(call $basefee (local.get $a)) (call $coinbase (local.get $b)) (call $sender (local.get $c)) (call $value (local.get $d)) (call $origin (local.get $e)) (call $address (local.get $a))",
    "(call $pay (local.get $a))",
    "(drop (memory.grow (local.get $a)))",
    "(call $keccak (local.get $a) (local.get $b) (local.get $c))",
    "(call $div (local.get $a) (local.get $b)) (call $mod (local.get $b) (local.get $c))",
    "(call $pow (local.get $a) (local.get $b))",
    "(call $addmod (local.get $a) (local.get $b) (local.get $c))",
    "(call $mulmod (local.get $a) (local.get $b) (local.get $c))",
    "(call $write_result (local.get $a) (local.get $b))",
    "(call $exit_early (local.get $a))",
    "(return (local.get $a))",
    "(unreachable)",
    "(loop $forever (br $forever))",
    "(drop (call $entry (local.get $a)))",
    "(memory.fill (local.get $a) (local.get $b) (local.get $c))",
    "(memory.copy (local.get $a) (local.get $b) (local.get $c))",
];

/// Ops that may not finish by themselves (loop, recursion) or that call or create.
const UNBOUNDED_OPS: &[usize] = &[5, 6, 7, 8, 9, 30, 31];

/// The interpreter; with `finite`, the [`UNBOUNDED_OPS`] are `nop`s, so it ends whatever the
/// gas (its records live in writable memory, so restricting the calldata would not do).
fn interpreter_wat(finite: bool) -> String {
    let n = OPS.len();
    let mut dispatch = String::from("(block $step ");
    for k in (0..n).rev() {
        dispatch += &format!("(block $o{k} ");
    }
    dispatch += "(br_table";
    for k in 0..n {
        dispatch += &format!(" $o{k}");
    }
    dispatch += &format!(" (i32.rem_u (local.get $op) (i32.const {n}))))");
    for (k, body) in OPS.iter().enumerate() {
        let body = if finite && UNBOUNDED_OPS.contains(&k) { "(nop)" } else { body };
        dispatch += &format!("\n {body} (br $step))");
    }
    format!(
        r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "exit_early" (func $exit_early (param i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $sload (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $scache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (import "vm_hooks" "transient_load_bytes32" (func $tload (param i32 i32)))
  (import "vm_hooks" "transient_store_bytes32" (func $tstore (param i32 i32)))
  (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "delegate_call_contract" (func $dcall (param i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "static_call_contract" (func $scall (param i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "create1" (func $create1 (param i32 i32 i32 i32 i32)))
  (import "vm_hooks" "create2" (func $create2 (param i32 i32 i32 i32 i32 i32)))
  (import "vm_hooks" "read_return_data" (func $rrd (param i32 i32 i32) (result i32)))
  (import "vm_hooks" "return_data_size" (func $rds (result i32)))
  (import "vm_hooks" "emit_log" (func $log (param i32 i32 i32)))
  (import "vm_hooks" "account_balance" (func $balance (param i32 i32)))
  (import "vm_hooks" "account_code" (func $code (param i32 i32 i32 i32) (result i32)))
  (import "vm_hooks" "account_code_size" (func $code_size (param i32) (result i32)))
  (import "vm_hooks" "account_codehash" (func $codehash (param i32 i32)))
  (import "vm_hooks" "evm_gas_left" (func $gas_left (result i64)))
  (import "vm_hooks" "evm_ink_left" (func $ink_left (result i64)))
  (import "vm_hooks" "block_basefee" (func $basefee (param i32)))
  (import "vm_hooks" "block_coinbase" (func $coinbase (param i32)))
  (import "vm_hooks" "msg_sender" (func $sender (param i32)))
  (import "vm_hooks" "msg_value" (func $value (param i32)))
  (import "vm_hooks" "tx_origin" (func $origin (param i32)))
  (import "vm_hooks" "contract_address" (func $address (param i32)))
  (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
  (import "vm_hooks" "native_keccak256" (func $keccak (param i32 i32 i32)))
  (import "vm_hooks" "math_div" (func $div (param i32 i32)))
  (import "vm_hooks" "math_mod" (func $mod (param i32 i32)))
  (import "vm_hooks" "math_pow" (func $pow (param i32 i32)))
  (import "vm_hooks" "math_add_mod" (func $addmod (param i32 i32 i32)))
  (import "vm_hooks" "math_mul_mod" (func $mulmod (param i32 i32 i32)))
  (memory (export "memory") 1 4)
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 60000) "rigshare")
  (func $entry (export "user_entrypoint") (param $len i32) (result i32)
    (local $p i32) (local $op i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (call $read_args (i32.const 0))
    (local.set $p (i32.const {DATA_AREA}))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const {RECORD})) (local.get $len)))
        (local.set $op (i32.load8_u (local.get $p)))
        (local.set $a (i32.load offset=4 (local.get $p)))
        (local.set $b (i32.load offset=8 (local.get $p)))
        (local.set $c (i32.load offset=12 (local.get $p)))
        (local.set $d (i32.load offset=16 (local.get $p)))
        (local.set $e (i32.load offset=20 (local.get $p)))
        {dispatch}
        (local.set $p (i32.add (local.get $p) (i32.const {RECORD})))
        (br $next)))
    (call $write_result (i32.const 0) (select (local.get $len) (i32.const 64) (i32.lt_u (local.get $len) (i32.const 64))))
    (i32.const 0)))"#
    )
}

fn interpreter() -> &'static [u8] {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| wat::parse_str(interpreter_wat(false)).expect("the interpreter is valid wat"))
}

fn finite_interpreter() -> &'static [u8] {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| wat::parse_str(interpreter_wat(true)).expect("the interpreter is valid wat"))
}

/// A pointer argument: mostly into the data area or the records, sometimes at the end of
/// memory or anywhere.
fn pointer() -> impl Strategy<Value = u32> {
    prop_oneof![
        4 => (0u32..8).prop_map(|slot| slot * 32),
        3 => 0u32..1024,
        1 => prop_oneof![Just(65_536 - 32), Just(65_536 - 20), Just(65_535), Just(65_536), Just(131_072 - 1)],
        2 => any::<u32>(),
    ]
}

/// A length or count argument.
fn length() -> impl Strategy<Value = u32> {
    prop_oneof![
        4 => 0u32..200,
        1 => prop_oneof![Just(32), Just(64), Just(65_536), Just(u32::MAX), Just(i32::MAX as u32)],
        1 => any::<u32>(),
    ]
}

fn record(op: impl Strategy<Value = u8>) -> impl Strategy<Value = [u8; RECORD]> {
    (op, pointer(), prop_oneof![pointer(), length()], length(), pointer(), any::<u32>()).prop_map(
        |(op, a, b, c, d, e)| {
            let mut r = [0u8; RECORD];
            r[0] = op;
            for (i, v) in [a, b, c, d, e].into_iter().enumerate() {
                r[4 + 4 * i..8 + 4 * i].copy_from_slice(&v.to_le_bytes());
            }
            r
        },
    )
}

/// Calldata for the interpreter: a data area with addresses that pointers may hit (the
/// program itself, so it can call itself; the precompiles; the caller), then records.
fn interpreter_input() -> impl Strategy<Value = Vec<u8>> {
    (vec(any::<[u8; 32]>(), 3), vec(record(any::<u8>()), 0..12)).prop_map(|(words, records)| {
        let mut input = vec![0u8; DATA_AREA];
        let addresses = [AT, precompiles::ARB_WASM, precompiles::STYLUS_DEPLOYER, CALLER, precompiles::SHA256];
        for (slot, address) in addresses.iter().enumerate() {
            input[slot * 32..slot * 32 + 20].copy_from_slice(address.as_slice());
        }
        for (i, word) in words.iter().enumerate() {
            input[(5 + i) * 32..(6 + i) * 32].copy_from_slice(word);
        }
        for record in records {
            input.extend_from_slice(&record);
        }
        input
    })
}

// ----- byte-level mutations -----

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), 0u8..8).prop_map(|(i, bit)| Mutation::Flip(i, bit)),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        2 => any::<usize>().prop_map(Mutation::Delete),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(bytes: &mut Vec<u8>, mutations: &[Mutation]) {
    for m in mutations {
        let len = bytes.len();
        match *m {
            Mutation::Flip(i, bit) if len > 0 => bytes[i % len] ^= 1 << bit,
            Mutation::Set(i, b) if len > 0 => bytes[i % len] = b,
            Mutation::Insert(i, b) => bytes.insert(i % (len + 1), b),
            Mutation::Delete(i) if len > 0 => {
                bytes.remove(i % len);
            }
            Mutation::Truncate(i) => bytes.truncate(i % (len + 1)),
            _ => {}
        }
    }
}

// ----- checks shared by the code properties -----

/// Activates whatever is at [`AT`]; activation must succeed, revert, or fail as Nitro's
/// activation failure does (all gas burned), nothing else.
fn activate(bench: &mut Bench) -> Result<bool, TestCaseError> {
    let before = bench.evm.state.snapshot();
    let activation = bench.activate(AT);
    prop_assert!(
        matches!(activation.outcome, Outcome::Success | Outcome::Revert | Outcome::Failure(Failure::Activation(_))),
        "activation neither succeeded, reverted nor failed activation: {:?}",
        activation.outcome
    );
    if matches!(activation.outcome, Outcome::Failure(_)) {
        prop_assert_eq!(activation.gas_left, 0, "a failed activation keeps no gas");
    }
    let ok = activation.is_success();
    if !ok {
        prop_assert_eq!(bench.evm.state.snapshot(), before, "a failed activation changed state");
    }
    bench.commit();
    Ok(ok)
}

/// Calls [`AT`]; gas never grows, and a call that does not succeed leaves no trace.
fn call_and_check(bench: &mut Bench, activated: bool, input: &[u8], gas: u64) -> Result<(), TestCaseError> {
    let before = bench.evm.state.snapshot();
    let result = bench.call(AT, input.to_vec(), gas);
    prop_assert!(result.gas_left <= gas, "gas grew: {} > {}", result.gas_left, gas);
    if !activated {
        prop_assert_eq!(&result.outcome, &Outcome::Failure(Failure::ProgramNotActivated));
    }
    if !result.is_success() {
        prop_assert_eq!(bench.evm.state.snapshot(), before, "a failed call changed state");
        prop_assert!(bench.evm.state.logs().is_empty(), "a failed call left logs");
    }
    bench.commit();
    Ok(())
}

/// Random module bodies: anything, or a wasm header followed by well-framed sections of junk.
fn junk_module() -> impl Strategy<Value = Vec<u8>> {
    let sections = vec((0u8..14, vec(any::<u8>(), 0..48)), 0..8).prop_map(|sections| {
        let mut wasm = WASM_HEADER.to_vec();
        for (id, body) in sections {
            wasm.push(id);
            wasm.push(body.len() as u8); // < 128: a one-byte LEB128
            wasm.extend_from_slice(&body);
        }
        wasm
    });
    prop_oneof![
        vec(any::<u8>(), 0..512),
        vec(any::<u8>(), 0..512).prop_map(|body| [&WASM_HEADER[..], &body].concat()),
        sections,
    ]
}

proptest! {
    #![proptest_config(config(128))]

    /// (1) Random bytes as a Stylus module.
    #[test]
    fn random_bytes_as_stylus_code_never_panic(
        wasm in junk_module(),
        input in vec(any::<u8>(), 0..128),
        gas in gas(),
    ) {
        let mut bench = Bench::new();
        bench.install(AT, &wasm);
        let activated = activate(&mut bench)?;
        call_and_check(&mut bench, activated, &input, gas)?;
    }

    /// (1b) Random stored code: the right prefix (or nearly), then a random "brotli" stream.
    #[test]
    fn random_stored_code_never_panics(
        dictionary in prop_oneof![Just(0u8), Just(1u8), any::<u8>()],
        body in prop_oneof![vec(any::<u8>(), 0..256), vec(any::<u8>(), 0..256).prop_map(|b| {
            // A valid stream with junk after it, or a truncated valid stream.
            let mut c = code::compress(interpreter());
            let cut = c.len() / 2;
            if b.len() % 2 == 0 { c.extend_from_slice(&b); } else { c.truncate(cut); }
            c
        })],
        gas in gas(),
    ) {
        let mut bench = Bench::new();
        let mut stored = code::STYLUS_MAGIC.to_vec();
        stored.push(dictionary);
        stored.extend_from_slice(&body);
        bench.evm.state.set_code(AT, stored.into());
        bench.commit();
        let activated = activate(&mut bench)?;
        call_and_check(&mut bench, activated, &[], gas)?;
    }

    /// (2) Mutations of a small valid module.
    #[test]
    fn mutated_modules_never_panic(
        mutations in vec(mutation(), 1..6),
        input in interpreter_input(),
        gas in program_gas(),
    ) {
        let mut wasm = interpreter().to_vec();
        mutate(&mut wasm, &mutations);
        let mut bench = Bench::new();
        bench.install(AT, &wasm);
        let activated = activate(&mut bench)?;
        call_and_check(&mut bench, activated, &input, gas)?;
    }

    /// (2b) The valid module calling every host function with random pointers and lengths,
    /// itself and the precompiles included.
    #[test]
    fn host_functions_with_random_arguments_never_panic(
        input in interpreter_input(),
        gas in program_gas(),
        value in prop_oneof![Just(0u64), 1u64..1_000_000],
    ) {
        let mut bench = Bench::new();
        bench.install(AT, interpreter());
        prop_assert!(activate(&mut bench)?, "the interpreter activates");
        let before = bench.evm.state.snapshot();
        let result = bench.call_with(CALLER, AT, U256::from(value), input.into(), gas);
        prop_assert!(result.gas_left <= gas);
        if !result.is_success() {
            prop_assert_eq!(bench.evm.state.snapshot(), before, "a failed call changed state");
        }
        bench.commit();
    }

    /// (2c) Gas up to u64::MAX (whose ink overflows an i64) on the interpreter without its
    /// loop, recursion and calls.
    #[test]
    fn huge_gas_never_panics(
        input in interpreter_input(),
        gas in prop_oneof![Just(30_000_000u64), Just(1u64 << 50), Just(u64::MAX / 10_000 + 1), Just(u64::MAX)],
    ) {
        let mut bench = Bench::new();
        bench.install(AT, finite_interpreter());
        prop_assert!(activate(&mut bench)?, "the interpreter activates");
        call_and_check(&mut bench, true, &input, gas)?;
    }
}

// ----- transactions -----

fn sender_key() -> SigningKey {
    SigningKey::from_slice(&[0x42; 32]).expect("valid key")
}

fn fresh_engine() -> Engine {
    let funded = [(tx::address_of(&sender_key()), U256::from(10u128.pow(24)))];
    Engine::new(ChainConfig::default(), &funded)
}

#[derive(Debug, Clone)]
enum Target {
    Create,
    Random([u8; 20]),
    Precompile(usize),
    /// StylusDeployer.deploy of the interpreter, with random init data.
    Deploy,
}

#[derive(Debug, Clone)]
struct Template {
    ty: u8,
    chain_id: Option<u64>,
    target: Target,
    value: u64,
    input: Vec<u8>,
    gas: u64,
    fee: u128,
    tip: u128,
    access_list: Vec<([u8; 20], Vec<[u8; 32]>)>,
}

fn template() -> impl Strategy<Value = Template> {
    let target = prop_oneof![
        Just(Target::Create),
        any::<[u8; 20]>().prop_map(Target::Random),
        (0usize..6).prop_map(Target::Precompile),
        Just(Target::Deploy),
    ];
    let chain_id = prop_oneof![8 => Just(Some(CHAIN_ID)), 1 => Just(None), 1 => any::<u64>().prop_map(Some)];
    let input = prop_oneof![
        vec(any::<u8>(), 0..200),
        // A known ArbWasm / deployer selector with random arguments.
        (prop_oneof![
            Just(ArbWasm::activateProgramCall::SELECTOR),
            Just(ArbWasm::codehashKeepaliveCall::SELECTOR),
            Just(ArbWasm::programVersionCall::SELECTOR),
            Just(StylusDeployer::deployCall::SELECTOR),
        ], vec(any::<u8>(), 0..200)).prop_map(|(sel, args)| [&sel[..], &args].concat()),
    ];
    let gas = prop_oneof![0u64..100_000, 100_000u64..10_000_000, Just(1u64 << 50), any::<u64>()];
    let fee = prop_oneof![Just(200_000_000u128), 0u128..200_000_000, any::<u128>()];
    let access_list = vec((any::<[u8; 20]>(), vec(any::<[u8; 32]>(), 0..3)), 0..3);
    (0u8..3, chain_id, target, prop_oneof![Just(0u64), any::<u64>()], input, gas, fee, prop_oneof![Just(0u128), any::<u128>()], access_list)
        .prop_map(|(ty, chain_id, target, value, input, gas, fee, tip, access_list)| Template {
            ty, chain_id, target, value, input, gas, fee, tip, access_list,
        })
}

fn build(t: &Template, nonce: u64) -> TxRequest {
    let precompiles = [
        precompiles::ECRECOVER,
        precompiles::SHA256,
        precompiles::IDENTITY,
        precompiles::ARB_SYS,
        precompiles::ARB_WASM,
        precompiles::STYLUS_DEPLOYER,
    ];
    let (to, input) = match &t.target {
        Target::Create => (TxKind::Create, t.input.clone()),
        Target::Random(a) => (TxKind::Call(Address::from(*a)), t.input.clone()),
        Target::Precompile(i) => (TxKind::Call(precompiles[*i]), t.input.clone()),
        Target::Deploy => {
            let call = StylusDeployer::deployCall {
                bytecode: code::init_code(&code::stored_code(interpreter())).into(),
                initData: t.input.clone().into(),
                initValue: U256::ZERO,
                salt: keccak256(&t.input),
            };
            (TxKind::Call(precompiles::STYLUS_DEPLOYER), call.abi_encode())
        }
    };
    let input = Bytes::from(input);
    let value = U256::from(t.value);
    let access_list: Vec<AccessListItem> = t
        .access_list
        .iter()
        .map(|(a, keys)| AccessListItem {
            address: Address::from(*a),
            storage_keys: keys.iter().copied().map(B256::from).collect(),
        })
        .collect();
    match t.ty {
        0 => TxRequest::Legacy(LegacyTx { chain_id: t.chain_id, nonce, gas_price: t.fee, gas_limit: t.gas, to, value, input }),
        1 => TxRequest::Eip2930(Eip2930Tx {
            chain_id: t.chain_id.unwrap_or(0),
            nonce,
            gas_price: t.fee,
            gas_limit: t.gas,
            to,
            value,
            input,
            access_list,
        }),
        _ => TxRequest::Eip1559(Eip1559Tx {
            chain_id: t.chain_id.unwrap_or(0),
            nonce,
            max_priority_fee_per_gas: t.tip,
            max_fee_per_gas: t.fee,
            gas_limit: t.gas,
            to,
            value,
            input,
            access_list,
        }),
    }
}

fn total_balance(engine: &Engine) -> U256 {
    engine.state().snapshot().accounts.values().fold(U256::ZERO, |sum, a| sum + a.balance)
}

/// Sends `raw`: a rejection leaves the state as it was, an inclusion keeps the ETH supply.
fn send_and_check(engine: &mut Engine, raw: &[u8]) -> Result<bool, TestCaseError> {
    let before = engine.state().snapshot();
    let supply = total_balance(engine);
    let blocks = engine.latest_block().number;
    match engine.send_raw_transaction(raw) {
        Ok(receipt) => {
            prop_assert_eq!(total_balance(engine), supply, "ETH created or destroyed");
            prop_assert_eq!(engine.latest_block().number, blocks + 1);
            prop_assert!(receipt.gas_used > 0);
            Ok(true)
        }
        Err(_) => {
            prop_assert_eq!(engine.state().snapshot(), before, "a rejected transaction changed state");
            prop_assert_eq!(engine.latest_block().number, blocks, "a rejected transaction sealed a block");
            Ok(false)
        }
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// (3a) Random bytes, bare or behind a type byte.
    #[test]
    fn random_raw_transactions_never_panic(
        prefix in prop_oneof![Just(vec![]), Just(vec![0x01]), Just(vec![0x02]), any::<u8>().prop_map(|b| vec![b])],
        bytes in vec(any::<u8>(), 0..300),
    ) {
        let mut engine = fresh_engine();
        send_and_check(&mut engine, &[prefix, bytes].concat())?;
    }

    /// (3b) Valid signed transactions of every type and target, mutated or not; and the
    /// same bytes again, which must be refused without a trace.
    #[test]
    fn mutated_signed_transactions_never_panic(
        t in template(),
        mutations in vec(mutation(), 0..4),
    ) {
        let mut engine = fresh_engine();
        let signed = SignedTx::sign(build(&t, 0), &sender_key());
        let mut raw = signed.encode();
        mutate(&mut raw, &mutations);
        let included = send_and_check(&mut engine, &raw)?;
        if included {
            prop_assert!(!send_and_check(&mut engine, &raw)?, "a replay was included");
            // The next nonce still works afterwards.
            let next = SignedTx::sign(build(&t, 1), &sender_key());
            send_and_check(&mut engine, &next.encode())?;
        }
    }
}
