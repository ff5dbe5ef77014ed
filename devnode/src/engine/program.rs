//! Running an activated Stylus program: the call's up-front price (memory footprint and init
//! gas, as `CallProgram` in `arbos/programs/programs.go`), instantiation of the metered module,
//! `user_entrypoint` with Nitro's ink and stack budgets, and the mapping of how it stopped onto
//! a call result.

use std::collections::HashMap;
use std::sync::Mutex;

use alloy_primitives::{Bytes, B256};
use wasmi::{Config, Engine, Linker, Module, Val};

use super::{
    code,
    exec::{CallResult, Evm, Failure, Message},
    host::{self, HostEnv, HostStop},
    meter, precompiles, pricing, validate,
};

/// Results of [`validate::activate_check_with`], by the module's keccak256 and the parameters.
type Activations = HashMap<(B256, validate::ActivationParams), Result<validate::ModuleInfo, validate::ActivationError>>;

/// At most this many activation results are kept (see [`Runtime::activation_check`]).
const ACTIVATIONS_KEPT: usize = 256;

/// Compiled programs by code hash, activation results, and the engine and linker that run them.
pub struct Runtime {
    engine: Engine,
    linker: Linker<HostEnv>,
    modules: Mutex<HashMap<B256, Module>>,
    activations: Mutex<Activations>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime").finish_non_exhaustive()
    }
}

impl Default for Runtime {
    fn default() -> Self {
        Self::new()
    }
}

impl Runtime {
    pub fn new() -> Self {
        let mut config = Config::default();
        // The meter and the injected depth checker, not wasmi, bound the work and the nesting:
        // with frames of at least 5 words, MaxStackDepth (22,000 words) stops a recursion long
        // before this limit, which only guards the host.
        config.set_max_recursion_depth(16_384);
        config.wasm_multi_value(true).wasm_bulk_memory(true).wasm_sign_extension(true);
        let engine = Engine::new(&config);
        let mut linker = Linker::new(&engine);
        host::link(&mut linker).expect("host functions have distinct names");
        Self { engine, linker, modules: Mutex::new(HashMap::new()), activations: Mutex::new(HashMap::new()) }
    }

    /// [`validate::activate_check_with`], remembered: it is a pure function of the module and
    /// the parameters, and a node checks the same module again and again (a gas estimate, then
    /// its transaction; every deployment of a contract; a program loaded from disk). Most of
    /// a deployment's time on the node went to checking the same module again.
    /// `module_hash` is keccak256 of `wasm` (Nitro's module hash, which activation records).
    pub fn activation_check(
        &self,
        module_hash: B256,
        wasm: &[u8],
        params: &validate::ActivationParams,
    ) -> Result<validate::ModuleInfo, validate::ActivationError> {
        let key = (module_hash, *params);
        if let Some(known) = self.activations.lock().expect("activation results").get(&key) {
            return known.clone();
        }
        let result = validate::activate_check_with(wasm, params);
        let mut kept = self.activations.lock().expect("activation results");
        if kept.len() >= ACTIVATIONS_KEPT {
            kept.clear();
        }
        kept.insert(key, result.clone());
        result
    }

    /// Instruments and compiles an already validated module, keeping it for later calls.
    /// `frames`: its functions' frame sizes (`validate::ModuleInfo::frame_words`).
    pub fn compile(&self, code_hash: B256, wasm: &[u8], frames: &[u32]) -> Result<Module, String> {
        if let Some(module) = self.modules.lock().expect("module cache").get(&code_hash) {
            return Ok(module.clone());
        }
        let metered = meter::instrument(wasm, frames).map_err(|e| e.to_string())?;
        let module = Module::new(&self.engine, &metered).map_err(|e| e.to_string())?;
        self.modules.lock().expect("module cache").insert(code_hash, module.clone());
        Ok(module)
    }

    /// The compiled module for stored code (decompressing it when state was loaded from disk).
    fn module_for(&self, code_hash: B256, stored: &[u8]) -> Result<Module, String> {
        if let Some(module) = self.modules.lock().expect("module cache").get(&code_hash) {
            return Ok(module.clone());
        }
        let wasm = code::decode_stylus_code(stored, code::MAX_WASM_SIZE).map_err(|e| e.to_string())?;
        let info = self
            .activation_check(alloy_primitives::keccak256(&wasm), &wasm, &validate::ActivationParams::default())
            .map_err(|e| e.to_string())?;
        self.compile(code_hash, &wasm, &info.frame_words)
    }
}

/// ArbOS's recent-wasms cache: true when `code_hash` was called recently in this block.
fn recent_wasms_hit(recent: &mut Vec<B256>, code_hash: B256, capacity: usize) -> bool {
    if let Some(position) = recent.iter().position(|h| *h == code_hash) {
        let hash = recent.remove(position);
        recent.push(hash);
        return true;
    }
    recent.push(code_hash);
    if recent.len() > capacity {
        recent.remove(0);
    }
    false
}

pub(crate) fn call_program(
    evm: &mut Evm,
    msg: &Message,
    code_hash: B256,
    stored_code: &[u8],
    reentrant: bool,
) -> CallResult {
    let Some(record) = evm.state.program(&code_hash).copied() else {
        return CallResult::fail(Failure::ProgramNotActivated);
    };
    let params = evm.params;
    if record.version != params.version {
        return CallResult::fail(Failure::ProgramNotActivated);
    }
    let age = evm.block.timestamp.saturating_sub(record.activated_at);
    if age > pricing::days_to_seconds(params.expiry_days) {
        return CallResult::fail(Failure::ProgramExpired);
    }

    // Memory footprint and program init, paid before the first instruction. Cached = in
    // ArbOS's long-term cache (ArbWasmCache), or, from ArbOS 60, a hit in the block's
    // recent-programs cache (which every call from then on updates, cached or not).
    let (open, ever) = evm.state.stylus_pages();
    let recent_hit = precompiles::ARBOS_VERSION >= pricing::arbos::V60
        && recent_wasms_hit(&mut evm.recent_wasms, code_hash, params.block_cache_size as usize);
    let cached = record.cached || recent_hit;
    let cost = pricing::program_call_gas(
        &params,
        record.version,
        record.init_cost,
        record.cached_cost,
        record.footprint,
        cached,
        open,
        ever,
    );
    let Some(gas) = msg.gas.checked_sub(cost) else {
        return CallResult::fail(Failure::OutOfGas);
    };
    evm.state.add_stylus_pages(record.footprint);

    let result = run(evm, msg, code_hash, stored_code, reentrant, gas);
    evm.state.set_stylus_pages_open(open);

    // Return data costs at least what the EVM would charge for it (ArbOS StylusFixes).
    let CallResult { outcome, output, gas_left } = result;
    if !output.is_empty() {
        let evm_cost = pricing::evm_memory_cost(output.len() as u64);
        if msg.gas < evm_cost {
            return CallResult::fail(Failure::OutOfGas);
        }
        let gas_left = gas_left.min(msg.gas - evm_cost);
        return CallResult { outcome, output, gas_left };
    }
    CallResult { outcome, output, gas_left }
}

fn run(
    evm: &mut Evm,
    msg: &Message,
    code_hash: B256,
    stored_code: &[u8],
    reentrant: bool,
    gas: u64,
) -> CallResult {
    let runtime = evm.runtime.clone();
    let ink_price = evm.params.ink_price;
    let max_depth = evm.params.max_stack_depth.min(i32::MAX as u32) as i32;
    let module = match runtime.module_for(code_hash, stored_code) {
        Ok(module) => module,
        Err(reason) => return CallResult::fail(Failure::Trap(reason)),
    };
    let max_memory = evm.params.page_limit as usize * 65_536;
    let env = HostEnv::new(evm, msg.clone(), reentrant, max_memory);
    let mut store = wasmi::Store::new(&runtime.engine, env);
    store.limiter(|env| &mut env.limits);

    let instance = match runtime.linker.instantiate_and_start(&mut store, &module) {
        Ok(instance) => instance,
        Err(error) => return CallResult::fail(Failure::Trap(error.to_string())),
    };
    let ink = instance.get_global(&store, meter::INK_LEFT);
    let status = instance.get_global(&store, meter::INK_STATUS);
    let stack = instance.get_global(&store, meter::STACK_LEFT);
    let memory = instance.get_memory(&store, "memory");
    let (Some(ink), Some(status), Some(stack)) = (ink, status, stack) else {
        return CallResult::fail(Failure::Trap("module is not metered".into()));
    };
    // run.rs `run_main`: `set_stack(config.max_depth)` before every call.
    if stack.set(&mut store, Val::I32(max_depth)).is_err() {
        return CallResult::fail(Failure::Trap("stack global is immutable".into()));
    }
    {
        let env = store.data_mut();
        env.ink = Some(ink);
        env.status = Some(status);
        env.memory = memory;
    }
    let start_ink = pricing::gas_to_ink(gas, evm.params.ink_price);
    if ink.set(&mut store, Val::I64(start_ink as i64)).is_err() {
        return CallResult::fail(Failure::Trap("ink global is immutable".into()));
    }
    let entry = match instance.get_typed_func::<i32, i32>(&store, "user_entrypoint") {
        Ok(entry) => entry,
        Err(error) => return CallResult::fail(Failure::Trap(error.to_string())),
    };
    // The entry and the return as Nitro's stylusTracer shows them (nitro's
    // `system_tests/stylus_tracer_test.go`: args = calldata length, outs = status, both
    // big-endian u32); their ink is the meter's at that moment (start = end).
    super::host::trace_boundary(store.data(), "user_entrypoint", &(msg.input.len() as u32).to_be_bytes(), &[], start_ink);
    let outcome = entry.call(&mut store, msg.input.len() as i32);
    if store.data().tracing {
        let returned = match &outcome {
            Ok(status) => Some(*status as u32),
            Err(error) => error.i32_exit_status().map(|s| s as u32),
        };
        if let Some(status) = returned {
            let ink = match ink.get(&store) {
                Val::I64(ink) => ink as u64,
                _ => 0,
            };
            super::host::trace_boundary(store.data(), "user_returned", &[], &status.to_be_bytes(), ink);
        }
    }
    if let Some(memory) = memory {
        stack_probe::record(memory.data(&store));
    }

    // run.rs: a trap with the stack budget at 0 is `OutOfStack` (checked before ink), which
    // Go turns into `vm.ErrDepth`: the call fails and consumes all its gas.
    if outcome.is_err() && matches!(stack.get(&store), Val::I32(0)) {
        return CallResult::fail(Failure::CallDepth);
    }
    let out_of_ink = matches!(status.get(&store), Val::I32(s) if s != 0);
    let ink_left = match ink.get(&store) {
        Val::I64(ink) => ink as u64,
        _ => 0,
    };
    let gas_left = pricing::ink_to_gas(ink_left, ink_price);
    let outs = Bytes::from(std::mem::take(&mut store.data_mut().outs));
    if out_of_ink {
        return CallResult::fail(Failure::OutOfGas);
    }
    match outcome {
        Ok(0) => CallResult::success(outs, gas_left),
        Ok(_) => CallResult::revert(outs, gas_left),
        Err(error) => {
            if let Some(status) = error.i32_exit_status() {
                return match status {
                    0 => CallResult::success(outs, gas_left),
                    _ => CallResult::revert(outs, gas_left),
                };
            }
            match error.downcast_ref::<HostStop>() {
                Some(HostStop::OutOfInk) => CallResult::fail(Failure::OutOfGas),
                Some(HostStop::Failure(reason)) => {
                    CallResult::fail_keep_gas(Failure::Trap(reason.clone()), gas_left)
                }
                None => CallResult::fail_keep_gas(Failure::Trap(error.to_string()), gas_left),
            }
        }
    }
}

/// How deep the contracts' shadow stack goes, for the tests that choose its size.
///
/// rustc links wasm32 modules with `--stack-first`: the stack occupies `[0, stack size)` of
/// linear memory and grows down from its top, with the static data above it. Memory starts
/// zeroed for every call, so after a call the lowest non-zero byte of memory is the deepest
/// byte the stack wrote (a frame that wrote only zeros at its bottom reads a few bytes
/// shallower, which the chosen size's margin covers). A stack that overflows goes below address
/// 0, wraps to the top of the 32-bit address space and traps: no call can silently write past
/// its stack into the data. Off unless a test turns it on (one scan per call).
pub mod stack_probe {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    static ON: AtomicBool = AtomicBool::new(false);
    static LOWEST: AtomicUsize = AtomicUsize::new(usize::MAX);

    /// Starts recording (for every call of every chain in this process).
    pub fn enable() {
        ON.store(true, Ordering::SeqCst);
    }

    /// The lowest address any call wrote since [`enable`] or the last [`take_lowest`] (`None`
    /// if none wrote), and starts again.
    pub fn take_lowest() -> Option<usize> {
        let lowest = LOWEST.swap(usize::MAX, Ordering::SeqCst);
        (lowest != usize::MAX).then_some(lowest)
    }

    pub(super) fn record(memory: &[u8]) {
        if !ON.load(Ordering::Relaxed) {
            return;
        }
        if let Some(lowest) = lowest_written(memory) {
            LOWEST.fetch_min(lowest, Ordering::SeqCst);
        }
    }

    /// The lowest non-zero byte's address.
    pub fn lowest_written(memory: &[u8]) -> Option<usize> {
        memory.iter().position(|&b| b != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stack_probe_finds_the_lowest_written_byte() {
        let mut memory = vec![0u8; 4096];
        assert_eq!(stack_probe::lowest_written(&memory), None);
        memory[3000] = 7;
        memory[100] = 1;
        assert_eq!(stack_probe::lowest_written(&memory), Some(100));
    }

    #[test]
    fn remembered_activation_results_are_those_of_the_module_and_parameters_asked() {
        let wasm = wat::parse_str(
            r#"(module
                 (import "vm_hooks" "read_args" (func $read_args (param i32)))
                 (memory (export "memory") 2 2)
                 (func (export "user_entrypoint") (param i32) (result i32)
                   (call $read_args (i32.const 0)) (i32.const 0)))"#,
        )
        .unwrap();
        let runtime = Runtime::new();
        let hash = alloy_primitives::keccak256(&wasm);
        let roomy = validate::ActivationParams::default();
        let cramped = validate::ActivationParams { page_limit: 1, ..roomy };
        let first = runtime.activation_check(hash, &wasm, &roomy);
        assert_eq!(first, validate::activate_check_with(&wasm, &roomy));
        assert_eq!(first.as_ref().map(|info| info.footprint_pages), Ok(2));
        assert_eq!(runtime.activation_check(hash, &wasm, &roomy), first, "asked again");
        // A result kept for one page limit is not the answer for another.
        assert!(runtime.activation_check(hash, &wasm, &cramped).is_err());
        assert_eq!(runtime.activation_check(hash, &wasm, &cramped), validate::activate_check_with(&wasm, &cramped));
    }

    #[test]
    fn recent_wasms_is_a_bounded_lru() {
        let mut recent = Vec::new();
        let h = |n: u8| B256::with_last_byte(n);
        assert!(!recent_wasms_hit(&mut recent, h(1), 2));
        assert!(recent_wasms_hit(&mut recent, h(1), 2));
        assert!(!recent_wasms_hit(&mut recent, h(2), 2));
        assert!(!recent_wasms_hit(&mut recent, h(3), 2));
        assert!(!recent_wasms_hit(&mut recent, h(1), 2), "1 was evicted");
    }
}
