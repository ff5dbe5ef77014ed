//! `rigshare sale ...` as processes against a dev node after `rigshare up`: a raise that sells
//! out and is claimed, a raise that misses its soft cap and refunds every buyer, a cancelled
//! raise, each balance checked to the wei, every refusal by name, and a re-run of `create`
//! that resumes instead of deploying twice.

mod common;

use common::chain::{address, raw, Chain, E18};
use serde_json::Value;

const HOUR: u64 = 3_600;

/// The latest block's time on the node.
fn now(chain: &Chain) -> u64 {
    let block = chain.node.node.handle("eth_getBlockByNumber", &serde_json::json!(["latest", false])).unwrap();
    u64::from_str_radix(block["timestamp"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

fn tx(report: &Value) -> &Value {
    report.get("tx").unwrap_or_else(|| &report["steps"].as_array().unwrap().last().unwrap()["tx"])
}

#[test]
fn a_raise_sells_out_and_buyers_claim_their_shares() {
    let chain = Chain::up("sale-ok", &[]);
    let (treasury, a, b, c) = (address(&chain.node, 7), address(&chain.node, 1), address(&chain.node, 2), address(&chain.node, 3));

    let err = chain.error(1, &["sale", "create", "--price", "0.001", "--soft-cap", "1", "--hard-cap", "2000"]);
    assert!(err.contains("is not pool 0's admin") && err.contains("nothing was sent"), "{err}");
    let err = chain.error(0, &["sale", "create", "--price", "0.001", "--soft-cap", "4", "--hard-cap", "3000"]);
    assert!(err.contains("--soft-cap 4 ETH cannot be reached: selling the whole hard cap raises 3 ETH"), "{err}");

    let start = now(&chain).to_string();
    let create = ["sale", "create", "--price", "0.001", "--soft-cap", "1", "--hard-cap", "3000", "--max", "1500", "--start", &start, "--duration", "1d", "--treasury", &treasury];
    let created = chain.json(0, &create);
    assert_eq!((created["sale"].as_u64(), created["status"]["state"].as_str()), (Some(0), Some("open")));
    let steps: Vec<&str> = created["steps"].as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["deploying ShareSale", "wiring RigShares.grantRole(MINTER_ROLE, ShareSale)"]);
    // The same terms again: the recorded sale, nothing deployed twice.
    let again = chain.json(0, &create);
    assert_eq!((again["address"].clone(), again["steps"].as_array().unwrap().len()), (created["address"].clone(), 0));

    let before = chain.balance(&a);
    let bought = chain.json(1, &["sale", "buy", "--shares", "1000"]);
    assert_eq!((raw(&bought["paid"]["raw"]), raw(&bought["purchase"]["shares"]["raw"])), (E18, 1000 * E18));
    assert_eq!(before - chain.balance(&a), E18 + chain.fee(tx(&bought)), "paid exactly the cost, plus gas");
    chain.json(2, &["sale", "buy", "--shares", "500"]);
    let err = chain.error(2, &["sale", "buy", "--shares", "1100"]);
    assert!(err.contains("SaleAboveAccountMax") && err.contains("per-account maximum") && err.contains("nothing was sent"), "{err}");
    let err = chain.error(1, &["sale", "claim"]);
    assert!(err.contains("SaleNotSucceeded") || err.contains("SaleNotFinalized"), "{err}");
    let err = chain.error(4, &["sale", "finalize"]);
    assert!(err.contains("SaleNotEnded"), "{err}");

    // c buys 1000 for b (who reaches the cap) and 500 for itself: the hard cap is sold, so
    // anyone may finalize at once.
    chain.json(3, &["sale", "buy", "--shares", "1000", "--for", &b]);
    chain.json(3, &["sale", "buy", "--shares", "500"]);
    let err = chain.error(3, &["sale", "buy", "--shares", "1"]);
    assert!(err.contains("SaleAboveHardCap") || err.contains("SaleEnded"), "{err}");
    let treasury_before = chain.balance(&treasury);
    let finalized = chain.json(4, &["sale", "finalize"]);
    assert_eq!((raw(&finalized["amount"]["raw"]), finalized["state"].as_str()), (3 * E18, Some("succeeded")));
    assert_eq!(chain.balance(&treasury) - treasury_before, 3 * E18, "the treasury got every wei raised");
    let err = chain.error(4, &["sale", "finalize"]);
    assert!(err.contains("SaleAlreadyFinalized"), "{err}");

    let claimed = chain.json(1, &["sale", "claim"]);
    assert_eq!(raw(&claimed["amount"]["raw"]), 1000 * E18);
    let claimed = chain.json(3, &["sale", "claim", "--for", &b]);
    assert_eq!((raw(&claimed["amount"]["raw"]), claimed["account"].as_str()), (1500 * E18, Some(b.as_str())));
    let err = chain.error(2, &["sale", "claim"]);
    assert!(err.contains("SaleNothingToClaim"), "{err}");
    chain.json(3, &["sale", "claim"]);

    let status = chain.json(0, &["sale", "status", "--account", &b]);
    assert_eq!((status["state"].as_str(), status["finalized"].as_bool(), raw(&status["held"]["raw"])), (Some("succeeded"), Some(true), 0));
    assert_eq!((raw(&status["sold"]["raw"]), raw(&status["remaining"]["raw"])), (3000 * E18, 0));
    assert_eq!((raw(&status["account"]["paid"]["raw"]), status["account"]["settled"].as_bool()), (3 * E18 / 2, Some(true)));
    let pool = chain.json(0, &["status"]);
    let shares = |who: &str| {
        pool["pools"][0]["accounts"].as_array().unwrap().iter().find(|x| x["account"] == who).map_or(0, |x| raw(&x["shares"]["raw"]))
    };
    assert_eq!((shares(&a), shares(&b), shares(&c)), (1000 * E18, 1500 * E18, 500 * E18));
    assert_eq!(raw(&pool["pools"][0]["supply"]["raw"]), 1_003_000 * E18, "minted exactly what was sold");
    let (ok, text, stderr) = chain.run_text(0, &["sale", "status"]);
    assert!(ok && text.contains("sale 0 at") && text.contains("succeeded, finalized") && text.contains("raised 3 ETH"), "{text}{stderr}");
}

#[test]
fn a_raise_that_misses_its_soft_cap_refunds_every_buyer() {
    let chain = Chain::up("sale-refund", &[]);
    let (a, b, elsewhere) = (address(&chain.node, 1), address(&chain.node, 2), address(&chain.node, 5));
    chain.json(0, &["sale", "create", "--price", "0.001", "--soft-cap", "5", "--hard-cap", "10000", "--duration", "1h"]);
    chain.json(1, &["sale", "buy", "--shares", "1000"]);
    chain.json(2, &["sale", "buy", "--shares", "500"]);
    let err = chain.error(1, &["sale", "refund"]);
    assert!(err.contains("SaleNotFailed"), "{err}");

    chain.advance(2 * HOUR);
    let status = chain.json(0, &["sale", "status"]);
    assert_eq!((status["state"].as_str(), raw(&status["held"]["raw"])), (Some("failed"), 3 * E18 / 2));
    let err = chain.error(0, &["sale", "finalize"]);
    assert!(err.contains("SaleNot"), "a failed sale is not finalized: {err}");
    let err = chain.error(1, &["sale", "buy", "--shares", "1"]);
    assert!(err.contains("SaleEnded"), "{err}");

    let before = chain.balance(&a);
    let refunded = chain.json(1, &["sale", "refund"]);
    assert_eq!(raw(&refunded["amount"]["raw"]), E18);
    assert_eq!(chain.balance(&a) + chain.fee(&refunded["tx"]) - before, E18, "every wei paid comes back");
    let err = chain.error(1, &["sale", "refund"]);
    assert!(err.contains("SaleNothingToRefund"), "{err}");
    let before = chain.balance(&elsewhere);
    let refunded = chain.json(2, &["sale", "refund", "--to", &elsewhere]);
    assert_eq!((raw(&refunded["amount"]["raw"]), chain.balance(&elsewhere) - before), (E18 / 2, E18 / 2));
    let _ = b;
    let status = chain.json(0, &["sale", "status"]);
    assert_eq!(raw(&status["held"]["raw"]), 0, "the sale holds nothing once everyone is refunded");
    let pool = chain.json(0, &["status"]);
    assert_eq!(raw(&pool["pools"][0]["supply"]["raw"]), 1_000_000 * E18, "no share exists for a failed sale");
}

#[test]
fn only_the_admin_cancels_and_a_cancelled_raise_refunds() {
    let chain = Chain::up("sale-cancel", &[]);
    chain.json(0, &["sale", "create", "--price", "0.002", "--soft-cap", "1", "--hard-cap", "1000"]);
    chain.json(1, &["sale", "buy", "--shares", "10"]);
    let err = chain.error(1, &["sale", "cancel"]);
    assert!(err.contains("AccessControlUnauthorizedAccount"), "{err}");
    let cancelled = chain.json(0, &["sale", "cancel"]);
    assert_eq!(cancelled["state"].as_str(), Some("cancelled"));
    let refunded = chain.json(1, &["sale", "refund"]);
    assert_eq!(raw(&refunded["amount"]["raw"]), 2 * E18 / 100);
    let err = chain.error(1, &["sale", "status", "--sale", "4"]);
    assert!(err.contains("no sale 4: sales are 0 to 0"), "{err}");
}
