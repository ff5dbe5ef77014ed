//! `rigshare up`: build, deploy every contract of the system (the catalogue's entries that `up`
//! deploys, in order) through StylusDeployer, run each entry's wiring, and record it all in
//! `deployments/<chain-id>.json`. Re-runnable: every step is checked on chain first and skipped
//! when already done, and every transaction goes through the crash-safe sender, so an
//! interrupted run resumes without deploying or wiring anything twice. With `--cache` it then
//! gets every program cached ([`cache`]).

mod cache;

use std::{collections::BTreeMap, path::PathBuf, sync::Arc};

use anyhow::{bail, Context, Result};
use ethers::{prelude::*, utils::format_ether};
use serde::Serialize;

use crate::{
    catalogue::{self, Entry, Inputs, Payee, SystemConfig, Wire},
    chain::{
        deployments::{ContractRecord, Deployments, Ledger, WiringRecord},
        network::{self, Target},
        sender::{Sender, Settled},
        stylus, Client,
    },
    pipeline::workspace::Workspace,
};

/// The command line of `rigshare up`, parsed.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub network: Option<String>,
    pub rpc_url: Option<String>,
    pub private_key: Option<String>,
    /// An encrypted JSON keystore holding the key, and where its password is.
    pub keystore: Option<PathBuf>,
    pub password_file: Option<PathBuf>,
    pub no_serve: bool,
    pub dry_run: bool,
    pub json: bool,
    /// Deploy the code already in target/rigshare/ instead of building first.
    pub no_build: bool,
    /// Where `<chain-id>.json` goes (default `<workspace>/deployments`).
    pub deployments_dir: Option<PathBuf>,
    /// The splitter's payees (`--payee`); none leaves the splitter's payees as they are.
    pub payees: Vec<Payee>,
    /// The splitter's streaming window (`--stream-seconds`); `None` is the catalogue's default.
    pub stream_seconds: Option<u64>,
    /// Whole shares minted to the deployer (`--supply`); `None` is the catalogue's default.
    pub supply: Option<String>,
    /// Accounts the splitter excludes from earning (`--exclude`), set before adoption.
    pub exclusions: Vec<Address>,
    /// Print no summary on stdout: for callers that report on their own (`rigshare demo`).
    pub quiet: bool,
    /// Get every program cached once deployed and wired (`--cache`): as chain owner on a dev
    /// chain, by a CacheManager bid on a public Arbitrum chain.
    pub cache: bool,
    /// Basis points added to each CacheManager minimum bid (`--cache-bid-margin-bps`).
    pub cache_bid_margin_bps: u32,
}

/// One contract in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct ContractSummary {
    pub contract: String,
    pub address: String,
    pub codehash: String,
    pub stored_size: usize,
    pub gas_used: u64,
    pub tx: String,
    /// "deployed" now, or "existing" (found on chain, nothing sent).
    pub status: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub chain_id: u64,
    pub rpc_url: String,
    pub deployer: String,
    pub contracts: Vec<ContractSummary>,
    pub wiring: Vec<(String, String)>,
    pub transactions_sent: u64,
    pub deployments_file: String,
}

/// `rigshare up`.
pub fn run(ws: &Workspace, opts: Options) -> Result<()> {
    let target = network::resolve(opts.network.as_deref(), opts.rpc_url.as_deref())?;
    let key = network::signing_key(opts.private_key.as_deref(), opts.keystore.as_deref(), opts.password_file.as_deref())?;
    if target != Target::Embedded && key.is_none() {
        bail!("a private key is needed for a remote network: pass --private-key HEX, set PRIVATE_KEY, or use --keystore FILE");
    }
    if !opts.no_build {
        super::build_as_step(ws)?;
    }
    let mut codes = Vec::new();
    for entry in catalogue::system() {
        let path = ws.code_path(&entry.contract);
        let code = std::fs::read(&path).with_context(|| format!("reading {} (run `rigshare build` first)", path.display()))?;
        codes.push(code);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(up(ws, opts, target, key, codes))
}

fn progress(what: impl std::fmt::Display) {
    crate::chain::progress("up", what);
}

/// What `up` deploys: the catalogue's defaults with the flags' choices.
fn system_config(opts: &Options) -> Result<SystemConfig> {
    let defaults = SystemConfig::default();
    if opts.exclusions.len() > catalogue::MAX_EXCLUSIONS {
        bail!("{} --exclude accounts; at most {} (one transaction each before and after adoption)", opts.exclusions.len(), catalogue::MAX_EXCLUSIONS);
    }
    let mut exclusions = Vec::new();
    for &account in &opts.exclusions {
        if account.is_zero() {
            bail!("--exclude 0x0: the zero address holds no shares");
        }
        if exclusions.contains(&account) {
            bail!("--exclude {account:?} is given twice");
        }
        exclusions.push(account);
    }
    let pool_supply = match &opts.supply {
        None => defaults.pool_supply,
        Some(whole) => {
            let supply = crate::commands::ops::units::parse_units(whole, catalogue::rig_shares::DECIMALS).context("--supply")?;
            anyhow::ensure!(!supply.is_zero(), "--supply must be more than 0 shares");
            supply
        }
    };
    Ok(SystemConfig {
        payees: opts.payees.clone(),
        stream_seconds: opts.stream_seconds.unwrap_or(defaults.stream_seconds),
        pool_supply,
        exclusions,
        ..defaults
    })
}

async fn up(ws: &Workspace, opts: Options, target: Target, key: Option<String>, codes: Vec<Vec<u8>>) -> Result<()> {
    // The embedded node lives as long as this function.
    let (node, url, named, key) = match target {
        Target::Embedded => {
            let config = |port| devnode::rpc::NodeConfig { port, quiet: true, ..Default::default() };
            let node = match devnode::rpc::spawn(config(network::EMBEDDED_PORT)) {
                Ok(node) => node,
                Err(_) => {
                    let node = devnode::rpc::spawn(config(0)).context("starting the dev node")?;
                    progress(format!("port {} is busy; the dev node listens on {} instead", network::EMBEDDED_PORT, node.url));
                    node
                }
            };
            let key = key.unwrap_or_else(|| ethers::utils::hex::encode(node.accounts[0].key.to_bytes()));
            let url = node.url.clone();
            progress(format!("started the embedded dev node at {url}"));
            (Some(node), url, None, key)
        }
        Target::Remote { url, network } => (None, url, network, key.expect("checked in run")),
    };

    let (provider, chain_id) = network::provider(&url, named, "check the URL and that the node is up").await?;
    let client = network::client(provider, &key, chain_id)?;
    let me = client.address();
    progress(format!("chain id {chain_id} at {url}, deployer {me:?}"));

    let ledger = if node.is_some() {
        // A fresh chain every run: nothing to resume; the file is for wallets and dapps.
        let path = ws.out_dir().join("deployments-devnode.json");
        Ledger::fresh(path, Deployments { chain_id, ..Default::default() })
    } else {
        let dir = opts.deployments_dir.clone().unwrap_or_else(|| ws.root.join("deployments"));
        Ledger::open(Deployments::path(&dir, chain_id), chain_id)?
    };
    let ledger = Arc::new(ledger);
    let sender = Sender::new(client.clone(), ledger.clone(), catalogue::decoder(), "up");
    let config = system_config(&opts)?;

    if opts.dry_run {
        let cache = opts.cache.then_some((chain_id, opts.cache_bid_margin_bps));
        return dry_run(&sender, &codes, &config, opts.json, cache).await;
    }
    ledger.update(|d| d.deployer = format!("{me:?}"))?;

    let nonce_before = client.get_transaction_count(me, None).await?;
    let system: Vec<&Entry> = catalogue::system().collect();
    let mut contracts = Vec::new();
    let mut addresses: BTreeMap<String, Address> = BTreeMap::new();
    for (i, (entry, code)) in system.iter().zip(&codes).enumerate() {
        let name = entry.name();
        let args = entry.constructor_args(&Inputs { signer: me, deployed: &addresses, system: &config })?;
        let described = stylus::describe_args(&args);
        let codehash = H256::from(ethers::utils::keccak256(code));
        let step = format!("deploy {name}");

        // A deployment a killed run sent: adopt its contract if it deploys what this run would.
        if let Settled::Mined(record, receipt) = sender.settle(&step).await? {
            let same = record.codehash.as_deref() == Some(&format!("{codehash:?}")) && record.constructor_args == described;
            if same && receipt.status == Some(1.into()) {
                let done = stylus::deployed_from(&step, &receipt)?;
                let fee = record.data_fee_wei.as_deref().unwrap_or("0").parse().unwrap_or_default();
                progress(format!("{name} was deployed by the interrupted run at {:?}", done.address));
                record_deployment(&sender, name, code, codehash, described.clone(), fee, &done).await?;
            }
        }

        let reusable = match ledger.get().contracts.get(name) {
            Some(r) if r.constructor_args == described => {
                let at: Address = r.address.parse().context("address in the deployments file")?;
                (stylus::code_hash_at(&client, at).await? == Some(codehash)).then_some(at)
            }
            _ => None,
        };
        let (address, status) = if let Some(at) = reusable {
            progress(format!("{name} is already deployed at {at:?} with this code; skipping"));
            (at, "existing")
        } else {
            let what = format!("deploying {name} ({}/{})", i + 1, system.len());
            progress(&what);
            let (done, fee) = stylus::deploy(&sender, &what, &step, code, &args).await?;
            record_deployment(&sender, name, code, codehash, described, fee, &done).await?;
            progress(format!("{name} at {:?} (block {}, gas {}, data fee {} ETH)", done.address, done.block, done.gas_used, format_ether(fee)));
            (done.address, "deployed")
        };
        let r = ledger.get().contracts[name].clone();
        contracts.push(ContractSummary {
            contract: name.to_owned(),
            address: format!("{address:?}"),
            codehash: format!("{codehash:?}"),
            stored_size: code.len(),
            gas_used: r.gas_used,
            tx: r.tx.clone(),
            status: status.to_owned(),
        });
        addresses.insert(name.to_owned(), address);
    }

    let wire = Wire { client: &client, addresses: &addresses, signer: me, system: &config };
    let mut wiring_summary = Vec::new();
    for w in system.iter().flat_map(|e| e.wiring).filter(|w| (w.applies)(&config)) {
        let step = w.name;
        // A step a killed run sent: wait for it; the check below then sees its effect.
        sender.settle(step).await?;
        let mut sent = Vec::new();
        while let Some(call) = (w.pending)(&wire).await.with_context(|| format!("checking {step}"))? {
            if sent.len() == catalogue::MAX_EXCLUSIONS {
                bail!("{step} still needs a call after {} of them; nothing more was sent", sent.len());
            }
            let what = format!("wiring {step}");
            progress(&what);
            let receipt = sender.send_step(&what, step, call, Default::default()).await?;
            let record = WiringRecord {
                tx: Some(format!("{:?}", receipt.transaction_hash)),
                block: receipt.block_number.map(|b| b.as_u64()),
            };
            ledger.update(|d| d.wiring.insert(step.to_string(), record))?;
            sent.push(format!("{:?}", receipt.transaction_hash));
        }
        let status = if sent.is_empty() {
            progress(format!("{step}: already in place"));
            ledger.update(|d| {
                d.wiring.entry(step.to_string()).or_insert(WiringRecord { tx: None, block: None });
            })?;
            "in place".to_owned()
        } else {
            sent.join(", ")
        };
        wiring_summary.push((step.to_string(), status));
    }

    if opts.cache {
        let codehashes = system
            .iter()
            .zip(&codes)
            .map(|(e, code)| (e.name().to_owned(), H256::from(ethers::utils::keccak256(code))))
            .collect();
        let steps = cache::cache_system(&sender, chain_id, &system, &addresses, &codehashes, opts.cache_bid_margin_bps).await?;
        wiring_summary.extend(steps);
    }

    let nonce_after = client.get_transaction_count(me, None).await?;
    let summary = Summary {
        chain_id,
        rpc_url: url.clone(),
        deployer: format!("{me:?}"),
        contracts,
        wiring: wiring_summary,
        transactions_sent: (nonce_after - nonce_before).as_u64(),
        deployments_file: ledger.path().display().to_string(),
    };
    if opts.quiet {
        // The caller reports (`rigshare demo`); the deployments file has it all.
    } else if opts.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print!("{}", table(&summary));
    }
    let names: Vec<&str> = system.iter().map(|e| e.name()).collect();
    progress(format!("system up: {} deployed and wired on chain id {chain_id} at {url}", names.join(", ")));
    if let Some(node) = node {
        if !opts.no_serve {
            progress(format!("dev node serving: point your wallet at {url} (chain id {chain_id}); Ctrl-C to stop"));
            tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
            progress("stopping the dev node");
        }
        drop(node);
    }
    Ok(())
}

/// Writes a new deployment into the file. Wiring recorded against an older contract is void.
async fn record_deployment(
    sender: &Sender,
    name: &str,
    code: &[u8],
    codehash: H256,
    constructor_args: Vec<String>,
    data_fee: U256,
    done: &stylus::Deployed,
) -> Result<()> {
    let version = stylus::activation_version(&sender.client, done.address).await?;
    let record = ContractRecord {
        address: format!("{:?}", done.address),
        codehash: format!("{codehash:?}"),
        tx: format!("{:?}", done.tx),
        block: done.block,
        gas_used: done.gas_used,
        stored_size: code.len(),
        data_fee_wei: data_fee.to_string(),
        constructor_args,
        abi: format!("abi/{name}.json"),
        activation_version: version,
    };
    sender.ledger.update(|d| {
        d.contracts.insert(name.to_owned(), record);
        d.wiring.clear();
    })
}

/// Prices every deployment without sending anything: gas and activation data fee per contract,
/// and the total in ETH; contracts already deployed with this code are skipped.
/// With `cache` (the chain id and bid margin), adds each program's cache step: on a chain with a
/// CacheManager, its bid, and the bids' total.
async fn dry_run(sender: &Sender, codes: &[Vec<u8>], config: &SystemConfig, json: bool, cache: Option<(u64, u32)>) -> Result<()> {
    let client: &Arc<Client> = &sender.client;
    let me = client.address();
    let saved = sender.ledger.get();
    let price = client.get_gas_price().await?;
    // Where StylusDeployer's CREATEs will put the contracts (for the later constructors).
    let mut nonce = client.get_transaction_count(stylus::stylus_deployer(), None).await?;
    let mut addresses = BTreeMap::new();
    let mut steps = Vec::new();
    let mut total = U256::zero();
    let system: Vec<&Entry> = catalogue::system().collect();
    for (entry, code) in system.iter().zip(codes) {
        let name = entry.name();
        let args = entry.constructor_args(&Inputs { signer: me, deployed: &addresses, system: config })?;
        let codehash = H256::from(ethers::utils::keccak256(code));
        let existing = match saved.contracts.get(name) {
            Some(r) if r.constructor_args == stylus::describe_args(&args) => {
                let at: Address = r.address.parse()?;
                (stylus::code_hash_at(client, at).await? == Some(codehash)).then_some(at)
            }
            _ => None,
        };
        if let Some(at) = existing {
            steps.push(serde_json::json!({"step": format!("deploy {name}"), "skip": format!("deployed at {at:?}")}));
            addresses.insert(name.to_owned(), at);
            continue;
        }
        let fee = stylus::data_fee(client, code, sender.decoder()).await?;
        let call = stylus::deploy_call(client, code, &args, stylus::bumped(fee));
        let gas = call.estimate_gas().await.ok();
        total += fee + gas.unwrap_or_default() * price;
        steps.push(serde_json::json!({
            "step": format!("deploy {name}"),
            "gas": gas.map(|g| g.as_u64()),
            "data_fee_eth": format_ether(fee),
        }));
        addresses.insert(name.to_owned(), ethers::utils::get_contract_address(stylus::stylus_deployer(), nonce));
        nonce += U256::one();
    }
    for w in system.iter().flat_map(|e| e.wiring).filter(|w| (w.applies)(config)) {
        steps.push(serde_json::json!({"step": w.name, "gas": null, "note": "checked and estimated when it runs"}));
    }
    // Deployed already = recorded with this code (the skips above); the others are priced by size.
    let deployed: BTreeMap<String, Address> = steps
        .iter()
        .filter(|s| s["skip"].is_string())
        .filter_map(|s| s["step"].as_str()?.strip_prefix("deploy "))
        .filter_map(|name| Some((name.to_owned(), *addresses.get(name)?)))
        .collect();
    let mut bids = U256::zero();
    if let Some((chain_id, margin)) = cache {
        let (cache_steps, total_bids) = cache::plan(sender, chain_id, &system, codes, &deployed, margin).await?;
        steps.extend(cache_steps);
        bids = total_bids;
        total += bids;
    }
    if json {
        let mut plan = serde_json::json!({"dry_run": true, "deployer": me, "gas_price_wei": price.to_string(), "steps": steps, "total_eth": format_ether(total)});
        if cache.is_some() {
            plan["cache_bids_eth"] = format_ether(bids).into();
        }
        println!("{}", serde_json::to_string_pretty(&plan)?);
    } else {
        println!("dry run: nothing sent; gas price {} gwei", ethers::utils::format_units(price, "gwei")?);
        for s in &steps {
            let gas = s["gas"].as_u64().map_or("unknown".to_owned(), |g| g.to_string());
            let step = s["step"].as_str().unwrap_or_default();
            match (s["skip"].as_str(), s["data_fee_eth"].as_str(), s["bid_eth"].as_str()) {
                (Some(skip), _, _) => println!("  {step}: skip, {skip}"),
                (None, Some(fee), _) => println!("  {step}: gas {gas}, data fee {fee} ETH"),
                (None, None, Some(bid)) => println!("  {step}: bid {bid} ETH"),
                (None, None, None) => println!("  {step}: gas estimated when it runs"),
            }
        }
        if cache.is_some() {
            println!("cache bids: {} ETH in all", format_ether(bids));
        }
        println!("total: about {} ETH (deploys and bids; wiring and caching add a little gas)", format_ether(total));
    }
    Ok(())
}

/// The summary as a Markdown table.
pub fn table(s: &Summary) -> String {
    let mut out = format!("chain id {} at {}, deployer {}\n\n", s.chain_id, s.rpc_url, s.deployer);
    out += "| contract | address | codehash | stored bytes | gas used | tx | status |\n|---|---|---|---:|---:|---|---|\n";
    for c in &s.contracts {
        out += &format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            c.contract, c.address, c.codehash, c.stored_size, c.gas_used, c.tx, c.status
        );
    }
    out += "\n";
    for (step, status) in &s.wiring {
        out += &format!("{step}: {status}\n");
    }
    out += &format!("{} transactions sent; deployments in {}\n", s.transactions_sent, s.deployments_file);
    out
}
