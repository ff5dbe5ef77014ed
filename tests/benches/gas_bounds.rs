//! `cargo bench -p rigshare-e2e --bench gas_bounds`: gas of the operations bounded by a pool's
//! size (a transfer with the most splitters, `redeemAll` of the most deeds), next to Arbitrum's
//! block gas limit; written to `figures/gas-bounds.md`.

use rigshare_e2e::gas::{bound_gas, bound_markdown};

fn main() {
    let measured = bound_gas();
    rigshare_e2e::figures::record("gas-bounds", "cargo bench -p rigshare-e2e --bench gas_bounds", &bound_markdown(&measured));
}
