//! Purchase orders on the dev node with the compiled contracts: PurchaseOrders over the real
//! RigDeed and a RigShares pool, all deployed through StylusDeployer.
//!
//! - An order for two rigs in ETH: the buyer funds it in two payments, the supplier ships, the
//!   hosting site confirms delivery, each rig is tokenized with its ordered serial and put in
//!   the pool, anyone releases each unit, and the supplier claims: it receives exactly the
//!   price, and the contract is left empty.
//! - An order whose supplier never ships: the buyer reclaims everything after the deadline.
//! - A unit whose deed is outside the pool is refused with the typed error.
//!
//! Every balance is checked to the wei (ETH after gas).

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::{SolCall, SolError};
use rigshare_e2e::*;

const DAY: u64 = 86_400;
const SHIP_BPS: u16 = 3_000;
const DELIVERY_BPS: u16 = 2_000;

fn model(text: &str) -> B256 {
    let mut word = [0u8; 32];
    word[..text.len()].copy_from_slice(text.as_bytes());
    B256::from(word)
}

struct Setup {
    chain: Chain,
    deed: Address,
    pool: Address,
    orders: Address,
}

fn setup() -> Setup {
    let mut chain = Chain::default();
    let (deed, pool) = chain.deploy_pool(U256::from(1_000_000u64) * U256::from(ETH));
    let orders = chain.deploy_orders(deed);
    let (dev, me) = (chain.dev.clone(), chain.dev_address());
    let operator = keccak256("OPERATOR_ROLE");
    chain.exec(&dev, deed, RigDeed::grantRoleCall { role: operator, account: me });
    chain.exec(&dev, pool, RigShares::grantRoleCall { role: operator, account: me });
    Setup { chain, deed, pool, orders }
}

/// Opens an order from `buyer` for the units `serials` at `price` wei, deadlines 10/20/30 days out.
fn open(s: &mut Setup, buyer: &k256::ecdsa::SigningKey, supplier: Address, site: Address, price: u128, serials: &[&str]) -> U256 {
    let now = s.chain.engine.latest_block().timestamp;
    let call = PurchaseOrders::openCall {
        supplier,
        site,
        pool: s.pool,
        asset: Address::ZERO,
        price: U256::from(price),
        shipBps: SHIP_BPS,
        deliveryBps: DELIVERY_BPS,
        shipBy: now + 10 * DAY,
        deliverBy: now + 20 * DAY,
        installBy: now + 30 * DAY,
        arbiter: Address::ZERO,
        serialHashes: serials.iter().map(|x| keccak256(x.as_bytes())).collect(),
        models: serials.iter().map(|_| model("Antminer S21")).collect(),
    };
    let id = s.chain.view(s.orders, PurchaseOrders::orderCountCall {})._0;
    s.chain.exec(buyer, s.orders, call);
    id
}

/// What a receipt cost its sender.
fn fee(r: &devnode::engine::chain::Receipt) -> U256 {
    U256::from(r.gas_used) * U256::from(r.effective_gas_price)
}

#[test]
fn an_order_runs_from_funding_to_installed_rigs_and_pays_the_supplier_exactly() {
    let mut s = setup();
    let (buyer, supplier, site) = (account(1), account(2), account(3));
    for k in [&buyer, &supplier, &site] {
        s.chain.fund(address_of(k), U256::from(10 * ETH));
    }
    let price = 3 * ETH + 1; // odd, so the units' split is tested to the wei
    let id = open(&mut s, &buyer, address_of(&supplier), address_of(&site), price, &["S21-0001", "S21-0002"]);

    // Two payments; the second completes the price and activates the order.
    let first = U256::from(ETH);
    s.chain.exec_value(&buyer, s.orders, first, PurchaseOrders::fundCall { orderId: id, amount: first });
    let rest = U256::from(price) - first;
    let over = s.chain.send(&buyer, Some(s.orders), rest + U256::from(1), PurchaseOrders::fundCall { orderId: id, amount: rest + U256::from(1) }.abi_encode().into());
    assert!(!over.status, "overfunding is refused");
    assert_eq!(&over.output[..4], PurchaseOrders::OrderOverfunded::SELECTOR);
    s.chain.exec_value(&buyer, s.orders, rest, PurchaseOrders::fundCall { orderId: id, amount: rest });
    assert_eq!(s.chain.balance(s.orders), U256::from(price));

    s.chain.exec(&supplier, s.orders, PurchaseOrders::shipCall { orderId: id, document: keccak256("BL-778812") });
    s.chain.exec(&site, s.orders, PurchaseOrders::deliverCall { orderId: id, document: keccak256("site receipt 17") });

    // Unit 0's rig is tokenized but sits with the operator, not in the pool: refused by name.
    let (dev, me) = (s.chain.dev.clone(), s.chain.dev_address());
    let mint = |serial: &str| RigDeed::mintCall {
        to: me,
        model: "Antminer S21".into(),
        hashrateGhs: 200_000,
        powerWatts: 3_500,
        site: "Rockdale, TX".into(),
        serialHash: keccak256(serial.as_bytes()),
        kind: 0,
    };
    s.chain.exec(&dev, s.deed, mint("S21-0001"));
    let early = s.chain.send(&dev, Some(s.orders), U256::ZERO, PurchaseOrders::releaseCall { orderId: id, unit: U256::ZERO }.abi_encode().into());
    assert!(!early.status);
    assert_eq!(&early.output[..4], PurchaseOrders::OrderUnitNotInPool::SELECTOR);
    s.chain.exec(&dev, s.deed, RigDeed::safeTransferFrom_0Call { from: me, to: s.pool, tokenId: U256::from(1) });
    s.chain.exec(&dev, s.deed, mint("S21-0002"));
    s.chain.exec(&dev, s.deed, RigDeed::safeTransferFrom_0Call { from: me, to: s.pool, tokenId: U256::from(2) });
    // Anyone releases: the chain is the proof.
    let stranger = account(9);
    s.chain.fund(address_of(&stranger), U256::from(ETH));
    s.chain.exec(&stranger, s.orders, PurchaseOrders::releaseCall { orderId: id, unit: U256::from(1) });
    let again = s.chain.send(&stranger, Some(s.orders), U256::ZERO, PurchaseOrders::releaseCall { orderId: id, unit: U256::from(1) }.abi_encode().into());
    assert_eq!(&again.output[..4], PurchaseOrders::OrderUnitInstalled::SELECTOR, "a unit is paid once");
    s.chain.exec(&stranger, s.orders, PurchaseOrders::releaseCall { orderId: id, unit: U256::ZERO });
    let done = s.chain.send(&stranger, Some(s.orders), U256::ZERO, PurchaseOrders::releaseCall { orderId: id, unit: U256::ZERO }.abi_encode().into());
    assert_eq!(&done.output[..4], PurchaseOrders::OrderWrongStatus::SELECTOR, "a completed order releases nothing more");

    let amounts = s.chain.view(s.orders, PurchaseOrders::orderAmountsCall { orderId: id });
    assert_eq!((amounts.funded, amounts.released), (U256::from(price), U256::from(price)), "funded and released: the whole price");
    let parties = s.chain.view(s.orders, PurchaseOrders::orderPartiesCall { orderId: id });
    assert_eq!(parties.status, 2, "completed");

    let before = s.chain.balance(address_of(&supplier));
    let claim = s.chain.exec(&supplier, s.orders, PurchaseOrders::claimCall { orderId: id, recipient: address_of(&supplier) });
    assert_eq!(s.chain.balance(address_of(&supplier)) + fee(&claim) - before, U256::from(price), "the supplier got the price, to the wei");
    assert_eq!(s.chain.balance(s.orders), U256::ZERO);
}

#[test]
fn a_supplier_that_never_ships_lets_the_buyer_reclaim_everything() {
    let mut s = setup();
    let (buyer, supplier, site) = (account(4), account(5), account(6));
    s.chain.fund(address_of(&buyer), U256::from(10 * ETH));
    s.chain.fund(address_of(&supplier), U256::from(ETH));
    let id = open(&mut s, &buyer, address_of(&supplier), address_of(&site), 2 * ETH, &["M60S-1"]);
    s.chain.exec_value(&buyer, s.orders, U256::from(2 * ETH), PurchaseOrders::fundCall { orderId: id, amount: U256::from(2 * ETH) });
    let early = s.chain.send(&buyer, Some(s.orders), U256::ZERO, PurchaseOrders::reclaimCall { orderId: id, recipient: address_of(&buyer) }.abi_encode().into());
    assert_eq!(&early.output[..4], PurchaseOrders::OrderNoDeadlineMissed::SELECTOR);
    s.chain.engine.increase_time(10 * DAY + 1);
    let late = s.chain.send(&supplier, Some(s.orders), U256::ZERO, PurchaseOrders::shipCall { orderId: id, document: B256::ZERO }.abi_encode().into());
    assert_eq!(&late.output[..4], PurchaseOrders::OrderDeadlinePassed::SELECTOR);
    let before = s.chain.balance(address_of(&buyer));
    let reclaim = s.chain.exec(&buyer, s.orders, PurchaseOrders::reclaimCall { orderId: id, recipient: address_of(&buyer) });
    assert_eq!(s.chain.balance(address_of(&buyer)) + fee(&reclaim) - before, U256::from(2 * ETH));
    assert_eq!(s.chain.balance(s.orders), U256::ZERO);
    assert!(!s.chain.view(s.orders, PurchaseOrders::serialTakenCall { serialHash: keccak256("M60S-1") })._0, "the serial is free again");
}
