//! `cargo bench -p rigshare-e2e --bench gas`: the gas table for README, measured on the dev
//! node (receipt gasUsed, what the user pays) at 1, 100 and 10,000 holders and after 1 and
//! 1,000 deposits. Exits non-zero if deposit or claim gas varies by more than 1% across rows.
//! `GAS_MAX_HOLDERS` / `GAS_MAX_DEPOSITS` shrink the largest points for a quick look.

use rigshare_e2e::gas::{gas_row, markdown, spread};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let max_holders = env_usize("GAS_MAX_HOLDERS", 10_000);
    let max_deposits = env_usize("GAS_MAX_DEPOSITS", 1_000);
    let points = [(1, 1), (100, 1), (max_holders, 1), (1, max_deposits), (max_holders, max_deposits)];
    let started = std::time::Instant::now();
    let rows: Vec<_> = points
        .iter()
        .map(|&(holders, deposits)| {
            let row = gas_row(holders, deposits);
            eprintln!("measured {holders} holders, {deposits} deposits ({:.0?} so far)", started.elapsed());
            row
        })
        .collect();
    let deposit = spread(&rows, |r| r.revenue_deposit);
    let claim = spread(&rows, |r| r.claim);
    let figure = format!(
        "{}\nSpread across rows: deposit {:.2}%, claim {:.2}%, share transfer {:.2}%.\n",
        markdown(&rows),
        deposit * 100.0,
        claim * 100.0,
        spread(&rows, |r| r.share_transfer) * 100.0
    );
    let mut command = String::from("cargo bench -p rigshare-e2e --bench gas");
    for name in ["GAS_MAX_HOLDERS", "GAS_MAX_DEPOSITS"] {
        if let Ok(value) = std::env::var(name) {
            command = format!("{name}={value} {command}");
        }
    }
    rigshare_e2e::figures::record("gas", &command, &figure);
    if deposit > 0.01 || claim > 0.01 {
        eprintln!("deposit or claim gas grows with holders or deposits by more than 1%");
        std::process::exit(1);
    }
}
