//! Call frames: value transfer, dispatch to precompiles, Stylus programs or EVM bytecode
//! ([`interp`]), the reentrancy count, contract creation from EVM init code (Stylus deployments
//! included), and the journal checkpoint that makes a failed frame leave no trace.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};

use super::{
    code, interp, precompiles, pricing,
    trace,
    program::{self, Runtime},
    state::State,
};

/// Nitro's (and Ethereum's) call depth limit: geth refuses a frame once `depth > 1024`.
pub const MAX_CALL_DEPTH: usize = 1024;
/// EIP-170 as Arbitrum configures it: stored code up to 24 KiB, init code twice that.
pub const MAX_CODE_SIZE: usize = 24_576;
pub const MAX_INIT_CODE_SIZE: usize = 2 * MAX_CODE_SIZE;

/// The block a transaction executes in, as the host functions report it.
#[derive(Debug, Clone)]
pub struct BlockEnv {
    pub number: u64,
    /// What `block_number` returns on Arbitrum: the L1 block estimate.
    pub l1_number: u64,
    pub timestamp: u64,
    pub coinbase: Address,
    /// ArbOS's network fee account: it receives the L2 gas fees and the activation data fees
    /// (`arbosState.NetworkFeeAccount`; `tx_processor.go` `EndTxHook`, ArbWasm.go
    /// `payActivationDataFee`). Not the block's coinbase, which is the batch poster.
    pub network_fee_account: Address,
    /// ArbOS's chain owner (`arbosState.ChainOwners`, one member on the dev node): ArbOwnerPublic
    /// reports it and ArbWasmCache lets it cache and evict.
    pub chain_owner: Address,
    pub basefee: U256,
    pub gas_limit: u64,
    pub chain_id: u64,
}

#[derive(Debug, Clone, Default)]
pub struct TxEnv {
    pub origin: Address,
    pub gas_price: U256,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    Call,
    /// EVM's CALLCODE: the callee's code on the caller's own account, value sent to itself.
    CallCode,
    DelegateCall,
    StaticCall,
}

/// One call frame's inputs.
#[derive(Debug, Clone)]
pub struct Message {
    pub kind: CallKind,
    pub caller: Address,
    /// Whose code runs.
    pub code_address: Address,
    /// Whose storage and balance the code acts on (differs under DELEGATECALL).
    pub acting: Address,
    pub value: U256,
    /// Moved with the call; zero under DELEGATECALL, whose `value` is only reported.
    pub transfers_value: bool,
    pub input: Bytes,
    pub gas: u64,
    pub is_static: bool,
}

/// Why a frame failed without a revert of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    OutOfGas,
    /// A trap or a host function refusing its input: Nitro's `userFailure`.
    Trap(String),
    /// ArbWasm.activateProgram refused the module (`programs.ErrProgramActivation`): Nitro
    /// burns all the call's gas and returns this error, not a revert.
    Activation(String),
    ProgramNotActivated,
    ProgramExpired,
    /// An EVM frame stopped with an error (geth's text: "invalid opcode", "stack underflow"...).
    EvmHalt(String),
    CallDepth,
    InsufficientBalance,
    WriteProtection,
    ContractCollision,
    CodeTooLarge,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::OutOfGas => f.write_str("out of gas"),
            Failure::Trap(reason) => write!(f, "program failure: {reason}"),
            Failure::Activation(reason) => write!(f, "program activation failed: {reason}"),
            Failure::ProgramNotActivated => f.write_str("ProgramNotActivated"),
            Failure::ProgramExpired => f.write_str("ProgramExpired"),
            Failure::EvmHalt(reason) => f.write_str(reason),
            Failure::CallDepth => f.write_str("max call depth exceeded"),
            Failure::InsufficientBalance => f.write_str("insufficient balance for transfer"),
            Failure::WriteProtection => f.write_str("write protection"),
            Failure::ContractCollision => f.write_str("contract address collision"),
            Failure::CodeTooLarge => f.write_str("max code size exceeded"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Revert,
    Failure(Failure),
}

#[derive(Debug, Clone)]
pub struct CallResult {
    pub outcome: Outcome,
    pub output: Bytes,
    pub gas_left: u64,
}

impl CallResult {
    pub fn success(output: impl Into<Bytes>, gas_left: u64) -> Self {
        Self { outcome: Outcome::Success, output: output.into(), gas_left }
    }

    pub fn revert(output: impl Into<Bytes>, gas_left: u64) -> Self {
        Self { outcome: Outcome::Revert, output: output.into(), gas_left }
    }

    /// Failures that keep the frame's unused gas (geth returns it for these).
    pub fn fail_keep_gas(failure: Failure, gas_left: u64) -> Self {
        Self { outcome: Outcome::Failure(failure), output: Bytes::new(), gas_left }
    }

    /// Failures that consume the whole frame's gas.
    pub fn fail(failure: Failure) -> Self {
        Self::fail_keep_gas(failure, 0)
    }

    pub fn is_success(&self) -> bool {
        self.outcome == Outcome::Success
    }
}

/// The result of creating a contract.
#[derive(Debug, Clone)]
pub struct CreateResult {
    pub address: Option<Address>,
    pub result: CallResult,
}

/// Everything one transaction executes against.
pub struct Evm {
    pub state: State,
    pub block: BlockEnv,
    pub tx: TxEnv,
    pub params: pricing::StylusParams,
    pub runtime: Arc<Runtime>,
    /// Code hashes called recently in this block (ArbOS's recent-wasms cache): their calls
    /// pay the cached init price.
    pub recent_wasms: Vec<B256>,
    pub data_pricer: pricing::DataPricer,
    depth: usize,
    /// Open non-delegate frames per acting address (ArbOS's `Programs` count).
    open_frames: HashMap<Address, u32>,
    /// Records the call tree (debug_traceCall, debug_traceTransaction) when set.
    pub tracer: Option<trace::CallTracer>,
    /// Records Stylus host calls (stylusTracer) when set; set together with `tracer`.
    pub hostio_tracer: Option<trace::HostioTracer>,
    /// Records EVM steps (geth's struct logger) when set; set together with `tracer`.
    pub struct_logger: Option<trace::StructLogger>,
    /// Contracts created in this transaction, and those of them self-destructed (EIP-6780).
    pub(crate) created: HashSet<Address>,
    pub(crate) destroyed: HashSet<Address>,
}

impl Evm {
    pub fn new(
        state: State,
        block: BlockEnv,
        tx: TxEnv,
        params: pricing::StylusParams,
        runtime: Arc<Runtime>,
        recent_wasms: Vec<B256>,
        data_pricer: pricing::DataPricer,
    ) -> Self {
        Self {
            state,
            block,
            tx,
            params,
            runtime,
            recent_wasms,
            data_pricer,
            depth: 0,
            open_frames: HashMap::new(),
            tracer: None,
            hostio_tracer: None,
            struct_logger: None,
            created: HashSet::new(),
            destroyed: HashSet::new(),
        }
    }

    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Runs one call frame. Its effects stay only if it succeeds.
    pub fn call(&mut self, msg: Message) -> CallResult {
        if self.tracer.is_none() {
            return self.call_frame(msg);
        }
        let kind = trace::FrameKind::of_call(msg.kind, msg.is_static);
        let value = if msg.transfers_value || msg.kind == CallKind::DelegateCall { msg.value } else { U256::ZERO };
        if let Some(tracer) = &mut self.tracer {
            tracer.enter(kind, msg.caller, Some(msg.code_address), value, msg.gas, &msg.input);
        }
        if let Some(tracer) = &mut self.hostio_tracer {
            let name = match kind {
                trace::FrameKind::DelegateCall => "evm_delegate_call_contract",
                trace::FrameKind::StaticCall => "evm_static_call_contract",
                _ => "evm_call_contract",
            };
            tracer.enter(name, msg.code_address);
        }
        let result = self.call_frame(msg);
        if let Some(tracer) = &mut self.tracer {
            tracer.exit(&result, None);
        }
        if let Some(tracer) = &mut self.hostio_tracer {
            tracer.exit(None);
        }
        result
    }

    fn call_frame(&mut self, msg: Message) -> CallResult {
        if self.depth > MAX_CALL_DEPTH {
            return CallResult::fail_keep_gas(Failure::CallDepth, msg.gas);
        }
        if msg.is_static && msg.transfers_value && !msg.value.is_zero() {
            return CallResult::fail_keep_gas(Failure::WriteProtection, msg.gas);
        }
        let checkpoint = self.state.checkpoint();
        // The data pricer is ArbOS storage in Nitro, so a failed frame undoes its update too.
        let data_pricer = self.data_pricer;
        self.state.warm_account(msg.code_address);
        if msg.transfers_value
            && !self.state.transfer(msg.caller, msg.acting, msg.value)
        {
            return CallResult::fail_keep_gas(Failure::InsufficientBalance, msg.gas);
        }
        if msg.transfers_value {
            self.state.touch(msg.acting);
        }

        self.depth += 1;
        let counted = msg.kind != CallKind::DelegateCall;
        if counted {
            *self.open_frames.entry(msg.acting).or_default() += 1;
        }
        let result = self.dispatch(&msg);
        if counted {
            if let Some(count) = self.open_frames.get_mut(&msg.acting) {
                *count -= 1;
            }
        }
        self.depth -= 1;

        if !result.is_success() {
            self.state.revert_to(checkpoint);
            self.data_pricer = data_pricer;
        }
        result
    }

    fn dispatch(&mut self, msg: &Message) -> CallResult {
        if let Some(result) = precompiles::run(self, msg) {
            return result;
        }
        let code = self.state.code(&msg.code_address);
        if code.is_empty() {
            return CallResult::success(Bytes::new(), msg.gas);
        }
        // The account keeps its code's hash (set with the code, recomputed on load): hashing
        // ~20 KB of stored code on every call cost more than many transfers' execution.
        let code_hash = self.state.account(&msg.code_address).map_or_else(|| keccak256(&code), |a| a.code_hash);
        if !code::is_stylus_code(&code) {
            return interp::run(
                self,
                interp::Frame {
                    caller: msg.caller,
                    acting: msg.acting,
                    code_address: Some(msg.code_address),
                    code,
                    code_hash: Some(code_hash),
                    input: msg.input.clone(),
                    value: msg.value,
                    gas: msg.gas,
                    is_static: msg.is_static,
                },
            );
        }
        let reentrant = self.open_frames.get(&msg.acting).copied().unwrap_or(0) > 1;
        program::call_program(self, msg, code_hash, &code, reentrant)
    }

    /// CREATE or CREATE2, from a transaction, an EVM frame or a program: the init code runs as
    /// EVM (a Stylus deployment's init code is the standard EVM prefix that returns the
    /// program). `salt` selects CREATE2. The caller has already paid the base cost.
    pub fn create(
        &mut self,
        caller: Address,
        init_code: &[u8],
        value: U256,
        gas: u64,
        salt: Option<B256>,
    ) -> CreateResult {
        if self.tracer.is_none() {
            return self.create_frame(caller, init_code, value, gas, salt);
        }
        let kind = if salt.is_some() { trace::FrameKind::Create2 } else { trace::FrameKind::Create };
        if let Some(tracer) = &mut self.tracer {
            tracer.enter(kind, caller, None, value, gas, init_code);
        }
        if let Some(tracer) = &mut self.hostio_tracer {
            tracer.enter(if salt.is_some() { "evm_create2" } else { "evm_create1" }, Address::ZERO);
        }
        let created = self.create_frame(caller, init_code, value, gas, salt);
        let code = created.address.map(|address| (address, self.state.code(&address)));
        if let Some(tracer) = &mut self.tracer {
            tracer.exit(&created.result, code);
        }
        if let Some(tracer) = &mut self.hostio_tracer {
            tracer.exit(created.address);
        }
        created
    }

    fn create_frame(
        &mut self,
        caller: Address,
        init_code: &[u8],
        value: U256,
        gas: u64,
        salt: Option<B256>,
    ) -> CreateResult {
        let failed = |failure, gas_left| CreateResult {
            address: None,
            result: CallResult::fail_keep_gas(failure, gas_left),
        };
        if self.depth > MAX_CALL_DEPTH {
            return failed(Failure::CallDepth, gas);
        }
        if self.state.balance(&caller) < value {
            return failed(Failure::InsufficientBalance, gas);
        }
        let nonce = self.state.nonce(&caller);
        if nonce == u64::MAX {
            return failed(Failure::Trap("nonce overflow".into()), gas);
        }
        let address = match salt {
            None => caller.create(nonce),
            Some(salt) => caller.create2(salt, keccak256(init_code)),
        };
        // The creator's nonce moves even if the creation fails (EIP-161 and geth).
        self.state.set_nonce(caller, nonce + 1);
        self.state.warm_account(address);

        let checkpoint = self.state.checkpoint();
        let collides = self.state.account(&address).is_some_and(|a| {
            a.nonce != 0 || !a.code.is_empty() || !self.state.persistent().storage.get(&address).is_none_or(|s| s.is_empty())
        });
        if collides {
            return CreateResult {
                address: None,
                result: CallResult::fail(Failure::ContractCollision),
            };
        }
        self.state.touch(address);
        self.state.set_nonce(address, 1);
        if !self.state.transfer(caller, address, value) {
            self.state.revert_to(checkpoint);
            return failed(Failure::InsufficientBalance, gas);
        }

        self.created.insert(address);

        let result = if init_code.is_empty() {
            CallResult::success(Bytes::new(), gas)
        } else {
            self.depth += 1;
            let result = interp::run(
                self,
                interp::Frame {
                    caller,
                    acting: address,
                    code_address: None,
                    code: Bytes::copy_from_slice(init_code),
                    code_hash: None,
                    input: Bytes::new(),
                    value,
                    gas,
                    is_static: false,
                },
            );
            self.depth -= 1;
            result
        };
        if !result.is_success() {
            self.state.revert_to(checkpoint);
            return CreateResult { address: None, result };
        }
        let runtime_code = result.output;
        let refused = if runtime_code.len() > MAX_CODE_SIZE {
            Some(Failure::CodeTooLarge)
        } else if runtime_code.first() == Some(&0xEF) && !code::is_stylus_code(&runtime_code) {
            // EIP-3541, with Arbitrum's exception for Stylus programs (0xEFF000...).
            Some(Failure::EvmHalt("invalid code: must not begin with 0xef".into()))
        } else {
            None
        };
        let deposit = 200 * runtime_code.len() as u64;
        let gas_left = match (refused, result.gas_left.checked_sub(deposit)) {
            (None, Some(left)) => left,
            (refused, _) => {
                self.state.revert_to(checkpoint);
                let failure = refused.unwrap_or(Failure::OutOfGas);
                return CreateResult { address: None, result: CallResult::fail(failure) };
            }
        };
        self.state.set_code(address, runtime_code.clone());
        // The output is the code deployed, as geth's Create returns it (eth_call of a creation
        // answers it); CREATE opcodes and create hostios keep it only from a revert.
        CreateResult { address: Some(address), result: CallResult::success(runtime_code, gas_left) }
    }
}
