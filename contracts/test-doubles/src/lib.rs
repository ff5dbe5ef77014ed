//! Test doubles for the contracts' native tests (motsu): one mintable payment token and two
//! wallets, so every contract's tests pay and get paid the same way.
#![allow(clippy::unused_self, missing_docs)]
// motsu intercepts the SDK's free functions.
#![allow(deprecated)]

extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use openzeppelin_stylus::token::erc20::{Erc20, IErc20};
use stylus_sdk::{prelude::*, storage::StorageU256};

/// A mintable ERC-20 (decimals are only a matter of the amounts a test chooses). `fee_bps` of
/// every `transferFrom` is burned on the way, like a fee-on-transfer token.
#[storage]
pub struct PayToken {
    erc20: Erc20,
    fee_bps: StorageU256,
}

unsafe impl TopLevelStorage for PayToken {}

#[public]
impl PayToken {
    pub fn mint(&mut self, to: Address, amount: U256) -> Result<(), Vec<u8>> {
        Ok(self.erc20._mint(to, amount)?)
    }

    pub fn set_fee_bps(&mut self, fee_bps: U256) {
        self.fee_bps.set(fee_bps);
    }

    pub fn balance_of(&self, account: Address) -> U256 {
        self.erc20.balance_of(account)
    }

    pub fn approve(&mut self, spender: Address, amount: U256) -> Result<bool, Vec<u8>> {
        Ok(self.erc20.approve(spender, amount)?)
    }

    pub fn transfer(&mut self, to: Address, amount: U256) -> Result<bool, Vec<u8>> {
        Ok(self.erc20.transfer(to, amount)?)
    }

    pub fn transfer_from(&mut self, from: Address, to: Address, amount: U256) -> Result<bool, Vec<u8>> {
        self.erc20.transfer_from(from, to, amount)?;
        let fee = amount * self.fee_bps.get() / U256::from(10_000);
        if !fee.is_zero() {
            self.erc20._burn(to, fee)?;
        }
        Ok(true)
    }
}

/// A wallet contract that accepts ETH. motsu delivers ETH only to contracts, so every account
/// a test pays ETH to is one of these.
#[storage]
pub struct EthWallet;

unsafe impl TopLevelStorage for EthWallet {}

#[public]
impl EthWallet {
    #[receive]
    #[payable]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        Ok(())
    }
}

/// A contract that refuses every ETH payment (a party without a receiver).
#[storage]
pub struct EthRejecter;

unsafe impl TopLevelStorage for EthRejecter {}

#[public]
impl EthRejecter {
    #[receive]
    #[payable]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        Err(b"no ETH here".to_vec())
    }
}
