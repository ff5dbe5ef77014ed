use alloy_primitives::{address, B256};
use devnode::engine::{exec::Outcome, testing::Bench};

#[test]
fn a_minimal_program_runs_and_is_metered() {
    let wasm = wat::parse_str(
        r#"(module
            (import "vm_hooks" "read_args" (func $read_args (param i32)))
            (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
            (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
            (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
            (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param $len i32) (result i32)
                (call $read_args (i32.const 0))
                (call $cache (i32.const 100) (i32.const 0))
                (call $flush (i32.const 0))
                (call $write_result (i32.const 0) (local.get $len))
                (i32.const 0)))"#,
    )
    .unwrap();
    let mut bench = Bench::new();
    let at = address!("00000000000000000000000000000000000000aa");
    bench.deploy(at, &wasm);
    let input = [7u8; 32];
    let result = bench.call(at, input.to_vec(), 1_000_000);
    assert_eq!(result.outcome, Outcome::Success, "{result:?}");
    assert_eq!(result.output.as_ref(), &input);
    assert_eq!(bench.storage(at, B256::ZERO), B256::from(input));
    println!("gas used {}", 1_000_000 - result.gas_left);
}
