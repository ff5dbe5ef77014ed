//! Every number and formula Nitro uses to price Stylus execution, translated from source.
//!
//! Pure functions and constants only; no engine state. Sources (OffchainLabs/nitro unless
//! noted, read at commit 6dce8d1; geth = OffchainLabs/go-ethereum at 49b38a6):
//!
//! - opcode ink: `crates/prover/src/programs/meter.rs` (`pricing_v1`), `config.rs`,
//!   `dynamic.rs`, `crates/arbutil/src/operator.rs` (`ends_basic_block`);
//! - hostio ink: `crates/arbutil/src/pricing.rs`, `crates/arbutil/src/evm/{mod,storage}.rs`,
//!   `crates/wasm-libraries/user-host-trait/lib.rs`, `crates/arbutil/src/evm/req.rs`;
//! - parameters, memory, program init, activation, data fee: `arbos/programs/{params,memory,
//!   programs,data_pricer,native,api}.go`, `crates/prover/src/binary.rs` (`instrument`),
//!   `crates/prover/src/programs/mod.rs` (`Module::activate`), `precompiles/ArbWasm.go`,
//!   `arbos/arbosState/arbosstate.go` (upgrade path), `util/arbmath`;
//! - EVM-side gas: geth `core/vm/operations_acl_arbitrum.go`, `params/protocol_params.go`.
//!
//! Units: *ink* is what the wasm meter counts; *gas* is EVM gas. One gas buys
//! [`INK_PRICE`] ink by default.

use alloy_primitives::{B256, U256};
use wasmparser::Operator;

// =============================================================================================
// 1. Opcode ink (meter.rs, config.rs, dynamic.rs, operator.rs)
// =============================================================================================

/// Ink charged once per basic block for the meter's own check-and-subtract header.
/// `CompileConfig::version` (config.rs), Stylus versions 1 and 2: `ink_header_cost: 2450`.
pub const INK_HEADER_COST: u64 = 2450;

/// Per-byte ink of `memory.fill`, on top of its static 950 (config.rs: `memory_fill_ink: 800 / 8`).
///
/// How Nitro charges it (`dynamic.rs`, `FuncDynamicMeter::feed`). The middlewares run in the
/// order start-mover, ink meter, dynamic meter, depth checker, heap bound (binary.rs
/// `instrument`), so the dynamic meter sees the ink meter's *output*: every basic block already
/// starts with its static header (`global.get ink; i64.const cost; i64.lt_u; if; i32.const 1;
/// global.set status; unreachable; end; global.get ink; i64.const cost; i64.sub; global.set
/// ink`, cost = Σ opcode ink + [`INK_HEADER_COST`]), and the dynamic charge is inserted
/// *immediately before* each `memory.fill` / `memory.copy`, i.e. inside its block, after the
/// header has already been paid. The inserted sequence (stack on entry: `[.., a, b, size:i32]`):
///
/// ```text
/// global.set scratch        ;; size -> scratch (the i32 "stylus_scratch_global")
/// global.get ink
/// global.get ink
/// global.get scratch
/// i64.extend_i32_u
/// i64.const COEFF           ;; MEMORY_FILL_INK_PER_BYTE / MEMORY_COPY_INK_PER_BYTE (= 100)
/// i64.mul                   ;; cost = size * 100 (cannot overflow)
/// i64.sub                   ;; [old_ink, old_ink - cost]  (wrapping)
/// global.set ink            ;; ink is written BEFORE the check
/// global.get ink            ;; [old_ink, new_ink]
/// i64.lt_u                  ;; old < new  <=> the subtraction wrapped
/// if (empty)
///   i32.const 1
///   global.set status       ;; out of ink
///   unreachable
/// end
/// global.get scratch        ;; size back on the stack
/// memory.fill / memory.copy ;; the original op
/// ```
///
/// The inserted instructions are not themselves priced (the ink meter ran before them) and do
/// not end a basic block. Note the check is `old < new` (a wrap), so an exact drain to 0 ink
/// passes. `memory.init`, `data.drop`, `elem.drop` and `table.*` make the dynamic meter fail
/// ("opcode not supported"), rejecting the module at activation.
pub const MEMORY_FILL_INK_PER_BYTE: u64 = 800 / 8;

/// Per-byte ink of `memory.copy` (config.rs: `memory_copy_ink: 800 / 8`); see
/// [`MEMORY_FILL_INK_PER_BYTE`] for how it is injected.
pub const MEMORY_COPY_INK_PER_BYTE: u64 = 800 / 8;

/// Whether `op` ends a basic block: Nitro's `OperatorInfo::ends_basic_block` (operator.rs),
/// `End | Else | Return | Loop | Br | BrTable | BrIf | If | Call | CallIndirect`.
/// Note `Block` does not end a block, `Loop` and `If` do, and `Unreachable` does not.
///
/// The meter (meter.rs `FuncMeter::feed`) accumulates `opcode_ink` (saturating) over the ops of
/// the block, *including* the ending op, then emits the header with
/// `cost = block_cost.saturating_add(INK_HEADER_COST)` as an `i64.const` (so a saturated
/// `u64::MAX` becomes -1 and `ink < cost` compares unsigned: always out of ink), followed by the
/// block's ops. Every function body ends with `End`, so every op belongs to a charged block.
pub fn ends_basic_block(op: &Operator) -> bool {
    use Operator::*;
    matches!(
        op,
        End | Else
            | Return
            | Loop { .. }
            | Br { .. }
            | BrTable { .. }
            | BrIf { .. }
            | If { .. }
            | Call { .. }
            | CallIndirect { .. }
    )
}

/// Ink of one opcode: Nitro's `pricing_v1` (meter.rs), used by Stylus versions 1 and 2.
///
/// - `type_sig(type_index) -> (params, results)` gives a function *type*'s arity; only
///   `call_indirect` uses it (13,610 + 650 per parameter of its type).
/// - `_func_sig(function_index)` is accepted for the engine's convenience but unused: Nitro
///   prices `call` at a flat 3800 regardless of the callee.
///
/// `br_table` is 2400 + 325 per target (wasmparser's `targets.len()`, which excludes the
/// default). Every opcode Nitro does not list (floats, atomics, SIMD, reference types, tables,
/// `memory.init`, exceptions, GC, ...) costs `u64::MAX`, as Nitro's explicit list and wildcard
/// do; a block containing one saturates and always runs out of ink.
pub fn opcode_ink<F, G>(op: &Operator, type_sig: &F, _func_sig: &G) -> u64
where
    F: Fn(u32) -> (usize, usize) + ?Sized,
    G: Fn(u32) -> (usize, usize) + ?Sized,
{
    use Operator::*;

    #[rustfmt::skip]
    let ink = match op {
        Unreachable | Return => 1,
        Nop | I32Const { .. } | I64Const { .. } => 1,

        Drop => 9, // Nitro: "could be 1, but using a higher number helps limit the number of ops in BOLD"

        Block { .. } | Loop { .. } | Else | End => 1,
        Br { .. } | BrIf { .. } | If { .. } => 765,
        Select => 1250,
        Call { .. } => 3800,
        LocalGet { .. } | LocalTee { .. } => 75,
        LocalSet { .. } => 210,
        GlobalGet { .. } => 225,
        GlobalSet { .. } => 575,
        I32Load { .. } | I32Load8S { .. } | I32Load8U { .. } | I32Load16S { .. } | I32Load16U { .. } => 670,
        I64Load { .. } | I64Load8S { .. } | I64Load8U { .. } | I64Load16S { .. } | I64Load16U { .. }
        | I64Load32S { .. } | I64Load32U { .. } => 680,
        I32Store { .. } | I32Store8 { .. } | I32Store16 { .. } => 825,
        I64Store { .. } | I64Store8 { .. } | I64Store16 { .. } | I64Store32 { .. } => 950,
        MemorySize { .. } => 3000,
        MemoryGrow { .. } => 8050, // rest of the cost is paid through pay_for_memory_grow

        I32Eqz | I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS | I32GeU => 170,
        I64Eqz | I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU | I64GeS | I64GeU => 225,

        I32Clz | I32Ctz => 210,
        I32Add | I32Sub => 70,
        I32Mul => 160,
        I32DivS | I32DivU | I32RemS | I32RemU => 1120,
        I32And | I32Or | I32Xor | I32Shl | I32ShrS | I32ShrU | I32Rotl | I32Rotr => 70,

        I64Clz | I64Ctz => 210,
        I64Add | I64Sub => 100,
        I64Mul => 160,
        I64DivS | I64DivU | I64RemS | I64RemU => 1270,
        I64And | I64Or | I64Xor | I64Shl | I64ShrS | I64ShrU | I64Rotl | I64Rotr => 100,

        I32Popcnt => 2650, // slow on ARM, fast on x86
        I64Popcnt => 6000, // slow on ARM, fast on x86

        I32WrapI64 | I64ExtendI32S | I64ExtendI32U => 100,
        I32Extend8S | I32Extend16S | I64Extend8S | I64Extend16S | I64Extend32S => 100,
        MemoryCopy { .. } => 950,
        MemoryFill { .. } => 950,

        BrTable { targets } => 2400 + 325 * targets.len() as u64,
        CallIndirect { type_index, .. } => {
            let (params, _results) = type_sig(*type_index);
            13610 + 650 * params as u64
        }

        // Nitro lists every unsupported opcode explicitly (floats, atomics, SIMD, references,
        // tables, bulk memory other than fill/copy, exceptions, GC, tail calls, typed select)
        // and also has a wildcard; all of them are u64::MAX.
        _ => u64::MAX,
    };
    ink
}

// =============================================================================================
// 2. Hostio ink (crates/arbutil/src/pricing.rs)
// =============================================================================================

/// For hostios that may return something.
pub const HOSTIO_INK: u64 = 8400;
/// For hostios that include pointers: `Ink(13440).sub(HOSTIO_INK)` = 5040.
pub const PTR_INK: u64 = 13440 - HOSTIO_INK;
/// For hostios that involve an API cost (a round trip to Go).
pub const EVM_API_INK: u64 = 59673;
/// For hostios that involve a div or mod.
pub const DIV_INK: u64 = 20000;
/// For hostios that involve a mulmod.
pub const MUL_MOD_INK: u64 = 24100;
/// For hostios that involve an addmod.
pub const ADD_MOD_INK: u64 = 21000;

/// Base ink of each hostio (arbutil `pricing::hostio`). Charged first (`buy_ink`) by the
/// matching function of `user-host-trait/lib.rs`; copy costs, gas and the EVM API's gas follow.
pub mod hostio {
    use super::{ADD_MOD_INK, DIV_INK, EVM_API_INK, HOSTIO_INK, MUL_MOD_INK, PTR_INK};

    pub const READ_ARGS_BASE_INK: u64 = HOSTIO_INK;
    pub const WRITE_RESULT_BASE_INK: u64 = HOSTIO_INK;
    pub const STORAGE_LOAD_BASE_INK: u64 = HOSTIO_INK + PTR_INK * 2;
    pub const STORAGE_CACHE_BASE_INK: u64 = HOSTIO_INK + PTR_INK * 2;
    pub const STORAGE_FLUSH_BASE_INK: u64 = HOSTIO_INK + EVM_API_INK;
    pub const TRANSIENT_LOAD_BASE_INK: u64 = HOSTIO_INK + (PTR_INK * 2 + EVM_API_INK);
    pub const TRANSIENT_STORE_BASE_INK: u64 = HOSTIO_INK + (PTR_INK * 2 + EVM_API_INK);
    /// Shared by `call_contract`, `delegate_call_contract` and `static_call_contract`.
    pub const CALL_CONTRACT_BASE_INK: u64 = HOSTIO_INK + (PTR_INK * 3 + EVM_API_INK);
    pub const CREATE1_BASE_INK: u64 = HOSTIO_INK + (PTR_INK * 3 + EVM_API_INK);
    pub const CREATE2_BASE_INK: u64 = HOSTIO_INK + (PTR_INK * 4 + EVM_API_INK);
    pub const READ_RETURN_DATA_BASE_INK: u64 = HOSTIO_INK + EVM_API_INK;
    pub const RETURN_DATA_SIZE_BASE_INK: u64 = HOSTIO_INK;
    pub const EMIT_LOG_BASE_INK: u64 = HOSTIO_INK + EVM_API_INK;
    pub const ACCOUNT_BALANCE_BASE_INK: u64 = HOSTIO_INK + (PTR_INK * 2 + EVM_API_INK);
    pub const ACCOUNT_CODE_BASE_INK: u64 = HOSTIO_INK + EVM_API_INK;
    pub const ACCOUNT_CODE_SIZE_BASE_INK: u64 = HOSTIO_INK + EVM_API_INK;
    pub const ACCOUNT_CODE_HASH_BASE_INK: u64 = HOSTIO_INK + (PTR_INK * 2 + EVM_API_INK);
    pub const BLOCK_BASEFEE_BASE_INK: u64 = HOSTIO_INK + PTR_INK;
    pub const BLOCK_COINBASE_BASE_INK: u64 = HOSTIO_INK + PTR_INK;
    pub const BLOCK_GAS_LIMIT_BASE_INK: u64 = HOSTIO_INK;
    pub const BLOCK_NUMBER_BASE_INK: u64 = HOSTIO_INK;
    pub const BLOCK_TIMESTAMP_BASE_INK: u64 = HOSTIO_INK;
    pub const CHAIN_ID_BASE_INK: u64 = HOSTIO_INK;
    pub const ADDRESS_BASE_INK: u64 = HOSTIO_INK + PTR_INK;
    pub const EVM_GAS_LEFT_BASE_INK: u64 = HOSTIO_INK;
    pub const EVM_INK_LEFT_BASE_INK: u64 = HOSTIO_INK;
    pub const MATH_DIV_BASE_INK: u64 = HOSTIO_INK + (PTR_INK * 3 + DIV_INK);
    pub const MATH_MOD_BASE_INK: u64 = HOSTIO_INK + (PTR_INK * 3 + DIV_INK);
    /// Plus [`super::pow_price`] of the exponent.
    pub const MATH_POW_BASE_INK: u64 = HOSTIO_INK + PTR_INK * 3;
    pub const MATH_ADD_MOD_BASE_INK: u64 = HOSTIO_INK + (PTR_INK * 4 + ADD_MOD_INK);
    pub const MATH_MUL_MOD_BASE_INK: u64 = HOSTIO_INK + (PTR_INK * 4 + MUL_MOD_INK);
    pub const MSG_REENTRANT_BASE_INK: u64 = HOSTIO_INK;
    pub const MSG_SENDER_BASE_INK: u64 = HOSTIO_INK + PTR_INK;
    pub const MSG_VALUE_BASE_INK: u64 = HOSTIO_INK + PTR_INK;
    pub const TX_GAS_PRICE_BASE_INK: u64 = HOSTIO_INK + PTR_INK;
    pub const TX_INK_PRICE_BASE_INK: u64 = HOSTIO_INK;
    pub const TX_ORIGIN_BASE_INK: u64 = HOSTIO_INK + PTR_INK;
    /// Charged only when `pay_for_memory_grow(0)`; a non-zero call pays gas instead (see
    /// [`super::pay_for_memory_grow`]).
    pub const PAY_FOR_MEMORY_GROW_BASE_INK: u64 = HOSTIO_INK;
}

fn sat_add_mul(base: u64, per: u64, count: u32) -> u64 {
    base.saturating_add(per.saturating_mul(count.into()))
}

/// Ink to write `bytes` into the guest (`pay_for_write`): 5040 + 30 per byte past 32.
/// Used by `read_args` (calldata len), `read_return_data` (min(size, len - offset)) and
/// `account_code` (the *whole* code length).
pub fn write_price(bytes: u32) -> u64 {
    sat_add_mul(5040, 30, bytes.saturating_sub(32))
}

/// Ink to read `bytes` from the guest (`pay_for_read`): 16381 + 55 per byte past 32.
/// `write_result`, `call_*`, `create1/2` pay it *twice* ("read from geth"); `emit_log` once.
pub fn read_price(bytes: u32) -> u64 {
    sat_add_mul(16381, 55, bytes.saturating_sub(32))
}

/// Ink of `native_keccak256` (its whole charge; no base ink): 121800 + 21000 per word past 2.
pub fn keccak_price(bytes: u32) -> u64 {
    let words = evm_words(bytes).saturating_sub(2);
    sat_add_mul(121800, 21000, words)
}

/// Extra ink of `math_pow` for a big-endian exponent: 3000 + 17500 * (33 - leading zero bytes).
pub fn pow_price(exponent: &[u8; 32]) -> u64 {
    let mut exp = 33u64;
    for byte in exponent.iter() {
        match *byte == 0 {
            true => exp -= 1, // reduce cost for each big-endian 0 byte
            false => break,
        }
    }
    3000 + exp * 17500
}

/// Minimum number of 32-byte EVM words holding `bytes` (arbutil `evm::evm_words`).
pub fn evm_words(bytes: u32) -> u32 {
    bytes.div_ceil(32)
}

// =============================================================================================
// 3. Ink price (params.go, config.rs)
// =============================================================================================

/// Default ink price: "1 evm gas buys 10k ink" (params.go `initialInkPrice`).
pub const INK_PRICE: u32 = 10_000;

/// `PricingParams::gas_to_ink` (config.rs): saturating `gas * ink_price`.
pub fn gas_to_ink(gas: u64, ink_price: u32) -> u64 {
    gas.saturating_mul(ink_price.into())
}

/// `PricingParams::ink_to_gas` (config.rs): `ink / ink_price`, rounding down (ink price is
/// never 0).
pub fn ink_to_gas(ink: u64, ink_price: u32) -> u64 {
    ink / ink_price as u64
}

// =============================================================================================
// 4. StylusParams (params.go, arbosstate.go)
// =============================================================================================

/// The newest ArbOS version a release node accepts (geth `params.MaxArbosVersionSupported`);
/// [`StylusParams::default`] is the parameter set at this version.
pub const DEFAULT_ARBOS_VERSION: u64 = 51;

/// ArbOS versions that change Stylus pricing (geth `params/config_arbitrum.go`,
/// arbutil `evm/mod.rs`).
pub mod arbos {
    /// Stylus introduced; `programs.Initialize` (StylusParams version 1).
    pub const STYLUS: u64 = 30;
    /// `StylusFixes`: StylusParams upgraded to version 2 (`MinInitGas` 72 -> 69); return data
    /// charged at least its EVM memory cost ([`super::evm_memory_cost`]).
    pub const STYLUS_FIXES: u64 = 31;
    /// `StylusChargingFixes`: activation pays for wasm length; storage loads use the correct
    /// EVM-API gas; `storage_flush_cache` buys its gas; at most 513 imports.
    pub const STYLUS_CHARGING_FIXES: u64 = 32;
    /// `MaxWasmSize` becomes a stored parameter (128 KiB).
    pub const V40: u64 = 40;
    /// `MaxStackDepth` capped at 22000; flush out-of-gas returns `OutOfGas` not `Failure`.
    pub const V50: u64 = 50;
    /// Recent-wasms block cache counts as cached; fragmented programs (`MaxFragmentCount` 2);
    /// configurable activation gas; multi-value rejected.
    pub const V60: u64 = 60;
}

/// Nitro's `StylusParams` (params.go), one field per stored parameter, same integer widths
/// (`InkPrice` is a uint24, held here in a `u32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StylusParams {
    /// Stylus version new activations get (1 at ArbOS 30, 2 from ArbOS 31).
    pub version: u16,
    /// Ink per gas (`initialInkPrice` 10000).
    pub ink_price: u32,
    /// Wasm stack budget in words (`initialStackDepth` 4 * 65536; capped at 22000 by ArbOS 50).
    pub max_stack_depth: u32,
    /// Pages each transaction gets free (`InitialFreePages` 2).
    pub free_pages: u16,
    /// Linear gas per page (`InitialPageGas` 1000).
    pub page_gas: u16,
    /// Exponential ramp constant (`initialPageRamp`). Not stored in state and not read by the
    /// memory model, whose ramp is the fixed table in [`MEMORY_EXPONENTS`]; only reported by
    /// `ArbWasm.pageRamp()`.
    pub page_ramp: u64,
    /// Max pages a program may start with (`initialPageLimit` 128 = 8 MiB).
    pub page_limit: u16,
    /// Base init gas, in units of [`MIN_INIT_GAS_UNITS`] (72 at v1, 69 from v2).
    pub min_init_gas: u8,
    /// Base cached init gas, in units of [`MIN_CACHED_GAS_UNITS`] (11).
    pub min_cached_init_gas: u8,
    /// Init cost scalar, in [`COST_SCALAR_PERCENT`] % steps (50 = 100%).
    pub init_cost_scalar: u8,
    /// Cached cost scalar, in [`COST_SCALAR_PERCENT`] % steps (50 = 100%).
    pub cached_cost_scalar: u8,
    /// Days after (re)activation when a program expires (365).
    pub expiry_days: u16,
    /// Days after (re)activation before `codehashKeepalive` is allowed (31).
    pub keepalive_days: u16,
    /// Size of the recent-programs block cache (32).
    pub block_cache_size: u16,
    /// Max decompressed wasm size (128 KiB; before ArbOS 40 the same value as a constant).
    pub max_wasm_size: u32,
    /// Max fragments of a root program (0 before ArbOS 60, then 2).
    pub max_fragment_count: u8,
}

/// params.go `initialMaxWasmSize`.
pub const INITIAL_MAX_WASM_SIZE: u32 = 128 * 1024;
/// params.go `initialStackDepth`.
pub const INITIAL_STACK_DEPTH: u32 = 4 * 65536;
/// params.go `arbOS50MaxWasmSize` (despite the name, the ArbOS 50 cap on `MaxStackDepth`).
pub const ARBOS50_MAX_STACK_DEPTH: u32 = 22000;
/// params.go `initialPageRamp`: "targets 8MB costing 32 million gas, minus the linear term".
pub const INITIAL_PAGE_RAMP: u64 = 620_674_314;
/// params.go `initialMinInitGas` (version 1): 72 * 128 = 9216 gas.
pub const INITIAL_MIN_INIT_GAS: u8 = 72;
/// params.go `v2MinInitGas`: 69 * 128 = 8832 gas (cached gas is also charged from v2).
pub const V2_MIN_INIT_GAS: u8 = 69;
/// params.go `initialMinCachedGas`: 11 * 32 = 352 gas.
pub const INITIAL_MIN_CACHED_GAS: u8 = 11;
/// params.go `MinCachedGasUnits`: gas per unit of `min_cached_init_gas`.
pub const MIN_CACHED_GAS_UNITS: u64 = 32;
/// params.go `MinInitGasUnits`: gas per unit of `min_init_gas`.
pub const MIN_INIT_GAS_UNITS: u64 = 128;
/// params.go `CostScalarPercent`: percent per unit of the cost scalars.
pub const COST_SCALAR_PERCENT: u64 = 2;

impl StylusParams {
    /// The parameters as `initStylusParams` (ArbOS 30) writes them and the ArbOS upgrades of
    /// arbosstate.go then change them, for a chain at `arbos_version` (genesis runs every
    /// upgrade step up to its version). Below ArbOS 30 there is no Stylus; this returns the
    /// ArbOS 30 set.
    pub fn for_arbos(arbos_version: u64) -> Self {
        let mut p = StylusParams {
            version: 1,
            ink_price: INK_PRICE,
            max_stack_depth: INITIAL_STACK_DEPTH,
            free_pages: 2,
            page_gas: 1000,
            page_ramp: INITIAL_PAGE_RAMP,
            page_limit: 128,
            min_init_gas: INITIAL_MIN_INIT_GAS,
            min_cached_init_gas: INITIAL_MIN_CACHED_GAS,
            init_cost_scalar: 50,
            cached_cost_scalar: 50,
            expiry_days: 365,
            keepalive_days: 31,
            block_cache_size: 32,
            // Params() returns the constant initialMaxWasmSize before ArbOS 40.
            max_wasm_size: INITIAL_MAX_WASM_SIZE,
            max_fragment_count: 0,
        };
        if arbos_version >= arbos::STYLUS_FIXES {
            // UpgradeToVersion(2)
            p.version = 2;
            p.min_init_gas = V2_MIN_INIT_GAS;
        }
        if arbos_version >= arbos::V40 {
            p.max_wasm_size = INITIAL_MAX_WASM_SIZE;
        }
        if arbos_version >= arbos::V50 && p.max_stack_depth > ARBOS50_MAX_STACK_DEPTH {
            p.max_stack_depth = ARBOS50_MAX_STACK_DEPTH;
        }
        if arbos_version >= arbos::V60 {
            p.max_fragment_count = 2; // initialMaxFragmentCount
        }
        p
    }

    /// The memory model these parameters define.
    pub fn memory_model(&self) -> MemoryModel {
        MemoryModel::new(self.free_pages, self.page_gas)
    }
}

impl Default for StylusParams {
    /// Parameters at [`DEFAULT_ARBOS_VERSION`]: version 2, ink price 10000, stack 22000,
    /// 2 free pages, 1000 gas/page, page limit 128, min init 69, min cached 11, scalars 50/50,
    /// expiry 365 days, keepalive 31 days, block cache 32, max wasm 128 KiB, 0 fragments.
    fn default() -> Self {
        Self::for_arbos(DEFAULT_ARBOS_VERSION)
    }
}

// =============================================================================================
// 5. Memory (memory.go, user-host-trait pay_for_memory_grow, api.go addPages)
// =============================================================================================

/// The exponential page ramp, `memoryExponents` in memory.go, copied verbatim:
/// `floor(31_874_000^(p/128))` for p in 0..=128.
pub const MEMORY_EXPONENTS: [u32; 129] = [
    1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 11, 12, 14, 17, 19, 22, 25, 29, 33, 38,
    43, 50, 57, 65, 75, 85, 98, 112, 128, 147, 168, 193, 221, 253, 289, 331, 379, 434, 497, 569,
    651, 745, 853, 976, 1117, 1279, 1463, 1675, 1917, 2194, 2511, 2874, 3290, 3765, 4309, 4932,
    5645, 6461, 7395, 8464, 9687, 11087, 12689, 14523, 16621, 19024, 21773, 24919, 28521, 32642,
    37359, 42758, 48938, 56010, 64104, 73368, 83971, 96106, 109994, 125890, 144082, 164904, 188735,
    216010, 247226, 282953, 323844, 370643, 424206, 485509, 555672, 635973, 727880, 833067, 953456,
    1091243, 1248941, 1429429, 1636000, 1872423, 2143012, 2452704, 2807151, 3212820, 3677113,
    4208502, 4816684, 5512756, 6309419, 7221210, 8264766, 9459129, 10826093, 12390601, 14181199,
    16230562, 18576084, 21260563, 24332984, 27849408, 31873999,
];

/// Nitro's `MemoryModel` (memory.go). The transaction tracks two page counts (geth
/// `StateDB.GetStylusPages`): `open` (pages of the currently open programs) and `ever` (the
/// high-water mark of `open` in this tx).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryModel {
    /// Pages the tx gets for free.
    pub free_pages: u16,
    /// Base gas to charge per wasm page.
    pub page_gas: u16,
}

impl MemoryModel {
    pub fn new(free_pages: u16, page_gas: u16) -> Self {
        Self { free_pages, page_gas }
    }

    /// Gas to allocate `new` pages given `open` are active and `ever` have ever been
    /// (`GasCost`): free while the new high-water mark stays within `free_pages`; otherwise
    /// `page_gas` per newly opened page above the free ones plus the ramp difference
    /// `exp(new_ever) - exp(ever)`. Saturates at `u64::MAX` past 128 pages.
    pub fn gas_cost(&self, new: u16, open: u16, ever: u16) -> u64 {
        let new_open = open.saturating_add(new);
        let new_ever = ever.max(new_open);

        // free until expansion beyond the first few
        if new_ever <= self.free_pages {
            return 0;
        }
        let sub_free = |pages: u16| pages.saturating_sub(self.free_pages);

        let adding = sub_free(new_open).saturating_sub(sub_free(open));
        let linear = (adding as u64).saturating_mul(self.page_gas as u64);
        // Go's uint64 subtraction; never underflows since the table is monotonic.
        let expand = Self::exp(new_ever).wrapping_sub(Self::exp(ever));
        linear.saturating_add(expand)
    }

    /// `exp`: the ramp table entry, `u64::MAX` past its end.
    pub fn exp(pages: u16) -> u64 {
        match MEMORY_EXPONENTS.get(pages as usize) {
            Some(&value) => value as u64,
            None => u64::MAX,
        }
    }
}

impl Default for MemoryModel {
    fn default() -> Self {
        StylusParams::default().memory_model()
    }
}

/// What `pay_for_memory_grow(pages)` charges (user-host-trait `pay_for_memory_grow` and
/// api.go `addPages`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryGrowCharge {
    /// Ink bought directly (only for `pages == 0`).
    pub ink: u64,
    /// Gas bought (`buy_gas`, i.e. `gas_to_ink(gas)` ink) for `pages > 0`.
    pub gas: u64,
    /// The tx's `(open, ever)` page counts afterwards.
    pub open: u16,
    pub ever: u16,
}

/// `pay_for_memory_grow(pages)`: for 0 pages, buys [`hostio::PAY_FOR_MEMORY_GROW_BASE_INK`]
/// and nothing else. Otherwise *no* base ink: geth's `AddStylusPages(pages)` updates
/// `open = open + pages` (saturating), `ever = max(ever, open)` and returns the *previous*
/// `(open, ever)`, and the cost is `model.gas_cost(pages, prev_open, prev_ever)`, bought as
/// gas ("no sentry needed since the work happens after the hostio"). The pages are recorded
/// even if the program then cannot pay. The heap-bound middleware (heap.rs) puts
/// `global.set scratch; global.get scratch; global.get scratch; call pay_for_memory_grow`
/// before every `memory.grow` when the memory's max differs from its min (those inserted ops
/// are not ink-metered; `memory.grow` itself costs 8050 ink).
pub fn pay_for_memory_grow(model: &MemoryModel, pages: u16, open: u16, ever: u16) -> MemoryGrowCharge {
    if pages == 0 {
        return MemoryGrowCharge { ink: hostio::PAY_FOR_MEMORY_GROW_BASE_INK, gas: 0, open, ever };
    }
    let new_open = open.saturating_add(pages);
    let new_ever = ever.max(new_open);
    MemoryGrowCharge { ink: 0, gas: model.gas_cost(pages, open, ever), open: new_open, ever: new_ever }
}

// =============================================================================================
// 6. Program calls, activation, data fee (programs.go, binary.rs, mod.rs, data_pricer.go)
// =============================================================================================

/// `Program.initGas` (programs.go): `min_init_gas * 128 + ceil(init_cost * scalar * 2 / 100)`.
pub fn init_gas(params: &StylusParams, init_cost: u16) -> u64 {
    let base = params.min_init_gas as u64 * MIN_INIT_GAS_UNITS;
    let dyno = (init_cost as u64).saturating_mul(params.init_cost_scalar as u64 * COST_SCALAR_PERCENT);
    base.saturating_add(dyno.div_ceil(100))
}

/// `Program.cachedGas` (programs.go): `min_cached_init_gas * 32 + ceil(cached_cost * scalar * 2 / 100)`.
pub fn cached_gas(params: &StylusParams, cached_cost: u16) -> u64 {
    let base = params.min_cached_init_gas as u64 * MIN_CACHED_GAS_UNITS;
    let dyno = (cached_cost as u64).saturating_mul(params.cached_cost_scalar as u64 * COST_SCALAR_PERCENT);
    base.saturating_add(dyno.div_ceil(100))
}

/// Gas `CallProgram` burns before running a program (programs.go), in order:
///
/// 1. memory: `model.gas_cost(footprint, open, ever)` with the tx's current page counts;
/// 2. `cached_gas` if the program is cached *or* its `version > 1` ("in version 1 cached cost
///    is part of init cost");
/// 3. `init_gas` if it is not cached.
///
/// So a non-cached version-2 program pays memory + `cached_gas` + `init_gas`
/// (8832 + 352 = 9184 gas plus its scaled costs at the defaults); a cached one pays memory +
/// `cached_gas`. "Cached" = ArbOS's long-term cache flag (`cacheProgram`), or, from ArbOS 60,
/// a hit in the per-block recent-wasms cache (`GetRecentWasms().Insert(codeHash,
/// BlockCacheSize)`, which also inserts). The whole sum is burned with `contract.BurnGas`
/// (out of gas if short). Afterwards geth's `AddStylusPages(footprint)` runs, and when the
/// call returns `open` is restored (`SetStylusPagesOpen(open)`) while `ever` stays.
#[allow(clippy::too_many_arguments)]
pub fn program_call_gas(
    params: &StylusParams,
    program_version: u16,
    init_cost: u16,
    cached_cost: u16,
    footprint: u16,
    cached: bool,
    open: u16,
    ever: u16,
) -> u64 {
    let mut cost = params.memory_model().gas_cost(footprint, open, ever);
    if cached || program_version > 1 {
        cost = cost.saturating_add(cached_gas(params, cached_cost));
    }
    if !cached {
        cost = cost.saturating_add(init_gas(params, init_cost));
    }
    cost
}

/// `ArbWasm.programInitGas` (programs.go `ProgramInitGas`): `(init, cached)` where `init`
/// includes `cached` when `params.version > 1`. Plain `+`, as Go (cannot overflow in
/// practice: both are below 2^18).
pub fn program_init_gas_report(params: &StylusParams, init_cost: u16, cached_cost: u16) -> (u64, u64) {
    let cached = cached_gas(params, cached_cost);
    let mut init = init_gas(params, init_cost);
    if params.version > 1 {
        init += cached;
    }
    (init, cached)
}

/// geth `toWordSize` as in programs.go `ToWordSize`: `ceil(size / 32)`, saturating.
pub fn to_word_size(size: u64) -> u64 {
    if size > u64::MAX - 31 {
        return u64::MAX / 32 + 1;
    }
    size.div_ceil(32)
}

/// `evmMemoryCost` (programs.go): `3 * words + words² / 512`, what returning `size` bytes
/// would cost in EVM memory.
pub fn evm_memory_cost(size: u64) -> u64 {
    // "It would take 100GB to overflow this calculation"; wrapping like Go.
    let words = to_word_size(size);
    let linear = words.wrapping_mul(3); // params.MemoryGas
    let square = words.wrapping_mul(words) / 512; // params.QuadCoeffDiv
    linear.wrapping_add(square)
}

/// After a program returns (programs.go `CallProgram`, ArbOS >= 31 and non-empty output):
/// "Ensure that return data costs as least as much as it would in the EVM". Given the gas the
/// call frame had before paying init (`starting_gas`) and what is left now, returns the gas left
/// after the cap, or `None` when `starting_gas < evm_memory_cost(ret_len)`: all gas is burned
/// and the call fails out of gas.
pub fn cap_gas_for_return_data(arbos_version: u64, starting_gas: u64, gas_left: u64, ret_len: usize) -> Option<u64> {
    if ret_len == 0 || arbos_version < arbos::STYLUS_FIXES {
        return Some(gas_left);
    }
    let evm_cost = evm_memory_cost(ret_len as u64);
    if starting_gas < evm_cost {
        return None;
    }
    Some(gas_left.min(starting_gas - evm_cost))
}

/// Facts about a user wasm that activation prices. All come from Nitro's `WasmBinary` as
/// `parse_user` / `instrument` (binary.rs) and `Module::activate` (prover `programs/mod.rs`)
/// see it; the field docs say how to compute each with wasmparser.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActivationFacts {
    /// Length of the *decompressed* wasm (`wasm.len()`).
    pub wasm_len: u64,
    /// Locally defined functions: entries of the function (= code) section, imports excluded
    /// (`codes.len()`, `functions.len()`).
    pub funcs: u64,
    /// Σ over locally defined functions of (params + results) of the function's type.
    pub type_len: u64,
    /// Globals *after instrumentation*: the module's own globals + 4, the globals Nitro's
    /// middlewares add (`stylus_ink_left`, `stylus_ink_status`, `stylus_scratch_global`,
    /// `stylus_stack_left`), whatever the dev node itself injects.
    pub globals: u64,
    /// Σ of `wasmparser::Data::range.len()`: the *whole* segment encodings (flags, offset
    /// expression, length prefix and payload), not just the payload.
    pub data_range_len: u64,
    /// Σ of `wasmparser::Data::data.len()`: the payload bytes only (activation gas).
    pub data_payload_len: u64,
    /// Σ of `wasmparser::Element::range.len()`: whole element segment encodings, in bytes
    /// (Nitro uses this both for costs and for its "4096 element entries" limit).
    pub elem_range_len: u64,
    /// Initial pages of the (single) memory (`memories[0].initial`); 0 if none.
    pub footprint: u16,
    /// Σ over function bodies of the operator count *after* Nitro's five middlewares
    /// (start mover, ink meter, dynamic meter, depth checker, heap bound), including each
    /// body's final `end`. Only used by [`activation_gas_charges`].
    pub instrumented_ops: u64,
}

/// What activation stores for a program (`StylusData`, binary.rs `instrument`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivationCosts {
    /// Feeds [`init_gas`].
    pub init_cost: u16,
    /// Feeds [`cached_gas`].
    pub cached_init_cost: u16,
    /// Predicted asm size in bytes; feeds the data fee and is stored in KiB rounded up.
    pub asm_estimate: u32,
    /// Initial memory pages.
    pub footprint: u16,
}

/// Activation fails when a cost does not fit its field (binary.rs: "init cost too high",
/// "cached cost too high", "asm estimate too large").
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ActivationCostError {
    #[error("init cost too high")]
    InitCostTooHigh,
    #[error("cached cost too high")]
    CachedCostTooHigh,
    #[error("asm estimate too large")]
    AsmEstimateTooLarge,
}

/// The cost predictions of binary.rs `instrument` ("predict costs"), verbatim:
///
/// ```text
/// data_len      = data_range_len + elem_range_len
/// asm_estimate  = 512000 + funcs*996829/1000 + type_len*11416/1000 + wasm_len*62628/10000
/// cached_init   = funcs*13420/100000 + type_len*89/100000 + wasm_len*122/100000
///               + globals*1628/1000 + data_len*75244/100000 + footprint*5
/// init          = (cached_init if stylus_version == 1) + funcs*8252/1000
///               + type_len*1059/1000 + wasm_len*1286/10000
/// ```
/// each term floored separately, all saturating.
pub fn activation_costs(facts: &ActivationFacts, stylus_version: u16) -> Result<ActivationCosts, ActivationCostError> {
    let (init, cached_init, asm_estimate) = predicted_costs(facts, stylus_version);
    Ok(ActivationCosts {
        init_cost: init.try_into().map_err(|_| ActivationCostError::InitCostTooHigh)?,
        cached_init_cost: cached_init.try_into().map_err(|_| ActivationCostError::CachedCostTooHigh)?,
        asm_estimate: asm_estimate.try_into().map_err(|_| ActivationCostError::AsmEstimateTooLarge)?,
        footprint: facts.footprint,
    })
}

/// [`activation_costs`] before the range checks: (init cost, cached init cost, asm estimate),
/// each still a u64, for callers that report each overflow themselves.
pub fn predicted_costs(facts: &ActivationFacts, stylus_version: u16) -> (u64, u64, u64) {
    let funcs = facts.funcs;
    let globals = facts.globals;
    let wasm_len = facts.wasm_len;
    let type_len = facts.type_len;
    let data_len = facts.data_range_len + facts.elem_range_len;
    let footprint = facts.footprint;

    let mut asm_estimate: u64 = 512000;
    asm_estimate = asm_estimate.saturating_add(funcs.saturating_mul(996829) / 1000);
    asm_estimate = asm_estimate.saturating_add(type_len.saturating_mul(11416) / 1000);
    asm_estimate = asm_estimate.saturating_add(wasm_len.saturating_mul(62628) / 10000);

    let mut cached_init: u64 = 0;
    cached_init = cached_init.saturating_add(funcs.saturating_mul(13420) / 100_000);
    cached_init = cached_init.saturating_add(type_len.saturating_mul(89) / 100_000);
    cached_init = cached_init.saturating_add(wasm_len.saturating_mul(122) / 100_000);
    cached_init = cached_init.saturating_add(globals.saturating_mul(1628) / 1000);
    cached_init = cached_init.saturating_add(data_len.saturating_mul(75244) / 100_000);
    cached_init = cached_init.saturating_add(footprint as u64 * 5);

    let mut init: u64 = 0;
    if stylus_version == 1 {
        init = cached_init; // in version 1 cached cost is part of init cost
    }
    init = init.saturating_add(funcs.saturating_mul(8252) / 1000);
    init = init.saturating_add(type_len.saturating_mul(1059) / 1000);
    init = init.saturating_add(wasm_len.saturating_mul(1286) / 10_000);

    (init, cached_init, asm_estimate)
}

/// `asmEstimateKb` as stored (programs.go): `ceil(asm_estimate / 1024)`; activation fails if it
/// does not fit a uint24. `Program.asmSize()` = `kb * 1024` (saturating u32) is what keepalive
/// prices.
pub fn asm_estimate_kb(asm_estimate: u32) -> Option<u32> {
    let kb = asm_estimate.div_ceil(1024);
    (kb < (1 << 24)).then_some(kb)
}

/// `Program.asmSize` (programs.go): the stored `asm_estimate_kb * 1024`, saturating at u32, what
/// `codehashAsmSize` reports and keepalive prices: the estimate rounded *up* to whole KiB.
pub fn asm_size(asm_estimate: u32) -> u32 {
    let kb = asm_estimate.div_ceil(1024);
    kb.saturating_mul(1024)
}

/// Fixed gas `ArbWasm.activateProgram` burns before activating ("charge a fixed cost up front
/// to begin activation", ArbWasm.go).
pub const ACTIVATION_FIXED_GAS: u64 = 1_659_168;

/// Default of the configurable activation gas (ArbOS >= 60, `ArbOwner.setWasmActivationGas`,
/// burned before [`ACTIVATION_FIXED_GAS`]): 0 ("default 0; raise to deter DOS").
pub const DEFAULT_ACTIVATION_GAS: u64 = 0;

/// `us_to_gas` in `Module::activate`: microseconds of work to gas,
/// `us * (fudge 2 * speed 7_000_000) / sync_rate 500_000` = 28 gas per µs, saturating.
pub fn activation_us_to_gas(us: u64) -> u64 {
    let fudge = 2;
    let sync_rate = 1_000_000 / 2;
    let speed = 7_000_000;
    us.saturating_mul(fudge * speed) / sync_rate
}

/// The successive `pay!` amounts (gas) of `Module::activate` (prover `programs/mod.rs`), in
/// order, for `arbos_version_for_activation` (0 = recompilation: nothing is charged):
/// wasm `len*31733/100000` µs (ArbOS >= 32 only), funcs `*17263/100000`, data payload bytes
/// `*17376/100000`, element range bytes `*17376/100000`, memory pages `*2217`, instrumented
/// ops `*535/1000`; each µs figure floored then converted with [`activation_us_to_gas`].
pub fn activation_gas_charges(facts: &ActivationFacts, arbos_version: u64) -> Vec<u64> {
    let mut charges = Vec::new();
    if arbos_version == 0 {
        return charges;
    }
    if arbos_version >= arbos::STYLUS_CHARGING_FIXES {
        charges.push(activation_us_to_gas(facts.wasm_len.saturating_mul(31_733) / 100_000));
    }
    charges.push(activation_us_to_gas(facts.funcs.saturating_mul(17_263) / 100_000));
    charges.push(activation_us_to_gas(facts.data_payload_len.saturating_mul(17_376) / 100_000));
    charges.push(activation_us_to_gas(facts.elem_range_len.saturating_mul(17_376) / 100_000));
    charges.push(activation_us_to_gas((facts.footprint as u64).saturating_mul(2217)));
    charges.push(activation_us_to_gas(facts.instrumented_ops.saturating_mul(535) / 1_000));
    charges
}

/// Applies [`activation_gas_charges`] to `gas` as `Module::activate` does: each `pay!` fails
/// with "out of gas" and sets `gas = 0` when `gas < amount`, else subtracts. Go
/// (native.go `activateProgram`) then burns `supplied - gas_left`, even when activation fails.
/// Note parsing/validation errors happen *before* any charge (nothing burned by this step).
pub fn charge_activation_gas(facts: &ActivationFacts, arbos_version: u64, gas: &mut u64) -> Result<(), OutOfGas> {
    for amount in activation_gas_charges(facts, arbos_version) {
        if *gas < amount {
            *gas = 0;
            return Err(OutOfGas);
        }
        *gas -= amount;
    }
    Ok(())
}

/// Out of gas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("out of gas")]
pub struct OutOfGas;

/// `ArbitrumStartTime` (data_pricer.go): "the day it all began".
pub const ARBITRUM_START_TIME: u64 = 1_421_388_000;
/// `InitialHourlyBytes`: `1 << 40 / (365 * 24)`, "1Tb total footprint".
pub const INITIAL_HOURLY_BYTES: u64 = (1u64 << 40) / (365 * 24);
/// `initialBytesPerSecond` = `InitialHourlyBytes / 3600` = 34865.
pub const INITIAL_BYTES_PER_SECOND: u32 = (INITIAL_HOURLY_BYTES / (60 * 60)) as u32;
/// `initialMinPrice` in wei per byte ("5Mb = $1").
pub const INITIAL_MIN_PRICE: u32 = 82_928_201;
/// `initialInertia` ("expensive at 1Tb").
pub const INITIAL_INERTIA: u32 = 21_360_419;

/// Nitro's `DataPricer` (data_pricer.go): the wei fee activation and keepalive pay (as
/// `msg.value` to ArbWasm; excess refunded). Activation prices `asm_estimate` bytes;
/// keepalive prices `asm_estimate_kb * 1024`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataPricer {
    pub demand: u32,
    pub bytes_per_second: u32,
    pub last_update_time: u64,
    pub min_price: u32,
    pub inertia: u32,
}

impl Default for DataPricer {
    /// `initDataPricer`: demand 0, 34865 bytes/s, last update at Arbitrum's start time,
    /// min price 82928201 wei/byte, inertia 21360419.
    fn default() -> Self {
        Self {
            demand: 0,
            bytes_per_second: INITIAL_BYTES_PER_SECOND,
            last_update_time: ARBITRUM_START_TIME,
            min_price: INITIAL_MIN_PRICE,
            inertia: INITIAL_INERTIA,
        }
    }
}

impl DataPricer {
    /// `UpdateModel(tempBytes, time)`: drains demand by `bytes_per_second` per second passed
    /// (u32 saturating; Go's `time - lastUpdateTime` wraps then saturates to u32), adds
    /// `temp_bytes`, records `time`, and returns
    /// `temp_bytes * floor(min_price * approx_exp_bips(10000 * demand / inertia, 12) / 10000)`
    /// wei (u64 saturating).
    pub fn update(&mut self, temp_bytes: u32, time: u64) -> U256 {
        let passed = saturating_u32(time.wrapping_sub(self.last_update_time));
        let credit = self.bytes_per_second.saturating_mul(passed);
        let mut demand = self.demand.saturating_sub(credit);
        demand = demand.saturating_add(temp_bytes);

        self.demand = demand;
        self.last_update_time = time;

        // Bips are int64 in Go; 10000 * u32 fits. An inertia of 0 would panic in Go too.
        let exponent = ONE_IN_BIPS * demand as i64 / self.inertia as i64;
        let multiplier = approx_exp_basis_points(exponent, 12);
        let cost_per_byte = uint_saturating_mul_by_bips(self.min_price as u64, multiplier);
        let cost_in_wei = cost_per_byte.saturating_mul(temp_bytes as u64);
        U256::from(cost_in_wei)
    }
}

fn saturating_u32(value: u64) -> u32 {
    value.min(u32::MAX as u64) as u32
}

/// arbmath `OneInBips`.
pub const ONE_IN_BIPS: i64 = 10000;

/// arbmath `ApproxExpBasisPoints(value, accuracy)`: Horner-form Maclaurin approximation of
/// `10000 * e^(value / 10000)`.
pub fn approx_exp_basis_points(value: i64, accuracy: u64) -> i64 {
    let negative = value < 0;
    let input = if negative { value.wrapping_neg() } else { value };
    let x = input as u64;
    let b = ONE_IN_BIPS as u64;

    let mut res = b + x / accuracy;
    let mut i = accuracy - 1;
    while i > 0 {
        res = b + res.saturating_mul(x) / (i * b);
        i -= 1;
    }

    let out = if negative { b * b / res } else { res };
    out.min(i64::MAX as u64) as i64
}

/// arbmath `UintSaturatingMulByBips`: `saturating(value * bips) / 10000`, 0 for bips <= 0.
pub fn uint_saturating_mul_by_bips(value: u64, bips: i64) -> u64 {
    if bips <= 0 {
        return 0;
    }
    value.saturating_mul(bips as u64) / ONE_IN_BIPS as u64
}

/// Hours since Arbitrum began, rounded down, saturating to a uint24 (`hoursSinceArbitrum`):
/// what a program's `activatedAt` stores.
pub fn hours_since_arbitrum(time: u64) -> u32 {
    (time.saturating_sub(ARBITRUM_START_TIME) / 3600).min((1 << 24) - 1) as u32
}

/// Program age in seconds from its stored `activatedAt` hours (`hoursToAge`). Expired when
/// `age > expiry_days * 86400`; keepalive allowed when `age >= keepalive_days * 86400`.
pub fn hours_to_age(time: u64, hours: u32) -> u64 {
    let seconds = (hours as u64).saturating_mul(3600);
    let activated_at = ARBITRUM_START_TIME.saturating_add(seconds);
    time.saturating_sub(activated_at)
}

/// The time a program's stored `activatedAt` stands for: Nitro keeps whole hours since
/// Arbitrum began (`hoursSinceArbitrum`, rounded down), so a program's age, its expiry and its
/// keepalive window all count from the start of the hour it was (re)activated in
/// (`hoursToAge`). `hours_to_age(t, hours_since_arbitrum(a)) == t - activation_time(a)`.
pub fn activation_time(time: u64) -> u64 {
    ARBITRUM_START_TIME + hours_since_arbitrum(time) as u64 * 3600
}

/// arbmath `DaysToSeconds`.
pub fn days_to_seconds(days: u16) -> u64 {
    days as u64 * 24 * 60 * 60
}

// =============================================================================================
// 7. EVM gas of the host's EVM API (geth operations_acl_arbitrum.go, api.go, arbutil evm)
// =============================================================================================

/// `params.WarmStorageReadCostEIP2929`.
pub const WARM_STORAGE_READ_GAS: u64 = 100;
/// `params.ColdSloadCostEIP2929`.
pub const COLD_SLOAD_GAS: u64 = 2100;
/// `params.ColdAccountAccessCostEIP2929`.
pub const COLD_ACCOUNT_GAS: u64 = 2600;
/// `params.SstoreSentryGasEIP2200`.
pub const SSTORE_SENTRY_GAS: u64 = 2300;
/// `params.SstoreSetGasEIP2200`.
pub const SSTORE_SET_GAS: u64 = 20000;
/// `params.SstoreResetGasEIP2200`.
pub const SSTORE_RESET_GAS: u64 = 5000;
/// `params.SstoreClearsScheduleRefundEIP3529` = 5000 - 2100 + 1900 = 4800.
pub const SSTORE_CLEARS_SCHEDULE_REFUND: u64 = SSTORE_RESET_GAS - COLD_SLOAD_GAS + 1900;
/// `params.CallStipend`.
pub const CALL_STIPEND: u64 = 2300;
/// `params.CallValueTransferGas`.
pub const CALL_VALUE_TRANSFER_GAS: u64 = 9000;
/// `params.CallNewAccountGas`.
pub const CALL_NEW_ACCOUNT_GAS: u64 = 25000;
/// `params.CreateGas`.
pub const CREATE_GAS: u64 = 32000;
/// `params.Keccak256WordGas`.
pub const KECCAK_WORD_GAS: u64 = 6;
/// `params.LogGas` / `LogTopicGas` (both 375; Stylus charges `(1 + topics) * 375`).
pub const LOG_TOPIC_GAS: u64 = 375;
/// `params.LogDataGas`.
pub const LOG_DATA_GAS: u64 = 8;
/// `params.ExtcodeSizeGasEIP150`.
pub const EXTCODE_SIZE_GAS: u64 = 700;
/// `params.DefaultMaxCodeSize`.
pub const DEFAULT_MAX_CODE_SIZE: u64 = 24576;
/// arbutil `TLOAD_GAS` / `TSTORE_GAS`: the transient hostios buy 100 gas each, after their
/// base ink; Go charges nothing more.
pub const TRANSIENT_GAS: u64 = WARM_STORAGE_READ_GAS;

/// Gas the storage hostios require present (not burned) on top of their own checks:
/// arbutil `StorageCache::REQUIRED_ACCESS_GAS`.
pub const STORAGE_CACHE_REQUIRED_ACCESS_GAS: u64 = 10;

/// `StorageCache::read_gas`, given the 1-based count of `storage_load_bytes32` calls in this
/// program invocation (hit or miss): 0 for the first 32, 2 up to 128, then 10.
pub fn storage_cache_read_gas(reads: usize) -> u64 {
    match reads {
        0..=32 => 0,
        33..=128 => 2,
        _ => 10,
    }
}

/// `StorageCache::write_gas`, given the 1-based count of `storage_cache_bytes32` calls:
/// 0 for the first 8, 7 up to 64, then 10.
pub fn storage_cache_write_gas(writes: usize) -> u64 {
    match writes {
        0..=8 => 0,
        9..=64 => 7,
        _ => 10,
    }
}

/// The extra gas `storage_load_bytes32` adds on a cache miss for the Go round trip
/// (`evm_api_gas_to_use`): `ink_to_gas(EVM_API_INK)` = 5 gas at ink price 10000 from ArbOS 32;
/// before that Nitro (wrongly, kept for consensus) used the ink figure 59673 as gas.
pub fn evm_api_gas_to_use(arbos_version: u64, ink_price: u32) -> u64 {
    if arbos_version < arbos::STYLUS_CHARGING_FIXES {
        EVM_API_INK
    } else {
        ink_to_gas(EVM_API_INK, ink_price)
    }
}

/// geth `WasmStateLoadCost`: 2100 for a cold slot (which it warms), 100 warm.
///
/// The whole `storage_load_bytes32` charge (user-host-trait + req.rs `get_bytes32`):
/// buy [`hostio::STORAGE_LOAD_BASE_INK`]; require (not burn)
/// `COLD_SLOAD_GAS + STORAGE_CACHE_REQUIRED_ACCESS_GAS + evm_api_gas_to_use` gas; then buy
/// `storage_cache_read_gas(n)` plus, only on a cache miss (slot not yet in this invocation's
/// cache), `storage_load_gas(warm) + evm_api_gas_to_use`. The cache is per program invocation.
pub fn storage_load_gas(warm: bool) -> u64 {
    if warm {
        WARM_STORAGE_READ_GAS
    } else {
        COLD_SLOAD_GAS
    }
}

/// geth `WasmStateStoreCost` for one dirty slot written back by `storage_flush_cache`
/// (EIP-2200 with EIP-2929 costs and EIP-3529 refunds, "the most recent parameters as of The
/// Merge"). Returns `(gas, refund_delta)`; `warm` = slot already in the access list (a cold
/// slot costs 2100 more and is then warmed).
///
/// Sentry: `WasmStateStoreCost` itself does not check one ("the sentry check must be done by
/// the caller"). The Rust side requires (without burning) `SSTORE_SENTRY_GAS + 10` gas in
/// `storage_cache_bytes32` (which buys only [`storage_cache_write_gas`]) and
/// `SSTORE_SENTRY_GAS` in `storage_flush_cache`, i.e. gas_left * ink_price >= 2300 * ink_price
/// in ink (>=, unlike the EVM's `gas <= 2300` failure). The flush sends budget
/// `gas_left + 1` to Go (api.go `setTrieSlots`); slots are applied in order, each failing if
/// `cost > budget_left` (budget set to 0); the result is out-of-gas if any slot failed *or* the
/// remaining budget is exactly 0 (so the total must be <= gas_left), reported as `Failure`
/// before ArbOS 50 and `OutOfGas` after; both make the hostio fail (program traps). From
/// ArbOS 32 the flush then buys the total gas; before that it was not charged at all.
pub fn sstore_gas(original: B256, current: B256, new: B256, warm: bool) -> (u64, i64) {
    let clearing_refund = SSTORE_CLEARS_SCHEDULE_REFUND as i64;
    let zero = B256::ZERO;
    let mut cost = 0u64;
    let mut refund = 0i64;

    if !warm {
        cost += COLD_SLOAD_GAS;
    }
    if current == new {
        // noop (1)
        return (cost + WARM_STORAGE_READ_GAS, refund);
    }
    if original == current {
        if original == zero {
            // create slot (2.1.1)
            return (cost + SSTORE_SET_GAS, refund);
        }
        if new == zero {
            // delete slot (2.1.2b)
            refund += clearing_refund;
        }
        // write existing slot (2.1.2)
        return (cost + (SSTORE_RESET_GAS - COLD_SLOAD_GAS), refund);
    }
    if original != zero {
        if current == zero {
            // recreate slot (2.2.1.1)
            refund -= clearing_refund;
        } else if new == zero {
            // delete slot (2.2.1.2)
            refund += clearing_refund;
        }
    }
    if original == new {
        if original == zero {
            // reset to original inexistent slot (2.2.2.1)
            refund += (SSTORE_SET_GAS - WARM_STORAGE_READ_GAS) as i64;
        } else {
            // reset to original existing slot (2.2.2.2)
            refund += ((SSTORE_RESET_GAS - COLD_SLOAD_GAS) - WARM_STORAGE_READ_GAS) as i64;
        }
    }
    // dirty update (2.2)
    (cost + WARM_STORAGE_READ_GAS, refund)
}

/// geth `WasmCallCost` (the EIP-2929 and `gasCall` parts, "as of The Merge"): 100, + 2500 if
/// the target is cold (then warmed), + 25000 if value is sent to an empty account
/// (`StateDB.Empty`), + 9000 if value is sent. The same for `delegate_call`/`static_call`
/// (value 0). `None` when the running total exceeds `budget` (= the program's gas left): api.go
/// then charges *all* of `gas_left` and reports status 2 without calling. Access-list side
/// effect: the target is warmed iff `budget >= 100`.
pub fn call_base_gas(warm: bool, transfers_value: bool, target_empty: bool, budget: u64) -> Option<u64> {
    let mut total = WARM_STORAGE_READ_GAS;
    if total > budget {
        return None;
    }
    if !warm {
        total = total.saturating_add(COLD_ACCOUNT_GAS - WARM_STORAGE_READ_GAS);
        if total > budget {
            return None;
        }
    }
    if transfers_value && target_empty {
        total = total.saturating_add(CALL_NEW_ACCOUNT_GAS);
        if total > budget {
            return None;
        }
    }
    if transfers_value {
        total = total.saturating_add(CALL_VALUE_TRANSFER_GAS);
        if total > budget {
            return None;
        }
    }
    Some(total)
}

/// The 63/64 rule as api.go `doCall` computes it: `gas * 63 / 64` (multiply first, wrapping
/// like Go's uint64). Note this rounds differently from geth's `gas - gas / 64` (e.g. 65 -> 63,
/// not 64); `create` uses [`create_one_64th`] instead.
pub fn all_but_one_64th(gas: u64) -> u64 {
    gas.wrapping_mul(63) / 64
}

/// Gas handed to the callee by `call_contract` & co (api.go `doCall`):
/// `min(all_but_one_64th(gas_left - base), gas_req)` (+ 2300 stipend, saturating, when value
/// is sent). `gas_left` is the program's gas after buying the hostio's ink and read prices;
/// `gas_req = min(requested gas, gas_left)` (user-host-trait `parse_call_inputs`), so passing
/// `u64::MAX` sends as much as possible.
pub fn call_gas_to_pass(gas_left: u64, base: u64, gas_req: u64, transfers_value: bool) -> u64 {
    let start_gas = all_but_one_64th(gas_left.saturating_sub(base));
    let mut gas = start_gas.min(gas_req);
    if transfers_value {
        gas = gas.saturating_add(CALL_STIPEND);
    }
    gas
}

/// Gas the program then buys for a call: `base + (passed - returned)` (saturating). Because
/// `passed` includes the stipend, unused stipend is *not* a net gain (unlike the EVM).
pub fn call_cost(base: u64, gas_passed: u64, gas_returned: u64) -> u64 {
    base.saturating_add(gas_passed.saturating_sub(gas_returned))
}

/// geth `WasmAccountTouchCost` with the default max code size: see
/// [`account_touch_gas_with_max_code_size`].
pub fn account_touch_gas(warm: bool, with_code: bool) -> u64 {
    account_touch_gas_with_max_code_size(warm, with_code, DEFAULT_MAX_CODE_SIZE)
}

/// geth `WasmAccountTouchCost`: 2600 cold (then warmed) / 100 warm, plus, `with_code`
/// (`account_code`, `account_code_size`), `max_code_size / 24576 * 700` (integer division;
/// 700 at the default). `account_balance` and `account_codehash` use `with_code = false`.
/// The hostios first require (not burn) 2600 gas. For code, Go returns empty code (but the
/// same cost) when the passed `gas_left` is below the cost, and the Rust side remembers the
/// last address whose code it fetched: asking again for the same address costs 0 gas (from
/// ArbOS 40 only non-empty code is remembered). `account_code` then also pays
/// `write_price(code.len())` ink for the whole code.
pub fn account_touch_gas_with_max_code_size(warm: bool, with_code: bool, max_code_size: u64) -> u64 {
    let mut cost = 0u64;
    if with_code {
        cost = cost.saturating_add(max_code_size / DEFAULT_MAX_CODE_SIZE * EXTCODE_SIZE_GAS);
    }
    if warm {
        cost.saturating_add(WARM_STORAGE_READ_GAS)
    } else {
        cost.saturating_add(COLD_ACCOUNT_GAS)
    }
}

/// Gas `emit_log` buys (`GasMeteredMachine::pay_for_evm_log`): `(1 + topics) * 375 +
/// 8 * data_len`, where `data_len = len - 32 * topics` (the payload after the topics). Before it
/// the hostio buys [`hostio::EMIT_LOG_BASE_INK`] and `read_price(len)`; it fails if
/// `topics > 4` or `len < 32 * topics`. Go charges nothing more.
pub fn log_gas(topics: u32, data_len: u32) -> u64 {
    let cost = (1 + topics as u64) * LOG_TOPIC_GAS;
    cost.saturating_add(data_len as u64 * LOG_DATA_GAS)
}

/// Upfront gas of `create1`/`create2` (api.go `create`): 32000, plus `6 * words(code)` for
/// CREATE2's hash. Unlike geth's `gasCreateEip3860`, Stylus charges *no* EIP-3860 init-code
/// word gas (2/word) and no memory expansion. If the program's gas is below this, Go returns an
/// error with cost = all the gas, and the hostio fails.
pub fn create_base_gas(code_len: u64, is_create2: bool) -> u64 {
    let mut base = CREATE_GAS;
    if is_create2 {
        let keccak_words = code_len.div_ceil(32); // arbmath.WordsForBytes
        base = base.saturating_add(KECCAK_WORD_GAS.saturating_mul(keccak_words));
    }
    base
}

/// The 1/64th `create` keeps back (api.go): `(gas - base) / 64`; the child gets
/// `gas - base - one_64th`.
pub fn create_one_64th(gas_after_base: u64) -> u64 {
    gas_after_base / 64
}

/// Gas the program buys for a create: `start_gas - (returned + one_64th)` (saturating; the
/// addition wraps like Go, harmlessly) — "user gets 1/64th back".
pub fn create_cost(start_gas: u64, gas_returned: u64, one_64th: u64) -> u64 {
    start_gas.saturating_sub(gas_returned.wrapping_add(one_64th))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmparser::{BlockType, MemArg};

    fn no_types(_: u32) -> (usize, usize) {
        (0, 0)
    }

    fn ink(op: &Operator) -> u64 {
        opcode_ink(op, &no_types, &no_types)
    }

    fn memarg() -> MemArg {
        MemArg { align: 2, max_align: 2, offset: 0, memory: 0 }
    }

    #[test]
    fn opcode_prices() {
        use Operator::*;
        assert_eq!(ink(&Unreachable), 1);
        assert_eq!(ink(&I32Const { value: 5 }), 1);
        assert_eq!(ink(&Drop), 9);
        assert_eq!(ink(&Block { blockty: BlockType::Empty }), 1);
        assert_eq!(ink(&Br { relative_depth: 0 }), 765);
        assert_eq!(ink(&If { blockty: BlockType::Empty }), 765);
        assert_eq!(ink(&Select), 1250);
        assert_eq!(ink(&Call { function_index: 3 }), 3800);
        assert_eq!(ink(&LocalGet { local_index: 0 }), 75);
        assert_eq!(ink(&LocalTee { local_index: 0 }), 75);
        assert_eq!(ink(&LocalSet { local_index: 0 }), 210);
        assert_eq!(ink(&GlobalGet { global_index: 0 }), 225);
        assert_eq!(ink(&GlobalSet { global_index: 0 }), 575);
        assert_eq!(ink(&I32Load { memarg: memarg() }), 670);
        assert_eq!(ink(&I64Load32U { memarg: memarg() }), 680);
        assert_eq!(ink(&I32Store8 { memarg: memarg() }), 825);
        assert_eq!(ink(&I64Store { memarg: memarg() }), 950);
        assert_eq!(ink(&MemorySize { mem: 0 }), 3000);
        assert_eq!(ink(&MemoryGrow { mem: 0 }), 8050);
        assert_eq!(ink(&I32Eqz), 170);
        assert_eq!(ink(&I64GeU), 225);
        assert_eq!(ink(&I32Add), 70);
        assert_eq!(ink(&I64Add), 100);
        assert_eq!(ink(&I32Mul), 160);
        assert_eq!(ink(&I32DivU), 1120);
        assert_eq!(ink(&I64RemS), 1270);
        assert_eq!(ink(&I32Popcnt), 2650);
        assert_eq!(ink(&I64Popcnt), 6000);
        assert_eq!(ink(&I64Extend32S), 100);
        assert_eq!(ink(&MemoryCopy { dst_mem: 0, src_mem: 0 }), 950);
        assert_eq!(ink(&MemoryFill { mem: 0 }), 950);
        // floats and other unsupported ops
        assert_eq!(ink(&F64Add), u64::MAX);
        assert_eq!(ink(&F32Load { memarg: memarg() }), u64::MAX);
        assert_eq!(ink(&I32TruncSatF32S), u64::MAX);
        assert_eq!(ink(&MemoryInit { data_index: 0, mem: 0 }), u64::MAX);
        assert_eq!(ink(&DataDrop { data_index: 0 }), u64::MAX);
        assert_eq!(ink(&TableGet { table: 0 }), u64::MAX);
    }

    #[test]
    fn br_table_and_call_indirect() {
        let wasm = wat::parse_str(
            r#"(module
                (type $t (func (param i32 i64 i32) (result i32)))
                (table 1 funcref)
                (func (param i32)
                  (block (block (block
                    local.get 0
                    br_table 0 1 2 2 0)))
                  i32.const 0 i64.const 0 i32.const 0 i32.const 0
                  call_indirect (type $t)
                  drop))"#,
        )
        .unwrap();
        let mut found = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(&wasm) {
            if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
                let mut reader = body.get_operators_reader().unwrap();
                while !reader.eof() {
                    let op = reader.read().unwrap();
                    let types = |t: u32| {
                        assert_eq!(t, 0);
                        (3usize, 1usize)
                    };
                    match op {
                        Operator::BrTable { .. } | Operator::CallIndirect { .. } => {
                            assert!(ends_basic_block(&op));
                            found.push(opcode_ink(&op, &types, &no_types));
                        }
                        _ => {}
                    }
                }
            }
        }
        // br_table with 4 targets besides the default; call_indirect with 3 params.
        assert_eq!(found, vec![2400 + 325 * 4, 13610 + 650 * 3]);
    }

    #[test]
    fn dyn_fn_arguments_are_accepted() {
        let sig: &dyn Fn(u32) -> (usize, usize) = &|_| (2, 0);
        let op = Operator::CallIndirect { type_index: 0, table_index: 0 };
        assert_eq!(opcode_ink(&op, sig, sig), 13610 + 1300);
    }

    #[test]
    fn basic_block_ends() {
        use Operator::*;
        let e = BlockType::Empty;
        for op in [End, Else, Return, Loop { blockty: e }, Br { relative_depth: 0 }, BrIf { relative_depth: 0 }, If { blockty: e }, Call { function_index: 0 }] {
            assert!(ends_basic_block(&op), "{op:?}");
        }
        for op in [Block { blockty: e }, Unreachable, Nop, Drop, I32Add, MemoryGrow { mem: 0 }, Select] {
            assert!(!ends_basic_block(&op), "{op:?}");
        }
    }

    #[test]
    fn hostio_prices() {
        assert_eq!(PTR_INK, 5040);
        assert_eq!(hostio::STORAGE_LOAD_BASE_INK, 8400 + 2 * 5040);
        assert_eq!(hostio::STORAGE_FLUSH_BASE_INK, 8400 + 59673);
        assert_eq!(hostio::CALL_CONTRACT_BASE_INK, 8400 + 3 * 5040 + 59673);
        assert_eq!(hostio::CREATE2_BASE_INK, 8400 + 4 * 5040 + 59673);
        assert_eq!(hostio::MATH_MUL_MOD_BASE_INK, 8400 + 4 * 5040 + 24100);
        assert_eq!(write_price(0), 5040);
        assert_eq!(write_price(32), 5040);
        assert_eq!(write_price(33), 5070);
        assert_eq!(read_price(100), 16381 + 55 * 68);
        assert_eq!(keccak_price(0), 121800);
        assert_eq!(keccak_price(64), 121800);
        assert_eq!(keccak_price(65), 121800 + 21000);
        assert_eq!(evm_words(0), 0);
        assert_eq!(evm_words(1), 1);
        assert_eq!(evm_words(33), 2);
        assert_eq!(evm_words(u32::MAX), 134_217_728);
        assert_eq!(pow_price(&[0; 32]), 3000 + 17500);
        let mut one = [0u8; 32];
        one[31] = 1;
        assert_eq!(pow_price(&one), 3000 + 2 * 17500);
        assert_eq!(pow_price(&[0xff; 32]), 3000 + 33 * 17500);
    }

    #[test]
    fn ink_conversion() {
        assert_eq!(gas_to_ink(3, INK_PRICE), 30_000);
        assert_eq!(gas_to_ink(u64::MAX, INK_PRICE), u64::MAX);
        assert_eq!(ink_to_gas(59_673, INK_PRICE), 5);
        assert_eq!(evm_api_gas_to_use(32, INK_PRICE), 5);
        assert_eq!(evm_api_gas_to_use(31, INK_PRICE), 59_673);
    }

    #[test]
    fn params_defaults_and_upgrades() {
        let p = StylusParams::default();
        assert_eq!(p.version, 2);
        assert_eq!(p.ink_price, 10_000);
        assert_eq!(p.max_stack_depth, 22_000);
        assert_eq!((p.free_pages, p.page_gas, p.page_limit), (2, 1000, 128));
        assert_eq!(p.page_ramp, 620_674_314);
        assert_eq!((p.min_init_gas, p.min_cached_init_gas), (69, 11));
        assert_eq!((p.init_cost_scalar, p.cached_cost_scalar), (50, 50));
        assert_eq!((p.expiry_days, p.keepalive_days, p.block_cache_size), (365, 31, 32));
        assert_eq!(p.max_wasm_size, 131_072);
        assert_eq!(p.max_fragment_count, 0);

        let v30 = StylusParams::for_arbos(30);
        assert_eq!((v30.version, v30.min_init_gas, v30.max_stack_depth), (1, 72, 262_144));
        assert_eq!(StylusParams::for_arbos(40).max_stack_depth, 262_144);
        assert_eq!(StylusParams::for_arbos(60).max_fragment_count, 2);
    }

    #[test]
    fn ramp_table_matches_formula() {
        // memory_test.go TestTables: floor(31_874_000^(p/128)). Spot-check the entries (Go's
        // float pow can differ from Rust's in the last ulp, so compare with a tolerance of
        // one and then pin exact entries).
        let base = (31_874_000f64.ln() / 128.0).exp();
        for p in 0..129u16 {
            let value = base.powf(p as f64) as u64;
            assert!(value.abs_diff(MemoryModel::exp(p)) <= 1, "page {p}");
        }
        assert_eq!(MemoryModel::exp(0), 1);
        assert_eq!(MemoryModel::exp(64), 5645);
        assert_eq!(MemoryModel::exp(128), 31_873_999);
        assert_eq!(MemoryModel::exp(129), u64::MAX);
        assert_eq!(MemoryModel::exp(u16::MAX), u64::MAX);
    }

    #[test]
    fn memory_model_vectors() {
        // Ported from memory_test.go TestModel.
        let model = MemoryModel::new(2, 1000);
        for jump in 1..=128u16 {
            let mut total = 0u64;
            let mut pages = 0u16;
            while pages < 128 {
                let jump = jump.min(128 - pages);
                total += model.gas_cost(jump, pages, pages);
                pages += jump;
            }
            assert_eq!(total, 31_999_998, "jump {jump}");
        }

        for jump in 1..=128u16 {
            let mut total = 0u64;
            let mut open = 0u16;
            let mut ever = 0u16;
            let mut adds = 0u64;
            while ever < 128 {
                let jump = jump.min(128 - open);
                total += model.gas_cost(jump, open, ever);
                open += jump;
                ever = ever.max(open);
                if ever > model.free_pages {
                    adds += jump.min(ever - model.free_pages) as u64;
                }
                // pretend we've deallocated some pages
                open -= jump / 2;
            }
            let expected = 31_873_998 + adds * model.page_gas as u64;
            assert_eq!(total, expected, "jump {jump}");
        }

        // saturation
        assert_eq!(model.gas_cost(129, 0, 0), u64::MAX);
        assert_eq!(model.gas_cost(u16::MAX, 0, 0), u64::MAX);

        // free pages
        let model = MemoryModel::new(128, 1000);
        assert_eq!(model.gas_cost(128, 0, 0), 0);
        assert_eq!(model.gas_cost(128, 0, 128), 0);
        assert_eq!(model.gas_cost(129, 0, 0), u64::MAX);

        // a few direct cases at the defaults
        let model = MemoryModel::default();
        assert_eq!(model.gas_cost(2, 0, 0), 0);
        assert_eq!(model.gas_cost(1, 2, 2), 1000 + 1 - 1); // exp(3) - exp(2) = 0
        assert_eq!(model.gas_cost(10, 0, 0), 8 * 1000 + 3 - 1);
        // re-opening pages below the high-water mark pays only the linear part
        assert_eq!(model.gas_cost(4, 2, 10), 4 * 1000);
    }

    #[test]
    fn memory_grow_hostio() {
        let model = MemoryModel::default();
        let zero = pay_for_memory_grow(&model, 0, 5, 7);
        assert_eq!(zero, MemoryGrowCharge { ink: 8400, gas: 0, open: 5, ever: 7 });
        let grow = pay_for_memory_grow(&model, 3, 1, 1);
        assert_eq!(grow.ink, 0);
        assert_eq!(grow.gas, model.gas_cost(3, 1, 1));
        assert_eq!(grow.gas, 2 * 1000 + MemoryModel::exp(4) - MemoryModel::exp(1));
        assert_eq!((grow.open, grow.ever), (4, 4));
    }

    #[test]
    fn program_init_gas() {
        let p = StylusParams::default();
        assert_eq!(init_gas(&p, 0), 8832);
        assert_eq!(cached_gas(&p, 0), 352);
        assert_eq!(init_gas(&p, 1000), 8832 + 1000);
        assert_eq!(cached_gas(&p, 77), 352 + 77);
        let scaled = StylusParams { init_cost_scalar: 1, cached_cost_scalar: 3, ..p };
        assert_eq!(init_gas(&scaled, 101), 8832 + 3); // ceil(101 * 2 / 100)
        assert_eq!(cached_gas(&scaled, 101), 352 + 7); // ceil(101 * 6 / 100)
        assert_eq!(init_gas(&StylusParams::for_arbos(30), 0), 9216);

        // CallProgram: version 2, not cached, no pages opened, footprint within free pages.
        assert_eq!(program_call_gas(&p, 2, 1000, 77, 1, false, 0, 0), 9832 + 429);
        assert_eq!(program_call_gas(&p, 2, 1000, 77, 1, true, 0, 0), 429);
        // version 1 programs pay only init gas when not cached
        assert_eq!(program_call_gas(&p, 1, 1000, 77, 1, false, 0, 0), 9832);
        // memory
        assert_eq!(program_call_gas(&p, 2, 0, 0, 3, true, 0, 0), 352 + 1000);
        assert_eq!(program_init_gas_report(&p, 1000, 77), (9832 + 429, 429));
    }

    #[test]
    fn activation_cost_formulas() {
        let facts = ActivationFacts {
            wasm_len: 20_000,
            funcs: 50,
            type_len: 120,
            globals: 1 + 4,
            data_range_len: 1500,
            data_payload_len: 1400,
            elem_range_len: 20,
            footprint: 2,
            instrumented_ops: 30_000,
        };
        let c = activation_costs(&facts, 2).unwrap();
        // asm: 512000 + 49841 + 1369 + 125256
        assert_eq!(c.asm_estimate, 512_000 + 49_841 + 1_369 + 125_256);
        // cached: 6 + 0 + 24 + 8 + 1143 + 10
        assert_eq!(c.cached_init_cost, 6 + 24 + 8 + 1143 + 10);
        // init v2: 412 + 127 + 2572
        assert_eq!(c.init_cost, 412 + 127 + 2572);
        assert_eq!(c.footprint, 2);
        let v1 = activation_costs(&facts, 1).unwrap();
        assert_eq!(v1.init_cost, c.init_cost + c.cached_init_cost);
        assert_eq!(asm_estimate_kb(c.asm_estimate), Some(c.asm_estimate.div_ceil(1024)));
        // programs.go stores DivCeil(asmEstimate, 1024) KiB; asmSize() multiplies back:
        // 688,466 bytes -> 673 KiB -> 689,152 bytes.
        assert_eq!(c.asm_estimate, 688_466);
        assert_eq!(asm_size(c.asm_estimate), 673 * 1024);
        assert_eq!(asm_size(512_000), 512_000); // exactly 500 KiB
        assert_eq!(asm_size(512_001), 501 * 1024);
        assert_eq!(asm_size(u32::MAX), u32::MAX); // 4,194,304 KiB * 1024 saturates

        let huge = ActivationFacts { funcs: 10_000_000, ..facts };
        assert_eq!(activation_costs(&huge, 2), Err(ActivationCostError::InitCostTooHigh));

        assert_eq!(activation_us_to_gas(1), 28);
        let charges = activation_gas_charges(&facts, 32);
        // wasm 6346us, funcs 8us, data 243us, elems 3us, memory 4434us, code 16050us
        assert_eq!(charges, vec![6346 * 28, 8 * 28, 243 * 28, 3 * 28, 4434 * 28, 16050 * 28]);
        assert_eq!(activation_gas_charges(&facts, 31).len(), 5);
        assert!(activation_gas_charges(&facts, 0).is_empty());
        let total: u64 = charges.iter().sum();
        let mut gas = total;
        assert_eq!(charge_activation_gas(&facts, 32, &mut gas), Ok(()));
        assert_eq!(gas, 0);
        let mut gas = total - 1;
        assert_eq!(charge_activation_gas(&facts, 32, &mut gas), Err(OutOfGas));
        assert_eq!(gas, 0);
    }

    #[test]
    fn data_pricer() {
        assert_eq!(INITIAL_BYTES_PER_SECOND, 34_865);
        let mut pricer = DataPricer::default();
        // Small amounts: exponent 0, multiplier exactly 1.
        let fee = pricer.update(2000, ARBITRUM_START_TIME + 100);
        assert_eq!(fee, U256::from(82_928_201u64 * 2000));
        assert_eq!(pricer.demand, 2000);
        // One second later, 34865 bytes of credit drain it entirely.
        let fee = pricer.update(1000, ARBITRUM_START_TIME + 101);
        assert_eq!(pricer.demand, 1000);
        assert_eq!(fee, U256::from(82_928_201u64 * 1000));

        // The minimal asm estimate (512000 bytes) on a fresh pricer:
        // exponent = 10000 * 512000 / 21360419 = 239 bips.
        let mut pricer = DataPricer::default();
        let fee = pricer.update(512_000, 1_700_000_000);
        let m = approx_exp_basis_points(239, 12);
        assert_eq!(m, 10_241); // 10000 * e^0.0239 = 10241.9
        assert_eq!(fee, U256::from(82_928_201u64 * 10_241 / 10_000 * 512_000));

        // e^1 in bips, and e^-1
        assert_eq!(approx_exp_basis_points(10_000, 12), 27_182);
        assert_eq!(approx_exp_basis_points(-10_000, 12), 3_678);
        assert_eq!(uint_saturating_mul_by_bips(5, 0), 0);

        // time going backwards wraps in Go and saturates: all demand credited.
        let mut pricer = DataPricer { demand: 5_000, last_update_time: 100, ..DataPricer::default() };
        pricer.update(10, 50);
        assert_eq!(pricer.demand, 10);
    }

    #[test]
    fn program_age() {
        let t = ARBITRUM_START_TIME + 10 * 3600 + 59;
        assert_eq!(hours_since_arbitrum(t), 10);
        assert_eq!(hours_to_age(t, 10), 59);
        assert_eq!(hours_since_arbitrum(0), 0);
        assert_eq!(days_to_seconds(365), 31_536_000);
        // programs.go stores hoursSinceArbitrum(time) and measures age with hoursToAge: an
        // activation at 10h59m59s is 59m59s old at once, and expires 365 days after 10h00.
        assert_eq!(activation_time(t), ARBITRUM_START_TIME + 10 * 3600);
        assert_eq!(t - activation_time(t), hours_to_age(t, hours_since_arbitrum(t)));
        let later = t + days_to_seconds(365) - 59;
        assert_eq!(hours_to_age(later, 10), days_to_seconds(365));
        assert_eq!(activation_time(0), ARBITRUM_START_TIME);
    }

    #[test]
    fn return_data_charge() {
        assert_eq!(evm_memory_cost(0), 0);
        assert_eq!(evm_memory_cost(32), 3);
        assert_eq!(evm_memory_cost(1024), 3 * 32 + 1024 / 512);
        assert_eq!(to_word_size(u64::MAX), u64::MAX / 32 + 1);
        assert_eq!(cap_gas_for_return_data(31, 1000, 990, 32), Some(990));
        assert_eq!(cap_gas_for_return_data(31, 1000, 999, 64), Some(994));
        assert_eq!(cap_gas_for_return_data(31, 2, 1, 64), None);
        assert_eq!(cap_gas_for_return_data(30, 2, 1, 64), Some(1));
        assert_eq!(cap_gas_for_return_data(31, 2, 1, 0), Some(1));
    }

    fn word(x: u8) -> B256 {
        let mut w = B256::ZERO;
        w.0[31] = x;
        w
    }

    /// The EIP-3529 test-case table (London: EIP-2200 + EIP-2929 warm slot + EIP-3529). Each
    /// code is a run of `PUSH1 v PUSH1 0 SSTORE` (6 gas of pushes per store) against slot 0,
    /// which is already warm; `original` is the committed value.
    #[test]
    fn eip3529_sstore_table() {
        #[rustfmt::skip]
        let cases: &[(&str, u64, i64, u8)] = &[
            ("0x60006000556000600055", 212, 0, 0),
            ("0x60006000556001600055", 20112, 0, 0),
            ("0x60016000556000600055", 20112, 19900, 0),
            ("0x60016000556002600055", 20112, 0, 0),
            ("0x60016000556001600055", 20112, 0, 0),
            ("0x60006000556000600055", 3012, 4800, 1),
            ("0x60006000556001600055", 3012, 2800, 1),
            ("0x60006000556002600055", 3012, 0, 1),
            ("0x60026000556000600055", 3012, 4800, 1),
            ("0x60026000556003600055", 3012, 0, 1),
            ("0x60026000556001600055", 3012, 2800, 1),
            ("0x60026000556002600055", 3012, 0, 1),
            ("0x60016000556000600055", 3012, 4800, 1),
            ("0x60016000556002600055", 3012, 0, 1),
            ("0x60016000556001600055", 212, 0, 1),
            ("0x600160005560006000556001600055", 40118, 19900, 0),
            ("0x600060005560016000556000600055", 5918, 7600, 1),
        ];
        for &(code, used, refund, original) in cases {
            let bytes = alloy_primitives::hex::decode(code).unwrap();
            let original = word(original);
            let mut current = original;
            let mut gas = 0u64;
            let mut refunds = 0i64;
            for store in bytes.chunks(5) {
                assert_eq!((store[0], store[2], store[3], store[4]), (0x60, 0x60, 0x00, 0x55));
                let new = word(store[1]);
                let (cost, delta) = sstore_gas(original, current, new, true);
                gas += 6 + cost;
                refunds += delta;
                current = new;
            }
            assert_eq!((gas, refunds), (used, refund), "{code} original {original}");
        }
    }

    #[test]
    fn sstore_cold_and_sentry() {
        assert_eq!(SSTORE_CLEARS_SCHEDULE_REFUND, 4800);
        // cold create: 2100 + 20000; cold reset: 2100 + 2900; cold no-op: 2100 + 100
        assert_eq!(sstore_gas(word(0), word(0), word(1), false), (22_100, 0));
        assert_eq!(sstore_gas(word(1), word(1), word(0), false), (5_000, 4800));
        assert_eq!(sstore_gas(word(1), word(1), word(1), false), (2_200, 0));
        assert_eq!(SSTORE_SENTRY_GAS, 2300);
    }

    #[test]
    fn call_and_account_costs() {
        assert_eq!(call_base_gas(true, false, false, u64::MAX), Some(100));
        assert_eq!(call_base_gas(false, false, false, u64::MAX), Some(2600));
        assert_eq!(call_base_gas(false, true, false, u64::MAX), Some(11_600));
        assert_eq!(call_base_gas(false, true, true, u64::MAX), Some(36_600));
        assert_eq!(call_base_gas(true, true, true, 34_100), Some(34_100));
        assert_eq!(call_base_gas(true, true, true, 34_099), None);
        assert_eq!(call_base_gas(true, false, false, 99), None);

        assert_eq!(all_but_one_64th(64), 63);
        assert_eq!(all_but_one_64th(65), 63);
        assert_eq!(call_gas_to_pass(100_100, 100, u64::MAX, false), 98_437);
        assert_eq!(call_gas_to_pass(100_100, 100, 5_000, false), 5_000);
        assert_eq!(call_gas_to_pass(100_100, 100, 5_000, true), 7_300);
        assert_eq!(call_gas_to_pass(50, 100, u64::MAX, false), 0);
        assert_eq!(call_cost(100, 7_300, 7_300), 100);
        assert_eq!(call_cost(100, 7_300, 1_000), 6_400);

        assert_eq!(account_touch_gas(true, false), 100);
        assert_eq!(account_touch_gas(false, false), 2600);
        assert_eq!(account_touch_gas(false, true), 3300);
        assert_eq!(account_touch_gas(true, true), 800);
        assert_eq!(account_touch_gas_with_max_code_size(true, true, 2 * 24576), 1500);
        assert_eq!(account_touch_gas_with_max_code_size(true, true, 24575), 100);

        assert_eq!(log_gas(0, 0), 375);
        assert_eq!(log_gas(2, 10), 3 * 375 + 80);

        assert_eq!(create_base_gas(100, false), 32_000);
        assert_eq!(create_base_gas(100, true), 32_000 + 6 * 4);
        assert_eq!(create_base_gas(0, true), 32_000);
        assert_eq!(create_one_64th(6400), 100);
        assert_eq!(create_cost(50_000, 10_000, 100), 39_900);
        assert_eq!(TRANSIENT_GAS, 100);
        assert_eq!(storage_cache_read_gas(32), 0);
        assert_eq!(storage_cache_read_gas(33), 2);
        assert_eq!(storage_cache_read_gas(129), 10);
        assert_eq!(storage_cache_write_gas(8), 0);
        assert_eq!(storage_cache_write_gas(9), 7);
        assert_eq!(storage_cache_write_gas(65), 10);
        assert_eq!(storage_load_gas(false), 2100);
        assert_eq!(storage_load_gas(true), 100);
    }
}
