//! `deployments/<chain-id>.json`: what the commands did on a chain (contracts, wiring, pools,
//! transactions in flight), rewritten atomically after every step so an interrupted run resumes
//! from it. Only a hint: every entry is re-checked on chain.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
    sync::{Mutex, MutexGuard},
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

/// A transaction signed and about to be sent (see [`super::sender`]): settled by the next run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRecord {
    pub tx: String,
    /// What it is for, in words ("depositing 0.5 ETH into pool 0").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub purpose: String,
    /// The signing account.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub from: String,
    /// The signed transaction, so the next run can send exactly it again (same hash, same
    /// nonce) if the chain never saw it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub raw: String,
    /// For a deployment: the code and arguments it deploys, so a resumed run adopts its
    /// contract only if they are still what it would deploy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codehash: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constructor_args: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_fee_wei: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployments {
    pub chain_id: u64,
    pub deployer: String,
    pub contracts: BTreeMap<String, ContractRecord>,
    pub wiring: BTreeMap<String, WiringRecord>,
    /// Transactions sent by a run that has not seen their receipts yet, by step.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pending: BTreeMap<String, PendingRecord>,
    /// Pools by index; empty until `rigshare pool create` records one, and pool 0 is always
    /// the one `up` deployed (see [`Deployments::pool_list`]). Older files have no such key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pools: Vec<PoolRecord>,
    /// Share sales (capital raises) by index, as `rigshare sale create` deployed them; their
    /// terms and state are read from the chain. Older files have no such key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sales: Vec<SaleRecord>,
}

/// One share sale.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleRecord {
    /// The pool whose shares it sells.
    pub pool: usize,
    /// The ShareSale contract.
    pub address: String,
    pub tx: String,
    pub block: u64,
    /// Its constructor arguments as sent (a re-run with the same terms resumes this sale).
    pub constructor_args: Vec<String>,
}

/// One pool: a share token and the revenue splitters it reports balance changes to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolRecord {
    pub name: String,
    pub symbol: String,
    /// The RigShares contract.
    pub shares: String,
    pub splitters: Vec<SplitterRecord>,
    /// The transaction that deployed the share token.
    pub created_tx: String,
    /// Its block, where reading the share token's logs starts.
    #[serde(default)]
    pub created_block: u64,
    /// Names given to payees (`rigshare payees set hosting=0x…:1000`), by address. Only for
    /// people: the splitter stores addresses and basis points.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub payee_labels: BTreeMap<String, String>,
    /// Every account seen in the share token's `Transfer` logs up to `holders_scanned_to`, in
    /// first-seen order: `status` resumes its log scan from there instead of from creation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holders: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holders_scanned_to: Option<u64>,
}

/// One revenue splitter of a pool.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitterRecord {
    /// "eth", or the payout token's address.
    pub asset: String,
    pub address: String,
    /// The transaction that deployed it (none when it came from `up`'s contracts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx: Option<String>,
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

/// A deployments file and its contents, shared by the commands and the sender: every change
/// goes through [`Ledger::update`], which writes the file before it returns.
#[derive(Debug)]
pub struct Ledger {
    path: PathBuf,
    state: Mutex<Deployments>,
}

impl Ledger {
    /// The file at `path`, loaded (empty when it does not exist) and checked to be `chain_id`'s.
    pub fn open(path: PathBuf, chain_id: u64) -> Result<Self> {
        let state = Deployments::load(&path, chain_id)?;
        Ok(Self { path, state: Mutex::new(state) })
    }

    /// A ledger for `state`, written to `path` on the first update (a fresh chain's record).
    pub fn fresh(path: PathBuf, state: Deployments) -> Self {
        Self { path, state: Mutex::new(state) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A copy of what is recorded now.
    pub fn get(&self) -> Deployments {
        self.lock().clone()
    }

    /// Changes the record and writes it (atomically) before returning.
    pub fn update<T>(&self, change: impl FnOnce(&mut Deployments) -> T) -> Result<T> {
        let mut state = self.lock();
        let out = change(&mut state);
        state.save(&self.path)?;
        Ok(out)
    }

    fn lock(&self) -> MutexGuard<'_, Deployments> {
        // A panic while holding the lock leaves a whole value (updates assign, then save).
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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
