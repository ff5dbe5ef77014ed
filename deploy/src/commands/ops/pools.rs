//! `rigshare pool ...`: create a pool (a share token and its splitter, from the code `up`
//! already activated, so no data fee), add a splitter for another payout asset, put deeds in a
//! pool, and move shares. Each step is recorded in the deployments file as soon as it is mined,
//! and a `pool create` cut short resumes where it stopped when re-run with the same name.

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};
use ethers::{prelude::*, utils::format_ether};
use serde::Serialize;

use super::{
    assets::Asset,
    session::{self, Session},
    units, Report,
};
use crate::{
    catalogue::{
        self, operator_role, revenue_splitter,
        rig_shares::{self, DeedDepositedFilter, RigShares},
        Entry, Inputs, SystemConfig, Wire, Wiring,
    },
    chain::{
        deployments::{PoolRecord, SplitterRecord},
        logs::LogScan,
        sender::{self as tx, Sent},
        stylus,
    },
    pipeline::workspace::Workspace,
};

/// Share tokens have 18 decimals (RigShares).
pub const SHARE_DECIMALS: u8 = rig_shares::DECIMALS;

/// `rigshare pool create`'s input.
#[derive(Debug, Clone)]
pub struct NewPool {
    pub name: String,
    pub symbol: String,
    /// Whole shares minted to the signer.
    pub supply: String,
    /// Payout asset of the pool's splitter (zero = ETH).
    pub asset: Address,
    /// Streaming window of the splitter, in seconds (0 = instant).
    pub stream_seconds: u64,
    /// Accounts the splitter excludes from earning, declared before the pool adopts it.
    pub exclusions: Vec<Address>,
}

/// One step a command sent.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub step: String,
    #[serde(flatten)]
    pub sent: Sent,
    /// Activation data fee charged, in wei (0 when the code was already active).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_fee_wei: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub pool: usize,
    pub name: String,
    pub symbol: String,
    pub shares: String,
    pub splitter: String,
    pub asset: Asset,
    pub supply: String,
    pub stream_seconds: u64,
    /// What this run sent; a resumed run lists only what was left.
    pub steps: Vec<Step>,
    pub deployments_file: String,
}

impl Report for Created {
    fn text(&self) -> String {
        let mut out = format!(
            "pool {} \"{}\" ({}): shares {} ({} minted), splitter {} paying {}\n",
            self.pool, self.name, self.symbol, self.shares, self.supply, self.splitter, self.asset.symbol
        );
        for s in &self.steps {
            let fee = s.data_fee_wei.as_deref().map_or(String::new(), |f| format!(", data fee {f} wei"));
            out += &format!("  {}: tx {} (block {}, gas {}{fee})\n", s.step, s.sent.tx, s.sent.block, s.sent.gas_used);
        }
        out += &format!("recorded in {}\n", self.deployments_file);
        out
    }
}

/// `target/rigshare/<package>.code` of `entry`, building the contracts first when it is missing.
pub fn stored_code(ws: &Workspace, s: &Session, entry: &Entry) -> Result<Vec<u8>> {
    let path = ws.code_path(&entry.contract);
    if !path.exists() {
        s.progress(format!("{} is missing: building the contracts first (a few minutes)", path.display()));
        tokio::task::block_in_place(|| crate::commands::build_as_step(ws))?;
    }
    std::fs::read(&path).with_context(|| format!("reading {} (run `rigshare build`)", path.display()))
}

/// Deploys `entry` with the constructor inputs of `system` and the addresses in `deployed`
/// (the catalogue orders them) through the crash-safe sender as step `step`; with the code
/// already activated there is no data fee.
pub async fn deploy(
    ws: &Workspace,
    s: &Session,
    entry: &Entry,
    step: &str,
    system: &SystemConfig,
    deployed: &BTreeMap<String, Address>,
) -> Result<(Address, Step)> {
    let me = s.signer()?;
    let code = stored_code(ws, s, entry)?;
    let args = entry.constructor_args(&Inputs { signer: me, deployed, system })?;
    let what = format!("deploying {}", entry.name());
    s.progress(&what);
    let (done, fee) = stylus::deploy(&s.sender, &what, step, &code, &args).await?;
    if fee.is_zero() {
        s.progress(format!("{} at {:?} (block {}); its code was already activated, no data fee", entry.name(), done.address, done.block));
    } else {
        s.progress(format!("{} at {:?} (block {}), activation data fee {} ETH", entry.name(), done.address, done.block, format_ether(fee)));
    }
    let sent = Sent { tx: format!("{:?}", done.tx), block: done.block, gas_used: done.gas_used };
    Ok((done.address, Step { step: what, sent, data_fee_wei: Some(fee.to_string()) }))
}

/// The catalogue's inputs for a pool's contracts: name, symbol and supply of its share token,
/// asset and window of its splitter.
fn pool_config(name: &str, symbol: &str, supply: U256, asset: Address, stream_seconds: u64, exclusions: Vec<Address>) -> Result<SystemConfig> {
    if exclusions.len() > catalogue::MAX_EXCLUSIONS {
        bail!("{} exclusions; at most {} per splitter", exclusions.len(), catalogue::MAX_EXCLUSIONS);
    }
    if let Some(a) = exclusions.iter().enumerate().find_map(|(i, a)| exclusions[..i].contains(a).then_some(a)) {
        bail!("--exclude {a:?} is given twice");
    }
    if exclusions.iter().any(Address::is_zero) {
        bail!("--exclude 0x0: the zero address holds no shares");
    }
    Ok(SystemConfig {
        pool_name: name.to_owned(),
        pool_symbol: symbol.to_owned(),
        pool_supply: supply,
        payout_asset: asset,
        stream_seconds,
        exclusions,
        ..SystemConfig::default()
    })
}

/// Runs one wiring step to completion: its next call, sent and mined, until it reports nothing
/// left (each call is its own crash-safe step, keyed by its calldata).
pub async fn wire_step(s: &Session, wire: &Wire<'_>, w: &Wiring, steps: &mut Vec<Step>) -> Result<()> {
    let mut calls = 0;
    while let Some(call) = (w.pending)(wire).await.with_context(|| format!("checking {}", w.name))? {
        if calls == catalogue::MAX_EXCLUSIONS {
            bail!("{} still needs a call after {calls} of them; nothing more was sent", w.name);
        }
        let what = format!("wiring {}", w.name);
        s.progress(&what);
        let receipt = s.send(&what, call).await?;
        steps.push(Step { step: what, sent: Sent::from(&receipt), data_fee_wei: None });
        calls += 1;
    }
    Ok(())
}

/// The splitter wiring step called `name`.
fn splitter_wiring(name: &str) -> &'static Wiring {
    revenue_splitter::ENTRY.wiring.iter().find(|w| w.name == name).expect("the splitter's catalogue entry has this step")
}

/// Everyone pool `index`'s splitters exclude (or have declared), from their exclusion events
/// since the pool was created, as each splitter reports them now.
async fn pool_exclusions(s: &Session, index: usize, splitters: &[Address]) -> Result<Vec<Address>> {
    if splitters.is_empty() {
        return Ok(Vec::new());
    }
    let from = s.pool(index)?.0.created_block;
    let latest = s.client.get_block_number().await.context("reading the block number")?.as_u64();
    let filter = Filter::new()
        .address(splitters.to_vec())
        .events(["ExclusionSet(address,bool)", "ExclusionPending(address,bool)"]);
    let mut named = Vec::new();
    LogScan::new(filter, from, latest)
        .for_each(&s.client, |_, logs| {
            for log in logs {
                if let Some(topic) = log.topics.get(1) {
                    let account = Address::from(*topic);
                    if !named.contains(&account) {
                        named.push(account);
                    }
                }
            }
            Ok(())
        })
        .await
        .with_context(|| format!("reading the exclusion events of pool {index}'s splitters"))?;
    let mut excluded = Vec::new();
    for account in named {
        for &at in splitters {
            let splitter = revenue_splitter::RevenueSplitter::new(at, s.client.clone());
            if splitter.is_excluded(account).call().await? || splitter.is_exclusion_pending(account).call().await? {
                excluded.push(account);
                break;
            }
        }
    }
    Ok(excluded)
}

/// The addresses a pool's constructors take: what the share token's and the splitter's
/// catalogue entries depend on, read from the deployments file (the system's RigDeed and the
/// two extension modules, stateless code every pool delegates to, so pools share them), and
/// the pool's share token once it exists.
fn pool_addresses(s: &Session, shares: Option<Address>) -> Result<BTreeMap<String, Address>> {
    let mut deployed = BTreeMap::new();
    let shared = rig_shares::ENTRY.depends_on.iter().chain(revenue_splitter::ENTRY.depends_on);
    for &name in shared.filter(|name| **name != rig_shares::NAME) {
        deployed.insert(name.to_owned(), s.contract(name)?);
    }
    if let Some(shares) = shares {
        deployed.insert(rig_shares::NAME.to_owned(), shares);
    }
    Ok(deployed)
}

/// `rigshare pool create`: the share token and its splitter from the catalogue's entries, then
/// the pool's part of the catalogue's wiring (the splitter hooked to the token, the signer its
/// operator). Every transaction is a step of the crash-safe sender named after the pool, and
/// each deployment is recorded as soon as it is mined, so a re-run with the same name resumes.
pub async fn create(ws: &Workspace, s: &Session, p: NewPool) -> Result<Created> {
    let me = s.signer()?;
    let supply = units::parse_units(&p.supply, SHARE_DECIMALS).context("--supply")?;
    anyhow::ensure!(!supply.is_zero(), "--supply must be more than 0 shares");
    let asset = Asset::read(&s.client, p.asset).await?;
    let config = pool_config(&p.name, &p.symbol, supply, p.asset, p.stream_seconds, p.exclusions.clone())?;
    let mut pools = s.pools();
    let mut steps = Vec::new();
    let step = |contract: &str| format!("pool create {:?} ({}): deploy {contract}", p.name, p.symbol);

    let existing = pools.iter().position(|x| x.name == p.name && x.symbol == p.symbol);
    let index = match existing {
        Some(i) if i == 0 || complete(s, &pools[i], me).await? => {
            bail!("pool {i} is already \"{}\" ({}) at {}; pick another name or symbol", p.name, p.symbol, pools[i].shares)
        }
        Some(i) => {
            s.progress(format!("resuming the creation of pool {i} \"{}\" at {}", p.name, pools[i].shares));
            i
        }
        None => {
            let deployed = pool_addresses(s, None)?;
            let (shares, done) = deploy(ws, s, &rig_shares::ENTRY, &step(rig_shares::NAME), &config, &deployed).await?;
            pools.push(PoolRecord {
                name: p.name.clone(),
                symbol: p.symbol.clone(),
                shares: format!("{shares:?}"),
                created_tx: done.sent.tx.clone(),
                created_block: done.sent.block,
                ..PoolRecord::default()
            });
            steps.push(done);
            s.save_pools(pools.clone())?;
            pools.len() - 1
        }
    };
    let shares: Address = pools[index].shares.parse().context("pool address in the deployments file")?;

    let splitter = match pools[index].splitters.first() {
        Some(sp) => sp.address.parse().context("splitter address in the deployments file")?,
        None => {
            let deployed = pool_addresses(s, Some(shares))?;
            let (splitter, done) = deploy(ws, s, &revenue_splitter::ENTRY, &step(revenue_splitter::NAME), &config, &deployed).await?;
            pools[index].splitters.push(SplitterRecord { asset: asset.key(), address: format!("{splitter:?}"), tx: Some(done.sent.tx.clone()) });
            steps.push(done);
            s.save_pools(pools.clone())?;
            splitter
        }
    };

    let mut addresses = pool_addresses(s, Some(shares))?;
    addresses.insert(revenue_splitter::NAME.to_owned(), splitter);
    let wire = Wire { client: &s.client, addresses: &addresses, signer: me, system: &config };
    for entry in [&rig_shares::ENTRY, &revenue_splitter::ENTRY] {
        for w in entry.wiring.iter().filter(|w| (w.applies)(&config)) {
            wire_step(s, &wire, w, &mut steps).await?;
        }
    }
    let supply_now = RigShares::new(shares, s.client.clone()).total_supply().call().await?;
    Ok(Created {
        pool: index,
        name: p.name,
        symbol: p.symbol,
        shares: format!("{shares:?}"),
        splitter: format!("{splitter:?}"),
        asset,
        supply: units::format_units(supply_now, SHARE_DECIMALS),
        stream_seconds: p.stream_seconds,
        steps,
        deployments_file: s.file(),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct SplitterAdded {
    pub pool: usize,
    pub splitter: String,
    pub asset: Asset,
    pub stream_seconds: u64,
    /// Accounts the new splitter excludes, copied from the pool's other splitters.
    pub exclusions: Vec<String>,
    pub steps: Vec<Step>,
    pub deployments_file: String,
}

impl Report for SplitterAdded {
    fn text(&self) -> String {
        let mut out = format!("pool {} now also pays {} through splitter {}\n", self.pool, self.asset.symbol, self.splitter);
        if !self.exclusions.is_empty() {
            out += &format!("  excluding, as the pool's other splitters do: {}\n", self.exclusions.join(", "));
        }
        for s in &self.steps {
            out += &format!("  {}: tx {} (block {}, gas {})\n", s.step, s.sent.tx, s.sent.block, s.sent.gas_used);
        }
        out += &format!("recorded in {}\n", self.deployments_file);
        out
    }
}

/// `rigshare pool add-splitter`: a splitter paying another asset on an existing pool (one per
/// asset; RigShares takes at most 4), deployed from the activated code, recorded, adopted.
/// Re-run after an interruption, it adopts the splitter it recorded instead of deploying another.
pub async fn add_splitter(ws: &Workspace, s: &Session, pool: usize, asset: Address, stream_seconds: u64) -> Result<SplitterAdded> {
    let me = s.signer()?;
    let (_, shares) = s.pool(pool)?;
    let asset = Asset::read(&s.client, asset).await?;
    let mut pools = s.pools();
    let recorded = pools[pool].splitters.iter().find(|r| r.asset.eq_ignore_ascii_case(&asset.key())).cloned();
    let token = RigShares::new(shares, s.client.clone());
    let what = "wiring RigShares.addRevenueSplitter";
    let adopted = super::assets::splitters(&s.client, shares).await?;
    let others: Vec<Address> = adopted.iter().filter(|sp| sp.asset.token != asset.token).map(|sp| sp.address).collect();
    let exclusions = pool_exclusions(s, pool, &others).await?;
    let config = pool_config("", "", U256::zero(), asset.token.unwrap_or_default(), stream_seconds, exclusions.clone())?;
    let mut steps = Vec::new();
    let (config, asset, exclusions) = (&config, &asset, &exclusions);
    let finish = |splitter: Address, mut steps: Vec<Step>| async move {
        // Exclusions declared before adoption take effect now; deposits wait for none pending.
        let mut addresses = pool_addresses(s, Some(shares))?;
        addresses.insert(revenue_splitter::NAME.to_owned(), splitter);
        let wire = Wire { client: &s.client, addresses: &addresses, signer: me, system: config };
        wire_step(s, &wire, splitter_wiring("RevenueSplitter.applyExclusion"), &mut steps).await?;
        Ok::<_, anyhow::Error>(SplitterAdded {
            pool,
            splitter: format!("{splitter:?}"),
            asset: asset.clone(),
            stream_seconds,
            exclusions: exclusions.iter().map(|a| format!("{a:?}")).collect(),
            steps,
            deployments_file: s.file(),
        })
    };
    // An adoption a killed run sent: finish it rather than refuse the asset as taken.
    if let Some(r) = &recorded {
        let splitter: Address = r.address.parse().context("splitter address in the deployments file")?;
        if let Some(receipt) = s.earlier(what, &token.add_revenue_splitter(splitter)).await? {
            return finish(splitter, vec![Step { step: what.into(), sent: Sent::from(&receipt), data_fee_wei: None }]).await;
        }
        // Adopted, but its declared exclusions not all applied yet (the run stopped there).
        let pending = revenue_splitter::RevenueSplitter::new(splitter, s.client.clone()).pending_exclusions().call().await;
        if adopted.iter().any(|sp| sp.address == splitter) && pending.is_ok_and(|n| !n.is_zero()) {
            return finish(splitter, Vec::new()).await;
        }
    }
    if let Some(sp) = adopted.iter().find(|sp| sp.asset.token == asset.token) {
        bail!("pool {pool} already has a splitter paying {} at {:?}; nothing was sent", asset.symbol, sp.address);
    }
    let splitter: Address = match recorded {
        Some(r) => {
            s.progress(format!("adopting the {} splitter {} recorded by an earlier run", asset.symbol, r.address));
            r.address.parse().context("splitter address in the deployments file")?
        }
        None => {
            let step = format!("pool {pool} add-splitter {}: deploy {}", asset.key(), revenue_splitter::NAME);
            let deployed = pool_addresses(s, Some(shares))?;
            let (splitter, done) = deploy(ws, s, &revenue_splitter::ENTRY, &step, config, &deployed).await?;
            pools[pool].splitters.push(SplitterRecord { asset: asset.key(), address: format!("{splitter:?}"), tx: Some(done.sent.tx.clone()) });
            steps.push(done);
            s.save_pools(pools)?;
            splitter
        }
    };
    {
        let mut addresses = pool_addresses(s, Some(shares))?;
        addresses.insert(revenue_splitter::NAME.to_owned(), splitter);
        let wire = Wire { client: &s.client, addresses: &addresses, signer: me, system: config };
        wire_step(s, &wire, splitter_wiring("RevenueSplitter.setExcluded"), &mut steps).await?;
    }
    s.progress(what);
    let receipt = s.send(what, token.add_revenue_splitter(splitter)).await?;
    steps.push(Step { step: what.into(), sent: Sent::from(&receipt), data_fee_wei: None });
    finish(splitter, steps).await
}

/// Whether a recorded pool has its splitter wired and the signer as its operator.
async fn complete(s: &Session, pool: &PoolRecord, me: Address) -> Result<bool> {
    let Some(splitter) = pool.splitters.first() else { return Ok(false) };
    let Ok(shares) = pool.shares.parse::<Address>() else { return Ok(false) };
    let token = RigShares::new(shares, s.client.clone());
    let wired = token.revenue_splitter().call().await.ok().map(|a| format!("{a:?}")) == Some(splitter.address.to_lowercase());
    Ok(wired && token.has_role(operator_role(), me).call().await.unwrap_or(false))
}

#[derive(Debug, Clone, Serialize)]
pub struct DeedsDeposited {
    pub pool: usize,
    pub shares: String,
    pub deposited: Vec<DeedStep>,
    /// The pool's backing afterwards: summed hashrate (GH/s) and power (W) of its non-retired rigs.
    pub backing_hashrate_ghs: String,
    pub backing_power_watts: String,
    pub backing_rigs: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeedStep {
    pub deed_id: u64,
    /// "safeTransferFrom", or "adoptDeed" for a deed the pool already owned.
    pub how: String,
    #[serde(flatten)]
    pub sent: Sent,
}

impl Report for DeedsDeposited {
    fn text(&self) -> String {
        let mut out = String::new();
        for d in &self.deposited {
            out += &format!("deed {} into pool {} by {} (tx {})\n", d.deed_id, self.pool, d.how, d.sent.tx);
        }
        out += &format!(
            "pool {} backing: {} TH/s, {} W from {} rig(s)\n",
            self.pool,
            units::format_units(units::dec(&self.backing_hashrate_ghs), 3),
            self.backing_power_watts,
            self.backing_rigs
        );
        out
    }
}

/// `rigshare pool deposit-deed`: every id is checked before anything is sent.
pub async fn deposit_deeds(s: &Session, pool: usize, ids: &[u64]) -> Result<DeedsDeposited> {
    let me = s.signer()?;
    anyhow::ensure!(!ids.is_empty(), "name at least one deed id");
    let (_, shares) = s.pool(pool)?;
    let deed = session::deed_contract(s)?;
    let token = RigShares::new(shares, s.client.clone());

    // Deposits a killed run sent for these ids count as done (the checks below would refuse them).
    let mut earlier = BTreeMap::new();
    for &id in ids {
        let what = format!("depositing deed {id} into pool {pool}");
        for (adopt, call) in [(false, deed.safe_transfer_from(me, shares, id.into())), (true, token.adopt_deed(id.into()))] {
            if let Some(receipt) = s.earlier(&what, &call).await? {
                earlier.insert(id, (adopt, receipt));
            }
        }
    }
    let listed = token.deed_ids().call().await.context("reading the pool's deedIds()")?;

    let mut plan = Vec::new();
    for &id in ids.iter().filter(|id| !earlier.contains_key(id)) {
        let owner = deed.owner_of(id.into()).call().await.map_err(|e| match e.as_revert() {
            Some(data) => anyhow::anyhow!("deed {id}: {}", s.sender.decoder().describe(data)),
            None => anyhow::anyhow!("reading the owner of deed {id}: {e}"),
        })?;
        let adopt = if owner == shares {
            if listed.contains(&id.into()) {
                bail!("deed {id} is already in pool {pool}; nothing was sent");
            }
            true
        } else if owner != me {
            bail!("deed {id} belongs to {owner:?}, not the signer {me:?}: sign with the owner's key; nothing was sent");
        } else {
            false
        };
        plan.push((id, adopt));
    }

    let mut deposited = Vec::new();
    let mut sent = Vec::new();
    for (id, adopt) in plan {
        let what = format!("depositing deed {id} into pool {pool}");
        s.progress(&what);
        let receipt = if adopt {
            s.send(&what, token.adopt_deed(id.into())).await?
        } else {
            s.send(&what, deed.safe_transfer_from(me, shares, id.into())).await?
        };
        sent.push((id, adopt, receipt));
    }
    let mut all: Vec<_> = earlier.into_iter().map(|(id, (adopt, receipt))| (id, adopt, receipt)).chain(sent).collect();
    all.sort_by_key(|(id, ..)| ids.iter().position(|x| x == id));
    for (id, adopt, receipt) in all {
        let what = format!("depositing deed {id} into pool {pool}");
        let event: DeedDepositedFilter =
            tx::event(&receipt, shares).with_context(|| format!("{what}: no DeedDeposited event"))?;
        anyhow::ensure!(event.token_id == id.into(), "{what}: the pool reported deed {}", event.token_id);
        let how = if adopt { "adoptDeed" } else { "safeTransferFrom" };
        deposited.push(DeedStep { deed_id: id, how: how.into(), sent: Sent::from(&receipt) });
    }
    let (hashrate, power, rigs) = token.backing().call().await.context("reading the pool's backing()")?;
    Ok(DeedsDeposited {
        pool,
        shares: format!("{shares:?}"),
        deposited,
        backing_hashrate_ghs: hashrate.to_string(),
        backing_power_watts: power.to_string(),
        backing_rigs: rigs.as_u64(),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct Transferred {
    pub pool: usize,
    pub from: String,
    pub to: String,
    /// Whole shares.
    pub amount: String,
    /// Base units (18 decimals).
    pub amount_raw: String,
    #[serde(flatten)]
    pub sent: Sent,
}

impl Report for Transferred {
    fn text(&self) -> String {
        format!("{} shares of pool {} from {} to {} (tx {})\n", self.amount, self.pool, self.from, self.to, self.sent.tx)
    }
}

/// `rigshare pool transfer`: moves shares; the splitters keep revenue earned so far with the sender.
pub async fn transfer(s: &Session, pool: usize, to: Address, amount: &str) -> Result<Transferred> {
    let me = s.signer()?;
    let (record, shares) = s.pool(pool)?;
    let value = units::parse_units(amount, SHARE_DECIMALS).context("--amount")?;
    let token = RigShares::new(shares, s.client.clone());
    let what = format!("transferring {amount} {} to {to:?}", record.symbol);
    let call = token.transfer(to, value);
    let receipt = match s.earlier(&what, &call).await? {
        Some(receipt) => receipt,
        None => {
            let have = token.balance_of(me).call().await?;
            if have < value {
                bail!(
                    "insufficient shares: {me:?} holds {} {} of pool {pool}, the transfer is {amount}; nothing was sent",
                    units::format_units(have, SHARE_DECIMALS),
                    record.symbol
                );
            }
            s.progress(&what);
            s.send(&what, call).await?
        }
    };
    Ok(Transferred {
        pool,
        from: format!("{me:?}"),
        to: format!("{to:?}"),
        amount: units::format_units(value, SHARE_DECIMALS),
        amount_raw: value.to_string(),
        sent: Sent::from(&receipt),
    })
}
