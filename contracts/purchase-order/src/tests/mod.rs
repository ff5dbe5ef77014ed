//! Native tests of the purchase orders against the real RigDeed (motsu runs both): every rule,
//! every refusal, every party's call from an account without that role, and the attack cases.
#![allow(clippy::too_many_arguments)]

mod properties;

use alloy_primitives::{keccak256, uint, Address, B256, U256};
use motsu::prelude::*;
use openzeppelin_stylus::{access::control::IAccessControl, token::erc721::IErc721};
use rig_deed::{IRigDeed, RigDeed};
use rigshare_common::OPERATOR_ROLE;
use rigshare_test_doubles::{EthRejecter, EthWallet, PayToken};

use super::*;
use crate::clock;

const ETH: U256 = uint!(1_000000000000000000_U256);
/// 30% at shipment, 30% at delivery, 40% over the installed units.
const SHIP_BPS: u16 = 3_000;
const DELIVERY_BPS: u16 = 3_000;
const DAY: u64 = 86_400;

fn serial(n: u8) -> B256 {
    keccak256([n])
}

/// A model name as the contract stores it: UTF-8, zero-padded to 32 bytes.
pub(super) fn model(text: &str) -> B256 {
    let mut word = [0u8; 32];
    word[..text.len()].copy_from_slice(text.as_bytes());
    B256::from(word)
}

/// The parties and contracts of one order.
struct World<'a> {
    orders: &'a Contract<PurchaseOrders>,
    deed: &'a Contract<RigDeed>,
    /// The RigShares pool stand-in: any contract may hold deeds.
    pool: Address,
    buyer: Address,
    supplier: Address,
    site: Address,
    arbiter: Address,
}

impl World<'_> {
    /// RigDeed (the buyer its operator) and the orders contract over it.
    fn new<'a>(
        orders: &'a Contract<PurchaseOrders>,
        deed: &'a Contract<RigDeed>,
        pool: &Contract<EthWallet>,
        buyer: Address,
        supplier: Address,
        site: Address,
        arbiter: Address,
    ) -> World<'a> {
        clock::reset();
        deed.sender(buyer).constructor("Rig Deed".into(), "RIG".into(), buyer, deed.address()).motsu_unwrap();
        deed.sender(buyer).grant_role(OPERATOR_ROLE.into(), buyer).motsu_unwrap();
        orders.sender(buyer).constructor(deed.address(), orders.address()).motsu_unwrap();
        World { orders, deed, pool: pool.address(), buyer, supplier, site, arbiter }
    }

    /// Opens an order for `n` units (serials 1..=n) at `price` of `asset`, deadlines in 10, 20
    /// and 30 days.
    fn open(&self, asset: Address, price: U256, n: u8, arbiter: Address) -> U256 {
        let now = clock::now();
        let serials = (1..=n).map(serial).collect();
        let models = (1..=n).map(|i| model(&format!("Antminer S21 #{i}"))).collect();
        self.orders
            .sender(self.buyer)
            .open(self.supplier, self.site, self.pool, asset, price, SHIP_BPS, DELIVERY_BPS, now + 10 * DAY, now + 20 * DAY, now + 30 * DAY, arbiter, serials, models)
            .motsu_unwrap()
    }

    /// Opens and fully funds an ETH order.
    fn active_eth(&self, price: U256, n: u8) -> U256 {
        let id = self.open(Address::ZERO, price, n, self.arbiter);
        self.buyer.fund(price);
        self.orders.sender_and_value(self.buyer, price).fund(id, price).motsu_unwrap();
        id
    }

    /// Tokenizes serial `n` and moves its deed to `to`.
    fn tokenize(&self, n: u8, to: Address) -> U256 {
        let id = self
            .deed
            .sender(self.buyer)
            .mint(self.buyer, "Antminer S21".into(), 200_000, 3_500, "Rockdale".into(), serial(n), 0)
            .motsu_unwrap();
        self.deed.sender(self.buyer).transfer_from(self.buyer, to, id).motsu_unwrap();
        id
    }

    fn amounts(&self, id: U256) -> (U256, U256, U256, U256, U256) {
        self.orders.sender(self.buyer).order_amounts(id).motsu_unwrap()
    }

    fn status(&self, id: U256) -> u8 {
        self.orders.sender(self.buyer).order_parties(id).motsu_unwrap().6
    }
}

macro_rules! world {
    ($orders:ident, $deed:ident, $pool:ident, $buyer:ident, $supplier:ident, $site:ident, $arbiter:ident) => {
        World::new(&$orders, &$deed, &$pool, $buyer, $supplier, $site, $arbiter)
    };
}

// ---------------------------------------------------------------- opening

#[motsu::test]
fn an_order_records_its_parties_terms_and_units(
    orders: Contract<PurchaseOrders>,
    deed: Contract<RigDeed>,
    pool: Contract<EthWallet>,
    buyer: Address,
    supplier: Address,
    site: Address,
    arbiter: Address,
) {
    let w = world!(orders, deed, pool, buyer, supplier, site, arbiter);
    let id = w.open(Address::ZERO, ETH, 3, arbiter);
    assert_eq!(id, U256::ZERO);
    let view = orders.sender(buyer);
    assert_eq!(view.order_count(), U256::from(1));
    assert_eq!(view.rig_deed(), deed.address());
    assert_eq!(view.order_parties(id).motsu_unwrap(), (buyer, supplier, site, w.pool, Address::ZERO, arbiter, STATUS_FUNDING));
    let (price, ship, delivery, ship_by, deliver_by, install_by, units) = view.order_terms(id).motsu_unwrap();
    assert_eq!((price, ship, delivery, units), (ETH, SHIP_BPS, DELIVERY_BPS, U256::from(3)));
    assert!(ship_by < deliver_by && deliver_by < install_by);
    let (name, hash, installed, deed_id, pays) = view.order_unit(id, U256::from(2)).motsu_unwrap();
    assert_eq!((name, hash, installed, deed_id), (model("Antminer S21 #3"), serial(3), false, U256::ZERO));
    // 40% of 1 ETH over 3 units: floor(T*3/3) - floor(T*2/3).
    let total = ETH * U256::from(4) / U256::from(10);
    assert_eq!(pays, total - total * U256::from(2) / U256::from(3));
    assert!(view.serial_taken(serial(1)));
    orders.assert_emitted(&OrderOpened { orderId: id, buyer, supplier, site, pool: w.pool, asset: Address::ZERO, price: ETH, units: U256::from(3) });
}

#[motsu::test]
fn opening_refuses_every_bad_argument(
    orders: Contract<PurchaseOrders>,
    deed: Contract<RigDeed>,
    pool: Contract<EthWallet>,
    buyer: Address,
    supplier: Address,
    site: Address,
    arbiter: Address,
    eoa: Address,
) {
    let w = world!(orders, deed, pool, buyer, supplier, site, arbiter);
    let now = clock::now();
    let (s1, s2) = (serial(1), serial(2));
    let s21 = || model("S21");
    let open = |supplier: Address, site: Address, pool: Address, asset: Address, price: U256, bps: (u16, u16), by: (u64, u64, u64), arbiter: Address, serials: Vec<B256>, models: Vec<B256>| {
        orders.sender(buyer).open(supplier, site, pool, asset, price, bps.0, bps.1, by.0, by.1, by.2, arbiter, serials, models).motsu_unwrap_err()
    };
    let by = (now + 1, now + 2, now + 3);
    let ok = (SHIP_BPS, DELIVERY_BPS);
    let party = |e: Error| match e {
        Error::InvalidParty(OrderInvalidParty { which }) => which,
        other => panic!("{other:?}"),
    };
    assert_eq!(party(open(Address::ZERO, site, w.pool, Address::ZERO, ETH, ok, by, arbiter, vec![s1], vec![s21()])), 0);
    assert_eq!(party(open(buyer, site, w.pool, Address::ZERO, ETH, ok, by, arbiter, vec![s1], vec![s21()])), 0);
    assert_eq!(party(open(supplier, Address::ZERO, w.pool, Address::ZERO, ETH, ok, by, arbiter, vec![s1], vec![s21()])), 1);
    assert_eq!(party(open(supplier, site, eoa, Address::ZERO, ETH, ok, by, arbiter, vec![s1], vec![s21()])), 2);
    for bad_arbiter in [buyer, supplier, site] {
        assert_eq!(party(open(supplier, site, w.pool, Address::ZERO, ETH, ok, by, bad_arbiter, vec![s1], vec![s21()])), 3);
    }
    assert_eq!(party(open(supplier, site, w.pool, eoa, ETH, ok, by, arbiter, vec![s1], vec![s21()])), 4);
    let units = |e: Error| assert!(matches!(e, Error::InvalidUnits(_)), "{e:?}");
    units(open(supplier, site, w.pool, Address::ZERO, ETH, ok, by, arbiter, vec![], vec![]));
    units(open(supplier, site, w.pool, Address::ZERO, ETH, ok, by, arbiter, vec![s1, s2], vec![s21()]));
    let many: Vec<B256> = (0..=MAX_UNITS as u8).map(serial).collect();
    units(open(supplier, site, w.pool, Address::ZERO, ETH, ok, by, arbiter, many.clone(), many.iter().map(|_| s21()).collect()));
    let e = open(supplier, site, w.pool, Address::ZERO, ETH, ok, by, arbiter, vec![s1, s2], vec![s21(), B256::ZERO]);
    assert!(matches!(e, Error::InvalidModel(OrderInvalidModel { unit }) if unit == U256::from(1)), "{e:?}");
    for serials in [vec![B256::ZERO], vec![s1, s1]] {
        let models = serials.iter().map(|_| s21()).collect();
        let e = open(supplier, site, w.pool, Address::ZERO, ETH, ok, by, arbiter, serials, models);
        assert!(matches!(e, Error::SerialUnavailable(_)), "{e:?}");
    }
    let e = open(supplier, site, w.pool, Address::ZERO, ETH, (6_000, 4_001), by, arbiter, vec![s1], vec![s21()]);
    assert!(matches!(e, Error::InvalidSchedule(OrderInvalidSchedule { shipBps: 6_000, deliveryBps: 4_001 })), "{e:?}");
    for bad in [(now, now + 2, now + 3), (now + 3, now + 2, now + 4), (now + 1, now + 3, now + 2)] {
        let e = open(supplier, site, w.pool, Address::ZERO, ETH, ok, bad, arbiter, vec![s1], vec![s21()]);
        assert!(matches!(e, Error::InvalidDeadlines(_)), "{e:?}");
    }
    assert_eq!(MAX_PRICE, U256::MAX / U256::from(BPS));
    for price in [U256::from(1), MAX_PRICE + U256::from(1), U256::MAX] {
        let e = open(supplier, site, w.pool, Address::ZERO, price, ok, by, arbiter, vec![s1, s2], vec![s21(), s21()]);
        assert!(matches!(e, Error::InvalidPrice(_)), "{e:?}");
    }
    // A serial held by a live order cannot be ordered again.
    w.open(Address::ZERO, ETH, 1, arbiter);
    let e = open(supplier, site, w.pool, Address::ZERO, ETH, ok, by, arbiter, vec![s1], vec![s21()]);
    assert!(matches!(e, Error::SerialUnavailable(OrderSerialUnavailable { serialHash }) if serialHash == s1), "{e:?}");
    assert_eq!(orders.sender(buyer).order_count(), U256::from(1));
}

// ---------------------------------------------------------------- funding

#[motsu::test]
fn funding_tops_up_to_the_price_and_activates_the_order(
    orders: Contract<PurchaseOrders>,
    deed: Contract<RigDeed>,
    pool: Contract<EthWallet>,
    buyer: Address,
    supplier: Address,
    site: Address,
    arbiter: Address,
    treasury: Address,
) {
    let w = world!(orders, deed, pool, buyer, supplier, site, arbiter);
    let id = w.open(Address::ZERO, ETH, 2, arbiter);
    treasury.fund(ETH * U256::from(2));
    let third = ETH / U256::from(3);
    orders.sender_and_value(treasury, third).fund(id, third).motsu_unwrap();
    assert_eq!((w.amounts(id).0, w.status(id)), (third, STATUS_FUNDING));
    orders.assert_emitted(&OrderFunded { orderId: id, from: treasury, amount: third, funded: third });
    // Nothing starts before full funding.
    let e = orders.sender(supplier).ship(id, B256::ZERO).motsu_unwrap_err();
    assert!(matches!(e, Error::WrongStatus(OrderWrongStatus { status: STATUS_FUNDING, .. })), "{e:?}");

    let rest = ETH - third;
    let e = orders.sender_and_value(treasury, rest + U256::from(1)).fund(id, rest + U256::from(1)).motsu_unwrap_err();
    assert!(matches!(e, Error::Overfunded(OrderOverfunded { remaining, .. }) if remaining == rest), "{e:?}");
    for (amount, sent) in [(U256::ZERO, U256::ZERO), (rest, rest - U256::from(1)), (rest, U256::ZERO)] {
        let e = orders.sender_and_value(treasury, sent).fund(id, amount).motsu_unwrap_err();
        assert!(matches!(e, Error::WrongPayment(_)), "{e:?}");
    }
    orders.sender_and_value(treasury, rest).fund(id, rest).motsu_unwrap();
    assert_eq!((w.amounts(id).0, w.status(id)), (ETH, STATUS_ACTIVE));
    orders.assert_emitted(&OrderActivated { orderId: id });
    assert_eq!(orders.balance(), ETH);
    let e = orders.sender_and_value(treasury, U256::from(1)).fund(id, U256::from(1)).motsu_unwrap_err();
    assert!(matches!(e, Error::WrongStatus(_)), "{e:?}");
    let e = orders.sender(treasury).fund(U256::from(7), U256::from(1)).motsu_unwrap_err();
    assert!(matches!(e, Error::Unknown(OrderUnknown { orderId }) if orderId == U256::from(7)), "{e:?}");
}

#[motsu::test]
fn a_fee_on_transfer_token_is_credited_what_arrived(
    orders: Contract<PurchaseOrders>,
    deed: Contract<RigDeed>,
    pool: Contract<EthWallet>,
    token: Contract<PayToken>,
    buyer: Address,
    supplier: Address,
    site: Address,
    arbiter: Address,
) {
    let w = world!(orders, deed, pool, buyer, supplier, site, arbiter);
    let price = U256::from(1_000_000_000u64); // 1,000 units of a 6-decimal stablecoin
    let id = w.open(token.address(), price, 1, arbiter);
    token.sender(buyer).mint(buyer, price * U256::from(2)).motsu_unwrap();
    token.sender(buyer).approve(orders.address(), price * U256::from(2)).motsu_unwrap();
    token.sender(buyer).set_fee_bps(U256::from(100));
    buyer.fund(U256::from(1));
    let e = orders.sender_and_value(buyer, U256::from(1)).fund(id, price).motsu_unwrap_err();
    assert!(matches!(e, Error::WrongPayment(_)), "ETH with a token order: {e:?}");
    orders.sender(buyer).fund(id, price).motsu_unwrap();
    let arrived = price - price / U256::from(100);
    assert_eq!((w.amounts(id).0, w.status(id)), (arrived, STATUS_FUNDING));
    token.sender(buyer).set_fee_bps(U256::ZERO);
    orders.sender(buyer).fund(id, price - arrived).motsu_unwrap();
    assert_eq!((w.amounts(id).0, w.status(id)), (price, STATUS_ACTIVE));
    assert_eq!(token.sender(buyer).balance_of(orders.address()), price);
}

// ---------------------------------------------------------------- milestones

#[motsu::test]
fn each_milestone_is_attested_by_its_party_in_order_and_on_time(
    orders: Contract<PurchaseOrders>,
    deed: Contract<RigDeed>,
    pool: Contract<EthWallet>,
    buyer: Address,
    supplier: Address,
    site: Address,
    arbiter: Address,
    stranger: Address,
) {
    let w = world!(orders, deed, pool, buyer, supplier, site, arbiter);
    let id = w.active_eth(ETH, 2);
    let bill = keccak256("bill of lading 42");
    for who in [buyer, site, arbiter, stranger] {
        let e = orders.sender(who).ship(id, bill).motsu_unwrap_err();
        assert!(matches!(e, Error::Unauthorized(OrderUnauthorized { role: 1, .. })), "{e:?}");
    }
    let e = orders.sender(site).deliver(id, bill).motsu_unwrap_err();
    assert!(matches!(e, Error::MilestonePending(OrderMilestonePending { milestone: 0, .. })), "{e:?}");
    orders.sender(supplier).ship(id, bill).motsu_unwrap();
    let ship = ETH * U256::from(3) / U256::from(10);
    orders.assert_emitted(&OrderShipped { orderId: id, document: bill, released: ship });
    assert_eq!(w.amounts(id).1, ship);
    let e = orders.sender(supplier).ship(id, bill).motsu_unwrap_err();
    assert!(matches!(e, Error::MilestoneDone(OrderMilestoneDone { milestone: 0, .. })), "{e:?}");

    for who in [buyer, supplier, arbiter, stranger] {
        let e = orders.sender(who).deliver(id, bill).motsu_unwrap_err();
        assert!(matches!(e, Error::Unauthorized(OrderUnauthorized { role: 2, .. })), "{e:?}");
    }
    let e = orders.sender(stranger).release(id, U256::ZERO).motsu_unwrap_err();
    assert!(matches!(e, Error::MilestonePending(OrderMilestonePending { milestone: 1, .. })), "{e:?}");
    clock::warp(20 * DAY + 1);
    let e = orders.sender(site).deliver(id, bill).motsu_unwrap_err();
    assert!(matches!(e, Error::DeadlinePassed(_)), "{e:?}");
}

#[motsu::test]
fn shipping_after_its_deadline_is_refused(
    orders: Contract<PurchaseOrders>,
    deed: Contract<RigDeed>,
    pool: Contract<EthWallet>,
    buyer: Address,
    supplier: Address,
    site: Address,
    arbiter: Address,
) {
    let w = world!(orders, deed, pool, buyer, supplier, site, arbiter);
    let id = w.active_eth(ETH, 1);
    clock::warp(10 * DAY);
    clock::warp(1);
    let e = orders.sender(supplier).ship(id, B256::ZERO).motsu_unwrap_err();
    assert!(matches!(e, Error::DeadlinePassed(_)), "{e:?}");
    assert_eq!(w.amounts(id).1, U256::ZERO);
}

#[motsu::test]
fn installation_is_proven_by_the_deed_in_the_pool_and_paid_once(
    orders: Contract<PurchaseOrders>,
    deed: Contract<RigDeed>,
    pool: Contract<EthWallet>,
    elsewhere: Contract<EthWallet>,
    buyer: Address,
    supplier: Address,
    site: Address,
    arbiter: Address,
    stranger: Address,
) {
    let w = world!(orders, deed, pool, buyer, supplier, site, arbiter);
    // An odd price: the units' parts must still add up to the price exactly.
    let price = ETH + U256::from(7);
    let id = w.active_eth(price, 3);
    orders.sender(supplier).ship(id, B256::ZERO).motsu_unwrap();
    orders.sender(site).deliver(id, B256::ZERO).motsu_unwrap();

    let e = orders.sender(stranger).release(id, U256::from(3)).motsu_unwrap_err();
    assert!(matches!(e, Error::UnknownUnit(OrderUnknownUnit { units, .. }) if units == U256::from(3)), "{e:?}");
    let e = orders.sender(stranger).release(id, U256::ZERO).motsu_unwrap_err();
    assert!(matches!(e, Error::UnitNotTokenized(OrderUnitNotTokenized { serialHash }) if serialHash == serial(1)), "{e:?}");
    // A deed held anywhere but the pool proves nothing.
    let misplaced = w.tokenize(1, elsewhere.address());
    let e = orders.sender(stranger).release(id, U256::ZERO).motsu_unwrap_err();
    assert!(matches!(e, Error::UnitNotInPool(OrderUnitNotInPool { deedId, owner }) if deedId == misplaced && owner == elsewhere.address()), "{e:?}");
    // A serial this order never ordered does nothing for it: unit 1 is serial 2.
    w.tokenize(9, w.pool);
    let e = orders.sender(stranger).release(id, U256::from(1)).motsu_unwrap_err();
    assert!(matches!(e, Error::UnitNotTokenized(_)), "{e:?}");

    deed.sender(elsewhere.address()).transfer_from(elsewhere.address(), w.pool, misplaced).motsu_unwrap();
    let paid0 = orders.sender(stranger).release(id, U256::ZERO).motsu_unwrap();
    orders.assert_emitted(&UnitInstalled { orderId: id, unit: U256::ZERO, deedId: misplaced, released: paid0 });
    let e = orders.sender(stranger).release(id, U256::ZERO).motsu_unwrap_err();
    assert!(matches!(e, Error::UnitInstalled(_)), "paid once: {e:?}");
    w.tokenize(3, w.pool);
    w.tokenize(2, w.pool);
    let paid2 = orders.sender(stranger).release(id, U256::from(2)).motsu_unwrap();
    let paid1 = orders.sender(stranger).release(id, U256::from(1)).motsu_unwrap();
    let (funded, released, ..) = w.amounts(id);
    assert_eq!((funded, released), (price, price), "every unit of the price is released, exactly");
    let install = price - share(price, SHIP_BPS) - share(price, DELIVERY_BPS);
    assert_eq!(paid0 + paid1 + paid2, install);
    assert_eq!(w.status(id), STATUS_COMPLETED);
    orders.assert_emitted(&OrderCompleted { orderId: id });
    assert!(orders.sender(stranger).order_unit(id, U256::ZERO).motsu_unwrap().2);
    assert_eq!(orders.sender(stranger).order_progress(id).motsu_unwrap(), (true, true, U256::from(3)));
    // Installed serials stay taken: a completed order's rigs cannot be ordered again.
    assert!(orders.sender(stranger).serial_taken(serial(1)));
}

// ---------------------------------------------------------------- payments

#[motsu::test]
fn the_supplier_pulls_what_was_released(
    orders: Contract<PurchaseOrders>,
    deed: Contract<RigDeed>,
    pool: Contract<EthWallet>,
    rejecter: Contract<EthRejecter>,
    wallet: Contract<EthWallet>,
    buyer: Address,
    supplier: Address,
    site: Address,
    arbiter: Address,
) {
    let vault = wallet.address();
    let w = world!(orders, deed, pool, buyer, supplier, site, arbiter);
    let id = w.active_eth(ETH, 1);
    let e = orders.sender(supplier).claim(id, supplier).motsu_unwrap_err();
    assert!(matches!(e, Error::NothingOwed(_)), "{e:?}");
    orders.sender(supplier).ship(id, B256::ZERO).motsu_unwrap();
    for who in [buyer, site, arbiter] {
        let e = orders.sender(who).claim(id, who).motsu_unwrap_err();
        assert!(matches!(e, Error::Unauthorized(OrderUnauthorized { role: 1, .. })), "{e:?}");
    }
    let e = orders.sender(supplier).claim(id, Address::ZERO).motsu_unwrap_err();
    assert!(matches!(e, Error::InvalidRecipient(_)), "{e:?}");
    // A recipient that refuses ETH: the claim reverts whole and stays owed.
    let e = orders.sender(supplier).claim(id, rejecter.address()).motsu_unwrap_err();
    assert!(matches!(e, Error::EthTransferFailed(_)), "{e:?}");
    assert_eq!(w.amounts(id).2, U256::ZERO);
    let ship = share(ETH, SHIP_BPS);
    assert_eq!(orders.sender(supplier).claim(id, vault).motsu_unwrap(), ship);
    assert_eq!(wallet.balance(), ship);
    orders.assert_emitted(&SupplierPaid { orderId: id, recipient: vault, amount: ship });
    let e = orders.sender(supplier).claim(id, vault).motsu_unwrap_err();
    assert!(matches!(e, Error::NothingOwed(_)), "claimed once: {e:?}");
}

// ---------------------------------------------------------------- exits

#[motsu::test]
fn the_buyer_cancels_only_before_full_funding_and_gets_it_all_back(
    orders: Contract<PurchaseOrders>,
    deed: Contract<RigDeed>,
    pool: Contract<EthWallet>,
    wallet: Contract<EthWallet>,
    buyer: Address,
    supplier: Address,
    site: Address,
    arbiter: Address,
) {
    let treasury = wallet.address();
    let w = world!(orders, deed, pool, buyer, supplier, site, arbiter);
    let id = w.open(Address::ZERO, ETH, 2, arbiter);
    let half = ETH / U256::from(2);
    buyer.fund(half);
    orders.sender_and_value(buyer, half).fund(id, half).motsu_unwrap();
    for who in [supplier, site, arbiter] {
        let e = orders.sender(who).cancel(id, who).motsu_unwrap_err();
        assert!(matches!(e, Error::Unauthorized(OrderUnauthorized { role: 0, .. })), "{e:?}");
    }
    assert_eq!(orders.sender(buyer).cancel(id, treasury).motsu_unwrap(), half);
    assert_eq!((wallet.balance(), orders.balance(), w.status(id)), (half, U256::ZERO, STATUS_CANCELLED));
    orders.assert_emitted(&OrderCancelled { orderId: id, returned: half });
    orders.assert_emitted(&BuyerRefunded { orderId: id, recipient: treasury, amount: half });
    assert!(!orders.sender(buyer).serial_taken(serial(1)), "a cancelled order frees its serials");
    let e = orders.sender(buyer).cancel(id, treasury).motsu_unwrap_err();
    assert!(matches!(e, Error::WrongStatus(_)), "{e:?}");

    let active = w.active_eth(ETH, 1);
    let e = orders.sender(buyer).cancel(active, buyer).motsu_unwrap_err();
    assert!(matches!(e, Error::WrongStatus(OrderWrongStatus { status: STATUS_ACTIVE, .. })), "{e:?}");
}

#[motsu::test]
fn a_missed_deadline_lets_the_buyer_reclaim_exactly_the_unearned(
    orders: Contract<PurchaseOrders>,
    deed: Contract<RigDeed>,
    pool: Contract<EthWallet>,
    wallet: Contract<EthWallet>,
    supplier_wallet: Contract<EthWallet>,
    buyer: Address,
    supplier: Address,
    site: Address,
    arbiter: Address,
) {
    let treasury = wallet.address();
    let w = world!(orders, deed, pool, buyer, supplier, site, arbiter);
    let id = w.active_eth(ETH, 2);
    orders.sender(supplier).ship(id, B256::ZERO).motsu_unwrap();
    orders.sender(site).deliver(id, B256::ZERO).motsu_unwrap();
    w.tokenize(1, w.pool);
    let unit0 = orders.sender(buyer).release(id, U256::ZERO).motsu_unwrap();
    let e = orders.sender(buyer).reclaim(id, buyer).motsu_unwrap_err();
    assert!(matches!(e, Error::NoDeadlineMissed(_)), "on time: {e:?}");
    clock::warp(30 * DAY + 1);
    for who in [supplier, site, arbiter] {
        let e = orders.sender(who).reclaim(id, who).motsu_unwrap_err();
        assert!(matches!(e, Error::Unauthorized(OrderUnauthorized { role: 0, .. })), "{e:?}");
    }
    let earned = share(ETH, SHIP_BPS) + share(ETH, DELIVERY_BPS) + unit0;
    assert_eq!(orders.sender(buyer).reclaim(id, treasury).motsu_unwrap(), ETH - earned);
    assert_eq!(wallet.balance(), ETH - earned);
    assert_eq!(w.amounts(id), (ETH, earned, U256::ZERO, ETH - earned, ETH - earned));
    assert_eq!(w.status(id), STATUS_RECLAIMED);
    // Earned stays the supplier's; the installed serial stays taken, the other is freed.
    assert_eq!(orders.sender(supplier).claim(id, supplier_wallet.address()).motsu_unwrap(), earned);
    assert_eq!(orders.balance(), U256::ZERO);
    assert!(orders.sender(buyer).serial_taken(serial(1)));
    assert!(!orders.sender(buyer).serial_taken(serial(2)));
    w.tokenize(2, w.pool);
    let e = orders.sender(buyer).release(id, U256::from(1)).motsu_unwrap_err();
    assert!(matches!(e, Error::WrongStatus(OrderWrongStatus { status: STATUS_RECLAIMED, .. })), "{e:?}");
}

#[motsu::test]
fn no_shipment_by_its_deadline_returns_everything(
    orders: Contract<PurchaseOrders>,
    deed: Contract<RigDeed>,
    pool: Contract<EthWallet>,
    wallet: Contract<EthWallet>,
    buyer: Address,
    supplier: Address,
    site: Address,
    arbiter: Address,
) {
    let w = world!(orders, deed, pool, buyer, supplier, site, arbiter);
    let id = w.active_eth(ETH, 1);
    clock::warp(10 * DAY);
    let e = orders.sender(buyer).reclaim(id, buyer).motsu_unwrap_err();
    assert!(matches!(e, Error::NoDeadlineMissed(_)), "the deadline day itself is on time: {e:?}");
    clock::warp(1);
    assert_eq!(orders.sender(buyer).reclaim(id, wallet.address()).motsu_unwrap(), ETH);
    assert_eq!(wallet.balance(), ETH);
}

#[motsu::test]
fn the_arbiter_splits_only_the_unearned(
    orders: Contract<PurchaseOrders>,
    deed: Contract<RigDeed>,
    pool: Contract<EthWallet>,
    buyer_wallet: Contract<EthWallet>,
    supplier_wallet: Contract<EthWallet>,
    buyer: Address,
    supplier: Address,
    site: Address,
    arbiter: Address,
    stranger: Address,
) {
    let w = world!(orders, deed, pool, buyer, supplier, site, arbiter);
    let id = w.active_eth(ETH, 2);
    orders.sender(supplier).ship(id, B256::ZERO).motsu_unwrap();
    let earned = share(ETH, SHIP_BPS);
    let unearned = ETH - earned;
    for who in [buyer, supplier, site, stranger] {
        let e = orders.sender(who).settle(id, U256::ZERO).motsu_unwrap_err();
        assert!(matches!(e, Error::Unauthorized(OrderUnauthorized { role: 3, .. })), "{e:?}");
    }
    // Earned funds are out of reach: at most the unearned goes anywhere.
    let e = orders.sender(arbiter).settle(id, unearned + U256::from(1)).motsu_unwrap_err();
    assert!(matches!(e, Error::SettlementTooLarge(OrderSettlementTooLarge { unearned: u, .. }) if u == unearned), "{e:?}");
    let to_supplier = unearned / U256::from(4);
    orders.sender(arbiter).settle(id, to_supplier).motsu_unwrap();
    orders.assert_emitted(&DisputeSettled { orderId: id, arbiter, toSupplier: to_supplier, toBuyer: unearned - to_supplier });
    assert_eq!(w.status(id), STATUS_SETTLED);
    let e = orders.sender(arbiter).settle(id, U256::ZERO).motsu_unwrap_err();
    assert!(matches!(e, Error::WrongStatus(_)), "settled once: {e:?}");
    let e = orders.sender(supplier).withdraw_refund(id, supplier).motsu_unwrap_err();
    assert!(matches!(e, Error::Unauthorized(OrderUnauthorized { role: 0, .. })), "{e:?}");
    assert_eq!(orders.sender(buyer).withdraw_refund(id, buyer_wallet.address()).motsu_unwrap(), unearned - to_supplier);
    assert_eq!(orders.sender(supplier).claim(id, supplier_wallet.address()).motsu_unwrap(), earned + to_supplier);
    assert_eq!((buyer_wallet.balance(), supplier_wallet.balance(), orders.balance()), (unearned - to_supplier, earned + to_supplier, U256::ZERO));
    let e = orders.sender(buyer).withdraw_refund(id, buyer_wallet.address()).motsu_unwrap_err();
    assert!(matches!(e, Error::NothingOwed(_)), "{e:?}");

    // Without an arbiter nobody settles.
    let lone = w.open(Address::ZERO, ETH, 1, Address::ZERO);
    buyer.fund(ETH);
    orders.sender_and_value(buyer, ETH).fund(lone, ETH).motsu_unwrap();
    let e = orders.sender(arbiter).settle(lone, U256::ZERO).motsu_unwrap_err();
    assert!(matches!(e, Error::Unauthorized(_)), "{e:?}");
}

#[motsu::test]
fn the_constructor_needs_a_deed_contract(orders: Contract<PurchaseOrders>, admin: Address, eoa: Address) {
    let e = orders.sender(admin).constructor(eoa, orders.address()).motsu_unwrap_err();
    assert!(matches!(e, Error::InvalidRigDeed(_)), "{e:?}");
}

#[motsu::test]
fn the_constructor_records_the_extension_and_refuses_one_without_code(orders: Contract<PurchaseOrders>, admin: Address, eoa: Address) {
    // Natively one module routes everything: any contract stands in (here for the deed too).
    let e = orders.sender(admin).constructor(orders.address(), eoa).motsu_unwrap_err();
    assert!(matches!(e, Error::InvalidExtension(OrderInvalidExtension {})), "{e:?}");
    orders.sender(admin).constructor(orders.address(), orders.address()).motsu_unwrap();
    assert_eq!(orders.sender(admin).extension(), orders.address());
}

#[test]
fn unit_shares_add_up_to_the_installation_total() {
    for (total, n) in [(U256::from(10), 3usize), (U256::from(7), 7), (U256::from(1), 1), (U256::MAX / U256::from(BPS), 32)] {
        let sum = (0..n).fold(U256::ZERO, |acc, i| acc + unit_share(total, i, n));
        assert_eq!(sum, total, "{total} over {n}");
    }
}

stylus_sdk::prelude::sol_interface! {
    interface IOrderSupplier {
        function ship(uint256 order_id, bytes32 document) external;
        function claim(uint256 order_id, address recipient) external returns (uint256);
    }
}

/// A supplier contract whose ETH receiver claims again: the attack on a claim that pays before
/// it records.
#[stylus_sdk::prelude::storage]
pub struct ReentrantSupplier {
    orders: stylus_sdk::storage::StorageAddress,
    order: stylus_sdk::storage::StorageU256,
    reentries: stylus_sdk::storage::StorageU256,
    inner_succeeded: stylus_sdk::storage::StorageBool,
}

unsafe impl TopLevelStorage for ReentrantSupplier {}

#[stylus_sdk::prelude::public]
impl ReentrantSupplier {
    pub fn configure(&mut self, orders: Address, order: U256) {
        self.orders.set(orders);
        self.order.set(order);
    }

    pub fn ship(&mut self) -> Result<(), Vec<u8>> {
        let (orders, order) = (IOrderSupplier::new(self.orders.get()), self.order.get());
        orders.ship(Call::new_in(self), order, B256::ZERO).map_err(|_| b"ship failed".to_vec())
    }

    pub fn start_claim(&mut self) -> Result<U256, Vec<u8>> {
        let (orders, order, me) = (IOrderSupplier::new(self.orders.get()), self.order.get(), contract::address());
        orders.claim(Call::new_in(self), order, me).map_err(|_| b"claim failed".to_vec())
    }

    pub fn reentries(&self) -> U256 {
        self.reentries.get()
    }

    pub fn inner_succeeded(&self) -> bool {
        self.inner_succeeded.get()
    }

    #[receive]
    #[payable]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        let n = self.reentries.get();
        self.reentries.set(n + U256::from(1));
        let (orders, order, me) = (IOrderSupplier::new(self.orders.get()), self.order.get(), contract::address());
        let inner = orders.claim(Call::new_in(self), order, me);
        self.inner_succeeded.set(inner.is_ok());
        Ok(())
    }
}

#[motsu::test]
fn a_supplier_reentering_its_claim_is_paid_once(
    orders: Contract<PurchaseOrders>,
    deed: Contract<RigDeed>,
    pool: Contract<EthWallet>,
    attacker: Contract<ReentrantSupplier>,
    buyer: Address,
    site: Address,
    arbiter: Address,
) {
    let w = world!(orders, deed, pool, buyer, buyer, site, arbiter);
    let w = World { supplier: attacker.address(), ..w };
    let id = w.active_eth(ETH, 1);
    attacker.sender(buyer).configure(orders.address(), id);
    attacker.sender(buyer).ship().motsu_unwrap();
    attacker.sender(buyer).start_claim().motsu_unwrap();
    assert!(!attacker.sender(buyer).inner_succeeded(), "the re-entered claim found nothing owed");
    assert_eq!(attacker.balance(), share(ETH, SHIP_BPS), "paid exactly once");
    assert_eq!(orders.balance(), ETH - share(ETH, SHIP_BPS));
    assert_eq!(w.amounts(id).2, share(ETH, SHIP_BPS));
}
