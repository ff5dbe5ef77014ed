//! Test doubles: the shared payout token and wallet (contracts/test-doubles), and an ETH
//! receiver that tries to claim again while being paid.
#![allow(clippy::unused_self)]

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use stylus_sdk::{
    call::Call,
    msg,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageU256},
};

pub use rigshare_test_doubles::{EthWallet, PayToken as PayoutToken};

stylus_sdk::prelude::sol_interface! {
    interface ISplitterClaim {
        function claim() external returns (uint256);
    }
}

/// A share holder contract whose `receive` calls `claim` again. With `swallow` it ignores
/// the inner call's failure; without, it reverts and so refuses the payment.
#[storage]
pub struct ReentrantClaimer {
    splitter: StorageAddress,
    swallow: StorageBool,
    reentries: StorageU256,
    inner_succeeded: StorageBool,
}

unsafe impl TopLevelStorage for ReentrantClaimer {}

#[public]
impl ReentrantClaimer {
    pub fn configure(&mut self, splitter: Address, swallow: bool) {
        self.splitter.set(splitter);
        self.swallow.set(swallow);
    }

    pub fn start_claim(&mut self) -> Result<U256, Vec<u8>> {
        let splitter = ISplitterClaim::new(self.splitter.get());
        splitter.claim(Call::new_in(self)).map_err(|e| match e {
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
        let splitter = ISplitterClaim::new(self.splitter.get());
        let inner = splitter.claim(Call::new_in(self));
        self.inner_succeeded.set(inner.is_ok());
        match inner {
            Ok(_) => Ok(()),
            Err(_) if self.swallow.get() => Ok(()),
            Err(_) => Err(b"reentry refused".to_vec()),
        }
    }
}
