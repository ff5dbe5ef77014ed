//! What stylus-sdk 0.9's export-abi leaves out, read from the contract's Rust source.
//!
//! export-abi prints only the `#[public]` inherent impl of the entrypoint struct: every
//! function of the `#[public] impl ITrait for Contract` blocks routed through
//! `#[implements(...)]` is missing (a known SDK 0.9 limitation, fixed in 0.10), and so are
//! `#[receive]` and `#[fallback]`. This module finds them with `syn` and states them the way
//! stylus-proc 0.9.2 routes them: the Solidity name is `#[selector(name = ..)]` or the Rust name
//! in lowerCamelCase (the same `convert_case` call), the mutability comes from the receiver
//! (`&self` view, `&mut self` nonpayable, none pure, `#[payable]` payable), a `Result<T, E>`
//! returns `T`, and Rust types map to Solidity types as the SDK's `AbiType` does.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

use super::macros::Macros;
use anyhow::{anyhow, bail, Context, Result};
use convert_case::{Case, Casing};
use quote::ToTokens;
use syn::{
    punctuated::Punctuated, Attribute, FnArg, ImplItem, ImplItemFn, Item, ItemImpl, Pat, Token,
    Type,
};

/// What the source adds to export-abi's interface.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SourceAbi {
    /// `function ...` declarations (human-readable, without data locations) of the routed
    /// trait impls, in source order.
    pub trait_functions: Vec<String>,
    /// The traits routed through `#[implements(...)]`, in attribute order.
    pub implements: Vec<String>,
    /// A `#[receive]` function exists (always payable).
    pub receive: bool,
    /// A `#[fallback]` function exists: `Some(payable)`.
    pub fallback: Option<bool>,
}

/// Reads `src/lib.rs` of the crate in `crate_dir` and the modules it declares (not
/// `#[cfg(test)]` ones), and collects what export-abi omits for the `#[entrypoint]` struct,
/// which must be named `contract`. Item macros defined with `macro_rules!` in the crate or in
/// one of `macro_crates` (crate directories) are expanded first (see [`super::macros`]).
pub fn scan(crate_dir: &Path, contract: &str, macro_crates: &[PathBuf]) -> Result<SourceAbi> {
    let items = crate_items(crate_dir)?;
    let mut macros = Macros::default();
    for dir in macro_crates {
        macros.add_definitions(&crate_items(dir)?);
    }
    macros.add_definitions(&items);
    scan_expanded(items, &macros, contract)
}

/// Every non-test item of the crate in `crate_dir`.
pub fn crate_items(crate_dir: &Path) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    collect_items(&crate_dir.join("src/lib.rs"), true, &mut items)?;
    Ok(items)
}

/// Expands the item macros it can, then [`scan_items`]; a trait block that is still missing
/// is reported with the macros that could not be expanded.
pub fn scan_expanded(mut items: Vec<Item>, macros: &Macros, contract: &str) -> Result<SourceAbi> {
    let mut unexpanded = Vec::new();
    for _round in 0..4 {
        let mut changed = false;
        let mut next = Vec::with_capacity(items.len());
        for item in items {
            match &item {
                Item::Macro(m) if !m.mac.path.is_ident("macro_rules") => match macros.expand(m) {
                    Ok(expanded) => {
                        next.extend(expanded);
                        changed = true;
                    }
                    Err(why) => {
                        unexpanded.push(why);
                        next.push(item);
                    }
                },
                _ => next.push(item),
            }
        }
        items = next;
        if !changed {
            break;
        }
        unexpanded.clear();
    }
    scan_items(&items, contract).map_err(|e| {
        if unexpanded.is_empty() {
            e
        } else {
            e.context(format!(
                "item macros the scan could not expand: {}",
                unexpanded.join("; ")
            ))
        }
    })
}

/// [`scan`] over already parsed, expanded items.
pub fn scan_items(items: &[Item], contract: &str) -> Result<SourceAbi> {
    let entrypoints: Vec<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) if has_attr(&s.attrs, "entrypoint") => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    if entrypoints != [contract] {
        bail!("expected one #[entrypoint] struct named {contract}, found {entrypoints:?}");
    }

    let public_impls: Vec<&ItemImpl> = items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(i)
                if has_attr(&i.attrs, "public")
                    && type_ident(&i.self_ty).as_deref() == Some(contract) =>
            {
                Some(i)
            }
            _ => None,
        })
        .collect();

    let mut out = SourceAbi::default();
    let inherent: Vec<&&ItemImpl> = public_impls.iter().filter(|i| i.trait_.is_none()).collect();
    let [inherent] = inherent[..] else {
        bail!(
            "expected one #[public] impl {contract} block, found {}",
            inherent.len()
        );
    };
    if let Some(attr) = inherent
        .attrs
        .iter()
        .find(|a| a.path().is_ident("implements"))
    {
        let types = attr
            .parse_args_with(Punctuated::<Type, Token![,]>::parse_terminated)
            .context("reading #[implements(...)]")?;
        for ty in &types {
            out.implements.push(
                type_ident(ty).with_context(|| format!("#[implements] entry {}", quote(ty)))?,
            );
        }
    }
    for f in functions(inherent) {
        if has_attr(&f.attrs, "receive") {
            out.receive = true;
        }
        if has_attr(&f.attrs, "fallback") {
            out.fallback = Some(has_attr(&f.attrs, "payable"));
        }
    }

    for name in &out.implements {
        let blocks: Vec<&&ItemImpl> = public_impls
            .iter()
            .filter(|i| {
                i.trait_
                    .as_ref()
                    .and_then(|(_, path, _)| path.segments.last())
                    .is_some_and(|s| s.ident == name)
            })
            .collect();
        let [block] = blocks[..] else {
            bail!("{contract} #[implements({name})] but has {} `#[public] impl {name} for {contract}` blocks", blocks.len());
        };
        for f in functions(block) {
            let special = ["receive", "fallback", "constructor"]
                .iter()
                .any(|a| has_attr(&f.attrs, a));
            if special {
                continue;
            }
            let line = function_line(f)
                .with_context(|| format!("{contract}: impl {name}, fn {}", f.sig.ident))?;
            out.trait_functions.push(line);
        }
    }
    Ok(out)
}

/// The human-readable Solidity declaration stylus-proc 0.9.2 routes for `f`.
pub fn function_line(f: &ImplItemFn) -> Result<String> {
    let sol_name = match selector_override(&f.attrs)? {
        Some(name) => name,
        None => f.sig.ident.to_string().to_case(Case::Camel),
    };

    // Purity::infer: the first argument decides (receiver or a `&`/`&mut` storage argument).
    let mut inputs = f.sig.inputs.iter().peekable();
    let inferred = match inputs.peek() {
        Some(FnArg::Receiver(r)) => Some(r.mutability.is_some()),
        Some(FnArg::Typed(t)) => match &*t.ty {
            Type::Reference(r) => Some(r.mutability.is_some()),
            _ => None,
        },
        None => None,
    };
    if inferred.is_some() {
        inputs.next(); // self or the storage argument
    }
    let mutability = if has_attr(&f.attrs, "payable") {
        " payable"
    } else {
        match inferred {
            None => " pure",
            Some(false) => " view",
            Some(true) => "",
        }
    };

    let mut args = Vec::new();
    for arg in inputs {
        let FnArg::Typed(arg) = arg else {
            bail!("unexpected receiver")
        };
        let ty = sol_type(&arg.ty)?;
        let name = pattern_name(&arg.pat)
            .map(|n| underscore_if_sol(&n))
            .unwrap_or_default();
        args.push(if name.is_empty() {
            ty
        } else {
            format!("{ty} {name}")
        });
    }

    let returns = match &f.sig.output {
        syn::ReturnType::Default => Vec::new(),
        syn::ReturnType::Type(_, ty) => return_types(ok_type(ty))?,
    };
    let returns = if returns.is_empty() {
        String::new()
    } else {
        format!(" returns ({})", returns.join(", "))
    };
    Ok(format!(
        "function {sol_name}({}) external{mutability}{returns}",
        args.join(", ")
    ))
}

/// The Solidity type the SDK's `AbiType` gives a Rust type.
pub fn sol_type(ty: &Type) -> Result<String> {
    match ty {
        Type::Paren(p) => sol_type(&p.elem),
        Type::Group(g) => sol_type(&g.elem),
        Type::Tuple(t) => {
            let parts: Result<Vec<String>> = t.elems.iter().map(sol_type).collect();
            Ok(format!("({})", parts?.join(",")))
        }
        Type::Array(a) => Ok(format!("{}[{}]", sol_type(&a.elem)?, quote(&a.len))),
        Type::Path(p) if p.qself.is_none() => {
            let seg = p
                .path
                .segments
                .last()
                .ok_or_else(|| anyhow!("empty type path"))?;
            let name = seg.ident.to_string();
            let generics: Vec<&syn::GenericArgument> = match &seg.arguments {
                syn::PathArguments::AngleBracketed(a) => a.args.iter().collect(),
                _ => Vec::new(),
            };
            let const_arg = |i: usize| -> Result<u32> {
                match generics.get(i) {
                    Some(syn::GenericArgument::Const(syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Int(n),
                        ..
                    }))) => Ok(n.base10_parse()?),
                    _ => bail!("`{}` needs a literal size to map to Solidity", quote(ty)),
                }
            };
            let bits = |prefix: &str| {
                name.strip_prefix(prefix)
                    .and_then(|n| n.parse::<u32>().ok())
            };
            Ok(match name.as_str() {
                "Address" => "address".into(),
                "bool" => "bool".into(),
                "String" => "string".into(),
                "Bytes" => "bytes".into(),
                "u8" | "u16" | "u32" | "u64" | "u128" => format!("uint{}", &name[1..]),
                "i8" | "i16" | "i32" | "i64" | "i128" => format!("int{}", &name[1..]),
                "Vec" => match generics.first() {
                    Some(syn::GenericArgument::Type(inner)) => format!("{}[]", sol_type(inner)?),
                    _ => bail!("Vec without an element type"),
                },
                "FixedBytes" => format!("bytes{}", const_arg(0)?),
                "Uint" => format!("uint{}", const_arg(0)?),
                "Signed" => format!("int{}", const_arg(0)?),
                _ => match (bits("U"), bits("I"), bits("B")) {
                    (Some(n), _, _) if n > 0 && n <= 256 && n % 8 == 0 => format!("uint{n}"),
                    (_, Some(n), _) if n > 0 && n <= 256 && n % 8 == 0 => format!("int{n}"),
                    (_, _, Some(n)) if n > 0 && n <= 256 && n % 8 == 0 => format!("bytes{}", n / 8),
                    _ => bail!("no Solidity type known for Rust type `{}`", quote(ty)),
                },
            })
        }
        _ => bail!("no Solidity type known for Rust type `{}`", quote(ty)),
    }
}

/// `T` of `Result<T, E>`, else the type itself.
fn ok_type(ty: &Type) -> &Type {
    if let Type::Path(p) = ty {
        if let Some(seg) = p.path.segments.last() {
            // rigshare_common's `Outputs<T>` and `TryOutputs<T, E>` return T as several values.
            if seg.ident == "Result" || seg.ident == "Outputs" || seg.ident == "TryOutputs" {
                if let syn::PathArguments::AngleBracketed(a) = &seg.arguments {
                    if let Some(syn::GenericArgument::Type(t)) = a.args.first() {
                        return t;
                    }
                }
            }
        }
    }
    ty
}

/// A return type as the list of Solidity outputs (a tuple is several, `()` none).
fn return_types(ty: &Type) -> Result<Vec<String>> {
    match ty {
        Type::Tuple(t) => t.elems.iter().map(sol_type).collect(),
        Type::Paren(p) => return_types(&p.elem),
        _ => Ok(vec![sol_type(ty)?]),
    }
}

/// stylus-sdk's `underscore_if_sol`: argument names that are Solidity keywords get a `_`.
pub fn underscore_if_sol(name: &str) -> String {
    let sized = |prefix: &str, ok: fn(u32) -> bool| {
        name.strip_prefix(prefix)
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(ok)
    };
    let reserved = sized("uint", |b| b % 8 == 0)
        || sized("int", |b| b % 8 == 0)
        || sized("bytes", |b| b <= 32)
        || matches!(
            name,
            "address"
                | "bool"
                | "int"
                | "uint"
                | "is"
                | "contract"
                | "interface"
                | "after"
                | "alias"
                | "apply"
                | "auto"
                | "byte"
                | "case"
                | "copyof"
                | "default"
                | "define"
                | "final"
                | "implements"
                | "in"
                | "inline"
                | "let"
                | "macro"
                | "match"
                | "mutable"
                | "null"
                | "of"
                | "partial"
                | "promise"
                | "reference"
                | "relocatable"
                | "sealed"
                | "sizeof"
                | "static"
                | "supports"
                | "switch"
                | "typedef"
                | "typeof"
                | "var"
        );
    if reserved {
        format!("_{name}")
    } else {
        name.to_owned()
    }
}

fn functions(block: &ItemImpl) -> impl Iterator<Item = &ImplItemFn> {
    block.items.iter().filter_map(|item| match item {
        ImplItem::Fn(f) => Some(f),
        _ => None,
    })
}

fn selector_override(attrs: &[Attribute]) -> Result<Option<String>> {
    let Some(attr) = attrs.iter().find(|a| a.path().is_ident("selector")) else {
        return Ok(None);
    };
    let mut name = None;
    attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("name") {
            let lit: syn::LitStr = meta.value()?.parse()?;
            name = Some(lit.value());
            Ok(())
        } else {
            Err(meta.error("expected `name = \"...\"`"))
        }
    })?;
    name.map(Some)
        .ok_or_else(|| anyhow!("#[selector] without a name"))
}

fn pattern_name(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(p) => Some(p.ident.to_string()),
        Pat::Reference(r) => pattern_name(&r.pat),
        _ => None,
    }
}

/// `#[name]` or `#[some::path::name]`.
fn has_attr(attrs: &[Attribute], name: &str) -> bool {
    attrs
        .iter()
        .any(|a| a.path().segments.last().is_some_and(|s| s.ident == name))
}

/// Whether `attrs` keep an item in the build that export-abi runs: native (not wasm32), with
/// the `export-abi` feature and no other, not a test build. A contract may route differently
/// on chain (RigShares' main module hands some selectors to its extension module), and its
/// ABI is everything its native build routes. A predicate it cannot read keeps the item.
pub fn in_export_abi_build(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .all(|a| a.parse_args::<syn::Meta>().map_or(true, |m| cfg_holds(&m)))
}

/// A `cfg` predicate evaluated for [`in_export_abi_build`].
fn cfg_holds(meta: &syn::Meta) -> bool {
    let name = meta.path().get_ident().map(ToString::to_string).unwrap_or_default();
    match meta {
        // `test`, and any other bare flag of a special build.
        syn::Meta::Path(_) => false,
        syn::Meta::NameValue(nv) => {
            let value = match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => s.value(),
                _ => return true,
            };
            match name.as_str() {
                "feature" => value == "export-abi",
                "target_arch" => value != "wasm32",
                _ => true,
            }
        }
        syn::Meta::List(list) => {
            let Ok(nested) = list.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated) else {
                return true;
            };
            match name.as_str() {
                "all" => nested.iter().all(cfg_holds),
                "any" => nested.iter().any(cfg_holds),
                "not" => !nested.iter().all(cfg_holds),
                _ => true,
            }
        }
    }
}

fn type_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn quote<T: ToTokens>(t: &T) -> String {
    t.to_token_stream().to_string()
}

/// Parses `file` and, recursively, the files of the `mod x;` it declares (outside tests).
fn collect_items(file: &Path, is_root: bool, out: &mut Vec<Item>) -> Result<()> {
    let text = fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let parsed = syn::parse_file(&text).with_context(|| format!("parsing {}", file.display()))?;
    // `lib.rs` and `mod.rs` own the directory they sit in; `foo.rs` owns `foo/`.
    let dir: PathBuf = if is_root || file.file_name().is_some_and(|n| n == "mod.rs") {
        file.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        file.with_extension("")
    };
    let mut seen = BTreeSet::new();
    collect_module(parsed.items, &dir, out, &mut seen)
}

fn collect_module(
    items: Vec<Item>,
    dir: &Path,
    out: &mut Vec<Item>,
    seen: &mut BTreeSet<PathBuf>,
) -> Result<()> {
    for item in items {
        match item {
            Item::Mod(m) if !in_export_abi_build(&m.attrs) => {}
            Item::Mod(m) => match m.content {
                Some((_, inner)) => {
                    collect_module(inner, &dir.join(m.ident.to_string()), out, seen)?
                }
                None => {
                    let name = m.ident.to_string();
                    let flat = dir.join(format!("{name}.rs"));
                    let nested = dir.join(&name).join("mod.rs");
                    let file = if flat.exists() { flat } else { nested };
                    if seen.insert(file.clone()) {
                        collect_items(&file, false, out)?;
                    }
                }
            },
            other if in_export_abi_build(item_attrs(&other)) => out.push(other),
            _ => {}
        }
    }
    Ok(())
}

/// The outer attributes of an item (none for the kinds the scan never reads).
fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Impl(i) => &i.attrs,
        Item::Struct(s) => &s.attrs,
        Item::Macro(m) => &m.attrs,
        Item::Trait(t) => &t.attrs,
        Item::Fn(f) => &f.attrs,
        Item::Const(c) => &c.attrs,
        Item::Mod(m) => &m.attrs,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_kept_as_the_native_export_abi_build_keeps_them() {
        let kept = |cfg: &str| {
            let item: syn::ItemFn = syn::parse_str(&format!("{cfg} fn f() {{}}")).unwrap();
            in_export_abi_build(&item.attrs)
        };
        assert!(kept(""));
        assert!(kept("#[cfg(not(target_arch = \"wasm32\"))]"));
        assert!(!kept("#[cfg(all(target_arch = \"wasm32\", not(feature = \"extension\")))]"));
        assert!(!kept("#[cfg(all(target_arch = \"wasm32\", feature = \"extension\"))]"));
        assert!(!kept("#[cfg(test)]"));
        assert!(kept("#[cfg(not(test))]"));
        assert!(kept("#[cfg(feature = \"export-abi\")]"));
        assert!(!kept("#[cfg(feature = \"extension\")]"));
        assert!(kept("#[cfg(any(test, feature = \"export-abi\"))]"));
        assert!(!kept("#[cfg(not(any(test, feature = \"export-abi\")))]"));
        assert!(!kept("#[cfg(test)] #[cfg(feature = \"export-abi\")]"));
    }

    fn scan_str(src: &str, contract: &str) -> Result<SourceAbi> {
        let items = syn::parse_file(src).unwrap().items;
        let mut macros = Macros::default();
        macros.add_definitions(&items);
        scan_expanded(items, &macros, contract)
    }

    const SRC: &str = r#"
        #[entrypoint]
        #[storage]
        pub struct Token { erc20: Erc20 }

        #[public]
        #[implements(IErc20<Error = Error>, IErc165)]
        impl Token {
            pub fn mint(&mut self, to: Address, amount: U256) -> Result<(), Error> { todo!() }
            #[receive]
            #[payable]
            pub fn receive(&mut self) -> Result<(), Vec<u8>> { Ok(()) }
        }

        #[public]
        impl IErc20 for Token {
            type Error = Error;
            fn total_supply(&self) -> U256 { todo!() }
            fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Error> { todo!() }
            #[selector(name = "DOMAIN_SEPARATOR")]
            fn domain_separator(&self) -> B256 { todo!() }
            fn backing(&self, owner: Address) -> (U256, U256, U256) { todo!() }
            #[payable]
            fn pay(&mut self, data: Bytes, ids: Vec<U256>, fixed: FixedBytes<1>, id: B32, d: U8) {}
            fn on_erc721_received(&mut self, operator: Address, from: Address, token_id: U256, _data: Bytes) -> Result<B32, Error> { todo!() }
            fn version() -> String { todo!() }
            fn keyword(&self, address: Address, uint8: u8) -> bool { todo!() }
        }

        #[public]
        impl IErc165 for Token {
            fn supports_interface(&self, interface_id: B32) -> bool { todo!() }
        }

        #[public]
        impl INotRouted for Token {
            fn hidden(&self) -> bool { todo!() }
        }
    "#;

    #[test]
    fn trait_functions_as_stylus_routes_them() {
        let abi = scan_str(SRC, "Token").unwrap();
        assert_eq!(abi.implements, ["IErc20", "IErc165"]);
        assert_eq!(
            abi.trait_functions,
            [
                "function totalSupply() external view returns (uint256)",
                "function transfer(address to, uint256 value) external returns (bool)",
                "function DOMAIN_SEPARATOR() external view returns (bytes32)",
                "function backing(address owner) external view returns (uint256, uint256, uint256)",
                "function pay(bytes data, uint256[] ids, bytes1 fixed, bytes4 id, uint8 d) external payable",
                "function onErc721Received(address operator, address from, uint256 token_id, bytes _data) external returns (bytes4)",
                "function version() external pure returns (string)",
                "function keyword(address _address, uint8 _uint8) external view returns (bool)",
                "function supportsInterface(bytes4 interface_id) external view returns (bool)",
            ]
        );
        assert!(abi.receive);
        assert_eq!(abi.fallback, None);
    }

    #[test]
    fn every_line_parses_with_alloy() {
        for line in scan_str(SRC, "Token").unwrap().trait_functions {
            alloy_json_abi::Function::parse(&line).unwrap_or_else(|e| panic!("{line}: {e}"));
        }
    }

    /// `SRC` with its `IErc165` block replaced by `replacement`.
    fn with_erc165_block(replacement: &str) -> String {
        let block_start = SRC
            .find("        #[public]\n        impl IErc165 for Token")
            .unwrap();
        let block_end = SRC
            .find("        #[public]\n        impl INotRouted")
            .unwrap();
        format!("{}{}{}", &SRC[..block_start], replacement, &SRC[block_end..])
    }

    #[test]
    fn trait_impls_written_by_a_macro_are_found() {
        let src = with_erc165_block(
            "macro_rules! erc165 { ($c:ty) => { #[stylus_sdk::prelude::public] impl IErc165 for $c { fn supports_interface(&self, interface_id: B32) -> bool { todo!() } } }; }\n erc165!(Token);\n",
        );
        let direct = scan_str(SRC, "Token").unwrap();
        assert_eq!(scan_str(&src, "Token").unwrap(), direct);
    }

    #[test]
    fn a_missing_block_names_the_macros_not_expanded() {
        let src = with_erc165_block("other_crate::erc165!(Token);\n");
        let err = format!("{:#}", scan_str(&src, "Token").unwrap_err());
        assert!(
            err.contains("erc165! is not a workspace macro_rules!"),
            "{err}"
        );
        assert!(err.contains("#[implements(IErc165)]"), "{err}");
    }

    #[test]
    fn the_entrypoint_must_be_the_named_contract() {
        let err = scan_str(SRC, "Other").unwrap_err();
        assert!(
            err.to_string()
                .contains("expected one #[entrypoint] struct named Other"),
            "{err}"
        );
    }

    #[test]
    fn an_implemented_trait_needs_its_block() {
        let src = SRC.replace("impl IErc165 for Token", "impl IOther for Token");
        let err = scan_str(&src, "Token").unwrap_err();
        assert!(err.to_string().contains("#[implements(IErc165)]"), "{err}");
    }

    #[test]
    fn unknown_types_are_an_error() {
        let src = SRC.replace(
            "fn total_supply(&self) -> U256",
            "fn total_supply(&self) -> MyAlias",
        );
        let err = format!("{:#}", scan_str(&src, "Token").unwrap_err());
        assert!(
            err.contains("total_supply") && err.contains("MyAlias"),
            "{err}"
        );
    }

    #[test]
    fn solidity_types() {
        let t = |s: &str| sol_type(&syn::parse_str::<Type>(s).unwrap()).unwrap();
        assert_eq!(t("alloy_primitives::Address"), "address");
        assert_eq!(t("U64"), "uint64");
        assert_eq!(t("I256"), "int256");
        assert_eq!(t("B256"), "bytes32");
        assert_eq!(t("Uint<96, 2>"), "uint96");
        assert_eq!(t("[u16; 3]"), "uint16[3]");
        assert_eq!(t("Vec<(Address, bool)>"), "(address,bool)[]");
        assert_eq!(t("Vec<u8>"), "uint8[]");
    }
}
