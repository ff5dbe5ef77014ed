//! `rigshare order ...` as processes against a dev node after `rigshare up` (which deploys
//! PurchaseOrders): an order for two rigs from opening to the supplier's claim, with the rigs
//! tokenized by their ordered serials and pooled, every refusal named, the supplier paid the
//! price to the wei; and an order the supplier never ships, reclaimed by the buyer.

mod common;

use common::chain::{address, raw, Chain, E18};

#[test]
fn an_order_is_paid_out_as_its_rigs_arrive_in_the_pool() {
    let chain = Chain::up("orders", &[]);
    let (supplier, site) = (address(&chain.node, 2), address(&chain.node, 3));
    let open = [
        "order", "open", "--supplier", &supplier, "--site", &site, "--price", "3", "--ship-bps", "3000", "--delivery-bps", "2000",
        "--unit", "Antminer S21:SMT-0001", "--unit", "Antminer S21:SMT-0002",
    ];
    let opened = chain.json(0, &open);
    assert_eq!((opened["order"]["order"].as_u64(), opened["order"]["status"].as_str()), (Some(0), Some("funding")));
    assert_eq!(opened["order"]["units"][1]["model"], "Antminer S21");

    let err = chain.error(0, &["order", "fund", "--order", "0", "--amount", "4"]);
    assert!(err.contains("OrderOverfunded"), "{err}");
    chain.json(0, &["order", "fund", "--order", "0", "--amount", "1"]);
    let funded = chain.json(0, &["order", "fund", "--order", "0", "--amount", "2"]);
    assert_eq!((funded["order"]["status"].as_str(), raw(&funded["order"]["funded"]["raw"])), (Some("active"), 3 * E18));

    let err = chain.error(3, &["order", "ship", "--order", "0", "--document", "BL-778812"]);
    assert!(err.contains("OrderUnauthorized"), "only the supplier ships: {err}");
    let shipped = chain.json(2, &["order", "ship", "--order", "0", "--document", "BL-778812"]);
    assert_eq!(raw(&shipped["amount"]["raw"]), 9 * E18 / 10);
    chain.json(3, &["order", "deliver", "--order", "0", "--document", "site receipt"]);

    let err = chain.error(5, &["order", "release", "--order", "0", "--unit", "0"]);
    assert!(err.contains("OrderUnitNotTokenized"), "{err}");
    for serial in ["SMT-0001", "SMT-0002"] {
        chain.json(0, &["rig", "mint", "--model", "Antminer S21", "--hashrate-ths", "200", "--power-watts", "3500", "--site", "Rockdale", "--serial", serial]);
    }
    let err = chain.error(5, &["order", "release", "--order", "0", "--unit", "0"]);
    assert!(err.contains("OrderUnitNotInPool") && err.contains("pool deposit-deed"), "the hint names the fix: {err}");
    chain.json(0, &["pool", "deposit-deed", "1", "2"]);
    let first = chain.json(5, &["order", "release", "--order", "0", "--unit", "0"]);
    let second = chain.json(5, &["order", "release", "--order", "0", "--unit", "1"]);
    assert_eq!(raw(&first["amount"]["raw"]) + raw(&second["amount"]["raw"]), 3 * E18 / 2);
    assert_eq!(second["order"]["status"], "completed");
    assert_eq!(second["order"]["units"][0]["deed_id"].as_u64(), Some(1));

    let before = chain.balance(&supplier);
    let claimed = chain.json(2, &["order", "claim", "--order", "0"]);
    assert_eq!(raw(&claimed["amount"]["raw"]), 3 * E18);
    assert_eq!(chain.balance(&supplier) + chain.fee(&claimed["steps"][0]["tx"]) - before, 3 * E18, "the price, to the wei");
    let (ok, text, stderr) = chain.run_text(0, &["order", "status", "--order", "0"]);
    assert!(ok && text.contains("order 0 (completed)") && text.contains("unit 1: Antminer S21"), "{text}{stderr}");
}

#[test]
fn a_buyer_reclaims_an_order_its_supplier_never_ships() {
    let chain = Chain::up("orders-late", &[]);
    let (buyer, supplier, site) = (address(&chain.node, 0), address(&chain.node, 2), address(&chain.node, 3));
    let _ = buyer;
    chain.json(0, &["order", "open", "--supplier", &supplier, "--site", &site, "--price", "1", "--ship-in", "1d", "--deliver-in", "2d", "--install-in", "3d", "--unit", "M60S:M60S-77"]);
    chain.json(0, &["order", "fund", "--order", "0", "--amount", "1"]);
    let err = chain.error(0, &["order", "reclaim", "--order", "0"]);
    assert!(err.contains("OrderNoDeadlineMissed"), "{err}");
    chain.advance(86_400 + 1);
    let elsewhere = address(&chain.node, 8);
    let before = chain.balance(&elsewhere);
    let reclaimed = chain.json(0, &["order", "reclaim", "--order", "0", "--to", &elsewhere]);
    assert_eq!((raw(&reclaimed["amount"]["raw"]), chain.balance(&elsewhere) - before), (E18, E18));
    assert_eq!(reclaimed["order"]["status"], "reclaimed");
}
