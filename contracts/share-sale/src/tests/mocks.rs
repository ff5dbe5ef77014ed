//! Test doubles: the shared payment token and wallets (contracts/test-doubles), and a buyer
//! whose ETH receiver asks for its refund again.
#![allow(clippy::unused_self)]

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use stylus_sdk::{
    call::Call,
    msg,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageU256},
};

pub use rigshare_test_doubles::{EthRejecter, EthWallet, PayToken};

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
