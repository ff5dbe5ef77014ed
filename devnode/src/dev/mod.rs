//! The dev chain's fixed identity, defined once: its chain id, its funded key, and the selector
//! through which Stylus contracts take constructor arguments. The node, the end-to-end tests and
//! the `rigshare` tool all read them from here, so a dev chain everyone agrees on cannot drift.
//!
//! [`accounts`] derives the node's prefunded accounts (this key first, then the test mnemonic's).

pub mod accounts;

use alloy_primitives::{address, b256, Address, B256};

/// Nitro's dev chain id (`nitro-testnode` and `nitro --dev`): wallets and tools configured for a
/// local Arbitrum node expect it.
pub const CHAIN_ID: u64 = 412_346;

/// The private key of Nitro's published dev account, funded on every Nitro dev chain (and on
/// this node): public, for local chains only.
pub const DEV_KEY: B256 = b256!("b6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659");

/// The address of [`DEV_KEY`].
pub const DEV_ADDRESS: Address = address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E");

/// The mnemonic anvil and hardhat derive their default accounts from.
pub const TEST_MNEMONIC: &str = "test test test test test test test test test test test junk";

/// `stylus_constructor()`'s selector: a Stylus contract (SDK 0.9) runs its constructor when
/// StylusDeployer calls it with this selector followed by the ABI-encoded arguments.
pub const CONSTRUCTOR_SELECTOR: [u8; 4] = [0x55, 0x85, 0x25, 0x8d];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dev_address_is_the_dev_keys() {
        let account = accounts::DevAccount::from_private_key(&DEV_KEY).expect("a valid key");
        assert_eq!(account.address, DEV_ADDRESS);
    }

    #[test]
    fn the_constructor_selector_is_stylus_constructors() {
        let hash = alloy_primitives::keccak256("stylus_constructor()");
        assert_eq!(CONSTRUCTOR_SELECTOR, hash[..4]);
    }
}
