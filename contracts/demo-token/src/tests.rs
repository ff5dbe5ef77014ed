//! Native unit tests for `DemoToken` (motsu).

use alloy_primitives::{aliases::B32, uint, Address, B256, U256, U8};
use motsu::prelude::*;
use openzeppelin_stylus::{
    access::control::{AccessControlUnauthorizedAccount, IAccessControl, RoleGranted},
    token::erc20::{
        extensions::IErc20Metadata, Approval, ERC20InsufficientAllowance, ERC20InsufficientBalance,
        ERC20InvalidReceiver, IErc20, Transfer,
    },
    utils::introspection::erc165::IErc165,
};
use rigshare_common::ADMIN_ROLE;

use crate::{DemoInvalidText, DemoToken, DemoZeroAdmin, Error, Mint};

const NAME: &str = "Wrapped Bitcoin (demo)";
const SYMBOL: &str = "WBTC";
const DECIMALS: u8 = 8;
/// One whole token of 8 decimals.
const ONE_BTC: U256 = uint!(100_000_000_U256);

fn deploy(token: &Contract<DemoToken>, admin: Address) {
    token
        .sender(admin)
        .constructor(NAME.into(), SYMBOL.into(), DECIMALS, admin)
        .motsu_expect("constructor");
}

#[motsu::test]
fn constructor_sets_name_symbol_decimals_and_admin(token: Contract<DemoToken>, admin: Address, alice: Address) {
    deploy(&token, admin);

    assert_eq!(token.sender(alice).name(), NAME);
    assert_eq!(token.sender(alice).symbol(), SYMBOL);
    assert_eq!(token.sender(alice).decimals(), U8::from(DECIMALS));
    assert_eq!(token.sender(alice).total_supply(), U256::ZERO);
    assert!(token.sender(alice).has_role(ADMIN_ROLE.into(), admin));
    token.assert_emitted(&RoleGranted {
        role: ADMIN_ROLE.into(),
        account: admin,
        sender: admin,
    });
}

#[motsu::test]
fn decimals_are_whatever_the_constructor_was_given(token: Contract<DemoToken>, admin: Address) {
    token
        .sender(admin)
        .constructor("Demo USD".into(), "dUSD".into(), 6, admin)
        .motsu_expect("constructor");
    assert_eq!(token.sender(admin).decimals(), U8::from(6));
}

#[motsu::test]
fn constructor_rejects_a_zero_admin(token: Contract<DemoToken>, deployer: Address) {
    let err = token
        .sender(deployer)
        .constructor(NAME.into(), SYMBOL.into(), DECIMALS, Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAdmin(DemoZeroAdmin {})), "{err:?}");
}

#[motsu::test]
fn constructor_rejects_an_empty_or_long_name_or_symbol(token: Contract<DemoToken>, admin: Address) {
    let long = "x".repeat(65);
    let cases = [
        (String::new(), SYMBOL.to_owned(), 0u8, 0usize),
        (long.clone(), SYMBOL.to_owned(), 0, 65),
        (NAME.to_owned(), String::new(), 1, 0),
        (NAME.to_owned(), long, 1, 65),
    ];
    for (name, symbol, field, length) in cases {
        let err = token
            .sender(admin)
            .constructor(name, symbol, DECIMALS, admin)
            .motsu_unwrap_err();
        assert!(
            matches!(&err, Error::InvalidText(DemoInvalidText { field: f, length: l })
                if *f == field && *l == U256::from(length)),
            "{err:?}"
        );
    }
}

#[motsu::test]
fn admin_mints_and_emits_mint_and_transfer(token: Contract<DemoToken>, admin: Address, alice: Address) {
    deploy(&token, admin);

    token
        .sender(admin)
        .mint(alice, ONE_BTC * U256::from(3))
        .motsu_expect("mint");

    assert_eq!(token.sender(alice).balance_of(alice), ONE_BTC * U256::from(3));
    assert_eq!(token.sender(alice).total_supply(), ONE_BTC * U256::from(3));
    token.assert_emitted(&Transfer {
        from: Address::ZERO,
        to: alice,
        value: ONE_BTC * U256::from(3),
    });
    token.assert_emitted(&Mint {
        to: alice,
        amount: ONE_BTC * U256::from(3),
    });
}

#[motsu::test]
fn mint_by_a_non_admin_reverts_with_unauthorized_account(
    token: Contract<DemoToken>,
    admin: Address,
    alice: Address,
) {
    deploy(&token, admin);

    let err = token.sender(alice).mint(alice, ONE_BTC).motsu_unwrap_err();
    assert!(
        matches!(err, Error::UnauthorizedAccount(AccessControlUnauthorizedAccount { account, needed_role })
            if account == alice && needed_role == B256::from(ADMIN_ROLE)),
        "{err:?}"
    );
    assert_eq!(token.sender(alice).total_supply(), U256::ZERO);
}

#[motsu::test]
fn mint_to_zero_reverts_with_invalid_receiver(token: Contract<DemoToken>, admin: Address) {
    deploy(&token, admin);

    let err = token.sender(admin).mint(Address::ZERO, ONE_BTC).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidReceiver(ERC20InvalidReceiver { receiver }) if receiver.is_zero()),
        "{err:?}"
    );
}

#[motsu::test]
fn transfer_approve_and_transfer_from_move_balances(
    token: Contract<DemoToken>,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    deploy(&token, admin);
    token.sender(admin).mint(alice, ONE_BTC).motsu_expect("mint");

    assert!(token.sender(alice).transfer(bob, U256::from(1)).motsu_expect("transfer"));
    token.assert_emitted(&Transfer {
        from: alice,
        to: bob,
        value: U256::from(1),
    });
    assert!(token.sender(alice).approve(bob, U256::from(10)).motsu_expect("approve"));
    token.assert_emitted(&Approval {
        owner: alice,
        spender: bob,
        value: U256::from(10),
    });
    assert!(token
        .sender(bob)
        .transfer_from(alice, bob, U256::from(10))
        .motsu_expect("transfer_from"));

    assert_eq!(token.sender(bob).balance_of(bob), U256::from(11));
    assert_eq!(token.sender(bob).balance_of(alice), ONE_BTC - U256::from(11));
    assert_eq!(token.sender(bob).allowance(alice, bob), U256::ZERO);

    let err = token
        .sender(bob)
        .transfer_from(alice, bob, U256::from(1))
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InsufficientAllowance(ERC20InsufficientAllowance { spender, .. }) if spender == bob),
        "{err:?}"
    );
    let err = token.sender(bob).transfer(alice, ONE_BTC).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InsufficientBalance(ERC20InsufficientBalance { sender, .. }) if sender == bob),
        "{err:?}"
    );
}

#[motsu::test]
fn supports_erc165_erc20_metadata_and_access_control(token: Contract<DemoToken>, alice: Address) {
    for id in [
        0x01ff_c9a7_u32, // IERC165
        0x36372b07,      // IERC20
        0xa219_a025,     // IERC20Metadata (OpenZeppelin's id for name, symbol, decimals)
        0x7965_db0b,     // IAccessControl
    ] {
        assert!(token.sender(alice).supports_interface(B32::from(id)), "{id:08x}");
    }
    assert!(!token.sender(alice).supports_interface(B32::from(0xffff_ffff_u32)), "ERC-165 requires 0xffffffff to be unsupported");
    assert!(!token.sender(alice).supports_interface(B32::from(0x1234_5678_u32)));
}
