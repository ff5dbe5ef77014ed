//! Helpers shared by the integration tests that run the `rigshare` binary as a process.
//! (Each test crate uses only some of them.)
#![allow(dead_code)]

pub mod chain;
pub mod front;

use std::process::Command;

use devnode::rpc::RunningNode;

/// Builds the contracts once per test process.
pub fn built() {
    rigshare_cli::commands::build_once();
}

/// Where the built contracts are (built once per test process).
pub fn built_dir() -> std::path::PathBuf {
    rigshare_cli::commands::build_once()
}

/// The private key of the node's `i`-th prefunded account, as hex without `0x`.
pub fn key(node: &RunningNode, i: usize) -> String {
    ethers::utils::hex::encode(node.accounts[i].key.to_bytes())
}

/// Runs `rigshare <args>` (contracts built, no `PRIVATE_KEY` in the environment, from the
/// deploy crate's directory) and returns (success, stdout, stderr).
pub fn rigshare(args: &[&str]) -> (bool, String, String) {
    built();
    let out = Command::new(env!("CARGO_BIN_EXE_rigshare"))
        .args(args)
        .env_remove("PRIVATE_KEY")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}
