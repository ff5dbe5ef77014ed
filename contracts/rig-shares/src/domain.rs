//! The EIP-712 domain for `permit`. OpenZeppelin's `IEip712` fixes the domain name at compile
//! time, but every pool has its own token name, and wallets sign permits against `name()`.
//! So the name's hash lives in a namespaced storage slot written by the constructor, and the
//! domain separator is built from it.

use alloc::{string::String, vec::Vec};

use alloy_primitives::{keccak256, uint, Address, B256, U256};
use openzeppelin_stylus::utils::{cryptography::eip712::IEip712, storage_slot::StorageSlot};
use stylus_sdk::{prelude::*, storage::StorageB256};

/// `keccak256("rigshare.shares.permit.name") - 1`: a slot no Solidity-style layout reaches.
const NAME_HASH_SLOT: U256 =
    uint!(0x717a7ddc376ba540373c7b8edc48a6ae0c0eacc3155dda520185130c42cd4ff3_U256);

/// Domain version, as `eip712Domain()` reports it.
pub const VERSION: &str = "1";

/// Zero-sized marker; the state lives at [`NAME_HASH_SLOT`].
#[storage]
pub struct PermitDomain;

/// Records the token name the domain is built from. Constructor only (so unused in the
/// extension module).
#[cfg_attr(all(target_arch = "wasm32", feature = "extension"), allow(dead_code))]
pub fn set_name(name: &str) {
    StorageSlot::get_slot::<StorageB256>(NAME_HASH_SLOT).set(keccak256(name.as_bytes()));
}

fn name_hash() -> B256 {
    StorageSlot::get_slot::<StorageB256>(NAME_HASH_SLOT).get()
}

/// EIP-5267 fields for a domain named `name`: name, version, chain id and verifying contract
/// are used (`0x0f`), no salt, no extensions.
#[must_use]
pub fn describe(name: String) -> ([u8; 1], String, String, U256, Address, [u8; 32], Vec<U256>) {
    ([0x0f], name, VERSION.into(), PermitDomain::chain_id(), PermitDomain::contract_address(), [0; 32], Vec::new())
}

impl IEip712 for PermitDomain {
    // Unused: every method that would read it is overridden below.
    const NAME: &'static str = "";
    const VERSION: &'static str = VERSION;

    fn eip712_domain(&self) -> ([u8; 1], String, String, U256, Address, [u8; 32], Vec<U256>) {
        describe(String::new())
    }

    /// `keccak256(abi.encode(TYPE_HASH, name hash, version hash, chain id, this contract))`:
    /// five static words, so their concatenation.
    fn domain_separator_v4(&self) -> B256 {
        const TYPE_HASH: [u8; 32] = stylus_sdk::keccak_const::Keccak256::new()
            .update(b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
            .finalize();
        keccak256(
            [TYPE_HASH, name_hash().0, Self::HASHED_VERSION, Self::chain_id().to_be_bytes(), Self::contract_address().into_word().0]
                .as_flattened(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_slot_is_the_namespaced_hash_minus_one() {
        let hash = U256::from_be_bytes(keccak256(b"rigshare.shares.permit.name").0);
        assert_eq!(NAME_HASH_SLOT, hash - U256::from(1));
    }
}
