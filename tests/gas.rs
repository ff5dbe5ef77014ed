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
    let measured = [now.deed_mint, now.share_transfer, now.revenue_deposit, now.claim].map(|g| g.to_string());
    let rows = figures::table_rows("gas");
    assert!(!rows.is_empty(), "figures/gas.md has a table");
    for row in rows {
        assert_eq!(
            row[2..6],
            measured,
            "figures/gas.md is stale (row {row:?}); re-run `cargo bench -p rigshare-e2e --bench gas` and `scripts/rigshare readme`"
        );
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
