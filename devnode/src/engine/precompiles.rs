//! Native contracts: the Ethereum precompiles contracts use (ecrecover, sha256, identity),
//! ArbSys basics, ArbOwnerPublic's owner views, the ArbWasm and ArbWasmCache precompiles, and
//! StylusDeployer.
//!
//! ArbSys, ArbOwnerPublic, ArbWasm and ArbWasmCache charge what Nitro's precompile framework and ArbOS storage charge
//! ([`precompile_gas`]), step by step in Nitro's order, so a call runs out of gas where it
//! would on Nitro and a successful one costs the same.
//!
//! StylusDeployer is a Solidity contract on real chains (OffchainLabs/nitro-contracts,
//! `src/stylus/StylusDeployer.sol`). It was emulated here before the dev node ran EVM code
//! and stays native (its figures and tests are the emulation's), at its canonical address with the same ABI, semantics, event and errors; its gas
//! is the real cost of what it does (create, activation, the init call, the refund) plus a
//! fixed overhead standing in for the Solidity code around them.

use alloy_primitives::{address, keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent, SolInterface};
use sha2::Digest;

use super::{
    code,
    exec::{CallKind, CallResult, Evm, Failure, Message, Outcome},
    precompile_gas::{self, Burner},
    pricing::{self, OutOfGas, StylusParams},
    state::ProgramRecord,
    types::Log,
    validate,
};

pub const ECRECOVER: Address = address!("0000000000000000000000000000000000000001");
pub const SHA256: Address = address!("0000000000000000000000000000000000000002");
pub const IDENTITY: Address = address!("0000000000000000000000000000000000000004");
pub const ARB_SYS: Address = address!("0000000000000000000000000000000000000064");
pub const ARB_OWNER_PUBLIC: Address = address!("000000000000000000000000000000000000006b");
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
pub const ARB_WASM_CACHE: Address = address!("0000000000000000000000000000000000000072");

/// ArbOS's registered cache managers (`Programs.CacheManagers`, added by
/// `ArbOwner.addWasmCacheManager`): Arbitrum's CacheManager, deployed at genesis
/// ([`super::genesis::cache_manager`]). nitro-devnode registers one whose runtime code is empty,
/// so its bids do nothing; this one caches.
fn cache_managers() -> [Address; 1] {
    [super::genesis::cache_manager()]
}
pub const STYLUS_DEPLOYER: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");

/// The ArbOS precompiles and StylusDeployer: they get [`NATIVE_CODE_MARKER`] as code at genesis
/// (and on loading a dump that lacks it).
pub const NATIVE_CONTRACTS: [Address; 5] = [ARB_SYS, ARB_OWNER_PUBLIC, ARB_WASM, ARB_WASM_CACHE, STYLUS_DEPLOYER];

/// RIP-7212's secp256r1 verification, on Arbitrum since ArbOS 30.
pub const P256VERIFY: Address = address!("0000000000000000000000000000000000000100");

/// The precompiles this chain has, which geth keeps warm from a transaction's start (EIP-2929's
/// precompile rule) and its access-list tracer leaves out: Prague's 0x01..=0x11, P256VERIFY and
/// the ArbOS precompiles the dev node models.
pub const PRECOMPILES: [Address; 22] = [
    ECRECOVER,
    SHA256,
    address!("0000000000000000000000000000000000000003"),
    IDENTITY,
    address!("0000000000000000000000000000000000000005"),
    address!("0000000000000000000000000000000000000006"),
    address!("0000000000000000000000000000000000000007"),
    address!("0000000000000000000000000000000000000008"),
    address!("0000000000000000000000000000000000000009"),
    address!("000000000000000000000000000000000000000a"),
    address!("000000000000000000000000000000000000000b"),
    address!("000000000000000000000000000000000000000c"),
    address!("000000000000000000000000000000000000000d"),
    address!("000000000000000000000000000000000000000e"),
    address!("000000000000000000000000000000000000000f"),
    address!("0000000000000000000000000000000000000010"),
    address!("0000000000000000000000000000000000000011"),
    P256VERIFY,
    ARB_SYS,
    ARB_OWNER_PUBLIC,
    ARB_WASM,
    ARB_WASM_CACHE,
];

/// Code placed at native contracts' addresses so `eth_getCode` and code-size checks see a
/// contract there (`INVALID`: it is never executed as EVM).
pub const NATIVE_CODE_MARKER: [u8; 1] = [0xFE];

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

    /// nitro-precompile-interfaces `ArbWasmCache.sol` (0x72), with `cacheProgram`, which Nitro
    /// adds from ArbOS 31 (precompiles/precompile.go).
    interface ArbWasmCache {
        function isCacheManager(address manager) external view returns (bool);
        function allCacheManagers() external view returns (address[] memory managers);
        function cacheCodehash(bytes32 codehash) external;
        function cacheProgram(address addr) external;
        function evictCodehash(bytes32 codehash) external;
        function codehashIsCached(bytes32 codehash) external view returns (bool);

        event UpdateProgramCache(address indexed manager, bytes32 indexed codehash, bool cached);
    }

    /// The owner views of nitro-precompile-interfaces `ArbOwnerPublic.sol` (0x6b) that the
    /// CacheManager and cache tools read.
    interface ArbOwnerPublic {
        function isChainOwner(address addr) external view returns (bool);
        function getAllChainOwners() external view returns (address[] memory);
        function getNetworkFeeAccount() external view returns (address);
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
        ARB_WASM_CACHE => arb_wasm_cache(evm, msg),
        ARB_OWNER_PUBLIC => arb_owner_public(evm, msg),
        STYLUS_DEPLOYER => stylus_deployer(evm, msg),
        _ => return standard(msg),
    };
    Some(result)
}

/// The rest of Prague's precompiles (RIPEMD-160, modexp, bn254, blake2f, KZG point evaluation,
/// BLS12-381) and P256VERIFY, from revm with geth's prices. A failing one uses all its gas, as
/// in geth.
fn standard(msg: &Message) -> Option<CallResult> {
    static STANDARD: std::sync::OnceLock<revm_precompile::Precompiles> = std::sync::OnceLock::new();
    let table = STANDARD.get_or_init(|| {
        let mut table = revm_precompile::Precompiles::prague().clone();
        table.extend([revm_precompile::secp256r1::P256VERIFY]);
        table
    });
    let precompile = table.get(&msg.code_address)?;
    let env = revm_precompile::primitives::Env::default();
    Some(match precompile.call_ref(&msg.input, msg.gas, &env) {
        Ok(out) if out.gas_used <= msg.gas => CallResult::success(out.bytes, msg.gas - out.gas_used),
        Ok(_) => CallResult::fail(Failure::OutOfGas),
        Err(revm_precompile::PrecompileErrors::Error(revm_precompile::PrecompileError::OutOfGas)) => {
            CallResult::fail(Failure::OutOfGas)
        }
        Err(error) => CallResult::fail(Failure::EvmHalt(error.to_string())),
    })
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

/// How a precompile method stopped early: the error a Nitro precompile method returns, which
/// `Precompile.Call` (precompile.go) turns into the call's result.
#[derive(Debug)]
enum Stop {
    /// A Solidity error: reverts with its data (paid for at 3 gas a word), the gas left kept.
    Sol(Vec<u8>),
    /// Out of gas: everything was burned; reverts with no data.
    OutOfGas,
    /// Any other Go error: reverts with no data, the gas left kept (ArbOS >= 11).
    Plain,
    /// `programs.ErrProgramActivation`: all gas burned, and the error (not a revert) returned.
    Activation(String),
}

impl From<OutOfGas> for Stop {
    fn from(_: OutOfGas) -> Self {
        Stop::OutOfGas
    }
}

fn sol(error: impl SolError) -> Stop {
    Stop::Sol(error.abi_encode())
}

/// A precompile method's state mutability (precompile.go `purity`); none modelled here is pure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purity {
    View,
    Write,
    Payable,
}

/// What `Precompile.Call` does around a method of ArbOS's precompiles (all the methods modelled
/// are view, write or payable, so all open the ArbOS state):
///
/// - calldata that is not a known method with well-formed arguments, a write or payable method
///   in a static context, value sent to a non-payable one, or a delegate call (a view "should
///   not access precompile superpowers when not acting as the precompile") revert and burn all;
/// - opening the ArbOS state costs [`precompile_gas::OPEN_ARBOS_STATE_GAS`] (out of gas there
///   is an error rather than a revert) and the arguments [`precompile_gas::copy_gas`];
/// - then `body` runs with the [`Burner`], and its result or Solidity error pays copy gas too.
fn precompile_call<C>(
    msg: &Message,
    purity: impl Fn(&C) -> Purity,
    body: impl FnOnce(&mut Burner, C) -> Result<Vec<u8>, Stop>,
) -> CallResult
where
    C: SolInterface,
{
    let refused = CallResult::revert(Bytes::new(), 0);
    let Ok(call) = C::abi_decode(&msg.input, true) else {
        return refused;
    };
    let purity = purity(&call);
    let payable = purity == Purity::Payable;
    let value_sent = msg.transfers_value && !msg.value.is_zero();
    if msg.acting != msg.code_address || (purity != Purity::View && msg.is_static) || (!payable && value_sent) {
        return refused;
    }
    let mut ctx = Burner::new(msg.gas);
    if ctx.burn(precompile_gas::OPEN_ARBOS_STATE_GAS).is_err() {
        return CallResult::fail(Failure::OutOfGas);
    }
    if ctx.burn(precompile_gas::copy_gas(msg.input.len() - 4)).is_err() {
        return refused;
    }
    match body(&mut ctx, call) {
        Ok(output) => match ctx.burn(precompile_gas::copy_gas(output.len())) {
            Ok(()) => CallResult::success(output, ctx.gas_left()),
            Err(OutOfGas) => refused,
        },
        Err(Stop::Sol(data)) => match ctx.burn(precompile_gas::copy_gas(data.len())) {
            Ok(()) => CallResult::revert(data, ctx.gas_left()),
            Err(OutOfGas) => refused,
        },
        Err(Stop::OutOfGas | Stop::Plain) => CallResult::revert(Bytes::new(), ctx.gas_left()),
        Err(Stop::Activation(reason)) => CallResult::fail(Failure::Activation(reason)),
    }
}

/// ArbSys (ArbSys.go): these three read nothing beyond what opening the state did.
fn arb_sys(evm: &mut Evm, msg: &Message) -> CallResult {
    use ArbSys::ArbSysCalls as Call;
    precompile_call(msg, |_: &Call| Purity::View, |_, call| {
        let value = match call {
            Call::arbBlockNumber(_) => U256::from(evm.block.number),
            Call::arbChainID(_) => U256::from(evm.block.chain_id),
            // "Nitro starts at version 56"
            Call::arbOSVersion(_) => U256::from(55 + ARBOS_VERSION),
        };
        Ok(value.to_be_bytes::<32>().to_vec())
    })
}

/// The activation record ArbWasm answers for, if the program is current (programs.go
/// `getActiveProgram`'s checks, without its storage read).
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

/// `Programs.Params`: one warm read for the packed parameters.
fn read_params(ctx: &mut Burner, evm: &Evm) -> Result<StylusParams, Stop> {
    ctx.burn(precompile_gas::PARAMS_READ_GAS)?;
    Ok(evm.params)
}

/// `Context.GetCodeHash`.
fn read_code_hash(ctx: &mut Burner, evm: &Evm, program: &Address) -> Result<B256, Stop> {
    ctx.burn(precompile_gas::STORAGE_CODE_HASH_GAS)?;
    Ok(evm.state.code_hash(program))
}

/// `Programs.getActiveProgram`: the program's word, then its checks.
fn read_active_program(ctx: &mut Burner, evm: &Evm, code_hash: &B256) -> Result<ProgramRecord, Stop> {
    ctx.burn(precompile_gas::STORAGE_READ_GAS)?;
    active_program(evm, code_hash).map_err(|revert| Stop::Sol(revert.to_vec()))
}

/// ArbWasm's `getCodeHash` helper: the parameters, then the program's code hash, then its
/// record (the order `programInitGas`, `programMemoryFootprint` and `programTimeLeft` use).
fn read_program_at(ctx: &mut Burner, evm: &Evm, program: &Address) -> Result<(StylusParams, ProgramRecord), Stop> {
    let params = read_params(ctx, evm)?;
    let hash = read_code_hash(ctx, evm, program)?;
    Ok((params, read_active_program(ctx, evm, &hash)?))
}

fn arb_wasm(evm: &mut Evm, msg: &Message) -> CallResult {
    use ArbWasm::ArbWasmCalls as Call;
    let purity = |call: &Call| match call {
        Call::activateProgram(_) | Call::codehashKeepalive(_) => Purity::Payable,
        _ => Purity::View,
    };
    precompile_call(msg, purity, |ctx, call| {
        let now = evm.block.timestamp;
        // The getters of one Stylus parameter: `Params()`, then the field.
        macro_rules! parameter {
            ($call:ident, $field:ident) => {{
                let p = read_params(ctx, evm)?;
                ArbWasm::$call::abi_encode_returns(&(p.$field,))
            }};
        }
        Ok(match call {
            Call::activateProgram(c) => return activate_program(evm, msg, ctx, c.program),
            Call::codehashKeepalive(c) => return keepalive(evm, msg, ctx, c.codehash),
            Call::stylusVersion(_) => parameter!(stylusVersionCall, version),
            Call::codehashVersion(c) => {
                read_params(ctx, evm)?;
                let r = read_active_program(ctx, evm, &c.codehash)?;
                ArbWasm::codehashVersionCall::abi_encode_returns(&(r.version,))
            }
            Call::codehashAsmSize(c) => {
                read_params(ctx, evm)?;
                let r = read_active_program(ctx, evm, &c.codehash)?;
                ArbWasm::codehashAsmSizeCall::abi_encode_returns(&(pricing::asm_size(r.asm_estimate),))
            }
            Call::programVersion(c) => {
                // ProgramVersion reads the code hash first, then CodehashVersion.
                let hash = read_code_hash(ctx, evm, &c.program)?;
                read_params(ctx, evm)?;
                let r = read_active_program(ctx, evm, &hash)?;
                ArbWasm::programVersionCall::abi_encode_returns(&(r.version,))
            }
            Call::programInitGas(c) => {
                let (p, r) = read_program_at(ctx, evm, &c.program)?;
                let (init, cached) = pricing::program_init_gas_report(&p, r.init_cost, r.cached_cost);
                ArbWasm::programInitGasCall::abi_encode_returns(&(init, cached))
            }
            Call::programMemoryFootprint(c) => {
                let (_, r) = read_program_at(ctx, evm, &c.program)?;
                ArbWasm::programMemoryFootprintCall::abi_encode_returns(&(r.footprint,))
            }
            Call::programTimeLeft(c) => {
                let (p, r) = read_program_at(ctx, evm, &c.program)?;
                let age = now.saturating_sub(r.activated_at);
                let left = pricing::days_to_seconds(p.expiry_days).saturating_sub(age);
                ArbWasm::programTimeLeftCall::abi_encode_returns(&(left,))
            }
            Call::inkPrice(_) => parameter!(inkPriceCall, ink_price),
            Call::maxStackDepth(_) => parameter!(maxStackDepthCall, max_stack_depth),
            Call::freePages(_) => parameter!(freePagesCall, free_pages),
            Call::pageGas(_) => parameter!(pageGasCall, page_gas),
            Call::pageRamp(_) => parameter!(pageRampCall, page_ramp),
            Call::pageLimit(_) => parameter!(pageLimitCall, page_limit),
            Call::minInitGas(_) => {
                let p = read_params(ctx, evm)?;
                ArbWasm::minInitGasCall::abi_encode_returns(&(
                    p.min_init_gas as u64 * pricing::MIN_INIT_GAS_UNITS,
                    p.min_cached_init_gas as u64 * pricing::MIN_CACHED_GAS_UNITS,
                ))
            }
            Call::initCostScalar(_) => {
                let p = read_params(ctx, evm)?;
                ArbWasm::initCostScalarCall::abi_encode_returns(&(
                    p.init_cost_scalar as u64 * pricing::COST_SCALAR_PERCENT,
                ))
            }
            Call::expiryDays(_) => parameter!(expiryDaysCall, expiry_days),
            Call::keepaliveDays(_) => parameter!(keepaliveDaysCall, keepalive_days),
            Call::blockCacheSize(_) => parameter!(blockCacheSizeCall, block_cache_size),
        })
    })
}

/// An ArbOS address set's `AllMembers` (addressSet.go): one read for the size, one per member.
fn read_address_set(ctx: &mut Burner, members: &[Address]) -> Result<Vec<Address>, Stop> {
    ctx.burn(precompile_gas::STORAGE_READ_GAS)?;
    for _ in members {
        ctx.burn(precompile_gas::STORAGE_READ_GAS)?;
    }
    Ok(members.to_vec())
}

/// An ArbOS address set's `IsMember` (addressSet.go): one read.
fn is_member(ctx: &mut Burner, members: &[Address], who: &Address) -> Result<bool, Stop> {
    ctx.burn(precompile_gas::STORAGE_READ_GAS)?;
    Ok(members.contains(who))
}

/// ArbOwnerPublic (ArbOwnerPublic.go): the chain owner views; the dev node's `ChainOwners`
/// set has one member, [`BlockEnv::chain_owner`](super::exec::BlockEnv::chain_owner).
fn arb_owner_public(evm: &mut Evm, msg: &Message) -> CallResult {
    use ArbOwnerPublic::ArbOwnerPublicCalls as Call;
    let owners = [evm.block.chain_owner];
    precompile_call(msg, |_: &Call| Purity::View, |ctx, call| {
        Ok(match call {
            Call::isChainOwner(c) => {
                let owner = is_member(ctx, &owners, &c.addr)?;
                ArbOwnerPublic::isChainOwnerCall::abi_encode_returns(&(owner,))
            }
            Call::getAllChainOwners(_) => {
                let all = read_address_set(ctx, &owners)?;
                ArbOwnerPublic::getAllChainOwnersCall::abi_encode_returns(&(all,))
            }
            // `NetworkFeeAccount`: one read.
            Call::getNetworkFeeAccount(_) => {
                ctx.burn(precompile_gas::STORAGE_READ_GAS)?;
                ArbOwnerPublic::getNetworkFeeAccountCall::abi_encode_returns(&(evm.block.network_fee_account,))
            }
        })
    })
}

/// ArbWasmCache (ArbWasmCache.go): who may cache, and the long-term cache flag of a program
/// (programs.go `ProgramCached` / `SetProgramCached`), which makes its calls pay the cached
/// init price ([`super::program::call_program`]).
fn arb_wasm_cache(evm: &mut Evm, msg: &Message) -> CallResult {
    use ArbWasmCache::ArbWasmCacheCalls as Call;
    // precompile.go gives `CacheCodehash` a `maxArbosVersion` of ArbOS 30 (replaced by
    // `cacheProgram`): past it the method "does not exist", which reverts and burns all.
    if ARBOS_VERSION > pricing::arbos::STYLUS
        && msg.input.starts_with(&ArbWasmCache::cacheCodehashCall::SELECTOR)
    {
        return CallResult::revert(Bytes::new(), 0);
    }
    let purity = |call: &Call| match call {
        Call::cacheCodehash(_) | Call::cacheProgram(_) | Call::evictCodehash(_) => Purity::Write,
        _ => Purity::View,
    };
    precompile_call(msg, purity, |ctx, call| {
        Ok(match call {
            Call::isCacheManager(c) => {
                let manager = is_member(ctx, &cache_managers(), &c.manager)?;
                ArbWasmCache::isCacheManagerCall::abi_encode_returns(&(manager,))
            }
            Call::allCacheManagers(_) => {
                let all = read_address_set(ctx, &cache_managers())?;
                ArbWasmCache::allCacheManagersCall::abi_encode_returns(&(all,))
            }
            // `ProgramCached`: the program's word, expired or not.
            Call::codehashIsCached(c) => {
                ctx.burn(precompile_gas::STORAGE_READ_GAS)?;
                let cached = evm.state.program(&c.codehash).is_some_and(|r| r.cached);
                ArbWasmCache::codehashIsCachedCall::abi_encode_returns(&(cached,))
            }
            Call::cacheCodehash(c) => return set_program_cached(evm, msg, ctx, c.codehash, true),
            Call::cacheProgram(c) => {
                // `CacheProgram` reads the code hash before anything else.
                let hash = read_code_hash(ctx, evm, &c.addr)?;
                return set_program_cached(evm, msg, ctx, hash, true);
            }
            Call::evictCodehash(c) => return set_program_cached(evm, msg, ctx, c.codehash, false),
        })
    })
}

/// ArbWasmCache.go `setProgramCached` and programs.go `SetProgramCached`, charged in Nitro's
/// order.
fn set_program_cached(evm: &mut Evm, msg: &Message, ctx: &mut Burner, code_hash: B256, cache: bool) -> Result<Vec<u8>, Stop> {
    // `hasAccess`: a cache manager, else a chain owner; anyone else has all their gas burned
    // (`c.BurnOut()`), which the framework turns into a revert without data.
    let manager = is_member(ctx, &cache_managers(), &msg.caller)?;
    if !manager && !is_member(ctx, &[evm.block.chain_owner], &msg.caller)? {
        return Err(Stop::from(ctx.burn_out()));
    }
    let params = read_params(ctx, evm)?;
    // `getProgram`: the word, which reads as version 0 for a code hash never activated.
    ctx.burn(precompile_gas::STORAGE_READ_GAS)?;
    let mut record = evm.state.program(&code_hash).copied();
    let version = record.map_or(0, |r| r.version);
    if cache && version != params.version {
        return Err(sol(ArbWasm::ProgramNeedsUpgrade { version, stylusVersion: params.version }));
    }
    let Some(program) = record.as_mut() else {
        // Never activated and evicting: already not cached, nothing to do.
        return Ok(Vec::new());
    };
    let age = evm.block.timestamp.saturating_sub(program.activated_at);
    if cache && age > pricing::days_to_seconds(params.expiry_days) {
        return Err(sol(ArbWasm::ProgramExpired { ageInSeconds: age }));
    }
    if program.cached == cache {
        return Ok(Vec::new());
    }
    let event = ArbWasmCache::UpdateProgramCache { manager: msg.caller, codehash: code_hash, cached: cache };
    emit(evm, ctx, ARB_WASM_CACHE, &event)?;
    // "pay to cache the program, or to re-cache in case of upcoming revert": the program's
    // init cost, in gas, then the module hash's word.
    ctx.burn(program.init_cost as u64)?;
    ctx.burn(precompile_gas::STORAGE_READ_GAS)?;
    program.cached = cache;
    write_program(evm, ctx, code_hash, *program)?;
    Ok(Vec::new())
}

/// ArbWasm.go `payActivationDataFee`: refuses too little value, then (reading the network fee
/// account) pays `fee` to it and returns the rest to the caller, directly (no call).
fn pay_data_fee(evm: &mut Evm, msg: &Message, ctx: &mut Burner, fee: U256) -> Result<(), Stop> {
    let paid = if msg.transfers_value { msg.value } else { U256::ZERO };
    if paid < fee {
        return Err(sol(ArbWasm::ProgramInsufficientValue { have: paid, want: fee }));
    }
    ctx.burn(precompile_gas::STORAGE_READ_GAS)?;
    let network = evm.block.network_fee_account;
    evm.state.transfer(ARB_WASM, network, fee);
    evm.state.transfer(ARB_WASM, msg.caller, paid - fee);
    Ok(())
}

/// `DataPricer.UpdateModel` with its storage costs: the fee for `bytes`.
fn update_data_pricer(evm: &mut Evm, ctx: &mut Burner, bytes: u32) -> Result<U256, Stop> {
    let now = evm.block.timestamp;
    let fee = evm.data_pricer.update(bytes, now);
    ctx.burn(precompile_gas::data_pricer_update_gas(evm.data_pricer.demand, now))?;
    Ok(fee)
}

/// `Programs.setProgram`: one word, never zero (the version is not).
fn write_program(evm: &mut Evm, ctx: &mut Burner, code_hash: B256, record: ProgramRecord) -> Result<(), Stop> {
    ctx.burn(precompile_gas::storage_write_gas(false))?;
    evm.state.set_program(code_hash, record);
    Ok(())
}

/// ArbWasm.go `ActivateProgram` and programs.go `Programs.ActivateProgram`, charged step by
/// step in Nitro's order.
fn activate_program(evm: &mut Evm, msg: &Message, ctx: &mut Burner, program: Address) -> Result<Vec<u8>, Stop> {
    // The configurable activation gas (`Programs.ActivationGas`) only exists from ArbOS 60:
    // before it nothing is read or burned. Then "charge a fixed cost up front".
    ctx.burn(pricing::ACTIVATION_FIXED_GAS)?;
    let stored = evm.state.code(&program);
    let code_hash = keccak256(&stored);
    let params = read_params(ctx, evm)?;
    // programExists: one read; up to date = same version and not expired (an activatedAt of
    // hour 0 counts as expired).
    ctx.burn(precompile_gas::STORAGE_READ_GAS)?;
    let now = evm.block.timestamp;
    if let Some(record) = evm.state.program(&code_hash) {
        let age = now.saturating_sub(record.activated_at);
        let expired = pricing::hours_since_arbitrum(record.activated_at) == 0
            || age > pricing::days_to_seconds(params.expiry_days);
        if record.version == params.version && !expired {
            return Err(sol(ArbWasm::ProgramUpToDate {}));
        }
    }
    // getWasm: no code is ProgramNotWasm(); before ArbOS 60 anything without the classic
    // prefix is the plain error "specified bytecode is not a Stylus program", and a stream
    // that does not decompress is a plain error too: both revert without data.
    if stored.is_empty() {
        return Err(sol(ArbWasm::ProgramNotWasm {}));
    }
    let wasm = match code::decode_stylus_code(&stored, params.max_wasm_size as usize) {
        Ok(wasm) => wasm,
        // Nitro would decompress this; the dev node cannot, and says so.
        Err(error @ code::CodeError::StylusDictionaryUnsupported) => {
            return Err(Stop::Sol(alloy_sol_types::Revert::from(error.to_string()).abi_encode()))
        }
        Err(_) => return Err(Stop::Plain),
    };
    // "require the program's footprint not exceed the remaining memory budget"
    let (open, _) = evm.state.stylus_pages();
    let rules = validate::ActivationParams {
        arbos_version: ARBOS_VERSION,
        stylus_version: params.version,
        page_limit: params.page_limit.saturating_sub(open),
    };
    // A module Nitro refuses fails activation with all gas taken (`takeAllGas`, and
    // precompile.go burns out on ErrProgramActivation); so does running out of gas in
    // Module::activate, whose charges come after validation.
    let module_hash = keccak256(&wasm);
    let info = match evm.runtime.activation_check(module_hash, &wasm, &rules) {
        Ok(info) => info,
        Err(error) => {
            ctx.burn_out();
            let reasons: Vec<String> = error.rules.iter().map(|rule| rule.to_string()).collect();
            return Err(Stop::Activation(reasons.join("; ")));
        }
    };
    ctx.burn(info.activation_gas)?;
    if let Err(reason) = evm.runtime.compile(code_hash, &wasm, &info.frame_words) {
        ctx.burn_out();
        return Err(Stop::Activation(reason));
    }
    // moduleHashes.Set, then UpdateModel on the asm estimate (not the wasm's length), then
    // setProgram with the estimate in KiB and the hour of activation.
    ctx.burn(precompile_gas::storage_write_gas(module_hash.is_zero()))?;
    let fee = update_data_pricer(evm, ctx, info.asm_estimate)?;
    let version = params.version;
    let record = ProgramRecord {
        version,
        init_cost: info.init_cost,
        cached_cost: info.cached_init_cost,
        footprint: info.footprint_pages,
        asm_estimate: info.asm_estimate,
        activated_at: pricing::activation_time(now),
        module_hash,
        // A re-activation keeps the cache flag (programs.go `ActivateProgram` carries
        // `cached` from `programExists` into the new record and recompiles the cached asm).
        cached: evm.state.program(&code_hash).is_some_and(|r| r.cached),
    };
    write_program(evm, ctx, code_hash, record)?;
    pay_data_fee(evm, msg, ctx, fee)?;
    let event = ArbWasm::ProgramActivated {
        codehash: code_hash,
        moduleHash: module_hash,
        program,
        dataFee: fee,
        version,
    };
    emit(evm, ctx, ARB_WASM, &event)?;
    Ok(ArbWasm::activateProgramCall::abi_encode_returns(&(version, fee)))
}

/// ArbWasm.go `CodehashKeepalive` and programs.go `ProgramKeepalive`.
fn keepalive(evm: &mut Evm, msg: &Message, ctx: &mut Burner, code_hash: B256) -> Result<Vec<u8>, Stop> {
    let params = read_params(ctx, evm)?;
    let mut record = read_active_program(ctx, evm, &code_hash)?;
    let now = evm.block.timestamp;
    let age = now.saturating_sub(record.activated_at);
    if age < pricing::days_to_seconds(params.keepalive_days) {
        return Err(sol(ArbWasm::ProgramKeepaliveTooSoon { ageInSeconds: age }));
    }
    // Keepalive prices the stored size, whole KiB (`Program.asmSize`).
    let fee = update_data_pricer(evm, ctx, pricing::asm_size(record.asm_estimate))?;
    record.activated_at = pricing::activation_time(now);
    write_program(evm, ctx, code_hash, record)?;
    pay_data_fee(evm, msg, ctx, fee)?;
    emit(evm, ctx, ARB_WASM, &ArbWasm::ProgramLifetimeExtended { codehash: code_hash, dataFee: fee })?;
    Ok(Vec::new())
}

/// A precompile's event: paid for first ([`precompile_gas::event_gas`]), then logged.
fn emit(evm: &mut Evm, ctx: &mut Burner, address: Address, event: &impl SolEvent) -> Result<(), Stop> {
    let log = event.encode_log_data();
    ctx.burn(precompile_gas::event_gas(log.topics().len() - 1, log.data.len()))?;
    push_log_data(evm, address, log);
    Ok(())
}

fn push_event(evm: &mut Evm, address: Address, event: &impl SolEvent) {
    push_log_data(evm, address, event.encode_log_data());
}

fn push_log_data(evm: &mut Evm, address: Address, log: alloy_primitives::LogData) {
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
