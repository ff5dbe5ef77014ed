//! The splitter's O(1) promise at test scale: deposit and claim gas the same (within 1%) with 1
//! or 50 holders and after 1 or 30 deposits. `cargo bench -p rigshare-e2e --bench gas` measures
//! the full table (10,000 holders, 1,000 deposits).

use rigshare_e2e::{
    figures,
    gas::{gas_row, markdown, spread},
};

#[test]
fn deposit_and_claim_do_not_grow_with_holders_or_deposits() {
    let rows = [gas_row(1, 1), gas_row(50, 1), gas_row(1, 30), gas_row(50, 30)];
    let table = markdown(&rows);
    assert!(spread(&rows, |r| r.revenue_deposit) <= 0.01, "deposit gas grows:\n{table}");
    assert!(spread(&rows, |r| r.claim) <= 0.01, "claim gas grows:\n{table}");
    assert!(spread(&rows, |r| r.share_transfer) <= 0.01, "transfer gas grows:\n{table}");
    for r in &rows {
        assert!(r.deed_mint > 21_000 && r.share_transfer > 21_000 && r.revenue_deposit > 21_000 && r.claim > 21_000, "{table}");
    }
}

/// `figures/gas.md` (what README shows, written by `cargo bench --bench gas`) still says what
/// the code costs: gas is deterministic and flat in holders and deposits, so every row of the
/// figure must equal a measurement at test scale.
#[test]
fn the_gas_figure_matches_the_code() {
    let now = gas_row(1, 1);
    let c = now.cached;
    let measured = [now.deed_mint, now.share_transfer, now.revenue_deposit, now.claim, c.deed_mint, c.share_transfer, c.revenue_deposit, c.claim]
        .map(|g| g.to_string());
    let rows = figures::table_rows("gas");
    assert!(!rows.is_empty(), "figures/gas.md has a table");
    for row in rows {
        // A figure written before the cached columns existed is checked on the columns it has.
        let columns = (row.len() - 2).min(measured.len());
        assert_eq!(
            row[2..2 + columns],
            measured[..columns],
            "figures/gas.md is stale (row {row:?}); re-run `cargo bench -p rigshare-e2e --bench gas` and `scripts/rigshare readme`"
        );
    }
}

/// Caching every program through ArbWasmCache makes each operation cheaper, and by whole
/// programs' init prices: each call into a program saves exactly its `programInitGas` gas
/// minus gasWhenCached, so the saving of every operation is at least one program's.
#[test]
fn cached_programs_make_every_operation_cheaper() {
    let row = gas_row(1, 1);
    let c = row.cached;
    let pairs = [
        ("deed mint", row.deed_mint, c.deed_mint),
        ("share transfer", row.share_transfer, c.share_transfer),
        ("revenue deposit", row.revenue_deposit, c.revenue_deposit),
        ("claim", row.claim, c.claim),
    ];
    let params = devnode::engine::pricing::StylusParams::default();
    // The smallest saving one call can make: the init price's fixed part (69 * 128 gas).
    let least = params.min_init_gas as u64 * devnode::engine::pricing::MIN_INIT_GAS_UNITS;
    for (name, uncached, cached) in pairs {
        assert!(cached + least <= uncached, "{name}: {uncached} uncached, {cached} cached\n{}", markdown(&[row]));
    }
}

/// `figures/gas-bounds.md` (written by `cargo bench --bench gas_bounds`) still says what the
/// bounded operations cost, and `redeemAll` of a full pool fits well inside a block.
#[test]
fn the_bounded_operations_fit_and_their_figure_matches() {
    let now = rigshare_e2e::gas::bound_gas();
    assert!(now.redeem_all_full_pool < rigshare_e2e::gas::ARBITRUM_BLOCK_GAS_LIMIT / 2, "{now:?}");
    let rows = figures::table_rows("gas-bounds");
    let figure: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        figure,
        [now.transfer_four_splitters.to_string(), now.redeem_all_full_pool.to_string()],
        "figures/gas-bounds.md is stale; re-run `cargo bench -p rigshare-e2e --bench gas_bounds` and `scripts/rigshare readme`"
    );
}
