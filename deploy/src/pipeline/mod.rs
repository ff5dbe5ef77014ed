//! Layer 1, the build pipeline: contract crates in, stored Stylus code and ABIs out. Build
//! each crate to wasm reproducibly ([`cargo`]), re-encode it ([`normalise`]), check it as Nitro
//! would at activation ([`validate`]), compress it to stored code ([`code`]), measure it
//! ([`report`]); generate the ABIs ([`abi`]). It knows contracts only as the crates it is given
//! (the catalogue lists them) and nothing of chains.

pub mod abi;
pub mod cargo;
pub mod code;
pub mod figures;
pub mod normalise;
pub mod report;
pub mod toolchain;
pub mod validate;
pub mod wasm_opt;
pub mod workspace;

use anyhow::{Context, Result};

use validate::{ValidationError, ValidationErrors};
use workspace::{Contract, Workspace};

/// Builds `contracts`, checks each as Nitro would, writes `target/rigshare/<package>.{wasm,code}`,
/// prints the size table to `table` and fails if a contract is over a limit or over 90% of the
/// code limit. Progress goes to
/// stderr, one line per phase with the time it took.
pub fn build(ws: &Workspace, contracts: &[Contract], table: &mut dyn std::io::Write) -> Result<Vec<report::Size>> {
    let started = std::time::Instant::now();
    step(1, format!("building {} contracts: {}", contracts.len(), cargo::describe_command(contracts)));
    let built = cargo::build_contracts(ws, contracts)?;
    step(1, format!("compiled in {:.0?}", started.elapsed()));

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
            .with_context(|| format!("{}: re-encoding the module", b.contract.stem()))?;
        if let Err(ValidationErrors(errors)) = validate::validate(&b.contract.stem(), &wasm) {
            broken.extend(errors);
        }
        modules.push((b.contract, wasm));
    }
    if !broken.is_empty() {
        return Err(ValidationErrors(broken).into());
    }

    step(
        3,
        format!("compressing to stored code in {}, activating on a dev chain for the entry cost", ws.out_dir().display()),
    );
    // Each module is compressed and activated on a chain of its own, so they are measured side
    // by side (most of a no-op build's time, which every test process pays).
    let measured: Vec<Result<(report::Size, Vec<u8>)>> = std::thread::scope(|scope| {
        let running: Vec<_> =
            modules.iter().map(|(contract, wasm)| scope.spawn(move || report::measure(&contract.stem(), wasm))).collect();
        running.into_iter().map(|t| t.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    let mut sizes = Vec::new();
    for ((contract, wasm), result) in modules.iter().zip(measured) {
        let (size, stored) = result?;
        report::write_artifacts(&ws.out_dir(), &contract.stem(), wasm, &stored)?;
        sizes.push(size);
    }

    step(4, "sizes".into());
    write!(table, "{}", report::table(&sizes)).context("printing the size table")?;
    report::check(&sizes)?;
    Ok(sizes)
}

fn step(n: usize, what: String) {
    eprintln!("rigshare: [build {n}/4] {what}");
}
