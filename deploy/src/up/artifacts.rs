//! `deployments/<chain-id>.json`: what `up` did on a chain, rewritten after every step so an
//! interrupted run resumes from it. Only a hint: every entry is re-checked on chain.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// One deployed contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractRecord {
    pub address: String,
    /// keccak256 of the stored code, as `eth_getCode` returns it.
    pub codehash: String,
    pub tx: String,
    pub block: u64,
    pub gas_used: u64,
    pub stored_size: usize,
    /// Wei paid to ArbWasm for activation (0 when the code was already active).
    pub data_fee_wei: String,
    /// In constructor order: strings as strings, addresses and numbers as text.
    pub constructor_args: Vec<String>,
    /// Relative to the workspace root.
    pub abi: String,
    pub activation_version: u16,
}

/// One wiring step; `tx` is `None` when it was found already in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WiringRecord {
    pub tx: Option<String>,
    pub block: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployments {
    pub chain_id: u64,
    pub deployer: String,
    pub contracts: BTreeMap<String, ContractRecord>,
    pub wiring: BTreeMap<String, WiringRecord>,
}

impl Deployments {
    /// The file for `chain_id` in `dir`.
    pub fn path(dir: &Path, chain_id: u64) -> PathBuf {
        dir.join(format!("{chain_id}.json"))
    }

    /// The saved state, or an empty one when there is no file.
    pub fn load(path: &Path, chain_id: u64) -> Result<Self> {
        match fs::read(path) {
            Ok(bytes) => {
                let saved: Self = serde_json::from_slice(&bytes)
                    .with_context(|| format!("{} is not a deployments file; move it away and re-run", path.display()))?;
                anyhow::ensure!(
                    saved.chain_id == chain_id,
                    "{} is for chain {}, not {chain_id}; move it away and re-run",
                    path.display(),
                    saved.chain_id
                );
                Ok(saved)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self { chain_id, ..Self::default() }),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// Writes a temp file next to `path` and renames it over, so a reader (or a crash) never
    /// sees half a file.
    pub fn save(&self, path: &Path) -> Result<()> {
        let dir = path.parent().context("deployments path has no directory")?;
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let tmp = dir.join(format!(
            ".{}.tmp-{}",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("deployments"),
            std::process::id()
        ));
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
        fs::rename(&tmp, path).with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_atomically_and_loads_back() {
        let dir = std::env::temp_dir().join(format!("rigshare-artifacts-{}", std::process::id()));
        let path = Deployments::path(&dir, 7);
        let empty = Deployments::load(&path, 7).unwrap();
        assert!(empty.contracts.is_empty());
        let mut d = Deployments { chain_id: 7, deployer: "0x01".into(), ..Default::default() };
        d.wiring.insert("x".into(), WiringRecord { tx: None, block: None });
        d.save(&path).unwrap();
        assert_eq!(Deployments::load(&path, 7).unwrap(), d);
        assert!(Deployments::load(&path, 8).unwrap_err().to_string().contains("chain 7"));
        let leftovers = fs::read_dir(&dir).unwrap().count();
        assert_eq!(leftovers, 1, "no temp file left behind");
        fs::remove_dir_all(dir).unwrap();
    }
}
