//! Storage for the short strings rigshare keeps (names, symbols, rig model and site): at most
//! 64 bytes in two fixed words plus a length. The SDK's `StorageString` grows byte by byte
//! with a 256-bit division per byte, which costs kilobytes of contract code and one storage
//! write per byte; this costs three slot writes, whatever the text.

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{B256, U8};
use stylus_sdk::{
    prelude::*,
    storage::{StorageB256, StorageU8},
};

/// A UTF-8 string of at most [`ShortText::MAX_BYTES`] bytes. Field order is the layout.
#[storage]
pub struct ShortText {
    len: StorageU8,
    head: StorageB256,
    tail: StorageB256,
}

impl ShortText {
    /// Longest text, in bytes.
    pub const MAX_BYTES: usize = 64;

    /// Whether `text` fits: 1 to [`Self::MAX_BYTES`] bytes.
    #[must_use]
    pub fn fits(text: &str) -> bool {
        !text.is_empty() && text.len() <= Self::MAX_BYTES
    }

    /// Stores `text`. Callers check [`Self::fits`] first; anything past 64 bytes is dropped.
    pub fn set(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let len = bytes.len().min(Self::MAX_BYTES);
        let mut words = [0u8; 64];
        words[..len].copy_from_slice(&bytes[..len]);
        // len <= 64 fits a u8.
        self.len.set(U8::from(len as u8));
        self.head.set(B256::from_slice(&words[..32]));
        if len > 32 {
            self.tail.set(B256::from_slice(&words[32..]));
        } else if !self.tail.get().is_zero() {
            self.tail.set(B256::ZERO);
        }
    }

    /// The stored text (empty if never set).
    #[must_use]
    pub fn get(&self) -> String {
        let len = usize::from(self.len.get().to::<u8>()).min(Self::MAX_BYTES);
        if len == 0 {
            return String::new();
        }
        let mut bytes = Vec::with_capacity(len);
        bytes.extend_from_slice(&self.head.get()[..len.min(32)]);
        if len > 32 {
            bytes.extend_from_slice(&self.tail.get()[..len - 32]);
        }
        // Only `set` writes these slots, and it copies the bytes of a `&str` cut at its own
        // length, which callers keep at a char boundary by storing whole strings that fit.
        String::from_utf8(bytes).unwrap_or_default()
    }
}
