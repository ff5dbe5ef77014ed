//! `rigshare order ...`: supply-chain purchase orders (contracts/purchase-order) from the
//! command line. The buyer opens an order for a pool's rigs and funds it, the supplier attests
//! shipment, the hosting site delivery, anyone releases a unit once its deed is in the pool,
//! the supplier claims; after a missed deadline the buyer reclaims. `status` shows an order's
//! parties, terms, money and each unit.
//!
//! Every transaction goes through the crash-safe sender: a re-run after a crash settles what
//! was sent (its step key is the call itself) instead of paying twice.

use anyhow::{bail, Context, Result};
use ethers::prelude::*;
use serde::Serialize;

use super::{
    assets::{self, Asset},
    revenue::Amount,
    session::Session,
    units, Report,
};
use crate::{
    catalogue::purchase_order::{self, OrderOpenedFilter, PurchaseOrders},
    chain::{sender::Sent, Client},
};

/// `status` names, by code (contracts/purchase-order: `STATUS_*`).
const STATUSES: [&str; 6] = ["funding", "active", "completed", "reclaimed", "settled", "cancelled"];

/// One ordered unit: `MODEL:SERIAL` as people write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitSpec {
    pub model: String,
    pub serial: String,
}

impl std::str::FromStr for UnitSpec {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> Result<Self> {
        let (model, serial) = text.rsplit_once(':').with_context(|| format!("unit '{text}' is not MODEL:SERIAL (e.g. \"Antminer S21:SMTTBF3B21A0042\")"))?;
        let (model, serial) = (model.trim(), serial.trim());
        if model.is_empty() || model.len() > 32 {
            bail!("unit '{text}': the model is 1 to 32 bytes");
        }
        if serial.is_empty() {
            bail!("unit '{text}': the serial is empty");
        }
        Ok(Self { model: model.to_owned(), serial: serial.to_owned() })
    }
}

/// A model name as the contract stores it: UTF-8, zero-padded to 32 bytes.
fn model_word(model: &str) -> [u8; 32] {
    let mut word = [0u8; 32];
    word[..model.len()].copy_from_slice(model.as_bytes());
    word
}

fn model_text(word: [u8; 32]) -> String {
    String::from_utf8_lossy(&word).trim_end_matches('\0').to_owned()
}

/// A document reference: a 0x-prefixed 32-byte hash as given, or the keccak256 of the text.
pub fn document_hash(text: &str) -> [u8; 32] {
    match text.parse::<H256>() {
        Ok(h) if text.starts_with("0x") && text.len() == 66 => h.0,
        _ => ethers::utils::keccak256(text.as_bytes()),
    }
}

/// `rigshare order open`'s input.
#[derive(Debug, Clone)]
pub struct NewOrder {
    pub pool: usize,
    pub supplier: Address,
    pub site: Address,
    pub asset: Address,
    /// In the asset's units.
    pub price: String,
    pub ship_bps: u16,
    pub delivery_bps: u16,
    /// Seconds from now to each deadline.
    pub ship_in: u64,
    pub deliver_in: u64,
    pub install_in: u64,
    pub arbiter: Option<Address>,
    pub units: Vec<UnitSpec>,
}

fn orders(s: &Session) -> Result<PurchaseOrders<Client>> {
    Ok(PurchaseOrders::new(s.contract(purchase_order::NAME)?, s.client.clone()))
}

/// What an order looks like now.
#[derive(Debug, Clone, Serialize)]
pub struct OrderStatus {
    pub order: u64,
    pub status: String,
    pub buyer: String,
    pub supplier: String,
    pub site: String,
    pub pool: String,
    pub arbiter: Option<String>,
    pub asset: Asset,
    pub price: Amount,
    pub ship_bps: u16,
    pub delivery_bps: u16,
    pub ship_by: u64,
    pub deliver_by: u64,
    pub install_by: u64,
    pub shipped: bool,
    pub delivered: bool,
    pub funded: Amount,
    /// Earned by the supplier.
    pub released: Amount,
    /// Paid to the supplier.
    pub claimed: Amount,
    /// Credited back to the buyer.
    pub returned: Amount,
    /// Paid to the buyer.
    pub refunded: Amount,
    pub units: Vec<UnitStatus>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitStatus {
    pub unit: u64,
    pub model: String,
    pub serial_hash: String,
    pub installed: bool,
    /// The deed whose presence in the pool released it.
    pub deed_id: Option<u64>,
    pub payment: Amount,
}

impl Report for OrderStatus {
    fn text(&self) -> String {
        let mut out = format!(
            "order {} ({}): {} from {} for {}, delivered to {} for pool {}\n",
            self.order, self.status, self.price, self.supplier, self.buyer, self.site, self.pool
        );
        out += &format!(
            "  schedule: {}% at shipment (by {}), {}% at delivery (by {}), the rest per installed unit (by {}){}\n",
            f64::from(self.ship_bps) / 100.0,
            self.ship_by,
            f64::from(self.delivery_bps) / 100.0,
            self.deliver_by,
            self.install_by,
            self.arbiter.as_ref().map_or(String::new(), |a| format!("; arbiter {a}"))
        );
        out += &format!(
            "  funded {}, released {}, claimed {}, returned {}, refunded {}; shipped {}, delivered {}\n",
            self.funded, self.released, self.claimed, self.returned, self.refunded, self.shipped, self.delivered
        );
        for u in &self.units {
            let deed = u.deed_id.map_or(String::new(), |d| format!(" (deed {d})"));
            out += &format!("  unit {}: {} {} {}{deed}, pays {}\n", u.unit, u.model, u.serial_hash, if u.installed { "installed" } else { "not installed" }, u.payment);
        }
        out
    }
}

/// `rigshare order status`.
pub async fn status(s: &Session, order: u64) -> Result<OrderStatus> {
    let c = orders(s)?;
    let id = U256::from(order);
    let (buyer, supplier, site, pool, asset, arbiter, status) = c.order_parties(id).call().await.map_err(|e| revert(s, e, "reading the order"))?;
    let (price, ship_bps, delivery_bps, ship_by, deliver_by, install_by, n) = c.order_terms(id).call().await?;
    let (funded, released, claimed, returned, refunded) = c.order_amounts(id).call().await?;
    let (shipped, delivered, _) = c.order_progress(id).call().await?;
    let asset = Asset::read(&s.client, asset).await?;
    let mut units = Vec::new();
    for u in 0..n.as_u64() {
        let (model, serial_hash, installed, deed_id, payment) = c.order_unit(id, U256::from(u)).call().await?;
        units.push(UnitStatus {
            unit: u,
            model: model_text(model),
            serial_hash: format!("{:?}", H256::from(serial_hash)),
            installed,
            deed_id: installed.then(|| deed_id.as_u64()),
            payment: Amount::of(payment, &asset),
        });
    }
    Ok(OrderStatus {
        order,
        status: STATUSES.get(usize::from(status)).map_or_else(|| format!("unknown ({status})"), |s| (*s).to_owned()),
        buyer: format!("{buyer:?}"),
        supplier: format!("{supplier:?}"),
        site: format!("{site:?}"),
        pool: format!("{pool:?}"),
        arbiter: (!arbiter.is_zero()).then(|| format!("{arbiter:?}")),
        price: Amount::of(price, &asset),
        ship_bps,
        delivery_bps,
        ship_by,
        deliver_by,
        install_by,
        shipped,
        delivered,
        funded: Amount::of(funded, &asset),
        released: Amount::of(released, &asset),
        claimed: Amount::of(claimed, &asset),
        returned: Amount::of(returned, &asset),
        refunded: Amount::of(refunded, &asset),
        units,
        asset,
    })
}

/// The payment asset of `order` (one view, not the whole status).
async fn asset_of(s: &Session, c: &PurchaseOrders<Client>, order: u64) -> Result<Asset> {
    let (_, _, _, _, asset, _, _) = c.order_parties(U256::from(order)).call().await.map_err(|e| revert(s, e, "reading the order"))?;
    Asset::read(&s.client, asset).await
}

fn revert(s: &Session, e: ContractError<Client>, what: &str) -> anyhow::Error {
    match e.as_revert() {
        Some(data) => anyhow::anyhow!("{what}: {}", s.sender.decoder().describe(data)),
        None => anyhow::anyhow!("{what}: {e}"),
    }
}

/// What an order command sent, and the order after it.
#[derive(Debug, Clone, Serialize)]
pub struct OrderStep {
    pub action: String,
    /// The amount the step moved, when it moves one (funded, released, claimed, reclaimed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    pub steps: Vec<Sent>,
    pub order: OrderStatus,
}

impl Report for OrderStep {
    fn text(&self) -> String {
        let amount = self.amount.as_ref().map_or(String::new(), |a| format!(": {a}"));
        format!("{}{amount} (tx {})\n{}", self.action, self.steps.last().map_or("", |s| s.tx.as_str()), self.order.text())
    }
}

/// `rigshare order open`: the signer is the buyer. The order is for pool `pool`'s share token.
pub async fn open(s: &Session, n: NewOrder) -> Result<OrderStep> {
    let me = s.signer()?;
    let (_, pool) = s.pool(n.pool)?;
    let c = orders(s)?;
    let asset = Asset::read(&s.client, n.asset).await?;
    let price = units::parse_units(&n.price, asset.decimals).context("--price")?;
    let now = s.client.get_block(BlockNumber::Latest).await?.context("the latest block")?.timestamp.as_u64();
    let (ship_by, deliver_by, install_by) = (now + n.ship_in, now + n.deliver_in, now + n.install_in);
    anyhow::ensure!(n.ship_in > 0 && n.ship_in <= n.deliver_in && n.deliver_in <= n.install_in, "deadlines must come in order: --ship-in <= --deliver-in <= --install-in, the first after now");
    anyhow::ensure!(!n.units.is_empty(), "name at least one --unit MODEL:SERIAL");
    let serials: Vec<[u8; 32]> = n.units.iter().map(|u| ethers::utils::keccak256(u.serial.as_bytes())).collect();
    let models: Vec<[u8; 32]> = n.units.iter().map(|u| model_word(&u.model)).collect();
    let call = c.open(
        n.supplier,
        n.site,
        pool,
        n.asset,
        price,
        n.ship_bps,
        n.delivery_bps,
        ship_by,
        deliver_by,
        install_by,
        n.arbiter.unwrap_or_default(),
        serials,
        models,
    );
    let what = format!("opening an order for {} unit(s) from {:?}", n.units.len(), n.supplier);
    // The deadlines come from the clock, so a re-run after a crash builds other calldata: the
    // step is named by what does not move (parties, pool, asset, price, schedule, units), and
    // settling it finds the order an interrupted run sent instead of opening a second one.
    let mut identity = format!("{:?}{:?}{pool:?}{:?}{price}{}{}", n.supplier, n.site, n.asset, n.ship_bps, n.delivery_bps).into_bytes();
    for u in &n.units {
        identity.extend(model_word(&u.model));
        identity.extend(ethers::utils::keccak256(u.serial.as_bytes()));
    }
    let step = format!("order open {}", ethers::utils::hex::encode(&ethers::utils::keccak256(&identity)[..8]));
    s.progress(&what);
    let receipt = s.sender.send_step(&what, &step, call, Default::default()).await?;
    let event: OrderOpenedFilter = crate::chain::sender::event(&receipt, c.address()).context("no OrderOpened event")?;
    debug_assert_eq!(event.buyer, me);
    let order = event.order_id.as_u64();
    Ok(OrderStep { action: format!("order {order} opened"), amount: None, steps: vec![Sent::from(&receipt)], order: status(s, order).await? })
}

/// `rigshare order fund`: pays toward the price (ETH with the call, a token after approval).
pub async fn fund(s: &Session, order: u64, amount: &str) -> Result<OrderStep> {
    s.signer()?;
    let c = orders(s)?;
    let asset = asset_of(s, &c, order).await?;
    let value = units::parse_units(amount, asset.decimals).context("--amount")?;
    anyhow::ensure!(!value.is_zero(), "--amount must be more than 0");
    let mut call = c.fund(U256::from(order), value);
    if asset.token.is_none() {
        call = call.value(value);
    }
    let what = format!("funding order {order} with {}", Amount::of(value, &asset));
    let mut steps = Vec::new();
    let receipt = match s.earlier(&what, &call).await? {
        Some(r) => r,
        None => {
            steps.extend(assets::prepare_payment(s, &asset, c.address(), value, "the payment is").await?);
            s.progress(&what);
            s.send(&what, call).await?
        }
    };
    steps.push(Sent::from(&receipt));
    Ok(OrderStep { action: format!("order {order} funded"), amount: Some(Amount::of(value, &asset)), steps, order: status(s, order).await? })
}

/// The order steps that are one call: `ship`, `deliver`, `release`, `claim`, `reclaim`,
/// `cancel`, `settle`, `withdraw-refund`.
#[derive(Debug, Clone)]
pub enum Step {
    Ship { document: String },
    Deliver { document: String },
    Release { unit: u64 },
    Claim { to: Option<Address> },
    Reclaim { to: Option<Address> },
    Cancel { to: Option<Address> },
    Settle { to_supplier: String },
    WithdrawRefund { to: Option<Address> },
}

/// `rigshare order ship|deliver|release|claim|reclaim|cancel|settle|withdraw-refund`.
pub async fn step(s: &Session, order: u64, step: Step) -> Result<OrderStep> {
    let me = s.signer()?;
    let c = orders(s)?;
    let id = U256::from(order);
    let asset = asset_of(s, &c, order).await?;
    let (call, action) = match &step {
        Step::Ship { document } => (c.method::<_, ()>("ship", (id, document_hash(document)))?, "shipped"),
        Step::Deliver { document } => (c.method::<_, ()>("deliver", (id, document_hash(document)))?, "delivered"),
        Step::Release { unit } => (c.method::<_, ()>("release", (id, U256::from(*unit)))?, "unit released"),
        Step::Claim { to } => (c.method::<_, ()>("claim", (id, to.unwrap_or(me)))?, "claimed by the supplier"),
        Step::Reclaim { to } => (c.method::<_, ()>("reclaim", (id, to.unwrap_or(me)))?, "reclaimed by the buyer"),
        Step::Cancel { to } => (c.method::<_, ()>("cancel", (id, to.unwrap_or(me)))?, "cancelled"),
        Step::Settle { to_supplier } => {
            let v = units::parse_units(to_supplier, asset.decimals).context("--to-supplier")?;
            (c.method::<_, ()>("settle", (id, v))?, "settled by the arbiter")
        }
        Step::WithdrawRefund { to } => (c.method::<_, ()>("withdrawRefund", (id, to.unwrap_or(me)))?, "refund withdrawn"),
    };
    let what = format!("order {order}: {action}");
    let receipt = match s.earlier(&what, &call).await? {
        Some(r) => r,
        None => {
            s.progress(&what);
            s.send(&what, call).await?
        }
    };
    // What moved, from the step's event.
    use crate::catalogue::purchase_order::{BuyerRefundedFilter, OrderDeliveredFilter, OrderShippedFilter, SupplierPaidFilter, UnitInstalledFilter};
    use crate::chain::sender::event;
    let at = c.address();
    let moved = match step {
        Step::Ship { .. } => event::<OrderShippedFilter>(&receipt, at).map(|e| e.released),
        Step::Deliver { .. } => event::<OrderDeliveredFilter>(&receipt, at).map(|e| e.released),
        Step::Release { .. } => event::<UnitInstalledFilter>(&receipt, at).map(|e| e.released),
        Step::Claim { .. } => event::<SupplierPaidFilter>(&receipt, at).map(|e| e.amount),
        Step::Reclaim { .. } | Step::Cancel { .. } | Step::WithdrawRefund { .. } => event::<BuyerRefundedFilter>(&receipt, at).map(|e| e.amount),
        Step::Settle { .. } => None,
    };
    Ok(OrderStep {
        action: format!("order {order} {action}"),
        amount: moved.map(|m| Amount::of(m, &asset)),
        steps: vec![Sent::from(&receipt)],
        order: status(s, order).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_documents_read_as_people_write_them() {
        let u: UnitSpec = "Antminer S21:SMT-42".parse().unwrap();
        assert_eq!((u.model.as_str(), u.serial.as_str()), ("Antminer S21", "SMT-42"));
        for bad in ["S21", ":x", "S21:", &format!("{}:x", "m".repeat(33))] {
            assert!(bad.parse::<UnitSpec>().is_err(), "{bad}");
        }
        assert_eq!(model_text(model_word("Whatsminer M60S")), "Whatsminer M60S");
        let hash = format!("0x{}", "ab".repeat(32));
        assert_eq!(document_hash(&hash), [0xab; 32]);
        assert_eq!(document_hash("BL-778812"), ethers::utils::keccak256("BL-778812"));
    }
}
