//! Fault injection for `rigshare up`: the run is cut at each of its transactions, in three ways,
//! then run again; every time the chain ends with exactly one instance of each contract and the
//! same wiring as an uninterrupted run.
//!
//! The `rigshare` process talks to a dev node through a small HTTP front in this test that
//! answers from the node (`devnode::rpc::server::answer`) and injects the fault on the n-th
//! `eth_sendRawTransaction`:
//! - `Kill`: the transaction reaches the node, then the process is killed (SIGKILL) before it
//!   sees the answer;
//! - `DropAfter`: the transaction reaches the node, then the RPC goes silent (connections are
//!   closed without an answer), so the process fails on its own;
//! - `DropBefore`: the RPC goes silent before the transaction reaches the node.

mod common;

use std::path::Path;

use common::front::{front, Behaviour, Fault, Front};
use devnode::rpc::{self, methods::Node, NodeConfig, RunningNode};
use rigshare_cli::catalogue;
use serde_json::Value;

/// The system's contracts and every wiring step (payees are given): one transaction each.
/// Contracts and wiring steps of a run with payees and no exclusions (as [`up`] runs it).
fn counts() -> (usize, usize) {
    let system: Vec<&catalogue::Entry> = catalogue::system().collect();
    let config = catalogue::SystemConfig { payees: vec!["0x00000000000000000000000000000000000000aa:1000".parse().unwrap()], ..Default::default() };
    (system.len(), system.iter().flat_map(|e| e.wiring).filter(|w| (w.applies)(&config)).count())
}

fn payee_args(node: &RunningNode) -> Vec<String> {
    let address = |i: usize| format!("{}", alloy_primitives::Address::from_private_key(&node.accounts[i].key));
    vec!["--payee".into(), format!("hosting={}:1000", address(1)), "--payee".into(), format!("operator={}:500", address(2))]
}

/// Runs `rigshare up` against `front` as a child the front can kill; (success, stdout, stderr).
fn up(front: &Front, node: &RunningNode, dir: &Path) -> (bool, String, String) {
    let mut args: Vec<String> = ["up", "--no-build", "--no-serve", "--json", "--rpc-url", &front.url, "--private-key", &common::key(node, 0)]
        .map(str::to_owned)
        .to_vec();
    args.extend(["--deployments-dir".to_owned(), dir.display().to_string()]);
    args.extend(payee_args(node));
    // Revenue paid at once, so a claim's amount does not depend on when the (re-)run happens.
    args.extend(["--stream-seconds".to_owned(), "0".to_owned()]);
    front.rigshare(&args)
}

/// What a finished deployment looks like on chain and in its file, independent of addresses'
/// history: the three contracts, the wiring, how many contracts StylusDeployer ever created.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    contracts_created: usize,
    splitter_wired: bool,
    operators: (bool, bool),
    payees: Value,
    file_contracts: usize,
    file_wiring: usize,
    file_pending: usize,
}

fn call(node: &Node, to: &str, signature: &str, args: &[ethers::abi::Token]) -> Vec<u8> {
    let mut data = ethers::utils::id(signature).to_vec();
    data.extend(ethers::abi::encode(args));
    let out = node
        .handle("eth_call", &serde_json::json!([{ "to": to, "data": format!("0x{}", ethers::utils::hex::encode(data)) }, "latest"]))
        .unwrap();
    ethers::utils::hex::decode(out.as_str().unwrap()).unwrap()
}

fn outcome(node: &RunningNode, dir: &Path) -> Outcome {
    let file: Value = serde_json::from_slice(&std::fs::read(dir.join(format!("{}.json", devnode::dev::CHAIN_ID))).unwrap()).unwrap();
    let at = |name: &str| file["contracts"][name]["address"].as_str().unwrap().to_owned();
    let (deed, shares, splitter) = (at("RigDeed"), at("RigShares"), at("RevenueSplitter"));
    let topic = format!("0x{}", ethers::utils::hex::encode(ethers::utils::keccak256("ContractDeployed(address)")));
    let deployer = format!("{:?}", rigshare_cli::chain::stylus::stylus_deployer());
    let logs = node
        .node
        .handle("eth_getLogs", &serde_json::json!([{ "fromBlock": "0x0", "toBlock": "latest", "address": deployer, "topics": [topic] }]))
        .unwrap();
    let me = ethers::abi::Address::from_slice(alloy_primitives::Address::from_private_key(&node.accounts[0].key).as_slice());
    let role = ethers::abi::Token::FixedBytes(ethers::utils::keccak256("OPERATOR_ROLE").to_vec());
    let has_role = |token: &str| call(&node.node, token, "hasRole(bytes32,address)", &[role.clone(), ethers::abi::Token::Address(me)])[31] == 1;
    let wired = call(&node.node, &shares, "revenueSplitter()", &[]);
    let payees = call(&node.node, &splitter, "payees()", &[]);
    let decoded = ethers::abi::decode(
        &[
            ethers::abi::ParamType::Array(Box::new(ethers::abi::ParamType::Address)),
            ethers::abi::ParamType::Array(Box::new(ethers::abi::ParamType::Uint(16))),
        ],
        &payees,
    )
    .unwrap();
    let count = |key: &str| file.get(key).and_then(Value::as_object).map_or(0, |m| m.len());
    Outcome {
        contracts_created: logs.as_array().unwrap().len(),
        splitter_wired: ethers::utils::hex::encode(&wired[12..]) == splitter.trim_start_matches("0x").to_lowercase(),
        operators: (has_role(&deed), has_role(&shares)),
        payees: serde_json::json!(decoded.iter().map(|t| t.to_string()).collect::<Vec<_>>()),
        file_contracts: count("contracts"),
        file_wiring: count("wiring"),
        file_pending: count("pending"),
    }
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rigshare-faults-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// An uninterrupted run: the reference every interrupted one must end at (its own directory
/// per test, as the tests run in parallel).
fn reference(fault: Fault) -> Outcome {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let dir = temp_dir(&format!("reference-{fault:?}"));
    let front = front(node.node.clone(), Behaviour::default());
    let (ok, stdout, stderr) = up(&front, &node, &dir);
    assert!(ok, "{stderr}");
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    let (contracts, wiring) = counts();
    assert_eq!(summary["transactions_sent"], (contracts + wiring) as u64);
    let outcome = outcome(&node, &dir);
    let _ = std::fs::remove_dir_all(dir);
    outcome
}

fn interrupted(fault: Fault) {
    let expected = reference(fault);
    let (contracts, wiring) = counts();
    assert_eq!((expected.contracts_created, expected.file_wiring, expected.file_pending), (contracts, wiring, 0));
    for at in 1..=contracts + wiring {
        let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
        let dir = temp_dir(&format!("{fault:?}-{at}"));
        let faulty = front(node.node.clone(), Behaviour { fault: Some((fault, at)), ..Behaviour::default() });
        let (ok, _, stderr) = up(&faulty, &node, &dir);
        assert!(!ok, "{fault:?} at transaction {at}: the run should have been cut\n{stderr}");
        if fault != Fault::Kill {
            let last = stderr.lines().last().unwrap_or_default();
            assert!(last.starts_with("rigshare: error: "), "{fault:?} at {at}: {stderr}");
        }
        // The file on disk is whole after any cut (written by rename), and names the cut
        // transaction unless the node refused it.
        let file: Value = serde_json::from_slice(&std::fs::read(dir.join(format!("{}.json", devnode::dev::CHAIN_ID))).unwrap()).unwrap();
        assert_eq!(file["pending"].as_object().map_or(0, |p| p.len()), 1, "{fault:?} at {at}: {file:#}");

        let healthy = front(node.node.clone(), Behaviour::default());
        let (ok, _, stderr) = up(&healthy, &node, &dir);
        assert!(ok, "{fault:?} at {at}: resuming failed\n{stderr}");
        assert_eq!(outcome(&node, &dir), expected, "{fault:?} at transaction {at}\n{stderr}");
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[test]
fn resumes_after_kill_at_each_transaction() {
    interrupted(Fault::Kill);
}

#[test]
fn resumes_after_rpc_drops_after_each_transaction() {
    interrupted(Fault::DropAfter);
}

#[test]
fn resumes_after_rpc_drops_before_each_transaction() {
    interrupted(Fault::DropBefore);
}

/// The deployment's contract addresses from its file.
fn addresses(dir: &Path) -> (String, String, String) {
    let file: Value = serde_json::from_slice(&std::fs::read(dir.join(format!("{}.json", devnode::dev::CHAIN_ID))).unwrap()).unwrap();
    let at = |name: &str| file["contracts"][name]["address"].as_str().unwrap().to_owned();
    (at("RigDeed"), at("RigShares"), at("RevenueSplitter"))
}

/// Word `i` of a view's return data, as a number.
fn word(data: &[u8], i: usize) -> ethers::types::U256 {
    ethers::types::U256::from_big_endian(&data[32 * i..32 * (i + 1)])
}

fn account(node: &RunningNode, i: usize) -> ethers::types::Address {
    ethers::types::Address::from_slice(node.accounts[i].address.as_slice())
}

/// What the operating commands change, read from the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Effects {
    deeds: ethers::types::U256,
    deeds_in_pool: ethers::types::U256,
    shares_of_investor: ethers::types::U256,
    deposited: ethers::types::U256,
    claimed: ethers::types::U256,
    payees: Vec<u8>,
    /// Sales recorded, and what the first one raised.
    sales: usize,
    sale_raised: ethers::types::U256,
    /// Purchase orders opened, and what the first one was funded.
    orders: ethers::types::U256,
    order_funded: ethers::types::U256,
}

fn effects(node: &RunningNode, dir: &Path) -> Effects {
    use ethers::abi::Token;
    let (deed, shares, splitter) = addresses(dir);
    let shares_address: ethers::types::Address = shares.parse().unwrap();
    let totals = call(&node.node, &splitter, "totals()", &[]);
    let file: Value = serde_json::from_slice(&std::fs::read(dir.join(format!("{}.json", devnode::dev::CHAIN_ID))).unwrap()).unwrap();
    let sales = file["sales"].as_array().map_or(0, Vec::len);
    let sale_raised = match file["sales"][0]["address"].as_str() {
        Some(sale) => word(&call(&node.node, sale, "raised()", &[]), 0),
        None => ethers::types::U256::zero(),
    };
    let purchase_orders = file["contracts"]["PurchaseOrders"]["address"].as_str().unwrap().to_owned();
    let orders = word(&call(&node.node, &purchase_orders, "orderCount()", &[]), 0);
    let order_funded = if orders.is_zero() {
        ethers::types::U256::zero()
    } else {
        word(&call(&node.node, &purchase_orders, "orderAmounts(uint256)", &[Token::Uint(0.into())]), 0)
    };
    Effects {
        sales,
        sale_raised,
        orders,
        order_funded,
        deeds: word(&call(&node.node, &deed, "totalSupply()", &[]), 0),
        deeds_in_pool: word(&call(&node.node, &deed, "balanceOf(address)", &[Token::Address(shares_address)]), 0),
        shares_of_investor: word(&call(&node.node, &shares, "balanceOf(address)", &[Token::Address(account(node, 1))]), 0),
        deposited: word(&totals, 0),
        claimed: word(&totals, 2),
        payees: call(&node.node, &splitter, "payees()", &[]),
    }
}

/// Every state-changing operating command (a sale's creation and a purchase included), cut at its transaction in one of the three ways and
/// run again: each ends with exactly the effect of one uninterrupted run, and nothing pending.
fn operating_commands_act_once(fault: Fault) {
    use ethers::types::U256;
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let dir = temp_dir(&format!("ops-{fault:?}"));
    let (ok, _, stderr) = up(&front(node.node.clone(), Behaviour::default()), &node, &dir);
    assert!(ok, "{stderr}");
    let investor = format!("{:?}", account(&node, 1));
    let hosting = format!("hosting={:?}:1000", account(&node, 4));
    let (supplier, site) = (format!("{:?}", account(&node, 7)), format!("{:?}", account(&node, 8)));
    let shares = U256::exp10(18) * 1_000;
    let commands: Vec<(&str, Vec<&str>, Box<dyn Fn(&mut Effects)>)> = vec![
        (
            "rig mint",
            vec!["rig", "mint", "--model", "Antminer S21", "--hashrate-ths", "200", "--power-watts", "3500", "--site", "Rockdale", "--serial", "S21-FAULT"],
            Box::new(|e| e.deeds += U256::one()),
        ),
        ("pool deposit-deed", vec!["pool", "deposit-deed", "1"], Box::new(|e| e.deeds_in_pool += U256::one())),
        ("pool transfer", vec!["pool", "transfer", "--to", &investor, "--amount", "1000"], Box::new(move |e| e.shares_of_investor += shares)),
        ("revenue deposit", vec!["revenue", "deposit", "--amount", "0.5"], Box::new(|e| e.deposited += U256::exp10(17) * 5)),
        ("payees set", vec!["payees", "set", &hosting], Box::new(|_| ())),
        // `up` set 15% of payees; the deployer holds 999,000 of 1,000,000 shares:
        // 0.5 ETH x 0.85 x 0.999 = 0.424575 ETH.
        ("revenue claim", vec!["revenue", "claim"], Box::new(|e| e.claimed += U256::exp10(12) * 424_575)),
        // No --start: the re-run's clock is later, and it must still find the same sale.
        ("sale create", vec!["sale", "create", "--price", "0.001", "--soft-cap", "1", "--hard-cap", "5000", "--duration", "1d"], Box::new(|e| e.sales += 1)),
        // 100 shares at 0.001 ETH.
        ("sale buy", vec!["sale", "buy", "--shares", "100"], Box::new(|e| e.sale_raised += U256::exp10(17))),
        // Its deadlines come from the clock too.
        (
            "order open",
            vec!["order", "open", "--supplier", &supplier, "--site", &site, "--price", "2", "--unit", "Antminer S21:FAULT-1"],
            Box::new(|e| e.orders += U256::one()),
        ),
        ("order fund", vec!["order", "fund", "--order", "0", "--amount", "0.5"], Box::new(|e| e.order_funded += U256::exp10(17) * 5)),
    ];
    let key = common::key(&node, 0);
    for (name, args, effect) in commands {
        let mut expected = effects(&node, &dir);
        effect(&mut expected);
        let mut args: Vec<String> = args.into_iter().map(str::to_owned).collect();
        let run = |url: &str, args: &[String], faulty: &Front| {
            let mut all = args.to_vec();
            all.extend(["--rpc-url", url, "--private-key", &key, "--deployments-dir"].map(str::to_owned));
            all.push(dir.display().to_string());
            faulty.rigshare(&all)
        };
        let faulty = front(node.node.clone(), Behaviour { fault: Some((fault, 1)), ..Behaviour::default() });
        let (ok, _, stderr) = run(&faulty.url, &args, &faulty);
        assert!(!ok, "{name}, {fault:?}: the run should have been cut\n{stderr}");
        let file: Value = serde_json::from_slice(&std::fs::read(dir.join(format!("{}.json", devnode::dev::CHAIN_ID))).unwrap()).unwrap();
        assert_eq!(file["pending"].as_object().map_or(0, |p| p.len()), 1, "{name}, {fault:?}: the cut transaction is recorded: {file:#}");

        let healthy = front(node.node.clone(), Behaviour::default());
        args.push("--json".into());
        let (ok, stdout, stderr) = run(&healthy.url, &args, &healthy);
        assert!(ok, "{name}, {fault:?}: re-running failed\n{stderr}");
        serde_json::from_str::<Value>(&stdout).unwrap_or_else(|e| panic!("{name}: {e}: {stdout}"));
        if name == "payees set" {
            let decoded = ethers::abi::decode(
                &[
                    ethers::abi::ParamType::Array(Box::new(ethers::abi::ParamType::Address)),
                    ethers::abi::ParamType::Array(Box::new(ethers::abi::ParamType::Uint(16))),
                ],
                &effects(&node, &dir).payees,
            )
            .unwrap();
            assert_eq!(decoded[0].clone().into_array().unwrap().len(), 1, "{name}, {fault:?}");
            expected.payees = effects(&node, &dir).payees;
        }
        assert_eq!(effects(&node, &dir), expected, "{name}, {fault:?}: exactly one effect\n{stderr}");
        let file: Value = serde_json::from_slice(&std::fs::read(dir.join(format!("{}.json", devnode::dev::CHAIN_ID))).unwrap()).unwrap();
        assert_eq!(file["pending"].as_object().map_or(0, |p| p.len()), 0, "{name}, {fault:?}: settled: {file:#}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn operating_commands_act_once_after_kill() {
    operating_commands_act_once(Fault::Kill);
}

#[test]
fn operating_commands_act_once_after_rpc_drops_after_sending() {
    operating_commands_act_once(Fault::DropAfter);
}

#[test]
fn operating_commands_act_once_after_rpc_drops_before_sending() {
    operating_commands_act_once(Fault::DropBefore);
}
