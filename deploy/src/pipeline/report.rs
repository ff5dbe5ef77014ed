//! Step 4: how big each contract is against Arbitrum's code limit and what entering it costs on
//! every call, as a Markdown table, and the files later deploy steps read
//! (`target/rigshare/<package>.wasm` and `.code`).

use std::{fmt, fs, path::Path};

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use anyhow::{bail, Context, Result};
use devnode::engine::{
    precompiles::{ArbWasm, ARB_WASM},
    testing::{revert_reason, Bench, CALLER},
};

use super::code::{self, STORED_PREFIX_LEN};

/// Nitro's MaxCodeSize: stored code, prefix included, may not exceed it.
pub const CODE_LIMIT: usize = 24_576;
/// rigshare's target: every contract at most 80% of the limit, room to grow and to fix.
pub const CODE_TARGET: usize = CODE_LIMIT * 8 / 10;
/// The margin line: 90% of the limit. A build with a contract over it fails (see [`check`]), so
/// that the margin is noticed while a fix still fits.
pub const CODE_MARGIN: usize = CODE_LIMIT * 9 / 10;
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
    /// What every call pays to enter the program.
    pub entry: Entry,
}

impl Size {
    /// Sizes of `wasm` and of its `stored` code, with its entry cost.
    pub fn of(contract: &str, wasm: &[u8], stored: &[u8], entry: Entry) -> Self {
        Self {
            contract: contract.to_owned(),
            wasm: wasm.len(),
            brotli: stored.len() - STORED_PREFIX_LEN,
            stored: stored.len(),
            entry,
        }
    }
}

/// What a call pays to enter a program before its first instruction, as the dev node's ArbWasm
/// reports it once the module is activated: the memory it opens (`programMemoryFootprint`, in
/// 64 KiB pages: the module's initial memory, priced by Nitro's memory model on every entry)
/// and its init gas (`programInitGas`: uncached, and cached when the program is in ArbOS's
/// init cache).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Entry {
    pub pages: u16,
    pub init_gas: u64,
    pub cached_init_gas: u64,
}

/// Activates `wasm` on an in-process dev chain and asks ArbWasm what entering it costs.
pub fn entry_cost(contract: &str, wasm: &[u8]) -> Result<Entry> {
    let program = Address::with_last_byte(0x42);
    let mut bench = Bench::new();
    bench.install(program, wasm);
    let activation = bench.activate(program);
    if !activation.is_success() {
        bail!("{contract}: the dev node refused to activate it: {:?} {:?}", activation.outcome, revert_reason(&activation.output));
    }
    bench.commit();
    let mut ask = |input: Vec<u8>| -> Result<Vec<u8>> {
        let result = bench.call_with(CALLER, ARB_WASM, U256::ZERO, input.into(), 1_000_000);
        if !result.is_success() {
            bail!("{contract}: ArbWasm refused the query: {:?}", result.outcome);
        }
        Ok(result.output.to_vec())
    };
    let init = ArbWasm::programInitGasCall::abi_decode_returns(&ask(ArbWasm::programInitGasCall { program }.abi_encode())?, true)?;
    let footprint =
        ArbWasm::programMemoryFootprintCall::abi_decode_returns(&ask(ArbWasm::programMemoryFootprintCall { program }.abi_encode())?, true)?;
    Ok(Entry { pages: footprint.footprint, init_gas: init.gas, cached_init_gas: init.gasWhenCached })
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
    /// Stored code within the limit but over [`CODE_MARGIN`]: its next fix may not fit.
    OverMargin {
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
            SizeError::OverMargin { contract, stored, over } => write!(
                f,
                "{contract}: stored code is {stored} bytes, {over} over 90% of the {CODE_LIMIT}-byte limit ({CODE_MARGIN}): make room while a fix still fits (move rarely used functions to its extension module, see README \"WASM build and size\")"
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

/// The limits every contract must be within: Nitro's, and rigshare's 90% margin.
pub fn check(sizes: &[Size]) -> Result<(), SizeErrors> {
    let mut errors = Vec::new();
    for s in sizes {
        if s.stored > CODE_LIMIT {
            errors.push(SizeError::CodeTooLarge {
                contract: s.contract.clone(),
                stored: s.stored,
                over: s.stored - CODE_LIMIT,
            });
        } else if s.stored > CODE_MARGIN {
            errors.push(SizeError::OverMargin { contract: s.contract.clone(), stored: s.stored, over: s.stored - CODE_MARGIN });
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
        "| contract | wasm bytes | brotli bytes | stored bytes | % of 24,576 limit | % of 19,660 target (80%) | memory pages | entry gas | entry gas, cached |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for s in sizes {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            s.contract,
            thousands(s.wasm),
            thousands(s.brotli),
            thousands(s.stored),
            percent(s.stored, CODE_LIMIT),
            percent(s.stored, CODE_TARGET),
            s.entry.pages,
            thousands(s.entry.init_gas as usize),
            thousands(s.entry.cached_init_gas as usize),
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

/// Sizes and entry cost of one module, computing its stored code.
pub fn measure(contract: &str, wasm: &[u8]) -> Result<(Size, Vec<u8>)> {
    let stored = code::stored_code(wasm);
    let entry = entry_cost(contract, wasm)?;
    Ok((Size::of(contract, wasm, &stored, entry), stored))
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
            entry: Entry { pages: 1, init_gas: 12_345, cached_init_gas: 678 },
        }
    }

    #[test]
    fn table_has_the_columns_and_percentages() {
        let t = table(&[size("rig-deed", 12_288), size("rig-shares", 19_660)]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "| contract | wasm bytes | brotli bytes | stored bytes | % of 24,576 limit | % of 19,660 target (80%) | memory pages | entry gas | entry gas, cached |");
        assert_eq!(
            lines[2],
            "| rig-deed | 60,000 | 12,284 | 12,288 | 50.0% | 62.5% | 1 | 12,345 | 678 |"
        );
        assert_eq!(
            lines[3],
            "| rig-shares | 60,000 | 19,656 | 19,660 | 80.0% | 100.0% | 1 | 12,345 | 678 |"
        );
    }

    #[test]
    fn a_contract_over_90_percent_fails_the_build_with_its_excess() {
        assert_eq!((CODE_TARGET, CODE_MARGIN), (19_660, 22_118));
        assert!(check(&[size("rig-deed", CODE_MARGIN)]).is_ok());
        let err = check(&[size("rig-deed", CODE_MARGIN), size("rig-shares", CODE_MARGIN + 7)]).unwrap_err();
        assert_eq!(err.0, vec![SizeError::OverMargin { contract: "rig-shares".into(), stored: 22_125, over: 7 }]);
        assert!(err.to_string().starts_with("rig-shares: stored code is 22125 bytes, 7 over 90%"), "{err}");
    }

    #[test]
    fn one_byte_over_the_limit_is_too_large() {
        assert!(matches!(check(&[size("rig-deed", CODE_LIMIT)]).unwrap_err().0[..], [SizeError::OverMargin { .. }]));
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

    /// The smallest module Nitro activates, with `pages` of initial memory.
    fn module(pages: u32) -> Vec<u8> {
        wat::parse_str(format!(
            r#"(module
                 (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
                 (memory (export "memory") {pages})
                 (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#
        ))
        .unwrap()
    }

    #[test]
    fn measure_counts_the_prefix_and_asks_the_dev_node_for_the_entry_cost() {
        let wasm = module(3);
        let (s, stored) = measure("x", &wasm).unwrap();
        assert_eq!(s.stored, stored.len());
        assert_eq!(s.brotli + 4, s.stored);
        assert_eq!(s.wasm, wasm.len());
        assert_eq!(s.entry.pages, 3);
        assert!(s.entry.init_gas > s.entry.cached_init_gas && s.entry.cached_init_gas > 0, "{:?}", s.entry);
        assert_eq!(entry_cost("x", &module(17)).unwrap().pages, 17);
        let refused = entry_cost("x", b"\0asm\x01\0\0\0").unwrap_err().to_string();
        assert!(refused.contains("x: the dev node refused to activate it"), "{refused}");
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
