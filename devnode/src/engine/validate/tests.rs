//! Tiny hand-written modules, each breaking one activation rule (Nitro's behaviour, checked
//! against its source: see the module docs).

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
fn float_load_store_const_and_reinterpret_activate_but_are_linted() {
    let body = "(f32.store (i32.const 0) (f32.const 1)) (drop (f64.load (i32.const 8))) \
                (drop (i32.reinterpret_f32 (f32.const 2)))";
    let wasm = wat::parse_str(with_body(body)).unwrap();
    assert_eq!(check(&wasm), vec![]);
    assert!(activate_check(&wasm).is_ok());
    let lint = lint_for_deploy(&wasm);
    let ops: Vec<_> = lint
        .iter()
        .map(|r| match r {
            Rule::FloatOperator {
                func: 2,
                op,
                kind: FloatKind::Unmeterable,
            } => op.as_str(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        ops,
        [
            "F32Const",
            "F32Store",
            "F64Load",
            "F32Const",
            "I32ReinterpretF32"
        ]
    );
    assert!(lint[0].to_string().contains("u64::MAX ink"), "{}", lint[0]);
    assert_eq!(lint_for_deploy(&wat::parse_str(GOOD).unwrap()), vec![]);
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
    // Nitro drops every export but the entry point and `memory` before it looks: a second
    // name for the memory is harmless.
    let r = rules(&GOOD.replace(
        "(memory (export \"memory\") 1)",
        "(memory (export \"memory\") (export \"other\") 1)",
    ));
    assert_eq!(r, vec![]);
    // `memory` naming something else.
    let r = rules(&GOOD.replace(
        "(memory (export \"memory\") 1)",
        "(memory (export \"mem\") 1) (global (export \"memory\") i32 (i32.const 0))",
    ));
    assert_eq!(ids(&r), vec!["memory-export"]);
    assert!(r[0]
        .to_string()
        .starts_with("missing memory with export name \"memory\""));
}

#[test]
fn exactly_one_memory() {
    let r = rules(
        r#"(module (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    );
    assert_eq!(ids(&r), vec!["one-memory"]);
    assert_eq!(r[0].to_string(), "missing memory export with name memory");
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
    assert_eq!(r[0].to_string(), "memory size 129 exceeds bound 128");
}

#[test]
fn the_page_limit_left_in_the_transaction_applies() {
    let wasm = wat::parse_str(GOOD.replace(
        "(memory (export \"memory\") 1)",
        "(memory (export \"memory\") 11)",
    ))
    .unwrap();
    assert_eq!(check(&wasm), vec![]);
    let params = ActivationParams {
        page_limit: 10,
        ..ActivationParams::default()
    };
    let r = check_with(&wasm, &params);
    assert_eq!(
        r,
        vec![Rule::PageLimit {
            pages: 11,
            limit: 10
        }]
    );
    assert_eq!(r[0].to_string(), "memory exceeds limit: 11 > 10");
    assert!(check_with(
        &wasm,
        &ActivationParams {
            page_limit: 11,
            ..params
        }
    )
    .is_empty());
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
    // Nitro asks for the import whenever the memory *may* grow, used or not ...
    let no_grow = wat.replace("(drop (memory.grow (i32.const 1)))", "");
    assert_eq!(rules(&no_grow), vec![Rule::MemoryGrowWithoutPayment]);
    let bigger_max = no_grow.replace(
        "(memory (export \"memory\") 1)",
        "(memory (export \"memory\") 1 2)",
    );
    assert_eq!(rules(&bigger_max), vec![Rule::MemoryGrowWithoutPayment]);
    // ... and never for a fixed-size memory, even with memory.grow (which then fails).
    let fixed = wat.replace(
        "(memory (export \"memory\") 1)",
        "(memory (export \"memory\") 1 1)",
    );
    assert_eq!(rules(&fixed), vec![]);
    assert_eq!(
        Rule::MemoryGrowWithoutPayment
            .to_string()
            .split(" (")
            .next(),
        Some("missing import pay_for_memory_grow")
    );
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
    // Nitro looks at the part after the last `__`.
    let wat = GOOD.replace(
        "(memory (export \"memory\") 1)",
        "(memory (export \"memory\") 1) (global (export \"my__stylus_x\") i32 (i32.const 0))",
    );
    assert_eq!(rules(&wat), vec![Rule::ReservedName("stylus_x".into())]);
    assert_eq!(
        rules(&wat)[0].to_string(),
        "binary exports reserved symbol stylus_x"
    );
    let wat = GOOD.replace(
        "(memory (export \"memory\") 1)",
        "(import \"vm_hooks\" \"stylus_hook\" (func)) (memory (export \"memory\") 1)",
    );
    assert_eq!(
        rules(&wat),
        vec![
            Rule::ReservedImport("stylus_hook".into()),
            Rule::UnknownHostFunction("stylus_hook".into())
        ]
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
            what: "locals",
            count: 349,
            limit: 348
        }]
    );
    assert_eq!(r[0].to_string(), "too many wasm locals: 349 > 348");
}

#[test]
fn errors_name_the_contract_and_the_rule() {
    let wasm = wat::parse_str(GOOD.replace("user_entrypoint", "main")).unwrap();
    let err = validate("rig-deed", &wasm).unwrap_err();
    assert_eq!(err.0.len(), 1);
    assert_eq!(err.0[0].contract, "rig-deed");
    assert_eq!(
        err.to_string(),
        "1 activation rule(s) broken\n  rig-deed: [entrypoint-export] missing export with name \
         user_entrypoint"
    );
}

#[test]
fn every_host_function_is_listed_once() {
    let mut names: Vec<_> = HOST_FUNCTIONS.iter().map(|(n, ..)| *n).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), HOST_FUNCTIONS.len());
}

/// `GOOD` with `items` added at module level.
fn with_items(items: &str) -> String {
    GOOD.replace(
        "(memory (export \"memory\") 1)",
        &format!("(memory (export \"memory\") 1) {items}"),
    )
}

#[test]
fn the_host_functions_are_nitros() {
    // crates/wasm-libraries/forward/lib.rs lists 42.
    assert_eq!(HOST_FUNCTIONS.len(), 42);
    assert!(HOST_FUNCTIONS
        .iter()
        .any(|(n, p, r)| *n == "call_contract" && p.len() == 6 && r.len() == 1));
}

#[test]
fn multi_value_is_refused_from_arbos_60() {
    let two_results = with_items("(func (result i32 i32) (i32.const 1) (i32.const 2))");
    let block_params = with_body("(i32.const 7) (block (param i32) (result i32)) (drop)");
    for wat in [two_results, block_params] {
        let wasm = wat::parse_str(&wat).unwrap();
        assert_eq!(ids(&check(&wasm)), vec!["invalid-module"], "{wat}");
        let before = ActivationParams {
            arbos_version: arbos::STYLUS_NO_MULTI_VALUE - 1,
            ..ActivationParams::default()
        };
        assert_eq!(check_with(&wasm, &before), vec![], "{wat}");
    }
    assert!(Rule::Invalid("x".into())
        .to_string()
        .starts_with("failed to validate user"));
}

#[test]
fn the_import_limit_applies_from_arbos_32() {
    let imports: String = (0..514)
        .map(|i| format!("(import \"vm_hooks\" \"msg_sender\" (func $s{i} (param i32)))"))
        .collect();
    let wat = GOOD.replace(
        "(memory (export \"memory\") 1)",
        &format!("{imports} (memory (export \"memory\") 1)"),
    );
    let wasm = wat::parse_str(&wat).unwrap();
    assert_eq!(
        check(&wasm),
        vec![Rule::TooMany {
            what: "imports",
            count: 516,
            limit: 513
        }]
    );
    let old = ActivationParams {
        arbos_version: arbos::STYLUS_CHARGING_FIXES - 1,
        ..ActivationParams::default()
    };
    assert_eq!(check_with(&wasm, &old), vec![]);
}

#[test]
fn an_import_declared_twice_with_two_type_indices_is_inconsistent() {
    let wat = format!(
        "(module (type $a (func (param i32))) (type $b (func (param i32))) {}",
        GOOD.trim_start().strip_prefix("(module").unwrap().replace(
            "(import \"vm_hooks\" \"read_args\" (func $read_args (param i32)))",
            "(import \"vm_hooks\" \"read_args\" (func $read_args (type $a))) \
                 (import \"vm_hooks\" \"read_args\" (func $again (type $b)))",
        )
    );
    let r = rules(&wat);
    assert_eq!(
        r,
        vec![Rule::InconsistentImports {
            module: "vm_hooks".into(),
            name: "read_args".into()
        }]
    );
    assert_eq!(
        r[0].to_string(),
        "inconsistent imports for vm_hooks read_args"
    );
    // The same type index twice is fine.
    assert_eq!(rules(&wat.replace("(type $b)))", "(type $a)))")), vec![]);
}

#[test]
fn exporting_an_imports_name_is_refused() {
    for name in ["read_args", "my__read_args"] {
        let r = rules(&with_items(&format!("(func (export \"{name}\"))")));
        assert_eq!(
            r,
            vec![Rule::ExportsImportName("read_args".into())],
            "{name}"
        );
    }
    assert_eq!(
        Rule::ExportsImportName("read_args".into()).to_string(),
        "binary exports an import with the same name read_args"
    );
}

#[test]
fn many_exports_and_long_export_names_are_fine_but_not_a_long_module_name() {
    // Nitro keeps only the entry point and the memory, so these never reach its limits.
    let many: String = (0..1100)
        .map(|i| format!("(global (export \"g{i}\") i32 (i32.const 0))"))
        .collect();
    assert_eq!(rules(&with_items(&many)), vec![]);
    let long = format!("(func (export \"{}\"))", "x".repeat(600));
    assert_eq!(rules(&with_items(&long)), vec![]);

    let named = |n: usize| GOOD.replacen("(module", &format!("(module ${}", "m".repeat(n)), 1);
    assert_eq!(rules(&named(512)), vec![]);
    let r = rules(&named(513));
    assert_eq!(r, vec![Rule::NameTooLong(513)]);
    assert_eq!(r[0].to_string(), "wasm module name too long: 513 > 512");
}

#[test]
fn a_malformed_name_section_is_refused() {
    let mut wasm = wat::parse_str(GOOD).unwrap();
    // Custom section "name": a module-name subsection whose string overruns it.
    wasm.extend_from_slice(&[0, 9, 4, b'n', b'a', b'm', b'e', 0, 2, 5, b'x']);
    assert_eq!(ids(&check(&wasm)), vec!["name-section"]);
    // Any other custom section is ignored.
    let mut wasm = wat::parse_str(GOOD).unwrap();
    wasm.extend_from_slice(&[0, 9, 4, b'n', b'o', b'p', b'e', 0, 2, 5, b'x']);
    assert_eq!(check(&wasm), vec![]);
}

#[test]
fn globals_must_start_as_constants() {
    let r = rules(&GOOD.replace(
        "(memory (export \"memory\") 1)",
        "(import \"vm_hooks\" \"g\" (global i32)) (memory (export \"memory\") 1) \
         (global i32 (global.get 0))",
    ));
    assert!(r.contains(&Rule::NonConstantGlobal(0)), "{r:?}");
    assert!(r.iter().any(|r| r.id() == "import-kind"), "{r:?}");
}

#[test]
fn the_global_limit_counts_instrumentation_globals() {
    let globals = |n: usize| -> String {
        (0..n)
            .map(|_| "(global i32 (i32.const 0))")
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(rules(&with_items(&globals(32_764))), vec![]);
    assert_eq!(
        rules(&with_items(&globals(32_765))),
        vec![Rule::TooMany {
            what: "globals",
            count: 32_769,
            limit: 32_768
        }]
    );
}

#[test]
fn active_data_must_fit_in_the_initial_memory() {
    assert_eq!(
        rules(&with_items("(data (i32.const 65534) \"ab\")")),
        vec![]
    );
    let r = rules(&with_items("(data (i32.const 65535) \"ab\")"));
    assert_eq!(
        r,
        vec![Rule::DataOutOfBounds {
            offset: 65535,
            len: 2
        }]
    );
    assert_eq!(
        r[0].to_string(),
        "Out-of-bounds data memory init with offset 65535 and size 2"
    );
    let r = rules(&with_items("(data (i32.const -1) \"\")"));
    assert_eq!(r, vec![Rule::DataOutOfBounds { offset: -1, len: 0 }]);
    // Passive data is never copied at activation.
    assert_eq!(rules(&with_items("(data \"abc\")")), vec![]);
}

#[test]
fn active_elements_must_fit_in_their_table() {
    let table = "(table 2 funcref) (func $f)";
    assert_eq!(
        rules(&with_items(&format!(
            "{table} (elem (i32.const 1) func $f)"
        ))),
        vec![]
    );
    let r = rules(&with_items(&format!(
        "{table} (elem (i32.const 1) func $f $f)"
    )));
    assert_eq!(
        r,
        vec![Rule::ElementOutOfBounds {
            offset: 1,
            len: 2,
            table_len: 2
        }]
    );
    assert!(r[0]
        .to_string()
        .starts_with("Out of bounds element segment at offset 1"));
}

#[test]
fn element_entries_are_counted_in_bytes_as_nitro_does() {
    // 2,048 entries naming function 200 take 2 bytes each: 4,096 bytes plus the header.
    let funcs = "(func) ".repeat(200);
    let refs = "200 ".repeat(2048);
    let wat = with_items(&format!(
        "{funcs} (table 4096 funcref) (elem (i32.const 0) func {refs})"
    ));
    let r = rules(&wat);
    assert!(
        matches!(r.as_slice(), [Rule::TooMany { what: "element entries", count, limit: 4096 }] if *count > 4096),
        "{r:?}"
    );
    // The same count of one-byte indices fits.
    let refs = "1 ".repeat(2048);
    let wat = with_items(&format!(
        "{funcs} (table 4096 funcref) (elem (i32.const 0) func {refs})"
    ));
    assert_eq!(rules(&wat), vec![]);
}

/// A function that holds `n` values at once: `n` constants, then `n - 1` drops.
fn contention(n: usize) -> String {
    let consts = "(i32.const 0) ".repeat(n);
    let drops = "drop ".repeat(n - 1);
    with_items(&format!("(func (result i32) {consts} {drops})"))
}

#[test]
fn the_depth_checker_limits_values_on_the_stack() {
    assert_eq!(rules(&contention(4096)), vec![]);
    let r = rules(&contention(4097));
    assert_eq!(
        r,
        vec![Rule::StackContention {
            func: 2,
            values: 4097
        }]
    );
    assert_eq!(
        r[0].to_string(),
        "too many values on the stack at once in func 2: 4097 > 4096"
    );
}

#[test]
fn the_depth_checker_limits_the_frame() {
    // worst 1 (the result) + 2 (the ink meter's header) ... + locals + 4 words.
    let frame = |locals: usize| {
        with_items(&format!(
            "(func (result i32) (local {}) (i32.const 0))",
            "i32 ".repeat(locals)
        ))
    };
    let wasm = wat::parse_str(frame(10_234)).unwrap();
    let r = check(&wasm);
    // Over the locals limit, but the frame (2 + 10,234 + 4) still fits.
    assert!(!r.iter().any(|r| r.id() == "frame-size"), "{r:?}");
    let r = rules(&frame(10_235));
    assert!(
        r.contains(&Rule::FrameTooLarge {
            func: 2,
            words: 10_241
        }),
        "{r:?}"
    );
    assert!(r
        .iter()
        .any(|r| r.to_string() == "frame too large: 10241 > 10240-word limit (function 2)"));
}

#[test]
fn the_operator_limit_applies_after_instrumentation() {
    // N calls + `end`: N + 1 basic blocks, each metered by 12 operators, plus 17 from the
    // depth checker: 13 (N + 1) + 17 operators.
    let calls = |n: usize| with_items(&format!("(func $nop) (func {})", "(call $nop) ".repeat(n)));
    assert_eq!(rules(&calls(5038)), vec![]);
    assert_eq!(
        rules(&calls(5039)),
        vec![Rule::TooMany {
            what: "opcodes in func body",
            count: 65_537,
            limit: 65_536
        }]
    );
}

#[test]
fn an_oversized_init_cost_is_refused() {
    // 4,096 functions of 20 parameters: 81,920 type entries cost over 65,535 init units.
    let wat = format!(
        "(module (type $t (func (param {}))) (memory (export \"memory\") 1 1) \
         (func (export \"user_entrypoint\") (param i32) (result i32) (i32.const 0)) {})",
        "i32 ".repeat(20),
        "(func (type $t)) ".repeat(4095)
    );
    assert_eq!(rules(&wat), vec![Rule::CostTooHigh("init cost too high")]);
}

#[test]
#[allow(clippy::identity_op)] // Nitro's formulas, term by term
fn activation_reports_what_nitro_computes() {
    const TINY: &str = r#"(module
        (memory (export "memory") 2 2)
        (global i32 (i32.const 0))
        (data (i32.const 0) "abcd")
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#;
    let wasm = wat::parse_str(TINY).unwrap();
    let info = activate_check(&wasm).unwrap();
    assert_eq!(info.footprint_pages, 2);
    assert_eq!(info.max_pages, Some(2));
    assert!(!info.has_memory_grow_hostio && !info.uses_memory_grow);
    assert_eq!(info.func_count, 1);
    assert_eq!(info.entrypoint, 0);
    assert!(info.host_functions.is_empty());
    // i32.const + end, a 12-operator meter header, the depth checker's 12 + return + 4.
    assert_eq!(info.instrumented_ops, 2 + 12 + 17);
    // Two values from the meter header, no locals, 4 words of frame.
    assert_eq!(info.max_frame_words, 2 + 4);
    assert_eq!(info.frame_words, vec![2 + 4], "one frame per defined function");

    // Nitro's formulas (binary.rs `instrument`, programs/mod.rs `activate`), by hand.
    let len = wasm.len() as u64;
    let data_range = 9; // flags, i32.const 0 (2 bytes), end, length, "abcd"
    assert_eq!(
        u64::from(info.init_cost),
        8252 / 1000 + 2 * 1059 / 1000 + len * 1286 / 10_000
    );
    assert_eq!(
        u64::from(info.cached_init_cost),
        13_420 / 100_000
            + 2 * 89 / 100_000
            + len * 122 / 100_000
            + 5 * 1628 / 1000
            + data_range * 75_244 / 100_000
            + 2 * 5
    );
    assert_eq!(
        u64::from(info.asm_estimate),
        512_000 + 996_829 / 1000 + 2 * 11_416 / 1000 + len * 62_628 / 10_000
    );
    let gas = |us: u64| us * 14_000_000 / 500_000;
    assert_eq!(
        info.activation_gas,
        gas(len * 31_733 / 100_000)
            + gas(17_263 / 100_000)
            + gas(4 * 17_376 / 100_000)
            + gas(2 * 2217)
            + gas(31 * 535 / 1000)
    );

    // Stylus version 1 folds the cached cost into the init cost.
    let v1 = activate_check_with(
        &wasm,
        &ActivationParams {
            stylus_version: 1,
            ..ActivationParams::default()
        },
    )
    .unwrap();
    assert_eq!(v1.init_cost, info.init_cost + info.cached_init_cost);

    let good = activate_check(&wat::parse_str(GOOD).unwrap()).unwrap();
    assert!(good.has_memory_grow_hostio && good.uses_memory_grow);
    assert_eq!(good.host_functions, ["read_args", "pay_for_memory_grow"]);
    assert_eq!(good.entrypoint, 2);

    let err = activate_check(&wat::parse_str(GOOD.replace("user_entrypoint", "main")).unwrap())
        .unwrap_err();
    assert_eq!(err.rules, vec![Rule::MissingEntrypoint]);
    assert!(
        err.to_string()
            .contains("missing export with name user_entrypoint"),
        "{err}"
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = check(&bytes);
            let _ = activate_check(&bytes);
            let _ = lint_for_deploy(&bytes);
        }

        #[test]
        fn on_a_mutated_module(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4)) {
            let mut wasm = wat::parse_str(GOOD).unwrap();
            for (at, byte) in edits {
                let at = at % wasm.len();
                wasm[at] = byte;
            }
            let _ = check(&wasm);
            let _ = activate_check(&wasm);
            let _ = lint_for_deploy(&wasm);
        }
    }
}
