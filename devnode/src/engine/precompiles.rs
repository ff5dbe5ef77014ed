//! Native contracts: the Ethereum precompiles contracts use (ecrecover, sha256, identity),
//! ArbSys basics, the ArbWasm precompile, and StylusDeployer.
//!
//! StylusDeployer is a Solidity contract on real chains (OffchainLabs/nitro-contracts,
//! `src/stylus/StylusDeployer.sol`). The dev node runs no EVM bytecode, so it is emulated here
//! natively at its canonical address with the same ABI, semantics, event and errors; its gas
//! is the real cost of what it does (create, activation, the init call, the refund) plus a
//! fixed overhead standing in for the Solidity code around them.

use alloy_primitives::{address, keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent, SolInterface};
use sha2::Digest;

use super::{
    code,
    exec::{CallKind, CallResult, Evm, Failure, Message, Outcome},
    pricing,
    state::ProgramRecord,
    types::Log,
    validate,
};

pub const ECRECOVER: Address = address!("0000000000000000000000000000000000000001");
pub const SHA256: Address = address!("0000000000000000000000000000000000000002");
pub const IDENTITY: Address = address!("0000000000000000000000000000000000000004");
pub const ARB_SYS: Address = address!("0000000000000000000000000000000000000064");
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
pub const STYLUS_DEPLOYER: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");

/// Code placed at native contracts' addresses so `eth_getCode` and code-size checks see a
/// contract there (`INVALID`: it is never executed as EVM).
pub const NATIVE_CODE_MARKER: [u8; 1] = [0xFE];

/// ArbOS's price for reading one word of its own storage; view methods of ArbWasm pay it.
const ARBOS_STORAGE_READ_GAS: u64 = 800;
/// What the deployer's Solidity body costs on top of the operations it performs (calldata
/// copying, ABI decoding, the requiresActivation view calls, the event), measured as a
/// round figure rather than executed.
const DEPLOYER_OVERHEAD_GAS: u64 = 12_000;

sol! {
    interface ArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function stylusVersion() external view returns (uint16 version);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        function codehashKeepalive(bytes32 codehash) external payable;
        function codehashAsmSize(bytes32 codehash) external view returns (uint32 size);
        function programVersion(address program) external view returns (uint16 version);
        function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
        function programMemoryFootprint(address program) external view returns (uint16 footprint);
        function programTimeLeft(address program) external view returns (uint64 _secs);
        function inkPrice() external view returns (uint32 price);
        function maxStackDepth() external view returns (uint32 depth);
        function freePages() external view returns (uint16 pages);
        function pageGas() external view returns (uint16 gas);
        function pageRamp() external view returns (uint64 ramp);
        function pageLimit() external view returns (uint16 limit);
        function minInitGas() external view returns (uint64 gas, uint64 cached);
        function initCostScalar() external view returns (uint64 percent);
        function expiryDays() external view returns (uint16 _days);
        function keepaliveDays() external view returns (uint16 _days);
        function blockCacheSize() external view returns (uint16 count);

        event ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version);
        event ProgramLifetimeExtended(bytes32 indexed codehash, uint256 dataFee);

        error ProgramNotWasm();
        error ProgramNotActivated();
        error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
        error ProgramExpired(uint64 ageInSeconds);
        error ProgramUpToDate();
        error ProgramKeepaliveTooSoon(uint64 ageInSeconds);
        error ProgramInsufficientValue(uint256 have, uint256 want);
    }

    interface ArbSys {
        function arbBlockNumber() external view returns (uint256);
        function arbChainID() external view returns (uint256);
        function arbOSVersion() external view returns (uint256);
    }

    interface StylusDeployer {
        function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address);
        function initSalt(bytes32 salt, bytes initData, uint256 initValue) external pure returns (bytes32);
        function requiresActivation(address addr) external view returns (bool);

        event ContractDeployed(address deployedContract);

        error ContractDeploymentError(bytes bytecode);
        error ContractInitializationError(address newContract);
        error RefundExcessValueError(uint256 excessValue);
        error EmptyBytecode();
        error InitValueButNotInitData();
    }
}

/// The ArbOS version the dev node models, for pricing and activation rules alike.
pub const ARBOS_VERSION: u64 = pricing::DEFAULT_ARBOS_VERSION;

/// Runs `msg` if it is addressed to a native contract.
pub(crate) fn run(evm: &mut Evm, msg: &Message) -> Option<CallResult> {
    let result = match msg.code_address {
        ECRECOVER => ecrecover(msg),
        SHA256 => {
            let cost = 60 + 12 * (msg.input.len() as u64).div_ceil(32);
            charge(msg.gas, cost, || sha2::Sha256::digest(&msg.input).to_vec())
        }
        IDENTITY => {
            let cost = 15 + 3 * (msg.input.len() as u64).div_ceil(32);
            charge(msg.gas, cost, || msg.input.to_vec())
        }
        ARB_SYS => arb_sys(evm, msg),
        ARB_WASM => arb_wasm(evm, msg),
        STYLUS_DEPLOYER => stylus_deployer(evm, msg),
        _ => return None,
    };
    Some(result)
}

fn charge(gas: u64, cost: u64, output: impl FnOnce() -> Vec<u8>) -> CallResult {
    match gas.checked_sub(cost) {
        Some(left) => CallResult::success(output(), left),
        None => CallResult::fail(Failure::OutOfGas),
    }
}

fn ecrecover(msg: &Message) -> CallResult {
    charge(msg.gas, 3_000, || {
        let mut input = [0u8; 128];
        let n = msg.input.len().min(128);
        input[..n].copy_from_slice(&msg.input[..n]);
        let hash = B256::from_slice(&input[..32]);
        let v = U256::from_be_slice(&input[32..64]);
        let (r, s) = (U256::from_be_slice(&input[64..96]), U256::from_be_slice(&input[96..128]));
        if v != U256::from(27) && v != U256::from(28) {
            return Vec::new();
        }
        let parity = v == U256::from(28);
        let signature = alloy_primitives::PrimitiveSignature::new(r, s, parity);
        match signature.recover_address_from_prehash(&hash) {
            Ok(address) => B256::left_padding_from(address.as_slice()).to_vec(),
            Err(_) => Vec::new(),
        }
    })
}

fn revert_with(error: impl SolError, gas_left: u64) -> CallResult {
    CallResult::revert(error.abi_encode(), gas_left)
}

fn arb_sys(evm: &mut Evm, msg: &Message) -> CallResult {
    let Some(gas) = msg.gas.checked_sub(ARBOS_STORAGE_READ_GAS) else {
        return CallResult::fail(Failure::OutOfGas);
    };
    let Ok(call) = ArbSys::ArbSysCalls::abi_decode(&msg.input, true) else {
        return CallResult::revert(Bytes::new(), gas);
    };
    let value = match call {
        ArbSys::ArbSysCalls::arbBlockNumber(_) => U256::from(evm.block.number),
        ArbSys::ArbSysCalls::arbChainID(_) => U256::from(evm.block.chain_id),
        ArbSys::ArbSysCalls::arbOSVersion(_) => U256::from(55 + ARBOS_VERSION),
    };
    CallResult::success(value.to_be_bytes::<32>().to_vec(), gas)
}

/// The activation record ArbWasm answers for, if the program is current.
fn active_program(evm: &Evm, code_hash: &B256) -> Result<ProgramRecord, Bytes> {
    let Some(record) = evm.state.program(code_hash).copied() else {
        return Err(ArbWasm::ProgramNotActivated {}.abi_encode().into());
    };
    if record.version != evm.params.version {
        return Err(ArbWasm::ProgramNeedsUpgrade {
            version: record.version,
            stylusVersion: evm.params.version,
        }
        .abi_encode()
        .into());
    }
    let age = evm.block.timestamp.saturating_sub(record.activated_at);
    if age > pricing::days_to_seconds(evm.params.expiry_days) {
        return Err(ArbWasm::ProgramExpired { ageInSeconds: age }.abi_encode().into());
    }
    Ok(record)
}

fn arb_wasm(evm: &mut Evm, msg: &Message) -> CallResult {
    use ArbWasm::ArbWasmCalls as Call;
    let Some(gas) = msg.gas.checked_sub(ARBOS_STORAGE_READ_GAS) else {
        return CallResult::fail(Failure::OutOfGas);
    };
    let Ok(call) = Call::abi_decode(&msg.input, true) else {
        return CallResult::revert(Bytes::new(), gas);
    };
    let payable = matches!(call, Call::activateProgram(_) | Call::codehashKeepalive(_));
    if !payable && !msg.value.is_zero() && msg.transfers_value {
        return CallResult::revert(Bytes::new(), gas);
    }
    let params = evm.params;
    let program_hash = |evm: &Evm, program: &Address| evm.state.code_hash(program);
    let answer = |result: Result<Vec<u8>, Bytes>| match result {
        Ok(output) => CallResult::success(output, gas),
        Err(revert) => CallResult::revert(revert, gas),
    };
    match call {
        Call::activateProgram(c) => activate_program(evm, msg, c.program, gas),
        Call::codehashKeepalive(c) => keepalive(evm, msg, c.codehash, gas),
        Call::stylusVersion(_) => {
            answer(Ok(ArbWasm::stylusVersionCall::abi_encode_returns(&(params.version,))))
        }
        Call::codehashVersion(c) => answer(active_program(evm, &c.codehash).map(|r| {
            ArbWasm::codehashVersionCall::abi_encode_returns(&(r.version,))
        })),
        Call::codehashAsmSize(c) => answer(active_program(evm, &c.codehash).map(|r| {
            ArbWasm::codehashAsmSizeCall::abi_encode_returns(&(r.asm_estimate,))
        })),
        Call::programVersion(c) => {
            let hash = program_hash(evm, &c.program);
            answer(active_program(evm, &hash).map(|r| {
                ArbWasm::programVersionCall::abi_encode_returns(&(r.version,))
            }))
        }
        Call::programInitGas(c) => {
            let hash = program_hash(evm, &c.program);
            answer(active_program(evm, &hash).map(|r| {
                let cached = pricing::cached_gas(&params, r.cached_cost);
                let init = pricing::init_gas(&params, r.init_cost).saturating_add(cached);
                ArbWasm::programInitGasCall::abi_encode_returns(&(init, cached))
            }))
        }
        Call::programMemoryFootprint(c) => {
            let hash = program_hash(evm, &c.program);
            answer(active_program(evm, &hash).map(|r| {
                ArbWasm::programMemoryFootprintCall::abi_encode_returns(&(r.footprint,))
            }))
        }
        Call::programTimeLeft(c) => {
            let hash = program_hash(evm, &c.program);
            let now = evm.block.timestamp;
            answer(active_program(evm, &hash).map(|r| {
                let left = pricing::days_to_seconds(params.expiry_days).saturating_sub(now.saturating_sub(r.activated_at));
                ArbWasm::programTimeLeftCall::abi_encode_returns(&(left,))
            }))
        }
        Call::inkPrice(_) => {
            answer(Ok(ArbWasm::inkPriceCall::abi_encode_returns(&(params.ink_price,))))
        }
        Call::maxStackDepth(_) => {
            answer(Ok(ArbWasm::maxStackDepthCall::abi_encode_returns(&(params.max_stack_depth,))))
        }
        Call::freePages(_) => {
            answer(Ok(ArbWasm::freePagesCall::abi_encode_returns(&(params.free_pages,))))
        }
        Call::pageGas(_) => answer(Ok(ArbWasm::pageGasCall::abi_encode_returns(&(params.page_gas,)))),
        Call::pageRamp(_) => {
            answer(Ok(ArbWasm::pageRampCall::abi_encode_returns(&(params.page_ramp,))))
        }
        Call::pageLimit(_) => {
            answer(Ok(ArbWasm::pageLimitCall::abi_encode_returns(&(params.page_limit,))))
        }
        Call::minInitGas(_) => answer(Ok(ArbWasm::minInitGasCall::abi_encode_returns(&(
            params.min_init_gas as u64 * pricing::MIN_INIT_GAS_UNITS,
            params.min_cached_init_gas as u64 * pricing::MIN_CACHED_GAS_UNITS,
        )))),
        Call::initCostScalar(_) => answer(Ok(ArbWasm::initCostScalarCall::abi_encode_returns(&(
            params.init_cost_scalar as u64 * pricing::COST_SCALAR_PERCENT,
        )))),
        Call::expiryDays(_) => {
            answer(Ok(ArbWasm::expiryDaysCall::abi_encode_returns(&(params.expiry_days,))))
        }
        Call::keepaliveDays(_) => {
            answer(Ok(ArbWasm::keepaliveDaysCall::abi_encode_returns(&(params.keepalive_days,))))
        }
        Call::blockCacheSize(_) => {
            answer(Ok(ArbWasm::blockCacheSizeCall::abi_encode_returns(&(params.block_cache_size,))))
        }
    }
}

/// Pays `fee` out of the value sent to ArbWasm and returns the rest to the caller, directly
/// (no call), as ArbOS does.
fn settle_fee(evm: &mut Evm, msg: &Message, fee: U256) {
    let paid = if msg.transfers_value { msg.value } else { U256::ZERO };
    let coinbase = evm.block.coinbase;
    evm.state.transfer(ARB_WASM, coinbase, fee);
    evm.state.transfer(ARB_WASM, msg.caller, paid - fee);
}

fn activate_program(evm: &mut Evm, msg: &Message, program: Address, gas: u64) -> CallResult {
    if msg.is_static {
        return CallResult::fail(Failure::WriteProtection);
    }
    let stored = evm.state.code(&program);
    let code_hash = keccak256(&stored);
    let wasm = match code::decode_stylus_code(&stored, evm.params.max_wasm_size as usize) {
        Ok(wasm) => wasm,
        Err(_) => return revert_with(ArbWasm::ProgramNotWasm {}, gas),
    };
    if let Some(record) = evm.state.program(&code_hash) {
        let age = evm.block.timestamp.saturating_sub(record.activated_at);
        if record.version == evm.params.version && age <= pricing::days_to_seconds(evm.params.expiry_days) {
            return revert_with(ArbWasm::ProgramUpToDate {}, gas);
        }
    }
    let (open, _) = evm.state.stylus_pages();
    let rules = validate::ActivationParams {
        arbos_version: ARBOS_VERSION,
        stylus_version: evm.params.version,
        page_limit: evm.params.page_limit.saturating_sub(open),
    };
    let info = match validate::activate_check_with(&wasm, &rules) {
        Ok(info) => info,
        // Nitro reports validation failures as a plain error; the reason is kept readable
        // here as Error(string) so tools can show it.
        Err(reason) => {
            let message = format!("activation failed: {reason}");
            return CallResult::revert(alloy_sol_types::Revert::from(message).abi_encode(), gas);
        }
    };
    let activation_gas = info.activation_gas;
    let Some(gas) = gas.checked_sub(activation_gas) else {
        return CallResult::fail(Failure::OutOfGas);
    };
    let now = evm.block.timestamp;
    let fee = evm.data_pricer.update(wasm.len() as u32, now);
    let paid = if msg.transfers_value { msg.value } else { U256::ZERO };
    if paid < fee {
        return revert_with(ArbWasm::ProgramInsufficientValue { have: paid, want: fee }, gas);
    }
    if let Err(reason) = evm.runtime.compile(code_hash, &wasm) {
        let message = format!("activation failed: {reason}");
        return CallResult::revert(alloy_sol_types::Revert::from(message).abi_encode(), gas);
    }
    let module_hash = keccak256(&wasm);
    let version = evm.params.version;
    evm.state.set_program(
        code_hash,
        ProgramRecord {
            version,
            init_cost: info.init_cost,
            cached_cost: info.cached_init_cost,
            footprint: info.footprint_pages,
            asm_estimate: info.asm_estimate,
            activated_at: now,
            module_hash,
        },
    );
    settle_fee(evm, msg, fee);
    let event = ArbWasm::ProgramActivated {
        codehash: code_hash,
        moduleHash: module_hash,
        program,
        dataFee: fee,
        version,
    };
    push_event(evm, ARB_WASM, &event);
    CallResult::success(ArbWasm::activateProgramCall::abi_encode_returns(&(version, fee)), gas)
}

fn keepalive(evm: &mut Evm, msg: &Message, code_hash: B256, gas: u64) -> CallResult {
    if msg.is_static {
        return CallResult::fail(Failure::WriteProtection);
    }
    let mut record = match active_program(evm, &code_hash) {
        Ok(record) => record,
        Err(revert) => return CallResult::revert(revert, gas),
    };
    let age = evm.block.timestamp.saturating_sub(record.activated_at);
    if age < evm.params.keepalive_days as u64 * 86_400 {
        return revert_with(ArbWasm::ProgramKeepaliveTooSoon { ageInSeconds: age }, gas);
    }
    let now = evm.block.timestamp;
    let fee = evm.data_pricer.update(record.asm_estimate, now);
    let paid = if msg.transfers_value { msg.value } else { U256::ZERO };
    if paid < fee {
        return revert_with(ArbWasm::ProgramInsufficientValue { have: paid, want: fee }, gas);
    }
    record.activated_at = now;
    evm.state.set_program(code_hash, record);
    settle_fee(evm, msg, fee);
    push_event(evm, ARB_WASM, &ArbWasm::ProgramLifetimeExtended { codehash: code_hash, dataFee: fee });
    CallResult::success(Vec::new(), gas)
}

fn push_event(evm: &mut Evm, address: Address, event: &impl SolEvent) {
    let log = event.encode_log_data();
    evm.state.push_log(Log { address, topics: log.topics().to_vec(), data: log.data });
}

fn stylus_deployer(evm: &mut Evm, msg: &Message) -> CallResult {
    use StylusDeployer::StylusDeployerCalls as Call;
    let Some(gas) = msg.gas.checked_sub(DEPLOYER_OVERHEAD_GAS) else {
        return CallResult::fail(Failure::OutOfGas);
    };
    let Ok(call) = Call::abi_decode(&msg.input, true) else {
        return CallResult::revert(Bytes::new(), gas);
    };
    match call {
        Call::initSalt(c) => CallResult::success(
            StylusDeployer::initSaltCall::abi_encode_returns(&(init_salt(c.salt, &c.initData, c.initValue),)),
            gas,
        ),
        Call::requiresActivation(c) => {
            let hash = evm.state.code_hash(&c.addr);
            let needs = active_program(evm, &hash).is_err();
            CallResult::success(StylusDeployer::requiresActivationCall::abi_encode_returns(&(needs,)), gas)
        }
        Call::deploy(c) => {
            if msg.is_static {
                return CallResult::fail(Failure::WriteProtection);
            }
            deploy(evm, msg, c, gas)
        }
    }
}

fn init_salt(salt: B256, init_data: &[u8], init_value: U256) -> B256 {
    let mut packed = Vec::with_capacity(64 + init_data.len());
    packed.extend_from_slice(salt.as_slice());
    packed.extend_from_slice(init_data);
    packed.extend_from_slice(&init_value.to_be_bytes::<32>());
    keccak256(packed)
}

/// Gas a frame may forward under the 63/64 rule.
fn all_but_one_64th(gas: u64) -> u64 {
    gas - gas / 64
}

fn deploy(evm: &mut Evm, msg: &Message, c: StylusDeployer::deployCall, mut gas: u64) -> CallResult {
    let this = STYLUS_DEPLOYER;
    if c.bytecode.is_empty() {
        return revert_with(StylusDeployer::EmptyBytecode {}, gas);
    }
    let salt = (!c.salt.is_zero()).then(|| init_salt(c.salt, &c.initData, c.initValue));

    // CREATE / CREATE2 with the EVM's base costs, forwarding all but 1/64th.
    let mut base = pricing::CREATE_GAS + 2 * (c.bytecode.len() as u64).div_ceil(32);
    if salt.is_some() {
        base += pricing::KECCAK_WORD_GAS * (c.bytecode.len() as u64).div_ceil(32);
    }
    let Some(left) = gas.checked_sub(base) else {
        return CallResult::fail(Failure::OutOfGas);
    };
    let forwarded = all_but_one_64th(left);
    let created = evm.create(this, &c.bytecode, U256::ZERO, forwarded, salt);
    gas = left - forwarded + created.result.gas_left;
    let Some(new_contract) = created.address else {
        if created.result.outcome == Outcome::Revert && !created.result.output.is_empty() {
            return CallResult::revert(created.result.output, gas);
        }
        return revert_with(StylusDeployer::ContractDeploymentError { bytecode: c.bytecode }, gas);
    };

    let value = if msg.transfers_value { msg.value } else { U256::ZERO };
    let hash = evm.state.code_hash(&new_contract);
    let should_activate = active_program(evm, &hash).is_err();
    if should_activate {
        let Some(activation_value) = value.checked_sub(c.initValue) else {
            // Solidity 0.8's checked subtraction: Panic(0x11).
            return CallResult::revert(panic_data(0x11), gas);
        };
        let call = ArbWasm::activateProgramCall { program: new_contract };
        let forwarded = all_but_one_64th(gas);
        let result = evm.call(Message {
            kind: CallKind::Call,
            caller: this,
            code_address: ARB_WASM,
            acting: ARB_WASM,
            value: activation_value,
            transfers_value: true,
            input: call.abi_encode().into(),
            gas: forwarded,
            is_static: false,
        });
        gas = gas - forwarded + result.gas_left;
        if !result.is_success() {
            // Solidity bubbles the precompile's revert data up.
            return CallResult::revert(result.output, gas);
        }
    }

    if !c.initData.is_empty() {
        let forwarded = all_but_one_64th(gas);
        let result = evm.call(Message {
            kind: CallKind::Call,
            caller: this,
            code_address: new_contract,
            acting: new_contract,
            value: c.initValue,
            transfers_value: true,
            input: c.initData.clone(),
            gas: forwarded,
            is_static: false,
        });
        gas = gas - forwarded + result.gas_left;
        if !result.is_success() {
            return revert_with(StylusDeployer::ContractInitializationError { newContract: new_contract }, gas);
        }
    } else if !c.initValue.is_zero() {
        return revert_with(StylusDeployer::InitValueButNotInitData {}, gas);
    }

    if should_activate || value != c.initValue {
        let balance = evm.state.balance(&this);
        if !balance.is_zero() {
            let forwarded = all_but_one_64th(gas);
            let result = evm.call(Message {
                kind: CallKind::Call,
                caller: this,
                code_address: msg.caller,
                acting: msg.caller,
                value: balance,
                transfers_value: true,
                input: Bytes::new(),
                gas: forwarded,
                is_static: false,
            });
            gas = gas - forwarded + result.gas_left;
            if !result.is_success() {
                return revert_with(StylusDeployer::RefundExcessValueError { excessValue: balance }, gas);
            }
        }
    }

    push_event(evm, this, &StylusDeployer::ContractDeployed { deployedContract: new_contract });
    CallResult::success(StylusDeployer::deployCall::abi_encode_returns(&(new_contract,)), gas)
}

fn panic_data(code: u8) -> Vec<u8> {
    alloy_sol_types::Panic { code: U256::from(code) }.abi_encode()
}
