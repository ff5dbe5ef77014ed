//! The `vm_hooks` host functions, with Nitro's semantics and prices
//! (`crates/wasm-libraries/user-host-trait/lib.rs` for the ink, `arbos/programs/api.go` for
//! the EVM side, whose gas lives in [`super::evm_api`]).

use std::collections::HashMap;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use wasmi::{Caller, Error, Global, Linker, Memory, Val};

use super::{
    exec::{CallKind, Evm, Message, Outcome},
    pricing::{self, hostio},
    types::Log,
};

/// Why a host function stopped the program.
#[derive(Debug)]
pub enum HostStop {
    OutOfInk,
    Failure(String),
}

impl std::fmt::Display for HostStop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HostStop::OutOfInk => f.write_str("out of ink"),
            HostStop::Failure(reason) => f.write_str(reason),
        }
    }
}

impl wasmi::errors::HostError for HostStop {}

fn failure(reason: impl Into<String>) -> Error {
    Error::host(HostStop::Failure(reason.into()))
}

/// One storage slot in a call's cache (arbutil's `StorageWord`).
#[derive(Debug, Clone, Copy)]
struct Word {
    value: B256,
    /// What the chain holds, when known; the slot is dirty when it differs.
    known: Option<B256>,
}

/// Per-call host state: the call's inputs and outputs, its storage cache and its meter.
pub struct HostEnv {
    /// SAFETY: points at the `Evm` that runs this program; valid for the whole call, and only
    /// dereferenced by host functions, which run while `call_program` waits inside wasmi.
    evm: EvmPtr,
    pub msg: Message,
    pub reentrant: bool,
    /// The chain's ink price (`StylusParams::ink_price`), for every ink/gas conversion.
    pub ink_price: u32,
    pub outs: Vec<u8>,
    pub return_data: Bytes,
    cache: HashMap<B256, Word>,
    cache_reads: usize,
    cache_writes: usize,
    /// The last non-empty code `account_code`/`account_code_size` fetched (req.rs
    /// `last_code`): asking again for the same address answers from here for 0 gas.
    last_code: Option<(Address, Bytes)>,
    pub memory: Option<Memory>,
    pub ink: Option<Global>,
    pub status: Option<Global>,
    pub limits: wasmi::StoreLimits,
    /// Whether the Evm records host calls (stylusTracer): read once per host call, so that
    /// untraced runs pay one branch.
    pub tracing: bool,
}

pub(crate) struct EvmPtr(*mut Evm);

// SAFETY: a HostEnv lives inside one Store on the thread that runs the call; it is never sent.
unsafe impl Send for EvmPtr {}
unsafe impl Sync for EvmPtr {}

impl HostEnv {
    pub(crate) fn new(evm: &mut Evm, msg: Message, reentrant: bool, max_memory: usize) -> Self {
        Self {
            evm: EvmPtr(evm as *mut Evm),
            msg,
            reentrant,
            ink_price: evm.params.ink_price,
            outs: Vec::new(),
            return_data: Bytes::new(),
            cache: HashMap::new(),
            cache_reads: 0,
            cache_writes: 0,
            last_code: None,
            memory: None,
            ink: None,
            status: None,
            limits: wasmi::StoreLimitsBuilder::new().memory_size(max_memory).build(),
            tracing: evm.hostio_tracer.is_some(),
        }
    }

    #[allow(clippy::mut_from_ref)]
    fn evm(&self) -> &mut Evm {
        // SAFETY: see the field's comment; no other reference to the Evm is live while a
        // host function runs.
        unsafe { &mut *self.evm.0 }
    }
}

type C<'a> = Caller<'a, HostEnv>;

fn ink_left(c: &C) -> u64 {
    match c.data().ink.map(|g| g.get(c)) {
        Some(Val::I64(ink)) => ink as u64,
        _ => 0,
    }
}

/// The ink before a host call if tracing, for [`trace`]: the one tracing check a call makes.
fn trace_start(c: &C) -> Option<u64> {
    if c.data().tracing {
        Some(ink_left(c))
    } else {
        None
    }
}

/// Records a finished host call (Nitro's `trace!`): `args` and `outs` concatenated.
fn trace(c: &C, start: Option<u64>, name: &str, args: &[&[u8]], outs: &[&[u8]]) {
    let Some(start_ink) = start else { return };
    let end_ink = ink_left(c);
    if let Some(tracer) = &mut c.data().evm().hostio_tracer {
        tracer.record(name, args.concat(), outs.concat(), start_ink, end_ink);
    }
}

/// Records a program's start or return (Nitro's `user_entrypoint` / `user_returned`).
pub(crate) fn trace_boundary(env: &HostEnv, name: &str, args: &[u8], outs: &[u8], ink: u64) {
    if !env.tracing {
        return;
    }
    if let Some(tracer) = &mut env.evm().hostio_tracer {
        tracer.record(name, args.to_vec(), outs.to_vec(), ink, ink);
    }
}

fn set_ink(c: &mut C, ink: u64) {
    if let Some(global) = c.data().ink {
        let _ = global.set(&mut *c, Val::I64(ink as i64));
    }
}

fn out_of_ink(c: &mut C) -> Error {
    set_ink(c, 0);
    if let Some(global) = c.data().status {
        let _ = global.set(&mut *c, Val::I32(1));
    }
    Error::host(HostStop::OutOfInk)
}

fn exhausted(c: &C) -> bool {
    matches!(c.data().status.map(|g| g.get(c)), Some(Val::I32(s)) if s != 0)
}

fn buy_ink(c: &mut C, ink: u64) -> Result<(), Error> {
    let left = ink_left(c);
    if exhausted(c) || left < ink {
        return Err(out_of_ink(c));
    }
    set_ink(c, left - ink);
    Ok(())
}

fn require_ink(c: &mut C, ink: u64) -> Result<(), Error> {
    if exhausted(c) || ink_left(c) < ink {
        return Err(out_of_ink(c));
    }
    Ok(())
}

fn buy_gas(c: &mut C, gas: u64) -> Result<(), Error> {
    buy_ink(c, pricing::gas_to_ink(gas, c.data().ink_price))
}

fn require_gas(c: &mut C, gas: u64) -> Result<(), Error> {
    require_ink(c, pricing::gas_to_ink(gas, c.data().ink_price))
}

fn gas_left(c: &mut C) -> Result<u64, Error> {
    if exhausted(c) {
        return Err(out_of_ink(c));
    }
    Ok(pricing::ink_to_gas(ink_left(c), c.data().ink_price))
}

fn memory(c: &C) -> Result<Memory, Error> {
    c.data().memory.ok_or_else(|| failure("program has no memory"))
}

fn read(c: &C, ptr: i32, len: u32) -> Result<Vec<u8>, Error> {
    let mem = memory(c)?;
    // Bounds first: a length near 4 GiB is affordable with a large gas limit, and must not
    // allocate before it turns out to be out of bounds.
    let start = ptr as u32 as usize;
    start
        .checked_add(len as usize)
        .and_then(|end| mem.data(c).get(start..end))
        .map(<[u8]>::to_vec)
        .ok_or_else(|| failure("memory access out of bounds"))
}

fn read_fixed<const N: usize>(c: &C, ptr: i32) -> Result<[u8; N], Error> {
    let mem = memory(c)?;
    let mut buf = [0u8; N];
    mem.read(c, ptr as u32 as usize, &mut buf).map_err(|_| failure("memory access out of bounds"))?;
    Ok(buf)
}

fn read_b256(c: &C, ptr: i32) -> Result<B256, Error> {
    read_fixed::<32>(c, ptr).map(B256::from)
}

fn read_address(c: &C, ptr: i32) -> Result<Address, Error> {
    read_fixed::<20>(c, ptr).map(Address::from)
}

fn write(c: &mut C, ptr: i32, bytes: &[u8]) -> Result<(), Error> {
    let mem = memory(c)?;
    mem.write(&mut *c, ptr as u32 as usize, bytes).map_err(|_| failure("memory access out of bounds"))
}

fn write_u32(c: &mut C, ptr: i32, value: u32) -> Result<(), Error> {
    write(c, ptr, &value.to_le_bytes())
}

fn pay_for_read(c: &mut C, bytes: u32) -> Result<(), Error> {
    buy_ink(c, pricing::read_price(bytes))
}

fn pay_for_write(c: &mut C, bytes: u32) -> Result<(), Error> {
    buy_ink(c, pricing::write_price(bytes))
}

fn u256_to_b256(value: U256) -> B256 {
    B256::from(value.to_be_bytes::<32>())
}

/// Which message a call hostio sends.
fn call_message(env: &HostEnv, kind: CallKind, target: Address, input: Vec<u8>, value: U256, gas: u64) -> Message {
    let msg = &env.msg;
    match kind {
        // A program has no CALLCODE hostio.
        CallKind::Call | CallKind::CallCode => Message {
            kind,
            caller: msg.acting,
            code_address: target,
            acting: target,
            value,
            transfers_value: true,
            input: input.into(),
            gas,
            is_static: msg.is_static,
        },
        CallKind::DelegateCall => Message {
            kind,
            caller: msg.caller,
            code_address: target,
            acting: msg.acting,
            value: msg.value,
            transfers_value: false,
            input: input.into(),
            gas,
            is_static: msg.is_static,
        },
        CallKind::StaticCall => Message {
            kind,
            caller: msg.acting,
            code_address: target,
            acting: target,
            value: U256::ZERO,
            transfers_value: false,
            input: input.into(),
            gas,
            is_static: true,
        },
    }
}

#[allow(clippy::too_many_arguments)]
fn do_call(
    c: &mut C,
    kind: CallKind,
    contract: i32,
    data: i32,
    data_len: i32,
    value: Option<i32>,
    gas: i64,
    ret_len: i32,
) -> Result<i32, Error> {
    let start = trace_start(c);
    buy_ink(c, hostio::CALL_CONTRACT_BASE_INK)?;
    let data_len = data_len as u32;
    pay_for_read(c, data_len)?;
    pay_for_read(c, data_len)?;
    let gas_left_now = gas_left(c)?;
    let gas_req = (gas as u64).min(gas_left_now);
    let target = read_address(c, contract)?;
    let input = read(c, data, data_len)?;
    let traced_input = start.map(|_| input.clone());
    let value = match value {
        Some(ptr) => U256::from_be_bytes(read_fixed::<32>(c, ptr)?),
        None => U256::ZERO,
    };

    let env = c.data();
    let evm = env.evm();
    // api.go's doCall.
    let transfers = kind == CallKind::Call && !value.is_zero();
    let (outs, cost, status) = if transfers && env.msg.is_static {
        (Bytes::new(), 0, 2u8)
    } else {
        match evm.call_access_cost(target, if transfers { value } else { U256::ZERO }, gas_left_now) {
            None => (Bytes::new(), gas_left_now, 2),
            Some(base) => {
                let gas = pricing::call_gas_to_pass(gas_left_now, base, gas_req, transfers);
                let msg = call_message(env, kind, target, input, value, gas);
                let result = evm.call(msg);
                let status = if result.outcome == Outcome::Success { 0 } else { 2 };
                let outs = match result.outcome {
                    Outcome::Failure(_) => Bytes::new(),
                    _ => result.output,
                };
                (outs, pricing::call_cost(base, gas, result.gas_left), status)
            }
        }
    };
    buy_gas(c, cost)?;
    let len = outs.len() as u32;
    c.data_mut().return_data = outs;
    write_u32(c, ret_len, len)?;
    if start.is_some() {
        let (name, value) = match kind {
            CallKind::Call | CallKind::CallCode => ("call_contract", Some(value.to_be_bytes::<32>())),
            CallKind::DelegateCall => ("delegate_call_contract", None),
            CallKind::StaticCall => ("static_call_contract", None),
        };
        let value = value.as_ref().map_or(&[][..], |v| &v[..]);
        trace(c, start, name, &[target.as_slice(), &(gas as u64).to_be_bytes(), value, traced_input.as_deref().unwrap_or_default()], &[&len.to_be_bytes(), &[status]]);
    }
    Ok(status as i32)
}

fn do_create(
    c: &mut C,
    code: i32,
    code_len: i32,
    endowment: i32,
    salt: Option<i32>,
    contract: i32,
    revert_len: i32,
) -> Result<(), Error> {
    let start = trace_start(c);
    let code_len = code_len as u32;
    buy_ink(c, if salt.is_some() { hostio::CREATE2_BASE_INK } else { hostio::CREATE1_BASE_INK })?;
    pay_for_read(c, code_len)?;
    pay_for_read(c, code_len)?;
    let init_code = read(c, code, code_len)?;
    let value = U256::from_be_bytes(read_fixed::<32>(c, endowment)?);
    let salt = match salt {
        Some(ptr) => Some(read_b256(c, ptr)?),
        None => None,
    };
    let gas = gas_left(c)?;
    if c.data().msg.is_static {
        return Err(failure("write protection"));
    }
    // api.go's create.
    let base = pricing::create_base_gas(init_code.len() as u64, salt.is_some());
    if gas < base {
        return Err(failure("out of gas"));
    }
    let one_64th = pricing::create_one_64th(gas - base);
    let inner = gas - base - one_64th;
    let env = c.data();
    let caller = env.msg.acting;
    let created = env.evm().create(caller, &init_code, value, inner, salt);
    let return_data = match created.result.outcome {
        Outcome::Revert => created.result.output.clone(),
        _ => Bytes::new(),
    };
    let cost = pricing::create_cost(gas, created.result.gas_left, one_64th);
    buy_gas(c, cost)?;
    let len = return_data.len() as u32;
    c.data_mut().return_data = return_data;
    write_u32(c, revert_len, len)?;
    let address = created.address.unwrap_or_default();
    write(c, contract, address.as_slice())?;
    let name = if salt.is_some() { "create2" } else { "create1" };
    let salt = salt.as_ref().map_or(&[][..], |s| s.as_slice());
    trace(c, start, name, &[&value.to_be_bytes::<32>(), salt, &init_code], &[address.as_slice(), &len.to_be_bytes()]);
    Ok(())
}

/// req.rs `account_code` + api.go `accountCode`: the code and its gas. The last non-empty code
/// fetched is remembered and costs nothing the second time (from ArbOS 40 empty code is not
/// remembered); Go returns empty code, at full cost, when `gas` is below the cost.
fn account_code(c: &mut C, address: Address, gas: u64) -> (Bytes, u64) {
    if let Some((last, code)) = &c.data().last_code {
        if *last == address {
            return (code.clone(), 0);
        }
    }
    let evm = c.data().evm();
    let cost = evm.account_touch_cost(address, true);
    let code = if gas < cost { Bytes::new() } else { evm.state.code(&address) };
    if !code.is_empty() {
        c.data_mut().last_code = Some((address, code.clone()));
    }
    (code, cost)
}

/// Links every host function Nitro provides into `vm_hooks`.
pub fn link(linker: &mut Linker<HostEnv>) -> Result<(), wasmi::errors::LinkerError> {
    const M: &str = "vm_hooks";

    linker.func_wrap(M, "read_args", |mut c: C, ptr: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::READ_ARGS_BASE_INK)?;
        let args = c.data().msg.input.clone();
        pay_for_write(&mut c, args.len() as u32)?;
        write(&mut c, ptr, &args)?;
        trace(&c, start, "read_args", &[], &[&args]);
        Ok(())
    })?;
    linker.func_wrap(M, "write_result", |mut c: C, ptr: i32, len: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::WRITE_RESULT_BASE_INK)?;
        pay_for_read(&mut c, len as u32)?;
        pay_for_read(&mut c, len as u32)?;
        let outs = read(&c, ptr, len as u32)?;
        trace(&c, start, "write_result", &[&outs], &[]);
        c.data_mut().outs = outs;
        Ok(())
    })?;
    linker.func_wrap(M, "exit_early", |c: C, status: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        trace(&c, start, "exit_early", &[&(status as u32).to_be_bytes()], &[]);
        Err(Error::i32_exit(status))
    })?;
    linker.func_wrap(M, "storage_load_bytes32", |mut c: C, key: i32, dest: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::STORAGE_LOAD_BASE_INK)?;
        let api_gas = pricing::ink_to_gas(pricing::EVM_API_INK, c.data().ink_price);
        require_gas(&mut c, pricing::COLD_SLOAD_GAS + pricing::STORAGE_CACHE_REQUIRED_ACCESS_GAS + api_gas)?;
        let key = read_b256(&c, key)?;
        let env = c.data_mut();
        env.cache_reads += 1;
        let mut cost = pricing::storage_cache_read_gas(env.cache_reads);
        let value = match env.cache.get(&key) {
            Some(word) => word.value,
            None => {
                let acting = env.msg.acting;
                let (value, gas) = env.evm().storage_load(acting, key);
                cost = cost.saturating_add(gas).saturating_add(api_gas);
                env.cache.insert(key, Word { value, known: Some(value) });
                value
            }
        };
        buy_gas(&mut c, cost)?;
        write(&mut c, dest, value.as_slice())?;
        trace(&c, start, "storage_load_bytes32", &[key.as_slice()], &[value.as_slice()]);
        Ok(())
    })?;
    linker.func_wrap(M, "storage_cache_bytes32", |mut c: C, key: i32, value: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::STORAGE_CACHE_BASE_INK)?;
        require_gas(&mut c, pricing::SSTORE_SENTRY_GAS + pricing::STORAGE_CACHE_REQUIRED_ACCESS_GAS)?;
        let key = read_b256(&c, key)?;
        let value = read_b256(&c, value)?;
        let env = c.data_mut();
        env.cache_writes += 1;
        let cost = pricing::storage_cache_write_gas(env.cache_writes);
        env.cache
            .entry(key)
            .and_modify(|word| word.value = value)
            .or_insert(Word { value, known: None });
        buy_gas(&mut c, cost)?;
        trace(&c, start, "storage_cache_bytes32", &[key.as_slice(), value.as_slice()], &[]);
        Ok(())
    })?;
    linker.func_wrap(M, "storage_flush_cache", |mut c: C, clear: i32| -> Result<(), Error> {
        let traced = trace_start(&c);
        buy_ink(&mut c, hostio::STORAGE_FLUSH_BASE_INK)?;
        require_gas(&mut c, pricing::SSTORE_SENTRY_GAS)?;
        let mut gas = gas_left(&mut c)?.saturating_add(1);
        let env = c.data_mut();
        let mut dirty: Vec<(B256, B256)> = Vec::new();
        for (key, word) in env.cache.iter_mut() {
            if word.known != Some(word.value) {
                dirty.push((*key, word.value));
                word.known = Some(word.value);
            }
        }
        if clear != 0 {
            env.cache.clear();
        }
        if dirty.is_empty() {
            trace(&c, traced, "storage_flush_cache", &[&[(clear != 0) as u8]], &[]);
            return Ok(());
        }
        // Deterministic order, so that running out of gas part-way is reproducible.
        dirty.sort_unstable();
        let start = gas;
        let acting = env.msg.acting;
        let is_static = env.msg.is_static;
        let evm = env.evm();
        let mut stopped = None;
        for (key, value) in dirty {
            if is_static {
                stopped = Some("write protection");
                break;
            }
            let cost = evm.storage_store_cost(acting, key, value);
            if cost > gas {
                gas = 0;
                stopped = Some("out of gas");
                break;
            }
            gas -= cost;
            evm.state.set_storage(acting, key, value);
        }
        if stopped.is_none() && gas == 0 {
            stopped = Some("out of gas");
        }
        buy_gas(&mut c, start - gas)?;
        match stopped {
            Some(reason) => Err(failure(format!("storage flush: {reason}"))),
            None => {
                trace(&c, traced, "storage_flush_cache", &[&[(clear != 0) as u8]], &[]);
                Ok(())
            }
        }
    })?;
    linker.func_wrap(M, "transient_load_bytes32", |mut c: C, key: i32, dest: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::TRANSIENT_LOAD_BASE_INK)?;
        buy_gas(&mut c, pricing::TRANSIENT_GAS)?;
        let key = read_b256(&c, key)?;
        let env = c.data();
        let value = env.evm().state.transient(&env.msg.acting, &key);
        write(&mut c, dest, value.as_slice())?;
        trace(&c, start, "transient_load_bytes32", &[key.as_slice()], &[value.as_slice()]);
        Ok(())
    })?;
    linker.func_wrap(M, "transient_store_bytes32", |mut c: C, key: i32, value: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::TRANSIENT_STORE_BASE_INK)?;
        buy_gas(&mut c, pricing::TRANSIENT_GAS)?;
        let key = read_b256(&c, key)?;
        let value = read_b256(&c, value)?;
        let env = c.data();
        if env.msg.is_static {
            return Err(failure("write protection"));
        }
        let acting = env.msg.acting;
        env.evm().state.set_transient(acting, key, value);
        trace(&c, start, "transient_store_bytes32", &[key.as_slice(), value.as_slice()], &[]);
        Ok(())
    })?;
    linker.func_wrap(
        M,
        "call_contract",
        |mut c: C, contract: i32, data: i32, len: i32, value: i32, gas: i64, ret: i32| {
            do_call(&mut c, CallKind::Call, contract, data, len, Some(value), gas, ret)
        },
    )?;
    linker.func_wrap(
        M,
        "delegate_call_contract",
        |mut c: C, contract: i32, data: i32, len: i32, gas: i64, ret: i32| {
            do_call(&mut c, CallKind::DelegateCall, contract, data, len, None, gas, ret)
        },
    )?;
    linker.func_wrap(
        M,
        "static_call_contract",
        |mut c: C, contract: i32, data: i32, len: i32, gas: i64, ret: i32| {
            do_call(&mut c, CallKind::StaticCall, contract, data, len, None, gas, ret)
        },
    )?;
    linker.func_wrap(
        M,
        "create1",
        |mut c: C, code: i32, len: i32, endowment: i32, contract: i32, revert_len: i32| {
            do_create(&mut c, code, len, endowment, None, contract, revert_len)
        },
    )?;
    linker.func_wrap(
        M,
        "create2",
        |mut c: C, code: i32, len: i32, endowment: i32, salt: i32, contract: i32, revert_len: i32| {
            do_create(&mut c, code, len, endowment, Some(salt), contract, revert_len)
        },
    )?;
    linker.func_wrap(M, "read_return_data", |mut c: C, dest: i32, offset: i32, size: i32| -> Result<i32, Error> {
        let traced = trace_start(&c);
        buy_ink(&mut c, hostio::READ_RETURN_DATA_BASE_INK)?;
        let (offset, size) = (offset as u32, size as u32);
        let data = c.data().return_data.clone();
        let max = (data.len() as u32).saturating_sub(offset);
        pay_for_write(&mut c, size.min(max))?;
        if max == 0 {
            trace(&c, traced, "read_return_data", &[&offset.to_be_bytes(), &size.to_be_bytes()], &[]);
            return Ok(0);
        }
        let start = offset as usize;
        let end = (offset.saturating_add(size) as usize).min(data.len());
        let slice = &data[start..end];
        if !slice.is_empty() {
            write(&mut c, dest, slice)?;
        }
        trace(&c, traced, "read_return_data", &[&offset.to_be_bytes(), &size.to_be_bytes()], &[slice]);
        Ok(slice.len() as i32)
    })?;
    linker.func_wrap(M, "return_data_size", |mut c: C| -> Result<i32, Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::RETURN_DATA_SIZE_BASE_INK)?;
        let len = c.data().return_data.len() as u32;
        trace(&c, start, "return_data_size", &[], &[&len.to_be_bytes()]);
        Ok(len as i32)
    })?;
    linker.func_wrap(M, "emit_log", |mut c: C, data: i32, len: i32, topics: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::EMIT_LOG_BASE_INK)?;
        let (len, topics) = (len as u32, topics as u32);
        if topics > 4 || len < topics * 32 {
            return Err(failure("bad topic data"));
        }
        pay_for_read(&mut c, len)?;
        buy_gas(&mut c, pricing::log_gas(topics, len - topics * 32))?;
        let bytes = read(&c, data, len)?;
        let env = c.data();
        if env.msg.is_static {
            return Err(failure("write protection"));
        }
        let split = topics as usize * 32;
        let log = Log {
            address: env.msg.acting,
            topics: bytes[..split].chunks(32).map(B256::from_slice).collect(),
            data: Bytes::copy_from_slice(&bytes[split..]),
        };
        env.evm().state.push_log(log);
        trace(&c, start, "emit_log", &[&topics.to_be_bytes(), &bytes], &[]);
        Ok(())
    })?;
    linker.func_wrap(M, "account_balance", |mut c: C, address: i32, dest: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::ACCOUNT_BALANCE_BASE_INK)?;
        require_gas(&mut c, pricing::COLD_ACCOUNT_GAS)?;
        let address = read_address(&c, address)?;
        let evm = c.data().evm();
        let cost = evm.account_touch_cost(address, false);
        let balance = evm.state.balance(&address);
        buy_gas(&mut c, cost)?;
        let balance = u256_to_b256(balance);
        write(&mut c, dest, balance.as_slice())?;
        trace(&c, start, "account_balance", &[address.as_slice()], &[balance.as_slice()]);
        Ok(())
    })?;
    linker.func_wrap(M, "account_code", |mut c: C, address: i32, offset: i32, size: i32, dest: i32| -> Result<i32, Error> {
        let start_ink = trace_start(&c);
        buy_ink(&mut c, hostio::ACCOUNT_CODE_BASE_INK)?;
        require_gas(&mut c, pricing::COLD_ACCOUNT_GAS)?;
        let address = read_address(&c, address)?;
        let gas = gas_left(&mut c)?;
        let (code, cost) = account_code(&mut c, address, gas);
        buy_gas(&mut c, cost)?;
        pay_for_write(&mut c, code.len() as u32)?;
        let start = (offset as u32 as usize).min(code.len());
        let end = start.saturating_add(size as u32 as usize).min(code.len());
        write(&mut c, dest, &code[start..end])?;
        trace(&c, start_ink, "account_code", &[address.as_slice(), &(offset as u32).to_be_bytes(), &(size as u32).to_be_bytes()], &[&code[start..end]]);
        Ok((end - start) as i32)
    })?;
    linker.func_wrap(M, "account_code_size", |mut c: C, address: i32| -> Result<i32, Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::ACCOUNT_CODE_SIZE_BASE_INK)?;
        require_gas(&mut c, pricing::COLD_ACCOUNT_GAS)?;
        let address = read_address(&c, address)?;
        let gas = gas_left(&mut c)?;
        let (code, cost) = account_code(&mut c, address, gas);
        buy_gas(&mut c, cost)?;
        trace(&c, start, "account_code_size", &[address.as_slice()], &[&(code.len() as u32).to_be_bytes()]);
        Ok(code.len() as i32)
    })?;
    linker.func_wrap(M, "account_codehash", |mut c: C, address: i32, dest: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::ACCOUNT_CODE_HASH_BASE_INK)?;
        require_gas(&mut c, pricing::COLD_ACCOUNT_GAS)?;
        let address = read_address(&c, address)?;
        let evm = c.data().evm();
        let cost = evm.account_touch_cost(address, false);
        let hash = evm.state.code_hash(&address);
        buy_gas(&mut c, cost)?;
        write(&mut c, dest, hash.as_slice())?;
        trace(&c, start, "account_codehash", &[address.as_slice()], &[hash.as_slice()]);
        Ok(())
    })?;
    linker.func_wrap(M, "evm_gas_left", |mut c: C| -> Result<i64, Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::EVM_GAS_LEFT_BASE_INK)?;
        let gas = gas_left(&mut c)?;
        trace(&c, start, "evm_gas_left", &[], &[&gas.to_be_bytes()]);
        Ok(gas as i64)
    })?;
    linker.func_wrap(M, "evm_ink_left", |mut c: C| -> Result<i64, Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::EVM_INK_LEFT_BASE_INK)?;
        if exhausted(&c) {
            return Err(out_of_ink(&mut c));
        }
        let ink = ink_left(&c);
        trace(&c, start, "evm_ink_left", &[], &[&ink.to_be_bytes()]);
        Ok(ink as i64)
    })?;
    linker.func_wrap(M, "block_basefee", |mut c: C, dest: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::BLOCK_BASEFEE_BASE_INK)?;
        let fee = c.data().evm().block.basefee;
        let word = u256_to_b256(fee);
        let bytes = word.as_slice();
        write(&mut c, dest, bytes)?;
        trace(&c, start, "block_basefee", &[], &[bytes]);
        Ok(())
    })?;
    linker.func_wrap(M, "block_coinbase", |mut c: C, dest: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::BLOCK_COINBASE_BASE_INK)?;
        let coinbase = c.data().evm().block.coinbase;
        let bytes = coinbase.as_slice();
        write(&mut c, dest, bytes)?;
        trace(&c, start, "block_coinbase", &[], &[bytes]);
        Ok(())
    })?;
    linker.func_wrap(M, "block_gas_limit", |mut c: C| -> Result<i64, Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::BLOCK_GAS_LIMIT_BASE_INK)?;
        let value = c.data().evm().block.gas_limit;
        trace(&c, start, "block_gas_limit", &[], &[&value.to_be_bytes()]);
        Ok(value as i64)
    })?;
    linker.func_wrap(M, "block_number", |mut c: C| -> Result<i64, Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::BLOCK_NUMBER_BASE_INK)?;
        let value = c.data().evm().block.l1_number;
        trace(&c, start, "block_number", &[], &[&value.to_be_bytes()]);
        Ok(value as i64)
    })?;
    linker.func_wrap(M, "block_timestamp", |mut c: C| -> Result<i64, Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::BLOCK_TIMESTAMP_BASE_INK)?;
        let value = c.data().evm().block.timestamp;
        trace(&c, start, "block_timestamp", &[], &[&value.to_be_bytes()]);
        Ok(value as i64)
    })?;
    linker.func_wrap(M, "chainid", |mut c: C| -> Result<i64, Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::CHAIN_ID_BASE_INK)?;
        let value = c.data().evm().block.chain_id;
        trace(&c, start, "chainid", &[], &[&value.to_be_bytes()]);
        Ok(value as i64)
    })?;
    linker.func_wrap(M, "contract_address", |mut c: C, dest: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::ADDRESS_BASE_INK)?;
        let address = c.data().msg.acting;
        let bytes = address.as_slice();
        write(&mut c, dest, bytes)?;
        trace(&c, start, "contract_address", &[], &[bytes]);
        Ok(())
    })?;
    linker.func_wrap(M, "msg_reentrant", |mut c: C| -> Result<i32, Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::MSG_REENTRANT_BASE_INK)?;
        let reentrant = c.data().reentrant as u32;
        trace(&c, start, "msg_reentrant", &[], &[&reentrant.to_be_bytes()]);
        Ok(reentrant as i32)
    })?;
    linker.func_wrap(M, "msg_sender", |mut c: C, dest: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::MSG_SENDER_BASE_INK)?;
        let sender = c.data().msg.caller;
        let bytes = sender.as_slice();
        write(&mut c, dest, bytes)?;
        trace(&c, start, "msg_sender", &[], &[bytes]);
        Ok(())
    })?;
    linker.func_wrap(M, "msg_value", |mut c: C, dest: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::MSG_VALUE_BASE_INK)?;
        let value = c.data().msg.value;
        let word = u256_to_b256(value);
        let bytes = word.as_slice();
        write(&mut c, dest, bytes)?;
        trace(&c, start, "msg_value", &[], &[bytes]);
        Ok(())
    })?;
    linker.func_wrap(M, "tx_gas_price", |mut c: C, dest: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::TX_GAS_PRICE_BASE_INK)?;
        let price = c.data().evm().tx.gas_price;
        let word = u256_to_b256(price);
        let bytes = word.as_slice();
        write(&mut c, dest, bytes)?;
        trace(&c, start, "tx_gas_price", &[], &[bytes]);
        Ok(())
    })?;
    linker.func_wrap(M, "tx_ink_price", |mut c: C| -> Result<i32, Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::TX_INK_PRICE_BASE_INK)?;
        let price = c.data().ink_price;
        trace(&c, start, "tx_ink_price", &[], &[&price.to_be_bytes()]);
        Ok(price as i32)
    })?;
    linker.func_wrap(M, "tx_origin", |mut c: C, dest: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::TX_ORIGIN_BASE_INK)?;
        let origin = c.data().evm().tx.origin;
        let bytes = origin.as_slice();
        write(&mut c, dest, bytes)?;
        trace(&c, start, "tx_origin", &[], &[bytes]);
        Ok(())
    })?;
    linker.func_wrap(M, "pay_for_memory_grow", |mut c: C, pages: i32| -> Result<(), Error> {
        let pages = pages as u16;
        let start = trace_start(&c);
        if pages == 0 {
            buy_ink(&mut c, hostio::PAY_FOR_MEMORY_GROW_BASE_INK)?;
            trace(&c, start, "pay_for_memory_grow", &[&pages.to_be_bytes()], &[]);
            return Ok(());
        }
        let evm = c.data().evm();
        let (open, ever) = evm.state.add_stylus_pages(pages);
        let cost = evm.params.memory_model().gas_cost(pages, open, ever);
        buy_gas(&mut c, cost)?;
        trace(&c, start, "pay_for_memory_grow", &[&pages.to_be_bytes()], &[]);
        Ok(())
    })?;
    linker.func_wrap(M, "native_keccak256", |mut c: C, input: i32, len: i32, out: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, pricing::keccak_price(len as u32))?;
        let preimage = read(&c, input, len as u32)?;
        let digest = keccak256(&preimage);
        write(&mut c, out, digest.as_slice())?;
        trace(&c, start, "native_keccak256", &[&preimage], &[digest.as_slice()]);
        Ok(())
    })?;

    type Binary = fn(U256, U256) -> U256;
    let binary: [(&str, u64, Binary); 2] = [
        ("math_div", hostio::MATH_DIV_BASE_INK, |a, b| a.checked_div(b).unwrap_or_default()),
        ("math_mod", hostio::MATH_MOD_BASE_INK, |a, b| a.checked_rem(b).unwrap_or_default()),
    ];
    for (name, ink, op) in binary {
        linker.func_wrap(M, name, move |mut c: C, value: i32, other: i32| -> Result<(), Error> {
            let start = trace_start(&c);
            buy_ink(&mut c, ink)?;
            let a = read_fixed::<32>(&c, value)?;
            let b = read_fixed::<32>(&c, other)?;
            let result = op(U256::from_be_bytes(a), U256::from_be_bytes(b)).to_be_bytes::<32>();
            write(&mut c, value, &result)?;
            trace(&c, start, name, &[&a, &b], &[&result]);
            Ok(())
        })?;
    }
    linker.func_wrap(M, "math_pow", |mut c: C, value: i32, exponent: i32| -> Result<(), Error> {
        let start = trace_start(&c);
        buy_ink(&mut c, hostio::MATH_POW_BASE_INK)?;
        let base = read_fixed::<32>(&c, value)?;
        let exp = read_fixed::<32>(&c, exponent)?;
        buy_ink(&mut c, pricing::pow_price(&exp))?;
        let result = U256::from_be_bytes(base).wrapping_pow(U256::from_be_bytes(exp)).to_be_bytes::<32>();
        write(&mut c, value, &result)?;
        trace(&c, start, "math_pow", &[&base, &exp], &[&result]);
        Ok(())
    })?;
    type Ternary = fn(U256, U256, U256) -> U256;
    let ternary: [(&str, u64, Ternary); 2] = [
        ("math_add_mod", hostio::MATH_ADD_MOD_BASE_INK, |a, b, m| a.add_mod(b, m)),
        ("math_mul_mod", hostio::MATH_MUL_MOD_BASE_INK, |a, b, m| a.mul_mod(b, m)),
    ];
    for (name, ink, op) in ternary {
        linker.func_wrap(M, name, move |mut c: C, value: i32, other: i32, modulus: i32| -> Result<(), Error> {
            let start = trace_start(&c);
            buy_ink(&mut c, ink)?;
            let a = read_fixed::<32>(&c, value)?;
            let b = read_fixed::<32>(&c, other)?;
            let m = read_fixed::<32>(&c, modulus)?;
            let result = op(U256::from_be_bytes(a), U256::from_be_bytes(b), U256::from_be_bytes(m)).to_be_bytes::<32>();
            write(&mut c, value, &result)?;
            trace(&c, start, name, &[&a, &b, &m], &[&result]);
            Ok(())
        })?;
    }
    Ok(())
}
