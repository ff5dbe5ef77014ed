//! Running a contract's export-abi binary and reading the Solidity interface it prints.
//!
//! Each contract crate has a `src/main.rs` that, with `--features export-abi`, prints the
//! interface (no argument), the constructor signature (`constructor`) or the declarations of
//! its events (`events`, from the crate's `ABI_EVENTS`).

use std::{collections::BTreeMap, process::Stdio};

use anyhow::{bail, Context, Result};

use crate::pipeline::workspace::{cargo, Contract, Workspace};

/// Runs `cargo run -q -p <crate> --features export-abi --bin <crate> -- <args>` (host target)
/// and returns what it printed.
pub fn run(ws: &Workspace, contract: &Contract, args: &[&str]) -> Result<String> {
    let mut cmd = cargo();
    cmd.current_dir(&ws.root)
        .args([
            "run",
            "-q",
            "--locked",
            "-p",
            contract.package,
            "--features",
            "export-abi",
            "--bin",
            contract.package,
            "--",
        ])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let out = cmd
        .output()
        .with_context(|| format!("running the export-abi binary of {}", contract.package))?;
    if !out.status.success() {
        bail!(
            "{}: `{}` failed ({})",
            contract.package,
            describe(contract, args),
            out.status
        );
    }
    String::from_utf8(out.stdout)
        .with_context(|| format!("{}: export-abi printed non-UTF-8", contract.package))
}

/// The command line [`run`] uses, for messages.
pub fn describe(contract: &Contract, args: &[&str]) -> String {
    let mut line = format!(
        "cargo run -q -p {0} --features export-abi --bin {0}",
        contract.package
    );
    if !args.is_empty() {
        line.push_str(" -- ");
        line.push_str(&args.join(" "));
    }
    line
}

/// A Solidity struct printed by export-abi: its name and `(type, name)` fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolStruct {
    pub name: String,
    pub fields: Vec<(String, String)>,
}

/// The declarations of an export-abi interface (all interfaces of the output together, since
/// an `is` clause means the contract has them all).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Interface {
    /// Interface names, in order (the contract's own is last).
    pub names: Vec<String>,
    pub functions: Vec<String>,
    pub errors: Vec<String>,
    pub events: Vec<String>,
    pub structs: Vec<SolStruct>,
}

/// Reads export-abi's Solidity: comments, the SPDX line and the pragma are skipped; each
/// `function`, `error` and `event` becomes one declaration (without its `;`), each `struct`
/// a [`SolStruct`]. Anything else is an error, so a change in the SDK's output is noticed.
pub fn parse_interface(text: &str) -> Result<Interface> {
    enum Scope {
        Interface,
        Struct(SolStruct),
    }
    let mut iface = Interface::default();
    let mut stack: Vec<Scope> = Vec::new();
    let mut buf = String::new();

    fn statement(stmt: &str, stack: &mut [Scope], iface: &mut Interface) -> Result<()> {
        let stmt = squash(stmt);
        if stmt.is_empty() {
            return Ok(());
        }
        match stack.last_mut() {
            None if stmt.starts_with("pragma ") => Ok(()),
            None => bail!("unexpected top-level statement `{stmt}`"),
            Some(Scope::Struct(s)) => {
                let (ty, name) = stmt
                    .rsplit_once(' ')
                    .with_context(|| format!("struct field `{stmt}`"))?;
                s.fields.push((ty.to_owned(), name.to_owned()));
                Ok(())
            }
            Some(Scope::Interface) => {
                let keyword = stmt.split([' ', '(']).next().unwrap_or_default();
                match keyword {
                    "function" => iface.functions.push(stmt),
                    "error" => iface.errors.push(stmt),
                    "event" => iface.events.push(stmt),
                    _ => bail!("unexpected declaration `{stmt}`"),
                }
                Ok(())
            }
        }
    }

    for c in strip_comments(text).chars() {
        match c {
            ';' => {
                statement(&buf, &mut stack, &mut iface)?;
                buf.clear();
            }
            '{' => {
                let head = squash(&buf);
                buf.clear();
                let mut words = head.split(' ');
                match (words.next(), words.next()) {
                    (Some("interface" | "contract" | "abstract"), Some(_)) => {
                        let name = head
                            .split(' ')
                            .find(|w| *w != "interface" && *w != "contract" && *w != "abstract");
                        iface.names.push(name.unwrap_or_default().to_owned());
                        stack.push(Scope::Interface);
                    }
                    (Some("struct"), Some(name)) => stack.push(Scope::Struct(SolStruct {
                        name: name.to_owned(),
                        fields: Vec::new(),
                    })),
                    _ => bail!("unexpected block `{head} {{`"),
                }
            }
            '}' => {
                statement(&buf, &mut stack, &mut iface)?;
                buf.clear();
                match stack.pop() {
                    Some(Scope::Struct(s)) => iface.structs.push(s),
                    Some(Scope::Interface) => {}
                    None => bail!("unbalanced `}}`"),
                }
            }
            _ => buf.push(c),
        }
    }
    if !stack.is_empty() || !squash(&buf).is_empty() {
        bail!("export-abi output ends inside a declaration");
    }
    Ok(iface)
}

/// Lines of the `events` output (blank lines skipped).
pub fn parse_events(text: &str) -> Vec<String> {
    text.lines().map(squash).filter(|l| !l.is_empty()).collect()
}

/// Replaces every struct name in `decl` by its tuple type, so alloy's human-readable parser
/// (which knows no structs) accepts it. Nested structs are expanded too.
pub fn expand_structs(decl: &str, structs: &[SolStruct]) -> Result<String> {
    let by_name: BTreeMap<&str, &SolStruct> =
        structs.iter().map(|s| (s.name.as_str(), s)).collect();
    expand(decl, &by_name, 0)
}

fn expand(decl: &str, structs: &BTreeMap<&str, &SolStruct>, depth: usize) -> Result<String> {
    if depth > 16 {
        bail!("recursive struct in `{decl}`");
    }
    let mut out = String::with_capacity(decl.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| -> Result<()> {
        if let Some(s) = structs.get(word.as_str()) {
            let fields: Vec<String> = s.fields.iter().map(|(ty, _)| ty.clone()).collect();
            out.push_str(&expand(
                &format!("({})", fields.join(",")),
                structs,
                depth + 1,
            )?);
        } else {
            out.push_str(word);
        }
        word.clear();
        Ok(())
    };
    for c in decl.chars() {
        if c.is_alphanumeric() || c == '_' || c == '$' {
            word.push(c);
        } else {
            flush(&mut word, &mut out)?;
            out.push(c);
        }
    }
    flush(&mut word, &mut out)?;
    Ok(out)
}

/// One line, single spaces.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let line = rest.find("//");
        let block = rest.find("/*");
        match (line, block) {
            (Some(l), b) if b.is_none_or(|b| l < b) => {
                out.push_str(&rest[..l]);
                rest = rest[l..].find('\n').map_or("", |n| &rest[l + n..]);
            }
            (_, Some(b)) => {
                out.push_str(&rest[..b]);
                rest = rest[b + 2..]
                    .find("*/")
                    .map_or("", |e| &rest[b + 2 + e + 2..]);
                out.push(' ');
            }
            _ => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What stylus-sdk 0.9's export-abi prints (abridged from rig-deed).
    const OUTPUT: &str = r#"/**
 * This file was automatically generated by Stylus and represents a Rust program.
 * For more information, please see [The Stylus SDK](https://github.com/OffchainLabs/stylus-sdk-rs).
 */

// SPDX-License-Identifier: MIT-OR-APACHE-2.0
pragma solidity ^0.8.23;

interface IRigDeed  {
    function OPERATOR_ROLE() external view returns (bytes32);

    function mint(address to, string calldata model, uint64 hashrate_ghs) external returns (uint256);

    function rig(uint256 token_id) external view returns (string memory, uint64, bytes32);

    error DeedInvalidText(uint8, uint256);

    error DeedZeroHashrate();
}
"#;

    #[test]
    fn reads_functions_and_errors() {
        let iface = parse_interface(OUTPUT).unwrap();
        assert_eq!(iface.names, ["IRigDeed"]);
        assert_eq!(
            iface.functions,
            [
                "function OPERATOR_ROLE() external view returns (bytes32)",
                "function mint(address to, string calldata model, uint64 hashrate_ghs) external returns (uint256)",
                "function rig(uint256 token_id) external view returns (string memory, uint64, bytes32)",
            ]
        );
        assert_eq!(
            iface.errors,
            [
                "error DeedInvalidText(uint8, uint256)",
                "error DeedZeroHashrate()"
            ]
        );
        assert!(iface.events.is_empty() && iface.structs.is_empty());
    }

    #[test]
    fn alloy_parses_export_abi_lines_as_they_are() {
        let iface = parse_interface(OUTPUT).unwrap();
        for f in &iface.functions {
            alloy_json_abi::Function::parse(f).unwrap_or_else(|e| panic!("{f}: {e}"));
        }
        for e in &iface.errors {
            alloy_json_abi::Error::parse(e).unwrap_or_else(|err| panic!("{e}: {err}"));
        }
    }

    #[test]
    fn inherited_interfaces_and_structs() {
        let text = "interface IParent {\n function a() external;\n}\n\ninterface IChild is IParent {\n function b(Point memory p) external returns (Line[] memory);\n\n struct Point {\n uint256 x;\n uint256 y;\n }\n\n struct Line {\n Point from;\n Point to;\n }\n}\n";
        let iface = parse_interface(text).unwrap();
        assert_eq!(iface.names, ["IParent", "IChild"]);
        assert_eq!(iface.functions.len(), 2);
        assert_eq!(iface.structs.len(), 2);
        let expanded = expand_structs(&iface.functions[1], &iface.structs).unwrap();
        assert_eq!(
            expanded,
            "function b((uint256,uint256) memory p) external returns (((uint256,uint256),(uint256,uint256))[] memory)"
        );
        let f = alloy_json_abi::Function::parse(&expanded).unwrap();
        assert_eq!(f.signature(), "b((uint256,uint256))");
    }

    #[test]
    fn unknown_statements_fail() {
        assert!(parse_interface("interface I {\n modifier x();\n}").is_err());
        assert!(parse_interface("interface I {\n function a() external;\n").is_err());
    }

    #[test]
    fn events_one_per_line() {
        assert_eq!(
            parse_events("event A(uint256 x)\n\n  event B()  \n"),
            ["event A(uint256 x)", "event B()"]
        );
    }
}
