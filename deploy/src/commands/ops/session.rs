//! What every operating command starts from: the endpoint (checked against `--network`), the
//! signing account, the deployment recorded for that chain (checked against the chain), and the
//! crash-safe sender that records every transaction in that deployment's file.

use std::{collections::BTreeMap, path::PathBuf, sync::Arc};

use anyhow::{bail, Context, Result};
use ethers::{abi::Detokenize, prelude::*};

use crate::{
    catalogue::{self, revenue_splitter, rig_deed, rig_shares},
    chain::{
        deployments::{Deployments, Ledger, PoolRecord, SplitterRecord},
        network::{self, DEFAULT_RPC_URL, DEVNODE_CHAIN_ID},
        sender::Sender,
        Client,
    },
    pipeline::workspace::Workspace,
};

/// The connection options every operating command takes.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Connect {
    /// devnode or arbitrum-sepolia [default: the node `rigshare up` serves at http://127.0.0.1:8547]
    #[arg(long, global = true)]
    pub network: Option<String>,
    /// Any JSON-RPC endpoint (checked against --network's chain id when both are given).
    #[arg(long, global = true)]
    pub rpc_url: Option<String>,
    /// Signing key as hex (else --keystore, else PRIVATE_KEY; on a dev node, its prefunded
    /// account). Never printed.
    #[arg(long, global = true)]
    pub private_key: Option<String>,
    /// An encrypted JSON keystore (geth / `cast wallet` format) holding the signing key.
    #[arg(long, global = true, value_name = "FILE")]
    pub keystore: Option<PathBuf>,
    /// File whose first line is the keystore's password (else RIGSHARE_KEYSTORE_PASSWORD).
    #[arg(long, global = true, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Directory of <chain-id>.json [default: deployments/ in the workspace, then for the dev
    /// node target/rigshare/deployments-devnode.json]
    #[arg(long, global = true)]
    pub deployments_dir: Option<PathBuf>,
    /// Print the result as JSON on stdout (progress stays on stderr).
    #[arg(long, global = true)]
    pub json: bool,
}

/// A connected, checked command context.
pub struct Session {
    pub client: Arc<Client>,
    /// Every transaction goes through it (and into the deployments file first).
    pub sender: Sender,
    pub chain_id: u64,
    pub url: String,
    /// The signing account; a throwaway key when none was given (read-only commands work).
    pub me: Address,
    signs: bool,
    pub ledger: Arc<Ledger>,
    pub json: bool,
    /// The command, for progress lines: `rigshare: [rig mint] ...`.
    pub label: String,
}

impl Session {
    /// Connects as `opts` says and loads and checks the deployment on that chain.
    pub async fn open(ws: &Workspace, opts: &Connect, label: &str) -> Result<Self> {
        let named = opts.network.as_deref().map(network::lookup).transpose()?;
        let (url, unreachable) = match (&opts.rpc_url, named) {
            (Some(url), _) => (url.clone(), "check the URL and that the node is up"),
            (None, Some(n)) => (n.rpc_url.to_owned(), "check your connection, or pass --rpc-url URL"),
            (None, None) => (
                DEFAULT_RPC_URL.to_owned(),
                "no dev node answers there: start one with `rigshare up` (or scripts/devnode), or pass --rpc-url URL / --network NAME",
            ),
        };
        let (provider, chain_id) = network::provider(&url, named, unreachable).await?;
        let given = network::signing_key(opts.private_key.as_deref(), opts.keystore.as_deref(), opts.password_file.as_deref())?;
        let (key, signs) = match given.clone() {
            Some(key) => (key, true),
            // The dev node's prefunded account is the one `rigshare up` deploys with.
            None if chain_id == DEVNODE_CHAIN_ID => (ethers::utils::hex::encode(devnode::dev::DEV_KEY), true),
            None => (ethers::utils::hex::encode(LocalWallet::new(&mut ethers::core::rand::thread_rng()).signer().to_bytes()), false),
        };
        let client = network::client(provider, &key, chain_id)?;
        let me = client.address();

        let ledger = Arc::new(Ledger::open(deployments_path(ws, opts, chain_id), chain_id)?);
        let session = Self {
            sender: Sender::new(client.clone(), ledger.clone(), catalogue::decoder(), label),
            client,
            chain_id,
            url,
            me,
            signs,
            ledger,
            json: opts.json,
            label: label.to_owned(),
        };
        if given.is_none() && signs {
            session.progress(format!("no key given: signing as the dev node's prefunded account {me:?}"));
        }
        session.check_deployment().await?;
        Ok(session)
    }

    /// The same connection and deployment, signing with `key` (hex): another party.
    pub fn with_key(&self, key: &str) -> Result<Self> {
        let client = network::client(self.client.provider().clone(), key, self.chain_id)?;
        Ok(Self {
            me: client.address(),
            sender: self.sender.with_client(client.clone()),
            client,
            chain_id: self.chain_id,
            url: self.url.clone(),
            signs: true,
            ledger: self.ledger.clone(),
            json: self.json,
            label: self.label.clone(),
        })
    }

    /// A progress line on stderr.
    pub fn progress(&self, what: impl std::fmt::Display) {
        crate::chain::progress(&self.label, what);
    }

    /// The signing account, or the one-line refusal when no key was given.
    pub fn signer(&self) -> Result<Address> {
        if !self.signs {
            bail!("sending on chain {} needs a private key: pass --private-key HEX or set PRIVATE_KEY", self.chain_id);
        }
        Ok(self.me)
    }

    /// Whether a key was given (or the dev node's is used).
    pub fn signs(&self) -> bool {
        self.signs
    }

    /// Sends `call` through the crash-safe sender (see [`Sender::send`]).
    pub async fn send<D: Detokenize>(&self, what: &str, call: ContractCall<Client, D>) -> Result<TransactionReceipt> {
        self.signer()?;
        self.sender.send(what, call).await
    }

    /// The receipt of an earlier run's identical transaction that succeeded, if one was left
    /// pending by a crash (see [`Sender::earlier`]).
    pub async fn earlier<D>(&self, what: &str, call: &ContractCall<Client, D>) -> Result<Option<TransactionReceipt>> {
        self.sender.earlier(what, call).await
    }

    /// What is recorded now.
    pub fn deployments(&self) -> Deployments {
        self.ledger.get()
    }

    /// The deployments file.
    pub fn file(&self) -> String {
        self.ledger.path().display().to_string()
    }

    /// An address the deployment recorded.
    pub fn contract(&self, name: &str) -> Result<Address> {
        let deployments = self.deployments();
        let record = deployments.contracts.get(name).with_context(|| self.missing())?;
        record.address.parse().with_context(|| format!("the address of {name} in {}", self.file()))
    }

    /// Every pool, pool 0 first (see [`pool_list`]).
    pub fn pools(&self) -> Vec<PoolRecord> {
        pool_list(&self.deployments())
    }

    /// Pool `index` (0 is `up`'s), or the refusal naming the pools there are.
    pub fn pool(&self, index: usize) -> Result<(PoolRecord, Address)> {
        let pools = self.pools();
        let Some(pool) = pools.get(index) else {
            bail!(
                "no pool {index} on chain {}: pools are 0 to {} (see `rigshare status`; `rigshare pool create` adds one)",
                self.chain_id,
                pools.len().saturating_sub(1)
            );
        };
        let shares = pool.shares.parse().with_context(|| format!("pool {index}'s address in {}", self.file()))?;
        Ok((pool.clone(), shares))
    }

    /// Records `pools` as the pool list (written at once).
    pub fn save_pools(&self, pools: Vec<PoolRecord>) -> Result<()> {
        self.ledger.update(|d| d.pools = pools)
    }

    fn missing(&self) -> String {
        format!("no rigshare deployment on chain {} at {} ({} has none); run `rigshare up`", self.chain_id, self.url, self.file())
    }

    /// Every contract `up` deploys has code at its recorded address.
    async fn check_deployment(&self) -> Result<()> {
        for entry in catalogue::system() {
            let at = self.contract(entry.name())?;
            let code = self.client.get_code(at, None).await.with_context(|| format!("reading the code at {at:?}"))?;
            if code.is_empty() {
                bail!(
                    "no rigshare deployment on chain {} at {}: {} records {} at {at:?}, which has no code there (a restarted dev node starts empty); run `rigshare up`",
                    self.chain_id,
                    self.url,
                    self.file(),
                    entry.name()
                );
            }
        }
        Ok(())
    }
}

/// Every pool, pool 0 first. Pool 0 always comes from `up`'s RigShares and RevenueSplitter
/// records (a re-run of `up` that redeployed them replaces it); later ones from `pools`.
pub fn pool_list(d: &Deployments) -> Vec<PoolRecord> {
    let mut pools = d.pools.clone();
    let Some(shares) = d.contracts.get(rig_shares::NAME) else { return pools };
    let recorded = pools.first().filter(|p| p.shares.eq_ignore_ascii_case(&shares.address)).cloned();
    let first = recorded.unwrap_or_else(|| {
        let arg = |name: &str| rig_shares::ENTRY.recorded_arg(shares, name).unwrap_or_default().to_owned();
        let splitters = d
            .contracts
            .get(revenue_splitter::NAME)
            .map(|s| {
                let asset = revenue_splitter::ENTRY.recorded_arg(s, "asset").unwrap_or("eth");
                let zero = asset.trim_start_matches("0x").chars().all(|c| c == '0');
                SplitterRecord { asset: if zero { "eth".into() } else { asset.to_owned() }, address: s.address.clone(), tx: None }
            })
            .into_iter()
            .collect();
        PoolRecord {
            name: arg("name"),
            symbol: arg("symbol"),
            shares: shares.address.clone(),
            splitters,
            created_tx: shares.tx.clone(),
            created_block: shares.block,
            payee_labels: BTreeMap::new(),
            ..PoolRecord::default()
        }
    });
    match pools.first_mut() {
        Some(p) => *p = first,
        None => pools.push(first),
    }
    pools
}

/// `<dir>/<chain-id>.json`; for the dev node, when that does not exist and no directory was
/// given, the file the embedded `rigshare up` writes.
fn deployments_path(ws: &Workspace, opts: &Connect, chain_id: u64) -> PathBuf {
    let dir = opts.deployments_dir.clone().unwrap_or_else(|| ws.root.join("deployments"));
    let path = Deployments::path(&dir, chain_id);
    if !path.exists() && opts.deployments_dir.is_none() && chain_id == DEVNODE_CHAIN_ID {
        let embedded = ws.out_dir().join("deployments-devnode.json");
        if embedded.exists() {
            return embedded;
        }
    }
    path
}

/// RigDeed at the recorded address.
pub fn deed_contract(s: &Session) -> Result<rig_deed::RigDeed<Client>> {
    Ok(rig_deed::RigDeed::new(s.contract(rig_deed::NAME)?, s.client.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::deployments::ContractRecord;

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
        assert!(d.pools.is_empty() && pool_list(&d).is_empty());
        assert!(!serde_json::to_string(&d).unwrap().contains("pools"), "no pools key until there are pools");

        let zero = "0x0000000000000000000000000000000000000000";
        d.contracts.insert("RigShares".into(), record("0xaa", &["rigshare Pool 1", "RSP1", "1", "0x01", "0x02", "0x01"]));
        d.contracts.insert("RevenueSplitter".into(), record("0xbb", &["0xaa", zero, "0", "0x01"]));
        let pools = pool_list(&d);
        assert_eq!((pools[0].name.as_str(), pools[0].symbol.as_str(), pools[0].shares.as_str()), ("rigshare Pool 1", "RSP1", "0xaa"));
        assert_eq!((pools[0].splitters[0].asset.as_str(), pools[0].splitters[0].address.as_str()), ("eth", "0xbb"));
        assert_eq!((pools[0].created_tx.as_str(), pools[0].created_block), ("tx-0xaa", 3));

        // Recorded pools are kept; pool 0 follows a redeployed RigShares.
        d.pools = vec![pools[0].clone(), PoolRecord { name: "two".into(), shares: "0xcc".into(), ..Default::default() }];
        d.pools[0].payee_labels.insert("0x04".into(), "hosting".into());
        assert_eq!(pool_list(&d), d.pools);
        d.contracts.insert("RigShares".into(), record("0xdd", &["rigshare Pool 1", "RSP1"]));
        let pools = pool_list(&d);
        assert_eq!((pools[0].shares.as_str(), pools[1].shares.as_str()), ("0xdd", "0xcc"));
    }
}
