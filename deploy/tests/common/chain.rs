//! A dev node with the system deployed by `rigshare up` (as a process), and the flags that
//! reach it: what the operating-command tests drive.

use std::path::PathBuf;

use devnode::rpc::{self, NodeConfig, RunningNode};
use serde_json::Value;

use super::{key, rigshare};

pub const E18: u128 = 1_000_000_000_000_000_000;

/// The node's `i`-th prefunded account, as `0x…` lower case.
pub fn address(node: &RunningNode, i: usize) -> String {
    format!("{:?}", ethers::types::Address::from_slice(node.accounts[i].address.as_slice()))
}

/// A base-unit amount in a JSON report.
pub fn raw(v: &Value) -> u128 {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).parse().unwrap()
}

pub struct Chain {
    pub node: RunningNode,
    pub dir: PathBuf,
}

impl Chain {
    /// `rigshare up` (with `extra` flags) signed by account 0 on a fresh node.
    pub fn up(name: &str, extra: &[&str]) -> Self {
        let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
        let dir = std::env::temp_dir().join(format!("rigshare-ops-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let chain = Self { node, dir };
        let key = key(&chain.node, 0);
        let mut args = vec![
            "up", "--no-build", "--no-serve", "--json", "--rpc-url", &chain.node.url, "--private-key", &key,
            "--deployments-dir", chain.dir.to_str().unwrap(),
        ];
        args.extend(extra);
        let (ok, _, stderr) = rigshare(&args);
        assert!(ok, "{stderr}");
        chain
    }

    /// `rigshare <command...> --json` signed by dev account `signer`; the parsed stdout.
    pub fn json(&self, signer: usize, args: &[&str]) -> Value {
        let (ok, stdout, stderr) = self.run(signer, args);
        assert!(ok, "rigshare {args:?} failed: {stderr}");
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
    }

    /// The one-line error of a command that must fail.
    pub fn error(&self, signer: usize, args: &[&str]) -> String {
        let (ok, stdout, stderr) = self.run(signer, args);
        assert!(!ok, "rigshare {args:?} succeeded: {stdout}");
        let line = stderr.lines().last().unwrap_or_default().to_owned();
        assert!(line.starts_with("rigshare: error: "), "{stderr}");
        line
    }

    pub fn run(&self, signer: usize, args: &[&str]) -> (bool, String, String) {
        let mut all = args.to_vec();
        all.push("--json");
        self.run_text(signer, &all)
    }

    pub fn run_text(&self, signer: usize, args: &[&str]) -> (bool, String, String) {
        let key = key(&self.node, signer);
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--rpc-url", &self.node.url, "--private-key", &key, "--deployments-dir", self.dir.to_str().unwrap()]);
        rigshare(&all)
    }

    pub fn balance(&self, who: &str) -> u128 {
        let v = self.node.node.handle("eth_getBalance", &serde_json::json!([who, "latest"])).unwrap();
        u128::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
    }

    /// What transaction `tx` cost its sender in fees (gasUsed x effectiveGasPrice).
    pub fn fee(&self, tx: &Value) -> u128 {
        let r = self.node.node.handle("eth_getTransactionReceipt", &serde_json::json!([tx])).unwrap();
        let hex = |k: &str| u128::from_str_radix(r[k].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
        hex("gasUsed") * hex("effectiveGasPrice")
    }

    /// Moves the node's clock forward and mines a block.
    pub fn advance(&self, seconds: u64) {
        self.node.node.handle("evm_increaseTime", &serde_json::json!([seconds])).unwrap();
        self.node.node.handle("evm_mine", &serde_json::json!([])).unwrap();
    }
}

impl Drop for Chain {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
