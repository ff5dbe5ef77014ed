//! Native unit tests for `RigShares` (motsu), with the real `RigDeed` and `RevenueSplitter`
//! contracts wired in.
#![allow(clippy::too_many_arguments)]

use alloy_primitives::{aliases::B32, keccak256, uint, Address, B256, U256, U8};
use alloy_signer::SignerSync;
use alloy_sol_types::{SolError, SolValue};
use motsu::prelude::*;
use openzeppelin_stylus::{
    access::control::{AccessControlUnauthorizedAccount, IAccessControl, RoleGranted},
    token::{
        erc20::{
            extensions::{
                permit::{ERC2612ExpiredSignature, ERC2612InvalidSigner},
                IErc20Metadata, IErc20Permit,
            },
            Approval, ERC20InsufficientAllowance, ERC20InsufficientBalance, ERC20InvalidReceiver, ERC20InvalidSpender,
            IErc20, Transfer,
        },
        erc721::IErc721,
    },
    utils::{introspection::erc165::IErc165, nonces::INonces},
};
use revenue_splitter::{IRevenueSplitter, IRevenueSplitterExtension, RevenueSplitter, SharesBound};
use rig_deed::{DeedReceiverRejected, IRigDeed, IRigDeedExtension, RigDeed};
use rigshare_common::{ADMIN_ROLE, MINTER_ROLE, OPERATOR_ROLE};
use stylus_sdk::abi::Bytes;

use crate::{
    IRigShares, IRigSharesExtension, SharesInvalidExtension,
    BuyoutClaimed, BuyoutEscrowed, SharesInvalidEscrow, SharesNothingToClaim,
    AllowlistUpdated, ComplianceModeSet, DeedDeposited, Error, PoolRedeemed, RevenueSplitterSet, RigShares,
    SharesDuplicateSplitter, SharesForeignDeed, SharesInvalidRigDeed, SharesInvalidSplitter,
    SharesInvalidText, SharesNotSoleHolder, SharesPoolFull, SharesReceiverNotAllowed, SharesSplitterAlreadySet,
    SharesTooManySplitters, SharesUnauthorizedDepositor, SharesZeroAdmin, ERC721_RECEIVER_INTERFACE_ID, MAX_POOL_DEEDS,
    MAX_SPLITTERS,
};

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const NAME: &str = "RigShare Pool Paraguay 01";
const SYMBOL: &str = "RSPY1";
/// 1,000,000 shares of 18 decimals.
const SUPPLY: U256 = uint!(1_000_000_000_000_000_000_000_000_U256);
const ONE_SHARE: U256 = uint!(1_000_000_000_000_000_000_U256);
const ONE_ETH: U256 = uint!(1_000_000_000_000_000_000_U256);
/// Motsu's chain id (Arbitrum One).
const DEFAULT_CHAIN_ID: u64 = 42_161;

const STATUS_MAINTENANCE: u8 = 1;
const STATUS_RETIRED: u8 = 3;

fn role(r: [u8; 32]) -> B256 {
    B256::from(r)
}

fn no_data() -> Bytes {
    Bytes::from(Vec::new())
}

/// Deploys the shares with `SUPPLY` minted to `issuer` and `admin` as admin. Natively one
/// module routes every function, so the extension module is never entered; the constructor
/// only checks that it is a contract, and the deed contract stands in for it.
fn deploy_shares(shares: &Contract<RigShares>, deed: &Contract<RigDeed>, admin: Address, issuer: Address) {
    shares
        .sender(admin)
        .constructor(NAME.into(), SYMBOL.into(), SUPPLY, issuer, deed.address(), admin, deed.address())
        .motsu_expect("shares constructor");
}

/// Deploys a RigDeed collection whose admin is `admin`, and makes `operator` its operator.
fn deploy_deed(deed: &Contract<RigDeed>, admin: Address, operator: Address) {
    deed.sender(admin)
        .constructor("Rig Deeds".into(), "RIG".into(), admin, deed.address())
        .motsu_expect("deed constructor");
    deed.sender(admin)
        .grant_role(role(OPERATOR_ROLE), operator)
        .motsu_expect("deed operator role");
}

/// Deed collection + shares + the operator allowed to deposit in both.
fn deploy_pool(
    shares: &Contract<RigShares>,
    deed: &Contract<RigDeed>,
    admin: Address,
    issuer: Address,
    operator: Address,
) {
    deploy_deed(deed, admin, operator);
    deploy_shares(shares, deed, admin, issuer);
    shares
        .sender(admin)
        .grant_role(role(OPERATOR_ROLE), operator)
        .motsu_expect("shares operator role");
}

/// An ETH splitter (no streaming) for `shares`, not adopted yet.
fn new_splitter(shares: &Contract<RigShares>, splitter: &Contract<RevenueSplitter>, admin: Address) {
    splitter
        .sender(admin)
        .constructor(shares.address(), Address::ZERO, 0, admin, splitter.address())
        .motsu_expect("splitter constructor");
}

/// An ETH splitter for a token other than the shares (`other_token`), so its hook refuses them.
fn foreign_splitter(splitter: &Contract<RevenueSplitter>, admin: Address, other_token: Address) {
    splitter
        .sender(admin)
        .constructor(other_token, Address::ZERO, 0, admin, splitter.address())
        .motsu_expect("foreign splitter");
}

/// An ETH splitter (no streaming) for `shares`, adopted by the shares' admin.
fn bind_splitter(shares: &Contract<RigShares>, splitter: &Contract<RevenueSplitter>, admin: Address) {
    new_splitter(shares, splitter, admin);
    shares
        .sender(admin)
        .set_revenue_splitter(splitter.address())
        .motsu_expect("bind splitter");
}

/// Mints a rig deed to `to`; `n` makes the serial unique.
fn mint_rig(
    deed: &Contract<RigDeed>,
    operator: Address,
    to: Address,
    n: u64,
    hashrate_ghs: u64,
    power_watts: u32,
) -> U256 {
    deed.sender(operator)
        .mint(
            to,
            "Antminer S21".into(),
            hashrate_ghs,
            power_watts,
            "Paraguay-Itaipu-03".into(),
            keccak256(format!("serial-{n}")),
            0,
        )
        .motsu_expect("mint rig")
}

/// Mints a rig to the operator and deposits it into the pool by safe transfer.
fn deposit_rig(
    shares: &Contract<RigShares>,
    deed: &Contract<RigDeed>,
    operator: Address,
    n: u64,
    hashrate_ghs: u64,
    power_watts: u32,
) -> U256 {
    let id = mint_rig(deed, operator, operator, n, hashrate_ghs, power_watts);
    deed.sender(operator)
        .safe_transfer_from(operator, shares.address(), id)
        .motsu_expect("deposit deed");
    id
}

/// Constructs `splitter` for `shares` and adopts it with `addRevenueSplitter`.
fn add_splitter(shares: &Contract<RigShares>, splitter: &Contract<RevenueSplitter>, admin: Address) {
    new_splitter(shares, splitter, admin);
    shares
        .sender(admin)
        .add_revenue_splitter(splitter.address())
        .motsu_expect("add splitter");
}

/// Shares (as `deploy_shares`) with `first` bound by `setRevenueSplitter` and `second` added.
fn deploy_with_two_splitters(
    shares: &Contract<RigShares>,
    deed: &Contract<RigDeed>,
    first: &Contract<RevenueSplitter>,
    second: &Contract<RevenueSplitter>,
    admin: Address,
    issuer: Address,
) {
    deploy_shares(shares, deed, admin, issuer);
    bind_splitter(shares, first, admin);
    add_splitter(shares, second, admin);
}

fn grant_minter(shares: &Contract<RigShares>, admin: Address, minter: Address) {
    shares
        .sender(admin)
        .grant_role(role(MINTER_ROLE), minter)
        .motsu_expect("grant minter");
}

/// `splitter` is bound to `shares` with an eligible supply of `SUPPLY` and said so.
fn assert_bound_with_supply(shares: &Contract<RigShares>, splitter: &Contract<RevenueSplitter>, anyone: Address) {
    assert!(splitter.sender(anyone).bound());
    assert_eq!(eligible(splitter, anyone), SUPPLY);
    splitter.assert_emitted(&SharesBound {
        shareToken: shares.address(),
        totalSupply: SUPPLY,
    });
}

/// `err` is `AccessControlUnauthorizedAccount(account, ADMIN_ROLE)`.
fn assert_not_admin(err: &Error, caller: Address) {
    assert!(
        matches!(err, Error::UnauthorizedAccount(AccessControlUnauthorizedAccount { account, needed_role })
            if *account == caller && *needed_role == role(ADMIN_ROLE)),
        "{err:?}"
    );
}

/// `err` is `SharesInvalidSplitter(splitter)`.
fn assert_invalid_splitter(err: &Error, splitter: Address) {
    assert!(
        matches!(err, Error::InvalidSplitter(SharesInvalidSplitter { splitter: s }) if *s == splitter),
        "{err:?}"
    );
}

fn eligible(splitter: &Contract<RevenueSplitter>, anyone: Address) -> U256 {
    splitter.sender(anyone).eligible_supply()
}

fn claimable(splitter: &Contract<RevenueSplitter>, account: Address) -> U256 {
    splitter.sender(account).claimable(account).motsu_expect("claimable")
}

#[allow(deprecated)]
fn now() -> U256 {
    U256::from(stylus_sdk::block::timestamp())
}

/// EIP-712 domain separator, computed from scratch: `keccak256(abi.encode(TYPE_HASH,
/// keccak256(name), keccak256("1"), chainId, verifyingContract))`.
fn expected_domain_separator(name: &str, chain_id: u64, verifying_contract: Address) -> B256 {
    let type_hash = keccak256(b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    let encoded = (
        type_hash,
        keccak256(name.as_bytes()),
        keccak256(b"1"),
        U256::from(chain_id),
        verifying_contract,
    )
        .abi_encode();
    assert_eq!(encoded.len(), 5 * 32, "static tuple encodes to five words");
    keccak256(encoded)
}

/// EIP-2612 digest: `keccak256(0x1901 || domainSeparator || structHash)`.
fn permit_digest(
    domain_separator: B256,
    owner: Address,
    spender: Address,
    value: U256,
    nonce: U256,
    deadline: U256,
) -> B256 {
    let type_hash = keccak256(b"Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    let struct_hash = keccak256((type_hash, owner, spender, value, nonce, deadline).abi_encode());
    let mut preimage = Vec::with_capacity(66);
    preimage.extend_from_slice(&[0x19, 0x01]);
    preimage.extend_from_slice(domain_separator.as_slice());
    preimage.extend_from_slice(struct_hash.as_slice());
    keccak256(preimage)
}

/// Signs `digest` with `signer`, as `(v, r, s)` with `v` in {27, 28}.
fn sign(signer: &Account, digest: B256) -> (u8, B256, B256) {
    let sig = signer.signer().sign_hash_sync(&digest).expect("sign permit");
    (
        27 + u8::from(sig.v()),
        B256::from(sig.r().to_be_bytes::<32>()),
        B256::from(sig.s().to_be_bytes::<32>()),
    )
}

// ---------------------------------------------------------------------------------------------
// Constructor
// ---------------------------------------------------------------------------------------------

#[motsu::test]
fn constructor_sets_metadata_mints_supply_to_issuer_and_grants_admin(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    issuer: Address,
) {
    deploy_shares(&shares, &deed, admin, issuer);

    assert_eq!(shares.sender(issuer).name(), NAME);
    assert_eq!(shares.sender(issuer).symbol(), SYMBOL);
    assert_eq!(shares.sender(issuer).decimals(), U8::from(18));
    assert_eq!(shares.sender(issuer).total_supply(), SUPPLY);
    assert_eq!(shares.sender(issuer).balance_of(issuer), SUPPLY);
    assert_eq!(shares.sender(issuer).balance_of(admin), U256::ZERO);
    assert_eq!(shares.sender(issuer).rig_deed(), deed.address());
    assert_eq!(shares.sender(issuer).revenue_splitter(), Address::ZERO);
    assert_eq!(shares.sender(issuer).deed_count(), U256::ZERO);
    assert!(shares.sender(issuer).deed_ids().is_empty());

    assert!(shares.sender(issuer).has_role(role(ADMIN_ROLE), admin));
    assert!(!shares.sender(issuer).has_role(role(ADMIN_ROLE), issuer));
    assert!(
        !shares.sender(issuer).has_role(role(MINTER_ROLE), admin),
        "no minter by default"
    );
    assert!(
        !shares.sender(issuer).has_role(role(OPERATOR_ROLE), admin),
        "no operator by default"
    );

    shares.assert_emitted(&Transfer {
        from: Address::ZERO,
        to: issuer,
        value: SUPPLY,
    });
    shares.assert_emitted(&RoleGranted {
        role: role(ADMIN_ROLE),
        account: admin,
        sender: admin,
    });
}

#[motsu::test]
fn role_ids_are_keccak_of_their_names(shares: Contract<RigShares>, alice: Address) {
    assert_eq!(shares.sender(alice).operator_role(), keccak256(b"OPERATOR_ROLE"));
    assert_eq!(shares.sender(alice).minter_role(), keccak256(b"MINTER_ROLE"));
}

#[motsu::test]
fn constructor_rejects_zero_rig_deed(shares: Contract<RigShares>, admin: Address, issuer: Address) {
    let err = shares
        .sender(admin)
        .constructor(NAME.into(), SYMBOL.into(), SUPPLY, issuer, Address::ZERO, admin, shares.address())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidRigDeed(SharesInvalidRigDeed {})), "{err:?}");
    assert_eq!(shares.sender(admin).total_supply(), U256::ZERO);
    assert_eq!(shares.sender(admin).balance_of(issuer), U256::ZERO);
    assert!(!shares.sender(admin).has_role(role(ADMIN_ROLE), admin));
}

#[motsu::test]
fn constructor_rejects_zero_admin(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    deployer: Address,
    issuer: Address,
) {
    let err = shares
        .sender(deployer)
        .constructor(
            NAME.into(),
            SYMBOL.into(),
            SUPPLY,
            issuer,
            deed.address(),
            Address::ZERO,
            deed.address(),
        )
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAdmin(SharesZeroAdmin {})), "{err:?}");
    assert_eq!(shares.sender(deployer).total_supply(), U256::ZERO);
    assert_eq!(shares.sender(deployer).rig_deed(), Address::ZERO);
}

#[motsu::test]
fn constructor_rejects_zero_issuer_with_invalid_receiver(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
) {
    let err = shares
        .sender(admin)
        .constructor(NAME.into(), SYMBOL.into(), SUPPLY, Address::ZERO, deed.address(), admin, deed.address())
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidReceiver(ERC20InvalidReceiver { receiver }) if receiver == Address::ZERO),
        "{err:?}"
    );
    // The whole constructor reverted: nothing was stored.
    assert_eq!(shares.sender(admin).total_supply(), U256::ZERO);
    assert_eq!(shares.sender(admin).rig_deed(), Address::ZERO);
    assert!(!shares.sender(admin).has_role(role(ADMIN_ROLE), admin));
}

#[motsu::test]
fn constructor_rejects_empty_or_overlong_name_and_symbol(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    issuer: Address,
) {
    let long = "x".repeat(65);
    let cases: [(&str, &str, u8, usize); 4] = [
        ("", SYMBOL, 0, 0),
        (long.as_str(), SYMBOL, 0, 65),
        (NAME, "", 1, 0),
        (NAME, long.as_str(), 1, 65),
    ];
    for (name, symbol, field, length) in cases {
        let err = shares
            .sender(admin)
            .constructor(name.into(), symbol.into(), SUPPLY, issuer, deed.address(), admin, deed.address())
            .motsu_unwrap_err();
        assert!(
            matches!(err, Error::InvalidText(SharesInvalidText { field: f, length: l })
                if f == field && l == U256::from(length)),
            "{err:?}"
        );
    }
    assert_eq!(shares.sender(admin).total_supply(), U256::ZERO);
}

#[motsu::test]
fn constructor_accepts_a_64_byte_utf8_name_and_the_domain_uses_all_of_it(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    issuer: Address,
) {
    // 20 three-byte characters + 4 ASCII bytes = 64 bytes.
    let name = format!("{}Pool", "\u{26cf}".repeat(20));
    assert_eq!(name.len(), 64);
    shares
        .sender(admin)
        .constructor(name.clone(), "S".into(), SUPPLY, issuer, deed.address(), admin, deed.address())
        .motsu_expect("constructor");
    assert_eq!(shares.sender(admin).name(), name);
    assert_eq!(shares.sender(admin).symbol(), "S");
    assert_eq!(
        shares.sender(admin).domain_separator(),
        expected_domain_separator(&name, DEFAULT_CHAIN_ID, shares.address())
    );
    assert_eq!(shares.sender(admin).eip712_domain().1, name);
}

// ---------------------------------------------------------------------------------------------
// ERC-20
// ---------------------------------------------------------------------------------------------

#[motsu::test]
fn transfer_moves_shares_and_emits_transfer(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    let amount = ONE_SHARE * U256::from(250);

    assert!(shares.sender(alice).transfer(bob, amount).motsu_expect("transfer"));

    assert_eq!(shares.sender(alice).balance_of(alice), SUPPLY - amount);
    assert_eq!(shares.sender(alice).balance_of(bob), amount);
    assert_eq!(shares.sender(alice).total_supply(), SUPPLY);
    shares.assert_emitted(&Transfer {
        from: alice,
        to: bob,
        value: amount,
    });
}

#[motsu::test]
fn transfer_of_zero_and_to_self_keep_balances(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    assert!(shares
        .sender(alice)
        .transfer(bob, U256::ZERO)
        .motsu_expect("zero transfer"));
    assert!(shares
        .sender(alice)
        .transfer(alice, ONE_SHARE)
        .motsu_expect("self transfer"));
    assert_eq!(shares.sender(alice).balance_of(alice), SUPPLY);
    assert_eq!(shares.sender(alice).balance_of(bob), U256::ZERO);
    shares.assert_emitted(&Transfer {
        from: alice,
        to: bob,
        value: U256::ZERO,
    });
    shares.assert_emitted(&Transfer {
        from: alice,
        to: alice,
        value: ONE_SHARE,
    });
}

#[motsu::test]
fn transfer_beyond_balance_reverts_with_insufficient_balance(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    shares.sender(alice).transfer(bob, ONE_SHARE).motsu_expect("seed bob");

    let needed = ONE_SHARE + U256::from(1);
    let err = shares.sender(bob).transfer(carol, needed).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InsufficientBalance(ERC20InsufficientBalance { sender, balance, needed: n })
            if sender == bob && balance == ONE_SHARE && n == needed),
        "{err:?}"
    );
    assert_eq!(shares.sender(bob).balance_of(bob), ONE_SHARE);
    assert_eq!(shares.sender(bob).balance_of(carol), U256::ZERO);
}

#[motsu::test]
fn transfer_to_zero_reverts_with_invalid_receiver(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    let err = shares
        .sender(alice)
        .transfer(Address::ZERO, ONE_SHARE)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidReceiver(ERC20InvalidReceiver { receiver }) if receiver == Address::ZERO),
        "{err:?}"
    );
    assert_eq!(shares.sender(alice).balance_of(alice), SUPPLY);
    assert_eq!(shares.sender(alice).total_supply(), SUPPLY);
}

#[motsu::test]
fn approve_sets_allowance_and_emits_approval(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    let amount = ONE_SHARE * U256::from(7);
    assert!(shares.sender(alice).approve(bob, amount).motsu_expect("approve"));
    assert_eq!(shares.sender(alice).allowance(alice, bob), amount);
    shares.assert_emitted(&Approval {
        owner: alice,
        spender: bob,
        value: amount,
    });

    // A second approval replaces the first.
    shares.sender(alice).approve(bob, ONE_SHARE).motsu_expect("re-approve");
    assert_eq!(shares.sender(alice).allowance(alice, bob), ONE_SHARE);
}

#[motsu::test]
fn approve_zero_spender_reverts_with_invalid_spender(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    let err = shares
        .sender(alice)
        .approve(Address::ZERO, ONE_SHARE)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidSpender(ERC20InvalidSpender { spender }) if spender == Address::ZERO),
        "{err:?}"
    );
}

#[motsu::test]
fn transfer_from_moves_shares_and_spends_allowance(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    let allowance = ONE_SHARE * U256::from(10);
    let amount = ONE_SHARE * U256::from(4);
    shares.sender(alice).approve(bob, allowance).motsu_expect("approve");

    assert!(shares
        .sender(bob)
        .transfer_from(alice, carol, amount)
        .motsu_expect("transfer_from"));

    assert_eq!(shares.sender(bob).balance_of(alice), SUPPLY - amount);
    assert_eq!(shares.sender(bob).balance_of(carol), amount);
    assert_eq!(shares.sender(bob).balance_of(bob), U256::ZERO);
    assert_eq!(shares.sender(bob).allowance(alice, bob), allowance - amount);
    shares.assert_emitted(&Transfer {
        from: alice,
        to: carol,
        value: amount,
    });
}

#[motsu::test]
fn transfer_from_with_max_allowance_leaves_it_unlimited(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    shares.sender(alice).approve(bob, U256::MAX).motsu_expect("approve");
    shares
        .sender(bob)
        .transfer_from(alice, bob, ONE_SHARE)
        .motsu_expect("transfer_from");
    assert_eq!(shares.sender(bob).allowance(alice, bob), U256::MAX);
    assert_eq!(shares.sender(bob).balance_of(bob), ONE_SHARE);
}

#[motsu::test]
fn transfer_from_beyond_allowance_reverts_with_insufficient_allowance(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    shares.sender(alice).approve(bob, ONE_SHARE).motsu_expect("approve");

    let needed = ONE_SHARE * U256::from(2);
    let err = shares.sender(bob).transfer_from(alice, bob, needed).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InsufficientAllowance(ERC20InsufficientAllowance { spender, allowance, needed: n })
            if spender == bob && allowance == ONE_SHARE && n == needed),
        "{err:?}"
    );
    assert_eq!(shares.sender(bob).allowance(alice, bob), ONE_SHARE);
    assert_eq!(shares.sender(bob).balance_of(alice), SUPPLY);
}

#[motsu::test]
fn transfer_from_without_approval_reverts_with_insufficient_allowance(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    let err = shares
        .sender(bob)
        .transfer_from(alice, bob, U256::from(1))
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InsufficientAllowance(ERC20InsufficientAllowance { spender, allowance, needed })
            if spender == bob && allowance.is_zero() && needed == U256::from(1)),
        "{err:?}"
    );
}

#[motsu::test]
fn transfer_from_beyond_balance_reverts_with_insufficient_balance(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    shares.sender(alice).transfer(bob, ONE_SHARE).motsu_expect("seed bob");
    shares
        .sender(bob)
        .approve(carol, U256::MAX - U256::from(1))
        .motsu_expect("approve");

    let needed = ONE_SHARE * U256::from(3);
    let err = shares
        .sender(carol)
        .transfer_from(bob, carol, needed)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InsufficientBalance(ERC20InsufficientBalance { sender, balance, needed: n })
            if sender == bob && balance == ONE_SHARE && n == needed),
        "{err:?}"
    );
    // The allowance spent before the failed balance check was rolled back.
    assert_eq!(shares.sender(carol).allowance(bob, carol), U256::MAX - U256::from(1));
}

#[motsu::test]
fn transfer_from_to_zero_reverts_with_invalid_receiver_and_keeps_allowance(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    shares.sender(alice).approve(bob, ONE_SHARE).motsu_expect("approve");
    let err = shares
        .sender(bob)
        .transfer_from(alice, Address::ZERO, ONE_SHARE)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidReceiver(ERC20InvalidReceiver { receiver }) if receiver == Address::ZERO),
        "{err:?}"
    );
    assert_eq!(shares.sender(bob).allowance(alice, bob), ONE_SHARE);
    assert_eq!(shares.sender(bob).balance_of(alice), SUPPLY);
}

// ---------------------------------------------------------------------------------------------
// EIP-2612 permit and EIP-712 domain
// ---------------------------------------------------------------------------------------------

#[motsu::test]
fn domain_separator_is_the_eip712_hash_of_name_version_chain_and_contract(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    let name = shares.sender(alice).name();
    assert_eq!(
        shares.sender(alice).domain_separator(),
        expected_domain_separator(&name, DEFAULT_CHAIN_ID, shares.address())
    );
    // Not the hash of an empty name (the `IEip712::NAME` placeholder).
    assert_ne!(
        shares.sender(alice).domain_separator(),
        expected_domain_separator("", DEFAULT_CHAIN_ID, shares.address())
    );
}

#[motsu::test]
fn domain_separator_follows_the_chain_id(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    VM::context().set_chain_id(11_155_111);
    assert_eq!(
        shares.sender(alice).domain_separator(),
        expected_domain_separator(NAME, 11_155_111, shares.address())
    );
    VM::context().set_chain_id(DEFAULT_CHAIN_ID);
}

#[motsu::test]
fn domain_separators_of_two_pools_differ_by_name_and_address(
    shares: Contract<RigShares>,
    other: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    other
        .sender(admin)
        .constructor("Another Pool".into(), "AP".into(), SUPPLY, alice, deed.address(), admin, deed.address())
        .motsu_expect("second pool");
    assert_eq!(
        other.sender(alice).domain_separator(),
        expected_domain_separator("Another Pool", DEFAULT_CHAIN_ID, other.address())
    );
    assert_ne!(
        shares.sender(alice).domain_separator(),
        other.sender(alice).domain_separator()
    );
}

#[motsu::test]
fn eip712_domain_reports_fields_name_version_chain_and_contract(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    let (fields, name, version, chain_id, verifying_contract, salt, extensions) = shares.sender(alice).eip712_domain();
    assert_eq!(fields.0, [0x0f]);
    assert_eq!(name, shares.sender(alice).name());
    assert_eq!(name, NAME);
    assert_eq!(version, "1");
    assert_eq!(chain_id, U256::from(DEFAULT_CHAIN_ID));
    assert_eq!(verifying_contract, shares.address());
    assert_eq!(salt, B256::ZERO);
    assert!(extensions.is_empty());
    // The reported domain is the one DOMAIN_SEPARATOR hashes.
    assert_eq!(
        shares.sender(alice).domain_separator(),
        expected_domain_separator(&name, chain_id.to::<u64>(), verifying_contract)
    );
}

#[motsu::test]
fn permit_with_valid_signature_sets_allowance_and_bumps_nonce(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Account,
    bob: Address,
    relayer: Address,
) {
    deploy_shares(&shares, &deed, admin, alice.address());
    let owner = alice.address();
    let value = ONE_SHARE * U256::from(42);
    let deadline = now() + U256::from(3_600);
    let nonce = shares.sender(relayer).nonces(owner);
    assert_eq!(nonce, U256::ZERO);

    // Signed against a domain built independently from `name()`.
    let domain = expected_domain_separator(&shares.sender(relayer).name(), DEFAULT_CHAIN_ID, shares.address());
    let (v, r, s) = sign(&alice, permit_digest(domain, owner, bob, value, nonce, deadline));

    shares
        .sender(relayer)
        .permit(owner, bob, value, deadline, v, r, s)
        .motsu_expect("permit");

    assert_eq!(shares.sender(relayer).allowance(owner, bob), value);
    assert_eq!(shares.sender(relayer).nonces(owner), U256::from(1));
    shares.assert_emitted(&Approval {
        owner,
        spender: bob,
        value,
    });

    // The allowance is usable.
    shares
        .sender(bob)
        .transfer_from(owner, bob, value)
        .motsu_expect("spend permit");
    assert_eq!(shares.sender(bob).balance_of(bob), value);
}

#[motsu::test]
fn permit_deadline_equal_to_now_is_still_valid(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Account,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice.address());
    let deadline = now();
    let domain = shares.sender(bob).domain_separator();
    let (v, r, s) = sign(
        &alice,
        permit_digest(domain, alice.address(), bob, ONE_SHARE, U256::ZERO, deadline),
    );
    shares
        .sender(bob)
        .permit(alice.address(), bob, ONE_SHARE, deadline, v, r, s)
        .motsu_expect("permit");
    assert_eq!(shares.sender(bob).allowance(alice.address(), bob), ONE_SHARE);
}

#[motsu::test]
fn permit_signature_cannot_be_replayed(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Account,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice.address());
    let owner = alice.address();
    let deadline = now() + U256::from(60);
    let domain = shares.sender(bob).domain_separator();
    let (v, r, s) = sign(
        &alice,
        permit_digest(domain, owner, bob, ONE_SHARE, U256::ZERO, deadline),
    );
    shares
        .sender(bob)
        .permit(owner, bob, ONE_SHARE, deadline, v, r, s)
        .motsu_expect("first use");
    shares
        .sender(bob)
        .approve(owner, U256::ZERO)
        .motsu_expect("unrelated approval");

    let err = shares
        .sender(bob)
        .permit(owner, bob, ONE_SHARE, deadline, v, r, s)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidSigner(ERC2612InvalidSigner { signer, owner: o }) if o == owner && signer != owner),
        "{err:?}"
    );
    assert_eq!(shares.sender(bob).nonces(owner), U256::from(1));
}

#[motsu::test]
fn permit_with_expired_deadline_reverts_with_expired_signature(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Account,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice.address());
    let owner = alice.address();
    let deadline = now() - U256::from(1);
    let domain = shares.sender(bob).domain_separator();
    let (v, r, s) = sign(
        &alice,
        permit_digest(domain, owner, bob, ONE_SHARE, U256::ZERO, deadline),
    );

    let err = shares
        .sender(bob)
        .permit(owner, bob, ONE_SHARE, deadline, v, r, s)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::ExpiredSignature(ERC2612ExpiredSignature { deadline: d }) if d == deadline),
        "{err:?}"
    );
    assert_eq!(shares.sender(bob).allowance(owner, bob), U256::ZERO);
    assert_eq!(shares.sender(bob).nonces(owner), U256::ZERO);
}

#[motsu::test]
fn permit_signed_by_another_account_reverts_with_invalid_signer(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Account,
    mallory: Account,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice.address());
    let owner = alice.address();
    let deadline = now() + U256::from(60);
    let domain = shares.sender(bob).domain_separator();
    let (v, r, s) = sign(
        &mallory,
        permit_digest(domain, owner, bob, ONE_SHARE, U256::ZERO, deadline),
    );

    let err = shares
        .sender(bob)
        .permit(owner, bob, ONE_SHARE, deadline, v, r, s)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidSigner(ERC2612InvalidSigner { signer, owner: o })
            if signer == mallory.address() && o == owner),
        "{err:?}"
    );
    assert_eq!(shares.sender(bob).allowance(owner, bob), U256::ZERO);
    assert_eq!(shares.sender(bob).nonces(owner), U256::ZERO);
}

#[motsu::test]
fn permit_signed_for_another_token_name_is_rejected(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Account,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice.address());
    let owner = alice.address();
    let deadline = now() + U256::from(60);
    let wrong_domain = expected_domain_separator("Some Other Token", DEFAULT_CHAIN_ID, shares.address());
    let (v, r, s) = sign(
        &alice,
        permit_digest(wrong_domain, owner, bob, ONE_SHARE, U256::ZERO, deadline),
    );

    let err = shares
        .sender(bob)
        .permit(owner, bob, ONE_SHARE, deadline, v, r, s)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidSigner(ERC2612InvalidSigner { owner: o, .. }) if o == owner),
        "{err:?}"
    );
}

#[motsu::test]
fn permit_with_v_below_27_reverts_with_invalid_signature(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Account,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice.address());
    let owner = alice.address();
    let deadline = now() + U256::from(60);
    let domain = shares.sender(bob).domain_separator();
    let (v, r, s) = sign(
        &alice,
        permit_digest(domain, owner, bob, ONE_SHARE, U256::ZERO, deadline),
    );

    let err = shares
        .sender(bob)
        .permit(owner, bob, ONE_SHARE, deadline, v - 27, r, s)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidSignature(_)), "{err:?}");
    assert_eq!(shares.sender(bob).nonces(owner), U256::ZERO);
}

#[motsu::test]
fn permit_with_malleable_high_s_reverts_with_invalid_signature_s(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Account,
    bob: Address,
) {
    /// Order of secp256k1.
    const N: U256 = uint!(0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141_U256);
    deploy_shares(&shares, &deed, admin, alice.address());
    let owner = alice.address();
    let deadline = now() + U256::from(60);
    let domain = shares.sender(bob).domain_separator();
    let (v, r, s) = sign(
        &alice,
        permit_digest(domain, owner, bob, ONE_SHARE, U256::ZERO, deadline),
    );
    // The same signature's twin: s' = n - s with the other parity.
    let high_s = B256::from((N - U256::from_be_bytes(s.0)).to_be_bytes::<32>());
    let flipped_v = if v == 27 { 28 } else { 27 };

    let err = shares
        .sender(bob)
        .permit(owner, bob, ONE_SHARE, deadline, flipped_v, r, high_s)
        .motsu_unwrap_err();
    assert!(matches!(&err, Error::InvalidSignatureS(e) if e.s == high_s), "{err:?}");
    assert_eq!(shares.sender(bob).allowance(owner, bob), U256::ZERO);
}

#[motsu::test]
fn permit_for_zero_spender_reverts_with_invalid_spender(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Account,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice.address());
    let owner = alice.address();
    let deadline = now() + U256::from(60);
    let domain = shares.sender(bob).domain_separator();
    let (v, r, s) = sign(
        &alice,
        permit_digest(domain, owner, Address::ZERO, ONE_SHARE, U256::ZERO, deadline),
    );

    let err = shares
        .sender(bob)
        .permit(owner, Address::ZERO, ONE_SHARE, deadline, v, r, s)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidSpender(ERC20InvalidSpender { spender }) if spender == Address::ZERO),
        "{err:?}"
    );
    assert_eq!(shares.sender(bob).nonces(owner), U256::ZERO);
}

// ---------------------------------------------------------------------------------------------
// Mint and burn
// ---------------------------------------------------------------------------------------------

#[motsu::test]
fn minter_mints_new_shares(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    issuer: Address,
    minter: Address,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, issuer);
    grant_minter(&shares, admin, minter);
    let amount = ONE_SHARE * U256::from(500);

    shares.sender(minter).mint(bob, amount).motsu_expect("mint");

    assert_eq!(shares.sender(bob).balance_of(bob), amount);
    assert_eq!(shares.sender(bob).total_supply(), SUPPLY + amount);
    shares.assert_emitted(&Transfer {
        from: Address::ZERO,
        to: bob,
        value: amount,
    });
}

#[motsu::test]
fn mint_without_minter_role_reverts_with_unauthorized_account(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    issuer: Address,
    alice: Address,
) {
    deploy_shares(&shares, &deed, admin, issuer);
    for caller in [alice, admin, issuer] {
        let err = shares.sender(caller).mint(caller, ONE_SHARE).motsu_unwrap_err();
        assert!(
            matches!(err, Error::UnauthorizedAccount(AccessControlUnauthorizedAccount { account, needed_role })
                if account == caller && needed_role == role(MINTER_ROLE)),
            "{err:?}"
        );
    }
    assert_eq!(shares.sender(alice).total_supply(), SUPPLY);
}

#[motsu::test]
fn mint_to_zero_reverts_with_invalid_receiver(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    issuer: Address,
    minter: Address,
) {
    deploy_shares(&shares, &deed, admin, issuer);
    grant_minter(&shares, admin, minter);
    let err = shares.sender(minter).mint(Address::ZERO, ONE_SHARE).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidReceiver(ERC20InvalidReceiver { receiver }) if receiver == Address::ZERO),
        "{err:?}"
    );
}

#[motsu::test]
fn revoked_minter_can_no_longer_mint(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    issuer: Address,
    minter: Address,
) {
    deploy_shares(&shares, &deed, admin, issuer);
    grant_minter(&shares, admin, minter);
    shares
        .sender(admin)
        .revoke_role(role(MINTER_ROLE), minter)
        .motsu_expect("revoke minter");
    let err = shares.sender(minter).mint(minter, ONE_SHARE).motsu_unwrap_err();
    assert!(matches!(err, Error::UnauthorizedAccount(_)), "{err:?}");
}

#[motsu::test]
fn burn_destroys_callers_shares(shares: Contract<RigShares>, deed: Contract<RigDeed>, admin: Address, alice: Address) {
    deploy_shares(&shares, &deed, admin, alice);
    let amount = ONE_SHARE * U256::from(3);
    shares.sender(alice).burn(amount).motsu_expect("burn");
    assert_eq!(shares.sender(alice).balance_of(alice), SUPPLY - amount);
    assert_eq!(shares.sender(alice).total_supply(), SUPPLY - amount);
    shares.assert_emitted(&Transfer {
        from: alice,
        to: Address::ZERO,
        value: amount,
    });
}

#[motsu::test]
fn burn_beyond_balance_reverts_with_insufficient_balance(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    let err = shares.sender(bob).burn(U256::from(1)).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InsufficientBalance(ERC20InsufficientBalance { sender, balance, needed })
            if sender == bob && balance.is_zero() && needed == U256::from(1)),
        "{err:?}"
    );
    assert_eq!(shares.sender(bob).total_supply(), SUPPLY);
}

#[motsu::test]
fn burn_from_spends_allowance_and_burns(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    let allowance = ONE_SHARE * U256::from(5);
    let amount = ONE_SHARE * U256::from(2);
    shares.sender(alice).approve(bob, allowance).motsu_expect("approve");

    shares.sender(bob).burn_from(alice, amount).motsu_expect("burn_from");

    assert_eq!(shares.sender(bob).allowance(alice, bob), allowance - amount);
    assert_eq!(shares.sender(bob).balance_of(alice), SUPPLY - amount);
    assert_eq!(shares.sender(bob).total_supply(), SUPPLY - amount);
    shares.assert_emitted(&Transfer {
        from: alice,
        to: Address::ZERO,
        value: amount,
    });
}

#[motsu::test]
fn burn_from_beyond_allowance_reverts_with_insufficient_allowance(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    shares.sender(alice).approve(bob, ONE_SHARE).motsu_expect("approve");
    let needed = ONE_SHARE + U256::from(1);
    let err = shares.sender(bob).burn_from(alice, needed).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InsufficientAllowance(ERC20InsufficientAllowance { spender, allowance, needed: n })
            if spender == bob && allowance == ONE_SHARE && n == needed),
        "{err:?}"
    );
    assert_eq!(shares.sender(bob).total_supply(), SUPPLY);
    assert_eq!(shares.sender(bob).allowance(alice, bob), ONE_SHARE);
}

// ---------------------------------------------------------------------------------------------
// Revenue splitter wiring
// ---------------------------------------------------------------------------------------------

#[motsu::test]
fn set_revenue_splitter_binds_the_splitter_with_the_supply(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    assert!(!splitter.sender(alice).bound());

    bind_splitter(&shares, &splitter, admin);

    assert_eq!(shares.sender(alice).revenue_splitter(), splitter.address());
    shares.assert_emitted(&RevenueSplitterSet {
        splitter: splitter.address(),
    });
    assert_bound_with_supply(&shares, &splitter, alice);
}

#[motsu::test]
fn set_revenue_splitter_by_non_admin_reverts_with_unauthorized_account(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    new_splitter(&shares, &splitter, admin);

    let err = shares
        .sender(alice)
        .set_revenue_splitter(splitter.address())
        .motsu_unwrap_err();
    assert_not_admin(&err, alice);
    assert_eq!(shares.sender(alice).revenue_splitter(), Address::ZERO);
    assert!(!splitter.sender(alice).bound());
}

#[motsu::test]
fn set_revenue_splitter_twice_reverts_with_splitter_already_set(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    splitter: Contract<RevenueSplitter>,
    second: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    bind_splitter(&shares, &splitter, admin);
    new_splitter(&shares, &second, admin);

    for candidate in [second.address(), splitter.address()] {
        let err = shares.sender(admin).set_revenue_splitter(candidate).motsu_unwrap_err();
        assert!(
            matches!(err, Error::SplitterAlreadySet(SharesSplitterAlreadySet { splitter: s }) if s == splitter.address()),
            "{err:?}"
        );
    }
    assert_eq!(shares.sender(admin).revenue_splitter(), splitter.address());
    assert!(!second.sender(admin).bound());
}

#[motsu::test]
fn set_revenue_splitter_rejects_an_account_without_code(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    eoa: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    for candidate in [eoa, Address::ZERO] {
        let err = shares.sender(admin).set_revenue_splitter(candidate).motsu_unwrap_err();
        assert!(
            matches!(err, Error::InvalidSplitter(SharesInvalidSplitter { splitter }) if splitter == candidate),
            "{err:?}"
        );
    }
    assert_eq!(shares.sender(admin).revenue_splitter(), Address::ZERO);
}

#[motsu::test]
fn set_revenue_splitter_of_another_token_reverts_with_invalid_splitter(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
    other_token: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    foreign_splitter(&splitter, admin, other_token);

    let err = shares
        .sender(admin)
        .set_revenue_splitter(splitter.address())
        .motsu_unwrap_err();
    assert_invalid_splitter(&err, splitter.address());
    // Rolled back entirely: the token can still adopt a proper splitter later.
    assert_eq!(shares.sender(admin).revenue_splitter(), Address::ZERO);
    assert!(!splitter.sender(admin).bound());
}

#[motsu::test]
fn transfers_mints_and_burns_keep_the_splitters_eligible_supply_in_step(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
    bob: Address,
    minter: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    bind_splitter(&shares, &splitter, admin);
    grant_minter(&shares, admin, minter);
    let check = || {
        let supply = shares.sender(alice).total_supply();
        assert_eq!(eligible(&splitter, alice), supply);
        supply
    };
    assert_eq!(check(), SUPPLY);

    shares
        .sender(alice)
        .transfer(bob, ONE_SHARE * U256::from(100))
        .motsu_expect("transfer");
    assert_eq!(check(), SUPPLY);

    shares
        .sender(minter)
        .mint(bob, ONE_SHARE * U256::from(50))
        .motsu_expect("mint");
    assert_eq!(check(), SUPPLY + ONE_SHARE * U256::from(50));

    burn_then_transfer_from(&shares, alice, bob, &check);

    // A failed transfer does not reach the splitter.
    let _ = shares.sender(bob).transfer(alice, SUPPLY).motsu_unwrap_err();
    assert_eq!(check(), SUPPLY);
}

#[motsu::test]
fn share_transfers_still_work_while_the_splitter_is_paused(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    bind_splitter(&shares, &splitter, admin);
    splitter.sender(admin).pause().motsu_expect("pause splitter");

    shares.sender(alice).transfer(bob, ONE_SHARE).motsu_expect("transfer");
    shares.sender(bob).burn(ONE_SHARE).motsu_expect("burn");
    assert_eq!(eligible(&splitter, alice), SUPPLY - ONE_SHARE);
}

#[motsu::test]
fn revenue_deposited_before_a_transfer_stays_with_the_sender(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
    bob: Address,
    payer: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    bind_splitter(&shares, &splitter, admin);
    payer.fund(ONE_ETH * U256::from(10));

    splitter
        .sender_and_value(payer, ONE_ETH)
        .deposit_eth()
        .motsu_expect("first deposit");
    let earned = claimable(&splitter, alice);
    assert!(
        earned <= ONE_ETH && earned + U256::from(1) >= ONE_ETH,
        "alice earned {earned}"
    );
    assert_eq!(claimable(&splitter, bob), U256::ZERO);

    // Alice sells half of the pool after the deposit.
    shares
        .sender(alice)
        .transfer(bob, SUPPLY / U256::from(2))
        .motsu_expect("transfer");

    assert_eq!(
        claimable(&splitter, alice),
        earned,
        "earned revenue stays with the seller"
    );
    assert_eq!(
        claimable(&splitter, bob),
        U256::ZERO,
        "the buyer gets nothing already earned"
    );

    // Revenue after the transfer is shared half and half.
    splitter
        .sender_and_value(payer, ONE_ETH)
        .deposit_eth()
        .motsu_expect("second deposit");
    let alice_now = claimable(&splitter, alice);
    let bob_now = claimable(&splitter, bob);
    let half = ONE_ETH / U256::from(2);
    assert!(bob_now <= half && bob_now + U256::from(1) >= half, "bob {bob_now}");
    assert!(
        alice_now - earned <= half && alice_now - earned + U256::from(1) >= half,
        "alice {alice_now}"
    );
    assert!(alice_now + bob_now <= ONE_ETH * U256::from(2));
    // (Claiming is not exercised: motsu 0.10 cannot send ETH to an account without code, it
    // panics in `call_contract` with "contract should be initialised first".)
}

#[motsu::test]
fn revenue_earned_before_a_burn_stays_claimable(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
    bob: Address,
    payer: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    bind_splitter(&shares, &splitter, admin);
    shares
        .sender(alice)
        .transfer(bob, SUPPLY / U256::from(2))
        .motsu_expect("split holdings");
    payer.fund(ONE_ETH);
    splitter
        .sender_and_value(payer, ONE_ETH)
        .deposit_eth()
        .motsu_expect("deposit");
    let bob_earned = claimable(&splitter, bob);

    shares
        .sender(bob)
        .burn(SUPPLY / U256::from(2))
        .motsu_expect("burn all of bob's");

    assert_eq!(claimable(&splitter, bob), bob_earned);
    assert_eq!(eligible(&splitter, bob), SUPPLY / U256::from(2));
}

// ---------------------------------------------------------------------------------------------
// Deeds
// ---------------------------------------------------------------------------------------------

#[motsu::test]
fn operator_deposit_puts_the_deed_in_the_pool(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    issuer: Address,
    operator: Address,
) {
    deploy_pool(&shares, &deed, admin, issuer, operator);
    let first = deposit_rig(&shares, &deed, operator, 1, 200_000, 3_500);
    let second = deposit_rig(&shares, &deed, operator, 2, 180_000, 3_300);

    assert_eq!(
        deed.sender(operator).owner_of(first).motsu_expect("owner"),
        shares.address()
    );
    assert_eq!(
        deed.sender(operator).owner_of(second).motsu_expect("owner"),
        shares.address()
    );
    assert_eq!(shares.sender(operator).deed_ids(), vec![first, second]);
    assert_eq!(shares.sender(operator).deed_count(), U256::from(2));
    shares.assert_emitted(&DeedDeposited {
        tokenId: first,
        from: operator,
        operator,
    });
    shares.assert_emitted(&DeedDeposited {
        tokenId: second,
        from: operator,
        operator,
    });
}

#[motsu::test]
fn operator_may_deposit_a_deed_it_is_approved_for(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    issuer: Address,
    operator: Address,
    owner: Address,
) {
    deploy_pool(&shares, &deed, admin, issuer, operator);
    let id = mint_rig(&deed, operator, owner, 1, 100_000, 3_000);
    deed.sender(owner)
        .approve(operator, id)
        .motsu_expect("approve operator");

    deed.sender(operator)
        .safe_transfer_from(owner, shares.address(), id)
        .motsu_expect("deposit");

    assert_eq!(shares.sender(owner).deed_ids(), vec![id]);
    shares.assert_emitted(&DeedDeposited {
        tokenId: id,
        from: owner,
        operator,
    });
}

#[motsu::test]
fn backing_sums_live_rigs_and_drops_retired_ones(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    issuer: Address,
    operator: Address,
) {
    deploy_pool(&shares, &deed, admin, issuer, operator);
    assert_eq!(
        shares.sender(issuer).backing().motsu_expect("empty backing"),
        (U256::ZERO, U256::ZERO, U256::ZERO)
    );

    let first = deposit_rig(&shares, &deed, operator, 1, 200_000, 3_500);
    let second = deposit_rig(&shares, &deed, operator, 2, 180_000, 3_300);
    let third = deposit_rig(&shares, &deed, operator, 3, 120_000, 3_000);
    // A rig outside the pool does not count.
    mint_rig(&deed, operator, operator, 4, 999_000, 9_999);

    assert_eq!(
        shares.sender(issuer).backing().motsu_expect("backing"),
        (U256::from(500_000), U256::from(9_800), U256::from(3))
    );

    // Maintenance keeps the rig in the backing.
    deed.sender(operator)
        .set_status(second, STATUS_MAINTENANCE)
        .motsu_expect("maintenance");
    assert_eq!(
        shares.sender(issuer).backing().motsu_expect("backing"),
        (U256::from(500_000), U256::from(9_800), U256::from(3))
    );

    // Retiring drops it.
    deed.sender(operator)
        .set_status(first, STATUS_RETIRED)
        .motsu_expect("retire");
    assert_eq!(
        shares.sender(issuer).backing().motsu_expect("backing"),
        (U256::from(300_000), U256::from(6_300), U256::from(2))
    );
    // The retired deed is still held by the pool.
    assert_eq!(shares.sender(issuer).deed_ids(), vec![first, second, third]);
    assert_eq!(shares.sender(issuer).deed_count(), U256::from(3));
}

#[motsu::test]
fn deposit_by_a_non_operator_is_refused(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    issuer: Address,
    operator: Address,
    alice: Address,
) {
    deploy_pool(&shares, &deed, admin, issuer, operator);
    let id = mint_rig(&deed, operator, alice, 1, 100_000, 3_000);

    let err = deed
        .sender(alice)
        .safe_transfer_from(alice, shares.address(), id)
        .motsu_unwrap_err();
    let expected_reason = SharesUnauthorizedDepositor { operator: alice }.abi_encode();
    assert!(
        matches!(&err, rig_deed::Error::ReceiverRejected(DeedReceiverRejected { receiver, reason })
            if *receiver == shares.address() && reason.as_ref() == expected_reason.as_slice()),
        "{err:?}"
    );
    assert_eq!(deed.sender(alice).owner_of(id).motsu_expect("owner"), alice);
    assert_eq!(shares.sender(alice).deed_count(), U256::ZERO);
    assert!(shares.sender(alice).deed_ids().is_empty());

    // Called directly by the deed contract, the hook names the refused operator.
    let err = shares
        .sender(deed.address())
        .on_erc721_received(alice, alice, id, no_data())
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::UnauthorizedDepositor(SharesUnauthorizedDepositor { operator }) if operator == alice),
        "{err:?}"
    );
}

#[motsu::test]
fn deed_operator_without_the_pools_operator_role_is_refused(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    issuer: Address,
    operator: Address,
) {
    deploy_deed(&deed, admin, operator);
    deploy_shares(&shares, &deed, admin, issuer);
    let id = mint_rig(&deed, operator, operator, 1, 100_000, 3_000);

    let err = deed
        .sender(operator)
        .safe_transfer_from(operator, shares.address(), id)
        .motsu_unwrap_err();
    assert!(matches!(err, rig_deed::Error::ReceiverRejected(_)), "{err:?}");
    assert_eq!(deed.sender(operator).owner_of(id).motsu_expect("owner"), operator);
}

#[motsu::test]
fn foreign_erc721_deed_is_refused(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    foreign: Contract<RigDeed>,
    admin: Address,
    issuer: Address,
    operator: Address,
) {
    deploy_pool(&shares, &deed, admin, issuer, operator);
    deploy_deed(&foreign, admin, operator);
    let id = mint_rig(&foreign, operator, operator, 1, 100_000, 3_000);

    let err = foreign
        .sender(operator)
        .safe_transfer_from(operator, shares.address(), id)
        .motsu_unwrap_err();
    let expected_reason = SharesForeignDeed {
        token: foreign.address(),
    }
    .abi_encode();
    assert!(
        matches!(&err, rig_deed::Error::ReceiverRejected(DeedReceiverRejected { receiver, reason })
            if *receiver == shares.address() && reason.as_ref() == expected_reason.as_slice()),
        "{err:?}"
    );
    assert_eq!(foreign.sender(operator).owner_of(id).motsu_expect("owner"), operator);
    assert_eq!(shares.sender(operator).deed_count(), U256::ZERO);

    // The hook itself, called by the foreign collection.
    let err = shares
        .sender(foreign.address())
        .on_erc721_received(operator, operator, id, no_data())
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::ForeignDeed(SharesForeignDeed { token }) if token == foreign.address()),
        "{err:?}"
    );
    // Or by anyone pretending to be a collection.
    let err = shares
        .sender(operator)
        .on_erc721_received(operator, operator, id, no_data())
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::ForeignDeed(SharesForeignDeed { token }) if token == operator),
        "{err:?}"
    );
    assert_eq!(shares.sender(operator).deed_count(), U256::ZERO);
}

#[motsu::test]
fn on_erc721_received_from_the_rig_deed_returns_the_receiver_selector(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    issuer: Address,
    operator: Address,
) {
    deploy_pool(&shares, &deed, admin, issuer, operator);
    let selector = shares
        .sender(deed.address())
        .on_erc721_received(operator, issuer, U256::from(7), no_data())
        .motsu_expect("hook");
    assert_eq!(selector, B32::from(0x150b_7a02_u32));
    assert_eq!(shares.sender(issuer).deed_ids(), vec![U256::from(7)]);
    shares.assert_emitted(&DeedDeposited {
        tokenId: U256::from(7),
        from: issuer,
        operator,
    });
}

#[motsu::test]
fn full_pool_refuses_the_next_deed(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    issuer: Address,
    operator: Address,
) {
    deploy_pool(&shares, &deed, admin, issuer, operator);
    // Fill the pool through the hook directly (as the deed contract would call it).
    for i in 1..=MAX_POOL_DEEDS {
        shares
            .sender(deed.address())
            .on_erc721_received(operator, operator, U256::from(i), no_data())
            .motsu_expect("fill pool");
    }
    assert_eq!(shares.sender(operator).deed_count(), U256::from(MAX_POOL_DEEDS));
    assert_eq!(MAX_POOL_DEEDS, 128);

    let err = shares
        .sender(deed.address())
        .on_erc721_received(operator, operator, U256::from(MAX_POOL_DEEDS + 1), no_data())
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::PoolFull(SharesPoolFull { max }) if max == U256::from(128)),
        "{err:?}"
    );

    // A real safe transfer into the full pool is refused as well and the deed stays put.
    let id = mint_rig(&deed, operator, operator, 1, 100_000, 3_000);
    let err = deed
        .sender(operator)
        .safe_transfer_from(operator, shares.address(), id)
        .motsu_unwrap_err();
    let expected_reason = SharesPoolFull { max: U256::from(128) }.abi_encode();
    assert!(
        matches!(&err, rig_deed::Error::ReceiverRejected(DeedReceiverRejected { reason, .. })
            if reason.as_ref() == expected_reason.as_slice()),
        "{err:?}"
    );
    assert_eq!(deed.sender(operator).owner_of(id).motsu_expect("owner"), operator);
    assert_eq!(shares.sender(operator).deed_count(), U256::from(MAX_POOL_DEEDS));
}

// ---------------------------------------------------------------------------------------------
// redeem_all
// ---------------------------------------------------------------------------------------------

#[motsu::test]
fn sole_holder_redeems_every_deed_and_burns_the_supply(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    splitter: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
    bob: Address,
    operator: Address,
) {
    deploy_pool(&shares, &deed, admin, alice, operator);
    bind_splitter(&shares, &splitter, admin);
    let first = deposit_rig(&shares, &deed, operator, 1, 200_000, 3_500);
    let second = deposit_rig(&shares, &deed, operator, 2, 180_000, 3_300);
    let third = deposit_rig(&shares, &deed, operator, 3, 120_000, 3_000);
    deed.sender(operator)
        .set_status(third, STATUS_RETIRED)
        .motsu_expect("retire third");

    shares.sender(alice).redeem_all(bob).motsu_expect("redeem_all");

    for id in [first, second, third] {
        assert_eq!(deed.sender(bob).owner_of(id).motsu_expect("owner"), bob);
    }
    assert!(shares.sender(alice).deed_ids().is_empty());
    assert_eq!(shares.sender(alice).deed_count(), U256::ZERO);
    assert_eq!(shares.sender(alice).total_supply(), U256::ZERO);
    assert_eq!(shares.sender(alice).balance_of(alice), U256::ZERO);
    assert_eq!(
        shares.sender(alice).backing().motsu_expect("backing"),
        (U256::ZERO, U256::ZERO, U256::ZERO)
    );
    assert_eq!(
        deed.sender(bob).backing_of(bob),
        (U256::from(380_000), U256::from(6_800), U256::from(2))
    );
    assert_eq!(eligible(&splitter, alice), U256::ZERO);
    shares.assert_emitted(&PoolRedeemed {
        holder: alice,
        recipient: bob,
        shares: SUPPLY,
        deeds: U256::from(3),
    });
    shares.assert_emitted(&Transfer {
        from: alice,
        to: Address::ZERO,
        value: SUPPLY,
    });
}

#[motsu::test]
fn sole_holder_may_redeem_to_itself_an_empty_pool(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    shares.sender(alice).redeem_all(alice).motsu_expect("redeem empty pool");
    assert_eq!(shares.sender(alice).total_supply(), U256::ZERO);
    shares.assert_emitted(&PoolRedeemed {
        holder: alice,
        recipient: alice,
        shares: SUPPLY,
        deeds: U256::ZERO,
    });
}

#[motsu::test]
fn holder_below_the_buyout_threshold_cannot_redeem(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
    operator: Address,
) {
    deploy_pool(&shares, &deed, admin, alice, operator);
    let id = deposit_rig(&shares, &deed, operator, 1, 200_000, 3_500);
    // Bob holds 5% and one unit: Alice is one unit short of 95%.
    let bob_share = SUPPLY / U256::from(20) + U256::from(1);
    shares.sender(alice).transfer(bob, bob_share).motsu_expect("transfer");
    alice.fund(ONE_ETH);

    let err = shares.sender_and_value(alice, ONE_ETH).redeem_all(alice).motsu_unwrap_err();
    assert!(
        matches!(err, Error::NotSoleHolder(SharesNotSoleHolder { balance, supply })
            if balance == SUPPLY - bob_share && supply == SUPPLY),
        "{err:?}"
    );
    let err = shares.sender(bob).redeem_all(bob).motsu_unwrap_err();
    assert!(
        matches!(err, Error::NotSoleHolder(SharesNotSoleHolder { balance, supply })
            if balance == bob_share && supply == SUPPLY),
        "{err:?}"
    );
    assert_eq!(deed.sender(alice).owner_of(id).motsu_expect("owner"), shares.address());
    assert_eq!(shares.sender(alice).deed_ids(), vec![id]);
    assert_eq!(shares.sender(alice).total_supply(), SUPPLY);
}

#[motsu::test]
fn redeem_with_zero_supply_reverts_with_not_sole_holder(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    shares.sender(alice).burn(SUPPLY).motsu_expect("burn everything");
    let err = shares.sender(alice).redeem_all(alice).motsu_unwrap_err();
    assert!(
        matches!(err, Error::NotSoleHolder(SharesNotSoleHolder { balance, supply }) if balance.is_zero() && supply.is_zero()),
        "{err:?}"
    );
}

#[motsu::test]
fn redeem_to_zero_reverts_with_invalid_receiver(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    operator: Address,
) {
    deploy_pool(&shares, &deed, admin, alice, operator);
    let id = deposit_rig(&shares, &deed, operator, 1, 200_000, 3_500);
    let err = shares.sender(alice).redeem_all(Address::ZERO).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidReceiver(ERC20InvalidReceiver { receiver }) if receiver == Address::ZERO),
        "{err:?}"
    );
    assert_eq!(shares.sender(alice).total_supply(), SUPPLY);
    assert_eq!(shares.sender(alice).deed_ids(), vec![id]);
    assert_eq!(deed.sender(alice).owner_of(id).motsu_expect("owner"), shares.address());
}

#[motsu::test]
fn failed_deed_handover_rolls_the_whole_redemption_back(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
    operator: Address,
) {
    deploy_pool(&shares, &deed, admin, alice, operator);
    let id = deposit_rig(&shares, &deed, operator, 1, 200_000, 3_500);
    deed.sender(admin).pause().motsu_expect("pause deeds");

    let err = shares.sender(alice).redeem_all(bob).motsu_unwrap_err();
    assert!(
        matches!(&err, Error::DeedTransferFailed(e) if e.tokenId == id),
        "{err:?}"
    );
    assert_eq!(shares.sender(alice).total_supply(), SUPPLY);
    assert_eq!(shares.sender(alice).balance_of(alice), SUPPLY);
    assert_eq!(shares.sender(alice).deed_ids(), vec![id]);
    assert_eq!(deed.sender(alice).owner_of(id).motsu_expect("owner"), shares.address());
}

// ---------------------------------------------------------------------------------------------
// Compliance mode
// ---------------------------------------------------------------------------------------------

#[motsu::test]
fn compliance_mode_is_off_by_default_and_anyone_receives(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    assert!(!shares.sender(alice).compliance_mode());
    assert!(!shares.sender(alice).is_allowed(bob));
    shares.sender(alice).transfer(bob, ONE_SHARE).motsu_expect("transfer");
    assert_eq!(shares.sender(alice).balance_of(bob), ONE_SHARE);
}

#[motsu::test]
fn compliance_mode_refuses_transfers_to_accounts_off_the_allowlist(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    shares
        .sender(admin)
        .set_compliance_mode(true)
        .motsu_expect("compliance on");
    assert!(shares.sender(alice).compliance_mode());

    let err = shares.sender(alice).transfer(bob, ONE_SHARE).motsu_unwrap_err();
    assert!(
        matches!(err, Error::ReceiverNotAllowed(SharesReceiverNotAllowed { account }) if account == bob),
        "{err:?}"
    );

    shares.sender(alice).approve(carol, U256::MAX).motsu_expect("approve");
    let err = shares
        .sender(carol)
        .transfer_from(alice, bob, ONE_SHARE)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::ReceiverNotAllowed(SharesReceiverNotAllowed { account }) if account == bob),
        "{err:?}"
    );
    assert_eq!(shares.sender(alice).balance_of(bob), U256::ZERO);
    assert_eq!(shares.sender(alice).balance_of(alice), SUPPLY);
}

#[motsu::test]
fn compliance_mode_lets_allowlisted_accounts_receive(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    shares
        .sender(admin)
        .set_compliance_mode(true)
        .motsu_expect("compliance on");
    shares.sender(admin).set_allowed(bob, true).motsu_expect("allow bob");
    shares
        .sender(admin)
        .set_allowed(carol, true)
        .motsu_expect("allow carol");
    assert!(shares.sender(alice).is_allowed(bob));

    shares
        .sender(alice)
        .transfer(bob, ONE_SHARE * U256::from(2))
        .motsu_expect("transfer");
    shares.sender(bob).approve(carol, ONE_SHARE).motsu_expect("approve");
    shares
        .sender(carol)
        .transfer_from(bob, carol, ONE_SHARE)
        .motsu_expect("transfer_from");
    assert_eq!(shares.sender(alice).balance_of(bob), ONE_SHARE);
    assert_eq!(shares.sender(alice).balance_of(carol), ONE_SHARE);

    // The sender need not be allowlisted: only receivers are checked. Alice is not listed, so
    // bob cannot send back to her.
    let err = shares.sender(bob).transfer(alice, ONE_SHARE).motsu_unwrap_err();
    assert!(
        matches!(err, Error::ReceiverNotAllowed(SharesReceiverNotAllowed { account }) if account == alice),
        "{err:?}"
    );

    // Removing an account from the allowlist stops it receiving again.
    shares
        .sender(admin)
        .set_allowed(bob, false)
        .motsu_expect("disallow bob");
    assert!(!shares.sender(alice).is_allowed(bob));
    let err = shares.sender(carol).transfer(bob, ONE_SHARE).motsu_unwrap_err();
    assert!(
        matches!(err, Error::ReceiverNotAllowed(SharesReceiverNotAllowed { account }) if account == bob),
        "{err:?}"
    );
}

#[motsu::test]
fn compliance_mode_refuses_mints_to_accounts_off_the_allowlist(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
    minter: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    grant_minter(&shares, admin, minter);
    shares
        .sender(admin)
        .set_compliance_mode(true)
        .motsu_expect("compliance on");

    let err = shares.sender(minter).mint(bob, ONE_SHARE).motsu_unwrap_err();
    assert!(
        matches!(err, Error::ReceiverNotAllowed(SharesReceiverNotAllowed { account }) if account == bob),
        "{err:?}"
    );
    assert_eq!(shares.sender(bob).total_supply(), SUPPLY);

    shares.sender(admin).set_allowed(bob, true).motsu_expect("allow bob");
    shares.sender(minter).mint(bob, ONE_SHARE).motsu_expect("mint");
    assert_eq!(shares.sender(bob).balance_of(bob), ONE_SHARE);
}

#[motsu::test]
fn compliance_mode_still_allows_burns(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    shares
        .sender(admin)
        .set_compliance_mode(true)
        .motsu_expect("compliance on");
    assert!(!shares.sender(alice).is_allowed(alice));

    shares.sender(alice).burn(ONE_SHARE).motsu_expect("burn");
    shares.sender(alice).approve(bob, ONE_SHARE).motsu_expect("approve");
    shares.sender(bob).burn_from(alice, ONE_SHARE).motsu_expect("burn_from");
    assert_eq!(shares.sender(alice).total_supply(), SUPPLY - ONE_SHARE * U256::from(2));

    // The sole holder may still redeem the pool.
    shares.sender(alice).redeem_all(alice).motsu_expect("redeem");
    assert_eq!(shares.sender(alice).total_supply(), U256::ZERO);
}

#[motsu::test]
fn switching_compliance_mode_off_lets_anyone_receive_again(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    shares.sender(admin).set_compliance_mode(true).motsu_expect("on");
    shares.sender(admin).set_compliance_mode(false).motsu_expect("off");
    shares.assert_emitted(&ComplianceModeSet { enabled: true });
    shares.assert_emitted(&ComplianceModeSet { enabled: false });
    assert!(!shares.sender(alice).compliance_mode());
    shares.sender(alice).transfer(bob, ONE_SHARE).motsu_expect("transfer");
    assert_eq!(shares.sender(alice).balance_of(bob), ONE_SHARE);
}

#[motsu::test]
fn compliance_switches_are_admin_only_and_emit_events(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);

    let err = shares.sender(alice).set_compliance_mode(true).motsu_unwrap_err();
    assert_not_admin(&err, alice);
    let err = shares.sender(alice).set_allowed(bob, true).motsu_unwrap_err();
    assert_not_admin(&err, alice);
    assert!(!shares.sender(alice).compliance_mode());
    assert!(!shares.sender(alice).is_allowed(bob));

    shares
        .sender(admin)
        .set_compliance_mode(true)
        .motsu_expect("compliance on");
    shares.assert_emitted(&ComplianceModeSet { enabled: true });
    shares.sender(admin).set_allowed(bob, true).motsu_expect("allow");
    shares.assert_emitted(&AllowlistUpdated {
        account: bob,
        allowed: true,
    });
    shares.sender(admin).set_allowed(bob, false).motsu_expect("disallow");
    shares.assert_emitted(&AllowlistUpdated {
        account: bob,
        allowed: false,
    });
}

// ---------------------------------------------------------------------------------------------
// ERC-165
// ---------------------------------------------------------------------------------------------

#[motsu::test]
fn supports_erc165_erc20_access_control_permit_and_erc721_receiver(shares: Contract<RigShares>, alice: Address) {
    let supports = |id: u32| shares.sender(alice).supports_interface(B32::from(id));

    assert!(supports(0x01ff_c9a7), "ERC-165");
    assert!(supports(0x3637_2b07), "ERC-20 (OpenZeppelin Stylus id)");
    assert!(supports(0xa219_a025), "ERC-20 metadata");
    assert!(supports(0x7965_db0b), "AccessControl (Solidity's standard id)");
    assert!(supports(0x150b_7a02), "ERC-721 receiver");
    assert_eq!(ERC721_RECEIVER_INTERFACE_ID, B32::from(0x150b_7a02_u32));

    // Each id as OpenZeppelin computes it.
    let oz = |id: B32| shares.sender(alice).supports_interface(id);
    assert!(oz(<openzeppelin_stylus::token::erc20::Erc20 as IErc20>::interface_id()));
    assert!(oz(<RigShares as IErc20Metadata>::interface_id()));
    // openzeppelin-stylus derives its AccessControl id from a trait that also has `onlyRole`
    // (0x0edd8b6c); the pool deliberately announces Solidity's 0x7965db0b instead.
    assert_eq!(
        <RigShares as IAccessControl>::interface_id(),
        B32::from(0x0edd_8b6c_u32)
    );
    assert!(!oz(<RigShares as IAccessControl>::interface_id()));
    assert!(oz(<RigShares as IErc20Permit>::interface_id()));
    assert!(oz(<RigShares as IErc165>::interface_id()));

    assert!(!supports(0xffff_ffff), "ERC-165 requires 0xffffffff to be unsupported");
    assert!(!supports(0x1234_5678));
    assert!(!supports(0x8013_58cd), "not an ERC-721");
}

// ---------------------------------------------------------------- deeds sent without a callback

/// Issue 17, informational: a deed gifted to the pool without the callback was counted by
/// `backing()` but left out of `redeemAll`; anyone may now list it.
#[motsu::test]
fn a_deed_sent_without_the_callback_can_be_listed_by_anyone_and_redeemed(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    operator: Address,
    mallory: Address,
) {
    deploy_pool(&shares, &deed, admin, admin, operator);
    let id = mint_rig(&deed, operator, operator, 1, 200_000, 3_500);
    deed.sender(operator).transfer_from(operator, shares.address(), id).motsu_unwrap();
    assert!(shares.sender(admin).deed_ids().is_empty());

    shares.sender(mallory).adopt_deed(id).motsu_unwrap();
    shares.assert_emitted(&DeedDeposited { tokenId: id, from: Address::ZERO, operator: mallory });
    assert_eq!(shares.sender(admin).deed_ids(), vec![id]);

    // Listed once only; a deed the pool does not own cannot be adopted.
    let err = shares.sender(operator).adopt_deed(id).motsu_unwrap_err();
    assert!(matches!(err, Error::DeedNotAdoptable(crate::SharesDeedNotAdoptable { tokenId }) if tokenId == id));
    let other = mint_rig(&deed, operator, operator, 2, 100_000, 2_000);
    let err = shares.sender(operator).adopt_deed(other).motsu_unwrap_err();
    assert!(matches!(err, Error::DeedNotAdoptable(_)));
    let err = shares.sender(operator).adopt_deed(U256::from(999)).motsu_unwrap_err();
    assert!(matches!(err, Error::BackingUnavailable(crate::SharesBackingUnavailable { deed: d, .. }) if d == deed.address()));

    shares.sender(admin).redeem_all(admin).motsu_unwrap();
    assert_eq!(deed.sender(admin).owner_of(id).motsu_unwrap(), admin);
    assert!(shares.sender(admin).deed_ids().is_empty());
}

#[motsu::test]
fn burning_the_last_shares_of_a_backed_pool_is_refused(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    operator: Address,
    spender: Address,
) {
    deploy_pool(&shares, &deed, admin, admin, operator);
    deposit_rig(&shares, &deed, operator, 1, 200_000, 3_500);
    let err = shares.sender(admin).burn(SUPPLY).motsu_unwrap_err();
    assert!(matches!(err, Error::UseRedeemAll(_)));
    shares.sender(admin).approve(spender, SUPPLY).motsu_unwrap();
    let err = shares.sender(spender).burn_from(admin, SUPPLY).motsu_unwrap_err();
    assert!(matches!(err, Error::UseRedeemAll(_)));
    // Anything less is an ordinary burn, and the last holder can still exit with the deeds.
    shares.sender(admin).burn(SUPPLY - ONE_SHARE).motsu_unwrap();
    shares.sender(admin).redeem_all(admin).motsu_unwrap();
    assert_eq!(shares.sender(admin).total_supply(), U256::ZERO);
}

#[motsu::test]
fn the_extension_is_recorded(shares: Contract<RigShares>, deed: Contract<RigDeed>, admin: Address) {
    deploy_deed(&deed, admin, admin);
    deploy_shares(&shares, &deed, admin, admin);
    assert_eq!(shares.sender(admin).extension(), deed.address());
}

#[motsu::test]
fn constructor_rejects_an_extension_without_code(shares: Contract<RigShares>, deed: Contract<RigDeed>, admin: Address, eoa: Address) {
    deploy_deed(&deed, admin, admin);
    let err = shares
        .sender(admin)
        .constructor(NAME.into(), SYMBOL.into(), SUPPLY, admin, deed.address(), admin, eoa)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidExtension(SharesInvalidExtension {})), "{err:?}");
    assert_eq!(shares.sender(admin).total_supply(), U256::ZERO);
    assert!(!shares.sender(admin).has_role(role(ADMIN_ROLE), admin));
}

#[motsu::test]
fn constructor_rejects_a_rig_deed_without_code(shares: Contract<RigShares>, admin: Address, eoa: Address) {
    let err = shares
        .sender(admin)
        .constructor(NAME.into(), SYMBOL.into(), SUPPLY, admin, eoa, admin, shares.address())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidRigDeed(_)));
}

// ---------------------------------------------------------------------------------------------
// Several revenue splitters (one per payout asset)
// ---------------------------------------------------------------------------------------------



#[motsu::test]
fn add_revenue_splitter_binds_a_second_splitter_with_the_supply(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    first: Contract<RevenueSplitter>,
    second: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    bind_splitter(&shares, &first, admin);

    add_splitter(&shares, &second, admin);

    assert_eq!(shares.sender(alice).revenue_splitter(), first.address(), "the first stays first");
    assert_eq!(shares.sender(alice).revenue_splitters(), vec![first.address(), second.address()]);
    shares.assert_emitted(&RevenueSplitterSet {
        splitter: second.address(),
    });
    assert_bound_with_supply(&shares, &second, alice);
}

#[motsu::test]
fn add_revenue_splitter_without_a_first_adopts_the_first(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    first: Contract<RevenueSplitter>,
    second: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    assert!(shares.sender(alice).revenue_splitters().is_empty());

    add_splitter(&shares, &first, admin);

    assert_eq!(shares.sender(alice).revenue_splitter(), first.address());
    assert_eq!(shares.sender(alice).revenue_splitters(), vec![first.address()]);
    assert!(first.sender(alice).bound());
    // Then the first is set: `setRevenueSplitter` refuses as before, `addRevenueSplitter` adds.
    new_splitter(&shares, &second, admin);
    let err = shares
        .sender(admin)
        .set_revenue_splitter(second.address())
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::SplitterAlreadySet(SharesSplitterAlreadySet { splitter }) if splitter == first.address()),
        "{err:?}"
    );
    shares
        .sender(admin)
        .add_revenue_splitter(second.address())
        .motsu_expect("add second");
    assert_eq!(shares.sender(alice).revenue_splitters(), vec![first.address(), second.address()]);
}

#[motsu::test]
fn add_revenue_splitter_twice_reverts_with_duplicate_splitter(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    first: Contract<RevenueSplitter>,
    second: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
) {
    deploy_with_two_splitters(&shares, &deed, &first, &second, admin, alice);

    for candidate in [first.address(), second.address()] {
        let err = shares.sender(admin).add_revenue_splitter(candidate).motsu_unwrap_err();
        assert!(
            matches!(err, Error::DuplicateSplitter(SharesDuplicateSplitter { splitter }) if splitter == candidate),
            "{err:?}"
        );
    }
    assert_eq!(shares.sender(alice).revenue_splitters(), vec![first.address(), second.address()]);
}

#[motsu::test]
fn add_revenue_splitter_beyond_the_maximum_reverts_with_too_many_splitters(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    s1: Contract<RevenueSplitter>,
    s2: Contract<RevenueSplitter>,
    s3: Contract<RevenueSplitter>,
    s4: Contract<RevenueSplitter>,
    s5: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    bind_splitter(&shares, &s1, admin);
    for s in [&s2, &s3, &s4] {
        add_splitter(&shares, s, admin);
    }
    let all = vec![s1.address(), s2.address(), s3.address(), s4.address()];
    assert_eq!(all.len(), MAX_SPLITTERS);
    assert_eq!(shares.sender(alice).revenue_splitters(), all);

    new_splitter(&shares, &s5, admin);
    let err = shares.sender(admin).add_revenue_splitter(s5.address()).motsu_unwrap_err();
    assert!(
        matches!(err, Error::TooManySplitters(SharesTooManySplitters { max }) if max == U256::from(4)),
        "{err:?}"
    );
    assert_eq!(shares.sender(alice).revenue_splitters(), all);
    assert!(!s5.sender(alice).bound());
}

#[motsu::test]
fn add_revenue_splitter_by_non_admin_reverts_with_unauthorized_account(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    first: Contract<RevenueSplitter>,
    second: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    new_splitter(&shares, &first, admin);
    new_splitter(&shares, &second, admin);

    // Neither as the first splitter nor as a further one.
    for bind_first in [false, true] {
        if bind_first {
            shares
                .sender(admin)
                .set_revenue_splitter(first.address())
                .motsu_expect("bind first");
        }
        let err = shares
            .sender(alice)
            .add_revenue_splitter(second.address())
            .motsu_unwrap_err();
        assert_not_admin(&err, alice);
    }
    assert_eq!(shares.sender(alice).revenue_splitters(), vec![first.address()]);
    assert!(!second.sender(alice).bound());
}

#[motsu::test]
fn add_revenue_splitter_rejects_an_account_without_code(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    first: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
    eoa: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    bind_splitter(&shares, &first, admin);
    for candidate in [eoa, Address::ZERO] {
        let err = shares.sender(admin).add_revenue_splitter(candidate).motsu_unwrap_err();
        assert!(
            matches!(err, Error::InvalidSplitter(SharesInvalidSplitter { splitter }) if splitter == candidate),
            "{err:?}"
        );
    }
    assert_eq!(shares.sender(alice).revenue_splitters(), vec![first.address()]);
}

#[motsu::test]
fn add_revenue_splitter_of_another_token_reverts_with_invalid_splitter(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    first: Contract<RevenueSplitter>,
    foreign: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
    other_token: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    bind_splitter(&shares, &first, admin);
    foreign_splitter(&foreign, admin, other_token);

    let err = shares
        .sender(admin)
        .add_revenue_splitter(foreign.address())
        .motsu_unwrap_err();
    assert_invalid_splitter(&err, foreign.address());
    // Rolled back: the foreign splitter is not listed, so transfers do not call it.
    assert_eq!(shares.sender(alice).revenue_splitters(), vec![first.address()]);
    shares.sender(alice).transfer(admin, ONE_SHARE).motsu_expect("transfer");
}

#[motsu::test]
fn every_splitter_hears_every_balance_change(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    first: Contract<RevenueSplitter>,
    second: Contract<RevenueSplitter>,
    third: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
    bob: Address,
    minter: Address,
) {
    deploy_with_two_splitters(&shares, &deed, &first, &second, admin, alice);
    grant_minter(&shares, admin, minter);
    // The third joins after a transfer and a mint: bound with the supply of that moment.
    shares
        .sender(alice)
        .transfer(bob, ONE_SHARE * U256::from(100))
        .motsu_expect("transfer");
    shares
        .sender(minter)
        .mint(bob, ONE_SHARE * U256::from(50))
        .motsu_expect("mint");
    add_splitter(&shares, &third, admin);
    third.assert_emitted(&SharesBound {
        shareToken: shares.address(),
        totalSupply: SUPPLY + ONE_SHARE * U256::from(50),
    });
    let check = || {
        let supply = shares.sender(alice).total_supply();
        for s in [&first, &second, &third] {
            assert_eq!(eligible(s, alice), supply);
        }
        supply
    };
    assert_eq!(check(), SUPPLY + ONE_SHARE * U256::from(50));

    burn_then_transfer_from(&shares, alice, bob, &check);
    shares
        .sender(minter)
        .mint(alice, ONE_SHARE)
        .motsu_expect("mint");
    assert_eq!(check(), SUPPLY + ONE_SHARE);

    // A failed transfer reaches no splitter.
    let _ = shares.sender(bob).transfer(alice, SUPPLY).motsu_unwrap_err();
    assert_eq!(check(), SUPPLY + ONE_SHARE);
}

#[motsu::test]
fn each_splitter_pays_pro_rata_across_a_transfer(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    first: Contract<RevenueSplitter>,
    second: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
    bob: Address,
    payer: Address,
) {
    deploy_with_two_splitters(&shares, &deed, &first, &second, admin, alice);
    payer.fund(ONE_ETH * U256::from(10));
    let eth = |n: u64| ONE_ETH * U256::from(n);
    let deposit = |s: &Contract<RevenueSplitter>, amount: U256| {
        s.sender_and_value(payer, amount)
            .deposit_eth()
            .motsu_expect("deposit");
    };

    // Alice holds everything: each splitter owes her exactly its deposit.
    deposit(&first, eth(1));
    deposit(&second, eth(3));
    assert_eq!(claimable(&first, alice), eth(1));
    assert_eq!(claimable(&second, alice), eth(3));

    // She sells a quarter: what she earned stays hers in both.
    shares
        .sender(alice)
        .transfer(bob, SUPPLY / U256::from(4))
        .motsu_expect("transfer");
    for (s, earned) in [(&first, eth(1)), (&second, eth(3))] {
        assert_eq!(claimable(s, alice), earned);
        assert_eq!(claimable(s, bob), U256::ZERO);
    }

    // Later revenue splits 3:1 in both.
    deposit(&first, eth(2));
    deposit(&second, eth(4));
    assert_eq!(claimable(&first, alice), eth(1) + eth(3) / U256::from(2));
    assert_eq!(claimable(&first, bob), eth(1) / U256::from(2));
    assert_eq!(claimable(&second, alice), eth(3) + eth(3));
    assert_eq!(claimable(&second, bob), eth(1));
}

#[motsu::test]
fn redeem_all_reports_the_burn_to_every_splitter(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    first: Contract<RevenueSplitter>,
    second: Contract<RevenueSplitter>,
    admin: Address,
    alice: Address,
    bob: Address,
    operator: Address,
) {
    deploy_pool(&shares, &deed, admin, alice, operator);
    bind_splitter(&shares, &first, admin);
    add_splitter(&shares, &second, admin);
    deposit_rig(&shares, &deed, operator, 1, 200_000, 3_500);

    shares.sender(alice).redeem_all(bob).motsu_expect("redeem_all");

    assert_eq!(eligible(&first, alice), U256::ZERO);
    assert_eq!(eligible(&second, alice), U256::ZERO);
}

/// From a supply of `SUPPLY` + 50 shares: Bob burns 30, Alice burns Bob's last 20 through an
/// allowance, and Bob moves one of Alice's shares with `transferFrom`; `check` (which asserts
/// the splitters agree and returns the supply) runs after each.
fn burn_then_transfer_from(shares: &Contract<RigShares>, alice: Address, bob: Address, check: &dyn Fn() -> U256) {
    shares.sender(bob).burn(ONE_SHARE * U256::from(30)).motsu_expect("burn");
    assert_eq!(check(), SUPPLY + ONE_SHARE * U256::from(20));

    shares
        .sender(bob)
        .approve(alice, ONE_SHARE * U256::from(20))
        .motsu_expect("approve");
    shares
        .sender(alice)
        .burn_from(bob, ONE_SHARE * U256::from(20))
        .motsu_expect("burn_from");
    assert_eq!(check(), SUPPLY);

    shares.sender(alice).approve(bob, U256::MAX).motsu_expect("approve");
    shares
        .sender(bob)
        .transfer_from(alice, bob, ONE_SHARE)
        .motsu_expect("transfer_from");
    assert_eq!(check(), SUPPLY);
}

// ---------------------------------------------------------------------------------------------
// Issue 17: dust, the buy-out of the rest, splitter adoption
// ---------------------------------------------------------------------------------------------

/// Test doubles for the issue-17 tests.
mod mocks {
    use alloy_primitives::B256;
    use stylus_sdk::{prelude::*, storage::StorageB256};

    pub use rigshare_test_doubles::EthWallet;

    /// A contract that answers every call with `word` (a permissive fallback), as the review's
    /// dud splitter: it accepts `onSharesBound` and `onSharesTransfer` whatever they carry.
    #[storage]
    pub struct Permissive {
        word: StorageB256,
    }

    unsafe impl TopLevelStorage for Permissive {}

    #[public]
    impl Permissive {
        pub fn set_word(&mut self, word: B256) {
            self.word.set(word);
        }

        #[fallback]
        pub fn fallback(&mut self, _calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
            Ok(self.word.get().to_vec())
        }
    }
}

use mocks::{EthWallet, Permissive};

/// Finding 1 (issue 17): shares sent to the token contract itself could never leave and so
/// blocked `redeemAll` forever.
#[motsu::test]
fn transfer_to_the_token_contract_itself_is_refused(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    spender: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    let this = shares.address();
    let err = shares.sender(alice).transfer(this, U256::from(1)).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidReceiver(ERC20InvalidReceiver { receiver }) if receiver == this), "{err:?}");
    shares.sender(alice).approve(spender, ONE_SHARE).motsu_unwrap();
    let err = shares.sender(spender).transfer_from(alice, this, U256::from(1)).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidReceiver(_)), "{err:?}");
    grant_minter(&shares, admin, admin);
    let err = shares.sender(admin).mint(this, U256::from(1)).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidReceiver(_)), "{err:?}");
    assert_eq!(shares.sender(alice).balance_of(alice), SUPPLY);
}

/// Finding 1 (issue 17): one unit sent to a dead address used to keep every deed in the pool
/// forever. A 95% holder now redeems, escrowing a price for the rest.
#[motsu::test]
fn dust_sent_to_a_dead_address_no_longer_blocks_redeem_all(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    operator: Address,
) {
    deploy_pool(&shares, &deed, admin, alice, operator);
    let id = deposit_rig(&shares, &deed, operator, 1, 200_000, 3_500);
    let dead = Address::repeat_byte(0xde);
    shares.sender(alice).transfer(dead, U256::from(1)).motsu_unwrap();
    alice.fund(U256::from(1));
    shares.sender_and_value(alice, U256::from(1)).redeem_all(alice).motsu_unwrap();
    assert_eq!(deed.sender(alice).owner_of(id).motsu_unwrap(), alice);
    assert!(shares.sender(alice).deed_ids().is_empty());
    assert_eq!(shares.sender(alice).total_supply(), U256::from(1));
    shares.assert_emitted(&PoolRedeemed { holder: alice, recipient: alice, shares: SUPPLY - U256::from(1), deeds: U256::from(1) });
    shares.assert_emitted(&BuyoutEscrowed { holder: alice, amount: U256::from(1), shares: U256::from(1) });
    assert_eq!(shares.balance(), U256::from(1));
}

/// Finding 1 (issue 17): the remaining holders are paid the escrow pro rata, to the last wei,
/// whenever they choose; the pool stays closed until then.
#[motsu::test]
fn remaining_holders_claim_the_escrow_pro_rata_to_the_last_wei(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    splitter: Contract<RevenueSplitter>,
    bob: Contract<EthWallet>,
    carol: Contract<EthWallet>,
    admin: Address,
    alice: Address,
    operator: Address,
) {
    deploy_pool(&shares, &deed, admin, alice, operator);
    bind_splitter(&shares, &splitter, admin);
    deposit_rig(&shares, &deed, operator, 1, 200_000, 3_500);
    let (b, c) = (bob.address(), carol.address());
    shares.sender(alice).transfer(b, SUPPLY * U256::from(3) / U256::from(100)).motsu_unwrap();
    shares.sender(alice).transfer(c, SUPPLY * U256::from(2) / U256::from(100) - U256::from(1)).motsu_unwrap();
    let escrow = ONE_ETH + U256::from(7);
    alice.fund(escrow);
    shares.sender_and_value(alice, escrow).redeem_all(alice).motsu_unwrap();
    let outstanding = SUPPLY / U256::from(20) - U256::from(1);
    assert_eq!(shares.balance(), escrow);
    assert_eq!(eligible(&splitter, alice), outstanding);

    // Closed: no deed, no mint, no plain burn, no second redemption.
    let err = shares.sender(c).burn(U256::from(1)).motsu_unwrap_err();
    assert!(matches!(err, Error::PoolClosed(_)), "{err:?}");
    grant_minter(&shares, admin, admin);
    let err = shares.sender(admin).mint(alice, SUPPLY).motsu_unwrap_err();
    assert!(matches!(err, Error::PoolClosed(_)), "{err:?}");
    let err = shares.sender(b).redeem_all(b).motsu_unwrap_err();
    assert!(matches!(err, Error::PoolClosed(_)), "{err:?}");
    let id = mint_rig(&deed, operator, operator, 2, 100_000, 2_000);
    deed.sender(operator).safe_transfer_from(operator, shares.address(), id).motsu_unwrap_err();
    assert_eq!(deed.sender(operator).owner_of(id).motsu_unwrap(), operator);

    let bob_shares = shares.sender(b).balance_of(b);
    let paid_bob = shares.sender(b).claim_buyout(b).motsu_unwrap();
    assert_eq!(paid_bob, escrow * bob_shares / outstanding);
    shares.assert_emitted(&BuyoutClaimed { holder: b, recipient: b, shares: bob_shares, amount: paid_bob });
    let paid_carol = shares.sender(c).claim_buyout(c).motsu_unwrap();
    assert_eq!(paid_bob + paid_carol, escrow);
    assert_eq!((bob.balance(), carol.balance(), shares.balance()), (paid_bob, paid_carol, U256::ZERO));
    assert_eq!(shares.sender(alice).total_supply(), U256::ZERO);
    assert_eq!(eligible(&splitter, alice), U256::ZERO);

    let err = shares.sender(c).claim_buyout(c).motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToClaim(SharesNothingToClaim { account }) if account == c), "{err:?}");
}

/// Finding 1 (issue 17): the escrow is required exactly when other shares are outstanding.
#[motsu::test]
fn redeem_all_needs_an_escrow_exactly_when_shares_are_outstanding(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    admin: Address,
    alice: Address,
    bob: Address,
    operator: Address,
) {
    deploy_pool(&shares, &deed, admin, alice, operator);
    deposit_rig(&shares, &deed, operator, 1, 200_000, 3_500);
    alice.fund(ONE_ETH);
    let err = shares.sender_and_value(alice, ONE_ETH).redeem_all(alice).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidEscrow(SharesInvalidEscrow { escrow, shares }) if escrow == ONE_ETH && shares.is_zero()), "{err:?}");
    shares.sender(alice).transfer(bob, ONE_SHARE).motsu_unwrap();
    let err = shares.sender(alice).redeem_all(alice).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidEscrow(SharesInvalidEscrow { escrow, shares }) if escrow.is_zero() && shares == ONE_SHARE), "{err:?}");
    let err = shares.sender(bob).claim_buyout(bob).motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToClaim(_)), "{err:?}");
}

/// Finding 2 (issue 17): a contract with a permissive fallback accepted the hooks and was
/// adopted; it must now name this token and answer `onSharesBound` with its selector.
#[motsu::test]
fn a_contract_that_accepts_any_call_is_not_adopted(
    shares: Contract<RigShares>,
    deed: Contract<RigDeed>,
    dud: Contract<Permissive>,
    admin: Address,
    alice: Address,
) {
    deploy_shares(&shares, &deed, admin, alice);
    // Answers every call with 32 zero bytes: names no share token.
    let err = shares.sender(admin).set_revenue_splitter(dud.address()).motsu_unwrap_err();
    assert_invalid_splitter(&err, dud.address());
    let err = shares.sender(admin).add_revenue_splitter(dud.address()).motsu_unwrap_err();
    assert_invalid_splitter(&err, dud.address());
    // Answers every call with this token's address: names it, but `onSharesBound` does not
    // return the selector.
    dud.sender(admin).set_word(shares.address().into_word());
    let err = shares.sender(admin).set_revenue_splitter(dud.address()).motsu_unwrap_err();
    assert_invalid_splitter(&err, dud.address());
    assert!(shares.sender(alice).revenue_splitters().is_empty());
    shares.sender(alice).transfer(admin, ONE_SHARE).motsu_unwrap();
}

/// The buy-out's shift-and-subtract `floor(a x b / d)` agrees with exact 512-bit division.
#[test]
fn mul_div_down_matches_exact_division() {
    use alloy_primitives::U512;
    let big = (U256::from(1u8) << 254usize) - U256::from(1u8);
    let cases = [
        (U256::ZERO, U256::ZERO, U256::from(1u8)),
        (U256::from(10u8), U256::from(3u8), U256::from(3u8)),
        (ONE_ETH + U256::from(7u8), U256::from(30_000u32), U256::from(49_999u32)),
        (U256::MAX, U256::from(1u8), U256::from(3u8)),
        (U256::MAX, big - U256::from(5u8), big),
        (U256::from(u128::MAX), big / U256::from(7u8), big),
    ];
    for (a, b, d) in cases {
        let exact = U512::from(a) * U512::from(b) / U512::from(d);
        assert_eq!(U512::from(crate::mul_div_down(a, b, d)), exact, "{a} x {b} / {d}");
    }
}
