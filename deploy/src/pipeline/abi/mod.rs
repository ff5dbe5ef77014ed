//! Step 5: `abi/<Contract>.json` (standard JSON ABI) and `abi/I<Contract>.sol` (Solidity
//! interface), generated from the Rust code.
//!
//! Sources, per contract:
//! - export-abi (`cargo run -p <crate> --features export-abi`): the functions of the
//!   `#[public]` inherent impl and every custom error; `... -- constructor` for the
//!   constructor;
//! - `... -- events`: the crate's `ABI_EVENTS`, since export-abi prints no events;
//! - the Rust source (see [`source`]): the functions of the `#[implements(...)]` trait impls
//!   and `receive`/`fallback`, which stylus-sdk 0.9's export-abi leaves out.
//!
//! - `... -- returns`: the crate's `ABI_RETURNS`, the names of every function's several
//!   return values, since export-abi leaves outputs unnamed.
//!
//! Every declaration goes through alloy's human-readable parser; one that does not parse
//! stops the generator. Names are then made what Solidity would write ([`solidity_names`]):
//! parameters in camelCase (the Rust source's `hashrate_ghs` is `hashrateGhs`), and the
//! outputs of every function that returns several values named.

pub mod export;
pub mod macros;
pub mod router;
pub mod source;

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::PathBuf,
};

use alloy_json_abi::{
    Constructor, Error, Event, Fallback, Function, JsonAbi, Receive, StateMutability,
};
use anyhow::{bail, Context, Result};
use convert_case::{Case, Casing};

use crate::pipeline::workspace::{Contract, Workspace};

/// A contract's generated ABI.
#[derive(Debug, Clone)]
pub struct ContractAbi {
    pub contract: Contract,
    pub abi: JsonAbi,
    /// The constructor as export-abi printed it, for the Solidity header.
    pub constructor: Option<String>,
}

/// Everything the generator collected for one contract, before parsing.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Declarations {
    pub functions: Vec<String>,
    pub errors: Vec<String>,
    pub events: Vec<String>,
    pub constructor: Option<String>,
    pub receive: bool,
    /// `Some(payable)` when there is a fallback.
    pub fallback: Option<bool>,
    /// The names of the outputs of each function that returns several values.
    pub returns: Vec<(String, Vec<String>)>,
}

/// Collects a contract's declarations (runs its export-abi binary three times and reads its
/// source).
pub fn declarations(ws: &Workspace, contract: &Contract) -> Result<Declarations> {
    let iface = export::parse_interface(&export::run(ws, contract, &[])?)
        .with_context(|| format!("{}: reading the export-abi interface", contract.package))?;
    let constructor = export::run(ws, contract, &["constructor"])?;
    let events = export::parse_events(&export::run(ws, contract, &["events"])?);
    let returns = parse_returns(&export::run(ws, contract, &["returns"])?)
        .with_context(|| format!("{}: reading the names of the return values", contract.package))?;
    let src = source::scan(
        &ws.root.join(contract.dir()),
        contract.name,
        &macro_crates(ws)?,
    )
    .with_context(|| format!("{}: reading the Rust source", contract.package))?;

    let mut functions = Vec::new();
    for f in &iface.functions {
        functions.push(export::expand_structs(f, &iface.structs)?);
    }
    functions.extend(src.trait_functions);
    let mut errors = Vec::new();
    for e in &iface.errors {
        errors.push(export::expand_structs(e, &iface.structs)?);
    }
    let constructor = constructor.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(Declarations {
        functions,
        errors,
        events: iface.events.into_iter().chain(events).collect(),
        constructor: (!constructor.is_empty()).then_some(constructor),
        receive: src.receive,
        fallback: src.fallback,
        returns,
    })
}

/// Reads `<bin> returns`: `function: name, name, ...` a line.
pub fn parse_returns(text: &str) -> Result<Vec<(String, Vec<String>)>> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (function, names) = line.split_once(':').with_context(|| format!("`{line}` is not `function: name, ...`"))?;
        let names: Vec<String> = names.split(',').map(|n| n.trim().to_owned()).collect();
        if names.iter().any(String::is_empty) {
            bail!("`{line}` has an empty name");
        }
        out.push((function.trim().to_owned(), names));
    }
    Ok(out)
}

/// A parameter name as Solidity writes it: camelCase, without Rust's leading underscore for
/// an unused parameter (`token_id` -> `tokenId`, `_data` -> `data`).
pub fn camel(name: &str) -> String {
    name.to_case(Case::Camel)
}

/// Makes the names in `abi` those Solidity would write: every parameter of functions, errors
/// and the constructor in camelCase ([`camel`]), and the outputs of every function with
/// several return values named from `returns`. Fails when such a function has no names there,
/// when the count differs, or when `returns` names a function that has no several outputs.
/// Events are declared in Solidity already (`ABI_EVENTS`) and keep their names as the
/// standards spell them (ERC-4906's `_tokenId`).
pub fn solidity_names(contract: &str, abi: &mut JsonAbi, returns: &[(String, Vec<String>)]) -> Result<()> {
    let mut unused: BTreeSet<&str> = returns.iter().map(|(f, _)| f.as_str()).collect();
    for f in abi.functions.values_mut().flatten() {
        for p in &mut f.inputs {
            p.name = camel(&p.name);
        }
        if f.outputs.len() < 2 {
            continue;
        }
        let Some((_, names)) = returns.iter().find(|(name, _)| *name == f.name) else {
            bail!("{contract}: `{}` returns {} values but ABI_RETURNS does not name them", f.signature(), f.outputs.len());
        };
        if names.len() != f.outputs.len() {
            bail!("{contract}: `{}` returns {} values but ABI_RETURNS names {}", f.signature(), f.outputs.len(), names.len());
        }
        unused.remove(f.name.as_str());
        for (output, name) in f.outputs.iter_mut().zip(names) {
            output.name = name.clone();
        }
    }
    if let Some(name) = unused.first() {
        bail!("{contract}: ABI_RETURNS names the outputs of `{name}`, which has no several return values");
    }
    for e in abi.errors.values_mut().flatten() {
        for p in &mut e.inputs {
            p.name = camel(&p.name);
        }
    }
    if let Some(c) = &mut abi.constructor {
        for p in &mut c.inputs {
            p.name = camel(&p.name);
        }
    }
    Ok(())
}

/// The constructor declaration for the Solidity header: export-abi's line with each parameter
/// name in camelCase.
fn constructor_line(line: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    for c in line.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.push_str(&if word.contains('_') { camel(&word) } else { std::mem::take(&mut word) });
            word.clear();
        }
        out.push(c);
    }
    out.pop();
    out
}

/// The workspace crates whose `macro_rules!` a contract may use: every `contracts/*` crate.
fn macro_crates(ws: &Workspace) -> Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    for entry in fs::read_dir(ws.root.join("contracts")).context("listing contracts/")? {
        let dir = entry?.path();
        if dir.join("src/lib.rs").is_file() {
            dirs.push(dir);
        }
    }
    dirs.sort();
    Ok(dirs)
}

/// Parses every declaration into a JSON ABI. Fails, naming the contract and the declaration,
/// on anything alloy cannot parse and on two functions, events or errors with one signature.
pub fn to_json_abi(contract: &str, decls: &Declarations) -> Result<JsonAbi> {
    let mut abi = JsonAbi::new();
    let mut selectors: BTreeMap<[u8; 4], String> = BTreeMap::new();
    for line in &decls.functions {
        let f = Function::parse(line)
            .with_context(|| format!("{contract}: function `{line}` does not parse"))?;
        if let Some(other) = selectors.insert(f.selector().0, f.signature()) {
            bail!(
                "{contract}: `{}` and `{other}` have the same selector",
                f.signature()
            );
        }
        abi.functions.entry(f.name.clone()).or_default().push(f);
    }
    let mut signatures = BTreeSet::new();
    for line in &decls.events {
        let e = Event::parse(line)
            .with_context(|| format!("{contract}: event `{line}` does not parse"))?;
        if !signatures.insert(e.signature()) {
            bail!("{contract}: event `{}` is declared twice", e.signature());
        }
        abi.events.entry(e.name.clone()).or_default().push(e);
    }
    for line in &decls.errors {
        let e = Error::parse(line)
            .with_context(|| format!("{contract}: error `{line}` does not parse"))?;
        let list = abi.errors.entry(e.name.clone()).or_default();
        if !list.contains(&e) {
            list.push(e);
        }
    }
    if let Some(line) = &decls.constructor {
        abi.constructor = Some(
            Constructor::parse(line)
                .with_context(|| format!("{contract}: constructor `{line}` does not parse"))?,
        );
    }
    if decls.receive {
        abi.receive = Some(Receive {
            state_mutability: StateMutability::Payable,
        });
    }
    if let Some(payable) = decls.fallback {
        let state_mutability = if payable {
            StateMutability::Payable
        } else {
            StateMutability::NonPayable
        };
        abi.fallback = Some(Fallback { state_mutability });
    }
    // Overloads in signature order, so the output depends only on the set of declarations.
    for list in abi.functions.values_mut() {
        list.sort_by_key(Function::signature);
    }
    for list in abi.events.values_mut() {
        list.sort_by_key(Event::signature);
    }
    for list in abi.errors.values_mut() {
        list.sort_by_key(Error::signature);
    }
    Ok(abi)
}

/// Generates one contract's ABI.
pub fn generate(ws: &Workspace, contract: &Contract) -> Result<ContractAbi> {
    let decls = declarations(ws, contract)?;
    let mut abi = to_json_abi(contract.name, &decls)?;
    solidity_names(contract.name, &mut abi, &decls.returns)?;
    Ok(ContractAbi {
        contract: *contract,
        abi,
        constructor: decls.constructor.as_deref().map(constructor_line),
    })
}

/// The files of one contract: `(name under abi/, contents)`.
pub fn render(c: &ContractAbi) -> Result<Vec<(String, String)>> {
    let json = serde_json::to_string_pretty(&c.abi)? + "\n";
    Ok(vec![
        (format!("{}.json", c.contract.name), json),
        (format!("I{}.sol", c.contract.name), solidity(c)),
    ])
}

/// The Solidity interface, with events, errors, `receive` and the routed trait functions.
pub fn solidity(c: &ContractAbi) -> String {
    let name = format!("I{}", c.contract.name);
    let constructor = match &c.constructor {
        Some(line) => format!(
            "// Constructor (deploy with the calldata of `stylus_constructor()` = 0x{} + these\n// arguments ABI-encoded): {line}\n",
            format!("{:08x}", u32::from_be_bytes(devnode::dev::CONSTRUCTOR_SELECTOR))
        ),
        None => String::new(),
    };
    let mut body = c.abi.to_sol(&name, None);
    if !body.ends_with('\n') {
        body.push('\n');
    }
    format!(
        "// SPDX-License-Identifier: MIT\n\
         // Generated by `rigshare abi` from {dir}: do not edit. Regenerate with\n\
         // `scripts/rigshare abi`.\n\
         {constructor}\
         pragma solidity ^0.8.23;\n\n{body}",
        dir = c.contract.dir().display(),
    )
}

/// Generates every contract's files: `(path, contents)`.
pub fn generate_all(ws: &Workspace, contracts: &[Contract]) -> Result<Vec<(PathBuf, String)>> {
    let mut files = Vec::new();
    // An extension module has no ABI of its own: its main module's lists its functions.
    for contract in contracts.iter().filter(|c| !c.is_extension()) {
        eprintln!(
            "rigshare: [abi] {} (export-abi, events, Rust source)",
            contract.package
        );
        let c = generate(ws, contract)?;
        for (name, text) in render(&c)? {
            files.push((ws.abi_dir().join(name), text));
        }
    }
    Ok(files)
}

/// Writes abi/ (only files whose contents changed are rewritten) and returns the paths.
pub fn write(ws: &Workspace, files: &[(PathBuf, String)]) -> Result<Vec<PathBuf>> {
    fs::create_dir_all(ws.abi_dir())
        .with_context(|| format!("creating {}", ws.abi_dir().display()))?;
    let mut written = Vec::new();
    for (path, text) in files {
        if fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
            fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
            written.push(path.clone());
        }
    }
    Ok(written)
}

/// abi/ files that differ from `files`: missing, changed, or not generated at all.
pub fn stale(ws: &Workspace, files: &[(PathBuf, String)]) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (path, text) in files {
        match fs::read_to_string(path) {
            Ok(on_disk) if on_disk == *text => {}
            Ok(_) => problems.push(format!("{} is out of date", relative(ws, path))),
            Err(_) => problems.push(format!("{} is missing", relative(ws, path))),
        }
    }
    let expected: BTreeSet<&PathBuf> = files.iter().map(|(p, _)| p).collect();
    if let Ok(entries) = fs::read_dir(ws.abi_dir()) {
        let mut extra: Vec<String> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| !expected.contains(p))
            .map(|p| format!("{} is not generated by `rigshare abi`", relative(ws, &p)))
            .collect();
        extra.sort();
        problems.extend(extra);
    }
    Ok(problems)
}

/// `rigshare abi --check`: regenerates in memory and fails listing every stale file.
pub fn check(ws: &Workspace, contracts: &[Contract]) -> Result<()> {
    let files = generate_all(ws, contracts)?;
    let problems = stale(ws, &files)?;
    if problems.is_empty() {
        Ok(())
    } else {
        bail!(
            "abi/ is stale; run `scripts/rigshare abi`:\n  {}",
            problems.join("\n  ")
        )
    }
}

fn relative(ws: &Workspace, path: &std::path::Path) -> String {
    path.strip_prefix(&ws.root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decls() -> Declarations {
        Declarations {
            functions: vec![
                "function mint(address to, string calldata model) external returns (uint256)".into(),
                "function balanceOf(address owner) external view returns (uint256)".into(),
                "function safeTransferFrom(address from, address to, uint256 token_id, bytes data) external".into(),
                "function safeTransferFrom(address from, address to, uint256 token_id) external".into(),
            ],
            errors: vec!["error DeedZeroAdmin()".into(), "error DeedInvalidKind(uint8)".into(), "error DeedZeroAdmin()".into()],
            events: vec!["event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)".into()],
            constructor: Some("constructor(string calldata name, address admin)".into()),
            receive: true,
            fallback: None,
            returns: vec![("rig".into(), vec!["model".into(), "hashrateGhs".into()])],
        }
    }

    #[test]
    fn builds_a_standard_json_abi() {
        let abi = to_json_abi("RigDeed", &decls()).unwrap();
        assert_eq!(abi.functions().count(), 4);
        assert_eq!(
            abi.function("balanceOf").unwrap()[0].state_mutability,
            StateMutability::View
        );
        let overloads: Vec<String> = abi
            .function("safeTransferFrom")
            .unwrap()
            .iter()
            .map(Function::signature)
            .collect();
        assert_eq!(
            overloads,
            [
                "safeTransferFrom(address,address,uint256)",
                "safeTransferFrom(address,address,uint256,bytes)"
            ]
        );
        assert_eq!(abi.errors().count(), 2, "duplicate errors are merged");
        let transfer = &abi.event("Transfer").unwrap()[0];
        assert!(transfer.inputs.iter().all(|i| i.indexed));
        assert_eq!(abi.constructor.as_ref().unwrap().inputs.len(), 2);
        assert!(abi.receive.is_some());
        let json = serde_json::to_string(&abi).unwrap();
        assert!(json.starts_with(r#"[{"type":"constructor""#), "{json}");
        assert!(
            json.contains(r#"{"type":"receive","stateMutability":"payable"}"#),
            "{json}"
        );
    }

    #[test]
    fn output_is_independent_of_declaration_order() {
        let mut reversed = decls();
        reversed.functions.reverse();
        reversed.errors.reverse();
        let a = serde_json::to_string_pretty(&to_json_abi("X", &decls()).unwrap()).unwrap();
        let b = serde_json::to_string_pretty(&to_json_abi("X", &reversed).unwrap()).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn an_event_that_does_not_parse_stops_the_generator() {
        let mut d = decls();
        d.events.push("event Broken(address indexed from".into());
        let err = format!("{:#}", to_json_abi("RigDeed", &d).unwrap_err());
        assert!(
            err.contains("RigDeed: event `event Broken(address indexed from` does not parse"),
            "{err}"
        );
    }

    #[test]
    fn duplicate_selectors_and_events_are_refused() {
        let mut d = decls();
        d.functions
            .push("function balanceOf(address who) external view returns (uint256)".into());
        assert!(to_json_abi("X", &d)
            .unwrap_err()
            .to_string()
            .contains("same selector"));
        let mut d = decls();
        d.events
            .push("event Transfer(address from, address to, uint256 tokenId)".into());
        assert!(to_json_abi("X", &d)
            .unwrap_err()
            .to_string()
            .contains("declared twice"));
    }

    #[test]
    fn names_are_camel_case_and_several_outputs_are_named() {
        let mut d = decls();
        d.functions.push("function rig(uint256 token_id) external view returns (string memory, uint64)".into());
        d.errors.push("error DeedMissing(uint256 token_id)".into());
        let mut abi = to_json_abi("RigDeed", &d).unwrap();
        solidity_names("RigDeed", &mut abi, &d.returns).unwrap();
        let rig = &abi.function("rig").unwrap()[0];
        assert_eq!(rig.inputs[0].name, "tokenId");
        assert_eq!(rig.outputs.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["model", "hashrateGhs"]);
        assert_eq!(abi.function("safeTransferFrom").unwrap()[1].inputs[2].name, "tokenId");
        assert_eq!(abi.error("DeedMissing").unwrap()[0].inputs[0].name, "tokenId");
        assert_eq!(abi.function("balanceOf").unwrap()[0].outputs[0].name, "", "a single output stays unnamed");
        assert_eq!(camel("_data"), "data");
        assert_eq!(camel("interface_id"), "interfaceId");
        assert_eq!(constructor_line("constructor(address share_token, uint64 end, bytes calldata _data)"), "constructor(address shareToken, uint64 end, bytes calldata data)");
    }

    #[test]
    fn several_outputs_without_names_or_names_without_outputs_are_refused() {
        let mut d = decls();
        d.functions.push("function totals() external view returns (uint256, uint256)".into());
        let mut abi = to_json_abi("X", &d).unwrap();
        let err = solidity_names("X", &mut abi, &[]).unwrap_err().to_string();
        assert!(err.contains("`totals()` returns 2 values but ABI_RETURNS does not name them"), "{err}");
        let err = solidity_names("X", &mut abi, &[("totals".into(), vec!["a".into()])]).unwrap_err().to_string();
        assert!(err.contains("ABI_RETURNS names 1"), "{err}");
        let mut abi = to_json_abi("X", &decls()).unwrap();
        let err = solidity_names("X", &mut abi, &[("balanceOf".into(), vec!["a".into()])]).unwrap_err().to_string();
        assert!(err.contains("`balanceOf`, which has no several return values"), "{err}");
        assert_eq!(parse_returns("rig: model, hashrateGhs\n\n").unwrap(), vec![("rig".to_string(), vec!["model".to_string(), "hashrateGhs".to_string()])]);
        assert!(parse_returns("rig model").is_err());
    }

    #[test]
    fn solidity_has_events_and_a_constructor_note() {
        let c = ContractAbi {
            contract: Contract { package: "rig-deed", name: "RigDeed", feature: None },
            abi: to_json_abi("RigDeed", &decls()).unwrap(),
            constructor: decls().constructor,
        };
        let sol = solidity(&c);
        assert!(
            sol.starts_with("// SPDX-License-Identifier: MIT\n"),
            "{sol}"
        );
        assert!(sol.contains("interface IRigDeed {"), "{sol}");
        assert!(sol.contains("event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);"), "{sol}");
        assert!(sol.contains("receive() external payable;"), "{sol}");
        assert!(
            sol.contains(
                "// arguments ABI-encoded): constructor(string calldata name, address admin)"
            ),
            "{sol}"
        );
    }
}
