//! `rigshare demo`: the whole story on an embedded dev node, in one run, through the same
//! library calls the operating commands make.
//!
//! An operator deploys the system (`up`'s deploy and wiring, hosting and operator fee as
//! payees, revenue vesting over a week) and raises capital: a sale of 600,000 new shares in
//! which three investors buy (one in two transactions, after being refused by name for going
//! over the per-account cap), sells out, is finalized (proceeds to the treasury) and claimed.
//! The treasury spends 45 ETH of it on a purchase order for three rigs: the supplier ships, the
//! hosting site confirms delivery, the operator tokenizes each rig with its ordered serial and
//! pools it, each rig's payment is released and the supplier claims. Then a month of mining pays ETH (first
//! half) and an 8-decimal BTC-like token (the month's payout); halfway through, one investor
//! sells part of their shares to another; a week after the last payout has vested, every holder
//! and payee claims. The ledger shows the raise (payments equal proceeds) and each party's take
//! and that, per asset, the takes add up to the deposits exactly; the run fails if they do not.
//!
//! The amounts are chosen so that every cut is whole in base units (the splitter rounds payee
//! cuts down and keeps sub-unit holder remainders for later deposits, which a one-month story
//! would show as dust left behind).

pub mod ledger;

use std::path::Path;

use anyhow::{bail, Context, Result};
use ethers::prelude::*;

use super::{
    ops::{
        self,
        assets::{self, Asset},
        payees,
        pools,
        revenue::{self, Amount},
        rig::{self, Kind, NewRig},
        orders,
        sale::{self, Action, NewSale},
        session::{Connect, Session},
        units,
    },
    status, up,
};
use crate::{
    catalogue::{demo_token::{self, DemoToken}, erc20::Erc20, rig_shares::RigShares, Payee, SystemConfig},
    chain::deployments::Deployments,
    pipeline::workspace::Workspace,
};
use ledger::{AssetLine, Ledger, Party, Purchase, Raise, RigOrder};

/// `rigshare demo`'s options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub json: bool,
    /// Use the code in target/rigshare/ as it is.
    pub no_build: bool,
}

/// Dev node accounts by role (account 0 is the node's prefunded dev account).
const OPERATOR: usize = 0;
const INVESTORS: [usize; 3] = [1, 2, 3];
const HOSTING: usize = 4;
const OPERATOR_FEE: usize = 5;
const MINING_POOL: usize = 6;
const TREASURY: usize = 7;
const SUPPLIER: usize = 8;

/// What the three rigs cost the treasury, from the raise's proceeds, and the schedule: 30% at
/// shipment, 20% at delivery to the hosting site, the rest per installed rig.
const RIGS_PRICE: &str = "45";
const SHIP_BPS: u16 = 3_000;
const DELIVERY_BPS: u16 = 2_000;

/// The operator's own shares, minted at deployment.
const OPERATOR_SHARES: &str = "400000";
/// The raise: new shares at a fixed price in ETH, a soft cap, a hard cap, a per-account cap.
const SALE_PRICE: &str = "0.0001";
const SALE_SOFT_CAP: &str = "40";
const SALE_HARD_CAP: &str = "600000";
const SALE_ACCOUNT_MAX: &str = "300000";
/// Purchases in order (investor index, whole shares): investor 1 buys twice, the second time
/// after a purchase over its cap was refused; the last sells the hard cap out.
const PURCHASES: [(usize, &str); 4] = [(0, "200000"), (1, "200000"), (0, "100000"), (2, "100000")];
/// What investor 1 tries first the second time: 200,000 + 150,000 is over the 300,000 cap.
const OVER_THE_CAP: &str = "150000";
/// Shares investor 1 sells to investor 3 mid-month.
const MID_MONTH_SALE: &str = "100000";
/// Payee cuts in basis points: hosting 10%, operator fee 5%.
const HOSTING_BPS: u16 = 1_000;
const OPERATOR_FEE_BPS: u16 = 500;
/// ETH revenue (the first half of the month) and the month's BTC-like payout. Both divide
/// evenly: every payee cut and every holder's share is a whole number of base units.
const ETH_REVENUE: &str = "0.25";
const TOKEN_REVENUE: &str = "0.0076";

const DAY: u64 = 24 * 60 * 60;

/// The rigs: model, TH/s, W, site, serial.
const RIGS: [(&str, &str, u32, &str, &str); 3] = [
    ("Antminer S21", "200", 3_500, "Paraguay-Itaipu-03", "SMTTBF3B21A0042"),
    ("Whatsminer M60S", "186", 3_441, "Texas-Rockdale-1", "M60S-2410-77813"),
    ("Antminer S19k Pro", "120", 2_760, "Paraguay-Itaipu-03", "SMTTAK9S19K0815"),
];

fn progress(what: impl std::fmt::Display) {
    eprintln!("rigshare: [demo] {what}");
}

/// `rigshare demo`.
pub fn run(ws: &Workspace, opts: Options) -> Result<()> {
    if !opts.no_build {
        progress("building the contracts");
        crate::commands::build_as_step(ws)?;
    }
    let node = devnode::rpc::spawn(devnode::rpc::NodeConfig { port: 0, quiet: true, ..Default::default() })
        .context("starting the dev node")?;
    progress(format!("started a dev node at {} (it stops when the demo ends)", node.url));
    let key = |i: usize| ethers::utils::hex::encode(node.accounts[i].key.to_bytes());
    let address = |i: usize| Address::from_slice(node.accounts[i].address.as_slice());

    // `up`'s deploy and wiring, with the payees, into a file of its own.
    let dir = ws.out_dir().join("demo");
    let _ = std::fs::remove_file(Deployments::path(&dir, node_chain_id()));
    let payees = vec![
        Payee { label: Some("hosting".into()), account: address(HOSTING), bps: HOSTING_BPS },
        Payee { label: Some("operator".into()), account: address(OPERATOR_FEE), bps: OPERATOR_FEE_BPS },
    ];
    progress("deploying and wiring the system as `rigshare up` does");
    up::run(
        ws,
        up::Options {
            rpc_url: Some(node.url.clone()),
            private_key: Some(key(OPERATOR)),
            no_serve: true,
            no_build: true,
            deployments_dir: Some(dir.clone()),
            payees: payees.clone(),
            supply: Some(OPERATOR_SHARES.into()),
            quiet: true,
            ..Default::default()
        },
    )?;

    let keys: Vec<String> = (0..=SUPPLIER).map(key).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let ledger = runtime.block_on(story(ws, &node.url, &dir, &keys, &payees, opts.json))?;
    ops::emit(&ledger, opts.json)
}

fn node_chain_id() -> u64 {
    devnode::rpc::NodeConfig::default().chain_id
}

async fn story(ws: &Workspace, url: &str, dir: &Path, keys: &[String], payees: &[Payee], json: bool) -> Result<Ledger> {
    let connect = Connect {
        rpc_url: Some(url.to_owned()),
        private_key: Some(keys[OPERATOR].clone()),
        deployments_dir: Some(dir.to_owned()),
        json,
        ..Default::default()
    };
    let operator = Session::open(ws, &connect, "demo").await?;
    // A second payout asset: an 8-decimal token and a splitter for it on the same pool.
    let token = token_splitter(ws, &operator, payees).await?;
    let party = |i: usize| operator.with_key(&keys[i]);

    let investors: Vec<Session> = INVESTORS.iter().map(|&i| party(i)).collect::<Result<_>>()?;
    let treasury = party(TREASURY)?;
    let raise = raise(ws, &operator, &investors, &treasury).await?;
    let purchase = purchase(&operator, &treasury, &party(SUPPLIER)?, &party(HOSTING)?, &raise).await?;
    let miner = party(MINING_POOL)?;
    mint_token(&operator, &token, miner.me, TOKEN_REVENUE).await?;
    progress(format!("day 1: the mining pool pays {ETH_REVENUE} ETH of revenue"));
    let mut deposits = vec![revenue::deposit(&miner, 0, ETH_REVENUE, Some("eth")).await?];

    advance(&operator, 14 * DAY).await?;
    progress(format!("day 15: investor 1 sells {MID_MONTH_SALE} shares to investor 3"));
    pools::transfer(&investors[0], 0, investors[2].me, MID_MONTH_SALE).await?;

    advance(&operator, 15 * DAY).await?;
    progress(format!("day 30: the mining pool pays the month's {TOKEN_REVENUE} {}", token.symbol));
    deposits.push(revenue::deposit(&miner, 0, TOKEN_REVENUE, Some(&token.symbol)).await?);
    advance(&operator, 7 * DAY).await?;
    progress("day 37: the payout has vested over the week (the splitters stream revenue)");

    // Everyone claims; what each received is checked against its balances.
    let (_, shares) = operator.pool(0)?;
    let splitters = assets::splitters(&operator.client, shares).await?;
    let mut cast = vec![("operator", "issuer, holder", operator.with_key(&keys[OPERATOR])?)];
    for (n, investor) in investors.into_iter().enumerate() {
        cast.push((["investor 1", "investor 2", "investor 3"][n], "holder", investor));
    }
    let (hosting_role, fee_role) = (format!("payee {}%", HOSTING_BPS / 100), format!("payee {}%", OPERATOR_FEE_BPS / 100));
    cast.push(("hosting", &hosting_role, party(HOSTING)?));
    cast.push(("operator fee", &fee_role, party(OPERATOR_FEE)?));
    let mut parties = Vec::new();
    for (name, role, who) in &cast {
        progress(format!("{name} claims"));
        parties.push(claim_checked(who, name, role, shares, &splitters).await?);
    }

    let mut assets = Vec::new();
    for sp in &splitters {
        let deposited = deposits
            .iter()
            .filter(|d| d.splitter == format!("{:?}", sp.address))
            .fold(U256::zero(), |acc, d| acc + units::dec(&d.amount.raw));
        let left = balance(&operator, &sp.asset, sp.address).await?;
        assets.push(AssetLine {
            asset: sp.asset.clone(),
            splitter: format!("{:?}", sp.address),
            deposited: Amount::of(deposited, &sp.asset),
            left_in_splitter: Amount::of(left, &sp.asset),
        });
    }
    let overview = status::status(&operator, Some(0)).await?;
    let pool = &overview.pools[0];
    Ledger {
        chain_id: operator.chain_id,
        rpc_url: operator.url.clone(),
        rig_deed: overview.rig_deed.clone(),
        shares: pool.shares.clone(),
        rigs: pool.rigs.clone(),
        backing_ths: pool.backing.hashrate_ths.clone(),
        raise,
        purchase,
        assets,
        parties,
        totals: Party {
            party: String::new(),
            role: String::new(),
            account: String::new(),
            shares: Amount::of(U256::zero(), &ledger::share_asset()),
            received: Vec::new(),
        },
        adds_up: false,
    }
    .close()
}

/// The capital raise: the operator opens a sale, the investors buy (one refused over the
/// per-account cap, by name), the hard cap sells out, an investor finalizes, everyone claims;
/// the treasury's balance must have gained exactly what the buyers paid.
async fn raise(ws: &Workspace, operator: &Session, investors: &[Session], treasury: &Session) -> Result<Raise> {
    progress(format!(
        "the operator opens a raise: {SALE_HARD_CAP} new shares at {SALE_PRICE} ETH, soft cap {SALE_SOFT_CAP} ETH, at most {SALE_ACCOUNT_MAX} an investor"
    ));
    let treasury_before = treasury.client.get_balance(treasury.me, None).await?;
    let new = NewSale {
        pool: 0,
        asset: Address::zero(),
        price: SALE_PRICE.into(),
        soft_cap: SALE_SOFT_CAP.into(),
        hard_cap: SALE_HARD_CAP.into(),
        min_per_account: "1".into(),
        max_per_account: SALE_ACCOUNT_MAX.into(),
        start: None,
        duration: 7 * DAY,
        treasury: Some(treasury.me),
    };
    let created = sale::create(ws, operator, new).await?;
    let names = ["investor 1", "investor 2", "investor 3"];
    let mut refused = String::new();
    for (n, (who, shares)) in PURCHASES.into_iter().enumerate() {
        if n == 2 {
            progress(format!("{} tries to buy {OVER_THE_CAP} more shares", names[who]));
            match sale::buy(&investors[who], Some(created.sale), OVER_THE_CAP, None).await {
                Ok(_) => bail!("a purchase over the per-account cap went through"),
                Err(e) if format!("{e:#}").contains("SaleAboveAccountMax") => {
                    refused = format!("{}: {OVER_THE_CAP} more shares refused: {e:#}", names[who]);
                    progress(format!("refused, nothing sent: {e:#}"));
                }
                Err(e) => return Err(e.context("the over-the-cap purchase failed for another reason")),
            }
        }
        progress(format!("{} buys {shares} shares", names[who]));
        sale::buy(&investors[who], Some(created.sale), shares, None).await?;
    }
    progress("the hard cap is sold: investor 2 finalizes the sale (anyone may)");
    let finalized = sale::settle(&investors[1], Some(created.sale), Action::Finalize, None).await?;
    let mut purchases = Vec::new();
    for (n, investor) in investors.iter().enumerate() {
        progress(format!("{} claims its shares", names[n]));
        let claimed = sale::settle(investor, Some(created.sale), Action::Claim, None).await?;
        let status = sale::status(investor, Some(created.sale), None).await?;
        let p = status.account.context("the investor's purchase")?;
        if claimed.amount.as_ref().map(|a| &a.raw) != Some(&p.shares.raw) {
            bail!("{} bought {} but claimed {:?}", names[n], p.shares, claimed.amount);
        }
        purchases.push(Purchase { party: names[n].into(), account: p.account, shares: p.shares, paid: p.paid });
    }
    let status = sale::status(operator, Some(created.sale), None).await?;
    let gained = treasury.client.get_balance(treasury.me, None).await? - treasury_before;
    Ok(Raise {
        sale: status.address.clone(),
        asset: status.asset.clone(),
        state: status.state.clone(),
        price: status.price.clone(),
        soft_cap: status.soft_cap.clone(),
        hard_cap: status.hard_cap.clone(),
        purchases,
        refused,
        raised: finalized.amount.context("the raised amount")?,
        treasury: format!("{:?}", treasury.me),
        to_treasury: Amount::of(gained, &Asset::eth()),
        left_in_sale: status.held,
        paid: Amount::of(U256::zero(), &Asset::eth()),
        claimed: Amount::of(U256::zero(), &ledger::share_asset()),
    })
}

/// The purchase: the treasury orders the three rigs from the supplier with the raise's
/// proceeds, to be hosted at the hosting site and installed in pool 0; the supplier ships, the
/// site confirms delivery, the operator tokenizes each rig with its ordered serial and pools
/// it, each unit's payment is released, and the supplier claims. The supplier's balance must
/// have gained exactly the price.
async fn purchase(operator: &Session, treasury: &Session, supplier: &Session, site: &Session, raise: &Raise) -> Result<RigOrder> {
    progress(format!("the treasury orders the three rigs from the supplier for {RIGS_PRICE} ETH of the raise"));
    let new = orders::NewOrder {
        pool: 0,
        supplier: supplier.me,
        site: site.me,
        asset: Address::zero(),
        price: RIGS_PRICE.into(),
        ship_bps: SHIP_BPS,
        delivery_bps: DELIVERY_BPS,
        ship_in: 10 * DAY,
        deliver_in: 20 * DAY,
        install_in: 30 * DAY,
        arbiter: None,
        units: RIGS.iter().map(|(model, _, _, _, serial)| orders::UnitSpec { model: (*model).into(), serial: (*serial).into() }).collect(),
    };
    let order = orders::open(treasury, new).await?.order.order;
    orders::fund(treasury, order, RIGS_PRICE).await?;
    let supplier_before = supplier.client.get_balance(supplier.me, None).await?;
    let mut gas = U256::zero();
    progress("the supplier ships (bill of lading attached) and the hosting site confirms delivery");
    let shipped = orders::step(supplier, order, orders::Step::Ship { document: "BL-2026-11-0042".into() }).await?;
    gas += fee(supplier, &shipped.steps[0].tx).await?;
    orders::step(site, order, orders::Step::Deliver { document: "hosting site receipt 0042".into() }).await?;

    progress("the operator tokenizes the three installed rigs with their ordered serials and pools them");
    let mut ids = Vec::new();
    for (model, ths, watts, site, serial) in RIGS {
        let rig = NewRig {
            to: None,
            model: model.into(),
            hashrate_ghs: rig::ths_to_ghs(ths)?,
            power_watts: watts,
            site: site.into(),
            serial: serial.into(),
            kind: Kind::Equipment,
        };
        ids.push(rig::mint(operator, rig).await?.deed_id);
    }
    pools::deposit_deeds(operator, 0, &ids).await?;
    progress("each rig's payment is released: its deed is in the pool");
    for unit in 0..RIGS.len() as u64 {
        orders::step(operator, order, orders::Step::Release { unit }).await?;
    }
    let claimed = orders::step(supplier, order, orders::Step::Claim { to: None }).await?;
    gas += fee(supplier, &claimed.steps[0].tx).await?;
    let gained = supplier.client.get_balance(supplier.me, None).await? + gas - supplier_before;
    let status = claimed.order;
    let price = units::dec(&status.price.raw);
    let raised = units::dec(&raise.raised.raw);
    Ok(RigOrder {
        order,
        status: status.status.clone(),
        supplier: format!("{:?}", supplier.me),
        site: format!("{:?}", site.me),
        units: status.units.len(),
        price: status.price.clone(),
        funded: status.funded.clone(),
        released: status.released.clone(),
        to_supplier: Amount::of(gained, &Asset::eth()),
        treasury_keeps: Amount::of(raised.saturating_sub(price), &Asset::eth()),
    })
}

/// What transaction `tx` cost its sender.
async fn fee(s: &Session, tx: &str) -> Result<U256> {
    let receipt = s.client.get_transaction_receipt(tx.parse::<H256>()?).await?.context("receipt")?;
    Ok(receipt.gas_used.unwrap_or_default() * receipt.effective_gas_price.unwrap_or_default())
}

/// `who` claims from every splitter with something for it; the amounts the splitters report
/// must be what its balances gained (ETH net of the claims' gas).
async fn claim_checked(who: &Session, name: &str, role: &str, shares: Address, splitters: &[assets::Splitter]) -> Result<Party> {
    let mut before = Vec::new();
    for sp in splitters {
        before.push(balance(who, &sp.asset, who.me).await?);
    }
    let claimed = revenue::claim(who, 0, None).await?;
    let mut gas = U256::zero();
    for c in &claimed.claimed {
        let hash: H256 = c.sent.tx.parse()?;
        let receipt = who.client.get_transaction_receipt(hash).await?.context("claim receipt")?;
        gas += receipt.gas_used.unwrap_or_default() * receipt.effective_gas_price.unwrap_or_default();
    }
    let mut received = Vec::new();
    for (i, sp) in splitters.iter().enumerate() {
        let got = claimed
            .claimed
            .iter()
            .filter(|c| c.splitter == format!("{:?}", sp.address))
            .fold(U256::zero(), |acc, c| acc + units::dec(&c.amount.raw));
        let after = balance(who, &sp.asset, who.me).await?;
        let gained = if sp.asset.token.is_none() { after + gas - before[i] } else { after - before[i] };
        if gained != got {
            bail!(
                "{name} claimed {} but its balance moved by {}",
                Amount::of(got, &sp.asset),
                Amount::of(gained, &sp.asset)
            );
        }
        received.push(Amount::of(got, &sp.asset));
    }
    let held = pools_balance(who, shares).await?;
    Ok(Party {
        party: name.into(),
        role: role.into(),
        account: format!("{:?}", who.me),
        shares: Amount::of(held, &ledger::share_asset()),
        received,
    })
}

async fn pools_balance(s: &Session, shares: Address) -> Result<U256> {
    Ok(RigShares::new(shares, s.client.clone()).balance_of(s.me).call().await?)
}

/// `account`'s balance of `asset`.
async fn balance(s: &Session, asset: &Asset, account: Address) -> Result<U256> {
    Ok(match asset.token {
        None => s.client.get_balance(account, None).await?,
        Some(t) => Erc20::new(t, s.client.clone()).balance_of(account).call().await?,
    })
}

/// Moves the dev node's clock forward and mines a block there.
async fn advance(s: &Session, seconds: u64) -> Result<()> {
    let provider = s.client.provider();
    provider.request::<_, U256>("evm_increaseTime", [seconds]).await.context("evm_increaseTime")?;
    provider.request::<_, serde_json::Value>("evm_mine", Vec::<u64>::new()).await.context("evm_mine")?;
    Ok(())
}

/// Deploys the 8-decimal token (the catalogue's DemoToken) and a splitter paying it on pool 0,
/// with the same payees.
async fn token_splitter(ws: &Workspace, operator: &Session, payees: &[Payee]) -> Result<Asset> {
    progress("the operator deploys an 8-decimal token standing in for WBTC");
    let step = "demo: deploy DemoToken";
    let (token, _) = pools::deploy(ws, operator, &demo_token::ENTRY, step, &SystemConfig::default(), &Default::default()).await?;
    let asset = Asset::read(&operator.client, token).await?;
    progress(format!("pool 0 gets a second splitter, paying {}, with the same payees", asset.symbol));
    let added = pools::add_splitter(ws, operator, 0, token, crate::catalogue::DEFAULT_STREAM_SECONDS).await?;
    payees::set(operator, 0, Some(&asset.symbol), payees).await?;
    Ok(added.asset)
}

/// The token's admin (the operator) mints `amount` to `to`.
async fn mint_token(operator: &Session, token: &Asset, to: Address, amount: &str) -> Result<()> {
    let address = token.token.context("the demo token is an ERC-20")?;
    let value = units::parse_units(amount, token.decimals)?;
    let what = format!("minting {amount} {} to the mining pool's payout account", token.symbol);
    progress(&what);
    operator.send(&what, DemoToken::new(address, operator.client.clone()).mint(to, value)).await?;
    Ok(())
}
