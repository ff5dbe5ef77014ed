//! Where things are: the workspace root, its target dir, and a contract crate's names.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// One deployable module: a contract crate's main module, or a second module the same crate
/// builds with a Cargo feature (an extension its main module delegates to, see
/// contracts/rig-shares).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contract {
    /// The Cargo package (`cargo -p`).
    pub package: &'static str,
    /// The `#[entrypoint]` struct, also the file stem under `abi/`; an extension's name is its
    /// catalogue entry's.
    pub name: &'static str,
    /// The package's Cargo feature that builds this module instead of the main one, `None` for
    /// the main module. An extension has no ABI of its own: its functions are in its main
    /// module's ABI, whose fallback hands them over.
    pub feature: Option<&'static str>,
}

impl Contract {
    /// The file stem under `target/rigshare/` and the row of the size table: the package, or
    /// `<package>-<feature>` for an extension (`rig-shares-extension`).
    pub fn stem(&self) -> String {
        match self.feature {
            None => self.package.to_owned(),
            Some(feature) => format!("{}-{feature}", self.package),
        }
    }

    /// Whether this is a second module of its package (see [`Contract::feature`]).
    pub fn is_extension(&self) -> bool {
        self.feature.is_some()
    }

    /// The crate name in Rust (and the stem of the built `.wasm`).
    pub fn lib_name(&self) -> String {
        self.package.replace('-', "_")
    }

    /// The crate's directory, relative to the workspace root.
    pub fn dir(&self) -> PathBuf {
        Path::new("contracts").join(self.package)
    }
}

/// The workspace as Cargo sees it.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Absolute path of the workspace root.
    pub root: PathBuf,
    /// Cargo's target dir (honours `CARGO_TARGET_DIR`).
    pub target_dir: PathBuf,
    /// The Cargo home (`CARGO_HOME`, else `~/.cargo`), remapped out of the wasm.
    pub cargo_home: PathBuf,
}

#[derive(Deserialize)]
struct Metadata {
    workspace_root: PathBuf,
    target_directory: PathBuf,
}

impl Workspace {
    /// Asks Cargo (`cargo metadata`) about the workspace around the current directory.
    pub fn locate() -> Result<Self> {
        Self::locate_from(Path::new("."))
    }

    /// Asks Cargo about the workspace around `dir`.
    pub fn locate_from(dir: &Path) -> Result<Self> {
        let out = cargo()
            .current_dir(dir)
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ])
            .output()
            .context("running cargo metadata")?;
        if !out.status.success() {
            bail!(
                "cargo metadata failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let meta: Metadata =
            serde_json::from_slice(&out.stdout).context("reading cargo metadata")?;
        Ok(Self {
            root: meta.workspace_root,
            target_dir: meta.target_directory,
            cargo_home: cargo_home()?,
        })
    }

    /// The workspace this crate belongs to (for tests).
    pub fn of_this_crate() -> Result<Self> {
        Self::locate_from(Path::new(env!("CARGO_MANIFEST_DIR")))
    }

    /// Where `rigshare build` leaves `<package>.wasm` and `<package>.code`.
    pub fn out_dir(&self) -> PathBuf {
        self.target_dir.join("rigshare")
    }

    /// `<out dir>/<stem>.code`: the stored code `rigshare build` made of `contract`, what is
    /// deployed.
    pub fn code_path(&self, contract: &Contract) -> PathBuf {
        self.out_dir().join(format!("{}.code", contract.stem()))
    }

    /// The generated ABI directory.
    pub fn abi_dir(&self) -> PathBuf {
        self.root.join("abi")
    }
}

/// The `cargo` that runs us (Cargo sets `CARGO`), else the one on the PATH.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn cargo_home() -> Result<PathBuf> {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return Ok(PathBuf::from(home));
    }
    let home = std::env::var_os("HOME").context("neither CARGO_HOME nor HOME is set")?;
    Ok(PathBuf::from(home).join(".cargo"))
}
