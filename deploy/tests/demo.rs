//! `rigshare demo --json` as a process: the story runs on its own embedded node and the
//! ledger adds up exactly, per asset, party by party.

mod common;

use std::process::Command;

use serde_json::Value;

fn raw(v: &Value) -> u128 {
    v["raw"].as_str().unwrap_or_else(|| panic!("no raw amount in {v}")).parse().unwrap()
}

#[test]
fn the_demo_ledger_adds_up_per_asset() {
    common::built();
    let out = Command::new(env!("CARGO_BIN_EXE_rigshare"))
        .args(["demo", "--json", "--no-build"])
        .env_remove("PRIVATE_KEY")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let ledger: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(ledger["adds_up"], true);

    // Three rigs, 506 TH/s.
    let models: Vec<&str> = ledger["rigs"].as_array().unwrap().iter().map(|r| r["model"].as_str().unwrap()).collect();
    assert_eq!(models, ["Antminer S21", "Whatsminer M60S", "Antminer S19k Pro"]);
    assert_eq!(ledger["backing_ths"], "506");

    // The raise: 600,000 shares sold at 0.0001 ETH, one purchase refused over the account cap,
    // every wei paid received by the treasury, nothing left in the sale.
    const E18: u128 = 1_000_000_000_000_000_000;
    let raise = &ledger["raise"];
    assert_eq!(raise["state"], "succeeded");
    let bought: Vec<(u128, u128)> = raise["purchases"].as_array().unwrap().iter().map(|p| (raw(&p["shares"]) / E18, raw(&p["paid"]))).collect();
    assert_eq!(bought, [(300_000, 30 * E18), (200_000, 20 * E18), (100_000, 10 * E18)]);
    assert_eq!((raw(&raise["paid"]), raw(&raise["raised"]), raw(&raise["to_treasury"]), raw(&raise["left_in_sale"])), (60 * E18, 60 * E18, 60 * E18, 0));
    assert!(raise["refused"].as_str().unwrap().contains("SaleAboveAccountMax"), "{raise}");

    // The purchase: 45 ETH of the raise paid the supplier for the three rigs, exactly; the
    // treasury keeps the other 15.
    let order = &ledger["purchase"];
    assert_eq!((order["status"].as_str(), order["units"].as_u64()), (Some("completed"), Some(3)));
    assert_eq!((raw(&order["price"]), raw(&order["funded"]), raw(&order["released"]), raw(&order["to_supplier"])), (45 * E18, 45 * E18, 45 * E18, 45 * E18));
    assert_eq!(raw(&order["treasury_keeps"]) + raw(&order["price"]), raw(&raise["raised"]));

    let parties = ledger["parties"].as_array().unwrap();
    let names: Vec<&str> = parties.iter().map(|p| p["party"].as_str().unwrap()).collect();
    assert_eq!(names, ["operator", "investor 1", "investor 2", "investor 3", "hosting", "operator fee"]);
    let shares: Vec<u128> = parties.iter().map(|p| raw(&p["shares"]) / E18).collect();
    assert_eq!(shares, [400_000, 200_000, 200_000, 200_000, 0, 0], "after investor 1 sold 100,000 to investor 3");
    assert_eq!(raw(&ledger["totals"]["shares"]), 1_000_000 * E18);

    let assets = ledger["assets"].as_array().unwrap();
    assert_eq!(assets.len(), 2, "ETH and the 8-decimal token");
    for (i, asset) in assets.iter().enumerate() {
        let symbol = asset["asset"]["symbol"].as_str().unwrap();
        let sum: u128 = parties.iter().map(|p| raw(&p["received"][i])).sum();
        assert_eq!(sum, raw(&asset["deposited"]), "{symbol}: the parties received exactly the deposits");
        assert_eq!(raw(&ledger["totals"]["received"][i]), sum, "{symbol}: the totals row");
        assert_eq!(raw(&asset["left_in_splitter"]), 0, "{symbol}: nothing left behind");
    }

    // ETH (0.25, deposited before the sale): split by the shares held then, 10% and 5% to payees.
    assert_eq!(assets[0]["asset"]["symbol"], "ETH");
    let eth: Vec<u128> = parties.iter().map(|p| raw(&p["received"][0])).collect();
    let micro = E18 / 1_000_000; // 10^-6 ETH
    assert_eq!(eth, [85_000 * micro, 63_750 * micro, 42_500 * micro, 21_250 * micro, 25_000 * micro, 12_500 * micro]);

    // The 8-decimal token (0.0076, deposited after the sale): split by the shares held then.
    let token = &assets[1];
    assert_eq!((token["asset"]["symbol"].as_str(), token["asset"]["decimals"].as_u64()), (Some("dWBTC"), Some(8)));
    assert_eq!(raw(&token["deposited"]), 760_000);
    let units: Vec<u128> = parties.iter().map(|p| raw(&p["received"][1])).collect();
    assert_eq!(units, [258_400, 129_200, 129_200, 129_200, 76_000, 38_000]);
}
