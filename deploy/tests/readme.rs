//! README.md's figures are the files the measuring commands wrote (`figures/*.md`, copied in by
//! `rigshare readme`), and the size figure is what the code builds to now.

mod common;

use rigshare_cli::{
    catalogue, commands,
    pipeline::{figures, report, workspace::Workspace},
};

#[test]
fn the_readme_shows_every_figure_file_as_it_is() {
    let ws = Workspace::of_this_crate().unwrap();
    let readme = std::fs::read_to_string(ws.root.join("README.md")).unwrap();
    let files = figures::all(&ws.root).unwrap();
    for name in ["sizes", "gas", "speed-engine", "speed-rpc"] {
        assert!(files.iter().any(|(n, _)| n == name), "figures/{name}.md exists");
    }
    for (name, text) in files {
        let shown = figures::embedded(&readme, &name).unwrap_or_else(|| panic!("README.md has no block for figures/{name}.md"));
        assert_eq!(shown, text, "README.md's copy of figures/{name}.md is stale: run `scripts/rigshare readme`");
    }
}

/// (contract, wasm bytes, stored bytes) of each row of a size table.
fn rows(table: &str) -> Vec<(String, usize, usize)> {
    let number = |cell: &str| cell.trim().replace(',', "").parse::<usize>().unwrap();
    table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| contract"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').collect();
            (cells[0].trim().to_owned(), number(cells[1]), number(cells[3]))
        })
        .collect()
}

/// The size figure lists every catalogued contract with the wasm size it builds to now, and
/// its stored size within 1%: builds from two checkout paths still differ in a few dozen
/// brotli bytes (the router's constant order; byte-identical builds are issue 11's), so the
/// figure written on one machine holds on a fresh clone too.
#[test]
fn the_size_figure_is_what_the_contracts_build_to() {
    let out = common::built_dir();
    let ws = Workspace::of_this_crate().unwrap();
    let sizes: Vec<report::Size> = catalogue::contracts()
        .iter()
        .map(|c| {
            let wasm = std::fs::read(out.join(format!("{}.wasm", c.package))).unwrap();
            report::measure(c.package, &wasm).0
        })
        .collect();
    let figure = std::fs::read_to_string(figures::dir(&ws.root).join("sizes.md")).unwrap();
    let now = rows(&commands::sizes_figure(&sizes));
    let shown = rows(&figure);
    let stale = "figures/sizes.md is stale: run `scripts/rigshare build` and `scripts/rigshare readme`";
    assert_eq!(shown.len(), now.len(), "{stale}");
    for ((name, wasm, stored), (shown_name, shown_wasm, shown_stored)) in now.iter().zip(&shown) {
        assert_eq!((name, wasm), (shown_name, shown_wasm), "{stale}");
        assert!(stored.abs_diff(*shown_stored) * 100 <= *stored, "{name}: {stored} stored bytes, the figure says {shown_stored}; {stale}");
    }
}
