//! Property tests: random orders (ETH, a 6- and an 8-decimal token, some tokens charging a
//! transfer fee) under random funding, attestations, deed mints and moves, releases, deadlines,
//! cancellations, reclaims, disputes and claims. An independent model predicts every outcome;
//! after every step, for every order and in total:
//!
//! 1. funded = released + returned + unearned, to the base unit, with unearned = 0 once the
//!    order is over; claimed <= released and refunded <= returned;
//! 2. the contract holds, per asset, exactly the sum over orders of funded - claimed - refunded;
//! 3. the supplier never receives more than was released, the buyer never more than was
//!    returned, and released never exceeds the price;
//! 4. a unit's installation payment is released at most once, and only while its deed is in
//!    the pool;
//! 5. every call succeeds exactly when the model says it should.
//!
//! Cases: `PROPTEST_CASES` (default 2,000, the CI floor).

use alloy_primitives::{keccak256, Address, B256, U256};
use motsu::prelude::*;
use openzeppelin_stylus::{access::control::IAccessControl, token::erc721::IErc721};
use proptest::prelude::*;
use rig_deed::{IRigDeed, RigDeed};
use rigshare_common::OPERATOR_ROLE;
use rigshare_test_doubles::{EthWallet, PayToken};

use crate::{clock, IPurchaseOrders, IPurchaseOrdersExtension, share, unit_share, PurchaseOrders, BPS, STATUS_ACTIVE, STATUS_CANCELLED, STATUS_COMPLETED, STATUS_FUNDING, STATUS_RECLAIMED, STATUS_SETTLED};

const DAY: u64 = 86_400;
const ORDERS: usize = 3;

#[derive(Clone, Copy, Debug)]
enum Asset {
    Eth,
    /// decimals, transfer fee in bps
    Token(u8, u16),
}

#[derive(Clone, Debug)]
struct OrderSpec {
    asset: Asset,
    /// Price in whole units of the asset (x 10^decimals) plus a few base units.
    whole: u64,
    dust: u8,
    units: u8,
    ship_bps: u16,
    delivery_bps: u16,
    has_arbiter: bool,
}

#[derive(Clone, Debug)]
enum Op {
    /// Fund order with this many permille of what remains (0 = one base unit).
    Fund(usize, u16),
    Ship(usize),
    Deliver(usize),
    /// Mint the unit's deed (if not yet) and put it in the pool (true) or elsewhere.
    Tokenize(usize, u8, bool),
    Release(usize, u8),
    Claim(usize),
    Cancel(usize),
    Reclaim(usize),
    /// Arbiter gives the supplier this many permille of the unearned.
    Settle(usize, u16),
    Withdraw(usize),
    Warp(u64),
}

fn spec() -> impl Strategy<Value = OrderSpec> {
    let asset = prop_oneof![2 => Just(Asset::Eth), 1 => (prop_oneof![Just(6u8), Just(8u8)], prop_oneof![3 => Just(0u16), 1 => 1u16..=300]).prop_map(|(d, f)| Asset::Token(d, f))];
    (asset, 1u64..1_000, any::<u8>(), 1u8..=3, 0u16..=5_000, 0u16..=5_000, prop::bool::weighted(0.7)).prop_map(
        |(asset, whole, dust, units, ship_bps, delivery_bps, has_arbiter)| OrderSpec { asset, whole, dust, units, ship_bps, delivery_bps, has_arbiter },
    )
}

fn op() -> impl Strategy<Value = Op> {
    let o = 0..ORDERS;
    prop_oneof![
        6 => (o.clone(), prop_oneof![3 => Just(1_000u16), 2 => 0u16..=1_000]).prop_map(|(i, p)| Op::Fund(i, p)),
        4 => o.clone().prop_map(Op::Ship),
        4 => o.clone().prop_map(Op::Deliver),
        6 => (o.clone(), 0u8..4, prop::bool::weighted(0.85)).prop_map(|(i, u, pool)| Op::Tokenize(i, u, pool)),
        8 => (o.clone(), 0u8..4).prop_map(|(i, u)| Op::Release(i, u)),
        3 => o.clone().prop_map(Op::Claim),
        1 => o.clone().prop_map(Op::Cancel),
        1 => o.clone().prop_map(Op::Reclaim),
        1 => (o.clone(), 0u16..=1_000).prop_map(|(i, p)| Op::Settle(i, p)),
        2 => o.clone().prop_map(Op::Withdraw),
        1 => prop_oneof![Just(DAY), Just(5 * DAY), Just(11 * DAY)].prop_map(Op::Warp),
    ]
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000)
}

/// What the model expects of one order.
#[derive(Clone, Debug, Default)]
struct Expect {
    price: U256,
    n: usize,
    ship_bps: u16,
    delivery_bps: u16,
    ship_by: u64,
    deliver_by: u64,
    install_by: u64,
    fee_bps: u16,
    status: u8,
    shipped: bool,
    delivered: bool,
    installed: Vec<bool>,
    funded: U256,
    released: U256,
    claimed: U256,
    returned: U256,
    refunded: U256,
    has_arbiter: bool,
    /// Token index (None = ETH).
    token: Option<usize>,
}

/// Tallies of what the cases reached, so a generator that never reaches an outcome is noticed.
#[derive(Default, Debug)]
struct Reached {
    activated: u32,
    shipped: u32,
    delivered: u32,
    released: u32,
    completed: u32,
    reclaimed: u32,
    settled: u32,
    cancelled: u32,
    refused_not_in_pool: u32,
}

std::thread_local! {
    static REACHED: std::cell::RefCell<Reached> = std::cell::RefCell::new(Reached::default());
}

fn run(specs: &[OrderSpec], ops: &[Op]) -> Result<(), TestCaseError> {
    clock::reset();
    let (buyer, supplier, site, arbiter) = (Address::repeat_byte(0xb1), Address::repeat_byte(0x51), Address::repeat_byte(0x5e), Address::repeat_byte(0xa7));
    let orders = Contract::<PurchaseOrders>::new();
    let deed = Contract::<RigDeed>::new();
    let pool = Contract::<EthWallet>::new();
    let elsewhere = Contract::<EthWallet>::new();
    let tokens: Vec<Contract<PayToken>> = (0..ORDERS).map(|_| Contract::new()).collect();
    deed.sender(buyer).constructor("Rig Deed".into(), "RIG".into(), buyer, deed.address()).motsu_unwrap();
    deed.sender(buyer).grant_role(OPERATOR_ROLE.into(), buyer).motsu_unwrap();
    orders.sender(buyer).constructor(deed.address(), orders.address()).motsu_unwrap();

    let now = clock::now();
    let mut model = Vec::new();
    for (i, s) in specs.iter().enumerate() {
        let (token, decimals, fee_bps) = match s.asset {
            Asset::Eth => (None, 18u8, 0u16),
            Asset::Token(d, f) => (Some(i), d, f),
        };
        if let Some(t) = token {
            tokens[t].sender(buyer).set_fee_bps(U256::from(fee_bps));
        }
        let price = U256::from(s.whole) * U256::from(10u64).pow(U256::from(decimals)) + U256::from(s.dust);
        let asset = token.map_or(Address::ZERO, |t| tokens[t].address());
        let serials: Vec<B256> = (0..s.units).map(|u| serial(i, u)).collect();
        let models = (0..s.units).map(|u| super::model(&format!("unit {u}"))).collect();
        let (ship_by, deliver_by, install_by) = (now + 10 * DAY, now + 20 * DAY, now + 30 * DAY);
        let arb = if s.has_arbiter { arbiter } else { Address::ZERO };
        let id = orders
            .sender(buyer)
            .open(supplier, site, pool.address(), asset, price, s.ship_bps, s.delivery_bps, ship_by, deliver_by, install_by, arb, serials, models)
            .motsu_unwrap();
        prop_assert_eq!(id, U256::from(i));
        model.push(Expect {
            price,
            n: usize::from(s.units),
            ship_bps: s.ship_bps,
            delivery_bps: s.delivery_bps,
            ship_by,
            deliver_by,
            install_by,
            fee_bps,
            installed: vec![false; usize::from(s.units)],
            has_arbiter: s.has_arbiter,
            token,
            ..Expect::default()
        });
    }
    // Deed ids of minted serials, and whether each is in the pool.
    let mut deeds: std::collections::BTreeMap<(usize, u8), (U256, bool)> = std::collections::BTreeMap::new();
    let (mut supplier_got, mut buyer_got) = (vec![U256::ZERO; ORDERS], vec![U256::ZERO; ORDERS]);
    let (vault_s, vault_b) = (Contract::<EthWallet>::new(), Contract::<EthWallet>::new());

    for op in ops {
        let now = clock::now();
        match *op {
            Op::Fund(i, permille) => {
                let e = &mut model[i];
                let remaining = e.price - e.funded;
                let amount = if permille == 0 { U256::from(1) } else { (remaining * U256::from(permille) / U256::from(1_000)).max(U256::from(1)) };
                let ok = e.status == STATUS_FUNDING && amount <= remaining;
                let result = match e.token {
                    None => {
                        buyer.fund(amount);
                        orders.sender_and_value(buyer, amount).fund(U256::from(i), amount).motsu_res()
                    }
                    Some(t) => {
                        tokens[t].sender(buyer).mint(buyer, amount).motsu_unwrap();
                        tokens[t].sender(buyer).approve(orders.address(), amount).motsu_unwrap();
                        orders.sender(buyer).fund(U256::from(i), amount).motsu_res()
                    }
                };
                prop_assert_eq!(result.is_ok(), ok, "fund {:?} {:?}", op, result.err());
                if ok {
                    let arrived = amount - amount * U256::from(e.fee_bps) / U256::from(BPS);
                    e.funded += arrived.min(remaining);
                    if e.funded == e.price {
                        e.status = STATUS_ACTIVE;
                        REACHED.with(|r| r.borrow_mut().activated += 1);
                    }
                }
            }
            Op::Ship(i) => {
                let e = &mut model[i];
                let ok = e.status == STATUS_ACTIVE && !e.shipped && now <= e.ship_by;
                let result = orders.sender(supplier).ship(U256::from(i), keccak256("bill")).motsu_res();
                prop_assert_eq!(result.is_ok(), ok, "{:?} {:?}", op, result.err());
                if ok {
                    e.shipped = true;
                    e.released += share(e.price, e.ship_bps);
                    REACHED.with(|r| r.borrow_mut().shipped += 1);
                }
            }
            Op::Deliver(i) => {
                let e = &mut model[i];
                let ok = e.status == STATUS_ACTIVE && e.shipped && !e.delivered && now <= e.deliver_by;
                let result = orders.sender(site).deliver(U256::from(i), keccak256("receipt")).motsu_res();
                prop_assert_eq!(result.is_ok(), ok, "{:?} {:?}", op, result.err());
                if ok {
                    e.delivered = true;
                    e.released += share(e.price, e.delivery_bps);
                    REACHED.with(|r| r.borrow_mut().delivered += 1);
                }
            }
            Op::Tokenize(i, u, into_pool) => {
                let to = if into_pool { pool.address() } else { elsewhere.address() };
                match deeds.get(&(i, u)).copied() {
                    None => {
                        let id = deed
                            .sender(buyer)
                            .mint(buyer, "S21".into(), 1, 1, "site".into(), serial(i, u), 0)
                            .motsu_unwrap();
                        deed.sender(buyer).transfer_from(buyer, to, id).motsu_unwrap();
                        deeds.insert((i, u), (id, into_pool));
                    }
                    Some((id, in_pool)) if in_pool != into_pool => {
                        let from = if in_pool { pool.address() } else { elsewhere.address() };
                        deed.sender(from).transfer_from(from, to, id).motsu_unwrap();
                        deeds.insert((i, u), (id, into_pool));
                    }
                    Some(_) => {}
                }
            }
            Op::Release(i, u) => {
                let e = &mut model[i];
                let unit = usize::from(u);
                let in_pool = deeds.get(&(i, u)).is_some_and(|d| d.1);
                let ok = e.status == STATUS_ACTIVE && e.delivered && unit < e.n && !e.installed[unit] && in_pool;
                let result = orders.sender(supplier).release(U256::from(i), U256::from(u)).motsu_res();
                prop_assert_eq!(result.is_ok(), ok, "{:?} {:?}", op, result.as_ref().err());
                if ok {
                    let total = e.price - share(e.price, e.ship_bps) - share(e.price, e.delivery_bps);
                    let paid = unit_share(total, unit, e.n);
                    prop_assert_eq!(result.unwrap(), paid);
                    e.installed[unit] = true;
                    e.released += paid;
                    REACHED.with(|r| r.borrow_mut().released += 1);
                    if e.installed.iter().all(|x| *x) {
                        e.status = STATUS_COMPLETED;
                        REACHED.with(|r| r.borrow_mut().completed += 1);
                    }
                } else if e.status == STATUS_ACTIVE && e.delivered && unit < e.n && !e.installed[unit] && deeds.contains_key(&(i, u)) {
                    REACHED.with(|r| r.borrow_mut().refused_not_in_pool += 1);
                }
            }
            Op::Claim(i) => {
                let e = &mut model[i];
                let owed = e.released - e.claimed;
                let result = orders.sender(supplier).claim(U256::from(i), vault_s.address()).motsu_res();
                prop_assert_eq!(result.is_ok(), !owed.is_zero(), "{:?} {:?}", op, result.err());
                if !owed.is_zero() {
                    e.claimed += owed;
                    supplier_got[i] += owed;
                }
            }
            Op::Cancel(i) => {
                let e = &mut model[i];
                let ok = e.status == STATUS_FUNDING;
                let result = orders.sender(buyer).cancel(U256::from(i), vault_b.address()).motsu_res();
                prop_assert_eq!(result.is_ok(), ok, "{:?} {:?}", op, result.err());
                if ok {
                    e.status = STATUS_CANCELLED;
                    e.returned += e.funded;
                    buyer_got[i] += e.funded;
                    e.refunded += e.funded;
                    REACHED.with(|r| r.borrow_mut().cancelled += 1);
                }
            }
            Op::Reclaim(i) => {
                let e = &mut model[i];
                let missed = (!e.shipped && now > e.ship_by) || (!e.delivered && now > e.deliver_by) || now > e.install_by;
                let ok = e.status == STATUS_ACTIVE && missed;
                let result = orders.sender(buyer).reclaim(U256::from(i), vault_b.address()).motsu_res();
                prop_assert_eq!(result.is_ok(), ok, "{:?} {:?}", op, result.err());
                if ok {
                    let unearned = e.funded - e.released;
                    e.status = STATUS_RECLAIMED;
                    e.returned += unearned;
                    e.refunded += unearned;
                    buyer_got[i] += unearned;
                    REACHED.with(|r| r.borrow_mut().reclaimed += 1);
                }
            }
            Op::Settle(i, permille) => {
                let e = &mut model[i];
                let unearned = e.funded - e.released;
                let to_supplier = unearned * U256::from(permille) / U256::from(1_000);
                let ok = e.status == STATUS_ACTIVE && e.has_arbiter;
                let who = if e.has_arbiter { Address::repeat_byte(0xa7) } else { Address::repeat_byte(0xee) };
                let result = orders.sender(who).settle(U256::from(i), to_supplier).motsu_res();
                prop_assert_eq!(result.is_ok(), ok, "{:?} {:?}", op, result.err());
                if ok {
                    e.status = STATUS_SETTLED;
                    e.released += to_supplier;
                    e.returned += unearned - to_supplier;
                    REACHED.with(|r| r.borrow_mut().settled += 1);
                }
                // The arbiter can never take more than the unearned.
                let too_much = orders.sender(Address::repeat_byte(0xa7)).settle(U256::from(i), unearned + U256::from(1)).motsu_res();
                prop_assert!(too_much.is_err());
            }
            Op::Withdraw(i) => {
                let e = &mut model[i];
                let owed = e.returned - e.refunded;
                let result = orders.sender(buyer).withdraw_refund(U256::from(i), vault_b.address()).motsu_res();
                prop_assert_eq!(result.is_ok(), !owed.is_zero(), "{:?} {:?}", op, result.err());
                if !owed.is_zero() {
                    e.refunded += owed;
                    buyer_got[i] += owed;
                }
            }
            Op::Warp(s) => clock::warp(s),
        }
        check(&orders, &tokens, &model, &supplier_got, &buyer_got, buyer)?;
    }
    Ok(())
}

fn serial(order: usize, unit: u8) -> B256 {
    keccak256([order as u8, unit])
}

fn check(
    orders: &Contract<PurchaseOrders>,
    tokens: &[Contract<PayToken>],
    model: &[Expect],
    supplier_got: &[U256],
    buyer_got: &[U256],
    reader: Address,
) -> Result<(), TestCaseError> {
    let mut held_eth = U256::ZERO;
    let mut held_token = vec![U256::ZERO; tokens.len()];
    for (i, e) in model.iter().enumerate() {
        let id = U256::from(i);
        let (funded, released, claimed, returned, refunded) = orders.sender(reader).order_amounts(id).motsu_unwrap();
        prop_assert_eq!((funded, released, claimed, returned, refunded), (e.funded, e.released, e.claimed, e.returned, e.refunded), "order {}", i);
        prop_assert_eq!(orders.sender(reader).order_parties(id).motsu_unwrap().6, e.status, "order {} status", i);
        // 1. funded = released + returned + unearned; unearned is 0 once the order is over.
        prop_assert!(released + returned <= funded, "order {}: more out than in", i);
        let unearned = funded - released - returned;
        if e.status != STATUS_FUNDING && e.status != STATUS_ACTIVE {
            prop_assert_eq!(unearned, U256::ZERO, "order {} is over but holds unearned funds", i);
        }
        prop_assert!(claimed <= released && refunded <= returned && released <= e.price);
        // 3. nobody receives more than the order allows.
        prop_assert_eq!(supplier_got[i], claimed);
        prop_assert_eq!(buyer_got[i], refunded);
        // 4. each unit at most once: the units released account for the installation part.
        let (_, _, installed) = orders.sender(reader).order_progress(id).motsu_unwrap();
        prop_assert_eq!(installed, U256::from(e.installed.iter().filter(|x| **x).count()));
        let held = funded - claimed - refunded;
        match e.token {
            None => held_eth += held,
            Some(t) => held_token[t] += held,
        }
    }
    // 2. the contract holds exactly what the orders hold, per asset.
    prop_assert_eq!(orders.balance(), held_eth, "ETH held");
    for (t, token) in tokens.iter().enumerate() {
        prop_assert_eq!(token.sender(reader).balance_of(orders.address()), held_token[t], "token {} held", t);
    }
    Ok(())
}

#[test]
fn accounting_holds_under_random_operations() {
    let config = ProptestConfig { cases: cases(), ..ProptestConfig::default() };
    proptest!(config, |(specs in proptest::collection::vec(spec(), ORDERS..=ORDERS), ops in proptest::collection::vec(op(), 10..80))| {
        run(&specs, &ops)?;
    });
    REACHED.with(|r| {
        let r = r.borrow();
        println!("{r:?}");
        let all = [r.activated, r.shipped, r.delivered, r.released, r.completed, r.reclaimed, r.settled, r.cancelled, r.refused_not_in_pool];
        assert!(cases() < 500 || all.iter().all(|&n| n > 0), "some outcome was never reached: {r:?}");
    });
}
