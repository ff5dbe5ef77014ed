//! `cargo bench -p rigshare-e2e --bench gas_vs_solidity`: gas per operation of rigshare's
//! Stylus contracts (uncached and cached) beside OpenZeppelin's Solidity contracts, on the same
//! dev node in one run; written to figures/gas-vs-solidity.md. Needs `npm ci --prefix tools`.

fn main() {
    let Some(rows) = rigshare_e2e::versus::measure() else {
        eprintln!("tools/node_modules is not installed: npm ci --prefix tools");
        std::process::exit(1);
    };
    rigshare_e2e::figures::record(
        "gas-vs-solidity",
        "cargo bench -p rigshare-e2e --bench gas_vs_solidity",
        &rigshare_e2e::versus::markdown(&rows),
    );
}
