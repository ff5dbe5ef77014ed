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

/// A transaction signed and about to be sent (see `pending.rs`): settled by the next run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRecord {
    pub tx: String,
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

    /// Every pool, pool 0 first. Pool 0 always comes from `up`'s RigShares and RevenueSplitter
    /// records (a re-run of `up` that redeployed them replaces it); later ones from `pools`.
    pub fn pool_list(&self) -> Vec<PoolRecord> {
        let mut pools = self.pools.clone();
        let Some(shares) = self.contracts.get("RigShares") else { return pools };
        let recorded = pools.first().filter(|p| p.shares.eq_ignore_ascii_case(&shares.address)).cloned();
        let first = recorded.unwrap_or_else(|| {
            let arg = |i: usize| shares.constructor_args.get(i).cloned().unwrap_or_default();
            let splitters = self
                .contracts
                .get("RevenueSplitter")
                .map(|s| {
                    let asset = s.constructor_args.get(1).map_or("eth", String::as_str);
                    let zero = asset.trim_start_matches("0x").chars().all(|c| c == '0');
                    SplitterRecord { asset: if zero { "eth".into() } else { asset.to_owned() }, address: s.address.clone(), tx: None }
                })
                .into_iter()
                .collect();
            PoolRecord {
                name: arg(0),
                symbol: arg(1),
                shares: shares.address.clone(),
                splitters,
                created_tx: shares.tx.clone(),
                created_block: shares.block,
                payee_labels: BTreeMap::new(),
            }
        });
        match pools.first_mut() {
            Some(p) => *p = first,
            None => pools.push(first),
        }
        pools
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

    fn record(address: &str, args: &[&str]) -> ContractRecord {
        ContractRecord {
            address: address.into(),
            codehash: String::new(),
            tx: format!("tx-{address}"),
            block: 3,
            gas_used: 0,
            stored_size: 0,
            data_fee_wei: "0".into(),
            constructor_args: args.iter().map(|a| (*a).to_owned()).collect(),
            abi: String::new(),
            activation_version: 1,
        }
    }

    #[test]
    fn a_file_without_pools_loads_and_pool_0_comes_from_the_contracts() {
        let old = r#"{"chain_id": 7, "deployer": "0x01", "contracts": {}, "wiring": {}}"#;
        let mut d: Deployments = serde_json::from_str(old).unwrap();
        assert!(d.pools.is_empty() && d.pool_list().is_empty());
        assert!(!serde_json::to_string(&d).unwrap().contains("pools"), "no pools key until there are pools");

        let zero = "0x0000000000000000000000000000000000000000";
        d.contracts.insert("RigShares".into(), record("0xaa", &["rigshare Pool 1", "RSP1", "1", "0x01", "0x02", "0x01"]));
        d.contracts.insert("RevenueSplitter".into(), record("0xbb", &["0xaa", zero, "0", "0x01"]));
        let pools = d.pool_list();
        assert_eq!((pools[0].name.as_str(), pools[0].symbol.as_str(), pools[0].shares.as_str()), ("rigshare Pool 1", "RSP1", "0xaa"));
        assert_eq!((pools[0].splitters[0].asset.as_str(), pools[0].splitters[0].address.as_str()), ("eth", "0xbb"));
        assert_eq!((pools[0].created_tx.as_str(), pools[0].created_block), ("tx-0xaa", 3));

        // Recorded pools are kept; pool 0 follows a redeployed RigShares.
        d.pools = vec![pools[0].clone(), PoolRecord { name: "two".into(), shares: "0xcc".into(), ..Default::default() }];
        d.pools[0].payee_labels.insert("0x04".into(), "hosting".into());
        assert_eq!(d.pool_list(), d.pools);
        d.contracts.insert("RigShares".into(), record("0xdd", &["rigshare Pool 1", "RSP1"]));
        let pools = d.pool_list();
        assert_eq!((pools[0].shares.as_str(), pools[1].shares.as_str()), ("0xdd", "0xcc"));
    }
}
