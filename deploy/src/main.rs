//! `rigshare`: the command line over the `rigshare_cli` library.

use clap::{Parser, Subcommand};
use rigshare_cli::{
    commands::{self, demo, ops, up},
    pipeline::workspace::Workspace,
};

#[derive(Parser)]
#[command(
    name = "rigshare",
    about = "Build, deploy and operate rigshare's Stylus contracts"
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
    /// Copy every figures/*.md (sizes, gas, speed, written by the commands that measure them)
    /// into README.md between its markers.
    Readme,
    /// Generate abi/<Contract>.json and abi/I<Contract>.sol from the Rust code.
    Abi {
        /// Regenerate in memory and fail if abi/ differs.
        #[arg(long)]
        check: bool,
    },
    /// Build, deploy the system (RigDeed, RigShares, RevenueSplitter, PurchaseOrders), wire it and record
    /// deployments/<chain-id>.json. With no --network or --rpc-url, on an embedded dev node.
    Up {
        /// devnode or arbitrum-sepolia.
        #[arg(long)]
        network: Option<String>,
        /// Any JSON-RPC endpoint (checked against --network's chain id when both are given).
        #[arg(long)]
        rpc_url: Option<String>,
        /// Deployer key as hex (else --keystore, else PRIVATE_KEY; the embedded node's dev key
        /// by default). Never printed.
        #[arg(long)]
        private_key: Option<String>,
        /// An encrypted JSON keystore (geth / `cast wallet` format) holding the deployer key.
        #[arg(long, value_name = "FILE")]
        keystore: Option<std::path::PathBuf>,
        /// File whose first line is the keystore's password (else RIGSHARE_KEYSTORE_PASSWORD).
        #[arg(long, value_name = "FILE")]
        password_file: Option<std::path::PathBuf>,
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
        /// A fixed cut of every revenue deposit, `[label=]ADDRESS:BPS` (e.g.
        /// hosting=0xabc…:1000 for 10%); repeat for each payee. Without it the splitter's
        /// payees are left as they are.
        #[arg(long = "payee", value_name = "[LABEL=]ADDRESS:BPS")]
        payees: Vec<rigshare_cli::catalogue::Payee>,
        /// Holder revenue vests over this many seconds after each deposit, so buying shares
        /// just before a payout earns only for the time they are held (0 = paid at once; at
        /// most a year).
        #[arg(long, default_value_t = rigshare_cli::catalogue::DEFAULT_STREAM_SECONDS)]
        stream_seconds: u64,
        /// Whole shares minted to the deployer (e.g. 1000000 or 0.5).
        #[arg(long, default_value = "1000000")]
        supply: String,
        /// An account that holds shares but must not earn (an AMM pair, a vault); set on the
        /// splitter before the pool adopts it. Repeat for each (at most 32).
        #[arg(long = "exclude", value_name = "ADDRESS")]
        exclusions: Vec<ethers::types::Address>,
        /// Then get every program cached, so calls into them pay Nitro's cached init price: as
        /// chain owner (ArbWasmCache.cacheProgram) on dev chains, by a CacheManager bid on
        /// Arbitrum Sepolia (--dry-run shows each bid and the total).
        #[arg(long)]
        cache: bool,
        /// Basis points added to each CacheManager minimum bid, in case other bids raise it
        /// before the transaction lands (at most 10000).
        #[arg(long, default_value_t = 0, value_name = "BPS")]
        cache_bid_margin_bps: u32,
    },
    /// Rig deeds: mint one, change a rig's status. Talks to --network/--rpc-url, else to the
    /// node `rigshare up` serves at http://127.0.0.1:8547.
    Rig {
        #[command(flatten)]
        connect: ops::Connect,
        #[command(subcommand)]
        command: ops::RigCommand,
    },
    /// Pools: create one, put deeds in, transfer shares.
    Pool {
        #[command(flatten)]
        connect: ops::Connect,
        #[command(subcommand)]
        command: ops::PoolCommand,
    },
    /// Revenue: deposit it, see what is claimable, claim.
    Revenue {
        #[command(flatten)]
        connect: ops::Connect,
        #[command(subcommand)]
        command: ops::RevenueCommand,
    },
    /// Payees (hosting, operator fee, ...) credited before holders on every deposit.
    Payees {
        #[command(flatten)]
        connect: ops::Connect,
        #[command(subcommand)]
        command: ops::PayeesCommand,
    },
    /// Supply-chain purchase orders: open, fund, ship, deliver, release, claim, reclaim,
    /// cancel, settle, withdraw-refund, status.
    Order {
        #[command(flatten)]
        connect: ops::Connect,
        #[command(subcommand)]
        command: ops::OrderCommand,
    },
    /// Capital raises: open a sale of a pool's new shares, buy, finalize, claim, refund,
    /// cancel, status.
    Sale {
        #[command(flatten)]
        connect: ops::Connect,
        #[command(subcommand)]
        command: ops::SaleCommand,
    },
    /// Every pool: its rigs, backing hashrate, splitters, payees and holders' claimable revenue.
    Status {
        #[command(flatten)]
        connect: ops::Connect,
        /// Only this pool.
        #[arg(long)]
        pool: Option<usize>,
    },
    /// The whole story on an embedded dev node: three rigs pooled, investors, a month of ETH
    /// and token revenue with a mid-month sale, fees, claims, and the ledger that adds up.
    Demo {
        /// Print the ledger as JSON.
        #[arg(long)]
        json: bool,
        /// Use the code already in target/rigshare/ without building.
        #[arg(long)]
        no_build: bool,
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
        Command::Readme => commands::readme(&ws),
        Command::Up {
            network,
            rpc_url,
            private_key,
            keystore,
            password_file,
            no_serve,
            dry_run,
            json,
            no_build,
            deployments_dir,
            payees,
            stream_seconds,
            supply,
            exclusions,
            cache,
            cache_bid_margin_bps,
        } => {
            let options = up::Options {
                network,
                rpc_url,
                private_key,
                keystore,
                password_file,
                no_serve,
                dry_run,
                json,
                no_build,
                deployments_dir,
                payees,
                stream_seconds: Some(stream_seconds),
                supply: Some(supply),
                exclusions,
                quiet: false,
                cache,
                cache_bid_margin_bps,
            };
            up::run(&ws, options)
        }
        Command::Rig { connect, command } => ops::run(&ws, &connect, ops::Op::Rig(command)),
        Command::Pool { connect, command } => ops::run(&ws, &connect, ops::Op::Pool(command)),
        Command::Revenue { connect, command } => ops::run(&ws, &connect, ops::Op::Revenue(command)),
        Command::Payees { connect, command } => ops::run(&ws, &connect, ops::Op::Payees(command)),
        Command::Order { connect, command } => ops::run(&ws, &connect, ops::Op::Order(command)),
        Command::Sale { connect, command } => ops::run(&ws, &connect, ops::Op::Sale(command)),
        Command::Status { connect, pool } => ops::run(&ws, &connect, ops::Op::Status { pool }),
        Command::Demo { json, no_build } => demo::run(&ws, demo::Options { json, no_build }),
    }
}
