//! Test doubles: a mintable payment token (optionally charging a fee on transfer), wallets
//! that accept or refuse ETH, and a buyer whose ETH receiver asks for its refund again.
#![allow(clippy::unused_self)]

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use openzeppelin_stylus::token::erc20::{Erc20, IErc20};
use stylus_sdk::{
    call::Call,
    msg,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageU256},
};

/// A mintable ERC-20 (decimals are only a matter of the prices the tests choose). `fee_bps`
/// of every `transferFrom` is burned on the way, like a fee-on-transfer token.
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
/// that is paid ETH in these tests is one of these.
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

/// A contract that refuses every ETH payment (a buyer or a treasury without a receiver).
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

stylus_sdk::prelude::sol_interface! {
    interface ISaleRefund {
        function refund() external returns (uint256);
    }
}

/// A buyer contract whose `receive` calls `refund` again. With `swallow` it ignores the inner
/// call's failure; without, it reverts and so refuses the payment.
#[storage]
pub struct ReentrantRefunder {
    sale: StorageAddress,
    swallow: StorageBool,
    reentries: StorageU256,
    inner_succeeded: StorageBool,
}

unsafe impl TopLevelStorage for ReentrantRefunder {}

#[public]
impl ReentrantRefunder {
    pub fn configure(&mut self, sale: Address, swallow: bool) {
        self.sale.set(sale);
        self.swallow.set(swallow);
    }

    pub fn start_refund(&mut self) -> Result<U256, Vec<u8>> {
        let sale = ISaleRefund::new(self.sale.get());
        sale.refund(Call::new_in(self)).map_err(|e| match e {
            stylus_sdk::call::Error::Revert(data) => data,
            stylus_sdk::call::Error::AbiDecodingFailed(_) => Vec::new(),
        })
    }

    pub fn reentries(&self) -> U256 {
        self.reentries.get()
    }

    pub fn inner_succeeded(&self) -> bool {
        self.inner_succeeded.get()
    }

    #[receive]
    #[payable]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        let _ = msg::value();
        let n = self.reentries.get();
        self.reentries.set(n + U256::from(1));
        let sale = ISaleRefund::new(self.sale.get());
        let inner = sale.refund(Call::new_in(self));
        self.inner_succeeded.set(inner.is_ok());
        match inner {
            Ok(_) => Ok(()),
            Err(_) if self.swallow.get() => Ok(()),
            Err(_) => Err(b"reentry refused".to_vec()),
        }
    }
}
