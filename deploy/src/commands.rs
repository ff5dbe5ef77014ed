//! The steps behind each `rigshare` subcommand, in order, with a progress line per step on
//! stderr. The binary only parses arguments and calls these.

use anyhow::{Context, Result};

use crate::{
    abi, build, normalise, report,
    validate::{self, ValidationError, ValidationErrors},
    workspace::{Workspace, CONTRACTS},
};

/// `rigshare build`: build every contract, check it as Nitro would, write
/// `target/rigshare/<package>.{wasm,code}`, print the size table (stdout) and fail if a
/// contract is over a limit.
pub fn build(ws: &Workspace) -> Result<Vec<report::Size>> {
    build_reporting(ws, &mut std::io::stdout())
}

/// [`build`] as a step of another command (`up`, `demo`, `pool create`, the tests): the size
/// table goes to stderr with the progress, so that command's stdout stays its own (pure JSON
/// with `--json`).
pub fn build_as_step(ws: &Workspace) -> Result<Vec<report::Size>> {
    build_reporting(ws, &mut std::io::stderr())
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

fn build_reporting(ws: &Workspace, table: &mut dyn std::io::Write) -> Result<Vec<report::Size>> {
    step(
        1,
        format!(
            "building {} contracts: {}",
            CONTRACTS.len(),
            build::describe_command(CONTRACTS)
        ),
    );
    let built = build::build(ws)?;

    step(
        2,
        "re-encoding canonically and checking against Nitro's activation rules".into(),
    );
    let mut modules = Vec::new();
    let mut broken: Vec<ValidationError> = Vec::new();
    for b in &built {
        let raw = std::fs::read(&b.wasm_path)
            .with_context(|| format!("reading {}", b.wasm_path.display()))?;
        let wasm = normalise::normalise(&raw)
            .with_context(|| format!("{}: re-encoding the module", b.contract.package))?;
        if let Err(ValidationErrors(errors)) = validate::validate(b.contract.package, &wasm) {
            broken.extend(errors);
        }
        modules.push((b.contract, wasm));
    }
    if !broken.is_empty() {
        return Err(ValidationErrors(broken).into());
    }

    step(
        3,
        format!("compressing to stored code in {}", ws.out_dir().display()),
    );
    let mut sizes = Vec::new();
    for (contract, wasm) in &modules {
        let (size, stored) = report::measure(contract.package, wasm);
        report::write_artifacts(&ws.out_dir(), contract.package, wasm, &stored)?;
        sizes.push(size);
    }

    step(4, "sizes".into());
    write!(table, "{}", report::table(&sizes)).context("printing the size table")?;
    report::check(&sizes)?;
    Ok(sizes)
}

/// `rigshare abi [--check]`: (re)generate abi/, or with `check` only compare.
pub fn abi(ws: &Workspace, check: bool) -> Result<()> {
    if check {
        abi::check(ws)?;
        eprintln!("rigshare: [abi] abi/ is up to date");
        return Ok(());
    }
    let files = abi::generate_all(ws)?;
    let written = abi::write(ws, &files)?;
    eprintln!(
        "rigshare: [abi] {} files in abi/, {} rewritten",
        files.len(),
        written.len()
    );
    Ok(())
}

fn step(n: usize, what: String) {
    eprintln!("rigshare: [build {n}/4] {what}");
}
