//! Just enough `macro_rules!` expansion for [`super::source`]: a contract may write a trait impl
//! through a workspace macro (`rigshare_common::public_access_control!(RigDeed, Error)`), and
//! the scan must see the impl it expands to.
//!
//! Supported: arms whose pattern is fragments (`$name:ty`, `$name:ident`, ...) and literal
//! tokens, without repetitions. Anything else is reported as not expandable, and the scan's
//! "every `#[implements]` trait has its block" check turns a miss into an error.

use std::collections::BTreeMap;

use proc_macro2::{Group, Ident, Span, TokenStream, TokenTree};
use syn::{Item, ItemMacro};

/// `macro_rules!` definitions by name: the arms as `(pattern, body)`.
#[derive(Debug, Default, Clone)]
pub struct Macros(BTreeMap<String, Vec<(TokenStream, TokenStream)>>);

impl Macros {
    /// Collects every `macro_rules!` among `items`.
    pub fn add_definitions(&mut self, items: &[Item]) {
        for item in items {
            if let Item::Macro(m) = item {
                if m.mac.path.is_ident("macro_rules") {
                    if let Some(name) = &m.ident {
                        self.0.insert(name.to_string(), arms(m.mac.tokens.clone()));
                    }
                }
            }
        }
    }

    /// The items `invocation` expands to, if it names a known macro with a supported arm
    /// that matches; `Err` says why not.
    pub fn expand(&self, invocation: &ItemMacro) -> Result<Vec<Item>, String> {
        let name = invocation
            .mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let arms = self
            .0
            .get(&name)
            .ok_or_else(|| format!("{name}! is not a workspace macro_rules!"))?;
        for (pattern, body) in arms {
            let Some(pattern) = parse_pattern(pattern.clone()) else {
                continue;
            };
            let Some(bindings) = bind(&pattern, invocation.mac.tokens.clone()) else {
                continue;
            };
            let expanded = substitute(body.clone(), &bindings);
            return syn::parse2::<syn::File>(expanded)
                .map(|f| f.items)
                .map_err(|e| format!("{name}! does not expand to items: {e}"));
        }
        Err(format!(
            "{name}! has no arm the scan can expand (repetitions are not supported)"
        ))
    }
}

fn arms(tokens: TokenStream) -> Vec<(TokenStream, TokenStream)> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= trees.len() {
        match (
            &trees[i],
            trees.get(i + 1),
            trees.get(i + 2),
            trees.get(i + 3),
        ) {
            (
                TokenTree::Group(p),
                Some(TokenTree::Punct(eq)),
                Some(TokenTree::Punct(gt)),
                Some(TokenTree::Group(b)),
            ) if eq.as_char() == '=' && gt.as_char() == '>' => {
                out.push((p.stream(), b.stream()));
                i += 4;
                if let Some(TokenTree::Punct(semi)) = trees.get(i) {
                    if semi.as_char() == ';' {
                        i += 1;
                    }
                }
            }
            _ => break,
        }
    }
    out
}

#[derive(Debug)]
enum Element {
    /// `$name:fragment`
    Var(String, String),
    /// A token that must appear as is.
    Literal(String),
}

fn parse_pattern(pattern: TokenStream) -> Option<Vec<Element>> {
    let trees: Vec<TokenTree> = pattern.into_iter().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < trees.len() {
        match &trees[i] {
            TokenTree::Punct(p) if p.as_char() == '$' => {
                match (trees.get(i + 1), trees.get(i + 2), trees.get(i + 3)) {
                    (
                        Some(TokenTree::Ident(name)),
                        Some(TokenTree::Punct(colon)),
                        Some(TokenTree::Ident(frag)),
                    ) if colon.as_char() == ':' => {
                        out.push(Element::Var(name.to_string(), frag.to_string()));
                        i += 4;
                    }
                    _ => return None, // `$( ... )*` and friends
                }
            }
            TokenTree::Group(_) => return None,
            other => {
                out.push(Element::Literal(other.to_string()));
                i += 1;
            }
        }
    }
    Some(out)
}

fn bind(pattern: &[Element], args: TokenStream) -> Option<BTreeMap<String, TokenStream>> {
    let trees: Vec<TokenTree> = args.into_iter().collect();
    let mut bindings = BTreeMap::new();
    let mut pos = 0;
    for (k, element) in pattern.iter().enumerate() {
        match element {
            Element::Literal(lit) => {
                if trees.get(pos)?.to_string() != *lit {
                    return None;
                }
                pos += 1;
            }
            Element::Var(name, frag) => {
                let end = if matches!(frag.as_str(), "ident" | "tt" | "lifetime" | "literal") {
                    pos + 1
                } else {
                    // Up to the next literal of the pattern at angle-bracket depth 0, or the end.
                    match pattern.get(k + 1) {
                        Some(Element::Literal(next)) => {
                            let mut depth = 0i32;
                            let mut j = pos;
                            loop {
                                let tree = trees.get(j)?;
                                let text = tree.to_string();
                                if depth == 0 && text == *next {
                                    break j;
                                }
                                match text.as_str() {
                                    "<" => depth += 1,
                                    ">" => depth -= 1,
                                    _ => {}
                                }
                                j += 1;
                            }
                        }
                        Some(Element::Var(..)) => return None,
                        None => trees.len(),
                    }
                };
                if end <= pos || end > trees.len() {
                    return None;
                }
                bindings.insert(name.clone(), trees[pos..end].iter().cloned().collect());
                pos = end;
            }
        }
    }
    // A trailing comma is allowed after the last element.
    let rest: Vec<String> = trees[pos..].iter().map(ToString::to_string).collect();
    (rest.is_empty() || rest == [","]).then_some(bindings)
}

fn substitute(body: TokenStream, bindings: &BTreeMap<String, TokenStream>) -> TokenStream {
    let trees: Vec<TokenTree> = body.into_iter().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < trees.len() {
        match (&trees[i], trees.get(i + 1)) {
            (TokenTree::Punct(p), Some(TokenTree::Ident(name))) if p.as_char() == '$' => {
                if let Some(bound) = bindings.get(&name.to_string()) {
                    out.extend(bound.clone());
                } else if name == "crate" {
                    out.push(TokenTree::Ident(Ident::new("crate", Span::call_site())));
                } else {
                    out.push(trees[i].clone());
                    out.push(trees[i + 1].clone());
                }
                i += 2;
            }
            (TokenTree::Group(g), _) => {
                let mut group = Group::new(g.delimiter(), substitute(g.stream(), bindings));
                group.set_span(g.span());
                out.push(TokenTree::Group(group));
                i += 1;
            }
            (other, _) => {
                out.push(other.clone());
                i += 1;
            }
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFS: &str = r#"
        #[macro_export]
        macro_rules! public_access_control {
            ($contract:ty, $error:ty) => {
                #[::stylus_sdk::prelude::public]
                impl ::openzeppelin_stylus::access::control::IAccessControl for $contract {
                    type Error = $error;
                    fn has_role(&self, role: ::alloy_primitives::B256, account: ::alloy_primitives::Address) -> bool { todo!() }
                    fn grant_role(&mut self, role: B256, account: Address) -> Result<(), $error> { todo!() }
                }
            };
        }
        macro_rules! forward_errors {
            ($target:ty : $src:path { $($variant:ident),+ $(,)? }) => {};
        }
    "#;

    fn macros() -> Macros {
        let mut m = Macros::default();
        m.add_definitions(&syn::parse_file(DEFS).unwrap().items);
        m
    }

    fn invocation(src: &str) -> ItemMacro {
        syn::parse_str(src).unwrap()
    }

    #[test]
    fn expands_a_fragment_macro() {
        let items = macros()
            .expand(&invocation(
                "rigshare_common::public_access_control!(RigDeed, Error);",
            ))
            .unwrap();
        let [Item::Impl(block)] = &items[..] else {
            panic!("expected one impl, got {} items", items.len())
        };
        assert_eq!(
            quote::quote!(#block).to_string().matches("RigDeed").count(),
            1
        );
        assert!(quote::quote!(#block)
            .to_string()
            .contains("Result < () , Error >"));
    }

    #[test]
    fn generic_types_bind_whole() {
        let items = macros()
            .expand(&invocation("public_access_control!(Pool<A, B>, Error);"))
            .unwrap();
        let [Item::Impl(block)] = &items[..] else {
            panic!()
        };
        let self_ty = &block.self_ty;
        assert_eq!(
            quote::quote!(#self_ty).to_string().replace(' ', ""),
            "Pool<A,B>"
        );
    }

    #[test]
    fn repetitions_and_unknown_macros_are_reported() {
        let err = macros()
            .expand(&invocation(
                "forward_errors!(Error: erc20::Error { A, B });",
            ))
            .err()
            .unwrap();
        assert!(err.contains("no arm"), "{err}");
        let err = macros()
            .expand(&invocation("sol! { event A(); }"))
            .err()
            .unwrap();
        assert!(err.contains("not a workspace macro_rules"), "{err}");
    }
}
