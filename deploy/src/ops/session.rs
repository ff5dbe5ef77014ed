//! What every operating command starts from: the endpoint (checked against `--network`), the
//! signing account, and the deployment recorded for that chain (checked against the chain).

use std::{path::PathBuf, sync::Arc};

use anyhow::{bail, Context, Result};
use ethers::prelude::*;

use crate::{
    up::{
        artifacts::{Deployments, PoolRecord},
        deployer::Client,
        network,
    },
    workspace::Workspace,
};

/// The dev node's chain id (`rigshare up`'s embedded node, `scripts/devnode`, Nitro's dev node).
pub const DEVNODE_CHAIN_ID: u64 = 412_346;

/// Where the operating commands look when neither `--network` nor `--rpc-url` is given: the
/// node `rigshare up` serves.
pub const DEFAULT_RPC_URL: &str = "http://127.0.0.1:8547";

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
    pub chain_id: u64,
    pub url: String,
    /// The signing account; a throwaway key when none was given (read-only commands work).
    pub me: Address,
    signs: bool,
    pub deployments: Deployments,
    /// The deployments file, rewritten when a command records something (a pool, labels).
    pub file: PathBuf,
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
            None if chain_id == DEVNODE_CHAIN_ID => (ethers::utils::hex::encode(devnode::rpc::accounts::NITRO_DEV_KEY), true),
            None => (ethers::utils::hex::encode(LocalWallet::new(&mut ethers::core::rand::thread_rng()).signer().to_bytes()), false),
        };
        let client = network::client(provider, &key, chain_id)?;
        let me = client.address();

        let (file, deployments) = load_deployments(ws, opts, chain_id)?;
        let session = Self {
            client,
            chain_id,
            url,
            me,
            signs,
            deployments,
            file,
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
            client,
            chain_id: self.chain_id,
            url: self.url.clone(),
            signs: true,
            deployments: self.deployments.clone(),
            file: self.file.clone(),
            json: self.json,
            label: self.label.clone(),
        })
    }

    /// A progress line on stderr.
    pub fn progress(&self, what: impl std::fmt::Display) {
        eprintln!("rigshare: [{}] {what}", self.label);
    }

    /// The signing account, or the one-line refusal when no key was given.
    pub fn signer(&self) -> Result<Address> {
        if !self.signs {
            bail!(
                "sending on chain {} needs a private key: pass --private-key HEX or set PRIVATE_KEY",
                self.chain_id
            );
        }
        Ok(self.me)
    }

    /// Whether a key was given (or the dev node's is used).
    pub fn signs(&self) -> bool {
        self.signs
    }

    /// An address the deployment recorded.
    pub fn contract(&self, name: &str) -> Result<Address> {
        let record = self.deployments.contracts.get(name).with_context(|| self.missing())?;
        record.address.parse().with_context(|| format!("the address of {name} in {}", self.file.display()))
    }

    /// Pool `index` (0 is `up`'s), or the refusal naming the pools there are.
    pub fn pool(&self, index: usize) -> Result<(PoolRecord, Address)> {
        let pools = self.deployments.pool_list();
        let Some(pool) = pools.get(index) else {
            bail!(
                "no pool {index} on chain {}: pools are 0 to {} (see `rigshare status`; `rigshare pool create` adds one)",
                self.chain_id,
                pools.len().saturating_sub(1)
            );
        };
        let shares = pool.shares.parse().with_context(|| format!("pool {index}'s address in {}", self.file.display()))?;
        Ok((pool.clone(), shares))
    }

    /// Writes the deployments file (atomically).
    pub fn save(&self) -> Result<()> {
        self.deployments.save(&self.file)
    }

    fn missing(&self) -> String {
        format!(
            "no rigshare deployment on chain {} at {} ({} has none); run `rigshare up`",
            self.chain_id,
            self.url,
            self.file.display()
        )
    }

    /// Every recorded contract the commands use has code at its address.
    async fn check_deployment(&self) -> Result<()> {
        for name in ["RigDeed", "RigShares", "RevenueSplitter"] {
            let at = self.contract(name)?;
            let code = self.client.get_code(at, None).await.with_context(|| format!("reading the code at {at:?}"))?;
            if code.is_empty() {
                bail!(
                    "no rigshare deployment on chain {} at {}: {} records {name} at {at:?}, which has no code there (a restarted dev node starts empty); run `rigshare up`",
                    self.chain_id,
                    self.url,
                    self.file.display()
                );
            }
        }
        Ok(())
    }
}

/// `<dir>/<chain-id>.json`; for the dev node, when that does not exist and no directory was
/// given, the file the embedded `rigshare up` writes.
fn load_deployments(ws: &Workspace, opts: &Connect, chain_id: u64) -> Result<(PathBuf, Deployments)> {
    let dir = opts.deployments_dir.clone().unwrap_or_else(|| ws.root.join("deployments"));
    let mut path = Deployments::path(&dir, chain_id);
    if !path.exists() && opts.deployments_dir.is_none() && chain_id == DEVNODE_CHAIN_ID {
        let embedded = ws.out_dir().join("deployments-devnode.json");
        if embedded.exists() {
            path = embedded;
        }
    }
    let deployments = Deployments::load(&path, chain_id)?;
    Ok((path, deployments))
}
