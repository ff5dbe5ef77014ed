//! `rigshare sale ...`: a pool's capital raise (contracts/share-sale). The operator opens a
//! sale (`create`: deploys a ShareSale with the raise's terms and has the pool grant it
//! MINTER_ROLE), investors `buy`, anyone `finalize`s once it ended or sold out, buyers `claim`
//! their shares after a success or take a `refund` after a failure, and `status` shows it all.
//!
//! Every transaction goes through the crash-safe sender; a re-run after a crash settles what
//! was sent instead of paying twice (`create` with the same terms resumes the same sale).

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};
use ethers::prelude::*;
use serde::Serialize;

use super::{
    assets::{self, Asset},
    pools,
    revenue::Amount,
    session::Session,
    units, Report,
};
use crate::{
    catalogue::{
        erc20::Erc20,
        rig_shares::{self, RigShares},
        share_sale::{self, RefundedFilter, SaleFinalizedFilter, ShareSale, SharesClaimedFilter, SharesPurchasedFilter},
        Inputs, SaleTerms, SystemConfig, Wire,
    },
    chain::{
        deployments::SaleRecord,
        sender::{self as tx, Sent},
        stylus,
    },
    pipeline::workspace::Workspace,
};

/// Shares have 18 decimals.
const SHARE_DECIMALS: u8 = rig_shares::DECIMALS;

/// `state()` names, by code (contracts/share-sale: `STATE_*`).
const STATES: [&str; 5] = ["pending", "open", "succeeded", "failed", "cancelled"];

/// `rigshare sale create`'s input: amounts as people write them.
#[derive(Debug, Clone)]
pub struct NewSale {
    pub pool: usize,
    /// Payment asset (zero = ETH).
    pub asset: Address,
    /// Per whole share, in the payment asset's units (e.g. 0.0001 ETH, 1.5 USDC).
    pub price: String,
    /// Minimum raise for success, in the payment asset's units.
    pub soft_cap: String,
    /// Most shares sold, whole shares.
    pub hard_cap: String,
    /// Per-account minimum and maximum purchase, whole shares.
    pub min_per_account: String,
    pub max_per_account: String,
    /// Opening time (unix seconds); `None` opens it now (the latest block's time).
    pub start: Option<u64>,
    /// How long it stays open, in seconds.
    pub duration: u64,
    /// Receives the proceeds (default: the signer).
    pub treasury: Option<Address>,
}

/// A duration as `90`, `90s`, `15m`, `12h` or `7d`.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (number, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, "s"),
    };
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return Err(format!("'{text}' is not a duration: a number with s, m, h or d (e.g. 7d)")),
    };
    let n: u64 = number.parse().map_err(|_| format!("'{text}' is not a duration: a number with s, m, h or d (e.g. 7d)"))?;
    n.checked_mul(scale).filter(|s| *s > 0).ok_or_else(|| format!("'{text}': a duration is more than 0 and fits in 64 bits"))
}

#[derive(Debug, Clone, Serialize)]
pub struct SaleCreated {
    pub sale: usize,
    pub pool: usize,
    pub address: String,
    pub status: SaleStatus,
    /// What this run sent (deployment, MINTER_ROLE grant); a resumed run lists only what was left.
    pub steps: Vec<pools::Step>,
    pub deployments_file: String,
}

impl Report for SaleCreated {
    fn text(&self) -> String {
        let mut out = format!("sale {} of pool {} at {}\n", self.sale, self.pool, self.address);
        for s in &self.steps {
            out += &format!("  {}: tx {} (block {}, gas {})\n", s.step, s.sent.tx, s.sent.block, s.sent.gas_used);
        }
        out += &self.status.text();
        out += &format!("recorded in {}\n", self.deployments_file);
        out
    }
}

/// `rigshare sale create`.
pub async fn create(ws: &Workspace, s: &Session, n: NewSale) -> Result<SaleCreated> {
    let me = s.signer()?;
    let (_, shares) = s.pool(n.pool)?;
    let pool = n.pool;
    let token = RigShares::new(shares, s.client.clone());
    if !token.has_role([0u8; 32], me).call().await.context("reading the pool's admin role")? {
        bail!("the signer {me:?} is not pool {pool}'s admin, which must grant the sale MINTER_ROLE: sign with the admin's key; nothing was sent");
    }
    let asset = Asset::read(&s.client, n.asset).await?;
    let terms = terms(s, &n, &asset).await?;
    let system = SystemConfig { sale: terms, ..SystemConfig::default() };
    let mut deployed = BTreeMap::new();
    deployed.insert(rig_shares::NAME.to_owned(), shares);
    let args = share_sale::ENTRY.constructor_args(&Inputs { signer: me, deployed: &deployed, system: &system })?;
    let described = stylus::describe_args(&args);

    let mut steps = Vec::new();
    let sales = s.deployments().sales;
    // Without --start the times come from the clock, so a re-run after a crash has other
    // times: a sale is the same raise when everything but its times is the same.
    let params = share_sale::ENTRY.constructor_params();
    let timeless = |args: &[String]| -> Vec<String> {
        args.iter().zip(&params).filter(|(_, p)| !matches!(crate::catalogue::param_key(p).as_str(), "start" | "end")).map(|(a, _)| a.clone()).collect()
    };
    let same_terms = |r: &SaleRecord| r.pool == pool && (r.constructor_args == described || (n.start.is_none() && timeless(&r.constructor_args) == timeless(&described)));
    // A sale an earlier run deployed and did not finish wiring (or with these very terms):
    // resume it rather than deploy another.
    let mut resume = None;
    for (i, r) in sales.iter().enumerate().filter(|(_, r)| same_terms(r)) {
        let at: Address = r.address.parse().context("sale address in the deployments file")?;
        let minter = token.has_role(crate::catalogue::minter_role(), at).call().await.context("reading the pool's MINTER_ROLE")?;
        if r.constructor_args == described || !minter {
            resume = Some((i, at));
        }
    }
    let (index, address) = match resume {
        Some((i, at)) => {
            s.progress(format!("sale {i} with these terms is recorded at {at:?}; resuming it"));
            (i, at)
        }
        None => {
            let digest = ethers::utils::keccak256(timeless(&described).join(",").as_bytes());
            let step = format!("sale create pool {pool}: deploy ShareSale {}", ethers::utils::hex::encode(&digest[..6]));
            let (at, done) = pools::deploy(ws, s, &share_sale::ENTRY, &step, &system, &deployed).await?;
            // The times the sale really has (an interrupted run's deployment keeps its own).
            let (start, end) = ShareSale::new(at, s.client.clone()).times().call().await.context("reading the sale's times()")?;
            let mut recorded = described.clone();
            for (arg, param) in recorded.iter_mut().zip(&params) {
                match crate::catalogue::param_key(param).as_str() {
                    "start" => *arg = start.to_string(),
                    "end" => *arg = end.to_string(),
                    _ => {}
                }
            }
            let record = SaleRecord { pool, address: format!("{at:?}"), tx: done.sent.tx.clone(), block: done.sent.block, constructor_args: recorded };
            steps.push(done);
            let mut index = 0;
            s.ledger.update(|d| {
                d.sales.push(record);
                index = d.sales.len() - 1;
            })?;
            (index, at)
        }
    };
    deployed.insert(share_sale::NAME.to_owned(), address);
    let wire = Wire { client: &s.client, addresses: &deployed, signer: me, system: &system };
    for w in share_sale::ENTRY.wiring {
        pools::wire_step(s, &wire, w, &mut steps).await?;
    }
    Ok(SaleCreated {
        sale: index,
        pool,
        address: format!("{address:?}"),
        status: status_of(s, index, None).await?,
        steps,
        deployments_file: s.file(),
    })
}

/// The terms in base units, checked as the constructor checks them (so a bad flag is named
/// here rather than as a revert code).
async fn terms(s: &Session, n: &NewSale, asset: &Asset) -> Result<SaleTerms> {
    let price = units::parse_units(&n.price, asset.decimals).context("--price")?;
    let soft_cap = units::parse_units(&n.soft_cap, asset.decimals).context("--soft-cap")?;
    let hard_cap = units::parse_units(&n.hard_cap, SHARE_DECIMALS).context("--hard-cap")?;
    let min_per_account = units::parse_units(&n.min_per_account, SHARE_DECIMALS).context("--min")?;
    let max_per_account = units::parse_units(&n.max_per_account, SHARE_DECIMALS).context("--max")?;
    anyhow::ensure!(!price.is_zero(), "--price must be more than 0 {}", asset.symbol);
    anyhow::ensure!(!hard_cap.is_zero(), "--hard-cap must be more than 0 shares");
    anyhow::ensure!(!max_per_account.is_zero(), "--max must be more than 0 shares");
    anyhow::ensure!(min_per_account <= max_per_account, "--min ({}) is above --max ({})", n.min_per_account, n.max_per_account);
    anyhow::ensure!(min_per_account <= hard_cap, "--min ({}) is above --hard-cap ({})", n.min_per_account, n.hard_cap);
    let most = hard_cap.checked_mul(price).context("--hard-cap x --price overflows 256 bits")?;
    let unit = U256::exp10(SHARE_DECIMALS.into());
    let most = (most + unit - 1) / unit;
    if soft_cap > most {
        bail!(
            "--soft-cap {} {sym} cannot be reached: selling the whole hard cap raises {} {sym}",
            n.soft_cap,
            units::format_units(most, asset.decimals),
            sym = asset.symbol
        );
    }
    if n.treasury.is_some_and(|t| t.is_zero()) {
        bail!("--treasury 0x0 would burn the proceeds");
    }
    let start = match n.start {
        Some(t) => t,
        None => {
            let block = s.client.get_block(BlockNumber::Latest).await?.context("the latest block")?;
            block.timestamp.as_u64()
        }
    };
    let end = start.checked_add(n.duration).context("--start + --duration overflows")?;
    Ok(SaleTerms { asset: n.asset, price, start, end, soft_cap, hard_cap, min_per_account, max_per_account, treasury: n.treasury })
}

/// Sale `index` (default: the latest), or the refusal naming the sales there are.
fn sale(s: &Session, index: Option<usize>) -> Result<(usize, ShareSale<crate::chain::Client>)> {
    let sales = s.deployments().sales;
    if sales.is_empty() {
        bail!("no sale recorded on chain {} ({}): open one with `rigshare sale create --pool 0 --price ... --soft-cap ... --hard-cap ...`", s.chain_id, s.file());
    }
    let i = index.unwrap_or(sales.len() - 1);
    let Some(record) = sales.get(i) else {
        bail!("no sale {i}: sales are 0 to {} (see `rigshare sale status`)", sales.len() - 1);
    };
    let at: Address = record.address.parse().context("sale address in the deployments file")?;
    Ok((i, ShareSale::new(at, s.client.clone())))
}

/// A sale's state, terms and totals, and one account's purchase.
#[derive(Debug, Clone, Serialize)]
pub struct SaleStatus {
    pub sale: usize,
    pub address: String,
    pub shares: String,
    /// pending, open, succeeded, failed or cancelled.
    pub state: String,
    pub finalized: bool,
    pub paused: bool,
    pub asset: Asset,
    /// Per whole share.
    pub price: Amount,
    pub start: u64,
    pub end: u64,
    pub soft_cap: Amount,
    pub hard_cap: Amount,
    pub min_per_account: Amount,
    pub max_per_account: Amount,
    pub treasury: String,
    pub raised: Amount,
    pub sold: Amount,
    pub remaining: Amount,
    /// What the sale holds now (payments not yet sent on or refunded).
    pub held: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<Purchase>,
}

/// One account's purchase in a sale.
#[derive(Debug, Clone, Serialize)]
pub struct Purchase {
    pub account: String,
    pub paid: Amount,
    pub shares: Amount,
    /// Whether its shares were claimed (after a success) or its payment refunded (after a failure).
    pub settled: bool,
}

impl Report for SaleStatus {
    fn text(&self) -> String {
        let mut out = format!(
            "sale {} at {} ({}{}{}) selling {} shares\n",
            self.sale,
            self.address,
            self.state,
            if self.finalized { ", finalized" } else { "" },
            if self.paused { ", paused" } else { "" },
            self.shares
        );
        out += &format!("  price {} a share; open {} to {} (unix)\n", self.price, self.start, self.end);
        out += &format!("  soft cap {}, hard cap {}, per account {} to {}\n", self.soft_cap, self.hard_cap, self.min_per_account, self.max_per_account);
        out += &format!("  raised {}, sold {}, remaining {}, held {}; treasury {}\n", self.raised, self.sold, self.remaining, self.held, self.treasury);
        if let Some(p) = &self.account {
            out += &format!("  {}: paid {}, bought {}{}\n", p.account, p.paid, p.shares, if p.settled { ", settled" } else { "" });
        }
        out
    }
}

fn share_asset() -> Asset {
    Asset { token: None, symbol: "shares".into(), decimals: SHARE_DECIMALS }
}

async fn status_of(s: &Session, index: usize, account: Option<Address>) -> Result<SaleStatus> {
    let (_, c) = sale(s, Some(index))?;
    let asset = Asset::read(&s.client, c.payment_asset().call().await.context("reading paymentAsset()")?).await?;
    let (start, end) = c.times().call().await.context("reading times()")?;
    let (soft_cap, hard_cap, min, max) = c.caps().call().await.context("reading caps()")?;
    let held = match asset.token {
        None => s.client.get_balance(c.address(), None).await?,
        Some(t) => Erc20::new(t, s.client.clone()).balance_of(c.address()).call().await?,
    };
    let state = c.state().call().await.context("reading state()")?;
    let shares = share_asset();
    let purchase = match account {
        None => None,
        Some(a) => {
            let (bought, paid, settled) = c.purchase_of(a).call().await.context("reading purchaseOf()")?;
            Some(Purchase { account: format!("{a:?}"), paid: Amount::of(paid, &asset), shares: Amount::of(bought, &shares), settled })
        }
    };
    Ok(SaleStatus {
        sale: index,
        address: format!("{:?}", c.address()),
        shares: format!("{:?}", c.share_token().call().await?),
        state: STATES.get(usize::from(state)).map_or_else(|| format!("unknown ({state})"), |s| (*s).to_owned()),
        finalized: c.finalized().call().await?,
        paused: c.paused().call().await?,
        price: Amount::of(c.price().call().await?, &asset),
        start,
        end,
        soft_cap: Amount::of(soft_cap, &asset),
        hard_cap: Amount::of(hard_cap, &shares),
        min_per_account: Amount::of(min, &shares),
        max_per_account: Amount::of(max, &shares),
        treasury: format!("{:?}", c.treasury().call().await?),
        raised: Amount::of(c.raised().call().await?, &asset),
        sold: Amount::of(c.sold().call().await?, &shares),
        remaining: Amount::of(c.remaining().call().await?, &shares),
        held: Amount::of(held, &asset),
        account: purchase,
        asset,
    })
}

/// `rigshare sale status`: the sale and, when given or signing, one account's purchase.
pub async fn status(s: &Session, index: Option<usize>, account: Option<Address>) -> Result<SaleStatus> {
    let (i, _) = sale(s, index)?;
    let account = account.or_else(|| s.signs().then_some(s.me));
    status_of(s, i, account).await
}

#[derive(Debug, Clone, Serialize)]
pub struct Bought {
    pub sale: usize,
    pub payer: String,
    pub beneficiary: String,
    pub shares: Amount,
    pub paid: Amount,
    /// The beneficiary's purchase in this sale after it.
    pub purchase: Purchase,
    /// The approval (ERC-20 only, when the allowance was short), then the purchase.
    pub steps: Vec<Sent>,
}

impl Report for Bought {
    fn text(&self) -> String {
        format!(
            "bought {} in sale {} for {} (tx {}); {} has bought {} for {} in all\n",
            self.shares,
            self.sale,
            self.paid,
            self.steps.last().map_or("", |s| s.tx.as_str()),
            self.beneficiary,
            self.purchase.shares,
            self.purchase.paid
        )
    }
}

/// `rigshare sale buy`: pays exactly `costOf(shares)` (ETH with the call, or an ERC-20 after
/// an approval); the sale's refusals (caps, times, allowlist) come back by name before anything
/// is sent.
pub async fn buy(s: &Session, index: Option<usize>, shares_text: &str, beneficiary: Option<Address>) -> Result<Bought> {
    let me = s.signer()?;
    let (i, c) = sale(s, index)?;
    let shares = units::parse_units(shares_text, SHARE_DECIMALS).context("--shares")?;
    anyhow::ensure!(!shares.is_zero(), "--shares must be more than 0");
    let asset = Asset::read(&s.client, c.payment_asset().call().await.context("reading paymentAsset()")?).await?;
    let cost = c.cost_of(shares).call().await.map_err(|e| match e.as_revert() {
        Some(data) => anyhow::anyhow!("pricing {shares_text} shares: {}", s.sender.decoder().describe(data)),
        None => anyhow::anyhow!("reading costOf(): {e}"),
    })?;
    let who = beneficiary.unwrap_or(me);
    let mut call = match beneficiary {
        None => c.buy(shares),
        Some(b) => c.buy_for(b, shares),
    };
    if asset.token.is_none() {
        call = call.value(cost);
    }
    let what = format!("buying {shares_text} shares in sale {i} for {}", Amount::of(cost, &asset));
    let mut steps = Vec::new();
    let receipt = match s.earlier(&what, &call).await? {
        Some(receipt) => receipt,
        None => {
            steps.extend(assets::prepare_payment(s, &asset, c.address(), cost, "the purchase costs").await?);
            s.progress(&what);
            s.send(&what, call).await?
        }
    };
    steps.push(Sent::from(&receipt));
    let event: SharesPurchasedFilter = tx::event(&receipt, c.address()).context("the purchase emitted no SharesPurchased event")?;
    let (bought, paid, settled) = c.purchase_of(who).call().await.context("reading purchaseOf()")?;
    Ok(Bought {
        sale: i,
        payer: format!("{me:?}"),
        beneficiary: format!("{who:?}"),
        shares: Amount::of(event.shares, &share_asset()),
        paid: Amount::of(event.paid, &asset),
        purchase: Purchase { account: format!("{who:?}"), paid: Amount::of(paid, &asset), shares: Amount::of(bought, &share_asset()), settled },
        steps,
    })
}

/// The outcome of `finalize`, `claim`, `refund` or `cancel`.
#[derive(Debug, Clone, Serialize)]
pub struct Settled {
    pub sale: usize,
    pub action: String,
    pub account: String,
    /// What moved: proceeds (finalize), shares (claim), the refund (refund); none for cancel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    pub state: String,
    #[serde(flatten)]
    pub sent: Sent,
}

impl Report for Settled {
    fn text(&self) -> String {
        let amount = self.amount.as_ref().map_or(String::new(), |a| format!(": {a}"));
        format!("sale {} {} by {}{amount}; the sale is {} (tx {})\n", self.sale, self.action, self.account, self.state, self.sent.tx)
    }
}

/// Which settling call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Finalize,
    Claim,
    Refund,
    Cancel,
}

/// `rigshare sale finalize|claim|refund|cancel`. `account` is whose shares `claim` mints (anyone
/// may claim for a buyer) or where `refund` sends the signer's refund.
pub async fn settle(s: &Session, index: Option<usize>, action: Action, account: Option<Address>) -> Result<Settled> {
    let me = s.signer()?;
    let (i, c) = sale(s, index)?;
    // One call type for all four (the return values are read from the events instead).
    let (call, name, whom) = match (action, account) {
        (Action::Finalize, _) => (c.method::<_, ()>("finalize", ())?, "finalized", me),
        (Action::Cancel, _) => (c.method::<_, ()>("cancel", ())?, "cancelled", me),
        (Action::Claim, Some(a)) => (c.method::<_, ()>("claimFor", a)?, "claimed", a),
        (Action::Claim, None) => (c.method::<_, ()>("claim", ())?, "claimed", me),
        (Action::Refund, Some(to)) => (c.method::<_, ()>("refundTo", to)?, "refunded", to),
        (Action::Refund, None) => (c.method::<_, ()>("refund", ())?, "refunded", me),
    };
    let verb = match action {
        Action::Finalize => "finalizing",
        Action::Cancel => "cancelling",
        Action::Claim => "claiming shares",
        Action::Refund => "taking a refund",
    };
    let what = format!("sale {i}: {verb}");
    let receipt = match s.earlier(&what, &call).await? {
        Some(receipt) => receipt,
        None => {
            s.progress(&what);
            s.send(&what, call).await?
        }
    };
    let asset = Asset::read(&s.client, c.payment_asset().call().await?).await?;
    let amount = match action {
        Action::Finalize => {
            let e: SaleFinalizedFilter = tx::event(&receipt, c.address()).context("no SaleFinalized event")?;
            Some(Amount::of(e.raised, &asset))
        }
        Action::Claim => {
            let e: SharesClaimedFilter = tx::event(&receipt, c.address()).context("no SharesClaimed event")?;
            Some(Amount::of(e.shares, &share_asset()))
        }
        Action::Refund => {
            let e: RefundedFilter = tx::event(&receipt, c.address()).context("no Refunded event")?;
            Some(Amount::of(e.amount, &asset))
        }
        Action::Cancel => None,
    };
    let state = c.state().call().await?;
    Ok(Settled {
        sale: i,
        action: name.to_owned(),
        account: format!("{whom:?}"),
        amount,
        state: STATES.get(usize::from(state)).map_or_else(|| format!("unknown ({state})"), |s| (*s).to_owned()),
        sent: Sent::from(&receipt),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("90"), Ok(90));
        assert_eq!(parse_duration("15m"), Ok(900));
        assert_eq!(parse_duration("12h"), Ok(43_200));
        assert_eq!(parse_duration("7d"), Ok(604_800));
        for bad in ["", "0", "7w", "d", "-1d", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
