//! `rigshare pool ...`: create a pool (a share token and its splitter, from the code `up`
//! already activated, so no data fee), add a splitter for another payout asset, put deeds in a
//! pool, and move shares. Each step is recorded in the deployments file as soon as it is mined,
//! and a `pool create` cut short resumes where it stopped when re-run with the same name.

use anyhow::{bail, Context, Result};
use ethers::{
    abi::Token,
    prelude::*,
    utils::{format_ether, keccak256},
};
use serde::Serialize;

use super::{
    assets::Asset,
    bindings::{rig_shares::DeedDepositedFilter, RigDeed, RigShares},
    revert,
    session::Session,
    tx::{self, Sent},
    units, Report,
};
use crate::{
    up::{
        artifacts::{PoolRecord, SplitterRecord},
        deployer,
        wiring::operator_role,
    },
    workspace::Workspace,
};

/// Share tokens have 18 decimals (RigShares).
pub const SHARE_DECIMALS: u8 = 18;

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

/// `target/rigshare/<package>.code`, building the contracts first when it is missing.
pub fn stored_code(ws: &Workspace, s: &Session, package: &str) -> Result<Vec<u8>> {
    let path = ws.out_dir().join(format!("{package}.code"));
    if !path.exists() {
        s.progress(format!("{} is missing: building the contracts first (a few minutes)", path.display()));
        tokio::task::block_in_place(|| crate::commands::build_as_step(ws))?;
    }
    std::fs::read(&path).with_context(|| format!("reading {} (run `rigshare build`)", path.display()))
}

/// Deploys `code` through StylusDeployer; with the code already activated there is no data fee.
pub async fn deploy(s: &Session, contract: &str, code: &[u8], args: &[Token]) -> Result<(Address, Step)> {
    let fee = deployer::data_fee(&s.client, code).await?;
    if fee.is_zero() {
        s.progress(format!("deploying {contract}: its code is already activated, no data fee"));
    } else {
        s.progress(format!("deploying {contract}: activation data fee {} ETH", format_ether(fee)));
    }
    let what = format!("deploying {contract}");
    let receipt = tx::send(s, &what, deployer::deploy_call(&s.client, code, args, deployer::bumped(fee))).await?;
    let done = deployer::deployed_from(&what, &receipt)?;
    s.progress(format!("{contract} at {:?} (block {})", done.address, done.block));
    let step = Step { step: what, sent: Sent::from(&receipt), data_fee_wei: Some(activation_fee_paid(&receipt).to_string()) };
    Ok((done.address, step))
}

/// The data fee ArbWasm charged in `receipt` (its `ProgramActivated` event; StylusDeployer
/// refunded the rest of the bump), 0 when the code was already active.
pub fn activation_fee_paid(receipt: &TransactionReceipt) -> U256 {
    let topic = H256::from(keccak256("ProgramActivated(bytes32,bytes32,address,uint256,uint16)"));
    receipt
        .logs
        .iter()
        .find(|l| l.address == deployer::arb_wasm() && l.topics.first() == Some(&topic) && l.data.len() >= 96)
        .map_or_else(U256::zero, |l| U256::from_big_endian(&l.data[64..96]))
}

/// `rigshare pool create`.
pub async fn create(ws: &Workspace, s: &mut Session, p: NewPool) -> Result<Created> {
    let me = s.signer()?;
    let supply = units::parse_units(&p.supply, SHARE_DECIMALS).context("--supply")?;
    anyhow::ensure!(!supply.is_zero(), "--supply must be more than 0 shares");
    let deed = s.contract("RigDeed")?;
    let asset = Asset::read(&s.client, p.asset).await?;
    let mut pools = s.deployments.pool_list();
    let mut steps = Vec::new();

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
            let code = stored_code(ws, s, "rig-shares")?;
            let args = [
                Token::String(p.name.clone()),
                Token::String(p.symbol.clone()),
                Token::Uint(supply),
                Token::Address(me),
                Token::Address(deed),
                Token::Address(me),
            ];
            let (shares, step) = deploy(s, "RigShares", &code, &args).await?;
            pools.push(PoolRecord {
                name: p.name.clone(),
                symbol: p.symbol.clone(),
                shares: format!("{shares:?}"),
                splitters: Vec::new(),
                created_tx: step.sent.tx.clone(),
                created_block: step.sent.block,
                payee_labels: Default::default(),
            });
            steps.push(step);
            s.deployments.pools = pools.clone();
            s.save()?;
            pools.len() - 1
        }
    };
    let shares: Address = pools[index].shares.parse().context("pool address in the deployments file")?;

    let splitter = match pools[index].splitters.first() {
        Some(sp) => sp.address.parse().context("splitter address in the deployments file")?,
        None => {
            let code = stored_code(ws, s, "revenue-splitter")?;
            let args = [Token::Address(shares), Token::Address(p.asset), Token::Uint(p.stream_seconds.into()), Token::Address(me)];
            let (splitter, step) = deploy(s, "RevenueSplitter", &code, &args).await?;
            pools[index].splitters.push(SplitterRecord {
                asset: asset.key(),
                address: format!("{splitter:?}"),
                tx: Some(step.sent.tx.clone()),
            });
            steps.push(step);
            s.deployments.pools = pools.clone();
            s.save()?;
            splitter
        }
    };

    let token = RigShares::new(shares, s.client.clone());
    let current = token.revenue_splitter().call().await.context("reading RigShares.revenueSplitter()")?;
    if current != splitter {
        let what = "wiring RigShares.setRevenueSplitter";
        s.progress(what);
        let receipt = tx::send(s, what, token.set_revenue_splitter(splitter)).await?;
        steps.push(Step { step: what.into(), sent: Sent::from(&receipt), data_fee_wei: None });
    }
    if !token.has_role(operator_role(), me).call().await.context("reading RigShares.hasRole")? {
        let what = "wiring RigShares.grantRole(OPERATOR_ROLE)";
        s.progress(what);
        let receipt = tx::send(s, what, token.grant_role(operator_role(), me)).await?;
        steps.push(Step { step: what.into(), sent: Sent::from(&receipt), data_fee_wei: None });
    }
    let supply_now = token.total_supply().call().await?;
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
        deployments_file: s.file.display().to_string(),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct SplitterAdded {
    pub pool: usize,
    pub splitter: String,
    pub asset: Asset,
    pub stream_seconds: u64,
    pub steps: Vec<Step>,
    pub deployments_file: String,
}

impl Report for SplitterAdded {
    fn text(&self) -> String {
        let mut out = format!("pool {} now also pays {} through splitter {}\n", self.pool, self.asset.symbol, self.splitter);
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
pub async fn add_splitter(ws: &Workspace, s: &mut Session, pool: usize, asset: Address, stream_seconds: u64) -> Result<SplitterAdded> {
    let me = s.signer()?;
    let (_, shares) = s.pool(pool)?;
    let asset = Asset::read(&s.client, asset).await?;
    let adopted = super::assets::splitters(&s.client, shares).await?;
    if let Some(sp) = adopted.iter().find(|sp| sp.asset.token == asset.token) {
        bail!("pool {pool} already has a splitter paying {} at {:?}; nothing was sent", asset.symbol, sp.address);
    }
    let mut pools = s.deployments.pool_list();
    let mut steps = Vec::new();
    let recorded = pools[pool].splitters.iter().find(|r| r.asset.eq_ignore_ascii_case(&asset.key())).cloned();
    let splitter: Address = match recorded {
        Some(r) => {
            s.progress(format!("adopting the {} splitter {} recorded by an earlier run", asset.symbol, r.address));
            r.address.parse().context("splitter address in the deployments file")?
        }
        None => {
            let code = stored_code(ws, s, "revenue-splitter")?;
            let args = [Token::Address(shares), Token::Address(asset.token.unwrap_or_default()), Token::Uint(stream_seconds.into()), Token::Address(me)];
            let (splitter, step) = deploy(s, "RevenueSplitter", &code, &args).await?;
            pools[pool].splitters.push(SplitterRecord { asset: asset.key(), address: format!("{splitter:?}"), tx: Some(step.sent.tx.clone()) });
            steps.push(step);
            s.deployments.pools = pools;
            s.save()?;
            splitter
        }
    };
    let what = "wiring RigShares.addRevenueSplitter";
    s.progress(what);
    let receipt = tx::send(s, what, RigShares::new(shares, s.client.clone()).add_revenue_splitter(splitter)).await?;
    steps.push(Step { step: what.into(), sent: Sent::from(&receipt), data_fee_wei: None });
    Ok(SplitterAdded {
        pool,
        splitter: format!("{splitter:?}"),
        asset,
        stream_seconds,
        steps,
        deployments_file: s.file.display().to_string(),
    })
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
    let deed = RigDeed::new(s.contract("RigDeed")?, s.client.clone());
    let token = RigShares::new(shares, s.client.clone());
    let listed = token.deed_ids().call().await.context("reading the pool's deedIds()")?;

    let mut plan = Vec::new();
    for &id in ids {
        let owner = deed.owner_of(id.into()).call().await.map_err(|e| match e.as_revert() {
            Some(data) => anyhow::anyhow!("deed {id}: {}", revert::describe(data)),
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
    for (id, adopt) in plan {
        let what = format!("depositing deed {id} into pool {pool}");
        s.progress(&what);
        let receipt = if adopt {
            tx::send(s, &what, token.adopt_deed(id.into())).await?
        } else {
            tx::send(s, &what, deed.safe_transfer_from(me, shares, id.into())).await?
        };
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
    let have = token.balance_of(me).call().await?;
    if have < value {
        bail!(
            "insufficient shares: {me:?} holds {} {} of pool {pool}, the transfer is {amount}; nothing was sent",
            units::format_units(have, SHARE_DECIMALS),
            record.symbol
        );
    }
    let what = format!("transferring {amount} {} to {to:?}", record.symbol);
    s.progress(&what);
    let receipt = tx::send(s, &what, token.transfer(to, value)).await?;
    Ok(Transferred {
        pool,
        from: format!("{me:?}"),
        to: format!("{to:?}"),
        amount: units::format_units(value, SHARE_DECIMALS),
        amount_raw: value.to_string(),
        sent: Sent::from(&receipt),
    })
}
