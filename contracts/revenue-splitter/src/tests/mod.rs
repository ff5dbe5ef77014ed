//! Native tests of the splitter wired to the real share token (motsu runs both contracts).

mod mocks;
mod properties;

use alloy_primitives::{uint, Address, U256};
use motsu::prelude::*;
use openzeppelin_stylus::{access::control::AccessControlUnauthorizedAccount, utils::pausable};
use openzeppelin_stylus::token::erc20::IErc20;
use rig_shares::{IRigShares, IRigSharesExtension, RigShares};
use rigshare_common::{ADMIN_ROLE, MINTER_ROLE};

use self::mocks::{EthWallet, PayoutToken, ReentrantClaimer};
use super::*;
use crate::clock;

const SUPPLY: U256 = uint!(1_000_000_000000000000000000_U256);
const ETH: U256 = uint!(1_000000000000000000_U256);

/// A bound pool: `admin` runs both contracts and holds the whole supply.
fn bind(shares: &Contract<RigShares>, splitter: &Contract<RevenueSplitter>, admin: Address, asset: Address, window: u64) {
    clock::reset();
    // The pool needs a deed contract with code; these tests never touch deeds, so any
    // contract will do.
    let deed = splitter.address();
    shares
        .sender(admin)
        .constructor("Pool One".into(), "POOL1".into(), SUPPLY, admin, deed, admin, deed)
        .motsu_unwrap();
    splitter.sender(admin).constructor(shares.address(), asset, window, admin, splitter.address()).motsu_unwrap();
    shares.sender(admin).set_revenue_splitter(splitter.address()).motsu_unwrap();
}

fn pay_eth(splitter: &Contract<RevenueSplitter>, payer: Address, amount: U256) {
    payer.fund(amount);
    splitter.sender_and_value(payer, amount).deposit_eth().motsu_unwrap();
}

fn pay_token(splitter: &Contract<RevenueSplitter>, token: &Contract<PayoutToken>, payer: Address, amount: U256) {
    token.sender(payer).mint(payer, amount).motsu_unwrap();
    token.sender(payer).approve(splitter.address(), amount).motsu_unwrap();
    splitter.sender(payer).deposit(amount).motsu_unwrap();
}

// ---------------------------------------------------------------- constructor and binding

#[motsu::test]
fn constructor_records_its_configuration(splitter: Contract<RevenueSplitter>, admin: Address, token: Address) {
    splitter.sender(admin).constructor(token, Address::ZERO, 3_600, admin, splitter.address()).motsu_unwrap();
    assert_eq!(splitter.sender(admin).share_token(), token);
    assert_eq!(splitter.sender(admin).asset(), Address::ZERO);
    assert_eq!(splitter.sender(admin).stream_window(), 3_600);
    assert!(!splitter.sender(admin).bound());
    assert!(splitter.sender(admin).has_role(ADMIN_ROLE.into(), admin));
}

#[motsu::test]
fn constructor_rejects_bad_arguments(splitter: Contract<RevenueSplitter>, admin: Address, token: Address) {
    let err = splitter.sender(admin).constructor(Address::ZERO, Address::ZERO, 0, admin, splitter.address()).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidShareToken(_)));
    let err = splitter.sender(admin).constructor(token, Address::ZERO, 0, Address::ZERO, splitter.address()).motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAdmin(_)));
    let err = splitter
        .sender(admin)
        .constructor(token, Address::ZERO, MAX_STREAM_SECONDS + 1, admin, splitter.address())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::StreamTooLong(SplitterStreamTooLong { seconds, max })
        if seconds == MAX_STREAM_SECONDS + 1 && max == MAX_STREAM_SECONDS));
}

#[motsu::test]
fn constructor_records_the_extension_and_refuses_one_without_code(splitter: Contract<RevenueSplitter>, admin: Address, token: Address) {
    let err = splitter.sender(admin).constructor(token, Address::ZERO, 0, admin, token).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidExtension(SplitterInvalidExtension {})), "{err:?}");
    assert_eq!(splitter.sender(admin).share_token(), Address::ZERO);
    // Natively one module routes everything: any contract stands in for the extension.
    splitter.sender(admin).constructor(token, Address::ZERO, 0, admin, splitter.address()).motsu_unwrap();
    assert_eq!(splitter.sender(admin).extension(), splitter.address());
}

#[motsu::test]
fn binding_records_the_supply_and_emits(shares: Contract<RigShares>, splitter: Contract<RevenueSplitter>, admin: Address) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    assert!(splitter.sender(admin).bound());
    assert_eq!(splitter.sender(admin).eligible_supply(), SUPPLY);
    splitter.assert_emitted(&SharesBound { shareToken: shares.address(), totalSupply: SUPPLY });
}

#[motsu::test]
fn hooks_only_accept_the_share_token(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    mallory: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    let err = splitter.sender(mallory).on_shares_bound(U256::from(1)).motsu_unwrap_err();
    assert!(matches!(err, Error::UnauthorizedHook(SplitterUnauthorizedHook { caller }) if caller == mallory));
    let err = splitter.sender(mallory).on_shares_transfer(admin, mallory, SUPPLY).motsu_unwrap_err();
    assert!(matches!(err, Error::UnauthorizedHook(_)));
    let err = splitter.sender(shares.address()).on_shares_bound(U256::from(1)).motsu_unwrap_err();
    assert!(matches!(err, Error::AlreadyBound(_)));
}

#[motsu::test]
fn share_mints_and_burns_move_the_eligible_supply(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    shares.sender(admin).grant_role(MINTER_ROLE.into(), admin).motsu_unwrap();
    shares.sender(admin).mint(alice, ETH).motsu_unwrap();
    assert_eq!(splitter.sender(admin).eligible_supply(), SUPPLY + ETH);
    shares.sender(alice).burn(ETH / U256::from(2)).motsu_unwrap();
    assert_eq!(splitter.sender(admin).eligible_supply(), SUPPLY + ETH / U256::from(2));
}

// ---------------------------------------------------------------- deposits

#[motsu::test]
fn eth_deposit_is_shared_pro_rata(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    shares.sender(admin).transfer(alice, SUPPLY / U256::from(4)).motsu_unwrap();
    pay_eth(&splitter, payer, ETH);
    assert_eq!(splitter.sender(admin).claimable(admin).motsu_unwrap(), ETH * U256::from(3) / U256::from(4));
    assert_eq!(splitter.sender(admin).claimable(alice).motsu_unwrap(), ETH / U256::from(4));
    assert_eq!(splitter.balance(), ETH);
    splitter.assert_emitted(&RevenueDeposited { from: payer, amount: ETH, toHolders: ETH, toPayees: U256::ZERO });
    let (deposited, to_holders, claimed, unvested, _) = splitter.sender(admin).totals();
    assert_eq!((deposited, to_holders, claimed, unvested), (ETH, ETH, U256::ZERO, U256::ZERO));
}

#[motsu::test]
fn plain_eth_transfers_are_deposits(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    payer.fund(ETH);
    splitter.sender_and_value(payer, ETH).receive().motsu_unwrap();
    assert_eq!(splitter.sender(admin).claimable(admin).motsu_unwrap(), ETH);
}

#[motsu::test]
fn deposits_reject_zero_wrong_asset_and_pause(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    let err = splitter.sender(payer).deposit_eth().motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroDeposit(_)));
    let err = splitter.sender(payer).deposit(ETH).motsu_unwrap_err();
    assert!(matches!(err, Error::WrongAsset(SplitterWrongAsset { asset }) if asset.is_zero()));

    splitter.sender(admin).pause().motsu_unwrap();
    payer.fund(ETH);
    let err = splitter.sender_and_value(payer, ETH).deposit_eth().motsu_unwrap_err();
    assert!(matches!(err, Error::EnforcedPause(_)));
    splitter.sender(admin).unpause().motsu_unwrap();
    splitter.sender_and_value(payer, ETH).deposit_eth().motsu_unwrap();
}

#[motsu::test]
fn token_deposits_pull_and_credit_what_arrived(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    wbtc: Contract<PayoutToken>,
    admin: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, wbtc.address(), 0);
    let one_btc = U256::from(100_000_000u64);
    pay_token(&splitter, &wbtc, payer, one_btc);
    assert_eq!(splitter.sender(admin).claimable(admin).motsu_unwrap(), one_btc);

    // A 1% fee-on-transfer token: only 99% arrives, only 99% is credited.
    wbtc.sender(admin).set_fee_bps(U256::from(100));
    pay_token(&splitter, &wbtc, payer, one_btc);
    assert_eq!(
        splitter.sender(admin).claimable(admin).motsu_unwrap(),
        one_btc + one_btc * U256::from(99) / U256::from(100)
    );
    assert_eq!(wbtc.sender(admin).balance_of(splitter.address()), splitter.sender(admin).claimable(admin).motsu_unwrap());
}

#[motsu::test]
fn token_deposits_fail_without_allowance_or_on_eth_path(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    wbtc: Contract<PayoutToken>,
    admin: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, wbtc.address(), 0);
    wbtc.sender(payer).mint(payer, ETH).motsu_unwrap();
    let err = splitter.sender(payer).deposit(ETH).motsu_unwrap_err();
    assert!(matches!(err, Error::SafeErc20FailedOperation(_)));
    payer.fund(ETH);
    let err = splitter.sender_and_value(payer, ETH).deposit_eth().motsu_unwrap_err();
    assert!(matches!(err, Error::WrongAsset(SplitterWrongAsset { asset }) if asset == wbtc.address()));
    let err = splitter.sender(payer).deposit(U256::ZERO).motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroDeposit(_)));
}

#[motsu::test]
fn deposits_stop_before_holder_revenue_reaches_10_pow_38(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    wbtc: Contract<PayoutToken>,
    admin: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, wbtc.address(), 0);
    let almost = crate::accrual::MAX_TOTAL_TO_HOLDERS - U256::from(1);
    pay_token(&splitter, &wbtc, payer, almost);
    wbtc.sender(payer).mint(payer, U256::from(1)).motsu_unwrap();
    wbtc.sender(payer).approve(splitter.address(), U256::from(1)).motsu_unwrap();
    let err = splitter.sender(payer).deposit(U256::from(1)).motsu_unwrap_err();
    assert!(matches!(err, Error::DepositTooLarge(SplitterDepositTooLarge { amount }) if amount == U256::from(1)));
    assert_eq!(splitter.sender(admin).claimable(admin).motsu_unwrap(), almost);
}

// ---------------------------------------------------------------- waterfall

#[motsu::test]
fn payees_are_credited_first_and_dust_goes_to_holders(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    hosting: Address,
    operator: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    splitter.sender(admin).set_payees(vec![hosting, operator], vec![2_000, 500]).motsu_unwrap();
    splitter.assert_emitted(&PayeesUpdated { accounts: vec![hosting, operator], bps: vec![2_000, 500] });
    assert_eq!(splitter.sender(admin).payees(), (vec![hosting, operator], vec![2_000, 500]));

    pay_eth(&splitter, payer, U256::from(1_003));
    // 20% of 1003 = 200 (200.6 down), 5% = 50 (50.15 down); holders get 753.
    assert_eq!(splitter.sender(admin).claimable(hosting).motsu_unwrap(), U256::from(200));
    assert_eq!(splitter.sender(admin).claimable(operator).motsu_unwrap(), U256::from(50));
    assert_eq!(splitter.sender(admin).claimable(admin).motsu_unwrap(), U256::from(753));
    splitter.assert_emitted(&PayeeCredited { payee: hosting, amount: U256::from(200) });
    splitter.assert_emitted(&RevenueDeposited {
        from: payer,
        amount: U256::from(1_003),
        toHolders: U256::from(753),
        toPayees: U256::from(250),
    });
}

#[motsu::test]
fn payee_changes_apply_to_later_deposits_only(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    hosting: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    splitter.sender(admin).set_payees(vec![hosting], vec![1_000]).motsu_unwrap();
    pay_eth(&splitter, payer, ETH);
    splitter.sender(admin).set_payees(vec![], vec![]).motsu_unwrap();
    assert_eq!(splitter.sender(admin).payees(), (vec![], vec![]));
    pay_eth(&splitter, payer, ETH);
    assert_eq!(splitter.sender(admin).claimable(hosting).motsu_unwrap(), ETH / U256::from(10));
    assert_eq!(
        splitter.sender(admin).claimable(admin).motsu_unwrap(),
        ETH * U256::from(19) / U256::from(10)
    );
}

#[motsu::test]
fn set_payees_rejects_bad_waterfalls(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    a: Address,
    b: Address,
    mallory: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    let err = splitter.sender(admin).set_payees(vec![a], vec![]).motsu_unwrap_err();
    assert!(matches!(err, Error::PayeesMismatch(SplitterPayeesMismatch { accounts, bps })
        if accounts == U256::from(1) && bps == U256::ZERO));
    let err = splitter.sender(admin).set_payees(vec![a; 9], vec![1; 9]).motsu_unwrap_err();
    assert!(matches!(err, Error::TooManyPayees(SplitterTooManyPayees { max }) if max == U256::from(8)));
    let err = splitter.sender(admin).set_payees(vec![Address::ZERO], vec![1]).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidPayee(SplitterInvalidPayee { account, bps: 1 }) if account.is_zero()));
    let err = splitter.sender(admin).set_payees(vec![a], vec![0]).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidPayee(SplitterInvalidPayee { bps: 0, .. })));
    let err = splitter.sender(admin).set_payees(vec![a, b], vec![6_000, 4_001]).motsu_unwrap_err();
    assert!(matches!(err, Error::CutsExceedTotal(SplitterCutsExceedTotal { totalBps }) if totalBps == U256::from(10_001)));
    let err = splitter.sender(mallory).set_payees(vec![a], vec![1]).motsu_unwrap_err();
    assert!(matches!(err, Error::UnauthorizedAccount(AccessControlUnauthorizedAccount { account, .. }) if account == mallory));
    // 100% to payees is allowed: holders then get nothing from later deposits.
    splitter.sender(admin).set_payees(vec![a], vec![10_000]).motsu_unwrap();
}

// ---------------------------------------------------------------- claims

#[motsu::test]
fn holders_claim_eth_once(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    wallet: Contract<EthWallet>,
    payer: Address,
) {
    let alice = wallet.address();
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    shares.sender(admin).transfer(alice, SUPPLY / U256::from(2)).motsu_unwrap();
    pay_eth(&splitter, payer, ETH);
    let paid = splitter.sender(alice).claim().motsu_unwrap();
    assert_eq!(paid, ETH / U256::from(2));
    assert_eq!(wallet.balance(), ETH / U256::from(2));
    splitter.assert_emitted(&Claimed { account: alice, recipient: alice, amount: paid });
    assert_eq!(splitter.sender(alice).claimable(alice).motsu_unwrap(), U256::ZERO);
    let err = splitter.sender(alice).claim().motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToClaim(SplitterNothingToClaim { account }) if account == alice));
    let (_, _, claimed, _, _) = splitter.sender(admin).totals();
    assert_eq!(claimed, paid);
}

#[motsu::test]
fn claim_to_pays_another_address(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    wbtc: Contract<PayoutToken>,
    admin: Address,
    cold_wallet: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, wbtc.address(), 0);
    pay_token(&splitter, &wbtc, payer, U256::from(12_345_678u64));
    let err = splitter.sender(admin).claim_to(Address::ZERO).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidRecipient(_)));
    splitter.sender(admin).claim_to(cold_wallet).motsu_unwrap();
    assert_eq!(wbtc.sender(admin).balance_of(cold_wallet), U256::from(12_345_678u64));
    splitter.assert_emitted(&Claimed { account: admin, recipient: cold_wallet, amount: U256::from(12_345_678u64) });
}

#[motsu::test]
fn payees_claim_their_credit(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    wallet: Contract<EthWallet>,
    payer: Address,
) {
    let hosting = wallet.address();
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    splitter.sender(admin).set_payees(vec![hosting], vec![2_500]).motsu_unwrap();
    pay_eth(&splitter, payer, ETH);
    assert_eq!(splitter.sender(hosting).claim().motsu_unwrap(), ETH / U256::from(4));
    assert_eq!(wallet.balance(), ETH / U256::from(4));
    assert_eq!(splitter.sender(hosting).claimable(hosting).motsu_unwrap(), U256::ZERO);
}

#[motsu::test]
fn revenue_earned_stays_with_the_seller(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    pay_eth(&splitter, payer, ETH);
    shares.sender(admin).transfer(alice, SUPPLY).motsu_unwrap();
    pay_eth(&splitter, payer, ETH);
    assert_eq!(splitter.sender(admin).claimable(admin).motsu_unwrap(), ETH);
    assert_eq!(splitter.sender(admin).claimable(alice).motsu_unwrap(), ETH);
}

#[motsu::test]
fn pausing_never_traps_credited_revenue(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    wallet: Contract<EthWallet>,
    payer: Address,
    mallory: Address,
) {
    let admin = wallet.address();
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    pay_eth(&splitter, payer, ETH);
    let err = splitter.sender(mallory).pause().motsu_unwrap_err();
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    splitter.sender(admin).pause().motsu_unwrap();
    splitter.assert_emitted(&pausable::Paused { account: admin });
    assert!(splitter.sender(admin).paused());
    assert_eq!(splitter.sender(admin).claim().motsu_unwrap(), ETH);
    let err = splitter.sender(admin).pause().motsu_unwrap_err();
    assert!(matches!(err, Error::EnforcedPause(_)));
    splitter.sender(admin).unpause().motsu_unwrap();
    let err = splitter.sender(admin).unpause().motsu_unwrap_err();
    assert!(matches!(err, Error::ExpectedPause(_)));
}

// ---------------------------------------------------------------- exclusions

#[motsu::test]
fn excluded_balances_do_not_earn_and_their_share_goes_to_others(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    amm: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    shares.sender(admin).transfer(amm, SUPPLY / U256::from(2)).motsu_unwrap();
    pay_eth(&splitter, payer, ETH);
    splitter.sender(admin).set_excluded(amm, true).motsu_unwrap();
    splitter.assert_emitted(&ExclusionSet { account: amm, excluded: true });
    assert!(splitter.sender(admin).is_excluded(amm));
    assert_eq!(splitter.sender(admin).eligible_supply(), SUPPLY / U256::from(2));
    pay_eth(&splitter, payer, ETH);
    // What the AMM earned before exclusion stays claimable; the second deposit is all admin's.
    assert_eq!(splitter.sender(admin).claimable(amm).motsu_unwrap(), ETH / U256::from(2));
    assert_eq!(
        splitter.sender(admin).claimable(admin).motsu_unwrap(),
        ETH / U256::from(2) + ETH
    );
    // Shares moving out of an excluded account start earning; moving in stop.
    shares.sender(amm).transfer(admin, SUPPLY / U256::from(4)).motsu_unwrap();
    assert_eq!(splitter.sender(admin).eligible_supply(), SUPPLY * U256::from(3) / U256::from(4));
    splitter.sender(admin).set_excluded(amm, false).motsu_unwrap();
    assert_eq!(splitter.sender(admin).eligible_supply(), SUPPLY);
    pay_eth(&splitter, payer, ETH);
    assert_eq!(
        splitter.sender(admin).claimable(amm).motsu_unwrap(),
        ETH / U256::from(2) + ETH / U256::from(4)
    );
}

#[motsu::test]
fn exclusion_rules(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    amm: Address,
    mallory: Address,
) {
    clock::reset();
    shares
        .sender(admin)
        .constructor("P".into(), "P".into(), SUPPLY, admin, splitter.address(), admin, splitter.address())
        .motsu_unwrap();
    splitter.sender(admin).constructor(shares.address(), Address::ZERO, 0, admin, splitter.address()).motsu_unwrap();
    let err = splitter.sender(mallory).set_excluded(amm, true).motsu_unwrap_err();
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    let err = splitter.sender(admin).set_excluded(amm, false).motsu_unwrap_err();
    assert!(matches!(err, Error::ExclusionUnchanged(_)));
    let err = splitter.sender(admin).apply_exclusion(amm).motsu_unwrap_err();
    assert!(matches!(err, Error::NotBound(_)));
    shares.sender(admin).set_revenue_splitter(splitter.address()).motsu_unwrap();
    let err = splitter.sender(mallory).apply_exclusion(amm).motsu_unwrap_err();
    assert!(matches!(err, Error::ExclusionNotPending(SplitterExclusionNotPending { account }) if account == amm));
    let err = splitter.sender(admin).set_excluded(amm, false).motsu_unwrap_err();
    assert!(matches!(err, Error::ExclusionUnchanged(SplitterExclusionUnchanged { account, excluded: false }) if account == amm));
    let err = splitter.sender(mallory).set_excluded(amm, true).motsu_unwrap_err();
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
}

/// Finding 4 (issue 17): with every holder excluded, a 1-unit buyer used to take the whole
/// carried deposit with the next 1-wei deposit. Deposits are now refused while no share is
/// eligible.
#[motsu::test]
fn deposit_is_refused_while_no_share_is_eligible(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    splitter.sender(admin).set_excluded(admin, true).motsu_unwrap();
    assert_eq!(splitter.sender(admin).eligible_supply(), U256::ZERO);
    payer.fund(ETH);
    let err = splitter.sender_and_value(payer, ETH).deposit_eth().motsu_unwrap_err();
    assert!(matches!(err, Error::NothingEligible(_)), "{err:?}");
    let (deposited, _, _, _, carried) = splitter.sender(admin).totals();
    assert_eq!((deposited, carried), (U256::ZERO, U256::ZERO));
    shares.sender(admin).transfer(alice, U256::from(1)).motsu_unwrap();
    pay_eth(&splitter, payer, U256::from(1));
    assert_eq!(splitter.sender(alice).claimable(alice).motsu_unwrap(), U256::from(1));
}

/// Finding 4 (issue 17): after every share is burned (a full `redeemAll`) deposits used to
/// pile up with no owner.
#[motsu::test]
fn deposit_after_every_share_is_burned_is_refused(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    shares.sender(admin).burn(SUPPLY).motsu_unwrap();
    payer.fund(ETH);
    let err = splitter.sender_and_value(payer, ETH).deposit_eth().motsu_unwrap_err();
    assert!(matches!(err, Error::NothingEligible(_)), "{err:?}");
}

/// Finding 4 (issue 17): a stream running when the last eligible share goes away stands
/// still instead of piling up for whoever comes next.
#[motsu::test]
fn streaming_pauses_while_no_share_is_eligible(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 1_000);
    pay_eth(&splitter, payer, ETH);
    clock::warp(500);
    splitter.sender(admin).set_excluded(admin, true).motsu_unwrap();
    clock::warp(10_000);
    shares.sender(admin).transfer(alice, U256::from(1)).motsu_unwrap();
    // Alice became eligible just now: nothing has vested to her yet.
    assert_eq!(splitter.sender(alice).claimable(alice).motsu_unwrap(), U256::ZERO);
    clock::warp(250);
    assert_eq!(splitter.sender(alice).claimable(alice).motsu_unwrap(), ETH / U256::from(4));
    assert_eq!(splitter.sender(admin).claimable(admin).motsu_unwrap(), ETH / U256::from(2));
    clock::reset();
}

/// Finding 3 (issue 17): 1-wei deposits every 3 days used to leave 34.9% of a 30-day
/// stream unvested at day 30.
#[motsu::test]
fn one_wei_deposits_cannot_delay_a_streamed_payout(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    wallet: Contract<EthWallet>,
    payer: Address,
) {
    const DAY: u64 = 86_400;
    let admin = wallet.address();
    bind(&shares, &splitter, admin, Address::ZERO, 30 * DAY);
    pay_eth(&splitter, payer, ETH);
    for _ in 0..9 {
        clock::warp(3 * DAY);
        pay_eth(&splitter, payer, U256::from(1));
    }
    clock::warp(3 * DAY);
    assert_eq!(splitter.sender(admin).claimable(admin).motsu_unwrap(), ETH + U256::from(9));
    let (_, _, _, unvested, _) = splitter.sender(admin).totals();
    assert_eq!(unvested, U256::ZERO);
    clock::reset();
}

// ---------------------------------------------------------------- sync

/// Finding 5 (issue 17): tokens sent straight to the splitter were stuck forever.
#[motsu::test]
fn sync_credits_tokens_sent_straight_to_the_splitter(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    token: Contract<PayoutToken>,
    admin: Address,
    payer: Address,
    anyone: Address,
) {
    bind(&shares, &splitter, admin, token.address(), 0);
    pay_token(&splitter, &token, payer, ETH);
    let err = splitter.sender(anyone).sync().motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToSync(_)), "{err:?}");
    token.sender(payer).mint(splitter.address(), U256::from(7)).motsu_unwrap();
    assert_eq!(splitter.sender(anyone).sync().motsu_unwrap(), U256::from(7));
    splitter.assert_emitted(&RevenueDeposited { from: anyone, amount: U256::from(7), toHolders: U256::from(7), toPayees: U256::ZERO });
    assert_eq!(splitter.sender(admin).claimable(admin).motsu_unwrap(), ETH + U256::from(7));
    let (deposited, _, _, _, _) = splitter.sender(admin).totals();
    assert_eq!(deposited, ETH + U256::from(7));
    // Claims reduce what is owed and what is held alike: nothing new to sync.
    splitter.sender(admin).claim().motsu_unwrap();
    let err = splitter.sender(anyone).sync().motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToSync(_)), "{err:?}");
    splitter.sender(admin).pause().motsu_unwrap();
    token.sender(payer).mint(splitter.address(), U256::from(1)).motsu_unwrap();
    let err = splitter.sender(anyone).sync().motsu_unwrap_err();
    assert!(matches!(err, Error::EnforcedPause(_)), "{err:?}");
}

/// Finding 5 (issue 17): ETH that arrived without `deposit` (forced in) was stuck forever.
#[motsu::test]
fn sync_credits_eth_that_bypassed_deposit(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    payer: Address,
    anyone: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    pay_eth(&splitter, payer, ETH);
    splitter.address().fund(U256::from(5));
    assert_eq!(splitter.sender(anyone).sync().motsu_unwrap(), U256::from(5));
    assert_eq!(splitter.sender(admin).claimable(admin).motsu_unwrap(), ETH + U256::from(5));
}

// ---------------------------------------------------------------- exclusions before binding

/// Finding 6 (issue 17): exclusions could only be set after binding, so a deposit in between
/// credited the AMM pair. Declared before binding, they hold deposits until applied.
#[motsu::test]
fn exclusion_declared_before_binding_holds_deposits_until_applied(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    amm: Address,
    anyone: Address,
    payer: Address,
) {
    clock::reset();
    shares
        .sender(admin)
        .constructor("P".into(), "P".into(), SUPPLY, admin, splitter.address(), admin, splitter.address())
        .motsu_unwrap();
    shares.sender(admin).transfer(amm, SUPPLY / U256::from(4)).motsu_unwrap();
    splitter.sender(admin).constructor(shares.address(), Address::ZERO, 0, admin, splitter.address()).motsu_unwrap();
    splitter.sender(admin).set_excluded(amm, true).motsu_unwrap();
    splitter.assert_emitted(&ExclusionPending { account: amm, pending: true });
    assert!(splitter.sender(anyone).is_exclusion_pending(amm));
    assert_eq!(splitter.sender(anyone).pending_exclusions(), U256::from(1));
    shares.sender(admin).set_revenue_splitter(splitter.address()).motsu_unwrap();
    // The AMM trades between binding and the exclusion: still not credited.
    shares.sender(amm).transfer(anyone, U256::from(10)).motsu_unwrap();

    payer.fund(ETH);
    let err = splitter.sender_and_value(payer, ETH).deposit_eth().motsu_unwrap_err();
    assert!(matches!(err, Error::ExclusionsPending(SplitterExclusionsPending { count }) if count == U256::from(1)), "{err:?}");

    splitter.sender(anyone).apply_exclusion(amm).motsu_unwrap();
    splitter.assert_emitted(&ExclusionSet { account: amm, excluded: true });
    assert!(splitter.sender(anyone).is_excluded(amm));
    assert_eq!(splitter.sender(anyone).pending_exclusions(), U256::ZERO);
    let amm_balance = shares.sender(amm).balance_of(amm);
    assert_eq!(splitter.sender(anyone).eligible_supply(), SUPPLY - amm_balance);
    pay_eth(&splitter, payer, ETH);
    assert_eq!(splitter.sender(amm).claimable(amm).motsu_unwrap(), U256::ZERO);
}

/// A declared exclusion can be withdrawn before binding, or applied or withdrawn by the admin
/// after binding; deposits resume either way.
#[motsu::test]
fn declared_exclusions_can_be_withdrawn_or_applied_by_the_admin(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    amm: Address,
    pool: Address,
    payer: Address,
) {
    clock::reset();
    shares
        .sender(admin)
        .constructor("P".into(), "P".into(), SUPPLY, admin, splitter.address(), admin, splitter.address())
        .motsu_unwrap();
    splitter.sender(admin).constructor(shares.address(), Address::ZERO, 0, admin, splitter.address()).motsu_unwrap();
    splitter.sender(admin).set_excluded(amm, true).motsu_unwrap();
    splitter.sender(admin).set_excluded(amm, false).motsu_unwrap();
    splitter.assert_emitted(&ExclusionPending { account: amm, pending: false });
    splitter.sender(admin).set_excluded(amm, true).motsu_unwrap();
    splitter.sender(admin).set_excluded(pool, true).motsu_unwrap();
    shares.sender(admin).set_revenue_splitter(splitter.address()).motsu_unwrap();
    splitter.sender(admin).set_excluded(amm, false).motsu_unwrap();
    assert!(!splitter.sender(admin).is_excluded(amm));
    splitter.sender(admin).set_excluded(pool, true).motsu_unwrap();
    assert!(splitter.sender(admin).is_excluded(pool));
    assert_eq!(splitter.sender(admin).pending_exclusions(), U256::ZERO);
    pay_eth(&splitter, payer, ETH);
}

// ---------------------------------------------------------------- informational findings

/// Issue 17, informational: a splitter paying out its own share token is refused.
#[motsu::test]
fn constructor_refuses_the_share_token_as_asset(splitter: Contract<RevenueSplitter>, admin: Address, token: Address) {
    let err = splitter.sender(admin).constructor(token, token, 0, admin, splitter.address()).motsu_unwrap_err();
    assert!(matches!(err, Error::AssetIsShareToken(_)), "{err:?}");
}

/// Issue 17, informational: the same payee listed twice is refused.
#[motsu::test]
fn set_payees_refuses_a_repeated_payee(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    host: Address,
    ops: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    let err = splitter.sender(admin).set_payees(vec![host, ops, host], vec![100, 200, 300]).motsu_unwrap_err();
    assert!(matches!(err, Error::DuplicatePayee(SplitterDuplicatePayee { account }) if account == host), "{err:?}");
}

/// Finding 2 (issue 17): the hook answers with its selector, which the token checks.
#[motsu::test]
fn on_shares_bound_returns_the_magic_value(splitter: Contract<RevenueSplitter>, admin: Address, token: Address) {
    splitter.sender(admin).constructor(token, Address::ZERO, 0, admin, splitter.address()).motsu_unwrap();
    let magic = splitter.sender(token).on_shares_bound(SUPPLY).motsu_unwrap();
    assert_eq!(magic.0, rigshare_common::SHARES_BOUND_MAGIC);
    assert_eq!(magic.0[..], alloy_primitives::keccak256("onSharesBound(uint256)")[..4]);
}

// ---------------------------------------------------------------- streaming

#[motsu::test]
fn streamed_revenue_vests_linearly(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    wallet: Contract<EthWallet>,
    payer: Address,
) {
    let admin = wallet.address();
    bind(&shares, &splitter, admin, Address::ZERO, 1_000);
    pay_eth(&splitter, payer, ETH);
    assert_eq!(splitter.sender(admin).claimable(admin).motsu_unwrap(), U256::ZERO);
    clock::warp(250);
    assert_eq!(splitter.sender(admin).claimable(admin).motsu_unwrap(), ETH / U256::from(4));
    assert_eq!(splitter.sender(admin).claim().motsu_unwrap(), ETH / U256::from(4));
    clock::warp(5_000);
    assert_eq!(splitter.sender(admin).claimable(admin).motsu_unwrap(), ETH * U256::from(3) / U256::from(4));
    let (_, _, _, unvested, _) = splitter.sender(admin).totals();
    assert_eq!(unvested, U256::ZERO);
    clock::reset();
}

/// A transfer between eligible holders and a claim compute the stream's release without storing
/// it (neither changes the eligible supply), and everyone is owed exactly what a stored release
/// would give; a burn, which changes the eligible supply, stores it. With nothing streaming,
/// nothing is restamped either.
#[motsu::test]
fn only_changes_of_the_eligible_supply_store_a_release(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    wallet: Contract<EthWallet>,
    admin: Address,
    payer: Address,
) {
    let buyer = wallet.address();
    bind(&shares, &splitter, admin, Address::ZERO, 1_000);
    clock::warp(100);
    let idle = splitter.sender(admin).accumulator();
    shares.sender(admin).transfer(buyer, SUPPLY / U256::from(4)).motsu_unwrap();
    let err = splitter.sender(admin).claim().motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToClaim(_)));
    assert_eq!(splitter.sender(admin).accumulator(), idle, "nothing streams: nothing restamped");

    pay_eth(&splitter, payer, ETH);
    let streaming = splitter.sender(admin).accumulator();
    clock::warp(250);
    // A quarter has vested while the buyer held a quarter of the supply.
    shares.sender(buyer).transfer(admin, SUPPLY / U256::from(4)).motsu_unwrap();
    assert_eq!(splitter.sender(admin).accumulator(), streaming, "a transfer stores no release");
    assert_eq!(splitter.sender(buyer).claimable(buyer).motsu_unwrap(), ETH / U256::from(16));
    clock::warp(5_000);
    assert_eq!(splitter.sender(buyer).claim().motsu_unwrap(), ETH / U256::from(16));
    assert_eq!(wallet.balance(), ETH / U256::from(16));
    assert_eq!(splitter.sender(admin).accumulator(), streaming, "a claim stores no release");
    let owed = ETH - ETH / U256::from(16);
    assert_eq!(splitter.sender(admin).claimable(admin).motsu_unwrap(), owed);

    // A burn changes the eligible supply: the release is stored first, and nothing owed moves.
    shares.sender(admin).burn(U256::from(1)).motsu_unwrap();
    let (acc, carry, unvested, rate, _, last_release) = splitter.sender(admin).accumulator();
    assert_eq!((unvested, rate, last_release), (U256::ZERO, U256::ZERO, clock::now()));
    assert_eq!((acc, carry), (streaming.0 + magnify(ETH) / SUPPLY, magnify(ETH) % SUPPLY));
    assert_eq!(splitter.sender(admin).claimable(admin).motsu_unwrap(), owed);
    clock::reset();
}

/// An instant splitter's deposits move only the accumulator and its carry: the stream's slots
/// stay as constructed, and the revenue is paid exactly as with a release first.
#[motsu::test]
fn instant_deposits_move_only_the_accumulator_and_carry(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    wallet: Contract<EthWallet>,
    admin: Address,
    payer: Address,
) {
    let holder = wallet.address();
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    shares.sender(admin).transfer(holder, SUPPLY / U256::from(3)).motsu_unwrap();
    clock::warp(500);
    let odd = ETH + U256::from(1);
    pay_eth(&splitter, payer, odd);
    pay_eth(&splitter, payer, odd);
    let (acc, carry, unvested, rate, stream_end, last_release) = splitter.sender(admin).accumulator();
    assert_eq!((unvested, rate, stream_end, last_release), (U256::ZERO, U256::ZERO, 0, 0));
    let eligible = SUPPLY;
    assert_eq!(acc, magnify(odd) * U256::from(2) / eligible);
    assert_eq!(carry, magnify(odd) * U256::from(2) % eligible);
    assert_eq!(splitter.sender(holder).claim().motsu_unwrap(), odd * U256::from(2) / U256::from(3));
    clock::reset();
}

// ---------------------------------------------------------------- attacks

#[motsu::test]
fn buying_just_before_an_instant_deposit_earns_only_pro_rata(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    sniper: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    shares.sender(admin).transfer(sniper, SUPPLY / U256::from(10)).motsu_unwrap();
    pay_eth(&splitter, payer, ETH);
    shares.sender(sniper).transfer(admin, SUPPLY / U256::from(10)).motsu_unwrap();
    // Without a window the sniper keeps exactly its pro-rata 10%, never more.
    assert_eq!(splitter.sender(sniper).claimable(sniper).motsu_unwrap(), ETH / U256::from(10));
}

#[motsu::test]
fn buying_just_before_a_streamed_deposit_earns_nothing(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    sniper: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 86_400);
    shares.sender(admin).transfer(sniper, SUPPLY / U256::from(2)).motsu_unwrap();
    pay_eth(&splitter, payer, ETH);
    shares.sender(sniper).transfer(admin, SUPPLY / U256::from(2)).motsu_unwrap();
    clock::warp(86_400);
    assert_eq!(splitter.sender(sniper).claimable(sniper).motsu_unwrap(), U256::ZERO);
    assert_eq!(splitter.sender(admin).claimable(admin).motsu_unwrap(), ETH);
    clock::reset();
}

#[motsu::test]
fn a_claim_reentering_through_the_eth_receiver_is_refused(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    attacker: Contract<ReentrantClaimer>,
    admin: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    shares.sender(admin).transfer(attacker.address(), SUPPLY / U256::from(2)).motsu_unwrap();
    pay_eth(&splitter, payer, ETH);
    let owed = ETH / U256::from(2);

    // A receiver that propagates the failed re-entry refuses the payment: nothing moves.
    attacker.sender(admin).configure(splitter.address(), false);
    let err = attacker.sender(admin).start_claim().motsu_unwrap_err();
    let expected: Vec<u8> = Error::EthTransferFailed(SplitterEthTransferFailed { recipient: attacker.address() }).into();
    assert_eq!(err, expected);
    assert_eq!(splitter.balance(), ETH);

    // A receiver that swallows it is paid exactly once; the inner claim found nothing.
    attacker.sender(admin).configure(splitter.address(), true);
    assert_eq!(attacker.sender(admin).start_claim().motsu_unwrap(), owed);
    assert!(!attacker.sender(admin).inner_succeeded());
    assert_eq!(attacker.balance(), owed);
    assert_eq!(splitter.balance(), ETH - owed);
    assert_eq!(splitter.sender(admin).claimable(attacker.address()).motsu_unwrap(), U256::ZERO);
}

// ---------------------------------------------------------------- views

#[motsu::test]
fn accumulator_and_account_views_expose_the_ledger(
    shares: Contract<RigShares>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    payer: Address,
) {
    bind(&shares, &splitter, admin, Address::ZERO, 0);
    pay_eth(&splitter, payer, U256::from(3));
    let (acc, carry, unvested, rate, _, _) = splitter.sender(admin).accumulator();
    // 3 wei x 10^39 over SUPPLY shares, remainder carried.
    let magnified = U256::from(3) * crate::accrual::MAGNITUDE;
    assert_eq!(acc, magnified / SUPPLY);
    assert_eq!(carry, magnified % SUPPLY);
    assert_eq!((unvested, rate), (U256::ZERO, U256::ZERO));
    assert_eq!(splitter.sender(admin).account_state(admin), (U256::ZERO, U256::ZERO, U256::ZERO));
    assert!(splitter.sender(admin).supports_interface(alloy_primitives::aliases::B32::new([0x79, 0x65, 0xdb, 0x0b])));
}
