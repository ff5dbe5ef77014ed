//! The JSON-RPC front over the node: what wallets, ethers and cargo-stylus talk to. It only
//! translates: `server` speaks HTTP and JSON-RPC 2.0, `request` decodes a method and its
//! parameters (`params`) into a typed request from the method table, `methods` runs it on the
//! [`DevNode`](crate::node::DevNode) and writes the result in the wire format (`json`), and
//! `error` maps what the node refuses to JSON-RPC errors.
//!
//! [`spawn`] starts a node in-process on its own threads (tests, the deploy harness);
//! the `devnode` binary runs the same node in the foreground.

pub mod error;
pub mod json;
pub mod methods;
pub mod params;
pub mod request;
pub mod server;
pub mod ws;

use std::{
    net::{SocketAddr, TcpListener as StdListener},
    sync::Arc,
    time::Duration,
};

use alloy_primitives::U256;

use crate::{
    dev::{
        self,
        accounts::{self as dev_accounts, DevAccount},
    },
    engine::chain::{ChainConfig, Engine},
    node::DevNode,
};
use methods::Node;

/// How to run a node; the defaults are Nitro's dev node's.
#[derive(Debug, Clone)]
pub struct NodeConfig {
    pub host: String,
    /// 0 picks a free port.
    pub port: u16,
    pub chain_id: u64,
    /// Mnemonic accounts besides Nitro's dev account.
    pub accounts: usize,
    /// Balance of each prefunded account, in wei.
    pub balance: U256,
    /// Seconds between blocks; 0 mines a block for every transaction.
    pub block_time: u64,
    pub quiet: bool,
}

impl Default for NodeConfig {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 8547,
            chain_id: dev::CHAIN_ID,
            accounts: 10,
            balance: U256::from(10_000u64) * U256::from(10u64).pow(U256::from(18u64)),
            block_time: 0,
            quiet: false,
        }
    }
}

impl NodeConfig {
    /// An in-process node for tests: a free port, quiet.
    pub fn ephemeral() -> Self {
        Self { port: 0, quiet: true, ..Self::default() }
    }
}

/// Builds the node state: the chain with its prefunded accounts.
pub fn build_node(config: &NodeConfig) -> (Arc<Node>, Vec<DevAccount>) {
    let accounts = dev_accounts::dev_accounts(config.accounts);
    let alloc: Vec<_> = accounts.iter().map(|a| (a.address, config.balance)).collect();
    let chain = ChainConfig { chain_id: config.chain_id, ..ChainConfig::default() };
    let engine = Engine::new(chain, &alloc);
    let node = DevNode::new(engine, accounts.clone(), config.block_time == 0, config.quiet);
    (Arc::new(Node::new(node)), accounts)
}

/// A node running in the background; stops when dropped.
pub struct RunningNode {
    pub url: String,
    pub address: SocketAddr,
    pub accounts: Vec<DevAccount>,
    pub node: Arc<Node>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningNode {
    /// Stops accepting requests and waits for the server thread.
    pub fn stop(mut self) {
        self.shutdown_now();
    }

    fn shutdown_now(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for RunningNode {
    fn drop(&mut self) {
        self.shutdown_now();
    }
}

/// Binds the listener now (so the URL is valid when this returns) and serves on a
/// background thread with its own runtime.
pub fn spawn(config: NodeConfig) -> std::io::Result<RunningNode> {
    let (node, accounts) = build_node(&config);
    spawn_node(config, node, accounts)
}

/// [`spawn`] for a node built (or loaded from a state dump) by the caller.
pub fn spawn_node(config: NodeConfig, node: Arc<Node>, accounts: Vec<DevAccount>) -> std::io::Result<RunningNode> {
    let listener = StdListener::bind((config.host.as_str(), config.port))?;
    listener.set_nonblocking(true)?;
    let address = listener.local_addr()?;
    let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
    let served = node.clone();
    let block_time = config.block_time;
    let thread = std::thread::Builder::new().name("devnode-rpc".into()).spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            if block_time > 0 {
                spawn_miner(served.clone(), block_time);
            }
            server::run(listener, served, async {
                let _ = stop.await;
            })
            .await;
        });
    })?;
    Ok(RunningNode {
        url: format!("http://{address}"),
        address,
        accounts,
        node,
        shutdown: Some(shutdown),
        thread: Some(thread),
    })
}

/// Interval mining: a block every `seconds` with whatever is pending.
pub fn spawn_miner(node: Arc<Node>, seconds: u64) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(Duration::from_secs(seconds));
        ticks.tick().await;
        loop {
            ticks.tick().await;
            let node = node.clone();
            let _ = tokio::task::spawn_blocking(move || node.mine_interval_block()).await;
        }
    });
}
