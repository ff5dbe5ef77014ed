//! The operating commands as processes against a dev node this test spawns, after `rigshare
//! up`: each command's JSON and its effect on chain, a second payout asset (an 8-decimal
//! token), then the one-line errors (unknown pool, a revert decoded by name, wrong chain,
//! unknown network, unreachable RPC, no deployment, insufficient funds).

mod common;

use common::{
    chain::{address, raw, Chain, E18},
    key, rigshare,
};
use devnode::rpc::{self, NodeConfig};
use serde_json::Value;

/// Revenue paid at once, so a deposit is claimable in the same test step.
const INSTANT: &[&str] = &["--stream-seconds", "0"];

#[test]
fn operating_commands_drive_a_pool_end_to_end() {
    let chain = Chain::up("flow", INSTANT);
    let (op, investor, hosting, fee) = (address(&chain.node, 0), address(&chain.node, 1), address(&chain.node, 4), address(&chain.node, 5));

    // Rigs: one in TH/s, one in GH/s; ids from 1.
    let s21 = chain.json(0, &["rig", "mint", "--model", "Antminer S21", "--hashrate-ths", "200", "--power-watts", "3500", "--site", "Paraguay-Itaipu-03", "--serial", "S21-0001"]);
    assert_eq!((s21["deed_id"].as_u64(), s21["hashrate_ghs"].as_u64(), s21["owner"].as_str()), (Some(1), Some(200_000), Some(op.as_str())));
    let m60 = chain.json(0, &["rig", "mint", "--model", "Whatsminer M60S", "--hashrate-ghs", "186000", "--power-watts", "3344", "--site", "Texas-Rockdale-1", "--serial", "M60S-77", "--kind", "mining-right"]);
    assert_eq!((m60["deed_id"].as_u64(), m60["kind"].as_str()), (Some(2), Some("mining-right")));

    let changed = chain.json(0, &["rig", "status", "1", "maintenance"]);
    assert_eq!((changed["previous"].as_str(), changed["status"].as_str()), (Some("active"), Some("maintenance")));

    let pooled = chain.json(0, &["pool", "deposit-deed", "--pool", "0", "1", "2"]);
    let ids: Vec<u64> = pooled["deposited"].as_array().unwrap().iter().map(|d| d["deed_id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [1, 2]);
    assert_eq!((pooled["backing_hashrate_ghs"].as_str(), pooled["backing_power_watts"].as_str(), pooled["backing_rigs"].as_u64()), (Some("386000"), Some("6844"), Some(2)));

    let moved = chain.json(0, &["pool", "transfer", "--to", &investor, "--amount", "250000"]);
    assert_eq!(raw(&moved["amount_raw"]), 250_000 * E18);

    let payees = chain.json(0, &["payees", "set", &format!("hosting={hosting}:1000"), &format!("operator={fee}:500")]);
    assert!(payees["splitters"][0]["sent"]["tx"].is_string());
    let again = chain.json(0, &["payees", "set", &format!("hosting={hosting}:1000"), &format!("operator={fee}:500")]);
    assert!(again["splitters"][0]["sent"].is_null(), "already so: nothing sent");

    // 1 ETH: 10% hosting, 5% operator, 85% to holders (a quarter of it to the investor).
    let deposit = chain.json(6, &["revenue", "deposit", "--amount", "1"]);
    assert_eq!((raw(&deposit["amount"]["raw"]), raw(&deposit["to_holders"]["raw"]), raw(&deposit["to_payees"]["raw"])), (E18, 85 * E18 / 100, 15 * E18 / 100));
    assert_eq!(deposit["payees"].as_array().unwrap().len(), 2);

    let owed = chain.json(0, &["revenue", "claimable", "--account", &investor]);
    assert_eq!(raw(&owed["claimable"][0]["raw"]), 2125 * E18 / 10_000);
    let before = chain.balance(&investor);
    let claimed = chain.json(1, &["revenue", "claim"]);
    assert_eq!(raw(&claimed["claimed"][0]["raw"]), 2125 * E18 / 10_000);
    let gas_paid = before + 2125 * E18 / 10_000 - chain.balance(&investor);
    assert!(gas_paid > 0 && gas_paid < E18 / 100, "the investor got the claim less gas: {gas_paid}");

    // Status: rigs with specs, backing, payees by label, every account's claimable.
    let status = chain.json(0, &["status"]);
    let pool = &status["pools"][0];
    assert_eq!(pool["rigs"].as_array().unwrap().len(), 2);
    assert_eq!((pool["rigs"][0]["model"].as_str(), pool["rigs"][0]["status"].as_str(), pool["rigs"][0]["hashrate_ths"].as_str()), (Some("Antminer S21"), Some("maintenance"), Some("200")));
    assert_eq!(pool["backing"]["hashrate_ths"], "386");
    let splitter = &pool["splitters"][0];
    assert_eq!((splitter["asset"]["symbol"].as_str(), raw(&splitter["deposited"]["raw"]), raw(&splitter["claimed"]["raw"])), (Some("ETH"), E18, 2125 * E18 / 10_000));
    assert_eq!((splitter["payees"][0]["label"].as_str(), splitter["payees"][0]["bps"].as_u64()), (Some("hosting"), Some(1000)));
    let account = |a: &str| pool["accounts"].as_array().unwrap().iter().find(|x| x["account"] == a).cloned().unwrap_or_else(|| panic!("{a} in {pool}"));
    assert_eq!(raw(&account(&op)["claimable"][0]["raw"]), 6375 * E18 / 10_000);
    assert_eq!(raw(&account(&investor)["claimable"][0]["raw"]), 0);
    assert_eq!(raw(&account(&investor)["shares"]["raw"]), 250_000 * E18);
    assert_eq!(raw(&account(&hosting)["claimable"][0]["raw"]), E18 / 10);
    assert_eq!(account(&fee)["roles"][0], "payee (operator)");
    let (ok, text, stderr) = chain.run_text(0, &["status"]);
    assert!(ok, "{stderr}");
    assert!(text.contains("pool 0 \"rigshare Pool 1\" (RSP1)") && text.contains("| 1 | Antminer S21 | 200 | 3500 | Paraguay-Itaipu-03 | equipment | maintenance |"), "{text}");

    // A second pool from the activated code: no data fee, recorded, and shown by status.
    let created = chain.json(0, &["pool", "create", "--name", "rigshare Pool 2", "--symbol", "RSP2", "--supply", "500000"]);
    assert_eq!((created["pool"].as_u64(), created["supply"].as_str()), (Some(1), Some("500000")));
    let fees: Vec<&str> = created["steps"].as_array().unwrap().iter().filter_map(|s| s["data_fee_wei"].as_str()).collect();
    assert_eq!(fees, ["0", "0"], "the code was already activated");
    let file: Value = serde_json::from_slice(&std::fs::read(chain.dir.join(format!("{}.json", devnode::dev::CHAIN_ID))).unwrap()).unwrap();
    assert_eq!(file["pools"].as_array().unwrap().len(), 2);
    assert_eq!(file["pools"][1]["shares"], created["shares"]);
    assert_eq!(file["pools"][0]["payee_labels"][&hosting], "hosting");
    let err = chain.error(0, &["pool", "create", "--name", "rigshare Pool 2", "--symbol", "RSP2"]);
    assert!(err.contains("pool 1 is already"), "{err}");
    let status = chain.json(0, &["status", "--pool", "1"]);
    assert_eq!(status["pools"][0]["accounts"][0]["account"], op.as_str());
    chain.json(0, &["rig", "mint", "--model", "Antminer S19 XP", "--hashrate-ths", "140", "--power-watts", "3010", "--site", "Paraguay-Itaipu-03", "--serial", "S19XP-9"]);
    let second = chain.json(0, &["pool", "deposit-deed", "--pool", "1", "3"]);
    assert_eq!(second["backing_hashrate_ghs"], "140000");
}

/// Deploys the 8-decimal demo token through the library and mints `amount` units to `to`.
fn demo_token(chain: &Chain, to: &str, amount: u64) -> String {
    use rigshare_cli::{
        catalogue::{demo_token::{self, DemoToken}, SystemConfig},
        commands::ops::{pools, session::{Connect, Session}},
    };
    let ws = rigshare_cli::pipeline::workspace::Workspace::of_this_crate().unwrap();
    let connect = Connect {
        rpc_url: Some(chain.node.url.clone()),
        private_key: Some(key(&chain.node, 0)),
        deployments_dir: Some(chain.dir.clone()),
        ..Default::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let s = Session::open(&ws, &connect, "test").await.unwrap();
        let (token, _) =
            pools::deploy(&ws, &s, &demo_token::ENTRY, "deploy DemoToken", &SystemConfig::default(), &Default::default()).await.unwrap();
        let mint = DemoToken::new(token, s.client.clone()).mint(to.parse().unwrap(), amount.into());
        s.send("minting", mint).await.unwrap();
        format!("{token:?}")
    })
}

#[test]
fn a_pool_pays_in_a_second_asset() {
    let chain = Chain::up("asset", INSTANT);
    let (investor, hosting, miner) = (address(&chain.node, 1), address(&chain.node, 4), address(&chain.node, 6));
    chain.json(0, &["pool", "transfer", "--to", &investor, "--amount", "100000"]);
    let token = demo_token(&chain, &miner, 100_000_000);

    let added = chain.json(0, &["pool", "add-splitter", "--pool", "0", "--asset", &token, "--stream-seconds", "0"]);
    assert_eq!((added["asset"]["symbol"].as_str(), added["asset"]["decimals"].as_u64()), (Some("dWBTC"), Some(8)));
    let err = chain.error(0, &["pool", "add-splitter", "--asset", &token]);
    assert!(err.contains("pool 0 already has a splitter paying dWBTC"), "{err}");
    let payees = chain.json(0, &["payees", "set", "--token", "dWBTC", &format!("hosting={hosting}:1000")]);
    assert_eq!(payees["splitters"].as_array().unwrap().len(), 1, "only the dWBTC splitter");

    // With two assets a deposit must say which; amounts are in the token's 8 decimals.
    let err = chain.error(6, &["revenue", "deposit", "--amount", "1"]);
    assert!(err.contains("pool 0 pays in ETH and dWBTC; say which with --token"), "{err}");
    let err = chain.error(6, &["revenue", "deposit", "--amount", "0.000000001", "--token", "dWBTC"]);
    assert!(err.contains("more than 8 decimals"), "{err}");
    let err = chain.error(6, &["revenue", "deposit", "--amount", "2", "--token", "dWBTC"]);
    assert!(err.contains("insufficient dWBTC") && err.contains("holds 1, the deposit is 2"), "{err}");
    let deposit = chain.json(6, &["revenue", "deposit", "--amount", "0.5", "--token", &token]);
    assert_eq!(deposit["steps"].as_array().unwrap().len(), 2, "approve, then deposit");
    assert_eq!((raw(&deposit["amount"]["raw"]), raw(&deposit["to_payees"]["raw"]), deposit["to_holders"]["amount"].as_str()), (50_000_000, 5_000_000, Some("0.45")));
    assert_eq!(deposit["payees"][0]["label"], "hosting");

    // The investor (10%) is owed 0.045 dWBTC and nothing in ETH; claiming takes only that.
    let owed = chain.json(0, &["revenue", "claimable", "--account", &investor]);
    let owed: Vec<(&str, u128)> = owed["claimable"].as_array().unwrap().iter().map(|c| (c["symbol"].as_str().unwrap(), raw(&c["raw"]))).collect();
    assert_eq!(owed, [("ETH", 0), ("dWBTC", 4_500_000)]);
    let claimed = chain.json(1, &["revenue", "claim"]);
    assert_eq!(claimed["claimed"].as_array().unwrap().len(), 1);
    assert_eq!((claimed["claimed"][0]["symbol"].as_str(), raw(&claimed["claimed"][0]["raw"])), (Some("dWBTC"), 4_500_000));

    let status = chain.json(0, &["status"]);
    let splitters = status["pools"][0]["splitters"].as_array().unwrap();
    let symbols: Vec<&str> = splitters.iter().map(|s| s["asset"]["symbol"].as_str().unwrap()).collect();
    assert_eq!(symbols, ["ETH", "dWBTC"]);
    assert_eq!((raw(&splitters[1]["deposited"]["raw"]), raw(&splitters[1]["claimed"]["raw"])), (50_000_000, 4_500_000));
    let file: Value = serde_json::from_slice(&std::fs::read(chain.dir.join(format!("{}.json", devnode::dev::CHAIN_ID))).unwrap()).unwrap();
    assert_eq!(file["pools"][0]["splitters"][1]["asset"], token.as_str());
}

#[test]
fn errors_are_one_line_and_name_the_fix() {
    let chain = Chain::up("errors", &[]);
    let url = chain.node.url.clone();

    let err = chain.error(0, &["revenue", "deposit", "--pool", "7", "--amount", "1"]);
    assert!(err.contains("no pool 7") && err.contains("pools are 0 to 0"), "{err}");

    // A revert, decoded by name with its arguments; nothing sent.
    chain.json(0, &["rig", "mint", "--model", "S21", "--hashrate-ths", "200", "--power-watts", "3500", "--site", "X", "--serial", "A"]);
    let err = chain.error(0, &["rig", "status", "1", "active"]);
    assert!(err.contains("DeedStatusUnchanged(1, 0)") && err.contains("nothing was sent"), "{err}");
    let err = chain.error(3, &["rig", "mint", "--model", "S21", "--hashrate-ths", "1", "--power-watts", "1", "--site", "X", "--serial", "B"]);
    assert!(err.contains("AccessControlUnauthorizedAccount(") && err.contains("OPERATOR_ROLE)"), "{err}");
    let err = chain.error(2, &["revenue", "claim", "--token", "eth"]);
    assert!(err.contains("SplitterNothingToClaim("), "{err}");
    let err = chain.error(0, &["pool", "deposit-deed", "9"]);
    assert!(err.contains("deed 9: ERC721NonexistentToken(9)"), "{err}");

    // Insufficient funds: a key nobody funded.
    let (ok, _, stderr) = rigshare(&[
        "revenue", "deposit", "--amount", "1", "--rpc-url", &url, "--private-key", &"11".repeat(32), "--deployments-dir", chain.dir.to_str().unwrap(),
    ]);
    assert!(!ok && stderr.contains("insufficient funds"), "{stderr}");
    assert!(!stderr.contains(&"11".repeat(32)), "the key is never printed");

    // Connection problems.
    let dir = chain.dir.to_str().unwrap();
    let (_, _, stderr) = rigshare(&["status", "--network", "arbitrum-sepolia", "--rpc-url", &url, "--deployments-dir", dir]);
    assert!(stderr.contains(&devnode::dev::CHAIN_ID.to_string()) && stderr.contains("421614") && stderr.starts_with("rigshare: error: "), "{stderr}");
    let (_, _, stderr) = rigshare(&["status", "--network", "mainnet"]);
    assert!(stderr.contains("unknown network 'mainnet'"), "{stderr}");
    let (_, _, stderr) = rigshare(&["status", "--rpc-url", "http://127.0.0.1:9"]);
    assert!(stderr.contains("cannot reach the RPC at http://127.0.0.1:9"), "{stderr}");
    let empty = std::env::temp_dir().join(format!("rigshare-ops-empty-{}", std::process::id()));
    let (_, _, stderr) = rigshare(&["status", "--rpc-url", &url, "--deployments-dir", empty.to_str().unwrap()]);
    assert!(stderr.contains(&format!("no rigshare deployment on chain {}", devnode::dev::CHAIN_ID)) && stderr.contains("run `rigshare up`"), "{stderr}");

    // A deployments file from another (restarted) node: addresses without code.
    let other = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let (_, _, stderr) = rigshare(&["status", "--rpc-url", &other.url, "--deployments-dir", dir]);
    assert!(stderr.contains("which has no code there") && stderr.contains("run `rigshare up`"), "{stderr}");
}

/// `up` streams holder revenue over a week by default (finding 7: buying just before a payout
/// must not take it), and `--exclude` keeps an account from earning on every splitter of the
/// pool, including one added later (finding 6).
#[test]
fn up_streams_revenue_and_exclusions_carry_to_new_splitters() {
    let (vault, investor) = (format!("{:?}", ethers::types::Address::repeat_byte(0x5a)), 1);
    let chain = Chain::up("stream", &["--exclude", &vault]);
    let investor_at = address(&chain.node, investor);
    let status = chain.json(0, &["status"]);
    assert_eq!(status["pools"][0]["splitters"][0]["stream_seconds"].as_u64(), Some(7 * 24 * 3600));

    // The vault holds half the shares but earns nothing: the investor's quarter of the supply
    // is half of what earns.
    chain.json(0, &["pool", "transfer", "--to", &vault, "--amount", "500000"]);
    chain.json(0, &["pool", "transfer", "--to", &investor_at, "--amount", "250000"]);
    chain.json(6, &["revenue", "deposit", "--amount", "1"]);
    let owed = |c: &Chain, who: &str| raw(&c.json(0, &["revenue", "claimable", "--account", who])["claimable"][0]["raw"]);
    assert!(owed(&chain, &investor_at) < E18 / 100, "right after the deposit almost nothing has vested");
    chain.advance(7 * 24 * 3600);
    assert_eq!(owed(&chain, &investor_at), E18 / 2);
    assert_eq!(owed(&chain, &vault), 0);

    // A splitter added later excludes the vault before the pool adopts it.
    let token = demo_token(&chain, &address(&chain.node, 6), 100_000_000);
    let added = chain.json(0, &["pool", "add-splitter", "--asset", &token]);
    assert_eq!(added["exclusions"][0].as_str(), Some(vault.as_str()));
    assert_eq!(added["stream_seconds"].as_u64(), Some(7 * 24 * 3600));
    let steps: Vec<&str> = added["steps"].as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(
        steps,
        ["deploying RevenueSplitter", "wiring RevenueSplitter.setExcluded", "wiring RigShares.addRevenueSplitter", "wiring RevenueSplitter.applyExclusion"]
    );
    chain.json(6, &["revenue", "deposit", "--amount", "0.5", "--token", &token]);
    chain.advance(7 * 24 * 3600);
    let owed = chain.json(0, &["revenue", "claimable", "--account", &vault]);
    assert!(owed["claimable"].as_array().unwrap().iter().all(|c| raw(&c["raw"]) == 0), "{owed}");
    let owed = chain.json(0, &["revenue", "claimable", "--account", &investor_at]);
    assert_eq!(raw(&owed["claimable"][1]["raw"]), 25_000_000, "half of what earns: 0.25 dWBTC");

    let err = chain.error(0, &["pool", "create", "--name", "P", "--symbol", "P", "--exclude", &vault, "--exclude", &vault]);
    assert!(err.contains("given twice"), "{err}");
}
