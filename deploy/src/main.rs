//! `rigshare`: the command line over the `rigshare_deploy` library.

use clap::{Parser, Subcommand};
use rigshare_deploy::{commands, up, workspace::Workspace};

#[derive(Parser)]
#[command(
    name = "rigshare",
    about = "Build, check and describe rigshare's Stylus contracts"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build every contract to wasm, validate it as Nitro would, write target/rigshare/ and
    /// print the size table (fails if a contract is over the code limit).
    Build,
    /// Generate abi/<Contract>.json and abi/I<Contract>.sol from the Rust code.
    Abi {
        /// Regenerate in memory and fail if abi/ differs.
        #[arg(long)]
        check: bool,
    },
    /// Build, deploy RigDeed, RigShares and RevenueSplitter, wire them and record
    /// deployments/<chain-id>.json. With no --network or --rpc-url, on an embedded dev node.
    Up {
        /// devnode or arbitrum-sepolia.
        #[arg(long)]
        network: Option<String>,
        /// Any JSON-RPC endpoint (checked against --network's chain id when both are given).
        #[arg(long)]
        rpc_url: Option<String>,
        /// Deployer key as hex (else PRIVATE_KEY; the embedded node's dev key by default).
        #[arg(long)]
        private_key: Option<String>,
        /// Exit after deploying instead of serving the embedded node until Ctrl-C.
        #[arg(long)]
        no_serve: bool,
        /// Send nothing: print each step's estimated gas and data fee and the total.
        #[arg(long)]
        dry_run: bool,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
        /// Deploy the code already in target/rigshare/ without building.
        #[arg(long)]
        no_build: bool,
        /// Directory for <chain-id>.json (default: deployments/ in the workspace).
        #[arg(long)]
        deployments_dir: Option<std::path::PathBuf>,
    },
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli) {
        // One line: the cause chain joined, as `rigshare: error: ...`.
        eprintln!("rigshare: error: {}", format!("{e:#}").replace('\n', " "));
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let ws = Workspace::locate()?;
    match cli.command {
        Command::Build => commands::build(&ws).map(drop),
        Command::Abi { check } => commands::abi(&ws, check),
        Command::Up { network, rpc_url, private_key, no_serve, dry_run, json, no_build, deployments_dir } => {
            let options = up::Options { network, rpc_url, private_key, no_serve, dry_run, json, no_build, deployments_dir };
            up::run(&ws, options)
        }
    }
}
