//! A small HTTP front between a `rigshare` process and a dev node: it answers JSON-RPC from the
//! node (`devnode::rpc::server::answer`) and can misbehave on purpose:
//! - a fault on the n-th `eth_sendRawTransaction`:
//!   - `Kill`: the transaction reaches the node, then the process is killed (SIGKILL) before
//!     it sees the answer;
//!   - `DropAfter`: the transaction reaches the node, then the RPC goes silent (connections are
//!     closed without an answer), so the process fails on its own;
//!   - `DropBefore`: the RPC goes silent before the transaction reaches the node;
//! - a cap on `eth_getLogs` block ranges, refused with the error public RPCs give.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
};

use devnode::rpc::{self, methods::Node};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Kill,
    DropAfter,
    DropBefore,
}

pub const FAULTS: [Fault; 3] = [Fault::Kill, Fault::DropAfter, Fault::DropBefore];

/// What the front does besides answering.
#[derive(Debug, Clone, Copy, Default)]
pub struct Behaviour {
    /// The fault and the 1-based index of the `eth_sendRawTransaction` it fires on.
    pub fault: Option<(Fault, usize)>,
    /// Refuse `eth_getLogs` over more than this many blocks.
    pub max_log_range: Option<u64>,
}

/// A running front.
pub struct Front {
    pub url: String,
    child: Arc<Mutex<Option<Child>>>,
    /// `eth_getLogs` calls answered and refused.
    pub log_calls: Arc<AtomicUsize>,
    pub log_refusals: Arc<AtomicUsize>,
}

struct Shared {
    node: Arc<Node>,
    behaviour: Behaviour,
    sends: AtomicUsize,
    silent: AtomicBool,
    victim: Arc<Mutex<Option<Child>>>,
    log_calls: Arc<AtomicUsize>,
    log_refusals: Arc<AtomicUsize>,
}

pub fn front(node: Arc<Node>, behaviour: Behaviour) -> Front {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let child: Arc<Mutex<Option<Child>>> = Arc::default();
    let (log_calls, log_refusals) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let shared = Arc::new(Shared {
        node,
        behaviour,
        sends: AtomicUsize::new(0),
        silent: AtomicBool::new(false),
        victim: child.clone(),
        log_calls: log_calls.clone(),
        log_refusals: log_refusals.clone(),
    });
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let shared = shared.clone();
            std::thread::spawn(move || serve(stream, &shared));
        }
    });
    Front { url, child, log_calls, log_refusals }
}

impl Front {
    /// Runs the `rigshare` binary with `args` as a child the front can kill; (success, stdout, stderr).
    pub fn rigshare(&self, args: &[String]) -> (bool, String, String) {
        super::built();
        let mut child = Command::new(env!("CARGO_BIN_EXE_rigshare"))
            .args(args)
            .env_remove("PRIVATE_KEY")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (mut stdout, mut stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
        *self.child.lock().unwrap() = Some(child);
        let out = std::thread::spawn(move || read_all(&mut stdout));
        let err = read_all(&mut stderr);
        let out = out.join().unwrap();
        let status = self.child.lock().unwrap().take().unwrap().wait().unwrap();
        (status.success(), out, err)
    }
}

fn read_all(pipe: &mut impl Read) -> String {
    let mut text = String::new();
    let _ = pipe.read_to_string(&mut text);
    text
}

/// The block range of an `eth_getLogs` request, when it names one.
fn log_range(body: &Value) -> Option<u64> {
    let number = |v: &Value| v.as_str().and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok());
    let filter = body.get("params")?.get(0)?;
    Some(number(filter.get("toBlock")?)?.saturating_sub(number(filter.get("fromBlock")?)?) + 1)
}

/// One keep-alive connection: request after request until the client or the fault closes it.
fn serve(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
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
        if reader.read_exact(&mut body).is_err() || shared.silent.load(Ordering::SeqCst) {
            return;
        }
        let request: Value = serde_json::from_slice(&body).unwrap_or_default();
        let method = request.get("method").and_then(Value::as_str).unwrap_or_default();
        let fault = shared.behaviour.fault;
        let fires = method == "eth_sendRawTransaction" && fault.is_some_and(|(_, at)| shared.sends.fetch_add(1, Ordering::SeqCst) + 1 == at);
        if fires && fault.unwrap().0 == Fault::DropBefore {
            shared.silent.store(true, Ordering::SeqCst);
            return;
        }
        let answer = match (method, shared.behaviour.max_log_range) {
            ("eth_getLogs", Some(cap)) if log_range(&request).is_none_or(|r| r > cap) => {
                shared.log_refusals.fetch_add(1, Ordering::SeqCst);
                serde_json::json!({
                    "jsonrpc": "2.0", "id": request["id"],
                    "error": { "code": -32005, "message": format!("query exceeds max block range {cap}") }
                })
                .to_string()
            }
            _ => {
                if method == "eth_getLogs" {
                    shared.log_calls.fetch_add(1, Ordering::SeqCst);
                }
                rpc::server::answer(&shared.node, &body).map(|v| v.to_string()).unwrap_or_default()
            }
        };
        if fires {
            shared.silent.store(true, Ordering::SeqCst);
            if fault.unwrap().0 == Fault::Kill {
                if let Some(child) = shared.victim.lock().unwrap().as_mut() {
                    child.kill().unwrap();
                }
            }
            return;
        }
        // One write per answer: a head and a body written apart wait out the client's delayed
        // ACK (Nagle), ~40 ms an answer.
        let response = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}", answer.len());
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}
