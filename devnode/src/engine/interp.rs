//! EVM bytecode frames, beside Stylus programs as on Arbitrum. revm's interpreter runs the
//! opcodes with geth's gas; every state access it makes goes to the engine's journaled
//! [`State`], and every CALL or CREATE it reaches comes back to [`Evm::call`] / [`Evm::create`]
//! as an ordinary frame of the engine. So EVM and Stylus frames nest in any order and depth over
//! one state, one EIP-2929 warm set, one log list and one refund counter, and a frame that fails
//! unwinds only itself, whichever kind it is.
//!
//! Rules: Prague, as ArbOS 40 "Callisto" brought it and ArbOS 51 "Dia" (the version the dev node
//! models) keeps it; no EOF (Osaka in this revm line), no blobs. Arbitrum's own readings:
//! `NUMBER` is the L1 block estimate, `PREVRANDAO` the constant 1, `BLOCKHASH` a hash for the
//! 256 L1 blocks below it (see [`l1_block_hash`]), `COINBASE` the block's poster, `BLOBHASH` and
//! `BLOBBASEFEE` zero.

use alloy_primitives::{keccak256, Address, Bytes, Log, B256, U256};
use revm_interpreter::{
    opcode::{make_instruction_table, InstructionTable},
    primitives::{Bytecode, Env, PragueSpec},
    AccountLoad, CallInputs, CallOutcome, CallScheme, CallValue, Contract, CreateInputs,
    CreateOutcome, CreateScheme, Eip7702CodeLoad, Gas, Host, InstructionResult, Interpreter,
    InterpreterAction, InterpreterResult, SStoreResult, SelfDestructResult, SharedMemory,
    StateLoad,
};

use super::{
    exec::{CallKind, CallResult, Evm, Failure, Message, Outcome},
    trace::StructLog,
};


/// One EVM frame to run: whose code, as whom, with what.
pub(crate) struct Frame {
    pub caller: Address,
    /// Whose storage, balance and logs the code acts on.
    pub acting: Address,
    /// Where the code was loaded from (`None` for init code).
    pub code_address: Option<Address>,
    pub code: Bytes,
    pub code_hash: Option<B256>,
    pub input: Bytes,
    /// `CALLVALUE`.
    pub value: U256,
    pub gas: u64,
    pub is_static: bool,
}

/// Runs `frame` to its end. The caller owns the checkpoint: a frame that does not succeed is
/// undone by it, refunds included (they go to the journaled counter as they are earned).
pub(crate) fn run(evm: &mut Evm, frame: Frame) -> CallResult {
    let contract = Contract::new(
        frame.input,
        Bytecode::new_legacy(frame.code),
        frame.code_hash,
        frame.acting,
        frame.code_address,
        frame.caller,
        frame.value,
    );
    let mut interpreter = Interpreter::new(contract, frame.gas, frame.is_static);
    let plain: InstructionTable<FrameHost<'_>> = make_instruction_table::<FrameHost<'_>, PragueSpec>();
    let tracing = evm.struct_logger.is_some();
    let mut host = FrameHost { env: environment(evm), evm, untraced: tracing.then_some(plain) };
    // With a struct logger, every opcode goes through `traced_step`, which records it and runs
    // the plain instruction.
    let traced: InstructionTable<FrameHost<'_>> = [traced_step; 256];
    let instructions = if tracing { &traced } else { &plain };
    let mut memory = SharedMemory::new();
    loop {
        let action = interpreter.run(memory, instructions, &mut host);
        memory = interpreter.take_memory();
        match action {
            InterpreterAction::Call { inputs } => {
                flush_refund(host.evm, &mut interpreter.gas);
                let outcome = call(host.evm, &inputs);
                interpreter.insert_call_outcome(&mut memory, outcome);
            }
            InterpreterAction::Create { inputs } => {
                flush_refund(host.evm, &mut interpreter.gas);
                let outcome = create(host.evm, &inputs);
                interpreter.insert_create_outcome(outcome);
            }
            InterpreterAction::Return { result } => {
                let mut gas = result.gas;
                if result.result.is_ok() {
                    flush_refund(host.evm, &mut gas);
                }
                return frame_result(result.result, result.output, gas.remaining());
            }
            // EOF's EXTCALL/EOFCREATE are not enabled before Osaka; legacy code never asks.
            InterpreterAction::EOFCreate { .. } | InterpreterAction::None => {
                return CallResult::fail(Failure::EvmHalt("EOF is not enabled".into()));
            }
        }
    }
}

/// Moves refunds earned so far into the transaction's journaled counter, so that a refund
/// earned here and taken back by a callee (or the reverse) nets out in the order geth sees.
fn flush_refund(evm: &mut Evm, gas: &mut Gas) {
    let refund = gas.refunded();
    if refund != 0 {
        evm.state.adjust_refund(refund);
        gas.set_refund(0);
    }
}

/// The block and transaction as the opcodes read them.
fn environment(evm: &Evm) -> Env {
    let mut env = Env::default();
    env.cfg.chain_id = evm.block.chain_id;
    env.cfg.limit_contract_code_size = Some(super::exec::MAX_CODE_SIZE);
    env.block.number = U256::from(evm.block.l1_number);
    env.block.coinbase = evm.block.coinbase;
    env.block.timestamp = U256::from(evm.block.timestamp);
    env.block.gas_limit = U256::from(evm.block.gas_limit);
    env.block.basefee = evm.block.basefee;
    env.block.difficulty = U256::from(1);
    env.block.prevrandao = Some(B256::with_last_byte(1));
    env.block.blob_excess_gas_and_price = None;
    env.tx.caller = evm.tx.origin;
    env.tx.gas_price = evm.tx.gas_price;
    env
}

/// `BLOCKHASH` on Arbitrum counts L1 blocks: a hash for the 256 below the current L1 estimate,
/// zero otherwise. Nitro returns the L1 hashes ArbOS recorded from its batches; a dev node has
/// no L1, so each is derived from its number (stable across runs, distinct per block).
pub fn l1_block_hash(current_l1: u64, number: u64) -> B256 {
    if number >= current_l1 || current_l1 - number > 256 {
        return B256::ZERO;
    }
    let mut preimage = [0u8; 32];
    preimage[..24].copy_from_slice(b"rigshare dev L1 block   ");
    preimage[24..].copy_from_slice(&number.to_be_bytes());
    keccak256(preimage)
}

/// A CALL-family opcode's frame, run by the engine (EVM, Stylus, precompile or plain account).
fn call(evm: &mut Evm, inputs: &CallInputs) -> CallOutcome {
    let (kind, transfers_value) = match inputs.scheme {
        CallScheme::Call => (CallKind::Call, true),
        CallScheme::CallCode => (CallKind::CallCode, true),
        CallScheme::DelegateCall => (CallKind::DelegateCall, false),
        CallScheme::StaticCall => (CallKind::StaticCall, false),
        CallScheme::ExtCall | CallScheme::ExtStaticCall | CallScheme::ExtDelegateCall => {
            let result = InterpreterResult::new(InstructionResult::NotActivated, Bytes::new(), Gas::new(0));
            return CallOutcome::new(result, inputs.return_memory_offset.clone());
        }
    };
    let value = match inputs.value {
        CallValue::Transfer(value) | CallValue::Apparent(value) => value,
    };
    let result = evm.call(Message {
        kind,
        caller: inputs.caller,
        code_address: inputs.bytecode_address,
        acting: inputs.target_address,
        value,
        transfers_value,
        input: inputs.input.clone(),
        gas: inputs.gas_limit,
        is_static: inputs.is_static,
    });
    let (status, output, gas_left) = outcome_of(result);
    CallOutcome::new(InterpreterResult::new(status, output, Gas::new(gas_left)), inputs.return_memory_offset.clone())
}

/// A CREATE or CREATE2 opcode's frame, run by the engine (EVM or Stylus init code alike).
fn create(evm: &mut Evm, inputs: &CreateInputs) -> CreateOutcome {
    let salt = match inputs.scheme {
        CreateScheme::Create => None,
        CreateScheme::Create2 { salt } => Some(B256::from(salt.to_be_bytes::<32>())),
    };
    let created = evm.create(inputs.caller, &inputs.init_code, inputs.value, inputs.gas_limit, salt);
    let (status, output, gas_left) = outcome_of(created.result);
    let output = if status == InstructionResult::Revert { output } else { Bytes::new() };
    CreateOutcome::new(InterpreterResult::new(status, output, Gas::new(gas_left)), created.address)
}

/// How a finished frame looks to the EVM frame that made it: success, a revert that returns its
/// gas, or a failure that keeps it (geth: depth and balance are checked before the callee
/// starts, so its gas comes back), else a failure that used it all.
fn outcome_of(result: CallResult) -> (InstructionResult, Bytes, u64) {
    match result.outcome {
        Outcome::Success => (InstructionResult::Return, result.output, result.gas_left),
        Outcome::Revert => (InstructionResult::Revert, result.output, result.gas_left),
        Outcome::Failure(Failure::CallDepth) => (InstructionResult::CallTooDeep, Bytes::new(), result.gas_left),
        Outcome::Failure(_) if result.gas_left > 0 => (InstructionResult::OutOfFunds, Bytes::new(), result.gas_left),
        Outcome::Failure(_) => (InstructionResult::OutOfGas, Bytes::new(), 0),
    }
}

/// A halted interpreter as the engine reports frames, with geth's error texts.
fn frame_result(status: InstructionResult, output: Bytes, gas_left: u64) -> CallResult {
    use InstructionResult as R;
    match status {
        R::Stop | R::Return | R::SelfDestruct => CallResult::success(output, gas_left),
        R::Revert => CallResult::revert(output, gas_left),
        other => CallResult::fail(halt_failure(other)),
    }
}

/// The failure an EVM frame (or, in a struct log, its step) stops with.
fn halt_failure(status: InstructionResult) -> Failure {
    use InstructionResult as R;
    match status {
        R::OutOfGas | R::MemoryOOG | R::MemoryLimitOOG | R::PrecompileOOG | R::InvalidOperandOOG => Failure::OutOfGas,
        R::CallNotAllowedInsideStatic | R::StateChangeDuringStaticCall => Failure::WriteProtection,
        other => Failure::EvmHalt(halt_reason(other).into()),
    }
}

/// geth's message for each way an EVM frame can stop with an error.
fn halt_reason(status: InstructionResult) -> &'static str {
    use InstructionResult as R;
    match status {
        R::OpcodeNotFound | R::InvalidFEOpcode | R::NotActivated | R::EOFOpcodeDisabledInLegacy => "invalid opcode",
        R::InvalidJump => "invalid jump destination",
        R::StackUnderflow => "stack underflow",
        R::StackOverflow => "stack limit reached 1024 (1023)",
        R::OutOfOffset => "return data out of bounds",
        R::CreateInitCodeSizeLimit => "max initcode size exceeded",
        R::CreateContractSizeLimit => "max code size exceeded",
        R::CreateContractStartingWithEF => "invalid code: must not begin with 0xef",
        R::NonceOverflow => "nonce uint64 overflow",
        R::CreateCollision => "contract address collision",
        R::OverflowPayment => "gas uint64 overflow",
        _ => "invalid opcode",
    }
}

/// What the interpreter's opcodes read and write, answered from the engine's state.
struct FrameHost<'a> {
    evm: &'a mut Evm,
    env: Env,
    /// The plain instructions, when `traced_step` stands in front of them.
    untraced: Option<InstructionTable<FrameHost<'a>>>,
}

/// One opcode under geth's struct logger: the step as it starts (pc, op, gas, depth, stack,
/// refund counter), what it cost, the storage it read or wrote, and its error.
fn traced_step(interp: &mut Interpreter, host: &mut FrameHost<'_>) {
    // The interpreter has already moved past the opcode.
    let pc = interp.program_counter() - 1;
    let op = interp.bytecode[pc];
    let instruction = host.untraced.as_ref().expect("traced_step runs only with a struct logger")[op as usize];
    if !host.evm.struct_logger.as_mut().is_some_and(|logger| logger.has_room()) {
        return instruction(interp, host);
    }
    let gas = interp.gas.remaining();
    let stack = interp.stack.data().clone();
    let refund = u64::try_from(host.evm.state.refund() as i64 + interp.gas.refunded()).unwrap_or(0);
    let depth = host.evm.depth();
    let contract = interp.contract.target_address;
    instruction(interp, host);
    let gas_cost = gas.saturating_sub(interp.gas.remaining());
    let word = |v: &U256| B256::from(v.to_be_bytes::<32>());
    let status = interp.instruction_result;
    let ran = matches!(status, InstructionResult::Continue);
    let slot = match (op, stack.as_slice()) {
        (0x54, [.., key]) if ran => interp.stack.data().last().map(|value| (word(key), word(value))),
        (0x55, [.., value, key]) if ran => Some((word(key), word(value))),
        _ => None,
    };
    let error = match status {
        InstructionResult::Continue
        | InstructionResult::CallOrCreate
        | InstructionResult::Stop
        | InstructionResult::Return
        | InstructionResult::Revert
        | InstructionResult::SelfDestruct => None,
        other => Some(halt_failure(other).to_string()),
    };
    let Some(logger) = host.evm.struct_logger.as_mut() else { return };
    let storage = slot.map(|(key, value)| logger.saw_slot(contract, key, value));
    logger.push(StructLog { pc: pc as u64, op, gas, gas_cost, depth, stack, refund, storage, error });
}

impl FrameHost<'_> {
    fn is_empty(&self, address: &Address) -> bool {
        self.evm.state.account(address).is_none_or(|a| a.is_empty())
    }
}

impl Host for FrameHost<'_> {
    fn env(&self) -> &Env {
        &self.env
    }

    fn env_mut(&mut self) -> &mut Env {
        &mut self.env
    }

    fn load_account_delegated(&mut self, address: Address) -> Option<AccountLoad> {
        let is_cold = !self.evm.state.warm_account(address);
        let is_empty = self.is_empty(&address);
        Some(AccountLoad { load: Eip7702CodeLoad::new_not_delegated((), is_cold), is_empty })
    }

    fn block_hash(&mut self, number: u64) -> Option<B256> {
        Some(l1_block_hash(self.evm.block.l1_number, number))
    }

    fn balance(&mut self, address: Address) -> Option<StateLoad<U256>> {
        let is_cold = !self.evm.state.warm_account(address);
        Some(StateLoad::new(self.evm.state.balance(&address), is_cold))
    }

    fn code(&mut self, address: Address) -> Option<StateLoad<Bytes>> {
        let is_cold = !self.evm.state.warm_account(address);
        Some(StateLoad::new(self.evm.state.code(&address), is_cold))
    }

    fn code_hash(&mut self, address: Address) -> Option<StateLoad<B256>> {
        let is_cold = !self.evm.state.warm_account(address);
        Some(StateLoad::new(self.evm.state.code_hash(&address), is_cold))
    }

    fn sload(&mut self, address: Address, index: U256) -> Option<StateLoad<U256>> {
        let key = B256::from(index.to_be_bytes::<32>());
        let is_cold = !self.evm.state.warm_slot(address, key);
        Some(StateLoad::new(self.evm.state.storage(&address, &key).into(), is_cold))
    }

    fn sstore(&mut self, address: Address, index: U256, value: U256) -> Option<StateLoad<SStoreResult>> {
        let key = B256::from(index.to_be_bytes::<32>());
        let is_cold = !self.evm.state.warm_slot(address, key);
        let original_value = self.evm.state.committed_storage(&address, &key).into();
        let present_value: U256 = self.evm.state.storage(&address, &key).into();
        if present_value != value {
            self.evm.state.set_storage(address, key, B256::from(value.to_be_bytes::<32>()));
        }
        Some(StateLoad::new(SStoreResult { original_value, present_value, new_value: value }, is_cold))
    }

    fn tload(&mut self, address: Address, index: U256) -> U256 {
        self.evm.state.transient(&address, &B256::from(index.to_be_bytes::<32>())).into()
    }

    fn tstore(&mut self, address: Address, index: U256, value: U256) {
        let key = B256::from(index.to_be_bytes::<32>());
        self.evm.state.set_transient(address, key, B256::from(value.to_be_bytes::<32>()));
    }

    fn log(&mut self, log: Log) {
        let (topics, data) = log.data.split();
        self.evm.state.push_log(super::types::Log { address: log.address, topics, data });
    }

    /// EIP-6780: the balance moves to `target`; the account itself goes only if it was created
    /// in this transaction.
    fn selfdestruct(&mut self, address: Address, target: Address) -> Option<StateLoad<SelfDestructResult>> {
        let is_cold = !self.evm.state.warm_account(target);
        let balance = self.evm.state.balance(&address);
        let target_exists = !self.is_empty(&target);
        let previously_destroyed = self.evm.destroyed.contains(&address);
        if address != target {
            self.evm.state.transfer(address, target, balance);
            self.evm.state.touch(target);
        }
        if self.evm.created.contains(&address) {
            // Gone now rather than at the transaction's end: balance included, even when the
            // target is the account itself (EIP-6780 burns it then).
            self.evm.state.clear_storage(address);
            self.evm.state.remove_account(address);
            self.evm.destroyed.insert(address);
        }
        Some(StateLoad::new(
            SelfDestructResult { had_value: !balance.is_zero(), target_exists, previously_destroyed },
            is_cold,
        ))
    }
}
