//! `up --cache`: once the system is deployed and wired, get each of its programs cached, one
//! step per catalogue entry (`cache RigDeed`, ...), so every call into them pays Nitro's cached
//! init price. On a dev chain the deployer, as chain owner, calls ArbWasmCache.cacheProgram; on
//! a public Arbitrum chain it bids in the chain's CacheManager (its minimum bid plus
//! `--cache-bid-margin-bps`). A program already cached is skipped (`codehashIsCached`), and
//! each transaction goes through the crash-safe sender under its step's name, so a re-run
//! neither caches nor bids twice.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use ethers::{prelude::*, utils::format_ether};

use crate::{
    catalogue::Entry,
    chain::{cache::{self, Route}, deployments::WiringRecord, sender::Sender},
};

fn progress(what: impl std::fmt::Display) {
    crate::chain::progress("up", what);
}

/// The step's name in the deployments file and the summary.
pub fn step_name(contract: &str) -> String {
    format!("cache {contract}")
}

/// Where bids go and which way this chain caches, checked before anything is sent: a chain
/// owner for the owner route, a registered cache manager for the bid route.
async fn route(sender: &Sender, chain_id: u64) -> Result<(Route, Option<Address>)> {
    let client = &sender.client;
    match Route::for_chain(chain_id) {
        Route::Owner => {
            let me = client.address();
            if !cache::is_chain_owner(client, me).await? {
                bail!(
                    "--cache: {me:?} is not a chain owner of chain {chain_id} (ArbOwnerPublic.isChainOwner), so \
                     ArbWasmCache would refuse it; on the dev node deploy with the dev key (account 0)"
                );
            }
            Ok((Route::Owner, None))
        }
        Route::Bid => {
            let managers = cache::cache_managers(client).await?;
            Ok((Route::Bid, Some(cache::pick_cache_manager(&managers, chain_id)?)))
        }
    }
}

/// Caches every program of `system` (deployed at `addresses`, with `codehashes`); returns the
/// summary lines (step, what happened).
pub async fn cache_system(
    sender: &Sender,
    chain_id: u64,
    system: &[&Entry],
    addresses: &BTreeMap<String, Address>,
    codehashes: &BTreeMap<String, H256>,
    margin_bps: u32,
) -> Result<Vec<(String, String)>> {
    let client = &sender.client;
    let (route, manager) = route(sender, chain_id).await?;
    let mut summary = Vec::new();
    for entry in system {
        let name = entry.name();
        let step = step_name(name);
        let (Some(&program), Some(&codehash)) = (addresses.get(name), codehashes.get(name)) else {
            bail!("{step}: {name} is not deployed");
        };
        // A bid or cache a killed run sent: wait for it; the check below then sees its effect.
        sender.settle(&step).await?;
        if cache::is_cached(client, codehash).await? {
            progress(format!("{step}: already cached"));
            sender.ledger.update(|d| {
                d.wiring.entry(step.clone()).or_insert(WiringRecord { tx: None, block: None });
            })?;
            summary.push((step, "in place".to_owned()));
            continue;
        }
        let (what, call) = match (route, manager) {
            (Route::Bid, Some(manager)) => {
                let amount = cache::bid_amount(cache::min_bid(client, manager, program).await?, margin_bps)?;
                let what = format!("bidding {} ETH in the CacheManager {manager:?} to cache {name}", format_ether(amount));
                (what, cache::place_bid_call(client, manager, program, amount))
            }
            _ => (format!("caching {name} (ArbWasmCache.cacheProgram)"), cache::cache_program_call(client, program)),
        };
        progress(&what);
        let receipt = sender.send_step(&what, &step, call, Default::default()).await?;
        let record = WiringRecord {
            tx: Some(format!("{:?}", receipt.transaction_hash)),
            block: receipt.block_number.map(|b| b.as_u64()),
        };
        sender.ledger.update(|d| d.wiring.insert(step.clone(), record))?;
        summary.push((step, format!("{:?}", receipt.transaction_hash)));
    }
    Ok(summary)
}

/// The dry run's cache steps: on the bid route each program's bid (the CacheManager's minimum
/// for its address if deployed, else for the asm size Nitro will estimate at activation, plus
/// the margin) and their total; on the owner route, what will be cached. Sends nothing.
pub async fn plan(
    sender: &Sender,
    chain_id: u64,
    system: &[&Entry],
    codes: &[Vec<u8>],
    deployed: &BTreeMap<String, Address>,
    margin_bps: u32,
) -> Result<(Vec<serde_json::Value>, U256)> {
    let client = &sender.client;
    let (route, manager) = route(sender, chain_id).await?;
    let mut steps = Vec::new();
    let mut total = U256::zero();
    for (entry, code) in system.iter().zip(codes) {
        let name = entry.name();
        let step = step_name(name);
        let codehash = H256::from(ethers::utils::keccak256(code));
        if cache::is_cached(client, codehash).await? {
            steps.push(serde_json::json!({"step": step, "skip": "already cached"}));
            continue;
        }
        match (route, manager) {
            (Route::Bid, Some(manager)) => {
                let min = match deployed.get(name) {
                    Some(&program) => cache::min_bid(client, manager, program).await?,
                    None => {
                        let Some(size) = cache::asm_size_of(code) else {
                            bail!("{step}: {name}'s code is not a Stylus program that activates");
                        };
                        cache::min_bid_for_size(client, manager, size).await?
                    }
                };
                let amount = cache::bid_amount(min, margin_bps)?;
                total += amount;
                steps.push(serde_json::json!({"step": step, "gas": null, "bid_eth": format_ether(amount), "cache_manager": manager}));
            }
            _ => steps.push(serde_json::json!({"step": step, "gas": null, "note": "ArbWasmCache.cacheProgram as chain owner"})),
        }
    }
    Ok((steps, total))
}
