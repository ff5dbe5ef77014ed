//! Random calldata against the real, deployed rigshare contracts: random selectors, and every
//! real selector with random (or plausibly shaped) arguments, as eth_calls and as transactions
//! from holders and strangers. Nothing panics, an eth_call leaves no trace, a failed
//! transaction only charges its gas, and no transaction creates or destroys ETH.
//!
//! Each case starts from the same freshly deployed system (an engine snapshot), so failures
//! shrink and replay. `PROPTEST_CASES` raises the case counts.

use std::cell::RefCell;
use std::sync::OnceLock;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use devnode::engine::{
    chain::{CallRequest, EngineSnapshot},
    state::Snapshot,
};
use k256::ecdsa::SigningKey;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rigshare_e2e::*;

const SUPPLY: u128 = 1_000_000 * ETH;
const TX_GAS: u64 = 3_000_000;

struct System {
    chain: Chain,
    base: EngineSnapshot,
    /// deed, shares, splitter.
    contracts: [Address; 3],
    /// dev (admin of everything, holds half the shares), alice (holds the other half, has
    /// a rig), bob (funded, holds nothing).
    keys: [SigningKey; 3],
}

/// Executes a call with a fixed, ample gas limit and asserts success. (`Chain::exec` sends
/// exactly the estimate, which a splitter-wired transfer can outgrow when the next block's
/// timestamp differs from the estimate's.)
fn exec(chain: &mut Chain, from: &SigningKey, to: Address, value: U256, call: impl alloy_sol_types::SolCall) {
    let receipt = chain.send_with_gas(from, Some(to), value, call.abi_encode().into(), 2_000_000);
    assert!(receipt.status, "setup call failed: {:?}", receipt.failure);
}

fn system(with_splitter: bool) -> System {
    let mut chain = Chain::new();
    let dev = chain.dev.clone();
    let admin = chain.dev_address();
    let (deed, shares) = chain.deploy_pool(U256::from(SUPPLY));
    let splitter = chain.deploy_splitter(shares, Address::ZERO, 0u64, admin);
    if with_splitter {
        exec(&mut chain, &dev, shares, U256::ZERO, RigShares::setRevenueSplitterCall { splitter });
    }
    let (alice, bob) = (account(1), account(2));
    for key in [&alice, &bob] {
        chain.fund(address_of(key), U256::from(100 * ETH));
    }
    let operator = keccak256("OPERATOR_ROLE");
    exec(&mut chain, &dev, deed, U256::ZERO, RigDeed::grantRoleCall { role: operator, account: admin });
    exec(
        &mut chain,
        &dev,
        deed,
        U256::ZERO,
        RigDeed::mintCall {
            to: address_of(&alice),
            model: "Antminer S21".into(),
            hashrateGhs: 200_000,
            powerWatts: 3_500,
            site: "Kemi, FI".into(),
            serialHash: keccak256("S21-0001"),
            kind: 0,
        },
    );
    exec(&mut chain, &dev, shares, U256::ZERO, RigShares::transferCall { to: address_of(&alice), value: U256::from(SUPPLY / 2) });
    if with_splitter {
        exec(&mut chain, &dev, splitter, U256::from(ETH), RevenueSplitter::depositEthCall {});
    }
    let base = chain.engine.snapshot();
    System { chain, base, contracts: [deed, shares, splitter], keys: [dev, alice, bob] }
}

fn selectors(contract: usize) -> &'static [[u8; 4]] {
    match contract {
        0 => RigDeed::RigDeedCalls::SELECTORS,
        1 => RigShares::RigSharesCalls::SELECTORS,
        _ => RevenueSplitter::RevenueSplitterCalls::SELECTORS,
    }
}

/// A function of a contract's ABI: its selector and parameter types.
#[derive(Debug)]
struct Function {
    selector: [u8; 4],
    params: Vec<String>,
}

/// The functions of each contract, read from the Solidity interfaces in abi/ (one function
/// per line) and checked against the selectors `sol!` derived from the JSON ABIs.
fn functions(contract: usize) -> &'static [Function] {
    static PARSED: OnceLock<[Vec<Function>; 3]> = OnceLock::new();
    let parse = |source: &str, contract: usize| -> Vec<Function> {
        let functions: Vec<Function> = source
            .lines()
            .filter_map(|line| line.trim().strip_prefix("function "))
            .map(|decl| {
                let (name, rest) = decl.split_once('(').expect("function(");
                let (params, _) = rest.split_once(')').expect("function(...)");
                let params: Vec<String> = params
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(|p| p.split_whitespace().next().expect("a type").to_string())
                    .collect();
                let signature = format!("{name}({})", params.join(","));
                let selector = keccak256(signature.as_bytes())[..4].try_into().expect("4 bytes");
                assert!(selectors(contract).contains(&selector), "{signature} is not in the ABI");
                Function { selector, params }
            })
            .collect();
        assert_eq!(functions.len(), selectors(contract).len(), "every function of the ABI parsed");
        functions
    };
    &PARSED.get_or_init(|| {
        [
            parse(include_str!("../abi/IRigDeed.sol"), 0),
            parse(include_str!("../abi/IRigShares.sol"), 1),
            parse(include_str!("../abi/IRevenueSplitter.sol"), 2),
        ]
    })[contract]
}

/// Choices for the typed encoder, consumed in order (0 once used up).
struct Choices<'a>(std::slice::Iter<'a, u32>);

impl Choices<'_> {
    fn next(&mut self) -> u32 {
        self.0.next().copied().unwrap_or(0)
    }

    fn word(&mut self) -> B256 {
        let mut word = [0u8; 32];
        for chunk in word.chunks_mut(4) {
            chunk.copy_from_slice(&self.next().to_be_bytes());
        }
        word.into()
    }
}

#[derive(Debug, Clone)]
enum Args {
    /// Arguments of the function's real types, with values chosen to matter (the system's
    /// accounts, its roles, small amounts, type bounds and just past them), then `corrupt`
    /// bytes overwritten and `truncate` applied.
    Typed { choices: Vec<u32>, corrupt: Vec<(usize, u8)>, truncate: Option<usize> },
    /// Random words, then a few random bytes (possibly a partial word).
    Words(Vec<[u8; 32]>, Vec<u8>),
    Bytes(Vec<u8>),
}

#[derive(Debug, Clone)]
enum Selector {
    Known(usize),
    Random([u8; 4]),
}

#[derive(Debug, Clone)]
struct Input {
    contract: usize,
    selector: Selector,
    args: Args,
    from: usize,
    value: u64,
    /// eth_call rather than a transaction.
    call: bool,
}

fn typed_args() -> impl Strategy<Value = Args> {
    (
        vec(any::<u32>(), 48),
        prop_oneof![3 => Just(vec![]), 1 => vec((any::<usize>(), any::<u8>()), 1..3)],
        prop_oneof![5 => Just(None), 1 => any::<usize>().prop_map(Some)],
    )
        .prop_map(|(choices, corrupt, truncate)| Args::Typed { choices, corrupt, truncate })
}

fn input() -> impl Strategy<Value = Input> {
    let selector = prop_oneof![
        6 => any::<usize>().prop_map(Selector::Known),
        1 => any::<[u8; 4]>().prop_map(Selector::Random),
    ];
    let args = prop_oneof![
        6 => typed_args(),
        1 => (vec(any::<[u8; 32]>(), 0..6), vec(any::<u8>(), 0..4)).prop_map(|(w, b)| Args::Words(w, b)),
        1 => vec(any::<u8>(), 0..300).prop_map(Args::Bytes),
    ];
    let value = prop_oneof![6 => Just(0u64), 1 => 1u64..ETH as u64];
    (0usize..3, selector, args, 0usize..3, value, any::<bool>()).prop_map(
        |(contract, selector, args, from, value, call)| Input { contract, selector, args, from, value, call },
    )
}

impl System {
    fn address(&self, n: u32) -> Address {
        match n % 7 {
            i @ 0..=2 => address_of(&self.keys[i as usize]),
            i @ 3..=5 => self.contracts[i as usize - 3],
            _ => Address::ZERO,
        }
    }

    /// One static value of type `ty`, as a word.
    fn static_word(&self, ty: &str, ch: &mut Choices) -> B256 {
        let pick = ch.next();
        match ty {
            "address" => match pick % 9 {
                8 => B256::left_padding_from(&ch.word()[12..]),
                n => self.address(n).into_word(),
            },
            "bool" => U256::from([0u8, 1, 1, 2][pick as usize % 4]).into(),
            "bytes32" => match pick % 4 {
                0 => B256::ZERO,
                1 => keccak256("OPERATOR_ROLE"),
                2 => keccak256("MINTER_ROLE"),
                _ => ch.word(),
            },
            "bytes4" => {
                let ids: [[u8; 4]; 5] =
                    [[0x01, 0xff, 0xc9, 0xa7], [0x80, 0xac, 0x58, 0xcd], [0x36, 0x37, 0x2b, 0x07], [0xff; 4], [0; 4]];
                B256::right_padding_from(&ids[pick as usize % ids.len()])
            }
            uint => {
                let bits: usize = uint.strip_prefix("uint").and_then(|b| b.parse().ok()).unwrap_or(256);
                let one = U256::from(1);
                let max = if bits == 256 { U256::MAX } else { (one << bits) - one };
                let value = match pick % 7 {
                    0 => U256::ZERO,
                    1 => one,
                    2 => U256::from(ch.next() % 1000),
                    3 => U256::from(ch.next()) * U256::from(10u64.pow(15)),
                    4 => max,
                    // Just past the type: must be refused, not truncated.
                    5 if bits < 256 => max + one,
                    _ => U256::from_be_bytes(ch.word().0) & max,
                };
                value.into()
            }
        }
    }

    /// Appends the ABI encoding of one value of `ty`: its word to `head`, or for a dynamic
    /// type a placeholder word to `head` (the offset, patched later) and its data to `tails`.
    fn encode(&self, ty: &str, ch: &mut Choices, head: &mut Vec<u8>, tails: &mut Vec<Vec<u8>>) {
        let tail = if let Some(element) = ty.strip_suffix("[]") {
            let len = ch.next() % 5;
            let mut tail = U256::from(len).to_be_bytes::<32>().to_vec();
            for _ in 0..len {
                tail.extend_from_slice(self.static_word(element, ch).as_slice());
            }
            tail
        } else if ty == "string" || ty == "bytes" {
            let len = ch.next() as usize % 80;
            let mut tail = U256::from(len).to_be_bytes::<32>().to_vec();
            let text = format!("{:0>80}", ch.next());
            tail.extend_from_slice(&text.as_bytes()[..len]);
            tail.resize(32 + len.div_ceil(32) * 32, 0);
            tail
        } else {
            head.extend_from_slice(self.static_word(ty, ch).as_slice());
            return;
        };
        head.extend_from_slice(&[0u8; 32]);
        tails.push(tail);
    }

    fn calldata(&self, input: &Input) -> Bytes {
        let function = match input.selector {
            Selector::Known(i) => {
                let all = functions(input.contract);
                Some(&all[i % all.len()])
            }
            Selector::Random(_) => None,
        };
        let mut data = match (&input.selector, function) {
            (_, Some(f)) => f.selector.to_vec(),
            (Selector::Random(s), None) => s.to_vec(),
            (Selector::Known(_), None) => unreachable!("known selectors have a function"),
        };
        match &input.args {
            Args::Bytes(bytes) => data.extend_from_slice(bytes),
            Args::Words(words, tail) => {
                words.iter().for_each(|w| data.extend_from_slice(w));
                data.extend_from_slice(tail);
            }
            Args::Typed { choices, corrupt, truncate } => {
                let mut ch = Choices(choices.iter());
                let params = function.map_or(&[][..], |f| &f.params[..]);
                let (mut head, mut tails) = (Vec::new(), Vec::new());
                let mut dynamic_slots = Vec::new();
                for ty in params {
                    let before = tails.len();
                    let slot = head.len();
                    self.encode(ty, &mut ch, &mut head, &mut tails);
                    if tails.len() > before {
                        dynamic_slots.push(slot);
                    }
                }
                let mut offset = head.len();
                for (slot, tail) in dynamic_slots.iter().zip(&tails) {
                    head[*slot..*slot + 32].copy_from_slice(&U256::from(offset).to_be_bytes::<32>());
                    offset += tail.len();
                }
                let mut args = head;
                tails.iter().for_each(|t| args.extend_from_slice(t));
                for (i, byte) in corrupt {
                    if !args.is_empty() {
                        let len = args.len();
                        args[i % len] = *byte;
                    }
                }
                if let Some(cut) = truncate {
                    args.truncate(cut % (args.len() + 1));
                }
                data.extend_from_slice(&args);
            }
        }
        data.into()
    }
}

fn total_balance(state: &Snapshot) -> U256 {
    state.accounts.values().fold(U256::ZERO, |sum, a| sum + a.balance)
}

/// How the cases went: [eth_call ok, eth_call failed, tx ok, tx failed].
type Tally = [u32; 4];

/// One random call or transaction, checked.
fn check(system: &mut System, input: &Input, tally: &mut Tally) -> Result<(), TestCaseError> {
    let data = system.calldata(input);
    let to = system.contracts[input.contract];
    let key = system.keys[input.from].clone();
    let from = address_of(&key);
    let value = U256::from(input.value);
    let chain = &mut system.chain;
    let before = chain.engine.state().snapshot();
    if input.call {
        let output = chain.engine.call(&CallRequest {
            from,
            to: Some(to),
            gas: Some(TX_GAS),
            value,
            input: data,
            ..CallRequest::default()
        });
        prop_assert!(output.gas_used <= TX_GAS);
        prop_assert_eq!(chain.engine.state().snapshot(), before, "an eth_call changed state");
        tally[usize::from(!output.success())] += 1;
        return Ok(());
    }
    let receipt = chain.send_with_gas(&key, Some(to), value, data, TX_GAS);
    let after = chain.engine.state().snapshot();
    prop_assert!(receipt.gas_used <= TX_GAS);
    prop_assert_eq!(total_balance(&after), total_balance(&before), "ETH created or destroyed");
    tally[2 + usize::from(!receipt.status)] += 1;
    if receipt.status {
        return Ok(());
    }
    // A failed transaction: its gas is paid and its nonce used, nothing else.
    prop_assert!(receipt.logs.is_empty(), "a failed transaction kept logs");
    let fee = U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price);
    let network_fee_account = chain.engine.config().network_fee_account;
    let mut expected = before.clone();
    let sender = expected.accounts.get_mut(&from).expect("the sender exists");
    sender.nonce += 1;
    sender.balance -= fee;
    expected.accounts.entry(network_fee_account).or_default().balance += fee;
    prop_assert_eq!(&after.storage, &expected.storage, "a failed transaction changed storage");
    prop_assert_eq!(&after.programs, &expected.programs, "a failed transaction changed programs");
    prop_assert_eq!(after, expected, "a failed transaction changed accounts beyond its gas");
    Ok(())
}

fn config(default_cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default_cases);
    Config { cases, failure_persistence: None, ..Config::default() }
}

/// Runs sequences of random calls, each sequence from the freshly deployed system.
fn fuzz(with_splitter: bool, strategy: impl Strategy<Value = Vec<Input>>, cases: u32) {
    let system = RefCell::new(system(with_splitter));
    let tally = RefCell::new(Tally::default());
    let mut runner = TestRunner::new(config(cases));
    let result = runner.run(&strategy, |inputs| {
        let mut system = system.borrow_mut();
        let base = system.base.clone();
        system.chain.engine.revert_to_snapshot(base);
        for input in &inputs {
            check(&mut system, input, &mut tally.borrow_mut())?;
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    let [call_ok, call_failed, tx_ok, tx_failed] = *tally.borrow();
    println!("eth_calls: {call_ok} succeeded, {call_failed} failed; transactions: {tx_ok} succeeded, {tx_failed} failed");
}

#[test]
fn random_calldata_to_the_contracts_never_panics_and_failures_change_nothing() {
    fuzz(true, vec(input(), 1..4), 96);
}

#[test]
fn random_calldata_without_the_splitter_wired() {
    fuzz(false, vec(input(), 1..4), 64);
}

#[test]
fn random_selectors_with_random_bytes() {
    let raw = (0usize..3, any::<[u8; 4]>(), vec(any::<u8>(), 0..200), 0usize..3, any::<bool>()).prop_map(
        |(contract, selector, bytes, from, call)| Input {
            contract,
            selector: Selector::Random(selector),
            args: Args::Bytes(bytes),
            from,
            value: 0,
            call,
        },
    );
    fuzz(true, vec(raw, 1..3), 64);
}

