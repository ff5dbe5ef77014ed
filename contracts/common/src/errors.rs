//! A compact encoder for the contracts' Solidity custom errors. `#[derive(SolidityError)]`
//! calls alloy's `SolError::abi_encode` for each variant, a separate monomorphization per
//! error (3-5 KB of wasm per contract); every error here is a selector, static 32-byte words
//! and at most one trailing `bytes`/`string`, which one shared encoder writes. The output is
//! byte-identical to alloy's: [`solidity_errors!`](crate::solidity_errors) generates a test
//! comparing every variant with `SolError::abi_encode`. Calls ([`crate::calls`]) and events
//! ([`crate::events`]) use the same encoder.

use alloc::{string::String, vec::Vec};

use alloy_primitives::{Address, Bytes, FixedBytes, U256};

/// Revert data under construction: the selector, then the head words, then one dynamic tail.
pub struct ErrorData<'a> {
    buf: Vec<u8>,
    /// Where the dynamic field's offset word sits in `buf`, and its content.
    tail: Option<(usize, &'a [u8])>,
}

impl<'a> ErrorData<'a> {
    /// Appends one head word.
    #[inline(never)]
    pub fn word(&mut self, word: &[u8; 32]) {
        self.buf.extend_from_slice(word);
    }

    /// Appends an unsigned integer (or a bool) of at most 64 bits, left-padded.
    #[inline(never)]
    pub fn uint(&mut self, value: u64) {
        let mut word = [0u8; 32];
        word[24..].copy_from_slice(&value.to_be_bytes());
        self.word(&word);
    }

    /// Appends the offset word of the dynamic field; its content follows the head.
    /// Every error here has at most one dynamic field.
    pub fn dynamic(&mut self, content: &'a [u8]) {
        self.tail = Some((self.buf.len(), content));
        self.word(&[0u8; 32]);
    }
}

/// The revert data of the error with this selector and fields (in ABI order): the head, then
/// the dynamic field's length and content padded to a whole word, its offset (counted from
/// the end of the selector) patched into the head. One function for every error: each match
/// arm of [`solidity_errors!`](crate::solidity_errors) only lists its fields. Also the call
/// data of the contracts' calls ([`crate::calls`]) and the data of their events
/// ([`crate::events`]), which have the same shape.
#[must_use]
#[inline(never)]
pub fn encode(selector: [u8; 4], fields: &[&dyn ErrorField]) -> Vec<u8> {
    let mut data = ErrorData {
        buf: selector.to_vec(),
        tail: None,
    };
    for field in fields {
        field.put(&mut data);
    }
    if let Some((at, content)) = data.tail {
        let offset = data.buf.len() - 4;
        data.buf[at + 24..at + 32].copy_from_slice(&(offset as u64).to_be_bytes());
        data.uint(content.len() as u64);
        data.buf.extend_from_slice(content);
        while data.buf.len() % 32 != 4 {
            data.buf.push(0);
        }
    }
    data.buf
}

/// A field type of a custom error: how it is written into [`ErrorData`].
pub trait ErrorField {
    /// Writes this field at its place in the head (and the tail, for a dynamic one).
    fn put<'a>(&'a self, data: &mut ErrorData<'a>);
}

impl ErrorField for Address {
    fn put<'a>(&'a self, data: &mut ErrorData<'a>) {
        data.word(&self.into_word().0);
    }
}

impl ErrorField for U256 {
    fn put<'a>(&'a self, data: &mut ErrorData<'a>) {
        data.word(&self.to_be_bytes::<32>());
    }
}

impl ErrorField for FixedBytes<32> {
    fn put<'a>(&'a self, data: &mut ErrorData<'a>) {
        data.word(&self.0);
    }
}

impl ErrorField for u8 {
    fn put<'a>(&'a self, data: &mut ErrorData<'a>) {
        data.uint(u64::from(*self));
    }
}

impl ErrorField for u16 {
    fn put<'a>(&'a self, data: &mut ErrorData<'a>) {
        data.uint(u64::from(*self));
    }
}

impl ErrorField for u32 {
    fn put<'a>(&'a self, data: &mut ErrorData<'a>) {
        data.uint(u64::from(*self));
    }
}

impl ErrorField for u64 {
    fn put<'a>(&'a self, data: &mut ErrorData<'a>) {
        data.uint(*self);
    }
}

impl ErrorField for bool {
    fn put<'a>(&'a self, data: &mut ErrorData<'a>) {
        data.uint(u64::from(*self));
    }
}

impl ErrorField for Bytes {
    fn put<'a>(&'a self, data: &mut ErrorData<'a>) {
        data.dynamic(self);
    }
}

impl ErrorField for Vec<u8> {
    fn put<'a>(&'a self, data: &mut ErrorData<'a>) {
        data.dynamic(self);
    }
}

impl ErrorField for String {
    fn put<'a>(&'a self, data: &mut ErrorData<'a>) {
        data.dynamic(self.as_bytes());
    }
}

/// Distinct values per field for the generated encoding test (`seed` picks a case, `field`
/// the field's position), with edge values: zero, all ones, and dynamic lengths around a
/// word boundary.
pub trait Sample {
    /// A value for case `seed` of the field at position `field`.
    fn sample(seed: u8, field: u8) -> Self;
}

/// Dynamic lengths the test goes through.
const SAMPLE_LENGTHS: [usize; 8] = [0, 1, 31, 32, 33, 64, 65, 100];

fn sample_byte(seed: u8, field: u8) -> u8 {
    seed.wrapping_mul(37)
        .wrapping_add(field.wrapping_mul(11))
        .wrapping_add(1)
}

impl Sample for Address {
    fn sample(seed: u8, field: u8) -> Self {
        match seed {
            0 => Address::ZERO,
            1 => Address::repeat_byte(0xff),
            _ => Address::repeat_byte(sample_byte(seed, field)),
        }
    }
}

impl Sample for U256 {
    fn sample(seed: u8, field: u8) -> Self {
        match seed {
            0 => U256::ZERO,
            1 => U256::MAX,
            _ => {
                U256::from_be_bytes([sample_byte(seed, field); 32])
                    >> (usize::from(seed) * 29 % 256)
            }
        }
    }
}

impl Sample for FixedBytes<32> {
    fn sample(seed: u8, field: u8) -> Self {
        U256::sample(seed, field).into()
    }
}

impl Sample for u8 {
    fn sample(seed: u8, field: u8) -> Self {
        if seed == 1 {
            u8::MAX
        } else {
            sample_byte(seed, field)
        }
    }
}

impl Sample for u16 {
    fn sample(seed: u8, field: u8) -> Self {
        if seed == 1 {
            u16::MAX
        } else {
            u16::from_be_bytes([sample_byte(seed, field), seed])
        }
    }
}

impl Sample for u64 {
    fn sample(seed: u8, field: u8) -> Self {
        if seed == 1 {
            u64::MAX
        } else {
            u64::from_be_bytes([sample_byte(seed, field); 8]) >> seed
        }
    }
}

impl Sample for bool {
    fn sample(seed: u8, field: u8) -> Self {
        (seed ^ field) & 1 == 1
    }
}

impl Sample for Bytes {
    fn sample(seed: u8, field: u8) -> Self {
        let len = SAMPLE_LENGTHS[usize::from(seed) % SAMPLE_LENGTHS.len()];
        (0..len)
            .map(|i| sample_byte(seed, field).wrapping_add(i as u8))
            .collect::<Vec<u8>>()
            .into()
    }
}

impl Sample for String {
    fn sample(seed: u8, field: u8) -> Self {
        let len = SAMPLE_LENGTHS[usize::from(seed) % SAMPLE_LENGTHS.len()];
        (0..len)
            .map(|i| char::from(b'a' + ((usize::from(field) + i) % 26) as u8))
            .collect()
    }
}

/// Defines a contract's error enum (each variant wrapping one `sol!` error struct, as with
/// `#[derive(SolidityError)]`) with the compact [`ErrorData`] encoding. Each variant lists its
/// struct's fields in declaration order (the ABI order); a missing field does not compile and
/// a misordered one fails the generated test, which compares every variant's encoding with
/// alloy's `SolError::abi_encode`. Also generates `From` each struct, and under
/// `export-abi` the error list the ABI printer reads, like the derive.
#[macro_export]
macro_rules! solidity_errors {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident($($ty:ident)::+ { $($field:ident),* $(,)? })
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $( $(#[$vmeta])* $variant($($ty)::+), )+
        }

        $(
            impl From<$($ty)::+> for $name {
                fn from(value: $($ty)::+) -> Self {
                    $name::$variant(value)
                }
            }
        )+

        impl From<$name> for $crate::__private::Vec<u8> {
            fn from(err: $name) -> Self {
                use $crate::__private::alloy_sol_types::SolError;
                match &err {
                    $(
                        $name::$variant($($ty)::+ { $($field),* }) => {
                            $crate::errors::encode(<$($ty)::+ as SolError>::SELECTOR, &[$($field as &dyn $crate::errors::ErrorField),*])
                        }
                    )+
                }
            }
        }

        #[cfg(feature = "export-abi")]
        impl $crate::__private::stylus_sdk::abi::export::internal::InnerTypes for $name {
            fn inner_types() -> $crate::__private::Vec<$crate::__private::stylus_sdk::abi::export::internal::InnerType> {
                use $crate::__private::alloy_sol_types::SolError;
                $crate::__private::vec![
                    $(
                        $crate::__private::stylus_sdk::abi::export::internal::InnerType {
                            name: $crate::__private::format!("error {};", <$($ty)::+ as SolError>::SIGNATURE.replace(',', ", ")),
                            id: ::core::any::TypeId::of::<$($ty)::+>(),
                        }
                    ),+
                ]
            }
        }

        #[cfg(test)]
        #[test]
        fn solidity_errors_encode_like_alloy() {
            use $crate::__private::alloy_sol_types::SolError;
            for seed in 0..16u8 {
                $(
                    {
                        #[allow(unused_mut, unused_variables)]
                        let mut position = 0u8;
                        let err = $($ty)::+ {
                            $( $field: { position += 1; $crate::errors::Sample::sample(seed, position) }, )*
                        };
                        let expected = <$($ty)::+ as SolError>::abi_encode(&err);
                        let encoded: $crate::__private::Vec<u8> = $name::from(err).into();
                        assert_eq!(encoded, expected, "{} (case {seed})", stringify!($variant));
                    }
                )+
            }
        }
    };
}
