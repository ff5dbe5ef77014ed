//! Property tests of the splitter's accounting with the real share token: random sequences of
//! deposits, transfers, mints, burns, exclusions, payee changes, claims and (when streaming)
//! time, over 1-50 holders and 8- and 18-decimal payouts. After every step:
//!
//! 1. exact conservation in magnified units: the sum of every account's accrual, the carried
//!    remainder and the unvested stream equal holder revenue x 10^39;
//! 2. in wei: deposited = claimed + claimable (all accounts) + carried remainder, where the
//!    carried remainder is exactly (sub-wei fractions + carry + unvested) / 10^39;
//! 3. without streaming, no account's revenue exceeds its exact pro-rata entitlement (computed
//!    independently by the model) by more than 1 wei per deposit, nor falls short by more;
//! 4. the splitter holds enough of the payout asset to pay every claim.
//!
//! Cases: `PROPTEST_CASES` (default 2,000, the CI floor).

use alloy_primitives::{Address, U256, U512};
use motsu::prelude::*;
use proptest::prelude::*;
use openzeppelin_stylus::token::erc20::IErc20;
use rig_shares::RigShares;
use openzeppelin_stylus::access::control::IAccessControl;
use rigshare_common::MINTER_ROLE;

use super::mocks::{EthWallet, PayoutToken};
use crate::{
    accrual::{self, Pool},
    clock, RevenueSplitter,
};

const M: U256 = accrual::MAGNITUDE;
const PAYEES: usize = 3;

#[derive(Clone, Debug)]
enum Op {
    Deposit(u128),
    Transfer(usize, usize, u16),
    Mint(usize, u128),
    Burn(usize, u16),
    Exclude(usize, bool),
    SetPayees(Vec<u16>),
    Claim(usize),
    ClaimPayee(usize),
    Warp(u64),
}

#[derive(Clone, Debug)]
struct Scenario {
    holders: usize,
    decimals: u8,
    use_eth: bool,
    window: u64,
    initial: Vec<u16>,
    ops: Vec<Op>,
}

fn op(holders: usize) -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => any::<u128>().prop_map(Op::Deposit),
        4 => (0..holders, 0..holders, 0u16..=1000).prop_map(|(f, t, p)| Op::Transfer(f, t, p)),
        1 => (0..holders, any::<u128>()).prop_map(|(t, a)| Op::Mint(t, a)),
        1 => (0..holders, 0u16..=1000).prop_map(|(f, p)| Op::Burn(f, p)),
        1 => (0..holders, any::<bool>()).prop_map(|(h, e)| Op::Exclude(h, e)),
        1 => proptest::collection::vec(1u16..=4_000, 0..=PAYEES).prop_map(Op::SetPayees),
        2 => (0..holders).prop_map(Op::Claim),
        1 => (0..PAYEES).prop_map(Op::ClaimPayee),
        1 => (0u64..5_000).prop_map(Op::Warp),
    ]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (1usize..=50, prop_oneof![Just(8u8), Just(18u8)], any::<bool>(), prop_oneof![2 => Just(0u64), 1 => Just(3_600u64)])
        .prop_flat_map(|(holders, decimals, eth, window)| {
            (
                Just(holders),
                Just(decimals),
                Just(eth && decimals == 18),
                Just(window),
                proptest::collection::vec(0u16..=1000, holders),
                proptest::collection::vec(op(holders), 1..24),
            )
        })
        .prop_map(|(holders, decimals, use_eth, window, initial, ops)| Scenario {
            holders,
            decimals,
            use_eth,
            window,
            initial,
            ops,
        })
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000)
}

/// The independent model: balances, exclusions, and each account's exact pro-rata revenue
/// (magnified, rounded down per deposit) for instant splitters.
struct Model {
    accounts: Vec<Address>,
    payees: Vec<Address>,
    excluded: Vec<bool>,
    entitled_mag: Vec<U256>,
    pending_wei: U256,
    deposits: u64,
    claimed_by_payees: U256,
    claimed_total: U256,
}

struct World {
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    token: Option<Contract<PayoutToken>>,
    admin: Address,
    payer: Address,
}

impl World {
    fn balance(&self, a: Address) -> U256 {
        self.shares.sender(self.admin).balance_of(a)
    }

    fn asset_held(&self) -> U256 {
        match &self.token {
            Some(t) => t.sender(self.admin).balance_of(self.splitter.address()),
            None => self.splitter.balance(),
        }
    }
}

fn scale(decimals: u8) -> U256 {
    U256::from(10u64).pow(U256::from(decimals))
}

fn run(s: &Scenario) -> Result<(), TestCaseError> {
    clock::reset();
    // Everyone who may be paid is a wallet contract: motsu delivers ETH only to contracts.
    let wallets: Vec<Contract<EthWallet>> = (0..s.holders + 1 + PAYEES).map(|_| Contract::new()).collect();
    let addresses: Vec<Address> = wallets.iter().map(Contract::address).collect();
    let accounts = addresses[..s.holders].to_vec();
    let admin = addresses[s.holders];
    let payees = addresses[s.holders + 1..].to_vec();
    let payer = Address::repeat_byte(0xfe);
    let shares = Contract::<RigShares>::new();
    let splitter = Contract::<RevenueSplitter>::new();
    let token = (!s.use_eth).then(Contract::<PayoutToken>::new);
    let asset = token.as_ref().map_or(Address::ZERO, Contract::address);
    let unit = U256::from(10u64).pow(U256::from(18u8));
    let supply = unit * U256::from(1_000_000u64);

    shares
        .sender(admin)
        .constructor("P".into(), "P".into(), supply, admin, splitter.address(), admin)
        .motsu_unwrap();
    shares.sender(admin).grant_role(MINTER_ROLE.into(), admin).motsu_unwrap();
    splitter.sender(admin).constructor(shares.address(), asset, s.window, admin).motsu_unwrap();
    shares.sender(admin).set_revenue_splitter(splitter.address()).motsu_unwrap();
    let world = World { shares, splitter, token, admin, payer };

    // Hand out the supply: holder i gets initial[i]/1000 of a thousandth... of what is left.
    for (i, &share) in s.initial.iter().enumerate() {
        let left = world.balance(admin);
        let amount = left * U256::from(share) / U256::from(1_000u64 * 2);
        world.shares.sender(admin).transfer(accounts[i], amount).motsu_unwrap();
    }

    // Index 0..holders are holders, then the admin (also a holder), then payees.
    let mut all = accounts.clone();
    all.push(admin);
    let mut model = Model {
        excluded: vec![false; all.len()],
        entitled_mag: vec![U256::ZERO; all.len() + PAYEES],
        accounts: all,
        payees: payees.clone(),
        pending_wei: U256::ZERO,
        deposits: 0,
        claimed_by_payees: U256::ZERO,
        claimed_total: U256::ZERO,
    };
    let mut cut_bps: Vec<u16> = Vec::new();
    let max_deposit = scale(s.decimals) * U256::from(1_000u64);

    for o in &s.ops {
        match *o {
            Op::Deposit(raw) => {
                let amount = U256::from(raw) % max_deposit + U256::from(1);
                deposit(&world, amount);
                // Model: payee cuts first, the rest pro rata to eligible balances.
                let mut to_payees = U256::ZERO;
                for (p, &bps) in cut_bps.iter().enumerate() {
                    let cut = amount * U256::from(bps) / U256::from(10_000);
                    to_payees += cut;
                    let idx = model.accounts.len() + p;
                    model.entitled_mag[idx] += cut * M;
                }
                let to_holders = amount - to_payees + model.pending_wei;
                let balances: Vec<U256> = model.accounts.iter().map(|&a| world.balance(a)).collect();
                let eligible: U256 = balances
                    .iter()
                    .zip(&model.excluded)
                    .filter(|(_, &e)| !e)
                    .map(|(b, _)| *b)
                    .fold(U256::ZERO, |a, b| a + b);
                if eligible.is_zero() {
                    model.pending_wei = to_holders;
                } else {
                    model.pending_wei = U256::ZERO;
                    for (i, b) in balances.iter().enumerate() {
                        if !model.excluded[i] {
                            // Exact floor of to_holders x M x b / eligible, in 512 bits so nothing wraps.
                            let exact = U512::from(to_holders * M) * U512::from(*b) / U512::from(eligible);
                            model.entitled_mag[i] += U256::from(exact);
                        }
                    }
                }
                model.deposits += 1;
            }
            Op::Transfer(f, t, permille) => {
                let from = model.accounts[f];
                let amount = world.balance(from) * U256::from(permille) / U256::from(1_000);
                world.shares.sender(from).transfer(model.accounts[t], amount).motsu_unwrap();
            }
            Op::Mint(t, raw) => {
                let amount = U256::from(raw) % supply;
                world.shares.sender(admin).mint(model.accounts[t], amount).motsu_unwrap();
            }
            Op::Burn(f, permille) => {
                let from = model.accounts[f];
                let amount = world.balance(from) * U256::from(permille) / U256::from(1_000);
                world.shares.sender(from).burn(amount).motsu_unwrap();
            }
            Op::Exclude(h, excluded) => {
                if model.excluded[h] != excluded {
                    world.splitter.sender(admin).set_excluded(model.accounts[h], excluded).motsu_unwrap();
                    model.excluded[h] = excluded;
                }
            }
            Op::SetPayees(ref bps) => {
                let total: u32 = bps.iter().map(|&b| u32::from(b)).sum();
                if total <= 10_000 {
                    let accounts = payees[..bps.len()].to_vec();
                    world.splitter.sender(admin).set_payees(accounts, bps.clone()).motsu_unwrap();
                    cut_bps = bps.clone();
                }
            }
            Op::Claim(h) => {
                let account = model.accounts[h];
                claim(&world, &mut model, account)?;
            }
            Op::ClaimPayee(p) => {
                let before = model.claimed_total;
                claim(&world, &mut model, payees[p])?;
                model.claimed_by_payees += model.claimed_total - before;
            }
            Op::Warp(dt) => {
                if s.window > 0 {
                    clock::warp(dt);
                }
            }
        }
        check(&world, &model, s)?;
    }
    clock::reset();
    Ok(())
}

fn deposit(world: &World, amount: U256) {
    match &world.token {
        Some(t) => {
            t.sender(world.payer).mint(world.payer, amount).motsu_unwrap();
            t.sender(world.payer).approve(world.splitter.address(), amount).motsu_unwrap();
            world.splitter.sender(world.payer).deposit(amount).motsu_unwrap();
        }
        None => {
            world.payer.fund(amount);
            world.splitter.sender_and_value(world.payer, amount).deposit_eth().motsu_unwrap();
        }
    }
}

fn claim(world: &World, model: &mut Model, account: Address) -> Result<(), TestCaseError> {
    let owed = world.splitter.sender(account).claimable(account).motsu_unwrap();
    if owed.is_zero() {
        return Ok(());
    }
    let held_before = world.asset_held();
    let paid = world.splitter.sender(account).claim().motsu_unwrap();
    prop_assert_eq!(paid, owed);
    prop_assert_eq!(held_before - world.asset_held(), paid);
    model.claimed_total += paid;
    Ok(())
}

fn check(world: &World, model: &Model, s: &Scenario) -> Result<(), TestCaseError> {
    let view = world.splitter.sender(world.admin);
    let (deposited, to_holders, claimed, _, _) = view.totals();
    prop_assert_eq!(claimed, model.claimed_total);

    // The pool as the views see it: the stored one released up to now.
    let (acc, carry, unvested, rate, stream_end, last_release) = view.accumulator();
    let mut pool = Pool { acc, carry, unvested, rate, stream_end, last_release };
    pool.release(clock::now(), view.eligible_supply());

    let mut sum_accrual = U256::ZERO;
    let mut sum_fractions = U256::ZERO;
    let mut sum_claimable = U256::ZERO;
    let mut withdrawn_total = U256::ZERO;
    for (i, &account) in model.accounts.iter().enumerate() {
        let (correction, withdrawn, credit) = view.account_state(account);
        let excluded = view.is_excluded(account);
        prop_assert_eq!(excluded, model.excluded[i]);
        let a = accrual::accrual(pool.acc, correction, world.balance(account), excluded);
        sum_accrual += a;
        sum_fractions += a % M;
        withdrawn_total += withdrawn;
        let claimable = view.claimable(account).motsu_unwrap();
        prop_assert_eq!(claimable, a / M - withdrawn + credit);
        sum_claimable += claimable;

        if s.window == 0 && model.pending_wei.is_zero() {
            // 3. Pro-rata: within 1 wei per deposit of the exact entitlement, both ways.
            let got = a / M;
            let exact = model.entitled_mag[i] / M;
            let slack = U256::from(model.deposits + 1);
            prop_assert!(got <= exact + slack, "account {} got {} > exact {} + {}", i, got, exact, slack);
            prop_assert!(got + slack >= exact, "account {} got {} < exact {} - {}", i, got, exact, slack);
        }
    }
    let mut payee_credits = U256::ZERO;
    for &p in &model.payees {
        if model.accounts.contains(&p) {
            continue;
        }
        let credit = view.account_state(p).2;
        payee_credits += credit;
        sum_claimable += view.claimable(p).motsu_unwrap();
    }

    // 1. Exact conservation in magnified units.
    prop_assert_eq!(sum_accrual + pool.carry + pool.unvested, to_holders * M);
    // Payee side: everything not for holders is credited or already claimed by payees.
    prop_assert_eq!(deposited - to_holders, payee_credits + model.claimed_by_payees);
    // 2. In wei, with the carried remainder an exact whole number.
    let carried_mag = sum_fractions + pool.carry + pool.unvested;
    prop_assert!((carried_mag % M).is_zero());
    let carried = carried_mag / M;
    prop_assert_eq!(claimed + sum_claimable + carried, deposited);
    prop_assert_eq!(withdrawn_total + model.claimed_by_payees, claimed);
    // 4. The splitter can pay every claim.
    prop_assert!(world.asset_held() >= sum_claimable);
    Ok(())
}

#[test]
fn accounting_holds_under_random_operations() {
    let config = ProptestConfig { cases: cases(), ..ProptestConfig::default() };
    proptest!(config, |(s in scenario())| {
        let _precompiles = motsu::prelude::deploy_precompiles();
        run(&s)?;
    });
}
