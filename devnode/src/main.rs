//! `devnode`: rigshare's local Stylus node. Defaults match Nitro's dev node (chain 412346 on
//! http://127.0.0.1:8547 with its published dev account funded), flags follow anvil's.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
    sync::Arc,
};

use alloy_primitives::U256;
use clap::Parser;
use tokio::signal::unix::{signal, SignalKind};
use devnode::{
    dev,
    engine::dump,
    rpc::{self, methods::Node, NodeConfig},
};

#[derive(Parser, Debug)]
#[command(name = "devnode", version, about = "A local Arbitrum Stylus node that runs real WASM under Nitro's rules")]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, short = 'p', default_value_t = 8547)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    #[arg(long, default_value_t = dev::CHAIN_ID)]
    chain_id: u64,
    /// Accounts derived from the test mnemonic, besides Nitro's dev account.
    #[arg(long, short = 'a', default_value_t = 10)]
    accounts: usize,
    /// Balance of every prefunded account, in ETH.
    #[arg(long, default_value_t = 10_000)]
    balance: u64,
    /// Seconds between blocks; 0 mines a block for every transaction.
    #[arg(long, short = 'b', default_value_t = 0)]
    block_time: u64,
    /// Write the chain state to this file on exit.
    #[arg(long, value_name = "PATH")]
    dump_state: Option<PathBuf>,
    /// Start from a state written by --dump-state.
    #[arg(long, value_name = "PATH")]
    load_state: Option<PathBuf>,
    /// Print nothing per transaction.
    #[arg(long, short = 'q')]
    quiet: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = NodeConfig {
        host: args.host.clone(),
        port: args.port,
        chain_id: args.chain_id,
        accounts: args.accounts,
        balance: U256::from(args.balance) * U256::from(10u64).pow(U256::from(18u64)),
        block_time: args.block_time,
        quiet: args.quiet,
    };
    // Signals are caught from here on, so a Ctrl-C right after start still dumps the state.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let _context = runtime.enter();
    let (Ok(mut interrupt), Ok(mut terminate)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
        eprintln!("devnode: cannot install signal handlers");
        return ExitCode::FAILURE;
    };
    let (node, accounts) = rpc::build_node(&config);
    if let Some(path) = &args.load_state {
        if let Err(message) = load(&node, path) {
            eprintln!("devnode: cannot load state from {}: {message}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let running = match rpc::spawn_node(config.clone(), node.clone(), accounts) {
        Ok(running) => running,
        Err(error) => {
            eprintln!(
                "devnode: cannot listen on {}:{}: {error} (is another node running? try --port)",
                config.host, config.port
            );
            return ExitCode::FAILURE;
        }
    };

    println!("rigshare devnode {} (Stylus, Nitro rules)", env!("CARGO_PKG_VERSION"));
    println!();
    println!("Available accounts (each {} ETH)", args.balance);
    for (i, account) in running.accounts.iter().enumerate() {
        println!("({i}) {}", account.address);
    }
    println!();
    println!("Private keys");
    for (i, account) in running.accounts.iter().enumerate() {
        println!("({i}) 0x{}", alloy_primitives::hex::encode(account.key.to_bytes()));
    }
    println!();
    println!("Chain id: {}", config.chain_id);
    if config.block_time > 0 {
        println!("Block time: {} s", config.block_time);
    }
    println!("Listening on {} (WebSocket: ws://{})", running.url, running.address);

    runtime.block_on(async {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    });
    println!();
    println!("devnode: shutting down");
    running.stop();
    if let Some(path) = &args.dump_state {
        match save(&node, path) {
            Ok(()) => println!("devnode: state written to {}", path.display()),
            Err(message) => {
                eprintln!("devnode: cannot write state to {}: {message}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

fn load(node: &Arc<Node>, path: &Path) -> Result<(), String> {
    let state = dump::read_file(path).map_err(|e| e.to_string())?;
    let mut guard = node.state.lock().map_err(|_| "node state poisoned".to_string())?;
    guard.load_state(state).map_err(|e| e.to_string())
}

fn save(node: &Arc<Node>, path: &Path) -> Result<(), String> {
    let guard = node.state.lock().map_err(|_| "node state poisoned".to_string())?;
    let state = guard.dump_state();
    drop(guard);
    dump::write_file(path, &state).map_err(|e| e.to_string())
}
