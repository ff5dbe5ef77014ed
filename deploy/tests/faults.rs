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

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    path::Path,
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
};

use devnode::rpc::{self, methods::Node, NodeConfig, RunningNode};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    Kill,
    DropAfter,
    DropBefore,
}

/// Deploys 3 contracts, then wires the splitter, two operator roles and the payees.
const TRANSACTIONS: usize = 7;

/// The HTTP front: answers JSON-RPC from `node` until the fault fires.
struct Front {
    url: String,
    child: Arc<Mutex<Option<Child>>>,
}

fn front(node: Arc<Node>, fault: Option<(Fault, usize)>) -> Front {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let child: Arc<Mutex<Option<Child>>> = Arc::default();
    let sends = Arc::new(AtomicUsize::new(0));
    let silent = Arc::new(AtomicBool::new(false));
    let victim = child.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let (node, sends, silent, victim) = (node.clone(), sends.clone(), silent.clone(), victim.clone());
            std::thread::spawn(move || serve(stream, &node, fault, &sends, &silent, &victim));
        }
    });
    Front { url, child }
}

/// One keep-alive connection: request after request until the client or the fault closes it.
fn serve(
    stream: TcpStream,
    node: &Node,
    fault: Option<(Fault, usize)>,
    sends: &AtomicUsize,
    silent: &AtomicBool,
    victim: &Mutex<Option<Child>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse::<usize>().ok();
                }
            }
        }
        let mut body = vec![0; length.unwrap_or(0)];
        if reader.read_exact(&mut body).is_err() || silent.load(Ordering::SeqCst) {
            return;
        }
        let is_send = String::from_utf8_lossy(&body).contains("eth_sendRawTransaction");
        let fires = is_send && fault.is_some_and(|(_, at)| sends.fetch_add(1, Ordering::SeqCst) + 1 == at);
        if fires && fault.unwrap().0 == Fault::DropBefore {
            silent.store(true, Ordering::SeqCst);
            return;
        }
        let answer = rpc::server::answer(node, &body).map(|v| v.to_string()).unwrap_or_default();
        if fires {
            silent.store(true, Ordering::SeqCst);
            if fault.unwrap().0 == Fault::Kill {
                if let Some(child) = victim.lock().unwrap().as_mut() {
                    child.kill().unwrap();
                }
            }
            return;
        }
        let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", answer.len());
        if writer.write_all(head.as_bytes()).and_then(|_| writer.write_all(answer.as_bytes())).is_err() {
            return;
        }
    }
}

fn payee_args(node: &RunningNode) -> Vec<String> {
    let address = |i: usize| format!("{}", alloy_primitives::Address::from_private_key(&node.accounts[i].key));
    vec!["--payee".into(), format!("hosting={}:1000", address(1)), "--payee".into(), format!("operator={}:500", address(2))]
}

/// Runs `rigshare up` against `front` as a child the front can kill; (success, stdout, stderr).
fn up(front: &Front, node: &RunningNode, dir: &Path) -> (bool, String, String) {
    common::built();
    let key = common::key(node, 0);
    let mut child = Command::new(env!("CARGO_BIN_EXE_rigshare"))
        .args(["up", "--no-build", "--no-serve", "--json", "--rpc-url", &front.url, "--private-key", &key])
        .arg("--deployments-dir")
        .arg(dir)
        .args(payee_args(node))
        .env_remove("PRIVATE_KEY")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut stdout, mut stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    *front.child.lock().unwrap() = Some(child);
    let out = std::thread::spawn(move || read_all(&mut stdout));
    let err = read_all(&mut stderr);
    let out = out.join().unwrap();
    let status = front.child.lock().unwrap().take().unwrap().wait().unwrap();
    (status.success(), out, err)
}

fn read_all(pipe: &mut impl Read) -> String {
    let mut text = String::new();
    let _ = pipe.read_to_string(&mut text);
    text
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
    let file: Value = serde_json::from_slice(&std::fs::read(dir.join("412346.json")).unwrap()).unwrap();
    let at = |name: &str| file["contracts"][name]["address"].as_str().unwrap().to_owned();
    let (deed, shares, splitter) = (at("RigDeed"), at("RigShares"), at("RevenueSplitter"));
    let topic = format!("0x{}", ethers::utils::hex::encode(ethers::utils::keccak256("ContractDeployed(address)")));
    let deployer = format!("{:?}", rigshare_deploy::up::deployer::stylus_deployer());
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
    let front = front(node.node.clone(), None);
    let (ok, stdout, stderr) = up(&front, &node, &dir);
    assert!(ok, "{stderr}");
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["transactions_sent"], TRANSACTIONS as u64);
    let outcome = outcome(&node, &dir);
    let _ = std::fs::remove_dir_all(dir);
    outcome
}

fn interrupted(fault: Fault) {
    let expected = reference(fault);
    assert_eq!((expected.contracts_created, expected.file_wiring, expected.file_pending), (3, 4, 0));
    for at in 1..=TRANSACTIONS {
        let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
        let dir = temp_dir(&format!("{fault:?}-{at}"));
        let faulty = front(node.node.clone(), Some((fault, at)));
        let (ok, _, stderr) = up(&faulty, &node, &dir);
        assert!(!ok, "{fault:?} at transaction {at}: the run should have been cut\n{stderr}");
        if fault != Fault::Kill {
            let last = stderr.lines().last().unwrap_or_default();
            assert!(last.starts_with("rigshare: error: "), "{fault:?} at {at}: {stderr}");
        }
        // The file on disk is whole after any cut (written by rename), and names the cut
        // transaction unless the node refused it.
        let file: Value = serde_json::from_slice(&std::fs::read(dir.join("412346.json")).unwrap()).unwrap();
        assert_eq!(file["pending"].as_object().map_or(0, |p| p.len()), 1, "{fault:?} at {at}: {file:#}");

        let healthy = front(node.node.clone(), None);
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
