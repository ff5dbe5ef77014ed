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
    let dir = std::env::temp_dir().join(format!("rigshare-sol-{}-{contract}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{contract}.sol"));
    std::fs::write(&file, source).unwrap();
    let output = std::process::Command::new("node")
        .arg(tools.join("solc-compile.js"))
        .arg("--bytecode")
        .arg(&file)
        .output()
        .expect("node runs");
    assert!(output.status.success(), "solc: {}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let code = json["contracts"][contract]["bytecode"].as_str().unwrap_or_else(|| panic!("no {contract} in {json}"));
    hex::decode(code).unwrap()
}
