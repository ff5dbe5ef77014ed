//! Step 4: how big each contract is against Arbitrum's code limit, as a Markdown table, and the
//! files later deploy steps read (`target/rigshare/<package>.wasm` and `.code`).

use std::{fmt, fs, path::Path};

use anyhow::{Context, Result};

use super::code::{self, STORED_PREFIX_LEN};

/// Nitro's MaxCodeSize: stored code, prefix included, may not exceed it.
pub const CODE_LIMIT: usize = 24_576;
/// rigshare's own goal: half the limit, room for the contracts to grow.
pub const CODE_GOAL: usize = 12_288;
/// Nitro's MaxWasmSize: the decompressed module may not exceed it.
pub const WASM_LIMIT: usize = 128 * 1024;

/// One contract's sizes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Size {
    pub contract: String,
    pub wasm: usize,
    pub brotli: usize,
    /// 4-byte prefix + brotli: what counts against [`CODE_LIMIT`].
    pub stored: usize,
}

impl Size {
    /// Sizes of `wasm` and of its `stored` code.
    pub fn of(contract: &str, wasm: &[u8], stored: &[u8]) -> Self {
        Self {
            contract: contract.to_owned(),
            wasm: wasm.len(),
            brotli: stored.len() - STORED_PREFIX_LEN,
            stored: stored.len(),
        }
    }
}

/// A contract too big to deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SizeError {
    /// Stored code over [`CODE_LIMIT`].
    CodeTooLarge {
        contract: String,
        stored: usize,
        over: usize,
    },
    /// Decompressed module over [`WASM_LIMIT`].
    WasmTooLarge {
        contract: String,
        wasm: usize,
        over: usize,
    },
}

impl fmt::Display for SizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SizeError::CodeTooLarge { contract, stored, over } => write!(
                f,
                "{contract}: stored code is {stored} bytes, {over} bytes over the {CODE_LIMIT}-byte limit"
            ),
            SizeError::WasmTooLarge { contract, wasm, over } => write!(
                f,
                "{contract}: wasm is {wasm} bytes, {over} bytes over the {WASM_LIMIT}-byte decompressed limit"
            ),
        }
    }
}

impl std::error::Error for SizeError {}

/// Every contract over a limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeErrors(pub Vec<SizeError>);

impl fmt::Display for SizeErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        write!(f, "{}", lines.join("\n"))
    }
}

impl std::error::Error for SizeErrors {}

/// The limits every contract must be within.
pub fn check(sizes: &[Size]) -> Result<(), SizeErrors> {
    let mut errors = Vec::new();
    for s in sizes {
        if s.stored > CODE_LIMIT {
            errors.push(SizeError::CodeTooLarge {
                contract: s.contract.clone(),
                stored: s.stored,
                over: s.stored - CODE_LIMIT,
            });
        }
        if s.wasm > WASM_LIMIT {
            errors.push(SizeError::WasmTooLarge {
                contract: s.contract.clone(),
                wasm: s.wasm,
                over: s.wasm - WASM_LIMIT,
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(SizeErrors(errors))
    }
}

/// The Markdown size table.
pub fn table(sizes: &[Size]) -> String {
    let mut out = String::from(
        "| contract | wasm bytes | brotli bytes | stored bytes | % of 24,576 limit | % of 12,288 goal |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    for s in sizes {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            s.contract,
            thousands(s.wasm),
            thousands(s.brotli),
            thousands(s.stored),
            percent(s.stored, CODE_LIMIT),
            percent(s.stored, CODE_GOAL),
        ));
    }
    out
}

/// Writes `<dir>/<package>.wasm` and `<dir>/<package>.code` (the stored code).
pub fn write_artifacts(dir: &Path, package: &str, wasm: &[u8], stored: &[u8]) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (ext, bytes) in [("wasm", wasm), ("code", stored)] {
        let path = dir.join(format!("{package}.{ext}"));
        fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Sizes of one module, computing its stored code.
pub fn measure(contract: &str, wasm: &[u8]) -> (Size, Vec<u8>) {
    let stored = code::stored_code(wasm);
    (Size::of(contract, wasm, &stored), stored)
}

fn percent(part: usize, whole: usize) -> String {
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(contract: &str, stored: usize) -> Size {
        Size {
            contract: contract.into(),
            wasm: 60_000,
            brotli: stored - 4,
            stored,
        }
    }

    #[test]
    fn table_has_the_columns_and_percentages() {
        let t = table(&[size("rig-deed", 12_288), size("rig-shares", 24_576)]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "| contract | wasm bytes | brotli bytes | stored bytes | % of 24,576 limit | % of 12,288 goal |");
        assert_eq!(
            lines[2],
            "| rig-deed | 60,000 | 12,284 | 12,288 | 50.0% | 100.0% |"
        );
        assert_eq!(
            lines[3],
            "| rig-shares | 60,000 | 24,572 | 24,576 | 100.0% | 200.0% |"
        );
    }

    #[test]
    fn at_the_limit_passes_one_byte_over_fails() {
        assert!(check(&[size("rig-deed", CODE_LIMIT)]).is_ok());
        let err = check(&[
            size("rig-deed", 100),
            size("revenue-splitter", CODE_LIMIT + 1),
        ])
        .unwrap_err();
        assert_eq!(
            err.0,
            vec![SizeError::CodeTooLarge {
                contract: "revenue-splitter".into(),
                stored: 24_577,
                over: 1
            }]
        );
        assert_eq!(
            err.to_string(),
            "revenue-splitter: stored code is 24577 bytes, 1 bytes over the 24576-byte limit"
        );
    }

    #[test]
    fn decompressed_size_is_limited_too() {
        let mut s = size("rig-deed", 100);
        s.wasm = WASM_LIMIT + 5;
        assert_eq!(
            check(&[s]).unwrap_err().0,
            vec![SizeError::WasmTooLarge {
                contract: "rig-deed".into(),
                wasm: WASM_LIMIT + 5,
                over: 5
            }]
        );
    }

    #[test]
    fn measure_counts_the_prefix() {
        let (s, stored) = measure("x", b"\0asm\x01\0\0\0");
        assert_eq!(s.stored, stored.len());
        assert_eq!(s.brotli + 4, s.stored);
        assert_eq!(s.wasm, 8);
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(24_576), "24,576");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
