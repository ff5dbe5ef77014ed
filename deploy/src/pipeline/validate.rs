//! Step 3: check a module the way Nitro does when it activates a program (the dev node's
//! engine holds those rules), plus deploy's own lint: float instructions that activate but
//! always run out of ink are refused before anything is deployed.

pub use devnode::engine::validate::*;

/// The rules `wasm` breaks: Nitro's activation rules, then deploy's lint (empty: none).
pub fn check(wasm: &[u8]) -> Vec<Rule> {
    let mut rules = devnode::engine::validate::check(wasm);
    if !rules.iter().any(|r| matches!(r, Rule::Invalid(_))) {
        rules.extend(lint_for_deploy(wasm));
    }
    rules
}

/// Checks `wasm` (the module of `contract`) as [`check`] does and returns every rule it
/// breaks, or `Ok(())`.
pub fn validate(contract: &str, wasm: &[u8]) -> Result<(), ValidationErrors> {
    ValidationErrors::check(contract, check(wasm))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WITH_FLOAT_CONST: &str = r#"
        (module
          (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
          (memory (export "memory") 1)
          (func (export "user_entrypoint") (param i32) (result i32)
            (drop (f32.const 1))
            (i32.const 0)))
    "#;

    #[test]
    fn float_constants_activate_but_deploy_refuses_them() {
        let wasm = wat::parse_str(WITH_FLOAT_CONST).unwrap();
        assert_eq!(devnode::engine::validate::check(&wasm), vec![]);
        assert_eq!(
            check(&wasm),
            vec![Rule::FloatOperator {
                func: 1,
                op: "F32Const".into(),
                kind: FloatKind::Unmeterable
            }]
        );
        let err = validate("rig-deed", &wasm).unwrap_err();
        assert_eq!(err.0.len(), 1);
        assert!(err.to_string().contains("u64::MAX ink"), "{err}");
    }

    #[test]
    fn a_clean_module_passes_both() {
        let wasm = wat::parse_str(WITH_FLOAT_CONST.replace("(drop (f32.const 1))", "")).unwrap();
        assert_eq!(check(&wasm), vec![]);
        assert!(validate("rig-deed", &wasm).is_ok());
    }
}
