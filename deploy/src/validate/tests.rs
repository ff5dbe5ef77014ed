//! Tiny hand-written modules, each breaking one activation rule.

use super::*;

/// A minimal module that passes: one exported memory, the entry point and one host import.
const GOOD: &str = r#"
    (module
      (import "vm_hooks" "read_args" (func $read_args (param i32)))
      (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
      (memory (export "memory") 1)
      (func (export "user_entrypoint") (param i32) (result i32)
        (call $read_args (i32.const 0))
        (call $pay (i32.const 1))
        (drop (memory.grow (i32.const 1)))
        (memory.copy (i32.const 0) (i32.const 8) (i32.const 4))
        (memory.fill (i32.const 0) (i32.const 0) (i32.const 4))
        (i32.const 0)))
"#;

fn rules(wat: &str) -> Vec<Rule> {
    check(&wat::parse_str(wat).expect("test module parses"))
}

/// `GOOD` with `body` added to the entry point (before its result).
fn with_body(body: &str) -> String {
    GOOD.replace("(i32.const 0)))\n", &format!("{body}\n (i32.const 0)))\n"))
}

fn ids(rules: &[Rule]) -> Vec<&'static str> {
    rules.iter().map(Rule::id).collect()
}

#[test]
fn a_well_formed_module_passes() {
    assert_eq!(rules(GOOD), vec![]);
    assert!(validate("good", &wat::parse_str(GOOD).unwrap()).is_ok());
}

#[test]
fn float_arithmetic_is_rejected() {
    let r = rules(&with_body("(drop (f64.add (f64.const 1) (f64.const 2)))"));
    assert!(r.iter().any(|r| matches!(r, Rule::FloatOperator { op, kind: FloatKind::Arithmetic, .. } if op == "F64Add")), "{r:?}");
}

#[test]
fn float_comparison_is_rejected() {
    let r = rules(&with_body("(drop (f32.lt (f32.const 1) (f32.const 2)))"));
    assert!(
        r.iter().any(|r| matches!(
            r,
            Rule::FloatOperator {
                kind: FloatKind::Comparison,
                ..
            }
        )),
        "{r:?}"
    );
}

#[test]
fn float_conversion_is_rejected_even_saturating() {
    let r = rules(&with_body("(drop (i32.trunc_sat_f64_s (f64.const 1)))"));
    assert!(r.iter().any(|r| matches!(r, Rule::FloatOperator { op, kind: FloatKind::Conversion, .. } if op == "I32TruncSatF64S")), "{r:?}");
    let r = rules(&with_body("(drop (f64.convert_i32_u (i32.const 1)))"));
    assert!(
        r.iter().any(|r| matches!(
            r,
            Rule::FloatOperator {
                kind: FloatKind::Conversion,
                ..
            }
        )),
        "{r:?}"
    );
}

#[test]
fn float_constants_are_refused_as_unmeterable() {
    assert_eq!(
        rules(&with_body("(drop (f32.const 1))")),
        vec![Rule::FloatOperator {
            func: 2,
            op: "F32Const".into(),
            kind: FloatKind::Unmeterable
        }]
    );
}

#[test]
fn memory_init_and_data_drop_are_rejected() {
    let wat = with_body("(memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop 0)")
        .replace(
            "(memory (export \"memory\") 1)",
            "(memory (export \"memory\") 1) (data \"x\")",
        );
    let r = rules(&wat);
    assert_eq!(
        ids(&r)
            .iter()
            .filter(|id| **id == "bulk-memory-operator")
            .count(),
        2,
        "{r:?}"
    );
    // A passive data segment used by memory.init makes the encoder emit a DataCount section.
    assert!(r.contains(&Rule::DataCountSection), "{r:?}");
}

#[test]
fn table_operators_are_rejected() {
    let wat = with_body("(table.copy (i32.const 0) (i32.const 1) (i32.const 1)) (elem.drop 0)")
        .replace(
            "(memory (export \"memory\") 1)",
            "(memory (export \"memory\") 1) (table 2 funcref) (elem func)",
        );
    let r = rules(&wat);
    assert!(
        r.iter()
            .any(|r| matches!(r, Rule::TableOperator { op, .. } if op == "TableCopy")),
        "{r:?}"
    );
    assert!(
        r.iter()
            .any(|r| matches!(r, Rule::TableOperator { op, .. } if op == "ElemDrop")),
        "{r:?}"
    );
}

#[test]
fn reference_types_are_invalid() {
    let wat = with_body("(drop (table.size 0))").replace(
        "(memory (export \"memory\") 1)",
        "(memory (export \"memory\") 1) (table 1 funcref)",
    );
    assert_eq!(ids(&rules(&wat)), vec!["invalid-module"]);
    let wat = with_body("(drop (ref.null extern))");
    assert_eq!(ids(&rules(&wat)), vec!["invalid-module"]);
}

#[test]
fn simd_is_invalid() {
    assert_eq!(
        ids(&rules(&with_body("(drop (v128.const i64x2 0 0))"))),
        vec!["invalid-module"]
    );
}

#[test]
fn a_start_function_is_rejected() {
    let wat = GOOD.replace(
        "(memory (export \"memory\") 1)",
        "(memory (export \"memory\") 1) (func $s) (start $s)",
    );
    assert_eq!(rules(&wat), vec![Rule::StartFunction]);
}

#[test]
fn the_data_count_section_is_rejected() {
    // A DataCount section on its own (custom binary: wat only emits one when needed).
    let mut wasm = wat::parse_str(GOOD).unwrap();
    let module = wasmparser::Parser::new(0);
    let mut insert_at = None;
    for payload in module.parse_all(&wasm) {
        if let Payload::CodeSectionStart { range, .. } = payload.unwrap() {
            insert_at = Some(range.start - 2); // section id + 1-byte size before the body
        }
    }
    let at = insert_at.unwrap();
    assert_eq!(wasm[at], 10, "code section id");
    wasm.splice(at..at, [12u8, 1, 0]); // DataCount section (id 12), size 1, count 0
    assert_eq!(check(&wasm), vec![Rule::DataCountSection]);
}

#[test]
fn the_memory_must_be_exported_as_memory() {
    let r = rules(&GOOD.replace(
        "(memory (export \"memory\") 1)",
        "(memory (export \"mem\") 1)",
    ));
    assert_eq!(ids(&r), vec!["memory-export"]);
    let r = rules(&GOOD.replace("(memory (export \"memory\") 1)", "(memory 1)"));
    assert_eq!(ids(&r), vec!["memory-export"]);
    let r = rules(&GOOD.replace(
        "(memory (export \"memory\") 1)",
        "(memory (export \"memory\") (export \"other\") 1)",
    ));
    assert_eq!(ids(&r), vec!["memory-export"]);
}

#[test]
fn exactly_one_memory() {
    let r = rules(
        r#"(module (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    );
    assert_eq!(ids(&r), vec!["one-memory", "memory-export"]);
    // A second memory needs multi-memory, which Nitro leaves off.
    let r = rules(&GOOD.replace(
        "(memory (export \"memory\") 1)",
        "(memory (export \"memory\") 1) (memory 1)",
    ));
    assert_eq!(ids(&r), vec!["invalid-module"]);
}

#[test]
fn too_many_initial_pages() {
    let r = rules(&GOOD.replace(
        "(memory (export \"memory\") 1)",
        "(memory (export \"memory\") 129)",
    ));
    assert_eq!(r, vec![Rule::InitialPages(129)]);
}

#[test]
fn the_entrypoint_must_exist_with_its_signature() {
    let r = rules(&GOOD.replace("user_entrypoint", "main"));
    assert_eq!(r, vec![Rule::MissingEntrypoint]);
    let wat = GOOD.replace(
        "(param i32) (result i32)\n",
        "(param i32 i32) (result i32)\n",
    );
    let r = rules(&wat);
    assert_eq!(
        r,
        vec![Rule::EntrypointSignature("(i32, i32) -> (i32)".into())]
    );
}

#[test]
fn imports_come_only_from_vm_hooks() {
    let wat = GOOD.replace(
        "(memory (export \"memory\") 1)",
        "(import \"console\" \"log_i32\" (func (param i32))) (memory (export \"memory\") 1)",
    );
    assert_eq!(
        rules(&wat),
        vec![Rule::ImportModule {
            module: "console".into(),
            name: "log_i32".into()
        }]
    );
}

#[test]
fn imports_are_functions() {
    let wat = GOOD.replace(
        "(memory (export \"memory\") 1)",
        "(import \"vm_hooks\" \"memory\" (memory 1)) (export \"memory\" (memory 0))",
    );
    assert_eq!(ids(&rules(&wat)), vec!["import-kind"]);
}

#[test]
fn host_functions_are_known_with_exact_signatures() {
    let wat = GOOD.replace(
        "(memory (export \"memory\") 1)",
        "(import \"vm_hooks\" \"sha256\" (func (param i32))) (memory (export \"memory\") 1)",
    );
    assert_eq!(
        rules(&wat),
        vec![Rule::UnknownHostFunction("sha256".into())]
    );
    let wat = GOOD.replace(
        "\"read_args\" (func $read_args (param i32))",
        "\"read_args\" (func $read_args (param i64))",
    );
    let wat = wat.replace(
        "(call $read_args (i32.const 0))",
        "(call $read_args (i64.const 0))",
    );
    assert_eq!(
        rules(&wat),
        vec![Rule::HostFunctionSignature {
            name: "read_args".into(),
            expected: "(i32) -> ()".into(),
            found: "(i64) -> ()".into()
        }]
    );
}

#[test]
fn memory_grow_needs_pay_for_memory_grow() {
    let wat = GOOD
        .replace(
            "(import \"vm_hooks\" \"pay_for_memory_grow\" (func $pay (param i32)))",
            "",
        )
        .replace("(call $pay (i32.const 1))", "");
    assert_eq!(rules(&wat), vec![Rule::MemoryGrowWithoutPayment]);
}

#[test]
fn stylus_names_are_reserved() {
    let wat = GOOD.replace(
        "(memory (export \"memory\") 1)",
        "(memory (export \"memory\") 1) (global (export \"stylus_ink_left\") i64 (i64.const 0))",
    );
    assert_eq!(
        rules(&wat),
        vec![Rule::ReservedName("stylus_ink_left".into())]
    );
}

#[test]
fn too_many_locals() {
    let r = rules(&with_body("").replace(
        "(param i32) (result i32)\n",
        "(param i32) (result i32) (local i32 i32) (local i64)\n",
    ));
    assert_eq!(r, vec![]);
    let many = "(local ".to_owned() + &"i32 ".repeat(349) + ")";
    let r = rules(&GOOD.replace(
        "(param i32) (result i32)\n",
        &format!("(param i32) (result i32) {many}\n"),
    ));
    assert_eq!(
        r,
        vec![Rule::TooMany {
            what: "locals in one function",
            count: 349,
            limit: 348
        }]
    );
}

#[test]
fn errors_name_the_contract_and_the_rule() {
    let wasm = wat::parse_str(GOOD.replace("user_entrypoint", "main")).unwrap();
    let err = validate("rig-deed", &wasm).unwrap_err();
    assert_eq!(err.0.len(), 1);
    assert_eq!(err.0[0].contract, "rig-deed");
    assert_eq!(err.to_string(), "1 activation rule(s) broken\n  rig-deed: [entrypoint-export] exports no function `user_entrypoint`");
}

#[test]
fn every_host_function_is_listed_once() {
    let mut names: Vec<_> = HOST_FUNCTIONS.iter().map(|(n, ..)| *n).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), HOST_FUNCTIONS.len());
}
