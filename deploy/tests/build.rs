//! `rigshare build` end to end: every contract builds to wasm, passes Nitro's activation
//! rules as far as `validate` checks them, fits the code limit, and leaves
//! `target/rigshare/<package>.{wasm,code}` consistent with each other.

use std::{fs, process::Command};

use rigshare_cli::{
    catalogue,
    pipeline::{code, report, validate, workspace::Workspace},
};

#[test]
fn contracts_build_validate_and_fit_the_code_limit() {
    let ws = Workspace::of_this_crate().expect("cargo metadata");
    let out = Command::new(env!("CARGO_BIN_EXE_rigshare"))
        .current_dir(&ws.root)
        .arg("build")
        .output()
        .expect("running rigshare build");
    let table = String::from_utf8_lossy(&out.stdout);
    println!("{table}");
    assert!(
        out.status.success(),
        "rigshare build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        table.starts_with("| contract | wasm bytes | brotli bytes | stored bytes |"),
        "{table}"
    );

    for contract in catalogue::contracts() {
        let stem = contract.stem();
        let wasm = fs::read(ws.out_dir().join(format!("{stem}.wasm"))).unwrap();
        let stored = fs::read(ws.out_dir().join(format!("{stem}.code"))).unwrap();
        assert!(table.contains(&format!("| {stem} |")), "{table}");
        assert_eq!(
            code::decompress_stored(&stored).unwrap(),
            wasm,
            "{stem}"
        );
        assert!(stored.len() <= report::CODE_LIMIT, "{stem}");
        assert_eq!(validate::check(&wasm), vec![], "{stem}");
        // The bytes are a function of the module alone.
        assert_eq!(code::stored_code(&wasm), stored, "{stem}");
    }
}
