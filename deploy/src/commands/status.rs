//! `rigshare status`: for each pool, its share token and supply, the deeds it holds with their
//! specs, its backing hashrate, its splitters (asset, payees, totals) and every account's
//! shares and claimable revenue.
//!
//! Holders are found from the share token's `Transfer` logs, read in bounded block ranges
//! (`chain::logs`, so RPCs that cap `eth_getLogs` answer) from the block the pool was created
//! in. What was read is recorded in the deployments file, so the next `status` only reads the
//! blocks since, and a scan cut short resumes from the last range it finished.

use std::collections::BTreeSet;

use anyhow::{Context, Result};
use ethers::prelude::*;
use serde::Serialize;

use super::ops::{
    assets::{self, Asset},
    payees::PayeeOut,
    pools::SHARE_DECIMALS,
    revenue::Amount,
    rig::{Kind, Status},
    session::{self, Session},
    units, Report,
};
use crate::{
    catalogue::{
        rig_deed::RigDeed,
        rig_shares::{RigShares, TransferFilter},
    },
    chain::{logs::LogScan, Client},
};

#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub chain_id: u64,
    pub rpc_url: String,
    pub deployments_file: String,
    pub rig_deed: String,
    pub pools: Vec<PoolStatus>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PoolStatus {
    pub pool: usize,
    pub name: String,
    pub symbol: String,
    pub shares: String,
    pub supply: Amount,
    pub rigs: Vec<Rig>,
    pub backing: Backing,
    pub splitters: Vec<SplitterStatus>,
    /// Holders (from the share token's Transfer logs) and payees.
    pub accounts: Vec<AccountStatus>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rig {
    pub deed_id: u64,
    pub model: String,
    pub hashrate_ghs: u64,
    pub hashrate_ths: String,
    pub power_watts: u32,
    pub site: String,
    pub status: String,
    pub kind: String,
}

/// Sums over the pool's non-retired rigs (RigShares.backing()).
#[derive(Debug, Clone, Serialize)]
pub struct Backing {
    pub hashrate_ghs: String,
    pub hashrate_ths: String,
    pub power_watts: String,
    pub rigs: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SplitterStatus {
    pub splitter: String,
    pub asset: Asset,
    pub stream_seconds: u64,
    pub paused: bool,
    pub payees: Vec<PayeeOut>,
    pub deposited: Amount,
    pub to_holders: Amount,
    pub claimed: Amount,
    pub streaming: Amount,
    pub carried: Amount,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountStatus {
    pub account: String,
    /// "holder", and "payee" or the payee's label.
    pub roles: Vec<String>,
    pub shares: Amount,
    /// One entry per splitter, in the order of `splitters`.
    pub claimable: Vec<Amount>,
}

/// `rigshare status [--pool N]`.
pub async fn status(s: &Session, only: Option<usize>) -> Result<Overview> {
    let deed = session::deed_contract(s)?;
    let count = s.pools().len();
    let indices: Vec<usize> = match only {
        Some(i) => {
            s.pool(i)?;
            vec![i]
        }
        None => (0..count).collect(),
    };
    let mut pools = Vec::new();
    for i in indices {
        s.progress(format!("reading pool {i}"));
        pools.push(pool_status(s, &deed, i).await?);
    }
    Ok(Overview {
        chain_id: s.chain_id,
        rpc_url: s.url.clone(),
        deployments_file: s.file(),
        rig_deed: format!("{:?}", deed.address()),
        pools,
    })
}

async fn pool_status(s: &Session, deed: &RigDeed<Client>, index: usize) -> Result<PoolStatus> {
    let (record, address) = s.pool(index)?;
    let token = RigShares::new(address, s.client.clone());
    let shares_asset = Asset { token: Some(address), symbol: record.symbol.clone(), decimals: SHARE_DECIMALS };
    let supply = token.total_supply().call().await.context("reading totalSupply()")?;

    let mut rigs = Vec::new();
    for id in token.deed_ids().call().await.context("reading deedIds()")? {
        let (model, hashrate_ghs, power_watts, site, _serial, kind, status, _minted, _updated) =
            deed.rig(id).call().await.with_context(|| format!("reading rig({id})"))?;
        rigs.push(Rig {
            deed_id: id.as_u64(),
            model,
            hashrate_ghs,
            hashrate_ths: units::format_units(hashrate_ghs.into(), 3),
            power_watts,
            site,
            status: Status::label(status),
            kind: Kind::label(kind),
        });
    }
    let (hashrate, power, count) = token.backing().call().await.context("reading backing()")?;
    let backing = Backing {
        hashrate_ghs: hashrate.to_string(),
        hashrate_ths: units::format_units(hashrate, 3),
        power_watts: power.to_string(),
        rigs: count.as_u64(),
    };

    let mut splitters = Vec::new();
    let mut payees = BTreeSet::new();
    let found = assets::splitters(&s.client, address).await?;
    for sp in &found {
        let c = sp.contract(&s.client);
        let (accounts, bps) = c.payees().call().await.context("reading payees()")?;
        let (deposited, to_holders, claimed, streaming, carried) = c.totals().call().await.context("reading totals()")?;
        let a = &sp.asset;
        splitters.push(SplitterStatus {
            splitter: format!("{:?}", sp.address),
            asset: a.clone(),
            stream_seconds: c.stream_window().call().await.context("reading streamWindow()")?,
            paused: c.paused().call().await.unwrap_or(false),
            payees: accounts
                .iter()
                .zip(&bps)
                .map(|(account, &bps)| PayeeOut {
                    account: format!("{account:?}"),
                    label: record.payee_labels.get(&format!("{account:?}")).cloned(),
                    bps,
                })
                .collect(),
            deposited: Amount::of(deposited, a),
            to_holders: Amount::of(to_holders, a),
            claimed: Amount::of(claimed, a),
            streaming: Amount::of(streaming, a),
            carried: Amount::of(carried, a),
        });
        payees.extend(accounts);
    }

    let holders = holders(s, index, address).await?;
    let mut accounts = Vec::new();
    for account in holders.iter().chain(payees.iter().filter(|p| !holders.contains(p))) {
        let balance = token.balance_of(*account).call().await?;
        let mut claimable = Vec::new();
        for sp in &found {
            let raw = sp.contract(&s.client).claimable(*account).call().await.context("reading claimable()")?;
            claimable.push(Amount::of(raw, &sp.asset));
        }
        let mut roles = Vec::new();
        if !balance.is_zero() {
            roles.push("holder".to_owned());
        }
        if payees.contains(account) {
            let label = record.payee_labels.get(&format!("{account:?}")).cloned();
            roles.push(label.map_or_else(|| "payee".to_owned(), |l| format!("payee ({l})")));
        }
        let owed = claimable.iter().any(|c| c.raw != "0");
        if roles.is_empty() && !owed {
            continue; // sold out and claimed everything
        }
        if roles.is_empty() {
            roles.push("former holder".to_owned());
        }
        accounts.push(AccountStatus {
            account: format!("{account:?}"),
            roles,
            shares: Amount::of(balance, &shares_asset),
            claimable,
        });
    }

    Ok(PoolStatus {
        pool: index,
        name: record.name,
        symbol: record.symbol,
        shares: format!("{address:?}"),
        supply: Amount::of(supply, &shares_asset),
        rigs,
        backing,
        splitters,
        accounts,
    })
}

/// Every address that ever sent or received pool `index`'s share token, in first-seen order:
/// those recorded by earlier scans, then those in the blocks since, recorded after each range.
async fn holders(s: &Session, index: usize, shares: Address) -> Result<Vec<Address>> {
    let record = s.pool(index)?.0;
    let mut seen: Vec<Address> = record.holders.iter().filter_map(|a| a.parse().ok()).collect();
    let from = record.holders_scanned_to.map_or(record.created_block, |b| b + 1);
    let latest = s.client.get_block_number().await.context("reading the block number")?.as_u64();
    let filter = Filter::new().address(shares).event("Transfer(address,address,uint256)");
    let mut scan = LogScan::new(filter, from, latest);
    scan.for_each(&s.client, |scan, logs| {
        for log in logs {
            let Ok(t) = ethers::contract::parse_log::<TransferFilter>(log) else { continue };
            for a in [t.from, t.to] {
                if !a.is_zero() && !seen.contains(&a) {
                    seen.push(a);
                }
            }
        }
        let mut pools = s.pools();
        if let Some(p) = pools.get_mut(index).filter(|p| p.shares.eq_ignore_ascii_case(&format!("{shares:?}"))) {
            p.holders = seen.iter().map(|a| format!("{a:?}")).collect();
            p.holders_scanned_to = Some(scan.next - 1);
            s.save_pools(pools)?;
        }
        Ok(())
    })
    .await
    .with_context(|| format!("reading the Transfer logs of {shares:?} (pool {index})"))?;
    Ok(seen)
}

impl Report for Overview {
    fn text(&self) -> String {
        let mut out = format!("chain {} at {}; deployments in {}\nRigDeed {}\n", self.chain_id, self.rpc_url, self.deployments_file, self.rig_deed);
        for p in &self.pools {
            out += &format!(
                "\npool {} \"{}\" ({}) at {}: supply {} shares\n",
                p.pool,
                p.name,
                p.symbol,
                p.shares,
                units::format_grouped(units::dec(&p.supply.raw), SHARE_DECIMALS)
            );
            out += &format!(
                "backing (rigs not retired): {} TH/s, {} W from {} rig(s)\n",
                p.backing.hashrate_ths, p.backing.power_watts, p.backing.rigs
            );
            if !p.rigs.is_empty() {
                out += "| deed | model | TH/s | W | site | kind | status |\n|---:|---|---:|---:|---|---|---|\n";
                for r in &p.rigs {
                    out += &format!(
                        "| {} | {} | {} | {} | {} | {} | {} |\n",
                        r.deed_id, r.model, r.hashrate_ths, r.power_watts, r.site, r.kind, r.status
                    );
                }
            }
            for sp in &p.splitters {
                let stream = if sp.stream_seconds == 0 { "instant".to_owned() } else { format!("streamed over {}s", sp.stream_seconds) };
                out += &format!(
                    "splitter {} pays {} ({stream}{}): deposited {}, to holders {}, claimed {}, streaming {}, carried {}\n",
                    sp.splitter,
                    sp.asset.symbol,
                    if sp.paused { ", paused" } else { "" },
                    sp.deposited.amount,
                    sp.to_holders.amount,
                    sp.claimed.amount,
                    sp.streaming.amount,
                    sp.carried.amount
                );
                let payees: Vec<String> = sp
                    .payees
                    .iter()
                    .map(|x| {
                        let label = x.label.as_deref().map_or(String::new(), |l| format!("{l} "));
                        format!("{label}{} {}.{:02}%", x.account, x.bps / 100, x.bps % 100)
                    })
                    .collect();
                out += &format!("  payees: {}\n", if payees.is_empty() { "none".to_owned() } else { payees.join(", ") });
            }
            if !p.accounts.is_empty() {
                let assets: Vec<&str> = p.splitters.iter().map(|s| s.asset.symbol.as_str()).collect();
                out += &format!("| account | role | shares |{}\n", assets.iter().map(|a| format!(" claimable {a} |")).collect::<String>());
                out += &format!("|---|---|---:|{}\n", "---:|".repeat(assets.len()));
                for a in &p.accounts {
                    out += &format!(
                        "| {} | {} | {} |{}\n",
                        a.account,
                        a.roles.join(", "),
                        units::format_grouped(units::dec(&a.shares.raw), SHARE_DECIMALS),
                        a.claimable.iter().map(|c| format!(" {} |", c.amount)).collect::<String>()
                    );
                }
            }
        }
        out
    }
}
