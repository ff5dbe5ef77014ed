//! Calls to other contracts with the call data written by the shared encoder
//! ([`crate::errors::encode`]) and the return data read by hand. `sol_interface!` encodes each
//! function's arguments and decodes its return with alloy, one monomorphization per function,
//! and each contract turned a failed call into revert data with its own `revert_data` match. What is accepted is exactly what `sol_interface!`'s validating decoder
//! accepts (the canonical encoding, nothing more), and a revert passes its data through.

// The SDK's call functions, as the `sol_interface!` code they replace calls them (motsu
// intercepts them in native tests).
#![allow(deprecated)]

use alloc::{string::String, vec::Vec};

use alloy_primitives::{Address, U256};
use stylus_sdk::prelude::TopLevelStorage;

pub use crate::errors::encode as calldata;

/// A call's outcome: what the callee returned, or its revert data (empty also when what it
/// returned is not the expected encoding, as `sol_interface!`'s decoding error was).
pub type Outcome<T> = Result<T, Vec<u8>>;

/// The selector of a function signature such as `"ownerOf(uint256)"`.
#[must_use]
pub const fn selector(signature: &str) -> [u8; 4] {
    let h = keccak_const::Keccak256::new().update(signature.as_bytes()).finalize();
    [h[0], h[1], h[2], h[3]]
}

/// Calls `to` with `data` (no value, all gas), after the storage cache is written back and
/// cleared (as `sol_interface!`'s state-changing calls with `Call::new_in(storage)`).
#[inline(never)]
#[allow(deprecated)]
pub fn call<S: TopLevelStorage>(storage: &mut S, to: Address, data: &[u8]) -> Outcome<Vec<u8>> {
    stylus_sdk::call::call(storage, to, data).map_err(revert_data)
}

/// Delegate-calls `to` with `data` (all gas): `to`'s code runs in the caller's storage, with
/// its sender and value, after the storage cache is written back and cleared. For a contract's
/// own extension module only (code built from the same crate, the same storage layout):
/// delegated code may write any slot.
#[inline(never)]
#[allow(deprecated)]
pub fn delegate<S: TopLevelStorage>(storage: &mut S, to: Address, data: &[u8]) -> Outcome<Vec<u8>> {
    // SAFETY: the SDK marks delegate calls unsafe because the callee writes this contract's
    // storage; callers pass their own extension module, which shares their storage layout.
    unsafe { stylus_sdk::call::delegate_call(storage, to, data) }.map_err(revert_data)
}

/// Static-calls `to` with `data` (all gas), after the storage cache is written back (as
/// `sol_interface!`'s view calls).
#[inline(never)]
#[allow(deprecated)]
pub fn static_call(to: Address, data: &[u8]) -> Outcome<Vec<u8>> {
    stylus_sdk::call::static_call(stylus_sdk::call::Call::new(), to, data).map_err(revert_data)
}

/// `balanceOf(account)` of the ERC-20 (or share token) `token`.
pub fn balance_of(token: Address, account: Address) -> Outcome<U256> {
    const BALANCE_OF: [u8; 4] = selector("balanceOf(address)");
    decoded(static_call(token, &calldata(BALANCE_OF, &[&account])), uint)
}

/// A failed call's revert data (empty when the return could not be decoded).
#[must_use]
pub fn revert_data(e: stylus_sdk::call::Error) -> Vec<u8> {
    match e {
        stylus_sdk::call::Error::Revert(data) => data,
        stylus_sdk::call::Error::AbiDecodingFailed(_) => Vec::new(),
    }
}

/// `outcome` decoded by `decode`; a return `decode` refuses becomes empty revert data.
pub fn decoded<T>(outcome: Outcome<Vec<u8>>, decode: fn(&[u8]) -> Option<T>) -> Outcome<T> {
    decode(&outcome?).ok_or_else(Vec::new)
}

/// The return of a function that returns nothing: nothing.
#[must_use]
pub fn nothing(returned: &[u8]) -> Option<()> {
    returned.is_empty().then_some(())
}

/// The one word returned, if exactly one word was, with its first `zeros` bytes zero.
fn word(returned: &[u8], zeros: usize) -> Option<&[u8]> {
    (returned.len() == 32 && returned[..zeros].iter().all(|b| *b == 0)).then_some(returned)
}

/// A returned `address`.
#[must_use]
pub fn address(returned: &[u8]) -> Option<Address> {
    word(returned, 12).map(|w| Address::from_slice(&w[12..]))
}

/// A returned `bool` (any non-zero last byte is true, as alloy reads it).
#[must_use]
pub fn boolean(returned: &[u8]) -> Option<bool> {
    word(returned, 31).map(|w| w[31] != 0)
}

/// A returned `bytes4`.
#[must_use]
pub fn bytes4(returned: &[u8]) -> Option<[u8; 4]> {
    let w = word(returned, 0)?;
    w[4..].iter().all(|b| *b == 0).then(|| [w[0], w[1], w[2], w[3]])
}

/// A returned `uint256`.
#[must_use]
pub fn uint(returned: &[u8]) -> Option<U256> {
    word(returned, 0).map(U256::from_be_slice)
}

/// Three returned `uint256`s.
#[must_use]
pub fn uints3(returned: &[u8]) -> Option<(U256, U256, U256)> {
    (returned.len() == 96).then(|| {
        let at = |i: usize| U256::from_be_slice(&returned[i * 32..i * 32 + 32]);
        (at(0), at(1), at(2))
    })
}

/// A returned `string`: offset 32, length, UTF-8 content padded with zeros to a whole word,
/// and nothing after it.
#[must_use]
pub fn string(returned: &[u8]) -> Option<String> {
    if returned.len() < 64 || U256::from_be_slice(&returned[..32]) != U256::from(32u8) {
        return None;
    }
    let len = U256::from_be_slice(&returned[32..64]);
    let rest = &returned[64..];
    if len > U256::from(rest.len()) {
        return None;
    }
    let len = len.to::<usize>();
    if rest.len() != len.div_ceil(32) * 32 || rest[len..].iter().any(|b| *b != 0) {
        return None;
    }
    String::from_utf8(rest[..len].to_vec()).ok()
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use alloy_primitives::{Bytes, FixedBytes};
    use alloy_sol_types::{sol_data, SolType};

    use super::*;

    #[test]
    fn selectors_are_keccaks_first_four_bytes() {
        assert_eq!(selector("ownerOf(uint256)"), [0x63, 0x52, 0x21, 0x1e]);
        assert_eq!(selector("onSharesBound(uint256)"), crate::SHARES_BOUND_MAGIC);
    }

    #[test]
    fn call_data_is_alloys() {
        let (x, y) = (Address::repeat_byte(1), Address::repeat_byte(0xff));
        for (amount, data) in [(U256::ZERO, Vec::new()), (U256::MAX, vec![9u8; 33]), (U256::from(7u8) << 200usize, vec![1u8; 64])] {
            let mut expected = vec![5, 6, 7, 8];
            expected.extend(<(sol_data::Address, sol_data::Address, sol_data::Uint<256>)>::abi_encode_params(&(x, y, amount)));
            assert_eq!(calldata([5, 6, 7, 8], &[&x, &y, &amount]), expected);

            let mut expected = vec![5, 6, 7, 8];
            expected.extend(<(sol_data::Address, sol_data::Address, sol_data::Uint<256>, sol_data::Bytes)>::abi_encode_params(&(x, y, amount, Bytes::from(data.clone()))));
            assert_eq!(calldata([5, 6, 7, 8], &[&x, &y, &amount, &data]), expected);

            let role = FixedBytes::<32>::from(amount);
            let mut expected = vec![1, 2, 3, 4];
            expected.extend(<(sol_data::FixedBytes<32>, sol_data::Address)>::abi_encode_params(&(role, y)));
            assert_eq!(calldata([1, 2, 3, 4], &[&role, &y]), expected);
        }
    }

    /// Each reader against alloy's validating decoder (what `sol_interface!` called), on the
    /// canonical encoding and on near misses.
    #[test]
    fn returns_are_read_as_alloy_validates_them() {
        fn agree<T: SolType>(returned: &[u8], ours: Option<T::RustType>)
        where
            T::RustType: PartialEq + core::fmt::Debug,
        {
            let alloys = <(T,)>::abi_decode_params(returned, true).ok().map(|(v,)| v);
            assert_eq!(ours, alloys, "{returned:02x?}");
        }
        let mut word = [0u8; 32];
        let mut cases: Vec<Vec<u8>> = vec![Vec::new(), vec![0; 31], vec![0; 32], vec![0; 33], vec![0; 64], vec![0; 96]];
        for (i, v) in [(31, 1u8), (31, 2), (20, 0xff), (12, 1), (11, 1), (4, 1), (3, 0xab), (0, 0x80)] {
            word[i] = v;
            cases.push(word.to_vec());
            let mut three = word.to_vec();
            three.extend([7u8; 64]);
            cases.push(three);
        }
        for case in &cases {
            agree::<sol_data::Address>(case, address(case));
            agree::<sol_data::Bool>(case, boolean(case));
            agree::<sol_data::FixedBytes<4>>(case, bytes4(case).map(FixedBytes::from));
            agree::<sol_data::Uint<256>>(case, uint(case));
            agree::<(sol_data::Uint<256>, sol_data::Uint<256>, sol_data::Uint<256>)>(case, uints3(case));
            agree::<sol_data::String>(case, string(case));
            agree::<()>(case, nothing(case));
        }
        let mut strings: Vec<Vec<u8>> = Vec::new();
        for text in ["", "a", "0123456789abcdef0123456789abcdef", "data:application/json;base64,eyJ9 and more than a word"] {
            let good = <(sol_data::String,)>::abi_encode_params(&(String::from(text),));
            strings.push(good.clone());
            let mut longer = good.clone();
            longer.extend([0u8; 32]);
            strings.push(longer);
            strings.push(good[..good.len() - 1].to_vec());
            let mut offset = good.clone();
            offset[31] = 64;
            strings.push(offset);
            if text.len() % 32 != 0 {
                let mut dirty = good.clone();
                *dirty.last_mut().unwrap() = 1;
                strings.push(dirty);
            }
            let mut invalid = good.clone();
            if !text.is_empty() {
                invalid[64] = 0xff;
                strings.push(invalid);
            }
            let mut huge = good.clone();
            huge[32] = 0xff;
            strings.push(huge);
        }
        for case in &strings {
            agree::<sol_data::String>(case, string(case));
        }
    }
}
