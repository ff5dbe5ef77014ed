//! Native tests of the sale wired to the real share token (motsu runs both contracts).
#![allow(clippy::too_many_arguments)]

mod mocks;
mod properties;

use alloy_primitives::{uint, Address, U256};
use motsu::prelude::*;
use openzeppelin_stylus::{
    access::control::{AccessControlUnauthorizedAccount, IAccessControl},
    token::erc20::IErc20,
    utils::pausable::{EnforcedPause, IPausable},
};
use rig_shares::{IRigSharesExtension, RigShares};
use rigshare_common::{ADMIN_ROLE, MINTER_ROLE};

use self::mocks::{EthRejecter, EthWallet, PayToken, ReentrantRefunder};
use super::*;
use crate::clock;

/// One whole share (18 decimals).
const SHARE: U256 = uint!(1_000000000000000000_U256);
const ETH: U256 = uint!(1_000000000000000000_U256);
/// 0.01 ETH per share.
const ETH_PRICE: U256 = uint!(10000000000000000_U256);
/// 10 units of a 6-decimal stablecoin per share.
const USD_PRICE: U256 = uint!(10_000000_U256);
const OPENS_IN: u64 = 100;
const LASTS: u64 = 1_000;

fn shares_of(n: u64) -> U256 {
    SHARE * U256::from(n)
}

/// The sale's configuration; `Cfg::eth()` and `Cfg::usd(token)` are the usual ones.
#[derive(Clone, Copy)]
struct Cfg {
    asset: Address,
    price: U256,
    soft_cap: U256,
    hard_cap: U256,
    min: U256,
    max: U256,
}

impl Cfg {
    /// ETH at 0.01 per share: 1,000 shares for sale, soft cap 2 ETH (200 shares), 1 to 500
    /// shares per account.
    fn eth() -> Self {
        Self {
            asset: Address::ZERO,
            price: ETH_PRICE,
            soft_cap: ETH * U256::from(2),
            hard_cap: shares_of(1_000),
            min: shares_of(1),
            max: shares_of(500),
        }
    }

    /// A 6-decimal stablecoin at 10 per share, same caps (soft cap 2,000 units of 10^6).
    fn usd(token: Address) -> Self {
        Self { asset: token, price: USD_PRICE, soft_cap: U256::from(2_000_000_000u64), ..Self::eth() }
    }
}

/// The share token (no initial supply) and the sale over it, the sale holding MINTER_ROLE.
/// Returns (start, end).
fn setup(shares: &Contract<RigShares>, sale: &Contract<ShareSale>, admin: Address, treasury: Address, cfg: Cfg) -> (u64, u64) {
    clock::reset();
    // RigShares needs a deed contract with code; these tests never touch deeds.
    shares
        .sender(admin)
        .constructor("Pool One".into(), "POOL1".into(), U256::ZERO, admin, sale.address(), admin, sale.address())
        .motsu_unwrap();
    let start = clock::now() + OPENS_IN;
    let end = start + LASTS;
    sale.sender(admin)
        .constructor(shares.address(), cfg.asset, cfg.price, start, end, cfg.soft_cap, cfg.hard_cap, cfg.min, cfg.max, treasury, admin)
        .motsu_unwrap();
    shares.sender(admin).grant_role(MINTER_ROLE.into(), sale.address()).motsu_unwrap();
    (start, end)
}

fn open() {
    clock::warp(OPENS_IN);
}

fn close() {
    clock::warp(LASTS);
}

/// Buys `amount` share units with exactly their cost in ETH.
fn buy_eth(sale: &Contract<ShareSale>, buyer: Address, amount: U256) -> U256 {
    let cost = sale.sender(buyer).cost_of(amount).motsu_unwrap();
    buyer.fund(cost);
    sale.sender_and_value(buyer, cost).buy(amount).motsu_unwrap();
    cost
}

/// Mints the buyer the cost, approves it and buys `amount` share units with the token.
fn buy_token(sale: &Contract<ShareSale>, token: &Contract<PayToken>, buyer: Address, amount: U256) -> U256 {
    let cost = sale.sender(buyer).cost_of(amount).motsu_unwrap();
    token.sender(buyer).mint(buyer, cost).motsu_unwrap();
    token.sender(buyer).approve(sale.address(), cost).motsu_unwrap();
    sale.sender(buyer).buy(amount).motsu_unwrap();
    cost
}

// ---------------------------------------------------------------- constructor

#[motsu::test]
fn constructor_records_the_configuration(shares: Contract<RigShares>, sale: Contract<ShareSale>, admin: Address, treasury: Address) {
    let cfg = Cfg::eth();
    let (start, end) = setup(&shares, &sale, admin, treasury, cfg);
    let view = sale.sender(admin);
    assert_eq!(view.share_token(), shares.address());
    assert_eq!(view.payment_asset(), Address::ZERO);
    assert_eq!(view.price(), ETH_PRICE);
    assert_eq!(view.times(), (start, end));
    assert_eq!(view.caps(), (cfg.soft_cap, cfg.hard_cap, cfg.min, cfg.max));
    assert_eq!(view.treasury(), treasury);
    assert_eq!((view.raised(), view.sold(), view.remaining()), (U256::ZERO, U256::ZERO, cfg.hard_cap));
    assert_eq!(view.state(), STATE_PENDING);
    assert!(!view.finalized());
    assert!(view.has_role(ADMIN_ROLE.into(), admin));
    assert!(view.supports_interface(B32::new(ACCESS_CONTROL_INTERFACE_ID)));
}

#[motsu::test]
fn constructor_rejects_each_bad_argument(shares: Contract<RigShares>, sale: Contract<ShareSale>, admin: Address, treasury: Address, eoa: Address) {
    shares
        .sender(admin)
        .constructor("Pool One".into(), "POOL1".into(), U256::ZERO, admin, sale.address(), admin, sale.address())
        .motsu_unwrap();
    let c = Cfg::eth();
    let now = clock::now();
    let token = shares.address();
    let cases: [(u8, Address, Address, U256, u64, u64, U256, U256, U256, U256, Address, Address); 11] = [
        (0, eoa, Address::ZERO, c.price, now, now + 1, c.soft_cap, c.hard_cap, c.min, c.max, treasury, admin),
        (1, token, eoa, c.price, now, now + 1, c.soft_cap, c.hard_cap, c.min, c.max, treasury, admin),
        (2, token, Address::ZERO, U256::ZERO, now, now + 1, c.soft_cap, c.hard_cap, c.min, c.max, treasury, admin),
        (3, token, Address::ZERO, c.price, now, now, c.soft_cap, c.hard_cap, c.min, c.max, treasury, admin),
        (4, token, Address::ZERO, c.price, now, now + 1, U256::ZERO, U256::ZERO, U256::ZERO, c.max, treasury, admin),
        (5, token, Address::ZERO, c.price, now, now + 1, c.soft_cap, c.hard_cap, c.min, U256::ZERO, treasury, admin),
        (5, token, Address::ZERO, c.price, now, now + 1, c.soft_cap, c.hard_cap, c.max + U256::from(1), c.max, treasury, admin),
        (6, token, Address::ZERO, c.price, now, now + 1, ETH * U256::from(10) + U256::from(1), c.hard_cap, c.min, c.max, treasury, admin),
        (7, token, Address::ZERO, c.price, now, now + 1, c.soft_cap, c.hard_cap, c.min, c.max, Address::ZERO, admin),
        (8, token, Address::ZERO, c.price, now, now + 1, c.soft_cap, c.hard_cap, c.min, c.max, treasury, Address::ZERO),
        (9, token, Address::ZERO, U256::MAX, now, now + 1, U256::ZERO, U256::from(2), U256::from(1), U256::from(2), treasury, admin),
    ];
    for (field, st, asset, price, start, end, soft, hard, min, max, tre, adm) in cases {
        let err = sale.sender(admin).constructor(st, asset, price, start, end, soft, hard, min, max, tre, adm).motsu_unwrap_err();
        assert!(matches!(err, Error::InvalidConfig(SaleInvalidConfig { field: f }) if f == field), "field {field}: {err:?}");
    }
}

// ---------------------------------------------------------------- buying

#[motsu::test]
fn buying_is_open_from_start_inclusive_to_end_exclusive(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    admin: Address,
    treasury: Address,
    alice: Address,
) {
    let (start, end) = setup(&shares, &sale, admin, treasury, Cfg::eth());
    alice.fund(ETH);
    clock::warp(OPENS_IN - 1);
    let err = sale.sender_and_value(alice, ETH_PRICE).buy(SHARE).motsu_unwrap_err();
    assert!(matches!(err, Error::NotStarted(SaleNotStarted { start: s }) if s == start));
    clock::warp(1);
    assert_eq!(sale.sender(alice).state(), STATE_OPEN);
    buy_eth(&sale, alice, SHARE);
    clock::warp(LASTS - 1);
    buy_eth(&sale, alice, SHARE);
    clock::warp(1);
    let err = sale.sender_and_value(alice, ETH_PRICE).buy(SHARE).motsu_unwrap_err();
    assert!(matches!(err, Error::Ended(SaleEnded { end: e }) if e == end));
}

#[motsu::test]
fn buying_after_the_end_is_refused(shares: Contract<RigShares>, sale: Contract<ShareSale>, admin: Address, treasury: Address, alice: Address) {
    setup(&shares, &sale, admin, treasury, Cfg::eth());
    open();
    buy_eth(&sale, alice, shares_of(300));
    close();
    clock::warp(FINALIZE_WINDOW * 2);
    alice.fund(ETH);
    for _ in 0..2 {
        let err = sale.sender_and_value(alice, ETH_PRICE).buy(SHARE).motsu_unwrap_err();
        assert!(matches!(err, Error::Ended(_)), "{err:?}");
        let err = sale.sender_and_value(alice, ETH_PRICE).buy_for(admin, SHARE).motsu_unwrap_err();
        assert!(matches!(err, Error::Ended(_)), "{err:?}");
    }
    assert_eq!(sale.sender(alice).sold(), shares_of(300));
}

#[motsu::test]
fn an_eth_purchase_pays_exactly_and_is_recorded(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    admin: Address,
    treasury: Address,
    alice: Address,
) {
    setup(&shares, &sale, admin, treasury, Cfg::eth());
    open();
    let cost = buy_eth(&sale, alice, shares_of(3));
    assert_eq!(cost, ETH_PRICE * U256::from(3));
    assert_eq!(sale.balance(), cost);
    assert_eq!(sale.sender(alice).purchase_of(alice), (shares_of(3), cost, false));
    assert_eq!((sale.sender(alice).sold(), sale.sender(alice).raised()), (shares_of(3), cost));
    assert_eq!(sale.sender(alice).remaining(), shares_of(997));
    sale.assert_emitted(&SharesPurchased { payer: alice, beneficiary: alice, shares: shares_of(3), paid: cost });
    // No share exists before the sale succeeds.
    assert_eq!(shares.sender(alice).total_supply(), U256::ZERO);
}

#[motsu::test]
fn eth_over_and_under_payment_are_refused(shares: Contract<RigShares>, sale: Contract<ShareSale>, admin: Address, treasury: Address, alice: Address) {
    setup(&shares, &sale, admin, treasury, Cfg::eth());
    open();
    alice.fund(ETH);
    for sent in [ETH_PRICE + U256::from(1), ETH_PRICE - U256::from(1), U256::ZERO] {
        let err = sale.sender_and_value(alice, sent).buy(SHARE).motsu_unwrap_err();
        assert!(matches!(err, Error::WrongPayment(SaleWrongPayment { expected, sent: s }) if expected == ETH_PRICE && s == sent));
    }
    assert_eq!(sale.balance(), U256::ZERO);
    assert_eq!(alice.balance(), ETH);
}

#[motsu::test]
fn a_token_sale_refuses_eth(shares: Contract<RigShares>, sale: Contract<ShareSale>, usd: Contract<PayToken>, admin: Address, treasury: Address, alice: Address) {
    setup(&shares, &sale, admin, treasury, Cfg::usd(usd.address()));
    open();
    alice.fund(ETH);
    let err = sale.sender_and_value(alice, U256::from(1)).buy(SHARE).motsu_unwrap_err();
    assert!(matches!(err, Error::WrongPayment(SaleWrongPayment { expected, sent }) if expected.is_zero() && sent == U256::from(1)));
}

#[motsu::test]
fn a_token_purchase_pulls_the_cost(shares: Contract<RigShares>, sale: Contract<ShareSale>, usd: Contract<PayToken>, admin: Address, treasury: Address, alice: Address) {
    setup(&shares, &sale, admin, treasury, Cfg::usd(usd.address()));
    open();
    let cost = buy_token(&sale, &usd, alice, shares_of(5));
    assert_eq!(cost, U256::from(50_000_000u64));
    assert_eq!(usd.sender(alice).balance_of(sale.address()), cost);
    assert_eq!(usd.sender(alice).balance_of(alice), U256::ZERO);
    assert_eq!(sale.sender(alice).purchase_of(alice), (shares_of(5), cost, false));
    // Without allowance nothing moves.
    usd.sender(alice).mint(alice, cost).motsu_unwrap();
    let err = sale.sender(alice).buy(shares_of(5)).motsu_unwrap_err();
    assert!(matches!(err, Error::SafeErc20FailedOperation(_)));
}

#[motsu::test]
fn a_fee_on_transfer_token_is_credited_what_arrived(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    usd: Contract<PayToken>,
    admin: Address,
    treasury: Address,
    alice: Address,
) {
    setup(&shares, &sale, admin, treasury, Cfg::usd(usd.address()));
    usd.sender(admin).set_fee_bps(U256::from(100));
    open();
    let cost = buy_token(&sale, &usd, alice, shares_of(250));
    let arrived = cost * U256::from(99) / U256::from(100);
    assert_eq!(sale.sender(alice).raised(), arrived);
    assert_eq!(sale.sender(alice).purchase_of(alice), (shares_of(250), arrived, false));
    sale.assert_emitted(&SharesPurchased { payer: alice, beneficiary: alice, shares: shares_of(250), paid: arrived });
    // 2,500 sent, 2,475 arrived: above the 2,000 soft cap. The refund is what arrived.
    sale.sender(admin).cancel().motsu_unwrap();
    assert_eq!(sale.sender(alice).refund().motsu_unwrap(), arrived);
    assert_eq!(usd.sender(alice).balance_of(sale.address()), U256::ZERO);
}

#[motsu::test]
fn the_soft_cap_counts_what_arrived_not_what_was_sent(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    usd: Contract<PayToken>,
    admin: Address,
    treasury: Address,
    alice: Address,
) {
    setup(&shares, &sale, admin, treasury, Cfg::usd(usd.address()));
    usd.sender(admin).set_fee_bps(U256::from(100));
    open();
    // 200 shares = 2,000 units sent, exactly the soft cap; 1,980 arrive.
    let sent = buy_token(&sale, &usd, alice, shares_of(200));
    assert_eq!(sent, U256::from(2_000_000_000u64));
    close();
    assert_eq!(sale.sender(alice).state(), STATE_FAILED);
    let err = sale.sender(alice).finalize().motsu_unwrap_err();
    assert!(matches!(err, Error::NotSucceeded(_)));
    assert_eq!(sale.sender(alice).refund().motsu_unwrap(), U256::from(1_980_000_000u64));
}

#[motsu::test]
fn cost_rounds_up_by_less_than_one_base_unit(shares: Contract<RigShares>, sale: Contract<ShareSale>, usd: Contract<PayToken>, admin: Address, treasury: Address) {
    let cfg = Cfg { min: U256::from(1), ..Cfg::usd(usd.address()) };
    setup(&shares, &sale, admin, treasury, cfg);
    let view = sale.sender(admin);
    // 10 units of 10^6 per 10^18 share units: one share unit costs 10^-11 units, rounded up to 1.
    assert_eq!(view.cost_of(U256::from(1)).motsu_unwrap(), U256::from(1));
    assert_eq!(view.cost_of(uint!(100000000000_U256)).motsu_unwrap(), U256::from(1));
    assert_eq!(view.cost_of(uint!(100000000001_U256)).motsu_unwrap(), U256::from(2));
    assert_eq!(view.cost_of(SHARE).motsu_unwrap(), USD_PRICE);
    assert_eq!(view.cost_of(SHARE + U256::from(1)).motsu_unwrap(), USD_PRICE + U256::from(1));
    assert_eq!(view.cost_of(U256::ZERO).motsu_unwrap(), U256::ZERO);
    for n in [1u64, 7, 99_999, 123_456_789_012, 10u64.pow(18) + 3] {
        let n = U256::from(n);
        let cost = view.cost_of(n).motsu_unwrap();
        // cost >= exact value > cost - 1, and never zero for a non-zero purchase.
        assert!(cost * SHARE >= n * USD_PRICE && (cost - U256::from(1)) * SHARE < n * USD_PRICE && !cost.is_zero());
    }
}

#[motsu::test]
fn price_times_amount_overflow_is_refused(shares: Contract<RigShares>, sale: Contract<ShareSale>, admin: Address, treasury: Address, alice: Address) {
    // The largest price whose hard cap product fits: cost_of beyond the cap overflows with a
    // typed error; a purchase beyond the cap stops at the cap check first.
    let hard_cap = U256::from(1_000u64);
    let price = U256::MAX / hard_cap;
    let cfg = Cfg { asset: Address::ZERO, price, soft_cap: U256::ZERO, hard_cap, min: U256::from(1), max: hard_cap };
    setup(&shares, &sale, admin, treasury, cfg);
    open();
    let err = sale.sender(alice).cost_of(U256::MAX).motsu_unwrap_err();
    assert!(matches!(err, Error::AmountOverflow(SaleAmountOverflow { shares: s }) if s == U256::MAX));
    let err = sale.sender(alice).buy(U256::MAX).motsu_unwrap_err();
    assert!(matches!(err, Error::AboveHardCap(_)), "{err:?}");
    let err = sale.sender(alice).buy(hard_cap + U256::from(1)).motsu_unwrap_err();
    assert!(matches!(err, Error::AboveHardCap(_)), "{err:?}");
    // The whole cap is priced without wrapping.
    assert_eq!(sale.sender(alice).cost_of(hard_cap).motsu_unwrap(), (price * hard_cap).div_ceil(SHARE));
}

#[motsu::test]
fn buy_for_credits_the_beneficiary(shares: Contract<RigShares>, sale: Contract<ShareSale>, admin: Address, treasury: Address, payer: Address, bob: Address) {
    setup(&shares, &sale, admin, treasury, Cfg::eth());
    open();
    payer.fund(ETH);
    sale.sender_and_value(payer, ETH_PRICE * U256::from(2)).buy_for(bob, shares_of(2)).motsu_unwrap();
    assert_eq!(sale.sender(bob).purchase_of(bob), (shares_of(2), ETH_PRICE * U256::from(2), false));
    assert_eq!(sale.sender(bob).purchase_of(payer), (U256::ZERO, U256::ZERO, false));
    sale.assert_emitted(&SharesPurchased { payer, beneficiary: bob, shares: shares_of(2), paid: ETH_PRICE * U256::from(2) });
}

#[motsu::test]
fn zero_shares_and_the_zero_beneficiary_are_refused(shares: Contract<RigShares>, sale: Contract<ShareSale>, admin: Address, treasury: Address, alice: Address) {
    setup(&shares, &sale, admin, treasury, Cfg::eth());
    open();
    let err = sale.sender(alice).buy(U256::ZERO).motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroShares(_)));
    alice.fund(ETH);
    let err = sale.sender_and_value(alice, ETH_PRICE).buy_for(Address::ZERO, SHARE).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidBeneficiary(_)));
}

#[motsu::test]
fn the_hard_cap_is_a_boundary_and_selling_out_closes_the_sale(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    admin: Address,
    treasury: Contract<EthWallet>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    setup(&shares, &sale, admin, treasury.address(), Cfg::eth());
    open();
    buy_eth(&sale, alice, shares_of(500));
    buy_eth(&sale, bob, shares_of(499));
    // One share left: a purchase of two is refused, not partly filled.
    carol.fund(ETH);
    let err = sale.sender_and_value(carol, ETH_PRICE * U256::from(2)).buy(shares_of(2)).motsu_unwrap_err();
    assert!(matches!(err, Error::AboveHardCap(SaleAboveHardCap { requested, remaining })
        if requested == shares_of(2) && remaining == SHARE));
    buy_eth(&sale, carol, SHARE);
    assert_eq!(sale.sender(alice).remaining(), U256::ZERO);
    // Sold out before the end: closed, and it can be finalized at once.
    assert_eq!(sale.sender(alice).state(), STATE_SUCCEEDED);
    let err = sale.sender_and_value(carol, ETH_PRICE).buy(SHARE).motsu_unwrap_err();
    assert!(matches!(err, Error::Ended(_)), "{err:?}");
    sale.sender(carol).finalize().motsu_unwrap();
    assert!(sale.sender(alice).finalized());
}

#[motsu::test]
fn the_account_minimum_applies_to_the_running_total(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    admin: Address,
    treasury: Address,
    alice: Address,
    bob: Address,
) {
    let cfg = Cfg { min: shares_of(10), ..Cfg::eth() };
    setup(&shares, &sale, admin, treasury, cfg);
    open();
    alice.fund(ETH);
    let err = sale.sender_and_value(alice, ETH_PRICE * U256::from(9)).buy(shares_of(9)).motsu_unwrap_err();
    assert!(matches!(err, Error::BelowMinimum(SaleBelowMinimum { total, min }) if total == shares_of(9) && min == shares_of(10)));
    buy_eth(&sale, alice, shares_of(10));
    // Once above the minimum, top-ups of any size.
    buy_eth(&sale, alice, SHARE);
    // A purchase that takes exactly what is left may be below the minimum.
    buy_eth(&sale, alice, shares_of(489));
    buy_eth(&sale, bob, shares_of(495));
    assert_eq!(sale.sender(bob).remaining(), shares_of(5));
    buy_eth(&sale, admin, shares_of(5));
    assert_eq!(sale.sender(bob).remaining(), U256::ZERO);
}

#[motsu::test]
fn the_account_maximum_counts_every_purchase(shares: Contract<RigShares>, sale: Contract<ShareSale>, admin: Address, treasury: Address, alice: Address, bob: Address) {
    setup(&shares, &sale, admin, treasury, Cfg::eth());
    open();
    buy_eth(&sale, alice, shares_of(400));
    alice.fund(ETH * U256::from(2));
    let err = sale.sender_and_value(alice, ETH_PRICE * U256::from(101)).buy(shares_of(101)).motsu_unwrap_err();
    assert!(matches!(err, Error::AboveAccountMax(SaleAboveAccountMax { total, max }) if total == shares_of(501) && max == shares_of(500)));
    // Bought for alice by someone else counts too.
    bob.fund(ETH * U256::from(2));
    let err = sale.sender_and_value(bob, ETH_PRICE * U256::from(101)).buy_for(alice, shares_of(101)).motsu_unwrap_err();
    assert!(matches!(err, Error::AboveAccountMax(_)));
    buy_eth(&sale, alice, shares_of(100));
    assert_eq!(sale.sender(alice).purchase_of(alice).0, shares_of(500));
}

#[motsu::test]
fn compliance_mode_refuses_buyers_off_the_allowlist(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    admin: Address,
    treasury: Address,
    alice: Address,
    bob: Address,
) {
    setup(&shares, &sale, admin, treasury, Cfg::eth());
    shares.sender(admin).set_compliance_mode(true).motsu_unwrap();
    shares.sender(admin).set_allowed(alice, true).motsu_unwrap();
    open();
    buy_eth(&sale, alice, SHARE);
    bob.fund(ETH);
    let err = sale.sender_and_value(bob, ETH_PRICE).buy(SHARE).motsu_unwrap_err();
    assert!(matches!(err, Error::NotAllowlisted(SaleNotAllowlisted { account }) if account == bob));
    // The beneficiary is what counts, not the payer.
    alice.fund(ETH);
    let err = sale.sender_and_value(alice, ETH_PRICE).buy_for(bob, SHARE).motsu_unwrap_err();
    assert!(matches!(err, Error::NotAllowlisted(SaleNotAllowlisted { account }) if account == bob));
    sale.sender_and_value(bob, ETH_PRICE).buy_for(alice, SHARE).motsu_unwrap();
    shares.sender(admin).set_compliance_mode(false).motsu_unwrap();
    sale.sender_and_value(bob, ETH_PRICE).buy(SHARE).motsu_unwrap();
}

#[motsu::test]
fn a_sale_without_the_minter_role_takes_no_money(shares: Contract<RigShares>, sale: Contract<ShareSale>, admin: Address, treasury: Contract<EthWallet>, alice: Address) {
    setup(&shares, &sale, admin, treasury.address(), Cfg::eth());
    open();
    buy_eth(&sale, alice, shares_of(300));
    shares.sender(admin).revoke_role(MINTER_ROLE.into(), sale.address()).motsu_unwrap();
    alice.fund(ETH);
    let err = sale.sender_and_value(alice, ETH_PRICE).buy(SHARE).motsu_unwrap_err();
    assert!(matches!(err, Error::NotMinter(_)));
    close();
    let err = sale.sender(alice).finalize().motsu_unwrap_err();
    assert!(matches!(err, Error::NotMinter(_)));
    shares.sender(admin).grant_role(MINTER_ROLE.into(), sale.address()).motsu_unwrap();
    sale.sender(alice).finalize().motsu_unwrap();
}

#[motsu::test]
fn pausing_stops_buying_only(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    admin: Address,
    treasury: Contract<EthWallet>,
    alice: Contract<EthWallet>,
    bob: Contract<EthWallet>,
) {
    let (alice, bob) = (alice.address(), bob.address());
    setup(&shares, &sale, admin, treasury.address(), Cfg::eth());
    open();
    buy_eth(&sale, alice, shares_of(300));
    buy_eth(&sale, bob, shares_of(1));
    sale.sender(admin).pause().motsu_unwrap();
    assert!(sale.sender(admin).paused());
    alice.fund(ETH);
    let err = sale.sender_and_value(alice, ETH_PRICE).buy(SHARE).motsu_unwrap_err();
    assert!(matches!(err, Error::EnforcedPause(EnforcedPause {})));
    // Finalize and claims work while paused.
    close();
    sale.sender(bob).finalize().motsu_unwrap();
    sale.sender(alice).claim().motsu_unwrap();
    sale.sender(admin).unpause().motsu_unwrap();
    sale.sender(bob).claim().motsu_unwrap();
}

#[motsu::test]
fn refunds_work_while_paused(shares: Contract<RigShares>, sale: Contract<ShareSale>, admin: Address, treasury: Address, alice: Contract<EthWallet>) {
    let alice = alice.address();
    setup(&shares, &sale, admin, treasury, Cfg::eth());
    open();
    let cost = buy_eth(&sale, alice, SHARE);
    sale.sender(admin).pause().motsu_unwrap();
    sale.sender(admin).cancel().motsu_unwrap();
    assert_eq!(sale.sender(alice).refund().motsu_unwrap(), cost);
}

// ---------------------------------------------------------------- success

#[motsu::test]
fn a_successful_sale_pays_the_treasury_and_mints_at_claim(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    admin: Address,
    treasury: Contract<EthWallet>,
    alice: Address,
    bob: Address,
    anyone: Address,
) {
    setup(&shares, &sale, admin, treasury.address(), Cfg::eth());
    open();
    let a = buy_eth(&sale, alice, shares_of(150));
    let b = buy_eth(&sale, bob, shares_of(50));
    close();
    assert_eq!(sale.sender(anyone).state(), STATE_SUCCEEDED);
    let err = sale.sender(alice).claim().motsu_unwrap_err();
    assert!(matches!(err, Error::NotFinalized(_)));
    sale.sender(anyone).finalize().motsu_unwrap();
    sale.assert_emitted(&SaleFinalized { raised: a + b, sold: shares_of(200) });
    sale.assert_emitted(&ProceedsSent { treasury: treasury.address(), recipient: treasury.address(), amount: a + b });
    assert_eq!(treasury.balance(), a + b);
    assert_eq!(sale.balance(), U256::ZERO);
    assert_eq!(shares.sender(anyone).total_supply(), U256::ZERO);

    assert_eq!(sale.sender(alice).claim().motsu_unwrap(), shares_of(150));
    sale.assert_emitted(&SharesClaimed { account: alice, shares: shares_of(150) });
    assert_eq!(shares.sender(anyone).balance_of(alice), shares_of(150));
    // Anyone may deliver bob's shares; they go to bob.
    assert_eq!(sale.sender(anyone).claim_for(bob).motsu_unwrap(), shares_of(50));
    assert_eq!(shares.sender(anyone).balance_of(bob), shares_of(50));
    assert_eq!(shares.sender(anyone).total_supply(), shares_of(200));
    assert_eq!(sale.sender(anyone).purchase_of(alice), (shares_of(150), a, true));
    assert_eq!(sale.sender(anyone).totals(), (a + b, U256::ZERO, a + b, U256::ZERO, shares_of(200)));

    // Claiming twice, claiming without a purchase, refunding a success: refused.
    let err = sale.sender(alice).claim().motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToClaim(SaleNothingToClaim { account }) if account == alice));
    let err = sale.sender(anyone).claim().motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToClaim(_)));
    let err = sale.sender(alice).refund().motsu_unwrap_err();
    assert!(matches!(err, Error::NotFailed(SaleNotFailed { state }) if state == STATE_SUCCEEDED));
}

#[motsu::test]
fn finalize_is_refused_before_the_end_twice_after_failure_and_after_cancel(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    other: Contract<ShareSale>,
    admin: Address,
    treasury: Contract<EthWallet>,
    alice: Address,
) {
    let (_, end) = setup(&shares, &sale, admin, treasury.address(), Cfg::eth());
    let err = sale.sender(alice).finalize().motsu_unwrap_err();
    assert!(matches!(err, Error::NotEnded(SaleNotEnded { end: e }) if e == end));
    open();
    buy_eth(&sale, alice, shares_of(200));
    let err = sale.sender(alice).finalize().motsu_unwrap_err();
    assert!(matches!(err, Error::NotEnded(_)));
    close();
    sale.sender(alice).finalize().motsu_unwrap();
    // Finalizing twice moves nothing.
    let err = sale.sender(alice).finalize().motsu_unwrap_err();
    assert!(matches!(err, Error::AlreadyFinalized(_)));
    assert_eq!(treasury.balance(), ETH * U256::from(2));
    // Once final, the admin cannot cancel.
    let err = sale.sender(admin).cancel().motsu_unwrap_err();
    assert!(matches!(err, Error::AlreadyFinalized(_)));

    // A second sale over the same pool: one share short of the soft cap.
    other
        .sender(admin)
        .constructor(shares.address(), Address::ZERO, ETH_PRICE, clock::now(), clock::now() + 10, ETH * U256::from(2), shares_of(1_000), SHARE, shares_of(500), treasury.address(), admin)
        .motsu_unwrap();
    shares.sender(admin).grant_role(MINTER_ROLE.into(), other.address()).motsu_unwrap();
    buy_eth(&other, alice, shares_of(199));
    clock::warp(10);
    assert_eq!(other.sender(alice).state(), STATE_FAILED);
    let err = other.sender(alice).finalize().motsu_unwrap_err();
    assert!(matches!(err, Error::NotSucceeded(SaleNotSucceeded { state }) if state == STATE_FAILED));
    other.sender(admin).cancel().motsu_unwrap();
    let err = other.sender(alice).finalize().motsu_unwrap_err();
    assert!(matches!(err, Error::WasCancelled(_)));
}

#[motsu::test]
fn a_treasury_that_rejects_eth_does_not_brick_the_sale(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    admin: Address,
    treasury: Contract<EthRejecter>,
    vault: Contract<EthWallet>,
    alice: Address,
    mallory: Address,
) {
    let t = treasury.address();
    setup(&shares, &sale, admin, t, Cfg::eth());
    open();
    let cost = buy_eth(&sale, alice, shares_of(200));
    close();
    sale.sender(mallory).finalize().motsu_unwrap();
    sale.assert_emitted(&ProceedsHeld { treasury: t, amount: cost });
    assert_eq!(sale.sender(alice).totals(), (cost, U256::ZERO, U256::ZERO, cost, U256::ZERO));
    // Claims are open regardless.
    sale.sender(alice).claim().motsu_unwrap();
    // Only the treasury withdraws, to where it can receive.
    let err = sale.sender(mallory).withdraw_proceeds(mallory).motsu_unwrap_err();
    assert!(matches!(err, Error::NotTreasury(SaleNotTreasury { caller }) if caller == mallory));
    let err = sale.sender(t).withdraw_proceeds(Address::ZERO).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidRecipient(_)));
    let err = sale.sender(t).withdraw_proceeds(t).motsu_unwrap_err();
    assert!(matches!(err, Error::EthTransferFailed(SaleEthTransferFailed { recipient }) if recipient == t));
    sale.sender(t).withdraw_proceeds(vault.address()).motsu_unwrap();
    sale.assert_emitted(&ProceedsSent { treasury: t, recipient: vault.address(), amount: cost });
    assert_eq!(vault.balance(), cost);
    assert_eq!(sale.sender(alice).totals(), (cost, U256::ZERO, cost, U256::ZERO, shares_of(200)));
    let err = sale.sender(t).withdraw_proceeds(vault.address()).motsu_unwrap_err();
    assert!(matches!(err, Error::NoProceeds(_)));
}

#[motsu::test]
fn a_token_sale_succeeds_to_the_base_unit(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    usd: Contract<PayToken>,
    admin: Address,
    treasury: Address,
    alice: Address,
    bob: Address,
) {
    let cfg = Cfg { min: U256::from(1), ..Cfg::usd(usd.address()) };
    setup(&shares, &sale, admin, treasury, cfg);
    open();
    let a = buy_token(&sale, &usd, alice, shares_of(199));
    // An odd amount: rounded up by less than one base unit.
    let odd = SHARE + U256::from(1);
    let b = buy_token(&sale, &usd, bob, odd);
    assert_eq!(b, USD_PRICE + U256::from(1));
    close();
    sale.sender(alice).finalize().motsu_unwrap();
    assert_eq!(usd.sender(alice).balance_of(treasury), a + b);
    assert_eq!(usd.sender(alice).balance_of(sale.address()), U256::ZERO);
    sale.sender(alice).claim().motsu_unwrap();
    sale.sender(bob).claim().motsu_unwrap();
    assert_eq!(shares.sender(bob).balance_of(bob), odd);
    assert_eq!(shares.sender(bob).total_supply(), shares_of(199) + odd);
}

#[motsu::test]
fn a_claim_for_a_buyer_no_longer_allowlisted_fails_with_a_typed_error(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    admin: Address,
    treasury: Contract<EthWallet>,
    alice: Address,
) {
    setup(&shares, &sale, admin, treasury.address(), Cfg::eth());
    shares.sender(admin).set_compliance_mode(true).motsu_unwrap();
    shares.sender(admin).set_allowed(alice, true).motsu_unwrap();
    open();
    buy_eth(&sale, alice, shares_of(200));
    close();
    sale.sender(alice).finalize().motsu_unwrap();
    shares.sender(admin).set_allowed(alice, false).motsu_unwrap();
    let err = sale.sender(alice).claim().motsu_unwrap_err();
    assert!(matches!(err, Error::MintFailed(SaleMintFailed { account, .. }) if account == alice));
    // Nothing was settled: allowlisted again, the claim goes through.
    shares.sender(admin).set_allowed(alice, true).motsu_unwrap();
    assert_eq!(sale.sender(alice).claim().motsu_unwrap(), shares_of(200));
}

// ---------------------------------------------------------------- failure and refunds

#[motsu::test]
fn a_missed_soft_cap_refunds_exactly_what_was_paid(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    admin: Address,
    treasury: Address,
    alice: Contract<EthWallet>,
    bob: Contract<EthWallet>,
    nobody: Address,
) {
    let (alice, bob) = (alice.address(), bob.address());
    setup(&shares, &sale, admin, treasury, Cfg::eth());
    open();
    let a = buy_eth(&sale, alice, shares_of(100)) + buy_eth(&sale, alice, shares_of(20));
    let b = buy_eth(&sale, bob, shares_of(79));
    let err = sale.sender(alice).refund().motsu_unwrap_err();
    assert!(matches!(err, Error::NotFailed(SaleNotFailed { state }) if state == STATE_OPEN));
    close();
    assert_eq!(sale.sender(alice).state(), STATE_FAILED);
    assert_eq!(sale.sender(alice).refund().motsu_unwrap(), a);
    sale.assert_emitted(&Refunded { account: alice, recipient: alice, amount: a });
    assert_eq!(alice.balance(), a);
    assert_eq!(sale.balance(), b);
    // Refunding twice pays nothing.
    let err = sale.sender(alice).refund().motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToRefund(SaleNothingToRefund { account }) if account == alice));
    assert_eq!(alice.balance(), a);
    let err = sale.sender(nobody).refund().motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToRefund(_)));
    assert_eq!(sale.sender(bob).refund().motsu_unwrap(), b);
    assert_eq!(sale.balance(), U256::ZERO);
    assert_eq!(sale.sender(bob).totals(), (a + b, a + b, U256::ZERO, U256::ZERO, U256::ZERO));
    // No share was ever minted, and a failed sale has nothing to claim.
    assert_eq!(shares.sender(bob).total_supply(), U256::ZERO);
    let err = sale.sender(bob).claim().motsu_unwrap_err();
    assert!(matches!(err, Error::NotFinalized(_)));
}

#[motsu::test]
fn the_admin_can_cancel_before_finalization(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    admin: Address,
    treasury: Address,
    alice: Contract<EthWallet>,
) {
    let alice = alice.address();
    setup(&shares, &sale, admin, treasury, Cfg::eth());
    open();
    // Even with the soft cap met and the sale ended, until someone finalizes.
    let cost = buy_eth(&sale, alice, shares_of(300));
    close();
    assert_eq!(sale.sender(alice).state(), STATE_SUCCEEDED);
    sale.sender(admin).cancel().motsu_unwrap();
    sale.assert_emitted(&SaleCancelled { admin });
    assert_eq!(sale.sender(alice).state(), STATE_CANCELLED);
    let err = sale.sender(admin).cancel().motsu_unwrap_err();
    assert!(matches!(err, Error::WasCancelled(_)));
    let err = sale.sender(alice).buy(SHARE).motsu_unwrap_err();
    assert!(matches!(err, Error::WasCancelled(_)));
    assert_eq!(sale.sender(alice).refund().motsu_unwrap(), cost);
}

#[motsu::test]
fn buying_after_a_cancel_is_refused(shares: Contract<RigShares>, sale: Contract<ShareSale>, admin: Address, treasury: Address, alice: Address) {
    setup(&shares, &sale, admin, treasury, Cfg::eth());
    sale.sender(admin).cancel().motsu_unwrap();
    open();
    alice.fund(ETH);
    let err = sale.sender_and_value(alice, ETH_PRICE).buy(SHARE).motsu_unwrap_err();
    assert!(matches!(err, Error::WasCancelled(_)));
}

#[motsu::test]
fn a_success_nobody_finalizes_turns_into_refunds(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    admin: Address,
    treasury: Address,
    alice: Contract<EthWallet>,
) {
    let alice = alice.address();
    setup(&shares, &sale, admin, treasury, Cfg::eth());
    open();
    let cost = buy_eth(&sale, alice, shares_of(300));
    close();
    clock::warp(FINALIZE_WINDOW - 1);
    assert_eq!(sale.sender(alice).state(), STATE_SUCCEEDED);
    clock::warp(1);
    assert_eq!(sale.sender(alice).state(), STATE_FAILED);
    let err = sale.sender(alice).finalize().motsu_unwrap_err();
    assert!(matches!(err, Error::NotSucceeded(_)));
    assert_eq!(sale.sender(alice).refund().motsu_unwrap(), cost);
}

#[motsu::test]
fn token_refunds_are_exact(shares: Contract<RigShares>, sale: Contract<ShareSale>, usd: Contract<PayToken>, admin: Address, treasury: Address, alice: Address, bob: Address) {
    setup(&shares, &sale, admin, treasury, Cfg::usd(usd.address()));
    open();
    let a = buy_token(&sale, &usd, alice, shares_of(3));
    let b = buy_token(&sale, &usd, bob, shares_of(4));
    close();
    let err = sale.sender(alice).refund_to(Address::ZERO).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidRecipient(_)));
    assert_eq!(sale.sender(alice).refund().motsu_unwrap(), a);
    assert_eq!(sale.sender(bob).refund_to(alice).motsu_unwrap(), b);
    sale.assert_emitted(&Refunded { account: bob, recipient: alice, amount: b });
    assert_eq!(usd.sender(alice).balance_of(alice), a + b);
    assert_eq!(usd.sender(alice).balance_of(sale.address()), U256::ZERO);
}

// ---------------------------------------------------------------- attacks

#[motsu::test]
fn a_refund_reentering_through_the_eth_receiver_is_refused(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    attacker: Contract<ReentrantRefunder>,
    admin: Address,
    treasury: Address,
    honest: Contract<EthWallet>,
) {
    setup(&shares, &sale, admin, treasury, Cfg::eth());
    open();
    let cost = buy_eth(&sale, attacker.address(), shares_of(10));
    let other = buy_eth(&sale, honest.address(), shares_of(10));
    close();

    // A receiver that propagates the failed re-entry refuses the payment: nothing moves.
    attacker.sender(admin).configure(sale.address(), false);
    let err = attacker.sender(admin).start_refund().motsu_unwrap_err();
    let expected: Vec<u8> = Error::EthTransferFailed(SaleEthTransferFailed { recipient: attacker.address() }).into();
    assert_eq!(err, expected);
    assert_eq!(sale.balance(), cost + other);

    // A receiver that swallows it is paid exactly once.
    attacker.sender(admin).configure(sale.address(), true);
    assert_eq!(attacker.sender(admin).start_refund().motsu_unwrap(), cost);
    assert!(!attacker.sender(admin).inner_succeeded());
    assert_eq!(attacker.balance(), cost);
    assert_eq!(sale.balance(), other);
    // The honest buyer's refund is intact.
    assert_eq!(sale.sender(honest.address()).refund().motsu_unwrap(), other);
    assert_eq!(sale.balance(), U256::ZERO);
}

#[motsu::test]
fn a_buyer_contract_that_rejects_eth_blocks_no_one(
    shares: Contract<RigShares>,
    sale: Contract<ShareSale>,
    rejecter: Contract<EthRejecter>,
    wallet: Contract<EthWallet>,
    admin: Address,
    treasury: Address,
    alice: Contract<EthWallet>,
) {
    setup(&shares, &sale, admin, treasury, Cfg::eth());
    open();
    let r = buy_eth(&sale, rejecter.address(), shares_of(10));
    let a = buy_eth(&sale, alice.address(), shares_of(10));
    sale.sender(admin).cancel().motsu_unwrap();
    let err = sale.sender(rejecter.address()).refund().motsu_unwrap_err();
    assert!(matches!(err, Error::EthTransferFailed(SaleEthTransferFailed { recipient }) if recipient == rejecter.address()));
    // Others are refunded regardless; the rejecter's refund stays held for it.
    assert_eq!(sale.sender(alice.address()).refund().motsu_unwrap(), a);
    assert_eq!(sale.balance(), r);
    assert_eq!(sale.sender(alice.address()).purchase_of(rejecter.address()), (shares_of(10), r, false));
    // It can take it to an address that accepts ETH.
    assert_eq!(sale.sender(rejecter.address()).refund_to(wallet.address()).motsu_unwrap(), r);
    assert_eq!(wallet.balance(), r);
    assert_eq!(sale.balance(), U256::ZERO);
}

#[motsu::test]
fn privileged_calls_need_the_admin_role(shares: Contract<RigShares>, sale: Contract<ShareSale>, admin: Address, treasury: Address, mallory: Address) {
    setup(&shares, &sale, admin, treasury, Cfg::eth());
    let unauthorized = |err: Error| matches!(err, Error::UnauthorizedAccount(AccessControlUnauthorizedAccount { account, .. }) if account == mallory);
    assert!(unauthorized(sale.sender(mallory).cancel().motsu_unwrap_err()));
    assert!(unauthorized(sale.sender(mallory).pause().motsu_unwrap_err()));
    sale.sender(admin).pause().motsu_unwrap();
    assert!(unauthorized(sale.sender(mallory).unpause().motsu_unwrap_err()));
    assert!(unauthorized(sale.sender(mallory).grant_role(ADMIN_ROLE.into(), mallory).motsu_unwrap_err()));
    assert!(unauthorized(sale.sender(mallory).revoke_role(ADMIN_ROLE.into(), admin).motsu_unwrap_err()));
    let err = sale.sender(mallory).renounce_role(ADMIN_ROLE.into(), admin).motsu_unwrap_err();
    assert!(matches!(err, Error::BadConfirmation(_)));
    assert_eq!(sale.sender(mallory).state(), STATE_PENDING);
    assert!(sale.sender(mallory).paused());
    // The treasury-only call is covered in `a_treasury_that_rejects_eth_does_not_brick_the_sale`.
}

#[motsu::test]
fn refunding_twice_pays_once(shares: Contract<RigShares>, sale: Contract<ShareSale>, admin: Address, treasury: Address, alice: Contract<EthWallet>, bob: Contract<EthWallet>) {
    let (alice, bob) = (alice.address(), bob.address());
    setup(&shares, &sale, admin, treasury, Cfg::eth());
    open();
    let a = buy_eth(&sale, alice, shares_of(10));
    let b = buy_eth(&sale, bob, shares_of(10));
    sale.sender(admin).cancel().motsu_unwrap();
    assert_eq!(sale.sender(alice).refund().motsu_unwrap(), a);
    for _ in 0..3 {
        let err = sale.sender(alice).refund().motsu_unwrap_err();
        assert!(matches!(err, Error::NothingToRefund(_)));
        let err = sale.sender(alice).refund_to(bob).motsu_unwrap_err();
        assert!(matches!(err, Error::NothingToRefund(_)));
    }
    assert_eq!(alice.balance(), a);
    // Bob's payment is untouched.
    assert_eq!(sale.balance(), b);
    assert_eq!(sale.sender(bob).refund().motsu_unwrap(), b);
}

#[motsu::test]
fn finalizing_twice_pays_the_treasury_once(shares: Contract<RigShares>, sale: Contract<ShareSale>, admin: Address, treasury: Contract<EthWallet>, alice: Address) {
    setup(&shares, &sale, admin, treasury.address(), Cfg::eth());
    open();
    let cost = buy_eth(&sale, alice, shares_of(250));
    close();
    sale.sender(alice).finalize().motsu_unwrap();
    for _ in 0..3 {
        let err = sale.sender(alice).finalize().motsu_unwrap_err();
        assert!(matches!(err, Error::AlreadyFinalized(_)));
    }
    assert_eq!(treasury.balance(), cost);
    assert_eq!(sale.sender(alice).totals(), (cost, U256::ZERO, cost, U256::ZERO, U256::ZERO));
}
