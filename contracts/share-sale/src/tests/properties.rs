//! Property tests of the sale with the real share token: random buys (for oneself and for
//! others, at and past the caps, zero, early and late), time moves, pauses, cancellations,
//! finalizations, refunds, claims and proceeds withdrawals, in ETH and in 6- and 18-decimal
//! tokens (some charging a fee on transfer), with a treasury that accepts or refuses ETH.
//! Every call's outcome is predicted by an independent model of the rules. After every step:
//!
//! 1. payments received (what arrived) = refunds paid + proceeds sent + still held, to the base
//!    unit, and the contract's ledger agrees with the model's;
//! 2. shares minted = shares claimed, never more than sold, and 0 unless the sale was finalized;
//! 3. no account is refunded more than it paid (exactly what it paid, once);
//! 4. the contract holds enough to pay every pending refund and the proceeds still owed.
//!
//! Each case then runs the sale to its end (finalize and claim everything, or refund
//! everything) and checks that every share sold was minted in a success, none in a failure,
//! and that the contract is left holding nothing.
//!
//! Cases: `PROPTEST_CASES` (default 2,000, the CI floor).

use alloy_primitives::{Address, U256, U512};
use motsu::prelude::*;
use openzeppelin_stylus::{access::control::IAccessControl, token::erc20::IErc20};
use proptest::prelude::*;
use rig_shares::RigShares;
use rigshare_common::MINTER_ROLE;
use stylus_sdk::types::AddressVM;

use super::mocks::{EthRejecter, EthWallet, PayToken};
use crate::{
    clock, ShareSale, FINALIZE_WINDOW, SHARE_UNIT, STATE_CANCELLED, STATE_FAILED, STATE_OPEN, STATE_PENDING,
    STATE_SUCCEEDED,
};

const OPENS_IN: u64 = 50;

/// What the cases reached, counted over the whole run, so the test fails if the generator
/// stops reaching an outcome: buys accepted and refused, finalizations (ETH pushed and held),
/// refunds, claims, cancellations, withdrawals, successes and failures run to the end.
#[derive(Default, Debug)]
struct Reached {
    bought: u32,
    refused: u32,
    finalized: u32,
    held: u32,
    refunded: u32,
    claimed: u32,
    cancelled: u32,
    withdrawn: u32,
    succeeded: u32,
    failed: u32,
    fee_token: u32,
}

std::thread_local! {
    static REACHED: core::cell::RefCell<Reached> = core::cell::RefCell::new(Reached::default());
}

fn reached(f: impl FnOnce(&mut Reached)) {
    REACHED.with(|r| f(&mut r.borrow_mut()));
}
const LASTS: u64 = 1_000;

#[derive(Clone, Copy, Debug)]
enum Asset {
    Eth,
    Token { decimals: u8, fee_bps: u16 },
}

#[derive(Clone, Debug)]
enum Amount {
    /// Some share units within what the beneficiary may still buy (it may fall under the
    /// minimum).
    Units(u128),
    /// Any number of share units up to the hard cap.
    Any(u128),
    /// Exactly what remains under the hard cap.
    Remaining,
    /// One unit more than remains.
    PastCap,
    /// What takes the beneficiary exactly to its maximum.
    ToAccountMax,
    /// One unit past the beneficiary's maximum.
    PastAccountMax,
    Zero,
}

#[derive(Clone, Debug)]
enum Op {
    Buy(usize, Amount),
    BuyFor(usize, usize, Amount),
    Warp(u64),
    Pause(bool),
    Cancel,
    Finalize,
    Refund(usize),
    Claim(usize),
    Withdraw,
}

#[derive(Clone, Debug)]
struct Scenario {
    asset: Asset,
    buyers: usize,
    price_raw: u128,
    hard_cap_raw: u128,
    whole_shares: bool,
    min_permille: u16,
    max_permille: u16,
    soft_permille: u16,
    treasury_rejects: bool,
    /// Whether the case starts with the sale open (else pending, until a time move).
    starts_open: bool,
    /// Whether `Cancel` steps act (else they are skipped), so that most cases run to an end.
    may_cancel: bool,
    ops: Vec<Op>,
}

fn amount() -> impl Strategy<Value = Amount> {
    prop_oneof![
        8 => any::<u128>().prop_map(Amount::Units),
        2 => any::<u128>().prop_map(Amount::Any),
        2 => Just(Amount::Remaining),
        1 => Just(Amount::PastCap),
        2 => Just(Amount::ToAccountMax),
        1 => Just(Amount::PastAccountMax),
        1 => Just(Amount::Zero),
    ]
}

fn op(buyers: usize) -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => (0..buyers, amount()).prop_map(|(b, a)| Op::Buy(b, a)),
        3 => (0..buyers, 0..buyers, amount()).prop_map(|(p, b, a)| Op::BuyFor(p, b, a)),
        3 => prop_oneof![6 => 0u64..200, 1 => Just(OPENS_IN), 1 => Just(LASTS), 1 => Just(FINALIZE_WINDOW)].prop_map(Op::Warp),
        1 => any::<bool>().prop_map(Op::Pause),
        1 => Just(Op::Cancel),
        2 => Just(Op::Finalize),
        3 => (0..buyers).prop_map(Op::Refund),
        3 => (0..buyers).prop_map(Op::Claim),
        1 => Just(Op::Withdraw),
    ]
}

fn asset() -> impl Strategy<Value = Asset> {
    prop_oneof![
        2 => Just(Asset::Eth),
        2 => (prop_oneof![Just(6u8), Just(18u8)], prop_oneof![3 => Just(0u16), 1 => 1u16..=500])
            .prop_map(|(decimals, fee_bps)| Asset::Token { decimals, fee_bps }),
    ]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (1usize..=5, asset())
        .prop_flat_map(|(buyers, asset)| {
            (
                Just(buyers),
                Just(asset),
                any::<u128>(),
                any::<u128>(),
                any::<bool>(),
                (0u16..=300, 1u16..=1_000, prop_oneof![3 => 0u16..=600, 1 => 0u16..=1_000]),
                (any::<bool>(), prop::bool::weighted(0.8), prop::bool::weighted(0.25)),
                proptest::collection::vec(op(buyers), 1..40),
            )
        })
        .prop_map(|(buyers, asset, price_raw, hard_cap_raw, whole_shares, (min_permille, max_permille, soft_permille), (treasury_rejects, starts_open, may_cancel), ops)| {
            Scenario {
                asset,
                buyers,
                price_raw,
                hard_cap_raw,
                whole_shares,
                min_permille,
                max_permille,
                soft_permille,
                treasury_rejects,
                starts_open,
                may_cancel,
                ops,
            }
        })
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000)
}

/// The exact price of `shares` units rounded up, computed in 512 bits.
fn exact_cost(shares: U256, price: U256) -> U256 {
    let unit = U512::from(SHARE_UNIT);
    let cost = (U512::from(shares) * U512::from(price) + unit - U512::from(1)) / unit;
    U256::from(cost)
}

#[derive(Default, Clone)]
struct Account {
    shares: U256,
    paid: U256,
    settled: bool,
}

/// The model: the configuration and everything that should have happened.
struct Model {
    price: U256,
    start: u64,
    end: u64,
    soft_cap: U256,
    hard_cap: U256,
    min: U256,
    max: U256,
    fee_bps: u16,
    eth: bool,
    accounts: Vec<Account>,
    sold: U256,
    received: U256,
    refunded: U256,
    sent: U256,
    owed: U256,
    minted: U256,
    paused: bool,
    cancelled: bool,
    finalized: bool,
}

impl Model {
    fn state(&self) -> u8 {
        let now = clock::now();
        if self.cancelled {
            STATE_CANCELLED
        } else if self.finalized {
            STATE_SUCCEEDED
        } else if now < self.start {
            STATE_PENDING
        } else if now < self.end && self.sold < self.hard_cap {
            STATE_OPEN
        } else if self.received >= self.soft_cap && now < self.end + FINALIZE_WINDOW {
            STATE_SUCCEEDED
        } else {
            STATE_FAILED
        }
    }

    fn arrived(&self, cost: U256) -> U256 {
        cost - cost * U256::from(self.fee_bps) / U256::from(10_000)
    }

    /// Whether a purchase of `shares` for `beneficiary` should go through.
    fn buy_allowed(&self, beneficiary: usize, shares: U256) -> bool {
        let remaining = self.hard_cap - self.sold;
        let total = self.accounts[beneficiary].shares + shares;
        !self.paused
            && self.state() == STATE_OPEN
            && !shares.is_zero()
            && shares <= remaining
            && (total >= self.min || shares == remaining)
            && total <= self.max
    }
}

struct World {
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    token: Option<Contract<PayToken>>,
    buyers: Vec<Address>,
    treasury: Address,
    vault: Address,
    admin: Address,
}

impl World {
    fn held(&self, account: Address) -> U256 {
        match &self.token {
            Some(t) => t.sender(self.admin).balance_of(account),
            None => account.balance(),
        }
    }

    fn fund(&self, payer: Address, cost: U256) {
        match &self.token {
            Some(t) => {
                t.sender(payer).mint(payer, cost).motsu_unwrap();
                t.sender(payer).approve(self.sale.address(), cost).motsu_unwrap();
            }
            None => payer.fund(cost),
        }
    }
}

fn run(s: &Scenario) -> Result<(), TestCaseError> {
    clock::reset();
    let wallets: Vec<Contract<EthWallet>> = (0..s.buyers + 1).map(|_| Contract::new()).collect();
    let rejecter = Contract::<EthRejecter>::new();
    let buyers: Vec<Address> = wallets[..s.buyers].iter().map(Contract::address).collect();
    let vault = wallets[s.buyers].address();
    let treasury = if s.treasury_rejects { rejecter.address() } else { vault };
    let admin = Address::repeat_byte(0xad);
    let shares = Contract::<RigShares>::new();
    let sale = Contract::<ShareSale>::new();
    let (token, decimals, fee_bps) = match s.asset {
        Asset::Eth => (None, 18u8, 0u16),
        Asset::Token { decimals, fee_bps } => (Some(Contract::<PayToken>::new()), decimals, fee_bps),
    };
    let asset = token.as_ref().map_or(Address::ZERO, Contract::address);
    if let Some(t) = &token {
        t.sender(admin).set_fee_bps(U256::from(fee_bps));
    }

    // Up to 100 whole payment units per share, any odd number of base units.
    let price = U256::from(s.price_raw % (100 * 10u128.pow(u32::from(decimals))) + 1);
    // 1 to 1,000 shares on sale, whole or with odd units.
    let hard_cap = if s.whole_shares {
        SHARE_UNIT * U256::from(s.hard_cap_raw % 1_000 + 1)
    } else {
        U256::from(s.hard_cap_raw % (1_000 * 10u128.pow(18)) + 1)
    };
    let min = hard_cap * U256::from(s.min_permille) / U256::from(1_000);
    let max = (hard_cap * U256::from(s.max_permille) / U256::from(1_000)).max(min).max(U256::from(1));
    let soft_cap = exact_cost(hard_cap, price) * U256::from(s.soft_permille) / U256::from(1_000);
    let start = clock::now() + OPENS_IN;
    let end = start + LASTS;

    shares
        .sender(admin)
        .constructor("P".into(), "P".into(), U256::ZERO, admin, sale.address(), admin, sale.address())
        .motsu_unwrap();
    sale.sender(admin)
        .constructor(shares.address(), asset, price, start, end, soft_cap, hard_cap, min, max, treasury, admin)
        .motsu_unwrap();
    shares.sender(admin).grant_role(MINTER_ROLE.into(), sale.address()).motsu_unwrap();

    let world = World { shares, sale, token, buyers, treasury, vault, admin };
    let mut m = Model {
        price,
        start,
        end,
        soft_cap,
        hard_cap,
        min,
        max,
        fee_bps,
        eth: s.token_is_eth(),
        accounts: vec![Account::default(); s.buyers],
        sold: U256::ZERO,
        received: U256::ZERO,
        refunded: U256::ZERO,
        sent: U256::ZERO,
        owed: U256::ZERO,
        minted: U256::ZERO,
        paused: false,
        cancelled: false,
        finalized: false,
    };
    if s.starts_open {
        clock::warp(OPENS_IN);
    }
    check(&world, &m)?;

    for o in &s.ops {
        if matches!(o, Op::Cancel) && !s.may_cancel {
            continue;
        }
        step(&world, &mut m, o)?;
        check(&world, &m)?;
    }

    // Run the sale to its end: past the end, finalize if it succeeded, then settle everyone.
    if !m.finalized && !m.cancelled {
        if clock::now() < m.end {
            clock::warp(m.end - clock::now());
        }
        step(&world, &mut m, &Op::Finalize)?;
        check(&world, &m)?;
    }
    for b in 0..s.buyers {
        step(&world, &mut m, &Op::Claim(b))?;
        step(&world, &mut m, &Op::Refund(b))?;
        check(&world, &m)?;
    }
    step(&world, &mut m, &Op::Withdraw)?;
    check(&world, &m)?;
    let supply = world.shares.sender(admin).total_supply();
    reached(|r| if m.finalized { r.succeeded += 1 } else { r.failed += 1 });
    if m.finalized {
        prop_assert_eq!(supply, m.sold, "a success mints every share sold");
        prop_assert_eq!(m.sent, m.received, "a success pays every unit received to the treasury");
    } else {
        prop_assert_eq!(supply, U256::ZERO, "a failure mints nothing");
        prop_assert_eq!(m.refunded, m.received, "a failure refunds every unit received");
    }
    prop_assert_eq!(world.held(world.sale.address()), U256::ZERO, "nothing is left behind");
    clock::reset();
    Ok(())
}

impl Scenario {
    fn token_is_eth(&self) -> bool {
        matches!(self.asset, Asset::Eth)
    }
}

fn shares_for(m: &Model, beneficiary: usize, a: &Amount) -> U256 {
    let remaining = m.hard_cap - m.sold;
    let bought = m.accounts[beneficiary].shares;
    match *a {
        Amount::Units(raw) => {
            let headroom = m.max.saturating_sub(bought).min(remaining);
            U256::from(raw) % headroom.max(U256::from(1)) + U256::from(1)
        }
        Amount::Any(raw) => U256::from(raw) % m.hard_cap + U256::from(1),
        Amount::Remaining => remaining,
        Amount::PastCap => remaining + U256::from(1),
        Amount::ToAccountMax => m.max.saturating_sub(bought),
        Amount::PastAccountMax => m.max.saturating_sub(bought) + U256::from(1),
        Amount::Zero => U256::ZERO,
    }
}

fn step(w: &World, m: &mut Model, o: &Op) -> Result<(), TestCaseError> {
    let admin = w.admin;
    match *o {
        Op::Buy(b, ref a) | Op::BuyFor(_, b, ref a) => {
            let payer = match *o {
                Op::BuyFor(p, _, _) => w.buyers[p],
                _ => w.buyers[b],
            };
            let beneficiary = w.buyers[b];
            let n = shares_for(m, b, a);
            let cost = exact_cost(n, m.price);
            prop_assert_eq!(w.sale.sender(payer).cost_of(n).motsu_unwrap(), cost);
            w.fund(payer, cost);
            let value = if m.eth { cost } else { U256::ZERO };
            let result = match *o {
                Op::BuyFor(..) => w.sale.sender_and_value(payer, value).buy_for(beneficiary, n).motsu_res(),
                _ => w.sale.sender_and_value(payer, value).buy(n).motsu_res(),
            };
            if m.buy_allowed(b, n) {
                prop_assert!(result.is_ok(), "buy {} for {} refused: {:?}", n, b, result.err());
                // Every share unit sold costs something.
                prop_assert!(!cost.is_zero());
                let arrived = m.arrived(cost);
                let acc = &mut m.accounts[b];
                acc.shares += n;
                acc.paid += arrived;
                m.sold += n;
                m.received += arrived;
                reached(|r| {
                    r.bought += 1;
                    r.fee_token += u32::from(m.fee_bps > 0);
                });
            } else {
                prop_assert!(result.is_err(), "buy {} for {} accepted", n, b);
                reached(|r| r.refused += 1);
            }
        }
        Op::Warp(dt) => clock::warp(dt),
        Op::Pause(on) => {
            let result = if on { w.sale.sender(admin).pause().motsu_res() } else { w.sale.sender(admin).unpause().motsu_res() };
            prop_assert_eq!(result.is_ok(), on != m.paused);
            m.paused = on;
        }
        Op::Cancel => {
            let ok = !m.finalized && !m.cancelled;
            prop_assert_eq!(w.sale.sender(admin).cancel().motsu_res().is_ok(), ok);
            m.cancelled |= ok;
            reached(|r| r.cancelled += u32::from(ok));
        }
        Op::Finalize => {
            let ok = !m.finalized && m.state() == STATE_SUCCEEDED;
            let treasury_before = w.held(w.treasury);
            prop_assert_eq!(w.sale.sender(w.vault).finalize().motsu_res().is_ok(), ok);
            if ok {
                m.finalized = true;
                reached(|r| r.finalized += 1);
                let paid = w.held(w.treasury) - treasury_before;
                // ETH pushed to a rejecting treasury stays owed; everything else arrives.
                if m.eth && w.treasury != w.vault && !m.received.is_zero() {
                    prop_assert_eq!(paid, U256::ZERO);
                    m.owed = m.received;
                    reached(|r| r.held += 1);
                } else {
                    prop_assert_eq!(paid, m.received);
                    m.sent = m.received;
                }
            }
        }
        Op::Withdraw => {
            let ok = !m.owed.is_zero();
            let before = w.held(w.vault);
            prop_assert_eq!(w.sale.sender(w.treasury).withdraw_proceeds(w.vault).motsu_res().is_ok(), ok);
            if ok {
                prop_assert_eq!(w.held(w.vault) - before, m.owed);
                m.sent += m.owed;
                m.owed = U256::ZERO;
                reached(|r| r.withdrawn += 1);
            }
        }
        Op::Refund(b) => {
            let account = w.buyers[b];
            let state = m.state();
            let acc = m.accounts[b].clone();
            let ok = (state == STATE_FAILED || state == STATE_CANCELLED) && !acc.shares.is_zero() && !acc.settled;
            let before = w.held(account);
            let result = w.sale.sender(account).refund().motsu_res();
            prop_assert_eq!(result.is_ok(), ok, "refund {}: {:?}", b, result);
            if ok {
                // 3. Exactly what it paid, once.
                prop_assert_eq!(result.unwrap(), acc.paid);
                prop_assert_eq!(w.held(account) - before, acc.paid);
                m.accounts[b].settled = true;
                m.refunded += acc.paid;
                reached(|r| r.refunded += 1);
            } else {
                prop_assert_eq!(w.held(account), before);
            }
        }
        Op::Claim(b) => {
            let account = w.buyers[b];
            let acc = m.accounts[b].clone();
            let ok = m.finalized && !acc.shares.is_zero() && !acc.settled;
            let before = w.shares.sender(admin).balance_of(account);
            prop_assert_eq!(w.sale.sender(account).claim().motsu_res().is_ok(), ok);
            if ok {
                prop_assert_eq!(w.shares.sender(admin).balance_of(account) - before, acc.shares);
                m.accounts[b].settled = true;
                m.minted += acc.shares;
                reached(|r| r.claimed += 1);
            }
        }
    }
    Ok(())
}

fn check(w: &World, m: &Model) -> Result<(), TestCaseError> {
    let view = w.sale.sender(w.admin);
    prop_assert_eq!(view.state(), m.state());
    prop_assert_eq!(view.sold(), m.sold);
    prop_assert_eq!(view.remaining(), m.hard_cap - m.sold);
    prop_assert_eq!(view.finalized(), m.finalized);
    let (raised, refunded, sent, owed, claimed) = view.totals();
    prop_assert_eq!((raised, refunded, sent, owed, claimed), (m.received, m.refunded, m.sent, m.owed, m.minted));
    let held = w.held(w.sale.address());
    // 1. Conservation to the base unit.
    prop_assert_eq!(m.received, m.refunded + m.sent + held);
    // 2. Shares exist only for claims of a finalized sale.
    let supply = w.shares.sender(w.admin).total_supply();
    prop_assert_eq!(supply, m.minted);
    prop_assert!(supply <= m.sold);
    if !m.finalized {
        prop_assert!(supply.is_zero());
    }
    // 3 and 4. Every pending refund (or the proceeds owed) is covered.
    let mut pending = U256::ZERO;
    for (i, a) in m.accounts.iter().enumerate() {
        prop_assert_eq!(view.purchase_of(w.buyers[i]), (a.shares, a.paid, a.settled));
        if !a.settled {
            pending += a.paid;
        }
    }
    if m.finalized {
        prop_assert_eq!(held, m.owed);
    } else {
        prop_assert_eq!(held, pending);
    }
    Ok(())
}

#[test]
fn accounting_holds_under_random_operations() {
    let config = ProptestConfig { cases: cases(), ..ProptestConfig::default() };
    proptest!(config, |(s in scenario())| {
        run(&s)?;
    });
    REACHED.with(|r| {
        let r = r.borrow();
        println!("{r:?}");
        let all = [r.bought, r.refused, r.finalized, r.held, r.refunded, r.claimed, r.cancelled, r.withdrawn, r.succeeded, r.failed, r.fee_token];
        assert!(cases() < 500 || all.iter().all(|&n| n > 0), "some outcome was never reached: {r:?}");
    });
}
