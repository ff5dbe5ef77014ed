//! The operating commands: what a mining operator and an investor do once `rigshare up` has
//! deployed the system. Each is a thin typed call through bindings generated from abi/:
//!
//! - `rig mint`, `rig status`: tokenize a rig, move it through its lifecycle ([`rig`]);
//! - `pool create`, `pool add-splitter`, `pool deposit-deed`, `pool transfer`: pools of deeds
//!   and their shares ([`pools`]);
//! - `revenue deposit`, `revenue claimable`, `revenue claim` ([`revenue`]);
//! - `payees set`: the waterfall before holders ([`payees`]);
//! - `sale create|buy|finalize|claim|refund|cancel|status`: a pool's capital raise ([`sale`]);
//! - `order open|fund|ship|deliver|release|claim|reclaim|cancel|settle|withdraw-refund|status`:
//!   supply-chain purchase orders ([`orders`]);
//! - `status`: everything about every pool ([`status`]).
//!
//! Every command connects the same way ([`session`]) and sends through the one crash-safe
//! sender (`chain::sender`: reverts decoded by name, funds checked, the transaction recorded
//! before it goes out and settled by a re-run), prints a table or, with `--json`, one JSON
//! document on stdout, and fails with one line naming the problem and what to do.

pub mod assets;
pub mod orders;
pub mod payees;
pub mod pools;
pub mod revenue;
pub mod rig;
pub mod sale;
pub mod session;
pub mod units;

use anyhow::Result;
use clap::{ArgGroup, Args, Subcommand};
use ethers::types::Address;
use serde::Serialize;

pub use session::{Connect, Session};

use crate::{catalogue::Payee, pipeline::workspace::Workspace};

/// A command's result: JSON for scripts, text for people.
pub trait Report: Serialize {
    fn text(&self) -> String;
}

/// Prints `report` on stdout as `--json` asks.
pub fn emit(report: &impl Report, json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        print!("{}", report.text());
    }
    Ok(())
}

/// `--to`, `--account`: an address, with a message that says which flag is wrong.
pub fn parse_address(text: &str) -> Result<Address, String> {
    text.trim().parse().map_err(|_| format!("'{text}' is not an address (0x and 40 hex digits)"))
}

#[derive(Debug, Clone, Subcommand)]
pub enum RigCommand {
    /// Tokenize a rig: mint its deed (needs OPERATOR_ROLE on RigDeed; `up` gives it to the deployer).
    Mint(MintArgs),
    /// Move a rig through its lifecycle; retired is final and takes it out of its pool's backing.
    Status {
        /// The deed id.
        id: u64,
        #[arg(value_enum)]
        status: rig::Status,
    },
}

#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("hashrate").required(true).args(["hashrate_ths", "hashrate_ghs"])))]
pub struct MintArgs {
    /// Owner of the deed [default: the signer]
    #[arg(long, value_parser = parse_address)]
    pub to: Option<Address>,
    /// Manufacturer model, e.g. "Antminer S21" (1 to 64 bytes).
    #[arg(long)]
    pub model: String,
    /// Measured hashrate in TH/s, e.g. 200 or 104.5.
    #[arg(long)]
    pub hashrate_ths: Option<String>,
    /// Measured hashrate in GH/s (TH/s x 1000), as RigDeed stores it.
    #[arg(long)]
    pub hashrate_ghs: Option<u64>,
    /// Measured wall power in watts.
    #[arg(long)]
    pub power_watts: u32,
    /// Hosting site, e.g. "Paraguay-Itaipu-03" (1 to 64 bytes).
    #[arg(long)]
    pub site: String,
    /// Manufacturer serial (or the mining right's contract id); only its keccak256 goes on chain.
    #[arg(long)]
    pub serial: String,
    #[arg(long, value_enum, default_value_t = rig::Kind::Equipment)]
    pub kind: rig::Kind,
}

#[derive(Debug, Clone, Subcommand)]
pub enum PoolCommand {
    /// Deploy another pool: a share token and its revenue splitter, from the code `up` activated
    /// (no activation fee), wired together, the signer its operator and issuer.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        symbol: String,
        /// Whole shares minted to the signer.
        #[arg(long, default_value = "1000000")]
        supply: String,
        /// Payout asset of the splitter: eth or an ERC-20's address.
        #[arg(long, alias = "token", default_value = "eth")]
        asset: String,
        /// Holder revenue vests over this many seconds after each deposit (0 = at once).
        #[arg(long, default_value_t = crate::catalogue::DEFAULT_STREAM_SECONDS)]
        stream_seconds: u64,
        /// An account that holds shares but must not earn (an AMM pair, a vault); set on the
        /// splitter before the pool adopts it. Repeat for each.
        #[arg(long = "exclude", value_name = "ADDRESS", value_parser = parse_address)]
        exclusions: Vec<Address>,
    },
    /// Pay a pool's holders in one more asset: deploy a splitter for it (no activation fee)
    /// and have the share token report to it too (at most 4 splitters per pool). The new
    /// splitter excludes whoever the pool's other splitters exclude, before it is adopted.
    AddSplitter {
        #[arg(long, default_value_t = 0)]
        pool: usize,
        /// eth or an ERC-20's address.
        #[arg(long, alias = "token")]
        asset: String,
        /// Holder revenue vests over this many seconds after each deposit (0 = at once).
        #[arg(long, default_value_t = crate::catalogue::DEFAULT_STREAM_SECONDS)]
        stream_seconds: u64,
    },
    /// Put deeds into a pool (`safeTransferFrom` from the signer; `adoptDeed` for a deed the
    /// pool already owns). Every id is checked before anything is sent.
    DepositDeed {
        #[arg(long, default_value_t = 0)]
        pool: usize,
        /// Deed ids.
        #[arg(required = true)]
        ids: Vec<u64>,
    },
    /// Transfer the signer's shares of a pool; revenue earned so far stays with the sender.
    Transfer {
        #[arg(long, default_value_t = 0)]
        pool: usize,
        #[arg(long, value_parser = parse_address)]
        to: Address,
        /// Whole shares, e.g. 1000 or 0.5.
        #[arg(long)]
        amount: String,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum RevenueCommand {
    /// Deposit revenue into a pool: ETH with the call, an ERC-20 after an approval.
    Deposit {
        #[arg(long, default_value_t = 0)]
        pool: usize,
        /// In the asset's units, e.g. 0.5 (ETH) or 0.0125 (an 8-decimal token).
        #[arg(long)]
        amount: String,
        /// Which splitter: eth, a token address or symbol [default: the pool's only one]
        #[arg(long, alias = "asset")]
        token: Option<String>,
    },
    /// What an account can claim now from each of the pool's splitters.
    Claimable {
        #[arg(long, default_value_t = 0)]
        pool: usize,
        /// [default: the signer]
        #[arg(long, value_parser = parse_address)]
        account: Option<Address>,
    },
    /// Claim the signer's revenue: from every splitter with something to claim, or the one --token names.
    Claim {
        #[arg(long, default_value_t = 0)]
        pool: usize,
        #[arg(long, alias = "asset")]
        token: Option<String>,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum PayeesCommand {
    /// Replace the payees credited before holders on every later deposit (admin).
    Set {
        #[arg(long, default_value_t = 0)]
        pool: usize,
        /// Only the splitter paying this (eth, a token address or symbol) [default: all]
        #[arg(long, alias = "asset")]
        token: Option<String>,
        /// e.g. hosting=0xabc…:1000 for 10%; at most 8, at most 10000 bps in all.
        #[arg(value_name = "[LABEL=]ADDRESS:BPS", required_unless_present = "clear")]
        payees: Vec<Payee>,
        /// Remove every payee instead.
        #[arg(long, conflicts_with = "payees")]
        clear: bool,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum SaleCommand {
    /// Open a raise for a pool's new shares: deploy a ShareSale with these terms and have the
    /// pool grant it MINTER_ROLE (the signer must be the pool's admin). Buyers' payments stay
    /// in the sale until it ends: the proceeds go to the treasury on success, every buyer can
    /// take a full refund on failure.
    Create {
        #[arg(long, default_value_t = 0)]
        pool: usize,
        /// Payment asset: eth or an ERC-20's address.
        #[arg(long, alias = "token", default_value = "eth")]
        asset: String,
        /// Price of one whole share, in the payment asset's units (e.g. 0.0001 or 1.5).
        #[arg(long)]
        price: String,
        /// Minimum raise for the sale to succeed, in the payment asset's units.
        #[arg(long)]
        soft_cap: String,
        /// Most shares sold (whole shares).
        #[arg(long)]
        hard_cap: String,
        /// Smallest purchase an account may make (whole shares).
        #[arg(long = "min", default_value = "1")]
        min_per_account: String,
        /// Most shares one account may buy in all [default: the hard cap]
        #[arg(long = "max")]
        max_per_account: Option<String>,
        /// Opening time, unix seconds [default: now]
        #[arg(long)]
        start: Option<u64>,
        /// How long it stays open: 90s, 15m, 12h, 7d.
        #[arg(long, default_value = "7d", value_parser = sale::parse_duration)]
        duration: u64,
        /// Receives the proceeds [default: the signer]
        #[arg(long, value_parser = parse_address)]
        treasury: Option<Address>,
    },
    /// Buy shares: pays exactly their cost (ETH with the call, or an ERC-20 after an approval).
    Buy {
        /// Which sale [default: the latest]
        #[arg(long)]
        sale: Option<usize>,
        /// Whole shares, e.g. 1000 or 0.5.
        #[arg(long)]
        shares: String,
        /// Buy for another account (it receives the shares or the refund).
        #[arg(long = "for", value_parser = parse_address)]
        beneficiary: Option<Address>,
    },
    /// Settle a sale that ended or sold out (anyone): proceeds to the treasury if the soft cap
    /// was met; claims open.
    Finalize {
        #[arg(long)]
        sale: Option<usize>,
    },
    /// Mint the signer's (or --for's) purchased shares after a successful, finalized sale.
    Claim {
        #[arg(long)]
        sale: Option<usize>,
        #[arg(long = "for", value_parser = parse_address)]
        account: Option<Address>,
    },
    /// Take back everything the signer paid, after a failed or cancelled sale.
    Refund {
        #[arg(long)]
        sale: Option<usize>,
        /// Send the refund here instead of to the signer.
        #[arg(long, value_parser = parse_address)]
        to: Option<Address>,
    },
    /// Cancel a sale before it is finalized (admin): every buyer can then take a refund.
    Cancel {
        #[arg(long)]
        sale: Option<usize>,
    },
    /// State, terms, totals and an account's purchase.
    Status {
        #[arg(long)]
        sale: Option<usize>,
        /// [default: the signer, when a key is given]
        #[arg(long, value_parser = parse_address)]
        account: Option<Address>,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum OrderCommand {
    /// Open a purchase order as its buyer (the signer): units of a model, each with its serial
    /// number (hashed as RigDeed hashes it), from a supplier, delivered to a hosting site, to
    /// be installed in a pool, paid per milestone.
    Open {
        /// The pool whose share token must hold each unit's deed.
        #[arg(long, default_value_t = 0)]
        pool: usize,
        #[arg(long, value_parser = parse_address)]
        supplier: Address,
        /// The hosting site that attests delivery.
        #[arg(long, value_parser = parse_address)]
        site: Address,
        /// Payment asset: eth or an ERC-20's address.
        #[arg(long, alias = "token", default_value = "eth")]
        asset: String,
        /// Total price in the asset's units.
        #[arg(long)]
        price: String,
        /// Share released when the supplier attests shipment, in basis points.
        #[arg(long, default_value_t = 3_000)]
        ship_bps: u16,
        /// Share released when the site attests delivery, in basis points (the rest is paid per installed unit).
        #[arg(long, default_value_t = 3_000)]
        delivery_bps: u16,
        /// Shipment deadline from now: 90s, 15m, 12h, 30d.
        #[arg(long, default_value = "30d", value_parser = sale::parse_duration)]
        ship_in: u64,
        #[arg(long, default_value = "60d", value_parser = sale::parse_duration)]
        deliver_in: u64,
        #[arg(long, default_value = "90d", value_parser = sale::parse_duration)]
        install_in: u64,
        /// Who may settle a dispute (neither buyer, supplier nor site) [default: none]
        #[arg(long, value_parser = parse_address)]
        arbiter: Option<Address>,
        /// MODEL:SERIAL, e.g. "Antminer S21:SMTTBF3B21A0042"; repeat for each (at most 32).
        #[arg(long = "unit", value_name = "MODEL:SERIAL", required = true)]
        units: Vec<orders::UnitSpec>,
    },
    /// Pay toward an order's price (anyone; never more than what remains).
    Fund {
        #[arg(long)]
        order: u64,
        /// In the asset's units.
        #[arg(long)]
        amount: String,
    },
    /// The supplier attests shipment, with a document (its 0x hash, or any text to hash).
    Ship {
        #[arg(long)]
        order: u64,
        #[arg(long, default_value = "")]
        document: String,
    },
    /// The hosting site attests delivery.
    Deliver {
        #[arg(long)]
        order: u64,
        #[arg(long, default_value = "")]
        document: String,
    },
    /// Release a unit's installation payment: its deed must be in the order's pool (anyone).
    Release {
        #[arg(long)]
        order: u64,
        #[arg(long)]
        unit: u64,
    },
    /// The supplier takes what was released.
    Claim {
        #[arg(long)]
        order: u64,
        #[arg(long, value_parser = parse_address)]
        to: Option<Address>,
    },
    /// After a missed deadline, the buyer takes back everything not yet earned.
    Reclaim {
        #[arg(long)]
        order: u64,
        #[arg(long, value_parser = parse_address)]
        to: Option<Address>,
    },
    /// The buyer cancels an order not yet fully funded and takes back what was paid.
    Cancel {
        #[arg(long)]
        order: u64,
        #[arg(long, value_parser = parse_address)]
        to: Option<Address>,
    },
    /// The arbiter splits what is not yet earned: this much to the supplier, the rest back to the buyer.
    Settle {
        #[arg(long)]
        order: u64,
        #[arg(long)]
        to_supplier: String,
    },
    /// The buyer takes what a settlement returned.
    WithdrawRefund {
        #[arg(long)]
        order: u64,
        #[arg(long, value_parser = parse_address)]
        to: Option<Address>,
    },
    /// An order's parties, terms, money and units.
    Status {
        #[arg(long)]
        order: u64,
    },
}

/// One operating command.
#[derive(Debug, Clone)]
pub enum Op {
    Order(OrderCommand),
    Sale(SaleCommand),
    Rig(RigCommand),
    Pool(PoolCommand),
    Revenue(RevenueCommand),
    Payees(PayeesCommand),
    Status { pool: Option<usize> },
}

impl Op {
    /// The command's name in progress lines.
    pub fn label(&self) -> &'static str {
        match self {
            Op::Rig(RigCommand::Mint(_)) => "rig mint",
            Op::Rig(RigCommand::Status { .. }) => "rig status",
            Op::Pool(PoolCommand::Create { .. }) => "pool create",
            Op::Pool(PoolCommand::AddSplitter { .. }) => "pool add-splitter",
            Op::Pool(PoolCommand::DepositDeed { .. }) => "pool deposit-deed",
            Op::Pool(PoolCommand::Transfer { .. }) => "pool transfer",
            Op::Revenue(RevenueCommand::Deposit { .. }) => "revenue deposit",
            Op::Revenue(RevenueCommand::Claimable { .. }) => "revenue claimable",
            Op::Revenue(RevenueCommand::Claim { .. }) => "revenue claim",
            Op::Payees(PayeesCommand::Set { .. }) => "payees set",
            Op::Status { .. } => "status",
            Op::Order(OrderCommand::Open { .. }) => "order open",
            Op::Order(OrderCommand::Fund { .. }) => "order fund",
            Op::Order(OrderCommand::Status { .. }) => "order status",
            Op::Order(_) => "order",
            Op::Sale(SaleCommand::Create { .. }) => "sale create",
            Op::Sale(SaleCommand::Buy { .. }) => "sale buy",
            Op::Sale(SaleCommand::Finalize { .. }) => "sale finalize",
            Op::Sale(SaleCommand::Claim { .. }) => "sale claim",
            Op::Sale(SaleCommand::Refund { .. }) => "sale refund",
            Op::Sale(SaleCommand::Cancel { .. }) => "sale cancel",
            Op::Sale(SaleCommand::Status { .. }) => "sale status",
        }
    }
}

async fn run_order(s: &Session, command: OrderCommand, json: bool) -> Result<()> {
    use orders::Step;
    let (order, step) = match command {
        OrderCommand::Open { pool, supplier, site, asset, price, ship_bps, delivery_bps, ship_in, deliver_in, install_in, arbiter, units } => {
            let asset = assets::parse_asset(&asset)?;
            let new = orders::NewOrder { pool, supplier, site, asset, price, ship_bps, delivery_bps, ship_in, deliver_in, install_in, arbiter, units };
            return emit(&orders::open(s, new).await?, json);
        }
        OrderCommand::Fund { order, amount } => return emit(&orders::fund(s, order, &amount).await?, json),
        OrderCommand::Status { order } => return emit(&orders::status(s, order).await?, json),
        OrderCommand::Ship { order, document } => (order, Step::Ship { document }),
        OrderCommand::Deliver { order, document } => (order, Step::Deliver { document }),
        OrderCommand::Release { order, unit } => (order, Step::Release { unit }),
        OrderCommand::Claim { order, to } => (order, Step::Claim { to }),
        OrderCommand::Reclaim { order, to } => (order, Step::Reclaim { to }),
        OrderCommand::Cancel { order, to } => (order, Step::Cancel { to }),
        OrderCommand::Settle { order, to_supplier } => (order, Step::Settle { to_supplier }),
        OrderCommand::WithdrawRefund { order, to } => (order, Step::WithdrawRefund { to }),
    };
    emit(&orders::step(s, order, step).await?, json)
}

async fn run_sale(ws: &Workspace, s: &Session, command: SaleCommand, json: bool) -> Result<()> {
    use sale::Action;
    match command {
        SaleCommand::Create { pool, asset, price, soft_cap, hard_cap, min_per_account, max_per_account, start, duration, treasury } => {
            let new = sale::NewSale {
                pool,
                asset: assets::parse_asset(&asset)?,
                price,
                soft_cap,
                max_per_account: max_per_account.unwrap_or_else(|| hard_cap.clone()),
                hard_cap,
                min_per_account,
                start,
                duration,
                treasury,
            };
            emit(&sale::create(ws, s, new).await?, json)
        }
        SaleCommand::Buy { sale: i, shares, beneficiary } => emit(&sale::buy(s, i, &shares, beneficiary).await?, json),
        SaleCommand::Finalize { sale: i } => emit(&sale::settle(s, i, Action::Finalize, None).await?, json),
        SaleCommand::Claim { sale: i, account } => emit(&sale::settle(s, i, Action::Claim, account).await?, json),
        SaleCommand::Refund { sale: i, to } => emit(&sale::settle(s, i, Action::Refund, to).await?, json),
        SaleCommand::Cancel { sale: i } => emit(&sale::settle(s, i, Action::Cancel, None).await?, json),
        SaleCommand::Status { sale: i, account } => emit(&sale::status(s, i, account).await?, json),
    }
}

/// Runs `op` against the chain `connect` names and prints its report.
pub fn run(ws: &Workspace, connect: &Connect, op: Op) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async {
        let s = Session::open(ws, connect, op.label()).await?;
        let json = connect.json;
        match op {
            Op::Rig(RigCommand::Mint(a)) => {
                let hashrate_ghs = match (a.hashrate_ghs, a.hashrate_ths) {
                    (Some(ghs), _) => ghs,
                    (None, Some(ths)) => rig::ths_to_ghs(&ths)?,
                    (None, None) => unreachable!("clap requires one"),
                };
                let new = rig::NewRig {
                    to: a.to,
                    model: a.model,
                    hashrate_ghs,
                    power_watts: a.power_watts,
                    site: a.site,
                    serial: a.serial,
                    kind: a.kind,
                };
                emit(&rig::mint(&s, new).await?, json)
            }
            Op::Rig(RigCommand::Status { id, status }) => emit(&rig::set_status(&s, id, status).await?, json),
            Op::Pool(PoolCommand::Create { name, symbol, supply, asset, stream_seconds, exclusions }) => {
                let asset = assets::parse_asset(&asset)?;
                let new = pools::NewPool { name, symbol, supply, asset, stream_seconds, exclusions };
                emit(&pools::create(ws, &s, new).await?, json)
            }
            Op::Pool(PoolCommand::AddSplitter { pool, asset, stream_seconds }) => {
                let asset = assets::parse_asset(&asset)?;
                emit(&pools::add_splitter(ws, &s, pool, asset, stream_seconds).await?, json)
            }
            Op::Pool(PoolCommand::DepositDeed { pool, ids }) => emit(&pools::deposit_deeds(&s, pool, &ids).await?, json),
            Op::Pool(PoolCommand::Transfer { pool, to, amount }) => {
                emit(&pools::transfer(&s, pool, to, &amount).await?, json)
            }
            Op::Revenue(RevenueCommand::Deposit { pool, amount, token }) => {
                emit(&revenue::deposit(&s, pool, &amount, token.as_deref()).await?, json)
            }
            Op::Revenue(RevenueCommand::Claimable { pool, account }) => {
                emit(&revenue::claimable(&s, pool, account).await?, json)
            }
            Op::Revenue(RevenueCommand::Claim { pool, token }) => emit(&revenue::claim(&s, pool, token.as_deref()).await?, json),
            Op::Payees(PayeesCommand::Set { pool, token, payees, clear: _ }) => {
                emit(&payees::set(&s, pool, token.as_deref(), &payees).await?, json)
            }
            Op::Status { pool } => emit(&super::status::status(&s, pool).await?, json),
            Op::Sale(command) => run_sale(ws, &s, command, json).await,
            Op::Order(command) => run_order(&s, command, json).await,
        }
    })
}
