//! Keccak-256 with tiny-keccak's API: Nitro's `native_keccak256` host function inside a
//! Stylus program, RustCrypto's `sha3` on every other target. See Cargo.toml for why.
#![no_std]

extern crate alloc;

/// tiny-keccak's hashing trait.
pub trait Hasher {
    /// Absorbs `input`.
    fn update(&mut self, input: &[u8]);
    /// Writes the digest into `output` (32 bytes for Keccak-256).
    fn finalize(self, output: &mut [u8]);
}

/// Keccak-256 (the pre-standard padding Ethereum uses). Only the 256-bit variant exists:
/// it is the only one Ethereum tooling asks for.
#[derive(Clone, Default)]
pub struct Keccak {
    #[cfg(target_arch = "wasm32")]
    buffer: alloc::vec::Vec<u8>,
    #[cfg(not(target_arch = "wasm32"))]
    state: sha3_impl::Keccak256,
}

impl Keccak {
    /// A Keccak-256 hasher.
    #[must_use]
    pub fn v256() -> Self {
        Self::default()
    }
}

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "vm_hooks")]
extern "C" {
    fn native_keccak256(bytes: *const u8, len: usize, output: *mut u8);
}

#[cfg(target_arch = "wasm32")]
impl Hasher for Keccak {
    fn update(&mut self, input: &[u8]) {
        self.buffer.extend_from_slice(input);
    }

    fn finalize(self, output: &mut [u8]) {
        let mut digest = [0u8; 32];
        // SAFETY: the host reads `len` bytes from the buffer and writes exactly 32 bytes.
        unsafe { native_keccak256(self.buffer.as_ptr(), self.buffer.len(), digest.as_mut_ptr()) };
        let n = output.len().min(32);
        output[..n].copy_from_slice(&digest[..n]);
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Hasher for Keccak {
    fn update(&mut self, input: &[u8]) {
        sha3_impl::Digest::update(&mut self.state, input);
    }

    fn finalize(self, output: &mut [u8]) {
        let digest = sha3_impl::Digest::finalize(self.state);
        let n = output.len().min(digest.len());
        output[..n].copy_from_slice(&digest[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keccak(input: &[u8]) -> [u8; 32] {
        let mut k = Keccak::v256();
        k.update(input);
        let mut out = [0u8; 32];
        k.finalize(&mut out);
        out
    }

    #[test]
    fn matches_known_ethereum_digests() {
        assert_eq!(
            keccak(b""),
            hex32("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        );
        assert_eq!(
            keccak(b"transfer(address,uint256)")[..4],
            [0xa9, 0x05, 0x9c, 0xbb]
        );
    }

    fn hex32(s: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }
}
