//! `cargo bench -p rigshare-e2e --bench rpc`: the dev node over HTTP, printed as Markdown.
//!
//! - Start to first answered request: `rpc::spawn` (engine, accounts, listener, runtime) until
//!   `eth_chainId` answers, median of several starts.
//! - Sustained RigShares.transfer over HTTP from one client: pre-signed raw transactions sent
//!   one after another on one keep-alive connection (each answered after it is mined), with
//!   p50 and p99 latency.
//!
//! `BENCH_HTTP_TXS` sets the number of transfers (default 5,000).

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use alloy_primitives::{hex, Address, U256};
use alloy_sol_types::SolCall;
use devnode::{
    engine::tx::TxKind,
    rpc::{self, NodeConfig},
};
use rigshare_e2e::{stored_code, RigShares, CONSTRUCTOR_SELECTOR, ETH};

/// One keep-alive HTTP/1.1 connection speaking JSON-RPC.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(url: &str) -> Self {
        let stream = TcpStream::connect(url.trim_start_matches("http://")).unwrap();
        stream.set_nodelay(true).unwrap();
        Self { reader: BufReader::new(stream.try_clone().unwrap()), writer: stream }
    }

    fn call(&mut self, method: &str, params: &str) -> String {
        let body = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{method}","params":{params}}}"#);
        write!(
            self.writer,
            "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0u8; length];
        self.reader.read_exact(&mut body).unwrap();
        String::from_utf8(body).unwrap()
    }
}

fn result_of(response: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(response).unwrap();
    assert!(value.get("error").is_none(), "{response}");
    value["result"].as_str().unwrap_or_default().to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// A line of the figure this benchmark prints and records in `figures/` (see `record`).
macro_rules! say {
    ($out:ident) => {
        $out.push('\n')
    };
    ($out:ident, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        writeln!($out, $($arg)*).expect("writing to a String");
    }};
}

fn main() {
    let mut out = String::new();
    let txs: usize = std::env::var("BENCH_HTTP_TXS").ok().and_then(|v| v.parse().ok()).unwrap_or(5_000);

    // Start to first answer.
    let mut starts = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
        let mut client = Client::connect(&node.url);
        result_of(&client.call("eth_chainId", "[]"));
        starts.push(started.elapsed());
        node.stop();
    }
    starts.sort();

    // A deployed share token.
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let key = node.accounts[0].key.clone();
    let admin = node.accounts[0].address;
    let mut client = Client::connect(&node.url);
    let mut nonce = 0u64;
    let mut send = |client: &mut Client, to: Address, value: U256, input: Vec<u8>, gas: u64| {
        let tx = devnode::engine::testing::signed_tx(&key, nonce, TxKind::Call(to), value, input, gas);
        nonce += 1;
        hex::encode_prefixed(tx.encode())
    };
    let deployer = devnode::engine::precompiles::STYLUS_DEPLOYER;
    let mut deploy = |client: &mut Client, package: &str, args: Vec<u8>| -> Address {
        let mut init = CONSTRUCTOR_SELECTOR.to_vec();
        init.extend(args);
        let call = devnode::engine::precompiles::StylusDeployer::deployCall {
            bytecode: devnode::engine::code::init_code(&stored_code(package)).into(),
            initData: init.into(),
            initValue: U256::ZERO,
            salt: Default::default(),
        };
        let raw = send(client, deployer, U256::from(ETH / 10), call.abi_encode(), 30_000_000);
        let hash = result_of(&client.call("eth_sendRawTransaction", &format!(r#"["{raw}"]"#)));
        let receipt: serde_json::Value = serde_json::from_str(&client.call("eth_getTransactionReceipt", &format!(r#"["{hash}"]"#))).unwrap();
        let log = receipt["result"]["logs"].as_array().unwrap().last().unwrap()["data"].as_str().unwrap().to_string();
        Address::from_slice(&hex::decode(log).unwrap()[12..32])
    };
    use alloy_sol_types::SolValue;
    let deed_extension = deploy(&mut client, "rig-deed-extension", ().abi_encode_params());
    let deed = deploy(&mut client, "rig-deed", ("Rig Deed".to_string(), "RIG".to_string(), admin, deed_extension).abi_encode_params());
    let extension = deploy(&mut client, "rig-shares-extension", ().abi_encode_params());
    let shares = deploy(
        &mut client,
        "rig-shares",
        ("Pool".to_string(), "POOL".to_string(), U256::from(1_000_000 * ETH), admin, deed, admin, extension).abi_encode_params(),
    );
    let raws: Vec<String> = (0..txs)
        .map(|i| {
            let to = Address::with_last_byte((i % 200) as u8 + 1);
            let call = RigShares::transferCall { to, value: U256::from(1u64) };
            send(&mut client, shares, U256::ZERO, call.abi_encode(), 200_000)
        })
        .collect();

    let mut latencies = Vec::with_capacity(txs);
    let started = Instant::now();
    for raw in &raws {
        let sent = Instant::now();
        result_of(&client.call("eth_sendRawTransaction", &format!(r#"["{raw}"]"#)));
        latencies.push(sent.elapsed());
    }
    let total = started.elapsed();
    latencies.sort();
    let receipt_json = client.call("eth_blockNumber", "[]");
    let blocks = u64::from_str_radix(result_of(&receipt_json).trim_start_matches("0x"), 16).unwrap();
    assert!(blocks as usize >= txs, "every transfer was mined");

    say!(out, "| measurement | value |");
    say!(out, "|---|---:|");
    say!(out, "| start to first answered request (median of 7) | {:.1} ms |", starts[3].as_secs_f64() * 1e3);
    say!(out, "| start to first answered request (slowest of 7) | {:.1} ms |", starts[6].as_secs_f64() * 1e3);
    say!(out, "| ERC-20 transfers over HTTP, one client, sequential ({txs}) | {:.0} tx/s |", txs as f64 / total.as_secs_f64());
    say!(out, "| latency p50 | {:.0} µs |", percentile(&latencies, 0.50).as_secs_f64() * 1e6);
    say!(out, "| latency p99 | {:.0} µs |", percentile(&latencies, 0.99).as_secs_f64() * 1e6);
    rigshare_e2e::figures::record("speed-rpc", "cargo bench -p rigshare-e2e --bench rpc", &out);
}
