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
    print!("{}", report::table(&sizes));
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
