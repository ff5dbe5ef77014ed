//! The selectors a compiled contract dispatches on, read from its wasm.
//!
//! The SDK's router is `match selector { SEL_A => .., SEL_B => .., _ => trait routers }`, all
//! `#[inline(always)]` into one function. LLVM compiles it to comparisons of the selector (in
//! a local) with constants: `local.get $sel; i32.const SEL; i32.eq` and the like, with the
//! selector as a big-endian `u32` or, where it compares the raw little-endian load, byte-
//! swapped. This module finds the router (the function with the most comparisons against
//! known selectors) and lists what it compares with.
//!
//! It is a reading of compiler output, not of the SDK's source: [`Router::missing`] (a known
//! selector absent from the router) is reliable; [`Router::unknown`] (a selector-like
//! constant the ABI does not explain) is a strong hint that relies on the main dispatch
//! comparing one local.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result};
use wasmparser::{Operator, Parser, Payload};

/// `stylus_constructor()`, which the SDK routes itself.
pub const CONSTRUCTOR_SELECTOR: u32 = u32::from_be_bytes(devnode::dev::CONSTRUCTOR_SELECTOR);

/// One comparison `local <op> const` in the router.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Comparison {
    local: u32,
    value: u32,
}

/// What a module's router compares the selector with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Router {
    /// Index of the router among the module's defined functions.
    pub function: usize,
    /// Every `i32.const` of the router.
    constants: BTreeSet<u32>,
    /// Constants compared with the local that holds the selector in the main dispatch.
    dispatched: BTreeSet<u32>,
}

impl Router {
    /// Finds the router of `wasm`, using `known` (the ABI's selectors) to recognise it.
    pub fn find(wasm: &[u8], known: &BTreeSet<u32>) -> Result<Router> {
        let matches = |v: u32| known.contains(&v) || known.contains(&v.swap_bytes());
        let mut best: Option<(usize, Router)> = None;
        let mut index = 0;
        for payload in Parser::new(0).parse_all(wasm) {
            let Payload::CodeSectionEntry(body) = payload.context("reading the module")? else {
                continue;
            };
            let mut ops = body.get_operators_reader()?;
            let mut window: Vec<Operator> = Vec::with_capacity(3);
            let mut constants = BTreeSet::new();
            let mut comparisons = Vec::new();
            while !ops.eof() {
                let op = ops.read()?;
                if let Operator::I32Const { value } = op {
                    constants.insert(value as u32);
                }
                if window.len() == 3 {
                    window.remove(0);
                }
                window.push(op);
                if let [first, Operator::I32Const { value }, cmp] = &window[..] {
                    let local = match first {
                        Operator::LocalGet { local_index } | Operator::LocalTee { local_index } => {
                            Some(*local_index)
                        }
                        _ => None,
                    };
                    if let (Some(local), true) = (local, is_comparison(cmp)) {
                        comparisons.push(Comparison {
                            local,
                            value: *value as u32,
                        });
                    }
                }
            }
            // The selector local: the one compared most often with known selectors.
            let mut per_local: BTreeMap<u32, usize> = BTreeMap::new();
            for c in comparisons.iter().filter(|c| matches(c.value)) {
                *per_local.entry(c.local).or_default() += 1;
            }
            let score: usize = per_local.values().sum();
            let selector_local = per_local.iter().max_by_key(|(_, n)| **n).map(|(l, _)| *l);
            let dispatched = comparisons
                .iter()
                .filter(|c| Some(c.local) == selector_local)
                .map(|c| c.value)
                .collect();
            if score > 0 && best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((
                    score,
                    Router {
                        function: index,
                        constants,
                        dispatched,
                    },
                ));
            }
            index += 1;
        }
        best.map(|(_, r)| r)
            .context("no function compares anything with the ABI's selectors")
    }

    /// Selectors of `known` that the router never mentions (in either byte order).
    pub fn missing(&self, known: &BTreeSet<u32>) -> Vec<u32> {
        known
            .iter()
            .copied()
            .filter(|s| !self.constants.contains(s) && !self.constants.contains(&s.swap_bytes()))
            .collect()
    }

    /// Selector-like constants (not small numbers) the main dispatch compares with that are
    /// neither in `known` nor the constructor's selector.
    pub fn unknown(&self, known: &BTreeSet<u32>) -> Vec<u32> {
        let explained = |v: u32| {
            [v, v.swap_bytes()]
                .iter()
                .any(|x| known.contains(x) || *x == CONSTRUCTOR_SELECTOR)
        };
        self.dispatched
            .iter()
            .copied()
            .filter(|v| (*v as i32).unsigned_abs() > 0xffff && !explained(*v))
            .collect()
    }
}

fn is_comparison(op: &Operator) -> bool {
    use Operator::*;
    matches!(
        op,
        I32Eq | I32Ne | I32LtU | I32LtS | I32GtU | I32GtS | I32LeU | I32LeS | I32GeU | I32GeS
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A router in the shape LLVM gives the SDK's: a chain of `i32.eq` on a local.
    const ROUTER: &str = r#"
        (module
          (memory 1)
          (func $helper (param i32) (result i32) (i32.eq (local.get 0) (i32.const 0x7965db0b)))
          (func $route (param $sel i32) (result i32)
            (if (i32.eq (local.get $sel) (i32.const 0x70a08231)) (then (return (i32.const 1))))
            (if (i32.eq (local.get $sel) (i32.const 0xa9059cbb)) (then (return (i32.const 2))))
            (if (i32.ne (local.get $sel) (i32.const 0x12345678)) (then (return (i32.const 3))))
            (if (i32.eq (local.get $sel) (i32.const -1)) (then (return (i32.const 4))))
            (if (i32.eq (i32.load (i32.const 0)) (i32.const 0x8d258555)) (then (return (i32.const 5))))
            (i32.const 0)))
    "#;

    fn known(list: &[u32]) -> BTreeSet<u32> {
        list.iter().copied().collect()
    }

    #[test]
    fn finds_the_router_and_what_it_dispatches() {
        let wasm = wat::parse_str(ROUTER).unwrap();
        let abi = known(&[0x70a08231, 0xa9059cbb]);
        let router = Router::find(&wasm, &abi).unwrap();
        assert_eq!(router.function, 1);
        assert!(router.missing(&abi).is_empty());
        // 0x12345678 is dispatched but not in the ABI; -1 is a small number; the constructor
        // selector (byte-swapped, not on the selector local) is expected.
        assert_eq!(router.unknown(&abi), vec![0x12345678]);
    }

    #[test]
    fn missing_selectors_are_listed_in_either_byte_order() {
        let wasm = wat::parse_str(ROUTER).unwrap();
        let abi = known(&[0x70a08231, 0xa9059cbb, 0x12345678, 0x5585258d, 0xdeadbeef]);
        let router = Router::find(&wasm, &abi).unwrap();
        assert_eq!(router.missing(&abi), vec![0xdeadbeef]);
        assert!(router.unknown(&abi).is_empty());
    }

    #[test]
    fn no_router_without_known_selectors() {
        let wasm = wat::parse_str(ROUTER).unwrap();
        assert!(Router::find(&wasm, &known(&[0x01020304])).is_err());
    }
}
