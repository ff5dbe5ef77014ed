//! Layer 4, the commands: what each `rigshare` subcommand does, over the catalogue, the chain
//! client and the build pipeline.

pub mod demo;
pub mod ops;
pub mod status;
pub mod up;

use anyhow::{Context, Result};

use crate::{
    catalogue,
    pipeline::{self, abi, figures, report, workspace::Workspace},
};

/// `rigshare build`: every catalogued contract built, checked as Nitro would, written to
/// `target/rigshare/<package>.{wasm,code}`, the size table on stdout and in
/// `figures/sizes.md` (see [`sizes_figure`]); fails over a limit.
pub fn build(ws: &Workspace) -> Result<Vec<report::Size>> {
    let sizes = pipeline::build(ws, &catalogue::contracts(), &mut std::io::stdout())?;
    let figure = sizes_figure(&sizes);
    let current = std::fs::read_to_string(figures::dir(&ws.root).join("sizes.md")).unwrap_or_default();
    if sizes_match(&current, &figure) {
        eprintln!("rigshare: [build] figures/sizes.md still holds (same contracts and wasm sizes, stored sizes within 1%)");
    } else {
        let path = figures::write(&ws.root, "sizes", &figure)?;
        eprintln!("rigshare: [build] wrote {} (`rigshare readme` copies it into README.md)", path.display());
    }
    Ok(sizes)
}

/// (contract, wasm bytes, stored bytes) of each row of a size figure.
fn size_rows(figure: &str) -> Vec<(String, String, usize)> {
    figure
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| contract"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            Some((cells.first()?.to_string(), cells.get(1)?.to_string(), cells.get(3)?.replace(',', "").parse().ok()?))
        })
        .collect()
}

/// Whether size figure `shown` still says what `now` says: the same contracts with the same
/// wasm sizes, and stored sizes within 1%. Builds are byte-identical since issue 11
/// (`deploy/tests/reproducible.rs`); the 1% stays so that a figure written before a change that
/// only moves brotli bytes a little still holds until the next `rigshare build` rewrites it.
pub fn sizes_match(shown: &str, now: &str) -> bool {
    let header = |figure: &str| figure.lines().find(|l| l.starts_with("| contract")).map(str::to_owned);
    if header(shown) != header(now) {
        return false;
    }
    let (shown, now) = (size_rows(shown), size_rows(now));
    !now.is_empty()
        && shown.len() == now.len()
        && shown.iter().zip(&now).all(|((name, wasm, stored), (now_name, now_wasm, now_stored))| {
            name == now_name && wasm == now_wasm && stored.abs_diff(*now_stored) * 100 <= *now_stored
        })
}

/// The size figure: the table `rigshare build` prints, with how it was measured.
pub fn sizes_figure(sizes: &[report::Size]) -> String {
    format!("Measured with `scripts/rigshare build` (stored bytes = 4-byte prefix + brotli):\n\n{}", report::table(sizes))
}

/// `rigshare readme`: copies every `figures/*.md` into README.md between its markers.
pub fn readme(ws: &Workspace) -> Result<()> {
    let readme = figures::refreshed_readme(&ws.root)?;
    std::fs::write(ws.root.join("README.md"), readme).context("writing README.md")?;
    eprintln!("rigshare: [readme] figures copied into README.md");
    Ok(())
}

/// [`build`] as a step of another command (`up`, `demo`, `pool create`, the tests): the size
/// table goes to stderr with the progress, so that command's stdout stays its own (pure JSON
/// with `--json`).
pub fn build_as_step(ws: &Workspace) -> Result<Vec<report::Size>> {
    pipeline::build(ws, &catalogue::contracts(), &mut std::io::stderr())
}

/// [`build_as_step`] once per process (test suites that all need the built code call this
/// from every test); panics if the build fails, naming why.
pub fn build_once() -> std::path::PathBuf {
    static BUILT: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let ws = Workspace::of_this_crate().expect("cargo metadata");
            build_as_step(&ws).unwrap_or_else(|e| panic!("building the contracts: {e:#}"));
            ws.out_dir()
        })
        .clone()
}

/// `rigshare abi [--check]`: (re)generate abi/, or with `check` only compare.
pub fn abi(ws: &Workspace, check: bool) -> Result<()> {
    let contracts = catalogue::contracts();
    if check {
        abi::check(ws, &contracts)?;
        eprintln!("rigshare: [abi] abi/ is up to date");
        return Ok(());
    }
    let files = abi::generate_all(ws, &contracts)?;
    let written = abi::write(ws, &files)?;
    eprintln!("rigshare: [abi] {} files in abi/, {} rewritten", files.len(), written.len());
    Ok(())
}
