//! The chain: transactions in, blocks and receipts out, the way an Arbitrum node processes
//! them (one block per transaction, tips dropped, the base fee charged, unused gas refunded).

use std::collections::HashMap;
use std::sync::Arc;

use alloy_primitives::{keccak256, Address, Bloom, Bytes, B256, U256};

use super::{
    dump::{DumpError, StateDump},
    history::{BlockDiff, History},
    trie::AccountProof,
    exec::{BlockEnv, CallKind, CallResult, Evm, Failure, Message, Outcome, TxEnv, MAX_INIT_CODE_SIZE},
    precompiles,
    pricing::{DataPricer, StylusParams},
    query::{BlockId, QueryError},
    program::Runtime,
    state::{AccessRecord, Account, Changes, Snapshot, State},
    trace::{CallTrace, CallTracer, HostioTracer, StructLogger},
    tx::{self, AccessListItem, SignedTx, TxKind},
    types::Log,
};


/// How many of the latest transactions keep their EVM step logs (debug_traceTransaction's
/// default tracer); older ones answer with a clear error and keep their call trees.
pub const STRUCT_LOGS_KEPT: usize = 256;
/// Chain parameters fixed at start.
#[derive(Debug, Clone)]
pub struct ChainConfig {
    pub chain_id: u64,
    pub block_gas_limit: u64,
    /// Arbitrum's minimum L2 base fee; the dev node keeps the base fee there.
    pub base_fee: u128,
    /// The blocks' coinbase: Arbitrum's batch poster address.
    pub coinbase: Address,
    /// ArbOS's network fee account, which receives the gas fees and activation data fees.
    pub network_fee_account: Address,
    /// ArbOS's chain owner (`ChainOwners`), who may cache and evict programs through
    /// ArbWasmCache.
    pub chain_owner: Address,
    pub genesis_timestamp: u64,
}

impl Default for ChainConfig {
    fn default() -> Self {
        Self {
            chain_id: crate::dev::CHAIN_ID,
            block_gas_limit: 1 << 50,
            base_fee: 100_000_000,
            // l1pricing.BatchPosterAddress, the coinbase of sequenced Arbitrum blocks.
            coinbase: alloy_primitives::address!("A4b000000000000000000073657175656e636572"),
            // arbosstate.go makes the chain's initial owner its network fee account, and no
            // infra fee account is set, so tx_processor.go's EndTxHook credits it the whole L2
            // fee. Chain 412346 at :8547 is nitro-testnode's L2, whose owner is its `l2owner`
            // (not the funded dev account 0x3f1E...; `nitro --dev` alone would use that one).
            network_fee_account: alloy_primitives::address!("5E1497dD1f08C87b2d8FE23e9AAB6c1De833D927"),
            // nitro-devnode starts `nitro --dev` with `--init.dev-init-address` set to the
            // funded dev account, which makes it the chain owner: so `cargo stylus cache` and
            // `rigshare up --cache` can cache programs with the dev key.
            chain_owner: crate::dev::DEV_ADDRESS,
            genesis_timestamp: 1_700_000_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub number: u64,
    pub hash: B256,
    pub parent_hash: B256,
    pub timestamp: u64,
    pub base_fee: u128,
    pub gas_limit: u64,
    pub gas_used: u64,
    pub transactions: Vec<B256>,
    pub logs_bloom: Bloom,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub transaction_hash: B256,
    pub transaction_index: u64,
    pub block_number: u64,
    pub block_hash: B256,
    pub from: Address,
    pub to: Option<Address>,
    pub contract_address: Option<Address>,
    pub status: bool,
    pub gas_used: u64,
    pub cumulative_gas_used: u64,
    pub effective_gas_price: u128,
    pub logs: Vec<Log>,
    pub logs_bloom: Bloom,
    pub tx_type: u8,
    /// Why it failed, for the node's log line and debugging (not part of a receipt's RLP).
    pub failure: Option<String>,
    pub output: Bytes,
}

/// Why a transaction cannot be included; the message is geth's wording.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxRejected {
    #[error(transparent)]
    Decode(#[from] tx::TxError),
    #[error("invalid chain id: have {have}, want {want}")]
    WrongChainId { have: u64, want: u64 },
    #[error("nonce too low: address {address}, tx: {tx} state: {state}")]
    NonceTooLow { address: Address, tx: u64, state: u64 },
    #[error("nonce too high: address {address}, tx: {tx} state: {state}")]
    NonceTooHigh { address: Address, tx: u64, state: u64 },
    #[error("intrinsic gas too low: have {have}, want {want}")]
    IntrinsicGas { have: u64, want: u64 },
    #[error("exceeds block gas limit")]
    GasLimit,
    #[error("max fee per gas less than block base fee: address {address}, maxFeePerGas: {max_fee}, baseFee: {base_fee}")]
    FeeTooLow { address: Address, max_fee: u128, base_fee: u128 },
    #[error("max priority fee per gas higher than max fee per gas")]
    TipAboveFeeCap,
    #[error("insufficient funds for gas * price + value: address {address} have {have} want {want}")]
    InsufficientFunds { address: Address, have: U256, want: U256 },
    #[error("max initcode size exceeded: code size {size} limit {limit}")]
    InitCodeTooLarge { size: usize, limit: usize },
    #[error("already known")]
    AlreadyKnown,
}

/// A call that is not a transaction (eth_call, eth_estimateGas).
#[derive(Debug, Clone, Default)]
pub struct CallRequest {
    pub from: Address,
    pub to: Option<Address>,
    pub gas: Option<u64>,
    pub value: U256,
    pub input: Bytes,
    /// eth_call's state overrides, applied for this call only.
    pub overrides: Vec<AccountOverride>,
}

/// One account's entry in eth_call's state-override set (geth's `OverrideAccount`).
#[derive(Debug, Clone, Default)]
pub struct AccountOverride {
    pub address: Address,
    pub balance: Option<U256>,
    pub nonce: Option<u64>,
    pub code: Option<Bytes>,
    /// Replaces the whole storage.
    pub state: Option<Vec<(B256, B256)>>,
    /// Changes only these slots.
    pub state_diff: Option<Vec<(B256, B256)>>,
}

/// What a call returned.
#[derive(Debug, Clone)]
pub struct CallOutput {
    pub result: CallResult,
    pub gas_used: u64,
    pub logs: Vec<Log>,
    pub contract_address: Option<Address>,
}

impl CallOutput {
    pub fn success(&self) -> bool {
        self.result.is_success()
    }
}

/// The whole local chain.
pub struct Engine {
    config: ChainConfig,
    state: State,
    params: StylusParams,
    data_pricer: DataPricer,
    runtime: Arc<Runtime>,
    blocks: Vec<Block>,
    block_by_hash: HashMap<B256, u64>,
    transactions: HashMap<B256, (SignedTx, u64)>,
    receipts: HashMap<B256, Receipt>,
    /// Added to the next block's timestamp (evm_increaseTime).
    time_offset: u64,
    next_timestamp: Option<u64>,
    recent_wasms: Vec<B256>,
    /// Number of `blocks[0]`: 0, or the head block of an imported state dump.
    first_block: u64,
    /// The prefunded accounts, for [`Engine::reset`].
    alloc: Vec<(Address, U256)>,
    /// Keep each transaction's call trace (debug_traceTransaction); off unless asked for.
    record_traces: bool,
    traces: HashMap<B256, CallTrace>,
    /// Transactions whose EVM steps are still kept, oldest first (at most
    /// [`STRUCT_LOGS_KEPT`]: a step log can run to megabytes, a call tree does not).
    struct_logs_kept: std::collections::VecDeque<B256>,
    /// What each of `blocks` changed, and their state roots once asked for.
    history: History,
    /// The block calls run in while [`Engine::at_block`] has an older block's state in;
    /// otherwise calls run in the next block.
    call_env: Option<BlockEnv>,
}

/// Everything `evm_snapshot` restores.
#[derive(Clone)]
pub struct EngineSnapshot {
    state: Snapshot,
    /// Writes since the last block, which the next block's changes will include.
    changes: Changes,
    data_pricer: DataPricer,
    blocks: usize,
    time_offset: u64,
    next_timestamp: Option<u64>,
}

impl Engine {
    pub fn new(config: ChainConfig, alloc: &[(Address, U256)]) -> Self {
        let mut state = State::default();
        for (address, balance) in alloc {
            state.set_balance(*address, *balance);
        }
        for native in precompiles::NATIVE_CONTRACTS {
            state.set_code(native, Bytes::from_static(&precompiles::NATIVE_CODE_MARKER));
        }
        for (address, code) in super::genesis::predeploys() {
            state.set_code(address, code);
        }
        state.end_tx();
        // Genesis has no block before it to undo to.
        state.take_changes();
        let genesis = Block {
            number: 0,
            hash: keccak256(b"rigshare devnode genesis"),
            parent_hash: B256::ZERO,
            timestamp: config.genesis_timestamp,
            base_fee: config.base_fee,
            gas_limit: config.block_gas_limit,
            gas_used: 0,
            transactions: Vec::new(),
            logs_bloom: Bloom::ZERO,
        };
        let mut engine = Self {
            config,
            state,
            params: StylusParams::default(),
            data_pricer: DataPricer::default(),
            runtime: Arc::new(Runtime::new()),
            blocks: Vec::new(),
            block_by_hash: HashMap::new(),
            transactions: HashMap::new(),
            receipts: HashMap::new(),
            time_offset: 0,
            next_timestamp: None,
            recent_wasms: Vec::new(),
            first_block: 0,
            alloc: alloc.to_vec(),
            record_traces: false,
            traces: HashMap::new(),
            struct_logs_kept: std::collections::VecDeque::new(),
            history: History::default(),
            call_env: None,
        };
        engine.deploy_genesis_contracts();
        engine.push_block(genesis);
        engine
    }

    /// Genesis contracts whose constructors must run (genesis::deploy_cache_manager), in
    /// block 0's state.
    fn deploy_genesis_contracts(&mut self) {
        let block = self.block_env_numbered(0, self.config.genesis_timestamp);
        let mut evm = self.evm(block, TxEnv { origin: super::genesis::ARBOS, gas_price: U256::ZERO });
        super::genesis::deploy_cache_manager(&mut evm);
        evm.state.end_tx();
        self.restore(evm, true);
        self.state.take_changes();
    }

    pub fn config(&self) -> &ChainConfig {
        &self.config
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn params(&self) -> &StylusParams {
        &self.params
    }

    pub fn latest_block(&self) -> &Block {
        self.blocks.last().expect("genesis exists")
    }

    pub fn block(&self, number: u64) -> Option<&Block> {
        let index = number.checked_sub(self.first_block)?;
        self.blocks.get(usize::try_from(index).ok()?)
    }

    pub fn block_by_hash(&self, hash: &B256) -> Option<&Block> {
        self.block_by_hash.get(hash).and_then(|n| self.block(*n))
    }

    pub fn transaction(&self, hash: &B256) -> Option<&(SignedTx, u64)> {
        self.transactions.get(hash)
    }

    pub fn receipt(&self, hash: &B256) -> Option<&Receipt> {
        self.receipts.get(hash)
    }

    pub fn set_balance(&mut self, address: Address, balance: U256) {
        self.state.set_balance(address, balance);
        self.state.end_tx();
    }

    /// anvil_setCode: replaces an account's code (no activation: a Stylus program set this
    /// way runs once activated, as on Nitro).
    pub fn set_code(&mut self, address: Address, code: Bytes) {
        self.state.set_code(address, code);
        self.state.end_tx();
    }

    /// anvil_setStorageAt: one slot.
    pub fn set_storage(&mut self, address: Address, key: B256, value: B256) {
        self.state.set_storage(address, key, value);
        self.state.end_tx();
    }

    /// anvil_setNonce.
    pub fn set_nonce(&mut self, address: Address, nonce: u64) {
        self.state.set_nonce(address, nonce);
        self.state.end_tx();
    }

    /// anvil_reset: a new chain from genesis with the same configuration and prefunded
    /// accounts; every block, transaction and receipt is gone.
    pub fn reset(&mut self) {
        let record_traces = self.record_traces;
        *self = Engine::new(self.config.clone(), &self.alloc);
        self.record_traces = record_traces;
    }

    /// Keeps the call trace of every transaction executed from now on (the RPC node turns
    /// this on for debug_traceTransaction; in-process users need not pay for it).
    pub fn record_traces(&mut self) {
        self.record_traces = true;
    }

    /// A mined transaction's call trace, if traces were being kept when it ran.
    /// Records that `hash`'s trace holds EVM steps, and lets the oldest ones go past
    /// [`STRUCT_LOGS_KEPT`] (their call trees stay).
    fn keep_struct_logs(&mut self, hash: B256) {
        self.struct_logs_kept.push_back(hash);
        while self.struct_logs_kept.len() > STRUCT_LOGS_KEPT {
            if let Some(old) = self.struct_logs_kept.pop_front() {
                if let Some(trace) = self.traces.get_mut(&old) {
                    trace.struct_logs = None;
                }
            }
        }
    }

    pub fn trace(&self, hash: &B256) -> Option<&CallTrace> {
        self.traces.get(hash)
    }

    /// anvil_loadState: a dump's accounts, storage slots and activated programs written over
    /// the current state (what the dump does not name stays); the chain itself is kept.
    /// Refuses a dump of another chain id and then changes nothing.
    pub fn merge_state(&mut self, dump: StateDump) -> Result<(), DumpError> {
        if dump.chain_id != self.config.chain_id {
            return Err(DumpError::ChainId { dump: dump.chain_id, node: self.config.chain_id });
        }
        // Through the state's setters, so the next block's changes include these writes.
        for (address, account) in dump.state.accounts {
            self.state.put_account(address, account);
        }
        for (address, slots) in dump.state.storage {
            for (key, value) in slots {
                self.state.set_storage(address, key, value);
            }
        }
        for (code_hash, record) in dump.state.programs {
            self.state.set_program(code_hash, record);
        }
        self.state.end_tx();
        Ok(())
    }

    /// Moves the clock of the next block forward.
    pub fn increase_time(&mut self, seconds: u64) {
        self.time_offset = self.time_offset.saturating_add(seconds);
    }

    pub fn set_next_timestamp(&mut self, timestamp: u64) {
        self.next_timestamp = Some(timestamp);
    }

    fn next_block_timestamp(&self) -> u64 {
        let parent = self.latest_block().timestamp;
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let base = self.next_timestamp.unwrap_or_else(|| wall.max(self.config.genesis_timestamp) + self.time_offset);
        base.max(parent)
    }

    fn block_env(&self, timestamp: u64) -> BlockEnv {
        self.block_env_numbered(self.latest_block().number + 1, timestamp)
    }

    fn block_env_numbered(&self, number: u64, timestamp: u64) -> BlockEnv {
        BlockEnv {
            number,
            l1_number: number,
            timestamp,
            coinbase: self.config.coinbase,
            network_fee_account: self.config.network_fee_account,
            chain_owner: self.config.chain_owner,
            basefee: U256::from(self.config.base_fee),
            gas_limit: self.config.block_gas_limit,
            chain_id: self.config.chain_id,
        }
    }

    /// Appends a block; what was written since the block before is its change set.
    fn push_block(&mut self, block: Block) {
        self.history.push(BlockDiff::take(&mut self.state));
        self.block_by_hash.insert(block.hash, block.number);
        self.blocks.push(block);
    }

    /// What each kept block changed (`engine::past` reads older states through it).
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The position of block `number` among the kept blocks.
    pub fn block_index(&self, number: u64) -> Option<usize> {
        let index = usize::try_from(number.checked_sub(self.first_block)?).ok()?;
        (index < self.blocks.len()).then_some(index)
    }

    /// Runs `f`, which must only make calls (eth_call and the like), at the block `id` names:
    /// for the head, on the live engine as it is; for an older block, on a copy of the state
    /// that block left (`engine::past`), in that block (its number, timestamp and base fee, as
    /// geth runs eth_call at a block). The copy is swapped in for `f` and out again, so the
    /// live state, its writes since the head and the history are untouched. (The L1 data
    /// pricer, which only prices activations, is the current one: it is not kept per block.)
    pub fn at_block<R>(&mut self, id: BlockId, f: impl FnOnce(&mut Self) -> R) -> Result<R, QueryError> {
        let Some((state, block)) = self.state_at(id)?.rebuild() else {
            return Ok(f(self));
        };
        let env = BlockEnv {
            number: block.number,
            l1_number: block.number,
            timestamp: block.timestamp,
            coinbase: self.config.coinbase,
            network_fee_account: self.config.network_fee_account,
            basefee: U256::from(block.base_fee),
            gas_limit: block.gas_limit,
            chain_id: self.config.chain_id,
            chain_owner: self.config.chain_owner,
        };
        let live = std::mem::replace(&mut self.state, state);
        let recent = std::mem::take(&mut self.recent_wasms);
        let outer = self.call_env.replace(env);
        // Put the live state back even if `f` panics: the node keeps serving after a panic.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(self)));
        self.call_env = outer;
        self.recent_wasms = recent;
        self.state = live;
        match result {
            Ok(result) => Ok(result),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    /// The state root after block `number` (computed on first request, then kept); `None` for
    /// a block the chain does not have.
    pub fn state_root(&self, number: u64) -> Option<B256> {
        let index = usize::try_from(number.checked_sub(self.first_block)?).ok()?;
        self.history.root(index, &self.state)
    }

    /// The EIP-1186 proof of `address` and its slots `keys` after block `number` (the latest
    /// state for the head block); `None` for a block the chain does not have.
    pub fn proof(&self, address: Address, keys: &[B256], number: u64) -> Option<AccountProof> {
        self.state_at(BlockId::Number(number)).ok()?.prove(address, keys)
    }

    fn seal(&mut self, timestamp: u64, gas_used: u64, transactions: Vec<B256>, bloom: Bloom) -> B256 {
        let parent = self.latest_block();
        let number = parent.number + 1;
        let parent_hash = parent.hash;
        let mut preimage = Vec::with_capacity(96 + 32 * transactions.len());
        preimage.extend_from_slice(parent_hash.as_slice());
        preimage.extend_from_slice(&number.to_be_bytes());
        preimage.extend_from_slice(&timestamp.to_be_bytes());
        for tx in &transactions {
            preimage.extend_from_slice(tx.as_slice());
        }
        let hash = keccak256(&preimage);
        self.push_block(Block {
            number,
            hash,
            parent_hash,
            timestamp,
            base_fee: self.config.base_fee,
            gas_limit: self.config.block_gas_limit,
            gas_used,
            transactions,
            logs_bloom: bloom,
        });
        self.next_timestamp = None;
        self.recent_wasms.clear();
        hash
    }

    /// Mines an empty block (evm_mine).
    pub fn mine(&mut self) -> B256 {
        let timestamp = self.next_block_timestamp();
        self.seal(timestamp, 0, Vec::new(), Bloom::ZERO)
    }

    fn evm(&mut self, block: BlockEnv, tx: TxEnv) -> Evm {
        Evm::new(
            std::mem::take(&mut self.state),
            block,
            tx,
            self.params,
            self.runtime.clone(),
            std::mem::take(&mut self.recent_wasms),
            self.data_pricer,
        )
    }

    fn restore(&mut self, evm: Evm, keep_pricer: bool) {
        if keep_pricer {
            self.data_pricer = evm.data_pricer;
        }
        self.recent_wasms = evm.recent_wasms;
        self.state = evm.state;
    }

    /// Decodes, checks and executes a signed transaction in a new block.
    pub fn send_raw_transaction(&mut self, raw: &[u8]) -> Result<Receipt, TxRejected> {
        let tx = SignedTx::decode(raw)?;
        self.send_transaction(tx)
    }

    /// Checks and executes one transaction in a block of its own (automine).
    pub fn send_transaction(&mut self, tx: SignedTx) -> Result<Receipt, TxRejected> {
        if self.transactions.contains_key(&tx.hash) {
            return Err(TxRejected::AlreadyKnown);
        }
        self.check(&tx)?;
        let (_, mut results) = self.mine_block(vec![tx]);
        results.pop().expect("one result per transaction")
    }

    /// Executes `txs` in order in one new block (interval mining). Each is checked against
    /// the state left by the ones before it; rejected ones are left out of the block.
    pub fn mine_block(&mut self, txs: Vec<SignedTx>) -> (B256, Vec<Result<Receipt, TxRejected>>) {
        let timestamp = self.next_block_timestamp();
        let block = self.block_env(timestamp);
        let mut results = Vec::with_capacity(txs.len());
        let mut included = Vec::new();
        let mut cumulative = 0u64;
        let mut bloom = Bloom::ZERO;
        for tx in txs {
            let checked = if self.transactions.contains_key(&tx.hash) {
                Err(TxRejected::AlreadyKnown)
            } else {
                self.check(&tx)
            };
            if let Err(rejected) = checked {
                results.push(Err(rejected));
                continue;
            }
            let mut receipt = self.execute(tx.clone(), block.clone());
            cumulative += receipt.gas_used;
            receipt.cumulative_gas_used = cumulative;
            receipt.transaction_index = included.len() as u64;
            bloom.accrue_bloom(&receipt.logs_bloom);
            included.push(tx.hash);
            self.transactions.insert(tx.hash, (tx, block.number));
            results.push(Ok(receipt));
        }
        let hash = self.seal(timestamp, cumulative, included, bloom);
        for receipt in results.iter_mut().flatten() {
            receipt.block_hash = hash;
            self.receipts.insert(receipt.transaction_hash, receipt.clone());
        }
        (hash, results)
    }

    /// Receipts of a block's transactions, in order.
    pub fn block_receipts(&self, number: u64) -> Vec<&Receipt> {
        self.block(number)
            .map(|block| block.transactions.iter().filter_map(|h| self.receipts.get(h)).collect())
            .unwrap_or_default()
    }

    /// The checks that decide whether a transaction can be included at all.
    fn check(&self, tx: &SignedTx) -> Result<(), TxRejected> {
        self.check_at_nonce(tx, self.state.nonce(&tx.sender))
    }

    /// [`Self::check`] with the sender's next nonce given (transactions already queued for
    /// the next block count).
    pub fn check_at_nonce(&self, tx: &SignedTx, state_nonce: u64) -> Result<(), TxRejected> {
        let request = &tx.request;
        if let Some(chain_id) = request.chain_id() {
            if chain_id != self.config.chain_id {
                return Err(TxRejected::WrongChainId { have: chain_id, want: self.config.chain_id });
            }
        }
        let sender = tx.sender;
        if request.nonce() < state_nonce {
            return Err(TxRejected::NonceTooLow { address: sender, tx: request.nonce(), state: state_nonce });
        }
        if request.nonce() > state_nonce {
            return Err(TxRejected::NonceTooHigh { address: sender, tx: request.nonce(), state: state_nonce });
        }
        if request.gas_limit() > self.config.block_gas_limit {
            return Err(TxRejected::GasLimit);
        }
        if matches!(request.to(), TxKind::Create) && request.input().len() > MAX_INIT_CODE_SIZE {
            return Err(TxRejected::InitCodeTooLarge { size: request.input().len(), limit: MAX_INIT_CODE_SIZE });
        }
        let intrinsic = tx::intrinsic_gas(request);
        if request.gas_limit() < intrinsic {
            return Err(TxRejected::IntrinsicGas { have: request.gas_limit(), want: intrinsic });
        }
        if request.max_priority_fee_per_gas() > request.max_fee_per_gas() {
            return Err(TxRejected::TipAboveFeeCap);
        }
        if request.max_fee_per_gas() < self.config.base_fee {
            return Err(TxRejected::FeeTooLow {
                address: sender,
                max_fee: request.max_fee_per_gas(),
                base_fee: self.config.base_fee,
            });
        }
        let want = U256::from(request.gas_limit()) * U256::from(request.max_fee_per_gas()) + request.value();
        let have = self.state.balance(&sender);
        if have < want {
            return Err(TxRejected::InsufficientFunds { address: sender, have, want });
        }
        Ok(())
    }

    fn execute(&mut self, tx: SignedTx, block: BlockEnv) -> Receipt {
        let request = &tx.request;
        let sender = tx.sender;
        // Arbitrum drops the tip: everyone pays the base fee.
        let price = self.config.base_fee;
        let gas_limit = request.gas_limit();
        let mut evm = self.evm(block.clone(), TxEnv { origin: sender, gas_price: U256::from(price) });
        if self.record_traces {
            evm.tracer = Some(CallTracer::default());
            evm.hostio_tracer = Some(HostioTracer::default());
            evm.struct_logger = Some(StructLogger::default());
        }

        let prepaid = U256::from(gas_limit) * U256::from(price);
        let balance = evm.state.balance(&sender);
        evm.state.set_balance(sender, balance - prepaid);
        warm_up(&mut evm, sender, request.to(), request.access_list());
        let intrinsic = tx::intrinsic_gas(request);
        let gas = gas_limit - intrinsic;

        let (result, contract_address) = match request.to() {
            TxKind::Call(to) => {
                let nonce = evm.state.nonce(&sender);
                evm.state.set_nonce(sender, nonce + 1);
                let msg = Message {
                    kind: CallKind::Call,
                    caller: sender,
                    code_address: to,
                    acting: to,
                    value: request.value(),
                    transfers_value: true,
                    input: request.input().clone(),
                    gas,
                    is_static: false,
                };
                (evm.call(msg), None)
            }
            TxKind::Create => {
                let created = evm.create(sender, request.input(), request.value(), gas, None);
                (created.result, created.address)
            }
        };

        let mut gas_used = gas_limit - result.gas_left;
        if result.is_success() {
            // EIP-3529: refunds up to a fifth of the gas used.
            gas_used -= evm.state.refund().min(gas_used / 5);
        }
        let refund = U256::from(gas_limit - gas_used) * U256::from(price);
        evm.state.add_balance(sender, refund);
        evm.state.add_balance(block.network_fee_account, U256::from(gas_used) * U256::from(price));
        let logs = evm.state.end_tx();
        let hostio = evm.hostio_tracer.take().map(HostioTracer::finish);
        let struct_logs = evm.struct_logger.take().map(StructLogger::finish);
        if let Some(mut trace) = evm.tracer.take().and_then(CallTracer::finish) {
            trace.hostio = hostio;
            trace.struct_logs = struct_logs;
            self.keep_struct_logs(tx.hash);
            // geth's top frame: the gas left after intrinsic gas, and the gas the transaction
            // used in all (intrinsic gas included, refunds taken off).
            trace.root.gas_used = gas_used;
            self.traces.insert(tx.hash, trace);
        }
        self.restore(evm, true);

        let logs_bloom = tx::logs_bloom(&logs);
        Receipt {
            transaction_hash: tx.hash,
            transaction_index: 0,
            block_number: block.number,
            block_hash: B256::ZERO,
            from: sender,
            to: match request.to() {
                TxKind::Call(to) => Some(to),
                TxKind::Create => None,
            },
            contract_address,
            status: result.is_success(),
            gas_used,
            cumulative_gas_used: gas_used,
            effective_gas_price: price,
            logs,
            logs_bloom,
            tx_type: request.tx_type(),
            failure: failure_reason(&result),
            output: result.output,
        }
    }

    /// Executes a call against the latest state (an older block's inside [`Self::at_block`])
    /// and discards its effects (eth_call).
    pub fn call(&mut self, request: &CallRequest) -> CallOutput {
        self.call_with_access_list(request, &[], false).0
    }

    /// eth_createAccessList, as geth: runs the call with the list so far as its access list
    /// (the caller's, at first) until the accounts and slots it touches are all on the list.
    /// The list leaves out the sender, the recipient (or created contract) and precompiles,
    /// unless slots of theirs were read; `output` is the last run's, its gas including the
    /// list's intrinsic cost.
    pub fn create_access_list(&mut self, request: &CallRequest, initial: &[AccessListItem]) -> (Vec<AccessListItem>, CallOutput) {
        /// Rounds before giving up on a list that keeps growing (geth has no bound; two
        /// rounds settle ordinary calls).
        const MAX_ROUNDS: usize = 16;
        let mut list = AccessRecord::default();
        let mut recipient = request.to;
        for item in initial {
            list.accounts.insert(item.address);
            list.slots.extend(item.storage_keys.iter().map(|key| (item.address, *key)));
        }
        let mut output = None;
        for _ in 0..MAX_ROUNDS {
            let items = access_list_items(&list, request.from, recipient);
            let (run, touched) = self.call_with_access_list(request, &items, true);
            recipient = recipient.or(run.contract_address);
            let mut next = list.clone();
            next.accounts.extend(touched.accounts);
            next.slots.extend(touched.slots);
            output = Some(run);
            if next == list {
                break;
            }
            list = next;
        }
        (access_list_items(&list, request.from, recipient), output.expect("at least one round"))
    }

    /// [`Self::call`] with an EIP-2930 access list (warm at the start, priced in the intrinsic
    /// gas), recording what it touches if `record`.
    fn call_with_access_list(&mut self, request: &CallRequest, access_list: &[AccessListItem], record: bool) -> (CallOutput, AccessRecord) {
        let (output, touched, _) = self.call_traced(request, access_list, record, false);
        (output, touched)
    }

    /// debug_traceCall: [`Self::call`] with its call tree (the top frame's gas is what is left
    /// after intrinsic gas, its gasUsed the call's with intrinsic gas, as geth's callTracer
    /// and anvil give them).
    pub fn trace_call(&mut self, request: &CallRequest) -> (CallOutput, Option<CallTrace>) {
        let (output, _, trace) = self.call_traced(request, &[], false, true);
        let trace = trace.map(|mut trace| {
            trace.root.gas_used = output.gas_used;
            trace
        });
        (output, trace)
    }

    fn call_traced(
        &mut self,
        request: &CallRequest,
        access_list: &[AccessListItem],
        record: bool,
        traced: bool,
    ) -> (CallOutput, AccessRecord, Option<CallTrace>) {
        let block = match &self.call_env {
            Some(env) => env.clone(),
            None => self.block_env(self.next_block_timestamp()),
        };
        let gas = request.gas.unwrap_or(self.config.block_gas_limit.min(50_000_000));
        let mut evm = self.evm(block, TxEnv { origin: request.from, gas_price: U256::ZERO });
        if traced {
            evm.tracer = Some(CallTracer::default());
            evm.hostio_tracer = Some(HostioTracer::default());
            evm.struct_logger = Some(StructLogger::default());
        }
        warm_up(&mut evm, request.from, request.to.map_or(TxKind::Create, TxKind::Call), access_list);
        apply_overrides(&mut evm.state, &request.overrides);
        if record {
            evm.state.start_access_record();
        }
        let intrinsic = call_intrinsic_gas(request, access_list);
        let output = if gas < intrinsic {
            CallOutput {
                result: CallResult::fail(Failure::OutOfGas),
                gas_used: gas,
                logs: Vec::new(),
                contract_address: None,
            }
        } else {
            let (result, contract_address) = match request.to {
                Some(to) => {
                    let msg = Message {
                        kind: CallKind::Call,
                        caller: request.from,
                        code_address: to,
                        acting: to,
                        value: request.value,
                        transfers_value: true,
                        input: request.input.clone(),
                        gas: gas - intrinsic,
                        is_static: false,
                    };
                    (evm.call(msg), None)
                }
                None => {
                    let created = evm.create(request.from, &request.input, request.value, gas - intrinsic, None);
                    (created.result, created.address)
                }
            };
            let gas_used = gas - result.gas_left;
            let logs = evm.state.logs().to_vec();
            CallOutput { result, gas_used, logs, contract_address }
        };
        let touched = evm.state.take_access_record();
        let hostio = evm.hostio_tracer.take().map(HostioTracer::finish);
        let struct_logs = evm.struct_logger.take().map(StructLogger::finish);
        let trace = evm.tracer.take().and_then(CallTracer::finish).map(|mut trace| {
            trace.hostio = hostio;
            trace.struct_logs = struct_logs;
            trace
        });
        evm.state.abort_tx();
        self.restore(evm, false);
        (output, touched, trace)
    }

    /// The smallest gas limit with which the call succeeds (binary search, like geth).
    pub fn estimate_gas(&mut self, request: &CallRequest) -> Result<u64, CallOutput> {
        let cap = request.gas.unwrap_or(self.config.block_gas_limit.min(50_000_000));
        let mut probe = request.clone();
        probe.gas = Some(cap);
        let first = self.call(&probe);
        if !first.success() {
            return Err(first);
        }
        let mut low = first.gas_used.saturating_sub(1);
        let mut high = cap;
        // The gas used is usually enough; geth checks it first too.
        probe.gas = Some(first.gas_used + first.gas_used / 64 + 1);
        if self.call(&probe).success() {
            high = probe.gas.expect("set above");
        }
        while low + 1 < high {
            let mid = low + (high - low) / 2;
            probe.gas = Some(mid);
            if self.call(&probe).success() {
                high = mid;
            } else {
                low = mid;
            }
        }
        Ok(high)
    }

    pub fn snapshot(&self) -> EngineSnapshot {
        EngineSnapshot {
            state: self.state.snapshot(),
            changes: self.state.changes().clone(),
            data_pricer: self.data_pricer,
            blocks: self.blocks.len(),
            time_offset: self.time_offset,
            next_timestamp: self.next_timestamp,
        }
    }

    /// Returns to a snapshot: state, blocks, transactions and receipts after it are dropped.
    pub fn revert_to_snapshot(&mut self, snapshot: EngineSnapshot) {
        self.state = State::from_snapshot(snapshot.state);
        self.state.set_changes(snapshot.changes);
        self.history.truncate(snapshot.blocks);
        self.data_pricer = snapshot.data_pricer;
        for block in self.blocks.drain(snapshot.blocks..) {
            self.block_by_hash.remove(&block.hash);
            for hash in block.transactions {
                self.transactions.remove(&hash);
                self.receipts.remove(&hash);
                self.traces.remove(&hash);
            }
        }
        self.time_offset = snapshot.time_offset;
        self.next_timestamp = snapshot.next_timestamp;
        self.recent_wasms.clear();
    }

    pub fn account(&self, address: &Address) -> Account {
        self.state.account(address).cloned().unwrap_or_default()
    }

    /// The state and head block for `--dump-state` (written by `dump::write_file`).
    pub fn dump_state(&self) -> StateDump {
        let head = self.latest_block();
        StateDump {
            chain_id: self.config.chain_id,
            block_number: head.number,
            block_hash: head.hash,
            timestamp: head.timestamp,
            state: self.state.snapshot(),
            data_pricer: self.data_pricer,
        }
    }

    /// Replaces the world with a dump (`--load-state`): its state and data pricer, and a head
    /// block with the dump's number, hash and timestamp, so the next block is numbered
    /// `block_number + 1` and is no earlier than `timestamp`. Blocks, transactions and
    /// receipts before it are gone, as are `evm_snapshot`s taken before the import.
    /// Refuses a dump of another chain id and then changes nothing. Compiled modules are
    /// rebuilt on first call.
    pub fn load_state(&mut self, dump: StateDump) -> Result<(), DumpError> {
        if dump.chain_id != self.config.chain_id {
            return Err(DumpError::ChainId { dump: dump.chain_id, node: self.config.chain_id });
        }
        let mut state = State::from_snapshot(dump.state);
        for native in precompiles::NATIVE_CONTRACTS {
            if state.code(&native).is_empty() {
                state.set_code(native, Bytes::from_static(&precompiles::NATIVE_CODE_MARKER));
            }
        }
        state.end_tx();
        // The dump's head is the first block: there is nothing before it to undo to.
        state.take_changes();
        self.state = state;
        self.data_pricer = dump.data_pricer;
        self.history.clear();
        self.blocks.clear();
        self.block_by_hash.clear();
        self.transactions.clear();
        self.receipts.clear();
        self.traces.clear();
        self.struct_logs_kept.clear();
        self.first_block = dump.block_number;
        self.push_block(Block {
            number: dump.block_number,
            hash: dump.block_hash,
            parent_hash: B256::ZERO,
            timestamp: dump.timestamp,
            base_fee: self.config.base_fee,
            gas_limit: self.config.block_gas_limit,
            gas_used: 0,
            transactions: Vec::new(),
            logs_bloom: Bloom::ZERO,
        });
        self.time_offset = 0;
        self.next_timestamp = None;
        self.recent_wasms.clear();
        Ok(())
    }
}

/// EIP-2929's warm set at transaction start, with EIP-3651's warm coinbase.
fn warm_up(evm: &mut Evm, sender: Address, to: TxKind, access_list: &[tx::AccessListItem]) {
    evm.state.warm_account(sender);
    evm.state.warm_account(evm.block.coinbase);
    if let TxKind::Call(to) = to {
        evm.state.warm_account(to);
    }
    for address in precompiles::PRECOMPILES {
        evm.state.warm_account(address);
    }
    for item in access_list {
        evm.state.warm_account(item.address);
        for key in &item.storage_keys {
            evm.state.warm_slot(item.address, *key);
        }
    }
}

fn failure_reason(result: &CallResult) -> Option<String> {
    match &result.outcome {
        Outcome::Success => None,
        Outcome::Revert => Some("execution reverted".into()),
        Outcome::Failure(failure) => Some(failure.to_string()),
    }
}

/// Intrinsic gas of a call as if it were sent as a transaction (geth charges it in eth_call).
fn call_intrinsic_gas(request: &CallRequest, access_list: &[AccessListItem]) -> u64 {
    tx::intrinsic_gas(&tx::TxRequest::Eip1559(tx::Eip1559Tx {
        chain_id: 0,
        nonce: 0,
        max_priority_fee_per_gas: 0,
        max_fee_per_gas: 0,
        gas_limit: 0,
        to: request.to.map_or(TxKind::Create, TxKind::Call),
        value: request.value,
        input: request.input.clone(),
        access_list: access_list.to_vec(),
    }))
}

/// The precompiles geth's access-list tracer leaves out (those this chain has).
const PRECOMPILES: &[Address] = &precompiles::PRECOMPILES;

/// `list` as EIP-2930 items, sorted, without the sender, the recipient and precompiles
/// (kept if slots of theirs are listed).
fn access_list_items(list: &AccessRecord, from: Address, to: Option<Address>) -> Vec<AccessListItem> {
    let mut items: std::collections::BTreeMap<Address, Vec<B256>> = std::collections::BTreeMap::new();
    for address in &list.accounts {
        if *address != from && Some(*address) != to && !PRECOMPILES.contains(address) {
            items.entry(*address).or_default();
        }
    }
    for (address, key) in &list.slots {
        items.entry(*address).or_default().push(*key);
    }
    items.into_iter().map(|(address, storage_keys)| AccessListItem { address, storage_keys }).collect()
}

fn apply_overrides(state: &mut State, overrides: &[AccountOverride]) {
    for account in overrides {
        let address = account.address;
        if let Some(balance) = account.balance {
            state.set_balance(address, balance);
        }
        if let Some(nonce) = account.nonce {
            state.set_nonce(address, nonce);
        }
        if let Some(code) = &account.code {
            state.set_code(address, code.clone());
        }
        if let Some(slots) = &account.state {
            state.clear_storage(address);
            for (key, value) in slots {
                state.set_storage(address, *key, *value);
            }
        }
        for (key, value) in account.state_diff.iter().flatten() {
            state.set_storage(address, *key, *value);
        }
    }
}
