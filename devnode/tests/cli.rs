//! The `devnode` binary as a user runs it: it prints its accounts and URL, answers JSON-RPC,
//! refuses a busy port clearly, and a state dumped on Ctrl-C comes back with --load-state.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::{json, Value};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Node {
    child: Child,
    port: u16,
    banner: Vec<String>,
}

impl Node {
    fn start(extra: &[&str]) -> Node {
        let port = free_port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_devnode"))
            .args(["--port", &port.to_string()])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("devnode starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut banner = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            let line = lines.next().expect("banner line").unwrap();
            let done = line.starts_with("Listening on");
            banner.push(line);
            if done {
                break;
            }
        }
        // Keep draining stdout so the node never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Node { child, port, banner }
    }

    fn rpc(&self, method: &str, params: Value) -> Value {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let body = response.split_once("\r\n\r\n").unwrap().1;
        serde_json::from_str::<Value>(body).unwrap()["result"].clone()
    }

    /// Ctrl-C, as a user stops it.
    fn interrupt(mut self) -> std::process::ExitStatus {
        Command::new("kill").args(["-INT", &self.child.id().to_string()]).status().unwrap();
        self.child.wait().unwrap()
    }
}

#[test]
fn prints_accounts_and_url_and_answers() {
    let node = Node::start(&["--accounts", "3"]);
    let banner = node.banner.join("\n");
    assert!(banner.contains("(0) 0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E"), "{banner}");
    assert!(banner.contains("(1) 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"), "{banner}");
    assert!(banner.contains("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"), "{banner}");
    assert!(banner.contains(&format!("Listening on http://127.0.0.1:{}", node.port)), "{banner}");
    assert_eq!(node.rpc("eth_chainId", json!([])), format!("{:#x}", devnode::dev::CHAIN_ID));
    assert_eq!(node.rpc("eth_accounts", json!([])).as_array().unwrap().len(), 4);
    assert!(node.interrupt().success());
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let output = Command::new(env!("CARGO_BIN_EXE_devnode")).args(["--port", &port.to_string()]).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot listen on 127.0.0.1"), "{stderr}");
}

#[test]
fn state_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("devnode-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.json");
    let path = file.to_str().unwrap();
    let who = "0x00000000000000000000000000000000000000aa";

    let node = Node::start(&["--quiet", "--dump-state", path]);
    node.rpc("anvil_setBalance", json!([who, "0x1234"]));
    node.rpc("evm_mine", json!([]));
    node.rpc("evm_mine", json!([]));
    assert!(node.interrupt().success());
    assert!(file.exists(), "state written on exit");

    let node = Node::start(&["--quiet", "--load-state", path]);
    assert_eq!(node.rpc("eth_getBalance", json!([who, "latest"])), "0x1234");
    assert_eq!(node.rpc("eth_blockNumber", json!([])), "0x2");
    assert!(node.interrupt().success());

    std::fs::write(&file, "{ not a state").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_devnode"))
        .args(["--port", &free_port().to_string(), "--load-state", path])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot load state"));
    let _ = std::fs::remove_dir_all(&dir);
}
