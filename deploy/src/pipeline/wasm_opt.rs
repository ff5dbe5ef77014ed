//! Step 1b: binaryen's `wasm-opt` over each module Cargo built. rustc's `opt-level = "z"`
//! works function by function; binaryen's whole-module passes (duplicate function
//! elimination, inlining and outlining for size, local coalescing) take what it leaves, and
//! RigShares needs that room under the 24 KiB limit.
//!
//! The bytes depend on binaryen's version, so the build uses exactly [`WASM_OPT_VERSION`] and
//! refuses any other: a fresh machine gets it from `scripts/toolchain.sh` (Debian's
//! `binaryen` package), and the same sources give the same modules everywhere. The output is
//! then re-encoded and validated against Nitro's rules like any module (step 2).

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{bail, Context, Result};

/// The binaryen release the build is pinned to (`wasm-opt --version` prints
/// `wasm-opt version 108`; Debian bookworm's package `binaryen 108-1`).
pub const WASM_OPT_VERSION: &str = "108";

/// The optimisation: for size (`-Oz`), with the features the modules use (rustc emits
/// bulk-memory by our flag, sign-ext and mutable-globals by default) and nothing else, so
/// binaryen introduces no instruction Nitro would refuse at activation. After the first
/// `-Oz`, the code is flattened and its control flow rebuilt (`--flatten --rereloop`), then
/// optimised for size twice more: 85-250 fewer stored bytes per contract than `-Oz` alone
/// (issue 11; measured on binaryen 108, where a second round of `--flatten --rereloop` or
/// `--converge` gained nothing more).
pub const WASM_OPT_ARGS: &[&str] = &[
    "-Oz",
    "--flatten",
    "--rereloop",
    "-Oz",
    "-Oz",
    "--mvp-features",
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--strip-debug",
    "--strip-producers",
];

/// The version `wasm-opt --version` printed, if it is a binaryen `wasm-opt`.
pub fn parse_version(output: &str) -> Option<&str> {
    let rest = output.trim().strip_prefix("wasm-opt version ")?;
    rest.split_whitespace().next()
}

/// Checks that `wasm-opt` is installed and is [`WASM_OPT_VERSION`].
pub fn check_version() -> Result<()> {
    let out = Command::new("wasm-opt").arg("--version").output().context(
        "running wasm-opt (binaryen): not installed? scripts/toolchain.sh installs it",
    )?;
    let text = String::from_utf8_lossy(&out.stdout);
    match parse_version(&text) {
        Some(v) if v == WASM_OPT_VERSION => Ok(()),
        other => bail!(
            "wasm-opt is {}, the build is pinned to binaryen {WASM_OPT_VERSION} (reproducible bytes); scripts/toolchain.sh installs it",
            other.unwrap_or("of an unknown version")
        ),
    }
}

/// `<stem>.wasm` -> `<stem>.opt.wasm` beside it, optimised; returns the new path.
///
/// `wasm-opt` is a pure function of its input, [`WASM_OPT_ARGS`] and its version (checked by
/// [`check_version`]), and takes about a second a module: every test process builds the
/// contracts, so an output whose stamp (`<stem>.opt.wasm.stamp`, [`stamp`] of those three)
/// matches is kept instead of being made again.
pub fn optimize(wasm: &Path) -> Result<PathBuf> {
    let out = wasm.with_extension("opt.wasm");
    let stamp_path = out.with_extension("wasm.stamp");
    let input = std::fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let want = stamp(&input);
    if out.is_file() && std::fs::read_to_string(&stamp_path).is_ok_and(|s| s == want) {
        return Ok(out);
    }
    let _ = std::fs::remove_file(&stamp_path);
    let status = Command::new("wasm-opt")
        .args(WASM_OPT_ARGS)
        .arg(wasm)
        .arg("-o")
        .arg(&out)
        .status()
        .context("running wasm-opt")?;
    if !status.success() {
        bail!("wasm-opt failed on {} ({status})", wasm.display());
    }
    std::fs::write(&stamp_path, want).with_context(|| format!("writing {}", stamp_path.display()))?;
    Ok(out)
}

/// What an optimised module was made from: keccak256 of the binaryen version, the arguments
/// and the input module, as hex.
pub fn stamp(input: &[u8]) -> String {
    let mut preimage = Vec::with_capacity(input.len() + 256);
    preimage.extend_from_slice(WASM_OPT_VERSION.as_bytes());
    for arg in WASM_OPT_ARGS {
        preimage.push(0);
        preimage.extend_from_slice(arg.as_bytes());
    }
    preimage.push(0);
    preimage.extend_from_slice(input);
    alloy_primitives::hex::encode(alloy_primitives::keccak256(&preimage))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_binaryens_version_line() {
        assert_eq!(parse_version("wasm-opt version 108\n"), Some("108"));
        assert_eq!(parse_version("wasm-opt version 116 (version_116)\n"), Some("116"));
        assert_eq!(parse_version("something else"), None);
    }

    #[test]
    fn the_stamp_follows_the_input_module() {
        let a = stamp(b"\0asm\x01\0\0\0");
        assert_eq!(a, stamp(b"\0asm\x01\0\0\0"));
        assert_ne!(a, stamp(b"\0asm\x01\0\0\0\0"));
        assert_eq!(a.len(), 64);
    }
}
