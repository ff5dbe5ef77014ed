//! Real Solidity contracts beside rigshare's Stylus ones: published build artifacts (Uniswap
//! V2's core and periphery packages) and OpenZeppelin's sources compiled with the pinned
//! solc-js, all from the npm packages `tools/package-lock.json` pins (`npm ci --prefix tools`,
//! which scripts/test runs). Nothing is downloaded at test time.

use std::path::PathBuf;

use alloy_primitives::hex;

/// `tools/node_modules`, if installed. When `RIGSHARE_REQUIRE_ANVIL` is set (scripts/test sets
/// it with the tools) a missing install is an error rather than a skip.
pub fn node_modules() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tools/node_modules"));
    if dir.join("@uniswap/v2-core").exists() {
        return Some(dir);
    }
    assert!(
        std::env::var("RIGSHARE_REQUIRE_ANVIL").is_err(),
        "tools/node_modules is not installed: run npm ci --prefix tools"
    );
    eprintln!("skipped: tools/node_modules is not installed (npm ci --prefix tools)");
    None
}

/// The creation bytecode of a published build artifact, e.g.
/// `("@uniswap/v2-core", "UniswapV2Factory")`.
pub fn artifact(modules: &std::path::Path, package: &str, contract: &str) -> Vec<u8> {
    let path = modules.join(package).join("build").join(format!("{contract}.json"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap();
    let code = json["bytecode"].as_str().or_else(|| json["evm"]["bytecode"]["object"].as_str()).expect("bytecode");
    hex::decode(code).expect("hex bytecode")
}

/// Compiles `source` (Solidity importing `@openzeppelin/...` from node_modules) with the
/// pinned solc-js and returns the creation bytecode of `contract`.
pub fn compile(source: &str, contract: &str) -> Vec<u8> {
    let tools = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tools"));
    // A directory per compilation: tests compile the same source in parallel.
    static COMPILATIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COMPILATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("rigshare-sol-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{contract}.sol"));
    std::fs::write(&file, source).unwrap();
    let output = std::process::Command::new("node")
        .arg(tools.join("solc-compile.js"))
        .arg("--bytecode")
        .arg(&file)
        .output()
        .expect("node runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(output.status.success(), "solc: {}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let code = json["contracts"][contract]["bytecode"].as_str().unwrap_or_else(|| panic!("no {contract} in {json}"));
    hex::decode(code).unwrap()
}

/// The pinned anvil (`tools/node_modules`, or `$ANVIL`), the reference EVM node.
pub fn anvil_binary() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("ANVIL") {
        return Some(path.into());
    }
    let pinned = node_modules()?.join("@foundry-rs/anvil-linux-amd64/bin/anvil");
    pinned.exists().then_some(pinned)
}

/// A running anvil, killed when dropped.
pub struct Anvil {
    child: std::process::Child,
    pub url: String,
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts anvil with `args` on a free port and waits until it answers.
pub fn start_anvil(binary: &std::path::Path, args: &[&str]) -> Anvil {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = std::process::Command::new(binary)
        .args(["--port", &port.to_string(), "--silent"])
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("anvil starts");
    let anvil = Anvil { child, url: format!("http://127.0.0.1:{port}") };
    let start = std::time::Instant::now();
    while rpc(&anvil.url, "eth_chainId", serde_json::json!([])).is_err() {
        assert!(start.elapsed().as_secs() < 30, "anvil did not answer within 30 s");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    anvil
}

/// One JSON-RPC request over plain HTTP/1.1: the result, or the error object (or a transport
/// failure as a string error).
pub fn rpc(url: &str, method: &str, params: serde_json::Value) -> Result<serde_json::Value, serde_json::Value> {
    use std::io::{Read, Write};
    let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    let address = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).map_err(|e| serde_json::json!(e.to_string()))?;
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| serde_json::json!(e.to_string()))?;
    let mut response = String::new();
    stream.read_to_string(&mut response).map_err(|e| serde_json::json!(e.to_string()))?;
    let (_, body) = response.split_once("\r\n\r\n").ok_or_else(|| serde_json::json!("no HTTP body"))?;
    let value: serde_json::Value = serde_json::from_str(body).map_err(|e| serde_json::json!(e.to_string()))?;
    match value.get("error") {
        Some(error) => Err(error.clone()),
        None => Ok(value["result"].clone()),
    }
}
