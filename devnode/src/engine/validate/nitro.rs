//! What Nitro provides and allows: the host functions it links into `vm_hooks` and the counts
//! it enforces at activation (OffchainLabs/nitro, `crates/wasm-libraries/forward/lib.rs`,
//! `crates/prover/src/binary.rs` and `crates/prover/src/programs/`).

use wasmparser::ValType::{self, I32, I64};

/// Activation limits (Nitro's `parse_user`, `CompileConfig::version` and `StylusParams`).
pub mod limits {
    pub const MEMORIES: usize = 1;
    /// `heap_bound` of Stylus versions 1 and 2: the most pages a module may start with.
    pub const INITIAL_PAGES: u64 = 128;
    /// `StylusParams.PageLimit`: pages open in a transaction (the callee gets what is left).
    pub const PAGE_LIMIT: u16 = 128;
    pub const DATA_SEGMENTS: usize = 128;
    pub const ELEMENT_SEGMENTS: usize = 128;
    /// Summed over element segments, in bytes of their encoding (Nitro sums `range.len()`).
    pub const ELEMENT_ENTRIES: u64 = 4096;
    pub const FUNCTIONS: usize = 4096;
    /// Counted after instrumentation, which adds [`ADDED_GLOBALS`].
    pub const GLOBALS: usize = 32_768;
    /// Globals the ink meter, dynamic meter and depth checker add.
    pub const ADDED_GLOBALS: usize = 4;
    pub const LOCALS_PER_FUNCTION: u64 = 348;
    /// Counted after instrumentation (meter, dynamic meter, depth checker, heap bound).
    pub const OPERATORS_PER_FUNCTION: usize = 65_536;
    /// Enforced from ArbOS 32 (`ARBOS_VERSION_STYLUS_CHARGING_FIXES`).
    pub const IMPORTS: usize = 513;
    pub const TABLE_ENTRIES: u64 = 4096;
    /// Longest module name (from the name section).
    pub const NAME_LEN: usize = 512;
    /// The depth checker's largest frame, in words (`max_frame_size`).
    pub const FRAME_WORDS: u32 = 10 * 1024;
    /// The depth checker's most values live at once in a frame (`max_frame_contention`).
    pub const FRAME_CONTENTION: u32 = 4096;
}

/// ArbOS versions where activation rules changed (`arbutil::evm`).
pub mod arbos {
    /// The import limit starts to apply.
    pub const STYLUS_CHARGING_FIXES: u64 = 32;
    /// Multi-value is refused from here on.
    pub const STYLUS_NO_MULTI_VALUE: u64 = 60;
    /// The version this node models.
    pub const LATEST: u64 = STYLUS_NO_MULTI_VALUE;
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
