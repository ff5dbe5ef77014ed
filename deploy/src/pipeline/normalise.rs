//! Step 1b: the module as it will be stored, re-encoded canonically.
//!
//! rust-lld leaves relocatable, 5-byte padded LEB128 indices in the code; in particular
//! `call_indirect`'s table index `80 80 80 80 00`, which a validator without reference-types
//! (Nitro's) rejects ("zero byte expected"). Like cargo-stylus, we print the module as text and
//! assemble it again, which writes every index in its shortest form, and then drop the custom
//! sections (producers, target_features, names): Nitro needs none of them and they would only
//! add bytes and build metadata to the stored code.

use anyhow::{Context, Result};
use wasmparser::{Parser, Payload};

/// `wasm` re-encoded through the text format, without custom sections.
pub fn normalise(wasm: &[u8]) -> Result<Vec<u8>> {
    let text = wasmprinter::print_bytes(wasm).context("printing the module as text")?;
    let wasm = wat::parse_str(&text).context("assembling the module from its text")?;
    strip_custom_sections(&wasm)
}

/// `wasm` without its custom sections (every other section byte for byte).
pub fn strip_custom_sections(wasm: &[u8]) -> Result<Vec<u8>> {
    let mut out = wasm[..8].to_vec(); // magic + version
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.context("reading the module")?;
        if let Payload::CustomSection(_) = payload {
            continue;
        }
        if let Some((id, range)) = payload.as_section() {
            out.push(id);
            let mut len = range.len() as u64;
            loop {
                let byte = (len & 0x7f) as u8;
                len >>= 7;
                out.push(if len == 0 { byte } else { byte | 0x80 });
                if len == 0 {
                    break;
                }
            }
            out.extend_from_slice(&wasm[range]);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `call_indirect` with a padded table index, as rust-lld writes it.
    fn padded_call_indirect() -> Vec<u8> {
        let mut wasm = wat::parse_str(
            r#"(module
                 (type $t (func))
                 (table 1 funcref)
                 (memory (export "memory") 1 1) ;; fixed size: no pay_for_memory_grow needed
                 (func (export "user_entrypoint") (param i32) (result i32)
                   (call_indirect (type $t) (i32.const 0))
                   (i32.const 0))
                 (@custom "producers" "rustc"))"#,
        )
        .unwrap();
        // 11 00 00 (call_indirect type 0 table 0) -> 11 80 80 80 80 00 80 80 80 80 00.
        let at = wasm
            .windows(3)
            .position(|w| w == [0x11, 0x00, 0x00])
            .unwrap();
        let padded = [
            0x11, 0x80, 0x80, 0x80, 0x80, 0x00, 0x80, 0x80, 0x80, 0x80, 0x00,
        ];
        wasm.splice(at..at + 3, padded);
        // Fix the function body size, the code section size (both single-byte here).
        let code_at = wasm.iter().rposition(|b| *b == 0x0a).unwrap();
        wasm[code_at + 1] += 8; // section size
        wasm[code_at + 3] += 8; // body size (after the function count)
        wasm
    }

    #[test]
    fn padded_indices_are_rewritten_and_then_valid_for_nitro() {
        let raw = padded_call_indirect();
        assert!(
            crate::pipeline::validate::check(&raw)
                .iter()
                .any(|r| r.to_string().contains("zero byte expected")),
            "{:?}",
            crate::pipeline::validate::check(&raw)
        );
        let normal = normalise(&raw).unwrap();
        assert_eq!(crate::pipeline::validate::check(&normal), vec![]);
        assert!(normal.len() < raw.len());
    }

    #[test]
    fn custom_sections_are_dropped() {
        let wasm = wat::parse_str(
            r#"(module (@custom "producers" "x") (memory 1) (@custom "target_features" "y"))"#,
        )
        .unwrap();
        let stripped = strip_custom_sections(&wasm).unwrap();
        assert!(!stripped.windows(9).any(|w| w == b"producers"));
        assert_eq!(stripped, wat::parse_str("(module (memory 1))").unwrap());
    }

    #[test]
    fn normalising_twice_changes_nothing() {
        let once = normalise(&padded_call_indirect()).unwrap();
        assert_eq!(normalise(&once).unwrap(), once);
    }
}
