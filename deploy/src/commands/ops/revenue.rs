//! `rigshare revenue ...`: deposit a pool's revenue (ETH with the call, an ERC-20 after an
//! approval), show what an account can claim, and claim it. Amounts are in the asset's units
//! ("0.5" ETH, "0.0125" of an 8-decimal token); JSON gives base units too.

use anyhow::{bail, Context, Result};
use ethers::prelude::*;
use serde::Serialize;

use super::{
    assets::{self, Asset},
    session::Session,
    units, Report,
};
use crate::{
    catalogue::{
        revenue_splitter::{ClaimedFilter, PayeeCreditedFilter, RevenueDepositedFilter},
    },
    chain::sender::{self as tx, Sent},
};

/// An amount of an asset, exact in base units and readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Amount {
    /// Base units (wei, satoshi-like units, ...).
    pub raw: String,
    /// Whole units, exact.
    pub amount: String,
    pub symbol: String,
}

impl Amount {
    pub fn of(raw: U256, asset: &Asset) -> Self {
        Self { raw: raw.to_string(), amount: units::format_units(raw, asset.decimals), symbol: asset.symbol.clone() }
    }
}

impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.amount, self.symbol)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PayeeCut {
    pub payee: String,
    pub label: Option<String>,
    #[serde(flatten)]
    pub amount: Amount,
}

#[derive(Debug, Clone, Serialize)]
pub struct Deposited {
    pub pool: usize,
    pub splitter: String,
    pub asset: Asset,
    pub from: String,
    pub amount: Amount,
    pub to_holders: Amount,
    pub to_payees: Amount,
    /// Each payee's cut of this deposit.
    pub payees: Vec<PayeeCut>,
    /// The approval (ERC-20 only, when the allowance was short), then the deposit.
    pub steps: Vec<Sent>,
}

impl Report for Deposited {
    fn text(&self) -> String {
        let mut out = format!(
            "deposited {} into pool {} (splitter {}): {} to holders, {} to payees (tx {})\n",
            self.amount,
            self.pool,
            self.splitter,
            self.to_holders,
            self.to_payees,
            self.steps.last().map_or("", |s| s.tx.as_str())
        );
        for cut in &self.payees {
            let label = cut.label.as_deref().map_or(String::new(), |l| format!("{l} "));
            out += &format!("  payee {label}{}: {}\n", cut.payee, cut.amount);
        }
        out
    }
}

/// `rigshare revenue deposit`.
pub async fn deposit(s: &Session, pool: usize, amount: &str, token: Option<&str>) -> Result<Deposited> {
    let me = s.signer()?;
    let (_, shares) = s.pool(pool)?;
    let splitter = assets::select_one(s, pool, shares, token).await?;
    let asset = splitter.asset.clone();
    let value = units::parse_units(amount, asset.decimals).context("--amount")?;
    anyhow::ensure!(!value.is_zero(), "--amount must be more than 0");
    let contract = splitter.contract(&s.client);
    let mut steps = Vec::new();
    let what = format!("depositing {} {} into pool {pool}", units::format_units(value, asset.decimals), asset.symbol);
    let call = match asset.token {
        None => contract.deposit_eth().value(value),
        Some(_) => contract.deposit(value),
    };
    // A deposit a killed run sent is settled, never paid a second time.
    let receipt = match s.earlier(&what, &call).await? {
        Some(receipt) => receipt,
        None => {
            steps.extend(assets::prepare_payment(s, &asset, splitter.address, value, "the deposit is").await?);
            s.progress(&what);
            s.send(&what, call).await?
        }
    };
    steps.push(Sent::from(&receipt));
    let event: RevenueDepositedFilter =
        tx::event(&receipt, splitter.address).context("the deposit emitted no RevenueDeposited event")?;
    let labels = s.pool(pool)?.0.payee_labels;
    let payees = tx::events::<PayeeCreditedFilter>(&receipt, splitter.address)
        .into_iter()
        .map(|p| {
            let payee = format!("{:?}", p.payee);
            PayeeCut { label: labels.get(&payee).cloned(), payee, amount: Amount::of(p.amount, &asset) }
        })
        .collect();
    Ok(Deposited {
        pool,
        splitter: format!("{:?}", splitter.address),
        from: format!("{me:?}"),
        amount: Amount::of(event.amount, &asset),
        to_holders: Amount::of(event.to_holders, &asset),
        to_payees: Amount::of(event.to_payees, &asset),
        asset,
        payees,
        steps,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct Claimable {
    pub pool: usize,
    pub account: String,
    /// Per splitter: what the account can claim now (holder revenue plus payee credit).
    pub claimable: Vec<SplitterAmount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SplitterAmount {
    pub splitter: String,
    pub asset: Asset,
    #[serde(flatten)]
    pub amount: Amount,
}

impl Report for Claimable {
    fn text(&self) -> String {
        let mut out = format!("{} in pool {}:\n", self.account, self.pool);
        for c in &self.claimable {
            out += &format!("  {} claimable (splitter {})\n", c.amount, c.splitter);
        }
        out
    }
}

/// `rigshare revenue claimable`.
pub async fn claimable(s: &Session, pool: usize, account: Option<Address>) -> Result<Claimable> {
    let account = match account {
        Some(a) => a,
        None if s.signs() => s.me,
        None => bail!("say whose revenue with --account ADDRESS (or give the account's key)"),
    };
    let (_, shares) = s.pool(pool)?;
    let mut claimable = Vec::new();
    for sp in assets::select(s, pool, shares, None).await? {
        let raw = sp.contract(&s.client).claimable(account).call().await.context("reading claimable()")?;
        claimable.push(SplitterAmount { splitter: format!("{:?}", sp.address), amount: Amount::of(raw, &sp.asset), asset: sp.asset });
    }
    Ok(Claimable { pool, account: format!("{account:?}"), claimable })
}

#[derive(Debug, Clone, Serialize)]
pub struct Claimed {
    pub pool: usize,
    pub account: String,
    pub claimed: Vec<ClaimStep>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClaimStep {
    pub splitter: String,
    pub asset: Asset,
    #[serde(flatten)]
    pub amount: Amount,
    #[serde(flatten)]
    pub sent: Sent,
}

impl Report for Claimed {
    fn text(&self) -> String {
        let mut out = String::new();
        for c in &self.claimed {
            out += &format!("{} claimed {} from pool {} (tx {})\n", self.account, c.amount, self.pool, c.sent.tx);
        }
        out
    }
}

/// `rigshare revenue claim`: with `--token`, that splitter (a revert says why there is nothing);
/// without, every splitter with something to claim.
pub async fn claim(s: &Session, pool: usize, token: Option<&str>) -> Result<Claimed> {
    let me = s.signer()?;
    let (_, shares) = s.pool(pool)?;
    let mut claimed = Vec::new();
    for sp in assets::select(s, pool, shares, token).await? {
        let contract = sp.contract(&s.client);
        let what = format!("claiming {} from pool {pool}", sp.asset.symbol);
        let receipt = match s.earlier(&what, &contract.claim()).await? {
            Some(receipt) => receipt,
            None => {
                if token.is_none() && contract.claimable(me).call().await.context("reading claimable()")?.is_zero() {
                    continue;
                }
                s.progress(&what);
                s.send(&what, contract.claim()).await?
            }
        };
        let event: ClaimedFilter = tx::event(&receipt, sp.address).context("the claim emitted no Claimed event")?;
        claimed.push(ClaimStep {
            splitter: format!("{:?}", sp.address),
            amount: Amount::of(event.amount, &sp.asset),
            asset: sp.asset,
            sent: Sent::from(&receipt),
        });
    }
    if claimed.is_empty() {
        bail!("nothing to claim for {me:?} in pool {pool} yet; nothing was sent");
    }
    Ok(Claimed { pool, account: format!("{me:?}"), claimed })
}
