//! Before the WASM build: the pinned toolchain (rust-toolchain.toml) with the pieces the build
//! needs, installed through rustup with a progress line when missing, so the first command
//! works on a fresh machine. Only a missing rustup stops the build, with the fix.

use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use super::{cargo::WASM_TARGET, workspace::Workspace};

/// What `-Z build-std` needs besides the compiler.
pub const COMPONENTS: &[&str] = &["rust-src"];

/// One rustup invocation that brings in something missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Install {
    pub what: String,
    pub args: Vec<String>,
}

/// What is missing, from the output of `rustup target list --installed` and
/// `rustup component list --installed` (one name per line; components carry the host triple).
pub fn missing(targets: &str, components: &str) -> Vec<Install> {
    let mut installs = Vec::new();
    if !targets.lines().any(|t| t.trim() == WASM_TARGET) {
        installs.push(Install {
            what: format!("the {WASM_TARGET} target"),
            args: vec!["target".into(), "add".into(), WASM_TARGET.into()],
        });
    }
    for component in COMPONENTS {
        let installed = components.lines().map(str::trim).any(|c| c == *component || c.starts_with(&format!("{component}-")));
        if !installed {
            installs.push(Install {
                what: format!("the {component} component"),
                args: vec!["component".into(), "add".into(), (*component).into()],
            });
        }
    }
    installs
}

/// Makes sure the toolchain, the wasm32 target and rust-src are installed.
pub fn ensure(ws: &Workspace) -> Result<()> {
    let rustup = |args: &[&str]| Command::new("rustup").args(args).current_dir(&ws.root).output();
    let version = rustup(&["--version"]);
    if version.is_err() {
        bail!("rustup is not installed, and the pinned nightly in rust-toolchain.toml comes from it; install it from https://rustup.rs and re-run");
    }
    // The toolchain itself (RUSTUP_AUTO_INSTALL=0 machines do not fetch it on first use).
    let active = rustup(&["run", &channel(ws)?, "rustc", "--version"]).context("running rustup")?;
    if !active.status.success() {
        install(ws, "the pinned toolchain from rust-toolchain.toml", &["toolchain", "install"])?;
    }
    let text = |args: &[&str]| -> Result<String> {
        let out = rustup(args).context("running rustup")?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let targets = text(&["target", "list", "--installed"])?;
    let components = text(&["component", "list", "--installed"])?;
    for fix in missing(&targets, &components) {
        let args: Vec<&str> = fix.args.iter().map(String::as_str).collect();
        install(ws, &fix.what, &args)?;
    }
    Ok(())
}

/// The channel rust-toolchain.toml pins.
fn channel(ws: &Workspace) -> Result<String> {
    let path = ws.root.join("rust-toolchain.toml");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("channel").map(|v| v.trim_start_matches([' ', '=']).trim().trim_matches('"').to_owned()))
        .with_context(|| format!("{} names no channel", path.display()))
}

/// Runs `rustup <args>` in the workspace (so it acts on the pinned toolchain), its own
/// download progress on stderr.
fn install(ws: &Workspace, what: &str, args: &[&str]) -> Result<()> {
    eprintln!("rigshare: installing {what} through rustup (rustup {})...", args.join(" "));
    let status = Command::new("rustup")
        .args(args)
        .current_dir(&ws.root)
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .status()
        .context("running rustup")?;
    if !status.success() {
        bail!("`rustup {}` failed ({status}); check the network access to static.rust-lang.org and re-run", args.join(" "));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_is_missing() {
        assert!(missing("wasm32-unknown-unknown\nx86_64-unknown-linux-gnu\n", "rust-src\nrustc-x86_64-unknown-linux-gnu\n").is_empty());
        let all = missing("x86_64-unknown-linux-gnu\n", "rustc-x86_64-unknown-linux-gnu\n");
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].args, ["target", "add", "wasm32-unknown-unknown"]);
        assert_eq!(all[1].args, ["component", "add", "rust-src"]);
        assert_eq!(all[1].what, "the rust-src component");
    }

    #[test]
    fn reads_the_pinned_channel() {
        let ws = Workspace::of_this_crate().unwrap();
        assert!(channel(&ws).unwrap().starts_with("nightly-"));
    }
}
