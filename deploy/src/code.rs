//! Step 2: a `.wasm` as Stylus stores it on chain, and the init code that deploys it.
//!
//! Stored code = `EF F0 00` (Stylus' EOF-like magic) + a dictionary byte (0: none) + the
//! module compressed with brotli at quality 11, window 22, as every Stylus tool does.
//! Init code = 43 bytes that return the stored code, then the stored code
//! (reference/stylus-host.md, "Code format").

use std::io::Cursor;

use anyhow::{Context, Result};

/// Magic that tells Nitro the code is a Stylus program.
pub const STYLUS_MAGIC: [u8; 3] = [0xEF, 0xF0, 0x00];
/// Dictionary byte: 0 = no dictionary (1 would be Nitro's built-in Stylus dictionary).
pub const DICTIONARY_NONE: u8 = 0x00;
/// Bytes before the brotli stream: magic + dictionary byte.
pub const STORED_PREFIX_LEN: usize = STYLUS_MAGIC.len() + 1;
/// Brotli quality (maximum).
pub const BROTLI_QUALITY: i32 = 11;
/// Brotli window: log2 of 4 MiB.
pub const BROTLI_WINDOW: i32 = 22;
/// Length of the deployment prefix in [`init_code`].
pub const INIT_PREFIX_LEN: usize = 43;

/// Brotli-compresses `wasm` at quality 11, window 22, no dictionary.
pub fn compress(wasm: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW,
        size_hint: wasm.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(wasm.len() / 2);
    brotli::BrotliCompress(&mut Cursor::new(wasm), &mut out, &params)
        .expect("brotli into memory cannot fail");
    out
}

/// The code Nitro stores for `wasm`: `EF F0 00 00` + brotli(wasm).
pub fn stored_code(wasm: &[u8]) -> Vec<u8> {
    let compressed = compress(wasm);
    let mut code = Vec::with_capacity(STORED_PREFIX_LEN + compressed.len());
    code.extend_from_slice(&STYLUS_MAGIC);
    code.push(DICTIONARY_NONE);
    code.extend_from_slice(&compressed);
    code
}

/// The creation code that deploys `stored`: PUSH32 len, DUP1, PUSH1 43, PUSH1 0, CODECOPY,
/// PUSH1 0, RETURN, then a version byte 0, then the stored code itself.
pub fn init_code(stored: &[u8]) -> Vec<u8> {
    let mut len = [0u8; 32];
    len[24..].copy_from_slice(&(stored.len() as u64).to_be_bytes());
    let mut init = Vec::with_capacity(INIT_PREFIX_LEN + stored.len());
    init.push(0x7f); // PUSH32 <length of the stored code>
    init.extend_from_slice(&len);
    init.extend_from_slice(&[
        0x80, // DUP1: length, length
        0x60,
        INIT_PREFIX_LEN as u8, // PUSH1 43: offset of the code in this init code
        0x60,
        0x00, // PUSH1 0: memory destination
        0x39, // CODECOPY(dest 0, offset 43, length)
        0x60,
        0x00, // PUSH1 0
        0xf3, // RETURN(0, length)
        0x00, // version byte
    ]);
    debug_assert_eq!(init.len(), INIT_PREFIX_LEN);
    init.extend_from_slice(stored);
    init
}

/// The wasm inside stored code (the inverse of [`stored_code`]), for checks.
pub fn decompress_stored(stored: &[u8]) -> Result<Vec<u8>> {
    let body = stored
        .strip_prefix(&STYLUS_MAGIC[..])
        .and_then(|rest| rest.strip_prefix(&[DICTIONARY_NONE][..]))
        .context("not Stylus stored code without dictionary (EF F0 00 00)")?;
    let mut wasm = Vec::new();
    brotli::BrotliDecompress(&mut Cursor::new(body), &mut wasm).context("corrupt brotli stream")?;
    Ok(wasm)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Something wasm-like and compressible, with a little of everything.
    fn sample() -> Vec<u8> {
        let mut bytes = b"\0asm\x01\0\0\0".to_vec();
        for i in 0u32..5000 {
            bytes.extend_from_slice(
                &(i.wrapping_mul(2_654_435_761) >> (i % 29)).to_le_bytes()[..(i % 4) as usize + 1],
            );
            bytes.extend_from_slice(b"memory.copy user_entrypoint vm_hooks ");
        }
        bytes
    }

    #[test]
    fn stored_code_has_the_prefix_and_round_trips() {
        let wasm = sample();
        let stored = stored_code(&wasm);
        assert_eq!(&stored[..4], &[0xEF, 0xF0, 0x00, 0x00]);
        assert!(
            stored.len() < wasm.len() / 4,
            "brotli should shrink repetitive input"
        );
        assert_eq!(decompress_stored(&stored).unwrap(), wasm);

        // The same bytes with the brotli crate's decompressor directly.
        let mut plain = Vec::new();
        brotli::BrotliDecompress(&mut Cursor::new(&stored[4..]), &mut plain).unwrap();
        assert_eq!(plain, wasm);
    }

    #[test]
    fn compression_is_deterministic() {
        let wasm = sample();
        assert_eq!(stored_code(&wasm), stored_code(&wasm));
    }

    #[test]
    fn empty_input_round_trips() {
        assert_eq!(
            decompress_stored(&stored_code(&[])).unwrap(),
            Vec::<u8>::new()
        );
    }

    #[test]
    fn init_code_prefix_is_exact() {
        let stored = stored_code(&sample());
        let init = init_code(&stored);
        let len = stored.len();
        let mut expected = vec![0x7f];
        expected.extend_from_slice(&[0u8; 29]);
        expected.extend_from_slice(&[(len >> 16) as u8, (len >> 8) as u8, len as u8]);
        expected.extend_from_slice(&[0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
        assert_eq!(expected.len(), 43);
        assert_eq!(&init[..43], &expected[..]);
        assert_eq!(&init[43..], &stored[..]);
    }

    #[test]
    fn init_code_length_is_big_endian_over_32_bytes() {
        let stored = vec![0xAB; 0x0102];
        let init = init_code(&stored);
        assert_eq!(&init[1..31], &[0u8; 30]);
        assert_eq!(&init[31..33], &[0x01, 0x02]);
        assert_eq!(init.len(), 43 + 0x0102);
    }

    #[test]
    fn foreign_code_is_not_decompressed() {
        assert!(decompress_stored(b"\x60\x80\x60\x40").is_err());
        assert!(decompress_stored(&[0xEF, 0xF0, 0x00, 0x01, 0x00]).is_err());
    }
}
