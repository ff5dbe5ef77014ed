//! Property tests of the splitters' accounting with the real share token: one to three
//! splitters bound to the same token at once (each with its own payout asset, 8 or 18
//! decimals, its own streaming window or none, its own payees and exclusions, some declared
//! before binding), under random sequences of deposits, transfers, mints, burns, exclusions,
//! payee changes, claims and time, over 1-30 holders. After every step, for every splitter:
//!
//! 1. exact conservation in magnified units: the sum of every account's accrual, the carried
//!    remainder and the unvested stream equal holder revenue x 10^39;
//! 2. in wei, to the base unit: deposited = claimed + claimable (all accounts) + carried
//!    remainder, where the carried remainder is exactly (sub-wei fractions + carry +
//!    unvested) / 10^39;
//! 3. without streaming, no account's revenue exceeds its exact pro-rata entitlement (computed
//!    independently by the model) by more than 1 wei per deposit, nor falls short by more;
//! 4. the splitter holds enough of the payout asset to pay every claim;
//! 5. a deposit is refused exactly when no share is eligible.
//!
//! Cases: `PROPTEST_CASES` (default 2,000, the CI floor).

use alloy_primitives::{Address, U256, U512};
use motsu::prelude::*;
use proptest::prelude::*;
use openzeppelin_stylus::token::erc20::IErc20;
use rig_shares::{IRigShares, IRigSharesExtension, RigShares};
use openzeppelin_stylus::access::control::IAccessControl;
use rigshare_common::MINTER_ROLE;

use super::mocks::{EthWallet, PayoutToken};
use crate::{
    IRevenueSplitter, IRevenueSplitterExtension,
    accrual::{self, Pool},
    clock, RevenueSplitter,
};

const M: U256 = accrual::MAGNITUDE;
const PAYEES: usize = 3;
const MAX_SPLITTERS: usize = 3;

#[derive(Clone, Debug)]
enum Op {
    Deposit(usize, u128),
    Transfer(usize, usize, u16),
    Mint(usize, u128),
    Burn(usize, u16),
    Exclude(usize, usize, bool),
    SetPayees(usize, Vec<u16>),
    Claim(usize, usize),
    ClaimPayee(usize, usize),
    Warp(u64),
}

/// One splitter's configuration.
#[derive(Clone, Debug)]
struct Config {
    decimals: u8,
    use_eth: bool,
    window: u64,
    /// Holders declared excluded before binding (applied right after).
    pre_excluded: Vec<usize>,
}

#[derive(Clone, Debug)]
struct Scenario {
    holders: usize,
    splitters: Vec<Config>,
    initial: Vec<u16>,
    ops: Vec<Op>,
}

fn op(holders: usize, splitters: usize) -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..splitters, any::<u128>()).prop_map(|(s, a)| Op::Deposit(s, a)),
        4 => (0..holders, 0..holders, 0u16..=1000).prop_map(|(f, t, p)| Op::Transfer(f, t, p)),
        1 => (0..holders, any::<u128>()).prop_map(|(t, a)| Op::Mint(t, a)),
        1 => (0..holders, 0u16..=1000).prop_map(|(f, p)| Op::Burn(f, p)),
        2 => (0..splitters, 0..holders, any::<bool>()).prop_map(|(s, h, e)| Op::Exclude(s, h, e)),
        1 => (0..splitters, proptest::collection::vec(1u16..=4_000, 0..=PAYEES)).prop_map(|(s, b)| Op::SetPayees(s, b)),
        2 => (0..splitters, 0..holders).prop_map(|(s, h)| Op::Claim(s, h)),
        1 => (0..splitters, 0..PAYEES).prop_map(|(s, p)| Op::ClaimPayee(s, p)),
        2 => (0u64..5_000).prop_map(Op::Warp),
    ]
}

fn config(holders: usize) -> impl Strategy<Value = Config> {
    (
        prop_oneof![Just(8u8), Just(18u8)],
        any::<bool>(),
        prop_oneof![2 => Just(0u64), 1 => Just(3_600u64)],
        proptest::collection::vec(0..holders, 0..=2),
    )
        .prop_map(|(decimals, eth, window, mut pre)| {
            pre.sort_unstable();
            pre.dedup();
            Config { decimals, use_eth: eth && decimals == 18, window, pre_excluded: pre }
        })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (1usize..=30, 1usize..=MAX_SPLITTERS)
        .prop_flat_map(|(holders, splitters)| {
            (
                Just(holders),
                proptest::collection::vec(config(holders), splitters),
                proptest::collection::vec(0u16..=1000, holders),
                proptest::collection::vec(op(holders, splitters), 1..24),
            )
        })
        .prop_map(|(holders, splitters, initial, ops)| Scenario { holders, splitters, initial, ops })
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000)
}

/// The independent model of one splitter: exclusions and each account's exact pro-rata
/// revenue (magnified, rounded down per deposit) for instant splitters.
struct Model {
    excluded: Vec<bool>,
    entitled_mag: Vec<U256>,
    cut_bps: Vec<u16>,
    deposits: u64,
    claimed_by_payees: U256,
    claimed_total: U256,
}

/// One splitter under test and its payout token (none for ETH).
struct Split {
    config: Config,
    splitter: Contract<RevenueSplitter>,
    token: Option<Contract<PayoutToken>>,
    model: Model,
}

impl Split {
    fn asset_held(&self, admin: Address) -> U256 {
        match &self.token {
            Some(t) => t.sender(admin).balance_of(self.splitter.address()),
            None => self.splitter.balance(),
        }
    }
}

struct World {
    shares: Contract<RigShares>,
    admin: Address,
    payer: Address,
    /// Holders, then the admin (also a holder).
    accounts: Vec<Address>,
    payees: Vec<Address>,
}

impl World {
    fn balance(&self, a: Address) -> U256 {
        self.shares.sender(self.admin).balance_of(a)
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
    let admin = addresses[s.holders];
    let payees = addresses[s.holders + 1..].to_vec();
    let payer = Address::repeat_byte(0xfe);
    let shares = Contract::<RigShares>::new();
    let unit = U256::from(10u64).pow(U256::from(18u8));
    let supply = unit * U256::from(1_000_000u64);
    let mut accounts = addresses[..s.holders].to_vec();
    accounts.push(admin);
    let world = World { shares, admin, payer, accounts, payees };

    // The pool needs a deed contract with code; any contract will do here.
    world
        .shares
        .sender(admin)
        .constructor("P".into(), "P".into(), supply, admin, addresses[0], admin, addresses[0])
        .motsu_unwrap();
    world.shares.sender(admin).grant_role(MINTER_ROLE.into(), admin).motsu_unwrap();

    // Hand out the supply: holder i gets initial[i]/2000 of what is left.
    for (i, &share) in s.initial.iter().enumerate() {
        let left = world.balance(admin);
        let amount = left * U256::from(share) / U256::from(1_000u64 * 2);
        world.shares.sender(admin).transfer(world.accounts[i], amount).motsu_unwrap();
    }

    let mut splits = Vec::new();
    for config in &s.splitters {
        let splitter = Contract::<RevenueSplitter>::new();
        let token = (!config.use_eth).then(Contract::<PayoutToken>::new);
        let asset = token.as_ref().map_or(Address::ZERO, Contract::address);
        splitter.sender(admin).constructor(world.shares.address(), asset, config.window, admin, splitter.address()).motsu_unwrap();
        for &h in &config.pre_excluded {
            splitter.sender(admin).set_excluded(world.accounts[h], true).motsu_unwrap();
        }
        world.shares.sender(admin).add_revenue_splitter(splitter.address()).motsu_unwrap();
        let mut excluded = vec![false; world.accounts.len()];
        for &h in &config.pre_excluded {
            splitter.sender(payer).apply_exclusion(world.accounts[h]).motsu_unwrap();
            excluded[h] = true;
        }
        let model = Model {
            excluded,
            entitled_mag: vec![U256::ZERO; world.accounts.len() + PAYEES],
            cut_bps: Vec::new(),
            deposits: 0,
            claimed_by_payees: U256::ZERO,
            claimed_total: U256::ZERO,
        };
        splits.push(Split { config: config.clone(), splitter, token, model });
    }

    for o in &s.ops {
        match *o {
            Op::Deposit(k, raw) => {
                let split = &mut splits[k];
                let amount = U256::from(raw) % (scale(split.config.decimals) * U256::from(1_000u64)) + U256::from(1);
                let balances: Vec<U256> = world.accounts.iter().map(|&a| world.balance(a)).collect();
                let eligible: U256 = balances
                    .iter()
                    .zip(&split.model.excluded)
                    .filter(|(_, &e)| !e)
                    .map(|(b, _)| *b)
                    .fold(U256::ZERO, |a, b| a + b);
                if !deposit(&world, split, amount) {
                    // 5. Refused exactly when no share is eligible.
                    prop_assert!(eligible.is_zero(), "deposit refused with {} eligible", eligible);
                    continue;
                }
                prop_assert!(!eligible.is_zero(), "deposit accepted with nothing eligible");
                // Model: payee cuts first, the rest pro rata to eligible balances.
                let model = &mut split.model;
                let mut to_payees = U256::ZERO;
                for (p, &bps) in model.cut_bps.iter().enumerate() {
                    let cut = amount * U256::from(bps) / U256::from(10_000);
                    to_payees += cut;
                    model.entitled_mag[world.accounts.len() + p] += cut * M;
                }
                let to_holders = amount - to_payees;
                for (i, b) in balances.iter().enumerate() {
                    if !model.excluded[i] {
                        // Exact floor of to_holders x M x b / eligible, in 512 bits so nothing wraps.
                        let exact = U512::from(to_holders * M) * U512::from(*b) / U512::from(eligible);
                        model.entitled_mag[i] += U256::from(exact);
                    }
                }
                model.deposits += 1;
            }
            Op::Transfer(f, t, permille) => {
                let from = world.accounts[f];
                let amount = world.balance(from) * U256::from(permille) / U256::from(1_000);
                world.shares.sender(from).transfer(world.accounts[t], amount).motsu_unwrap();
            }
            Op::Mint(t, raw) => {
                let amount = U256::from(raw) % supply;
                world.shares.sender(admin).mint(world.accounts[t], amount).motsu_unwrap();
            }
            Op::Burn(f, permille) => {
                let from = world.accounts[f];
                let amount = world.balance(from) * U256::from(permille) / U256::from(1_000);
                world.shares.sender(from).burn(amount).motsu_unwrap();
            }
            Op::Exclude(k, h, excluded) => {
                let split = &mut splits[k];
                if split.model.excluded[h] != excluded {
                    split.splitter.sender(admin).set_excluded(world.accounts[h], excluded).motsu_unwrap();
                    split.model.excluded[h] = excluded;
                }
            }
            Op::SetPayees(k, ref bps) => {
                let total: u32 = bps.iter().map(|&b| u32::from(b)).sum();
                if total <= 10_000 {
                    let split = &mut splits[k];
                    let accounts = world.payees[..bps.len()].to_vec();
                    split.splitter.sender(admin).set_payees(accounts, bps.clone()).motsu_unwrap();
                    split.model.cut_bps = bps.clone();
                }
            }
            Op::Claim(k, h) => {
                claim(&world, &mut splits[k], world.accounts[h])?;
            }
            Op::ClaimPayee(k, p) => {
                let split = &mut splits[k];
                let before = split.model.claimed_total;
                claim(&world, split, world.payees[p])?;
                split.model.claimed_by_payees += split.model.claimed_total - before;
            }
            Op::Warp(dt) => clock::warp(dt),
        }
        for split in &splits {
            check(&world, split)?;
        }
    }
    clock::reset();
    Ok(())
}

/// Deposits `amount`; false when the splitter refused it for want of an eligible share.
fn deposit(world: &World, split: &Split, amount: U256) -> bool {
    let result = match &split.token {
        Some(t) => {
            t.sender(world.payer).mint(world.payer, amount).motsu_unwrap();
            t.sender(world.payer).approve(split.splitter.address(), amount).motsu_unwrap();
            split.splitter.sender(world.payer).deposit(amount)
        }
        None => {
            world.payer.fund(amount);
            split.splitter.sender_and_value(world.payer, amount).deposit_eth()
        }
    };
    match result {
        Ok(()) => true,
        Err(crate::Error::NothingEligible(_)) => false,
        Err(e) => panic!("deposit failed: {e:?}"),
    }
}

fn claim(world: &World, split: &mut Split, account: Address) -> Result<(), TestCaseError> {
    let owed = split.splitter.sender(account).claimable(account).motsu_unwrap();
    if owed.is_zero() {
        return Ok(());
    }
    let held_before = split.asset_held(world.admin);
    let paid = split.splitter.sender(account).claim().motsu_unwrap();
    prop_assert_eq!(paid, owed);
    prop_assert_eq!(held_before - split.asset_held(world.admin), paid);
    split.model.claimed_total += paid;
    Ok(())
}

fn check(world: &World, split: &Split) -> Result<(), TestCaseError> {
    let model = &split.model;
    let view = split.splitter.sender(world.admin);
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
    for (i, &account) in world.accounts.iter().enumerate() {
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

        if split.config.window == 0 {
            // 3. Pro-rata: within 1 wei per deposit of the exact entitlement, both ways.
            let got = a / M;
            let exact = model.entitled_mag[i] / M;
            let slack = U256::from(model.deposits + 1);
            prop_assert!(got <= exact + slack, "account {} got {} > exact {} + {}", i, got, exact, slack);
            prop_assert!(got + slack >= exact, "account {} got {} < exact {} - {}", i, got, exact, slack);
        }
    }
    let mut payee_credits = U256::ZERO;
    for &p in &world.payees {
        let credit = view.account_state(p).2;
        payee_credits += credit;
        sum_claimable += view.claimable(p).motsu_unwrap();
    }

    // 1. Exact conservation in magnified units.
    prop_assert_eq!(sum_accrual + pool.carry + pool.unvested, to_holders * M);
    // Payee side: everything not for holders is credited or already claimed by payees.
    prop_assert_eq!(deposited - to_holders, payee_credits + model.claimed_by_payees);
    // 2. In wei, to the base unit, with the carried remainder an exact whole number.
    let carried_mag = sum_fractions + pool.carry + pool.unvested;
    prop_assert!((carried_mag % M).is_zero());
    let carried = carried_mag / M;
    prop_assert_eq!(claimed + sum_claimable + carried, deposited);
    prop_assert_eq!(withdrawn_total + model.claimed_by_payees, claimed);
    // 4. The splitter can pay every claim, and holds exactly what it owes (nothing to sync).
    prop_assert!(split.asset_held(world.admin) >= sum_claimable);
    prop_assert_eq!(split.asset_held(world.admin), deposited - claimed);
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
