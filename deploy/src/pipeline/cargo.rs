//! Step 1: build every contract to wasm32, reproducibly, with one Cargo invocation.
//!
//! The release profile (workspace `Cargo.toml`: opt-level "z", LTO, one codegen unit, panic
//! abort, strip) does most of the work; the nightly flags below do the rest, and binaryen's
//! `wasm-opt` (pinned, [`super::wasm_opt`]) the last of it.

use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::Stdio,
};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use super::workspace::{cargo, Contract, Workspace};

/// The only target Stylus runs.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Compiler flags for every contract (and, through build-std, for std itself). The two
/// `--remap-path-prefix` flags are added by [`rustflags`], since they name this machine's paths.
pub const WASM_RUSTFLAGS: &[&str] = &[
    // rustc >= 1.82 emits reference-types by default and Nitro rejects any module that uses
    // them at activation. bulk-memory gives `memory.copy`/`memory.fill`, which Nitro accepts,
    // instead of byte loops.
    "-C",
    "target-feature=-reference-types,+bulk-memory",
    // A panic aborts on the spot: no unwinding machinery and no panic formatting in the
    // module. With `-Z build-std` (see CARGO_ARGS) this takes a contract from ~99% to ~55% of
    // the 24 KiB limit (reference/toolchain.md); this nightly replaced the old
    // `panic_immediate_abort` std feature with this panic strategy.
    "-Zunstable-options",
    "-Cpanic=immediate-abort",
    // No file:line:column strings for panics and `#[track_caller]`.
    "-Zlocation-detail=none",
    // `{:?}` prints nothing, so the Debug impls and their strings are dropped.
    "-Zfmt-debug=none",
];

/// The one `cargo` command line; `-p <package>` for each contract is appended.
pub const CARGO_ARGS: &[&str] = &[
    "build",
    "--release",
    "--target",
    WASM_TARGET,
    // The cdylib is the contract; the main.rs bins only print the ABI (`rigshare abi`).
    "--lib",
    // Rebuild std with the flags above: the prebuilt std carries unwinding and
    // reference-types. Needs the pinned nightly's rust-src.
    "-Z",
    "build-std=std,panic_abort",
    // Same dependency versions as the committed lock file, or fail.
    "--locked",
    // Artifacts as JSON on stdout (so the .wasm paths come from Cargo), diagnostics on stderr.
    "--message-format=json-render-diagnostics",
];

/// The linker's stack size flag for [`STACK_SIZE`] (rustc passes its own default first; the
/// last `-z stack-size` wins).
pub fn stack_size_flag() -> String {
    format!("-Clink-arg=-zstack-size={STACK_SIZE}")
}

/// [`WASM_RUSTFLAGS`], the stack size ([`stack_size_flag`]), and the remaps that keep the
/// bytes independent of where the workspace and the Cargo home are. The workspace root comes
/// first so that a Cargo home inside the workspace is still mapped to `/cargo` (rustc applies
/// the last matching remap).
pub fn rustflags(ws: &Workspace) -> Vec<String> {
    let mut flags: Vec<String> = WASM_RUSTFLAGS.iter().map(|f| (*f).to_owned()).collect();
    flags.push(stack_size_flag());
    flags.push(format!(
        "--remap-path-prefix={}=/rigshare",
        ws.root.display()
    ));
    flags.push(format!(
        "--remap-path-prefix={}=/cargo",
        ws.cargo_home.display()
    ));
    flags
}

/// The wasm stack every contract is linked with, in bytes (see [`rustflags`]): 16 KiB.
///
/// Why: rustc links wasm modules with a 1 MiB stack by default, which makes every module's
/// initial memory 17 pages, and Nitro charges a program's initial pages on every call into it
/// (2 free pages a transaction, then 1,000 gas a page plus an exponential ramp, cumulative over
/// the programs a transaction enters). The contracts need far less: the deepest paths
/// (`tests/stack.rs`: tokenURI of the longest metadata, a share transfer checkpointed by 4
/// splitters, the 8-payee waterfall, a sale's claim, the buy-out) used 6,248 bytes of stack when
/// measured on the dev node. OpenZeppelin's Stylus contracts link with 8 KiB, which would
/// leave those paths under a quarter of it to spare; 16 KiB leaves over half, and stack and
/// static data still fit the first page, so every contract opens 1 page instead of 17. The
/// stack is first in memory (rustc's `--stack-first`), so an overflow runs below address 0 and
/// traps instead of overwriting data; `tests/stack.rs` fails if a path uses more than 3/4 of it.
pub const STACK_SIZE: usize = 16 * 1024;

/// A contract's freshly built module.
#[derive(Debug, Clone)]
pub struct Built {
    pub contract: Contract,
    /// `<module dir>/<lib>.opt.wasm` (see [`module_dir`]): Cargo's module after `wasm-opt`,
    /// what is deployed.
    pub wasm_path: PathBuf,
    /// `<module dir>/<lib>.wasm`: Cargo's module as linked, whose
    /// router still has the SDK's shape (the ABI check reads it; `wasm-opt` inlines helpers
    /// such as `supportsInterface` into the router, which the check cannot tell apart).
    pub cargo_wasm_path: PathBuf,
}

#[derive(Deserialize)]
struct Message {
    reason: String,
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    filenames: Vec<PathBuf>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
}

/// Builds `contracts` and returns the modules in that order: the extension modules (packages
/// built with one of their features, see [`Contract::feature`]) with one Cargo invocation,
/// then the main modules with another. Each invocation copies its modules to a
/// directory of its own (`--artifact-dir`, see [`module_dir`]): a package's two builds share
/// Cargo's output name, so the file Cargo leaves in `release/` is whichever was built last.
/// Builds in one process take turns, so that two threads never read a module while the other
/// rewrites it. Cargo's progress and diagnostics go to stderr, and a line every [`HEARTBEAT`]
/// says the build is still going (one crate's optimisation can take minutes without a word
/// from Cargo).
pub fn build_contracts(ws: &Workspace, contracts: &[Contract]) -> Result<Vec<Built>> {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    super::toolchain::ensure(ws)?;
    super::wasm_opt::check_version()?;
    let mut wasm_of: BTreeMap<String, PathBuf> = BTreeMap::new();
    for group in &groups(contracts) {
        let dir = module_dir(ws, &group[0]);
        let built = invoke(ws, group, &cargo_target_dir(ws, &group[0]), &dir)?;
        for c in group {
            if !built.contains(&c.lib_name()) {
                bail!("cargo build reported no .wasm for {}", c.stem());
            }
            let wasm = dir.join(format!("{}.wasm", c.lib_name()));
            if !wasm.is_file() {
                bail!("cargo build left no {}", wasm.display());
            }
            wasm_of.insert(c.stem(), wasm);
        }
    }
    contracts
        .iter()
        .map(|&contract| {
            let wasm = wasm_of[&contract.stem()].clone();
            Ok(Built { contract, wasm_path: super::wasm_opt::optimize(&wasm)?, cargo_wasm_path: wasm })
        })
        .collect()
}

/// The Cargo invocations: the extension modules together (each package with its feature; no
/// two of them share a package), then the main modules.
fn groups(contracts: &[Contract]) -> Vec<Vec<Contract>> {
    let (extensions, mains): (Vec<Contract>, Vec<Contract>) = contracts.iter().partition(|c| c.is_extension());
    [extensions, mains].into_iter().filter(|g| !g.is_empty()).collect()
}

/// Cargo's target dir for an invocation: the workspace's for the main modules,
/// `<target>/extensions` for the extension modules. A package's cdylib has the same file name
/// whatever its features, so with one target dir each of its two builds would overwrite the
/// other's and every build would recompile both.
pub fn cargo_target_dir(ws: &Workspace, contract: &Contract) -> PathBuf {
    if contract.is_extension() { ws.target_dir.join("extensions") } else { ws.target_dir.clone() }
}

/// Where an invocation's modules go: `target/wasm32-unknown-unknown/release/modules/main/`
/// for the main modules, `.../modules/extensions/` for the extension modules.
pub fn module_dir(ws: &Workspace, contract: &Contract) -> PathBuf {
    let group = if contract.is_extension() { "extensions" } else { "main" };
    ws.target_dir.join(WASM_TARGET).join("release").join("modules").join(group)
}

/// One Cargo invocation for `contracts` (the main modules, or the extension modules with their
/// features) in `target_dir`, copying the modules to `artifact_dir`; the library targets it
/// reported a `.wasm` for.
fn invoke(ws: &Workspace, contracts: &[Contract], target_dir: &Path, artifact_dir: &Path) -> Result<std::collections::BTreeSet<String>> {
    let mut cmd = cargo();
    cmd.current_dir(&ws.root).args(command_args(contracts)).args(["-Z", "unstable-options", "--artifact-dir"]).arg(artifact_dir);
    // CARGO_ENCODED_RUSTFLAGS (0x1f-separated) is RUSTFLAGS that survives spaces in the
    // remapped paths, and it overrides every other source of flags, so nothing from the
    // environment or a config file leaks into the bytes.
    cmd.env("CARGO_ENCODED_RUSTFLAGS", rustflags(ws).join("\x1f"))
        .env_remove("RUSTFLAGS")
        .env("CARGO_TARGET_DIR", target_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());

    let mut child = cmd.spawn().context("starting cargo build")?;
    let _heartbeat = Heartbeat::start("[build 1/4] still compiling the contracts");
    let stdout = child.stdout.take().context("cargo build stdout")?;
    let mut built = std::collections::BTreeSet::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.context("reading cargo build output")?;
        let Ok(msg) = serde_json::from_str::<Message>(&line) else {
            continue;
        };
        if msg.reason != "compiler-artifact" {
            continue;
        }
        let Some(target) = msg.target else { continue };
        if msg.filenames.iter().any(|f| has_extension(f, "wasm")) {
            built.insert(target.name);
        }
    }
    let status = child.wait().context("waiting for cargo build")?;
    if !status.success() {
        bail!("cargo build for {WASM_TARGET} failed ({status})");
    }
    Ok(built)
}

/// [`CARGO_ARGS`], then `-p <package>` for each contract and, for an extension, its feature.
fn command_args(contracts: &[Contract]) -> Vec<String> {
    let mut args: Vec<String> = CARGO_ARGS.iter().map(|a| (*a).to_owned()).collect();
    for c in contracts {
        args.extend(["-p".to_owned(), c.package.to_owned()]);
        if let Some(feature) = c.feature {
            args.extend(["--features".to_owned(), format!("{}/{feature}", c.package)]);
        }
    }
    args
}

/// How often a long build says it is still working.
pub const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(15);

/// Prints `what` with the elapsed time every [`HEARTBEAT`] until dropped.
pub struct Heartbeat {
    stop: Option<std::sync::mpsc::Sender<()>>,
}

impl Heartbeat {
    pub fn start(what: &'static str) -> Self {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let started = std::time::Instant::now();
        std::thread::spawn(move || {
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(HEARTBEAT) {
                eprintln!("rigshare: {what} ({}s)", started.elapsed().as_secs());
            }
        });
        Self { stop: Some(stop) }
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        drop(self.stop.take());
    }
}

/// The command lines, for progress messages: the extension modules', then the main modules'.
pub fn describe_command(contracts: &[Contract]) -> String {
    groups(contracts).iter().map(|group| format!("cargo {}", command_args(group).join(" "))).collect::<Vec<_>>().join(", then ")
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension().is_some_and(|e| e == ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaps_follow_the_fixed_flags() {
        let ws = Workspace {
            root: "/home/dev/rigshare".into(),
            target_dir: "/home/dev/rigshare/target".into(),
            cargo_home: "/home/dev/.cargo".into(),
        };
        let flags = rustflags(&ws);
        assert_eq!(&flags[..WASM_RUSTFLAGS.len()], WASM_RUSTFLAGS);
        assert_eq!(
            &flags[WASM_RUSTFLAGS.len()..],
            [
                format!("-Clink-arg=-zstack-size={STACK_SIZE}").as_str(),
                "--remap-path-prefix=/home/dev/rigshare=/rigshare",
                "--remap-path-prefix=/home/dev/.cargo=/cargo"
            ]
        );
    }

    #[test]
    fn one_invocation_names_every_main_module() {
        let contracts = ["rig-deed", "rig-shares", "revenue-splitter", "demo-token"].map(|package| Contract { package, name: "X", feature: None });
        let line = describe_command(&contracts);
        assert!(line.starts_with("cargo build --release --target wasm32-unknown-unknown --lib -Z build-std=std,panic_abort"));
        assert!(line.ends_with("-p rig-deed -p rig-shares -p revenue-splitter -p demo-token"));
    }

    #[test]
    fn the_extensions_are_built_first_together_each_with_its_feature() {
        let main = Contract { package: "rig-shares", name: "RigShares", feature: None };
        let extension = Contract { package: "rig-shares", name: "RigSharesExtension", feature: Some("extension") };
        let deed = Contract { package: "rig-deed", name: "RigDeedExtension", feature: Some("extension") };
        let line = describe_command(&[deed, main, extension]);
        let (first, then) = line.split_once(", then ").unwrap();
        assert!(first.ends_with("-p rig-deed --features rig-deed/extension -p rig-shares --features rig-shares/extension"), "{first}");
        assert!(then.ends_with("-p rig-shares") && !then.contains("--features"), "{then}");
        assert_eq!(extension.stem(), "rig-shares-extension");
        assert_eq!(main.stem(), "rig-shares");
    }
}
