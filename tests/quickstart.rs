//! README's first command, `scripts/rigshare up`, run as written, as a process: it must build,
//! start the embedded dev node, deploy and wire the system and report it up; then the node it
//! serves answers for the deployed contracts, and Ctrl-C (SIGINT) stops it cleanly.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::{json, Value};

fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The JSON-RPC `method` on `url` over plain HTTP, as any client would send it.
fn rpc(url: &str, method: &str, params: Value) -> Value {
    let address = url.trim_start_matches("http://");
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }).to_string();
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    use std::io::{Read, Write};
    write!(
        stream,
        "POST / HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (_, body) = response.split_once("\r\n\r\n").unwrap();
    let answer: Value = serde_json::from_str(body).unwrap();
    answer["result"].clone()
}

#[test]
fn readme_first_command_brings_the_system_up() {
    let root = workspace_root();
    let mut child = Command::new(root.join("scripts/rigshare"))
        .arg("up")
        .current_dir(&root)
        .env_remove("PRIVATE_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scripts/rigshare runs");
    let stdout = child.stdout.take().unwrap();
    let table = std::thread::spawn(move || {
        let mut text = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            text += &line;
            text.push('\n');
        }
        text
    });

    // Progress lines until "system up" (the build may take minutes on a cold cache).
    let started = Instant::now();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    let url = loop {
        let Some(Ok(line)) = lines.next() else {
            let _ = child.kill();
            panic!("scripts/rigshare up ended before the system was up:\n{}", seen.join("\n"));
        };
        seen.push(line.clone());
        if let Some(rest) = line.strip_prefix("rigshare: [up] system up: ") {
            break rest.rsplit(" at ").next().unwrap().to_owned();
        }
        assert!(started.elapsed() < Duration::from_secs(3600), "no 'system up' within an hour");
    };
    // Keep draining stderr so the process never blocks on a full pipe.
    let rest = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());

    // The served node: the chain id wallets are told, and code at every recorded address.
    assert_eq!(rpc(&url, "eth_chainId", json!([])), format!("{:#x}", devnode::dev::CHAIN_ID));
    let file = root.join("target/rigshare/deployments-devnode.json");
    let deployments: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let contracts = deployments["contracts"].as_object().unwrap();
    assert_eq!(contracts.len(), rigshare_cli::catalogue::system().count(), "every system contract: {deployments:#}");
    for (name, record) in contracts {
        let code = rpc(&url, "eth_getCode", json!([record["address"], "latest"]));
        assert!(code.as_str().unwrap().starts_with("0xeff000"), "{name} has Stylus code on the served node");
    }

    // Ctrl-C: a clean stop, exit code 0.
    let stopped = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(stopped.success());
    let status = child.wait().unwrap();
    let stderr = rest.join().unwrap();
    let table = table.join().unwrap();
    assert!(status.success(), "exit {status:?}\n{}", stderr.join("\n"));
    assert!(stderr.iter().any(|l| l.contains("stopping the dev node")), "{stderr:?}");
    for name in ["RigDeed", "RigShares", "RevenueSplitter"] {
        assert!(table.contains(&format!("| {name} |")), "summary table lists {name}:\n{table}");
    }
}
