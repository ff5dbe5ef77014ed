//! What Nitro provides and allows: the host functions it links into `vm_hooks` and the counts
//! it enforces at activation (OffchainLabs/nitro, `crates/stylus/src/native.rs` and
//! `crates/prover/src/binary.rs`).

use wasmparser::ValType::{self, I32, I64};

/// Activation limits (Nitro's `parse_user`).
pub mod limits {
    pub const MEMORIES: usize = 1;
    pub const INITIAL_PAGES: u64 = 128;
    pub const DATA_SEGMENTS: usize = 128;
    pub const ELEMENT_SEGMENTS: usize = 128;
    pub const ELEMENT_ENTRIES: u64 = 4096;
    pub const EXPORTS: usize = 1024;
    pub const FUNCTIONS: usize = 4096;
    pub const GLOBALS: usize = 32_768;
    pub const LOCALS_PER_FUNCTION: u64 = 348;
    pub const OPERATORS_PER_FUNCTION: usize = 65_536;
    pub const IMPORTS: usize = 513;
    pub const TABLE_ENTRIES: u64 = 4096;
    pub const NAME_LEN: usize = 512;
}

/// Every host function Nitro links into `vm_hooks`, with its exact wasm signature.
pub const HOST_FUNCTIONS: &[(&str, &[ValType], &[ValType])] = &[
    ("read_args", &[I32], &[]),
    ("write_result", &[I32, I32], &[]),
    ("exit_early", &[I32], &[]),
    ("storage_load_bytes32", &[I32, I32], &[]),
    ("storage_cache_bytes32", &[I32, I32], &[]),
    ("storage_flush_cache", &[I32], &[]),
    ("transient_load_bytes32", &[I32, I32], &[]),
    ("transient_store_bytes32", &[I32, I32], &[]),
    ("call_contract", &[I32, I32, I32, I32, I64, I32], &[I32]),
    ("delegate_call_contract", &[I32, I32, I32, I64, I32], &[I32]),
    ("static_call_contract", &[I32, I32, I32, I64, I32], &[I32]),
    ("create1", &[I32, I32, I32, I32, I32], &[]),
    ("create2", &[I32, I32, I32, I32, I32, I32], &[]),
    ("read_return_data", &[I32, I32, I32], &[I32]),
    ("return_data_size", &[], &[I32]),
    ("emit_log", &[I32, I32, I32], &[]),
    ("account_balance", &[I32, I32], &[]),
    ("account_code", &[I32, I32, I32, I32], &[I32]),
    ("account_codehash", &[I32, I32], &[]),
    ("account_code_size", &[I32], &[I32]),
    ("evm_gas_left", &[], &[I64]),
    ("evm_ink_left", &[], &[I64]),
    ("block_basefee", &[I32], &[]),
    ("chainid", &[], &[I64]),
    ("block_coinbase", &[I32], &[]),
    ("block_gas_limit", &[], &[I64]),
    ("block_number", &[], &[I64]),
    ("block_timestamp", &[], &[I64]),
    ("contract_address", &[I32], &[]),
    ("math_div", &[I32, I32], &[]),
    ("math_mod", &[I32, I32], &[]),
    ("math_pow", &[I32, I32], &[]),
    ("math_add_mod", &[I32, I32, I32], &[]),
    ("math_mul_mod", &[I32, I32, I32], &[]),
    ("msg_reentrant", &[], &[I32]),
    ("msg_sender", &[I32], &[]),
    ("msg_value", &[I32], &[]),
    ("tx_gas_price", &[I32], &[]),
    ("tx_ink_price", &[], &[I32]),
    ("tx_origin", &[I32], &[]),
    ("pay_for_memory_grow", &[I32], &[]),
    ("native_keccak256", &[I32, I32, I32], &[]),
];
