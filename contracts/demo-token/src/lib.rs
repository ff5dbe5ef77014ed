//! # DemoToken
//!
//! A plain ERC-20 whose decimals are chosen at construction (8 for a WBTC-like token), minted
//! at will by its admin. It stands in for WBTC-like payout tokens on dev chains and in the
//! product demo, so that a revenue splitter can be shown paying holders in an 8-decimal asset.
//!
//! **Not for production**: the admin mints any amount to anyone, there is no supply cap, no
//! burn, no pause and no bridge or custody behind the balances.
//!
//! Like WBTC, `mint` emits `Mint(to, amount)` besides the ERC-20 `Transfer` from the zero
//! address, so tools written against WBTC's events read this token too.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![allow(clippy::needless_pass_by_value)]
// The SDK's free functions (`msg::sender`, `evm::log`, ...) are what motsu intercepts in native
// tests; `self.vm()` is not, so they are used on purpose, as OpenZeppelin does.
#![allow(deprecated)]

extern crate alloc;

use alloc::{string::String, vec::Vec};

use alloy_primitives::{aliases::B32, Address, U256, U8};
use openzeppelin_stylus::{
    access::control::{self, AccessControl, IAccessControl},
    token::erc20::{self, extensions::IErc20Metadata, Erc20, IErc20},
    utils::introspection::erc165::IErc165,
};
use rigshare_common::{forward_errors, ShortText, ACCESS_CONTROL_INTERFACE_ID, ADMIN_ROLE};
use stylus_sdk::{evm, prelude::*, storage::StorageU8};

pub use sol::*;

mod sol {
    use alloy_sol_types::sol;

    sol! {
        /// `amount` new tokens were minted to `to` (as WBTC emits; `Transfer` is emitted too).
        #[derive(Debug)]
        #[allow(missing_docs)]
        event Mint(address indexed to, uint256 amount);
    }

    sol! {
        /// Constructor: the admin is the zero address.
        #[derive(Debug)]
        error DemoZeroAdmin();
        /// Constructor: the name (field 0) or symbol (field 1) is empty or over 64 bytes.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error DemoInvalidText(uint8 field, uint256 length);
    }
}

/// Every error DemoToken can return, as Solidity custom errors.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// See [`DemoZeroAdmin`].
    ZeroAdmin(DemoZeroAdmin),
    /// See [`DemoInvalidText`].
    InvalidText(DemoInvalidText),
    /// ERC-20: balance too low.
    InsufficientBalance(erc20::ERC20InsufficientBalance),
    /// ERC-20: bad sender.
    InvalidSender(erc20::ERC20InvalidSender),
    /// ERC-20: bad receiver (a mint or transfer to the zero address).
    InvalidReceiver(erc20::ERC20InvalidReceiver),
    /// ERC-20: allowance too low.
    InsufficientAllowance(erc20::ERC20InsufficientAllowance),
    /// ERC-20: bad spender.
    InvalidSpender(erc20::ERC20InvalidSpender),
    /// ERC-20: bad approver.
    InvalidApprover(erc20::ERC20InvalidApprover),
    /// Caller lacks the role (`mint` needs the admin role).
    UnauthorizedAccount(control::AccessControlUnauthorizedAccount),
    /// `renounceRole` for someone else.
    BadConfirmation(control::AccessControlBadConfirmation),
}

forward_errors!(Error: erc20::Error {
    InsufficientBalance, InvalidSender, InvalidReceiver, InsufficientAllowance, InvalidSpender,
    InvalidApprover,
});
forward_errors!(Error: control::Error { UnauthorizedAccount, BadConfirmation });

/// The demo token. Field order is the storage layout: append only.
#[entrypoint]
#[storage]
pub struct DemoToken {
    erc20: Erc20,
    name: ShortText,
    symbol: ShortText,
    decimals: StorageU8,
    access: AccessControl,
}

#[public]
#[implements(IErc20<Error = Error>, IErc20Metadata, IAccessControl<Error = Error>, IErc165)]
impl DemoToken {
    /// Names the token, fixes its `decimals` and makes `admin` its admin (the only minter). No
    /// initial supply: the admin mints. The admin is an argument because inside a deployment
    /// through StylusDeployer `msg.sender` is the deployer.
    #[constructor]
    pub fn constructor(&mut self, name: String, symbol: String, decimals: u8, admin: Address) -> Result<(), Error> {
        if admin.is_zero() {
            return Err(Error::ZeroAdmin(DemoZeroAdmin {}));
        }
        for (field, text) in [(0u8, &name), (1u8, &symbol)] {
            if !ShortText::fits(text) {
                return Err(Error::InvalidText(DemoInvalidText { field, length: U256::from(text.len()) }));
            }
        }
        self.name.set(&name);
        self.symbol.set(&symbol);
        self.decimals.set(U8::from(decimals));
        self.access._grant_role(ADMIN_ROLE.into(), admin);
        Ok(())
    }

    /// Mints `amount` (in the token's smallest unit) to `to`. Admin only.
    pub fn mint(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        self.access.only_role(ADMIN_ROLE.into())?;
        self.erc20._mint(to, amount)?;
        evm::log(Mint { to, amount });
        Ok(())
    }
}

#[public]
impl IErc20 for DemoToken {
    type Error = Error;

    fn total_supply(&self) -> U256 {
        self.erc20.total_supply()
    }

    fn balance_of(&self, account: Address) -> U256 {
        self.erc20.balance_of(account)
    }

    fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Error> {
        Ok(self.erc20.transfer(to, value)?)
    }

    fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.erc20.allowance(owner, spender)
    }

    fn approve(&mut self, spender: Address, value: U256) -> Result<bool, Error> {
        Ok(self.erc20.approve(spender, value)?)
    }

    fn transfer_from(&mut self, from: Address, to: Address, value: U256) -> Result<bool, Error> {
        Ok(self.erc20.transfer_from(from, to, value)?)
    }
}

#[public]
impl IErc20Metadata for DemoToken {
    fn name(&self) -> String {
        self.name.get()
    }

    fn symbol(&self) -> String {
        self.symbol.get()
    }

    fn decimals(&self) -> U8 {
        self.decimals.get()
    }
}

rigshare_common::public_access_control!(DemoToken, Error);

#[public]
impl IErc165 for DemoToken {
    fn supports_interface(&self, interface_id: B32) -> bool {
        self.erc20.supports_interface(interface_id)
            || <Self as IErc20Metadata>::interface_id() == interface_id
            || interface_id == B32::new(ACCESS_CONTROL_INTERFACE_ID)
    }
}

#[cfg(test)]
mod tests;

/// The names of the values each function with several return values returns, in order, for
/// `rigshare abi` (export-abi leaves every output unnamed, and dapps decode unnamed outputs as
/// bare positional tuples). Solidity's names: camelCase, units as in the parameters. The
/// generator refuses a function with several outputs that is missing here, or a count that
/// differs from the function's.
#[cfg(feature = "export-abi")]
pub const ABI_RETURNS: &[(&str, &[&str])] = &[
];

/// Every event this contract can emit, as human-readable Solidity declarations, for
/// `rigshare abi` (export-abi prints functions and errors but no events). Its own event, then
/// OpenZeppelin's: ERC-20 and AccessControl (no `RoleAdminChanged`: no role admin is ever set).
/// Keep in step with the `sol!` block above.
#[cfg(feature = "export-abi")]
pub const ABI_EVENTS: &[&str] = &[
    "event Mint(address indexed to, uint256 amount)",
    "event Transfer(address indexed from, address indexed to, uint256 value)",
    "event Approval(address indexed owner, address indexed spender, uint256 value)",
    "event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)",
    "event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)",
];
