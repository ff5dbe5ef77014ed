//! The README's JSON-RPC method list is the method table's (`devnode/src/rpc/request.rs`), so
//! it cannot drift from what the node answers. After changing the table, rewrite the list with
//! `DEVNODE_UPDATE_README=1 cargo test -p rigshare-devnode --test readme`.

use std::path::PathBuf;

use devnode::rpc::request::markdown_table;

const BEGIN: &str = "<!-- rpc-methods: generated from devnode/src/rpc/request.rs by devnode/tests/readme.rs -->\n";
const END: &str = "<!-- /rpc-methods -->";

#[test]
fn the_readme_lists_exactly_the_method_table() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let start = readme.find(BEGIN).expect("the README marks the method list's start") + BEGIN.len();
    let end = start + readme[start..].find(END).expect("the README marks the method list's end");
    let expected = markdown_table();
    if readme[start..end] == expected {
        return;
    }
    if std::env::var_os("DEVNODE_UPDATE_README").is_some() {
        std::fs::write(&path, format!("{}{expected}{}", &readme[..start], &readme[end..])).expect("README.md written");
        return;
    }
    panic!(
        "README.md's JSON-RPC method list differs from the method table; run \
         DEVNODE_UPDATE_README=1 cargo test -p rigshare-devnode --test readme\n\nexpected:\n{expected}"
    );
}
