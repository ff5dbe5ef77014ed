//! abi/ is what the Rust code says, and what the compiled contracts do.
//!
//! - `abi_dir_is_up_to_date`: `rigshare abi --check`, so CI fails when abi/ is stale.
//! - `abi_functions_are_what_the_routers_dispatch`: every function of abi/<C>.json has the
//!   selector keccak256 gives its signature (recomputed here, not taken from alloy), and that
//!   selector is in the compiled contract's router; and the router dispatches no selector the
//!   ABI lacks.
//! - `solidity_interfaces_compile_with_the_json_and_router_selectors`: abi/I<C>.sol compiles
//!   with the pinned solc (npm package `solc`, `tools/`), and the compiled
//!   interface has exactly the functions of abi/<C>.json, with the same selectors, parameter
//!   and output names and types, and its selectors are the compiled router's.
//! - `abi_events_match_the_sources_and_the_standards`: each contract's own events are exactly
//!   the ones its `sol!` blocks declare, and the OpenZeppelin ones have their standard topics.
//!
//! These build the contracts (wasm and export-abi) like the `rigshare` commands do: quick when
//! the target dir is warm, minutes when it is cold.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    process::Command,
};

use alloy_json_abi::{Event, EventParam, JsonAbi, Param};
use alloy_primitives::{hex, keccak256};
use proc_macro2::{TokenStream, TokenTree};
use rigshare_cli::{
    catalogue,
    pipeline::{abi::router::Router, cargo as build, normalise, workspace::Workspace},
};

fn workspace() -> Workspace {
    Workspace::of_this_crate().expect("cargo metadata")
}

fn load_abi(ws: &Workspace, name: &str) -> JsonAbi {
    let path = ws.abi_dir().join(format!("{name}.json"));
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run `rigshare abi`)", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{}: not a JSON ABI: {e}", path.display()))
}

/// The canonical type of a parameter, tuples spelled out.
fn canonical(ty: &str, components: &[Param]) -> String {
    match ty.strip_prefix("tuple") {
        Some(suffix) => {
            let inner: Vec<String> = components
                .iter()
                .map(|c| canonical(&c.ty, &c.components))
                .collect();
            format!("({}){suffix}", inner.join(","))
        }
        None => ty.to_owned(),
    }
}

fn function_selector(name: &str, inputs: &[Param]) -> u32 {
    let types: Vec<String> = inputs
        .iter()
        .map(|p| canonical(&p.ty, &p.components))
        .collect();
    let hash = keccak256(format!("{name}({})", types.join(",")).as_bytes());
    u32::from_be_bytes(hash[..4].try_into().unwrap())
}

fn event_signature(e: &Event) -> String {
    let types: Vec<String> = e
        .inputs
        .iter()
        .map(|p: &EventParam| canonical(&p.ty, &p.components))
        .collect();
    format!("{}({})", e.name, types.join(","))
}

#[test]
fn abi_dir_is_up_to_date() {
    let ws = workspace();
    let out = Command::new(env!("CARGO_BIN_EXE_rigshare"))
        .current_dir(&ws.root)
        .args(["abi", "--check"])
        .output()
        .expect("running rigshare abi --check");
    assert!(
        out.status.success(),
        "abi/ is stale: run `scripts/rigshare abi`\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn abi_functions_are_what_the_routers_dispatch() {
    let ws = workspace();
    let built = build::build_contracts(&ws, &catalogue::contracts()).expect("wasm build");
    let mut problems = Vec::new();
    for b in built.iter().filter(|b| !b.contract.is_extension()) {
        let abi = load_abi(&ws, b.contract.name);
        let mut selectors = BTreeSet::new();
        for f in abi.functions() {
            let selector = function_selector(&f.name, &f.inputs);
            assert_eq!(
                selector,
                u32::from_be_bytes(f.selector().0),
                "{}: {}",
                b.contract.name,
                f.signature()
            );
            assert!(
                selectors.insert(selector),
                "{}: two functions with selector {selector:08x}",
                b.contract.name
            );
        }
        let routers = Routers::of(&built, b, &selectors);
        let name_of: BTreeMap<u32, String> = abi
            .functions()
            .map(|f| (function_selector(&f.name, &f.inputs), f.signature()))
            .collect();
        for s in routers.missing(&selectors) {
            problems.push(format!(
                "{}: {} (0x{s:08x}) is in the ABI but not in the router",
                b.contract.name, name_of[&s]
            ));
        }
        for s in routers.unknown(&selectors) {
            problems.push(format!(
                "{}: the router dispatches 0x{s:08x} (or byte-swapped 0x{:08x}), which abi/{}.json lacks",
                b.contract.name,
                s.swap_bytes(),
                b.contract.name
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The routers that together dispatch a contract's ABI: its module's and those of its
/// package's extension modules, which its fallback hands every other selector to.
struct Routers(Vec<(String, Router)>);

impl Routers {
    fn of(built: &[build::Built], main: &build::Built, selectors: &BTreeSet<u32>) -> Self {
        Self(
            built
                .iter()
                .filter(|m| m.contract.package == main.contract.package)
                .map(|m| {
                    // The module as Cargo linked it: wasm-opt (same dispatch, same selectors)
                    // inlines helpers into the router, which the heuristic would mistake for
                    // dispatch.
                    let raw = fs::read(&m.cargo_wasm_path).unwrap();
                    let wasm = normalise::normalise(&raw).unwrap();
                    let router = Router::find(&wasm, selectors).unwrap_or_else(|e| panic!("{}: {e}", m.contract.stem()));
                    (m.contract.stem(), router)
                })
                .collect(),
        )
    }

    /// Selectors no module routes.
    fn missing(&self, selectors: &BTreeSet<u32>) -> Vec<u32> {
        let missed: Vec<Vec<u32>> = self.0.iter().map(|(_, r)| r.missing(selectors)).collect();
        missed[0].iter().copied().filter(|s| missed.iter().all(|m| m.contains(s))).collect()
    }

    /// Selector-like constants a module dispatches that the ABI does not explain.
    fn unknown(&self, selectors: &BTreeSet<u32>) -> Vec<u32> {
        self.0.iter().flat_map(|(_, r)| r.unknown(selectors)).collect::<BTreeSet<u32>>().into_iter().collect()
    }
}

/// Runs `tools/solc-compile.js` (the pinned solc-js) on every abi/I*.sol, installing the
/// tools from their lock file first (`npm ci --prefix tools`, as scripts/test does) if missing.
fn solc_output(ws: &Workspace) -> serde_json::Value {
    let dir = ws.root.join("tools");
    if !dir.join("node_modules/solc/package.json").is_file() {
        let status = Command::new("npm")
            .current_dir(&dir)
            .args(["ci", "--no-audit", "--no-fund"])
            .status()
            .expect("running npm (Node.js 20 and npm are needed for the Solidity interface test)");
        assert!(status.success(), "npm ci in tools/ failed");
    }
    let mut files: Vec<_> = fs::read_dir(ws.abi_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sol"))
        .collect();
    files.sort();
    let out = Command::new("node").current_dir(&dir).arg("solc-compile.js").args(&files).output().expect("running node");
    assert!(out.status.success(), "abi/I*.sol does not compile with solc:\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("solc-compile.js prints JSON")
}

/// A function as solc's ABI shows it: signature, (name, type) of inputs and of outputs.
type SolcFunction = (String, Vec<(String, String)>, Vec<(String, String)>);

fn solc_functions(abi: &serde_json::Value) -> BTreeSet<SolcFunction> {
    let params = |list: &serde_json::Value| -> Vec<(String, String)> {
        list.as_array().unwrap().iter().map(|p| (p["name"].as_str().unwrap().to_owned(), p["type"].as_str().unwrap().to_owned())).collect()
    };
    abi.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "function")
        .map(|f| {
            let inputs = params(&f["inputs"]);
            let types: Vec<&str> = inputs.iter().map(|(_, t)| t.as_str()).collect();
            (format!("{}({})", f["name"].as_str().unwrap(), types.join(",")), inputs, params(&f["outputs"]))
        })
        .collect()
}

#[test]
fn solidity_interfaces_compile_with_the_json_and_router_selectors() {
    let ws = workspace();
    let solc = solc_output(&ws);
    assert!(solc["version"].as_str().unwrap().starts_with("0.8.30+"), "the pinned solc: {}", solc["version"]);
    let built = build::build_contracts(&ws, &catalogue::contracts()).expect("wasm build");
    for b in built.iter().filter(|b| !b.contract.is_extension()) {
        let name = b.contract.name;
        let compiled = &solc["contracts"][format!("I{name}")];
        assert!(compiled.is_object(), "abi/I{name}.sol has no interface I{name}");
        let abi = load_abi(&ws, name);

        let solc_selectors: BTreeMap<String, u32> = compiled["methodIdentifiers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(sig, sel)| (sig.clone(), u32::from_str_radix(sel.as_str().unwrap(), 16).unwrap()))
            .collect();
        let json_selectors: BTreeMap<String, u32> =
            abi.functions().map(|f| (f.signature(), function_selector(&f.name, &f.inputs))).collect();
        assert_eq!(solc_selectors, json_selectors, "{name}: the Solidity interface's selectors are the JSON ABI's");

        let json_functions: BTreeSet<SolcFunction> = abi
            .functions()
            .map(|f| {
                let pairs = |ps: &[Param]| -> Vec<(String, String)> { ps.iter().map(|p| (p.name.clone(), canonical(&p.ty, &p.components))).collect() };
                (f.signature(), pairs(&f.inputs), pairs(&f.outputs))
            })
            .collect();
        assert_eq!(solc_functions(&compiled["abi"]), json_functions, "{name}: the Solidity interface names what the JSON ABI names");

        let selectors: BTreeSet<u32> = solc_selectors.values().copied().collect();
        let routers = Routers::of(&built, b, &selectors);
        assert_eq!(routers.missing(&selectors), Vec::<u32>::new(), "{name}: a selector of I{name}.sol is not in the router");
        assert_eq!(routers.unknown(&selectors), Vec::<u32>::new(), "{name}: the router dispatches a selector I{name}.sol lacks");
    }
}

/// `event ...` declarations of the `sol!` blocks in a contract's lib.rs (inline modules
/// included), with doc comments and attributes dropped.
fn sol_events(source: &str) -> Vec<Event> {
    fn collect(items: &[syn::Item], out: &mut Vec<TokenStream>) {
        for item in items {
            match item {
                syn::Item::Macro(m)
                    if m.mac.path.segments.last().is_some_and(|s| s.ident == "sol") =>
                {
                    out.push(m.mac.tokens.clone())
                }
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        collect(inner, out);
                    }
                }
                _ => {}
            }
        }
    }
    let file = syn::parse_file(source).unwrap();
    let mut blocks = Vec::new();
    collect(&file.items, &mut blocks);
    let mut events = Vec::new();
    for block in blocks {
        let mut statement: Vec<String> = Vec::new();
        let mut trees = block.into_iter().peekable();
        while let Some(tree) = trees.next() {
            match &tree {
                TokenTree::Punct(p) if p.as_char() == '#' => {
                    trees.next(); // the [attribute] group
                }
                TokenTree::Punct(p) if p.as_char() == ';' => {
                    let text = statement.join(" ");
                    if text.starts_with("event ") {
                        let text = text
                            .replace(" (", "(")
                            .replace(" ,", ",")
                            .replace(" [", "[");
                        events
                            .push(Event::parse(&text).unwrap_or_else(|e| panic!("`{text}`: {e}")));
                    }
                    statement.clear();
                }
                other => statement.push(other.to_string()),
            }
        }
    }
    events
}

/// topic0 of the OpenZeppelin and ERC events the contracts emit, as published.
const STANDARD_TOPICS: &[(&str, &str)] = &[
    (
        "Transfer(address,address,uint256)",
        "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
    ),
    (
        "Approval(address,address,uint256)",
        "8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925",
    ),
    (
        "ApprovalForAll(address,address,bool)",
        "17307eab39ab6107e8899845ad3d59bd9653f200f220920489ca2b5937696c31",
    ),
    (
        "RoleGranted(bytes32,address,address)",
        "2f8788117e7eff1d82e926ec794901d17c78024a50270940304540a733656f0d",
    ),
    (
        "RoleRevoked(bytes32,address,address)",
        "f6391f5c32d9c69d2a47ea670b442974b53935d1edc7fd64eb21e047a839171b",
    ),
    (
        "Paused(address)",
        "62e78cea01bee320cd4e420270b5ea74000d11b0c9f74754ebdbfc544b05a258",
    ),
    (
        "Unpaused(address)",
        "5db9ee0a495bf2e6ff9c91a7834c1ba4fdd244a5e8aa4e537bd38aeae4b073aa",
    ),
    (
        "MetadataUpdate(uint256)",
        "f8e1a15aba9398e019f0b49df1a4fde98ee17ae345cb5f6b5e2c27f5033e8ce7",
    ),
];

#[test]
fn abi_events_match_the_sources_and_the_standards() {
    let ws = workspace();
    let standard: BTreeMap<&str, &str> = STANDARD_TOPICS.iter().copied().collect();
    for contract in catalogue::contracts().into_iter().filter(|c| !c.is_extension()) {
        let abi = load_abi(&ws, contract.name);
        let source = fs::read_to_string(ws.root.join(contract.dir()).join("src/lib.rs")).unwrap();
        let own = sol_events(&source);
        // A contract that changes no state (the RigCard descriptor) has no events at all.
        assert!(
            !own.is_empty() || abi.events().next().is_none(),
            "{}: no sol! events found, yet abi/{}.json lists events",
            contract.name,
            contract.name
        );
        for event in &own {
            let listed = abi.event(&event.name).map(Vec::as_slice).unwrap_or(&[]);
            assert!(
                listed.contains(event),
                "{}: `{}` from the sol! block is not in abi/{}.json as declared (names, types, indexed)",
                contract.name,
                event.full_signature(),
                contract.name
            );
        }
        for event in abi.events() {
            let signature = event_signature(event);
            let topic = hex::encode(keccak256(signature.as_bytes()));
            assert_eq!(
                topic,
                hex::encode(event.selector()),
                "{}: {signature}",
                contract.name
            );
            if own.iter().any(|e| e.name == event.name) {
                continue;
            }
            let expected = standard.get(signature.as_str()).unwrap_or_else(|| {
                panic!("{}: {signature} is neither a sol! event of the contract nor a known standard event", contract.name)
            });
            assert_eq!(
                topic, *expected,
                "{}: {signature} does not have its standard topic",
                contract.name
            );
        }
    }
}
