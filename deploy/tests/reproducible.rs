//! Byte-identical builds: a copy of this checkout in another directory (another path, of
//! another length, and another target dir) builds every contract to exactly the stored code this
//! checkout builds, so anyone can verify a deployed contract against the source.
//!
//! It compiles everything (std included) a second time in the copy: minutes on a cold machine.

mod common;

use std::{fs, path::Path, process::Command};

use rigshare_cli::{catalogue, pipeline::workspace::Workspace};

/// The files of this checkout that git knows (tracked, or new and not ignored): a clean
/// checkout of the working tree.
fn checkout_files(root: &Path) -> Vec<String> {
    let out = Command::new("git")
        .current_dir(root)
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .output()
        .expect("running git ls-files");
    assert!(out.status.success(), "git ls-files failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .split('\0')
        .filter(|f| !f.is_empty() && root.join(f).is_file())
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_checkout_elsewhere_builds_the_same_stored_code() {
    let here = common::built_dir();
    let ws = Workspace::of_this_crate().unwrap();
    let scratch = std::env::temp_dir().join(format!("rigshare-reproducible-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    let elsewhere = scratch.join("another/checkout/of-rigshare");
    for file in checkout_files(&ws.root) {
        let to = elsewhere.join(&file);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(ws.root.join(&file), &to).unwrap();
    }
    let target = scratch.join("elsewhere-target");
    let out = Command::new(env!("CARGO_BIN_EXE_rigshare"))
        .current_dir(&elsewhere)
        .arg("build")
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("running rigshare build in the copy");
    if !out.status.success() {
        let _ = fs::remove_dir_all(&scratch);
        panic!("rigshare build in {} failed:\n{}", elsewhere.display(), String::from_utf8_lossy(&out.stderr));
    }

    let mut differing = Vec::new();
    for c in catalogue::contracts() {
        let name = format!("{}.code", c.stem());
        let ours = fs::read(here.join(&name)).unwrap();
        let theirs = fs::read(target.join("rigshare").join(&name)).unwrap();
        if ours != theirs {
            let bytes = ours.iter().zip(&theirs).filter(|(a, b)| a != b).count() + ours.len().abs_diff(theirs.len());
            differing.push(format!("{}: {} vs {} stored bytes, {bytes} differ", c.stem(), ours.len(), theirs.len()));
        }
    }
    let _ = fs::remove_dir_all(&scratch);
    assert!(differing.is_empty(), "builds from {} and {} differ:\n{}", ws.root.display(), elsewhere.display(), differing.join("\n"));
}
