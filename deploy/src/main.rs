//! `rigshare`: the command line over the `rigshare_deploy` library.

use clap::{Parser, Subcommand};
use rigshare_deploy::{commands, workspace::Workspace};

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
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let ws = Workspace::locate()?;
    match cli.command {
        Command::Build => commands::build(&ws).map(drop),
        Command::Abi { check } => commands::abi(&ws, check),
    }
}
