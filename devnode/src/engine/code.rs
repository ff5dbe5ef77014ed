//! The Stylus code format: how a `.wasm` is stored as contract code and deployed.
//!
//! Stored code = `EF F0 00` (Nitro's classic Stylus prefix) + a dictionary byte + the module
//! brotli-compressed (quality 11, window 22, as every Stylus tool does). Init code = a 43-byte
//! prelude that returns the stored code, then the stored code (cargo-stylus' layout).

use std::io::{Cursor, Read};

/// Magic that tells Nitro the code is a (classic, unfragmented) Stylus program.
pub const STYLUS_MAGIC: [u8; 3] = [0xEF, 0xF0, 0x00];
/// Dictionary byte 0: plain brotli.
pub const DICTIONARY_NONE: u8 = 0x00;
/// Dictionary byte 1: Nitro's built-in Stylus dictionary (not supported here, see [`CodeError`]).
pub const DICTIONARY_STYLUS: u8 = 0x01;
/// Bytes before the brotli stream: magic + dictionary byte.
pub const STORED_PREFIX_LEN: usize = STYLUS_MAGIC.len() + 1;
/// Brotli quality (maximum).
pub const BROTLI_QUALITY: i32 = 11;
/// Brotli window: log2 of 4 MiB.
pub const BROTLI_WINDOW: i32 = 22;
/// Length of the deployment prelude in [`init_code`] (42 bytes of code + a version byte).
pub const INIT_PREFIX_LEN: usize = 43;
/// Nitro's `MaxWasmSize`: the largest decompressed module it activates (128 KiB).
pub const MAX_WASM_SIZE: usize = 128 * 1024;

/// The prelude after the 32-byte length: DUP1, PUSH1 43, PUSH1 0, CODECOPY, PUSH1 0, RETURN,
/// version byte 0.
const INIT_PRELUDE_TAIL: [u8; 10] = [
    0x80, // DUP1: length, length
    0x60,
    INIT_PREFIX_LEN as u8, // PUSH1 43: offset of the code in the init code
    0x60,
    0x00, // PUSH1 0: memory destination
    0x39, // CODECOPY(dest 0, offset 43, length)
    0x60,
    0x00, // PUSH1 0
    0xf3, // RETURN(0, length)
    0x00, // version byte
];

/// Why stored code does not decode to a module.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Nitro's `ProgramNotWasm`: not `EF F0 00` + a dictionary byte.
    #[error("not a Stylus program: code does not start with EF F0 00 and a dictionary byte")]
    NotStylus,
    /// Dictionary 1 is a 112,640-byte raw LZ77 dictionary shipped inside Nitro
    /// (crates/brotli/src/dicts/stylus-program-11.lz, under Nitro's licence); this node does not
    /// carry it, so it cannot decompress such code.
    #[error(
        "Stylus code compressed with dictionary 1 (Nitro's built-in Stylus program dictionary) \
         is not supported by this node: recompress with no dictionary (dictionary byte 0)"
    )]
    StylusDictionaryUnsupported,
    /// Nitro's `getStylusCompressionDict`: only 0 and 1 exist.
    #[error("unsupported dictionary type: {0}")]
    UnknownDictionary(u8),
    /// Decompresses to more than the limit (Nitro: "output won't fit in maxsize").
    #[error(
        "decompressed wasm is larger than the {limit}-byte limit (output won't fit in maxsize)"
    )]
    TooLarge { limit: usize },
    /// Not a complete, valid brotli stream.
    #[error("failed decompression: {0}")]
    Corrupt(String),
}

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
    let mut init = Vec::with_capacity(INIT_PREFIX_LEN + stored.len());
    init.push(0x7f); // PUSH32 <length of the stored code>
    init.extend_from_slice(&[0u8; 24]);
    init.extend_from_slice(&(stored.len() as u64).to_be_bytes());
    init.extend_from_slice(&INIT_PRELUDE_TAIL);
    debug_assert_eq!(init.len(), INIT_PREFIX_LEN);
    init.extend_from_slice(stored);
    init
}

/// The runtime code inside standard Stylus init code (the inverse of [`init_code`]): exactly
/// the 43-byte prelude followed by exactly as many bytes as it declares. Anything else (another
/// version byte, layout or length) is `None`, i.e. ordinary EVM init code.
pub fn parse_deployment_init_code(init: &[u8]) -> Option<&[u8]> {
    let (prelude, code) = init.split_at_checked(INIT_PREFIX_LEN)?;
    let (push32, rest) = prelude.split_first()?;
    let (len, tail) = rest.split_at(32);
    if *push32 != 0x7f || tail != INIT_PRELUDE_TAIL {
        return None;
    }
    // The length must fit in usize and match the rest exactly.
    let (high, low) = len.split_at(24);
    if high.iter().any(|b| *b != 0) {
        return None;
    }
    let declared = u64::from_be_bytes(low.try_into().ok()?);
    (usize::try_from(declared).ok()? == code.len()).then_some(code)
}

/// Whether `code` carries the classic Stylus prefix (Nitro's `IsStylusProgram`: `EF F0 00` and
/// at least a dictionary byte).
pub fn is_stylus_code(code: &[u8]) -> bool {
    code.len() > STYLUS_MAGIC.len() && code.starts_with(&STYLUS_MAGIC)
}

/// The wasm inside stored code, as Nitro's `getWasm` extracts it: dictionary 0 only, at most
/// `max_wasm_size` bytes. Decompression streams into a buffer that never grows past the limit
/// (plus one read chunk), so a brotli bomb costs no more memory than a legal module.
pub fn decode_stylus_code(code: &[u8], max_wasm_size: usize) -> Result<Vec<u8>, CodeError> {
    if !is_stylus_code(code) {
        return Err(CodeError::NotStylus);
    }
    let body = &code[STORED_PREFIX_LEN..];
    match code[STYLUS_MAGIC.len()] {
        DICTIONARY_NONE => {}
        DICTIONARY_STYLUS => return Err(CodeError::StylusDictionaryUnsupported),
        other => return Err(CodeError::UnknownDictionary(other)),
    }

    const CHUNK: usize = 16 * 1024;
    let mut decoder = brotli::Decompressor::new(body, 4096);
    let mut wasm = Vec::with_capacity(
        max_wasm_size
            .min(body.len().saturating_mul(4))
            .min(MAX_WASM_SIZE),
    );
    let mut chunk = [0u8; CHUNK];
    loop {
        let read = match decoder.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CodeError::Corrupt(e.to_string())),
        };
        if read > max_wasm_size - wasm.len() {
            return Err(CodeError::TooLarge {
                limit: max_wasm_size,
            });
        }
        wasm.extend_from_slice(&chunk[..read]);
    }
    Ok(wasm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    fn decode(code: &[u8]) -> Result<Vec<u8>, CodeError> {
        decode_stylus_code(code, usize::MAX)
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
        assert!(is_stylus_code(&stored));
        assert_eq!(decode(&stored).unwrap(), wasm);
        assert_eq!(decode_stylus_code(&stored, wasm.len()).unwrap(), wasm);

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
        assert_eq!(decode(&stored_code(&[])).unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn foreign_code_is_not_a_stylus_program() {
        for code in [
            &b""[..],
            b"\x60\x80\x60\x40",
            &[0xEF, 0xF0, 0x00],       // no dictionary byte
            &[0xEF, 0xF0, 0x01, 0x00], // an ArbOS 60 fragment, not a classic program
            &[0xEF, 0xF0, 0x02, 0x00], // an ArbOS 60 root
            &[0xEF, 0x00, 0x01, 0x00], // EOF proper
        ] {
            assert!(!is_stylus_code(code), "{code:02x?}");
            assert_eq!(decode(code), Err(CodeError::NotStylus), "{code:02x?}");
        }
        assert!(CodeError::NotStylus
            .to_string()
            .contains("not a Stylus program"));
    }

    #[test]
    fn dictionary_one_is_refused_clearly_and_others_are_unknown() {
        let mut code = stored_code(&sample());
        code[3] = DICTIONARY_STYLUS;
        let err = decode(&code).unwrap_err();
        assert_eq!(err, CodeError::StylusDictionaryUnsupported);
        assert!(err.to_string().contains("dictionary 1"), "{err}");
        assert!(err.to_string().contains("not supported"), "{err}");
        code[3] = 2;
        assert_eq!(decode(&code), Err(CodeError::UnknownDictionary(2)));
        assert_eq!(
            decode(&code).unwrap_err().to_string(),
            "unsupported dictionary type: 2"
        );
    }

    #[test]
    fn output_is_bounded_by_the_limit() {
        // Exactly at the limit decodes; one byte more does not.
        let wasm = vec![7u8; MAX_WASM_SIZE];
        let code = stored_code(&wasm);
        assert_eq!(
            decode_stylus_code(&code, MAX_WASM_SIZE).unwrap().len(),
            MAX_WASM_SIZE
        );
        let code = stored_code(&vec![7u8; MAX_WASM_SIZE + 1]);
        assert_eq!(
            decode_stylus_code(&code, MAX_WASM_SIZE),
            Err(CodeError::TooLarge {
                limit: MAX_WASM_SIZE
            })
        );
    }

    #[test]
    fn a_brotli_bomb_is_rejected_without_inflating_it() {
        // 16 MiB of zeros compresses to a few hundred bytes.
        let bomb_size = 16 << 20;
        let mut compressed = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 5,
            lgwin: BROTLI_WINDOW,
            ..Default::default()
        };
        brotli::BrotliCompress(
            &mut std::io::repeat(0).take(bomb_size),
            &mut compressed,
            &params,
        )
        .unwrap();
        assert!(compressed.len() < 64 * 1024, "{}", compressed.len());
        let mut code = STYLUS_MAGIC.to_vec();
        code.push(DICTIONARY_NONE);
        code.extend_from_slice(&compressed);
        // Would take 16 MiB if inflated; the limit stops it at 128 KiB.
        assert_eq!(
            decode_stylus_code(&code, MAX_WASM_SIZE),
            Err(CodeError::TooLarge {
                limit: MAX_WASM_SIZE
            })
        );
    }

    #[test]
    fn truncated_or_corrupt_brotli_is_rejected() {
        let stored = stored_code(&sample());
        for cut in [
            STORED_PREFIX_LEN,
            STORED_PREFIX_LEN + 1,
            stored.len() / 2,
            stored.len() - 1,
        ] {
            let err = decode(&stored[..cut]).unwrap_err();
            assert!(
                matches!(err, CodeError::Corrupt(_)),
                "cut at {cut}: {err:?}"
            );
        }
        let mut garbage = stored[..STORED_PREFIX_LEN].to_vec();
        garbage.extend_from_slice(&[0xFF; 32]);
        assert!(matches!(decode(&garbage), Err(CodeError::Corrupt(_))));
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
    fn init_code_parses_back_to_the_runtime_code() {
        let stored = stored_code(&sample());
        let init = init_code(&stored);
        assert_eq!(parse_deployment_init_code(&init), Some(&stored[..]));
        assert_eq!(parse_deployment_init_code(&init_code(&[])), Some(&[][..]));
    }

    #[test]
    fn other_init_code_is_not_recognised() {
        let stored = stored_code(&sample());
        let init = init_code(&stored);
        let variant = |at: usize, byte: u8| {
            let mut v = init.clone();
            v[at] = byte;
            v
        };
        // Version byte 1, another opcode, another offset, a nonzero high length byte.
        for bad in [
            variant(42, 0x01),
            variant(0, 0x7e),
            variant(35, 0x2c),
            variant(1, 0x01),
        ] {
            assert_eq!(parse_deployment_init_code(&bad), None);
        }
        // Declared length longer or shorter than what follows.
        assert_eq!(parse_deployment_init_code(&init[..init.len() - 1]), None);
        let mut longer = init.clone();
        longer.push(0);
        assert_eq!(parse_deployment_init_code(&longer), None);
        // Too short for the prelude, and ordinary Solidity init code.
        assert_eq!(parse_deployment_init_code(&init[..42]), None);
        assert_eq!(parse_deployment_init_code(b"\x60\x80\x60\x40\x52"), None);
    }

    proptest! {
        #[test]
        fn decoding_random_bytes_never_panics(
            body in proptest::collection::vec(any::<u8>(), 0..512),
            dict in 0u8..3,
        ) {
            let mut code = STYLUS_MAGIC.to_vec();
            code.push(dict);
            code.extend_from_slice(&body);
            let _ = decode_stylus_code(&code, MAX_WASM_SIZE);
            let _ = decode_stylus_code(&body, MAX_WASM_SIZE);
            let _ = parse_deployment_init_code(&body);
        }
    }
}
