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

/// The size figure lists every catalogued contract with the wasm size it builds to now, and
/// its stored size within 1% (see `commands::sizes_match`).
#[test]
fn the_size_figure_is_what_the_contracts_build_to() {
    let out = common::built_dir();
    let ws = Workspace::of_this_crate().unwrap();
    let sizes: Vec<report::Size> = catalogue::contracts()
        .iter()
        .map(|c| {
            let wasm = std::fs::read(out.join(format!("{}.wasm", c.stem()))).unwrap();
            report::measure(&c.stem(), &wasm).unwrap().0
        })
        .collect();
    let figure = std::fs::read_to_string(figures::dir(&ws.root).join("sizes.md")).unwrap();
    let now = commands::sizes_figure(&sizes);
    assert!(
        commands::sizes_match(&figure, &now),
        "figures/sizes.md is stale: run `scripts/rigshare build` and `scripts/rigshare readme`\nfigure:\n{figure}\nnow:\n{now}"
    );
    assert!(!commands::sizes_match(&figure, &now.replace("| rig-deed |", "| rig-deeds |")), "a renamed contract is a stale figure");
}
