//! `rigshare up`: build, deploy RigDeed, RigShares and RevenueSplitter through StylusDeployer,
//! wire them, and record it all in `deployments/<chain-id>.json`. Re-runnable: every step is
//! checked on chain first and skipped when already done, so an interrupted run resumes.

pub mod artifacts;
pub mod bindings;
pub mod deployer;
pub mod network;
pub mod pending;
pub mod wiring;

use std::{path::PathBuf, sync::Arc};

use anyhow::{bail, Context, Result};
use ethers::{abi::Token, prelude::*, utils::format_ether};
use serde::Serialize;

use crate::{
    ops::tx,
    workspace::{Workspace, SYSTEM_CONTRACTS},
};
use artifacts::{ContractRecord, Deployments, PendingRecord, WiringRecord};
use deployer::Client;
use network::Target;
use pending::Settled;

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
    pub payees: Vec<wiring::Payee>,
    /// Print no summary on stdout: for callers that report on their own (`rigshare demo`).
    pub quiet: bool,
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
        crate::commands::build_as_step(ws)?;
    }
    let mut codes = Vec::new();
    for c in SYSTEM_CONTRACTS {
        let path = ws.out_dir().join(format!("{}.code", c.package));
        let code = std::fs::read(&path)
            .with_context(|| format!("reading {} (run `rigshare build` first)", path.display()))?;
        codes.push(code);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(up(ws, opts, target, key, codes))
}

fn progress(what: impl std::fmt::Display) {
    eprintln!("rigshare: [up] {what}");
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

    let (file, mut saved) = if node.is_some() {
        // A fresh chain every run: nothing to resume; the file is for wallets and dapps.
        let path = ws.out_dir().join("deployments-devnode.json");
        (path, Deployments { chain_id, ..Default::default() })
    } else {
        let dir = opts.deployments_dir.clone().unwrap_or_else(|| ws.root.join("deployments"));
        let path = Deployments::path(&dir, chain_id);
        let saved = Deployments::load(&path, chain_id)?;
        (path, saved)
    };
    saved.deployer = format!("{me:?}");

    if opts.dry_run {
        return dry_run(&client, &codes, &saved, me, opts.json, &opts.payees).await;
    }

    let nonce_before = client.get_transaction_count(me, None).await?;
    let mut contracts = Vec::new();
    let mut addresses = Vec::new();
    for (i, (contract, code)) in SYSTEM_CONTRACTS.iter().zip(&codes).enumerate() {
        let args = constructor_args(contract.name, me, &addresses);
        let described = deployer::describe_args(&args);
        let codehash = H256::from(ethers::utils::keccak256(code));
        let step = format!("deploy {}", contract.name);

        // A deployment a killed run sent: adopt its contract if it deploys what this run would.
        if let Settled::Mined(record, receipt) = pending::settle(&client, &step, &mut saved, &file).await? {
            let same = record.codehash.as_deref() == Some(&format!("{codehash:?}")) && record.constructor_args == described;
            if same && receipt.status == Some(1.into()) {
                let done = deployer::deployed_from(&step, &receipt)?;
                let fee = record.data_fee_wei.as_deref().unwrap_or("0").parse().unwrap_or_default();
                progress(format!("{} was deployed by the interrupted run at {:?}", contract.name, done.address));
                record_deployment(&client, &mut saved, &file, contract.name, code, codehash, described.clone(), fee, &done).await?;
            }
        }

        let reusable = match saved.contracts.get(contract.name) {
            Some(r) if r.constructor_args == described => {
                let at: Address = r.address.parse().context("address in the deployments file")?;
                (deployer::code_hash_at(&client, at).await? == Some(codehash)).then_some(at)
            }
            _ => None,
        };
        let (address, status) = if let Some(at) = reusable {
            progress(format!("{} is already deployed at {at:?} with this code; skipping", contract.name));
            (at, "existing")
        } else {
            let fee = deployer::data_fee(&client, code).await?;
            let value = deployer::bumped(fee);
            let what = format!("deploying {} ({}/{})", contract.name, i + 1, SYSTEM_CONTRACTS.len());
            progress(format!("{what}: data fee {} ETH, sending {} ETH", format_ether(fee), format_ether(value)));
            let call = deployer::deploy_call(&client, code, &args, value);
            let gas = tx::estimate(&what, &call).await?;
            tx::check_funds(&client, me, &what, gas, value).await?;
            let record = PendingRecord {
                codehash: Some(format!("{codehash:?}")),
                constructor_args: described.clone(),
                data_fee_wei: Some(fee.to_string()),
                ..PendingRecord::default()
            };
            let receipt = pending::send(&client, &what, &step, call.gas(gas).tx, record, &mut saved, &file).await?;
            let done = deployer::deployed_from(&what, &receipt)?;
            record_deployment(&client, &mut saved, &file, contract.name, code, codehash, described, fee, &done).await?;
            progress(format!("{} at {:?} (block {}, gas {})", contract.name, done.address, done.block, done.gas_used));
            (done.address, "deployed")
        };
        let r = &saved.contracts[contract.name];
        contracts.push(ContractSummary {
            contract: contract.name.to_owned(),
            address: format!("{address:?}"),
            codehash: format!("{codehash:?}"),
            stored_size: code.len(),
            gas_used: r.gas_used,
            tx: r.tx.clone(),
            status: status.to_owned(),
        });
        addresses.push(address);
    }

    let wired = wiring::Addresses { deed: addresses[0], shares: addresses[1], splitter: addresses[2], deployer: me };
    let mut wiring_summary = Vec::new();
    for step in wiring::steps(&opts.payees) {
        // A step a killed run sent: wait for it; the check below then sees its effect.
        pending::settle(&client, step, &mut saved, &file).await?;
        let status = match wiring::pending(&client, step, wired, &opts.payees).await? {
            None => {
                progress(format!("{step}: already in place"));
                saved.wiring.entry(step.to_string()).or_insert(WiringRecord { tx: None, block: None });
                "in place".to_owned()
            }
            Some(call) => {
                let what = format!("wiring {step}");
                progress(&what);
                let gas = tx::estimate(&what, &call).await?;
                tx::check_funds(&client, me, &what, gas, U256::zero()).await?;
                let receipt =
                    pending::send(&client, &what, step, call.gas(gas).tx, PendingRecord::default(), &mut saved, &file).await?;
                saved.wiring.insert(
                    step.to_string(),
                    WiringRecord {
                        tx: Some(format!("{:?}", receipt.transaction_hash)),
                        block: receipt.block_number.map(|b| b.as_u64()),
                    },
                );
                format!("{:?}", receipt.transaction_hash)
            }
        };
        saved.save(&file)?;
        wiring_summary.push((step.to_string(), status));
    }

    let nonce_after = client.get_transaction_count(me, None).await?;
    let summary = Summary {
        chain_id,
        rpc_url: url.clone(),
        deployer: format!("{me:?}"),
        contracts,
        wiring: wiring_summary,
        transactions_sent: (nonce_after - nonce_before).as_u64(),
        deployments_file: file.display().to_string(),
    };
    if opts.quiet {
        // The caller reports (`rigshare demo`); the deployments file has it all.
    } else if opts.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print!("{}", table(&summary));
    }
    progress(format!(
        "system up: RigDeed, RigShares and RevenueSplitter deployed and wired on chain id {chain_id} at {url}"
    ));
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
#[allow(clippy::too_many_arguments)]
async fn record_deployment(
    client: &Arc<Client>,
    saved: &mut Deployments,
    file: &std::path::Path,
    name: &str,
    code: &[u8],
    codehash: H256,
    constructor_args: Vec<String>,
    data_fee: U256,
    done: &deployer::Deployed,
) -> Result<()> {
    let version = deployer::activation_version(client, done.address).await?;
    saved.contracts.insert(
        name.to_owned(),
        ContractRecord {
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
        },
    );
    saved.wiring.clear();
    saved.save(file)
}

/// Constructor arguments; `deployed` holds the addresses of the contracts before this one.
pub fn constructor_args(contract: &str, me: Address, deployed: &[Address]) -> Vec<Token> {
    match contract {
        "RigDeed" => vec![Token::String("rigshare Rig Deed".into()), Token::String("RIGD".into()), Token::Address(me)],
        "RigShares" => vec![
            Token::String("rigshare Pool 1".into()),
            Token::String("RSP1".into()),
            Token::Uint(U256::exp10(24)),
            Token::Address(me),
            Token::Address(deployed[0]),
            Token::Address(me),
        ],
        "RevenueSplitter" => vec![
            Token::Address(deployed[1]),
            Token::Address(Address::zero()),
            Token::Uint(U256::zero()),
            Token::Address(me),
        ],
        other => unreachable!("no constructor arguments for {other}"),
    }
}

async fn dry_run(
    client: &Arc<Client>,
    codes: &[Vec<u8>],
    saved: &Deployments,
    me: Address,
    json: bool,
    payees: &[wiring::Payee],
) -> Result<()> {
    let price = client.get_gas_price().await?;
    // Where StylusDeployer's CREATEs will put the contracts (for the later constructors).
    let mut nonce = client.get_transaction_count(deployer::stylus_deployer(), None).await?;
    let mut addresses = Vec::new();
    let mut steps = Vec::new();
    let mut total = U256::zero();
    for (contract, code) in SYSTEM_CONTRACTS.iter().zip(codes) {
        let args = constructor_args(contract.name, me, &addresses);
        let codehash = H256::from(ethers::utils::keccak256(code));
        let existing = match saved.contracts.get(contract.name) {
            Some(r) if r.constructor_args == deployer::describe_args(&args) => {
                let at: Address = r.address.parse()?;
                (deployer::code_hash_at(client, at).await? == Some(codehash)).then_some(at)
            }
            _ => None,
        };
        if let Some(at) = existing {
            steps.push(serde_json::json!({"step": format!("deploy {}", contract.name), "skip": format!("deployed at {at:?}")}));
            addresses.push(at);
            continue;
        }
        let fee = deployer::data_fee(client, code).await?;
        let call = deployer::deploy_call(client, code, &args, deployer::bumped(fee));
        let gas = call.estimate_gas().await.ok();
        total += fee + gas.unwrap_or_default() * price;
        steps.push(serde_json::json!({
            "step": format!("deploy {}", contract.name),
            "gas": gas.map(|g| g.as_u64()),
            "data_fee_eth": format_ether(fee),
        }));
        addresses.push(ethers::utils::get_contract_address(deployer::stylus_deployer(), nonce));
        nonce += U256::one();
    }
    for step in wiring::steps(payees) {
        steps.push(serde_json::json!({"step": step, "gas": null, "note": "checked and estimated when it runs"}));
    }
    if json {
        let plan = serde_json::json!({"dry_run": true, "deployer": me, "gas_price_wei": price.to_string(), "steps": steps, "total_eth": format_ether(total)});
        println!("{}", serde_json::to_string_pretty(&plan)?);
    } else {
        println!("dry run: nothing sent; gas price {} gwei", ethers::utils::format_units(price, "gwei")?);
        for s in &steps {
            let gas = s["gas"].as_u64().map_or("unknown".to_owned(), |g| g.to_string());
            match (s["skip"].as_str(), s["data_fee_eth"].as_str()) {
                (Some(skip), _) => println!("  {}: skip, {skip}", s["step"].as_str().unwrap_or_default()),
                (None, Some(fee)) => println!("  {}: gas {gas}, data fee {fee} ETH", s["step"].as_str().unwrap_or_default()),
                (None, None) => println!("  {}: gas estimated when it runs", s["step"].as_str().unwrap_or_default()),
            }
        }
        println!("total: about {} ETH (deploys; wiring adds a little gas)", format_ether(total));
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
