//! The JSON-RPC methods over one [`DevNode`] behind a mutex: each typed [`Request`] becomes a
//! call of the node or engine, and its result becomes geth's JSON. No chain logic lives here;
//! every method either answers from the node or leaves it untouched (a transaction is checked
//! completely before any state changes, a call runs in a journal that is always rolled back).

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Mutex, MutexGuard,
};

use tokio::sync::broadcast;

use alloy_primitives::B256;
use serde_json::{json, Value};

use super::{
    error::{RpcError, RpcResult},
    json,
    params::Tracer,
    request::{params_of, Request},
};
use crate::{
    engine::{chain::{CallRequest, TxRejected}, dump, exec::Outcome, query::BlockId, tx::SignedTx},
    node::{DevNode, FilterChanges, TxLocation},
};

/// What subscribers hear about (eth_subscribe): a block was mined, a transaction accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeEvent {
    Block(u64),
    Transaction(B256),
}

/// Events buffered for each subscriber; one that falls further behind loses the oldest (so a
/// slow WebSocket client never holds the node back).
pub const EVENT_BUFFER: usize = 4096;

/// The node as the server shares it between connections.
pub struct Node {
    pub state: Mutex<DevNode>,
    events: broadcast::Sender<NodeEvent>,
    /// Live eth_subscribe subscriptions, over all connections.
    subscriptions: AtomicUsize,
}

impl Node {
    pub fn new(mut node: DevNode) -> Self {
        node.record_accepted();
        node.engine.record_traces();
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        Self { state: Mutex::new(node), events, subscriptions: AtomicUsize::new(0) }
    }

    fn lock(&self) -> MutexGuard<'_, DevNode> {
        // A panic while holding the lock cannot leave the engine half-updated (a
        // transaction is applied or not), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the node, then tells subscribers of the blocks mined and transactions
    /// accepted meanwhile.
    fn with_node<T>(&self, f: impl FnOnce(&mut DevNode) -> T) -> T {
        let mut node = self.lock();
        let before = node.engine.latest_block().number;
        let out = f(&mut node);
        let after = node.engine.latest_block().number;
        for hash in node.take_accepted() {
            let _ = self.events.send(NodeEvent::Transaction(hash));
        }
        for number in before.saturating_add(1)..=after {
            let _ = self.events.send(NodeEvent::Block(number));
        }
        out
    }

    /// A receiver of the node's events from now on.
    pub fn events(&self) -> broadcast::Receiver<NodeEvent> {
        self.events.subscribe()
    }

    /// Reads the node (building notifications); nothing changes.
    pub fn read<T>(&self, f: impl FnOnce(&DevNode) -> T) -> T {
        f(&self.lock())
    }

    /// Live eth_subscribe subscriptions over all connections (they end with their socket).
    pub fn live_subscriptions(&self) -> usize {
        self.subscriptions.load(Ordering::SeqCst)
    }

    pub(crate) fn subscriptions_changed(&self, added: usize, removed: usize) {
        self.subscriptions.fetch_add(added, Ordering::SeqCst);
        self.subscriptions.fetch_sub(removed, Ordering::SeqCst);
    }

    /// Mines the pending transactions into one block.
    pub fn mine_pending(&self) {
        self.with_node(|node| {
            node.mine();
        });
    }

    /// The interval miner's block: none once evm_setAutomine has switched interval mining off.
    pub fn mine_interval_block(&self) {
        self.with_node(|node| {
            if node.interval_mining {
                node.mine();
            }
        });
    }

    /// Answers one call: `params` as the request carried it (an array, or null for none).
    pub fn handle(&self, method: &str, params: &Value) -> RpcResult {
        self.execute(Request::decode(method, params.clone())?)
    }

    /// Answers a decoded request.
    pub fn execute(&self, request: Request) -> RpcResult {
        self.with_node(|node| run(node, request))
    }
}

/// One request on the node.
fn run(node: &mut DevNode, request: Request) -> RpcResult {
    let config = node.engine.config();
    Ok(match request {
        Request::Web3ClientVersion(_) => {
            json!(format!("rigshare-devnode/v{}/stylus-nitro-compatible", env!("CARGO_PKG_VERSION")))
        }
        Request::Web3Sha3(p) => json::hash(&alloy_primitives::keccak256(p.data)),
        Request::NetVersion(_) => json!(config.chain_id.to_string()),
        Request::NetListening(_) => json!(true),
        Request::EthChainId(_) => json::quantity(config.chain_id),
        Request::EthSyncing(_) => json!(false),
        Request::EthMining(_) => json!(node.automine),
        Request::EthCoinbase(_) => json::address(&config.coinbase),
        Request::EthBlockNumber(_) => json::quantity(node.engine.latest_block().number),
        Request::EthAccounts(_) => Value::Array(node.accounts.iter().map(|a| json::address(&a.address)).collect()),
        Request::EthGasPrice(_) => json::quantity(config.base_fee),
        Request::EthMaxPriorityFeePerGas(_) => json::quantity(0u64),
        Request::EthFeeHistory(p) => {
            let history = node.engine.fee_history(p.block_count.0, p.newest, p.percentiles.unwrap_or_default().0)?;
            let mut result = json!({
                "oldestBlock": json::quantity(history.oldest_block),
                "baseFeePerGas": history.base_fee_per_gas.into_iter().map(json::quantity).collect::<Vec<_>>(),
                "gasUsedRatio": history.gas_used_ratio,
            });
            if let Some(reward) = history.reward {
                result["reward"] = reward.into_iter().map(|tips| tips.into_iter().map(json::quantity).collect::<Value>()).collect();
            }
            result
        }
        Request::EthGetBalance(p) => json::quantity(node.engine.state_at(block(p.block))?.balance(&p.address)),
        Request::EthGetCode(p) => json::data(&node.engine.state_at(block(p.block))?.code(&p.address)),
        Request::EthGetStorageAt(p) => {
            let slot = B256::from(p.slot.to_be_bytes::<32>());
            json::hash(&node.engine.state_at(block(p.block))?.storage(&p.address, &slot))
        }
        Request::EthGetProof(p) => {
            // Any block the chain does not have (or has no state for) is -32001 here, as anvil.
            let at = node.engine.state_at(p.block).map_err(|_| RpcError::resource_not_found())?;
            let keys: Vec<B256> = p.keys.0.iter().map(|k| k.key).collect();
            let proof = at.prove(p.address, &keys).ok_or_else(RpcError::resource_not_found)?;
            json::proof_json(&proof, &p.keys.0)
        }
        Request::EthGetTransactionCount(p) => {
            let block = block(p.block);
            let nonce = node.engine.state_at(block)?.nonce(&p.address);
            json::quantity(if block == BlockId::Pending { node.next_nonce(&p.address) } else { nonce })
        }
        Request::EthCall(p) => {
            let call = CallRequest { overrides: p.overrides.unwrap_or_default().0, ..p.call.call };
            json::data(&node.call(&call, block(p.block))?)
        }
        Request::EthCreateAccessList(p) => {
            let call = CallRequest { overrides: p.overrides.unwrap_or_default().0, ..p.call.call };
            let initial = &p.call.fields.access_list;
            let (list, output) = node.engine.at_block(block(p.block), |engine| engine.create_access_list(&call, initial))?;
            let mut result = json!({
                "accessList": json::access_list_json(&list),
                "gasUsed": json::quantity(output.gas_used),
            });
            match output.result.outcome {
                Outcome::Success => {}
                Outcome::Revert => result["error"] = json!(RpcError::reverted(&output.result.output).message),
                Outcome::Failure(failure) => result["error"] = json!(failure.to_string()),
            }
            result
        }
        Request::EthEstimateGas(p) => {
            json::quantity(node.estimate_gas(&p.call.call, block(p.block))?)
        }
        Request::EthSendRawTransaction(p) => {
            let tx = SignedTx::decode(&p.transaction).map_err(TxRejected::from)?;
            json::hash(&node.submit(tx)?)
        }
        Request::EthSendTransaction(p) => {
            let tx = node.transaction_from(p.transaction.call, p.transaction.fields)?;
            json::hash(&node.submit(tx)?)
        }
        Request::EthGetTransactionByHash(p) => {
            let base_fee = config.base_fee;
            node.transaction(&p.hash).map_or(Value::Null, |tx| location_json(tx, base_fee))
        }
        Request::EthGetTransactionReceipt(p) => match node.engine.receipt(&p.hash) {
            Some(receipt) => {
                let timestamp = node.engine.block(receipt.block_number).map_or(0, |b| b.timestamp);
                json::receipt_json(receipt, node.engine.first_log_index(receipt), timestamp)
            }
            None => Value::Null,
        },
        Request::EthGetBlockByNumber(p) => block_json(node, p.block, p.full.unwrap_or(false)),
        Request::EthGetBlockByHash(p) => block_json(node, BlockId::Hash(p.hash), p.full.unwrap_or(false)),
        Request::EthGetBlockTransactionCountByNumber(p) => node
            .engine
            .resolve_block(p.block)
            .and_then(|n| node.engine.block(n))
            .map_or(Value::Null, |b| json::quantity(b.transactions.len() as u64)),
        Request::EthGetBlockTransactionCountByHash(p) => node
            .engine
            .block_by_hash(&p.hash)
            .map_or(Value::Null, |b| json::quantity(b.transactions.len() as u64)),
        Request::EthGetUncleCountByBlockNumber(p) => {
            // The pending block is not a block yet: anvil's -32001 too.
            let block = Some(p.block).filter(|b| *b != BlockId::Pending).and_then(|b| node.engine.resolve_block(b));
            block.ok_or_else(RpcError::resource_not_found)?;
            json::quantity(0u64)
        }
        Request::EthGetUncleCountByBlockHash(p) => {
            node.engine.block_by_hash(&p.hash).ok_or_else(RpcError::resource_not_found)?;
            json::quantity(0u64)
        }
        Request::EthGetTransactionByBlockNumberAndIndex(p) => transaction_at(node, p.block, p.index.0),
        Request::EthGetTransactionByBlockHashAndIndex(p) => transaction_at(node, BlockId::Hash(p.hash), p.index.0),
        // The pending block has no receipts yet: null, as anvil.
        Request::EthGetBlockReceipts(p) => match Some(p.block).filter(|b| *b != BlockId::Pending).and_then(|b| node.engine.resolve_block(b)) {
            Some(number) => {
                let engine = &node.engine;
                let mut first_log_index = 0;
                let receipts = engine.block_receipts(number);
                receipts
                    .into_iter()
                    .map(|receipt| {
                        let timestamp = engine.block(number).map_or(0, |b| b.timestamp);
                    let json = json::receipt_json(receipt, first_log_index, timestamp);
                        first_log_index += receipt.logs.len() as u64;
                        json
                    })
                    .collect()
            }
            None => Value::Null,
        },
        Request::EthBlobBaseFee(_) => json::quantity(1u64),
        Request::TxpoolStatus(_) => json!({
            "pending": json::quantity(node.pool.pending().len() as u64),
            "queued": json::quantity(0u64),
        }),
        Request::TxpoolContent(_) => {
            let mut pending = serde_json::Map::new();
            for tx in node.pool.pending() {
                // Lower-case keys, as anvil writes them.
        let by_nonce = pending.entry(format!("{:#x}", tx.sender)).or_insert_with(|| json!({}));
                by_nonce[tx.request.nonce().to_string()] = json::transaction_json(tx, None, config.base_fee);
            }
            json!({ "pending": pending, "queued": {} })
        }
        Request::EthGetLogs(p) => Value::Array(node.engine.logs(&p.filter)?.iter().map(json::matched_log_json).collect()),
        Request::EthNewFilter(p) => json!(node.new_log_filter(p.filter.filter, p.filter.from_given)?),
        Request::EthNewBlockFilter(_) => json!(node.new_block_filter()?),
        Request::EthNewPendingTransactionFilter(p) => json!(node.new_pending_transaction_filter(p.full.unwrap_or(false))?),
        Request::EthGetFilterChanges(p) => {
            let base_fee = config.base_fee;
            match node.filter_changes(&p.id.0)? {
                FilterChanges::Logs(logs) => logs.iter().map(json::matched_log_json).collect(),
                FilterChanges::Hashes(hashes) => hashes.iter().map(json::hash).collect(),
                FilterChanges::Transactions(txs) => txs.into_iter().map(|tx| location_json(tx, base_fee)).collect(),
            }
        }
        Request::EthGetFilterLogs(p) => node.filter_logs(&p.id.0)?.iter().map(json::matched_log_json).collect(),
        Request::EthUninstallFilter(p) => json!(node.filters.uninstall(&p.id.0, std::time::Instant::now())),
        Request::EthSign(p) => json::data(&node.sign_message(&p.address, &p.message)?),
        Request::PersonalSign(p) => json::data(&node.sign_message(&p.address, &p.message)?),
        Request::EthSignTypedDataV4(p) => json::data(&node.sign_typed_data(&p.address, &p.data.0)?),
        Request::DebugTraceTransaction(p) => {
            let options = p.options.unwrap_or_default();
            if node.engine.transaction(&p.hash).is_none() {
                return Err(RpcError::server(format!("transaction {:#x} not found", p.hash)));
            }
            let trace = node.engine.trace(&p.hash).ok_or_else(|| {
                RpcError::server(format!("no trace kept for transaction {:#x} (it ran before this node kept traces)", p.hash))
            })?;
            match options.tracer {
                Tracer::Struct => json::struct_logs_json(trace, &options)?,
                Tracer::Call => json::trace_json(trace, options.only_top_call),
                Tracer::Stylus => json::stylus_trace_json(trace)?,
            }
        }
        Request::DebugTraceCall(p) => {
            let options = p.options.unwrap_or_default();
            let (_, trace) = node.engine.at_block(block(p.block), |engine| engine.trace_call(&p.call.call))?;
            match trace {
                Some(trace) => match options.tracer {
                    Tracer::Struct => json::struct_logs_json(&trace, &options)?,
                    Tracer::Call => json::trace_json(&trace, options.only_top_call),
                    Tracer::Stylus => json::stylus_trace_json(&trace)?,
                },
                None => return Err(RpcError::server("the call ran no frame")),
            }
        }
        Request::EvmSnapshot(_) => json::quantity(node.snapshot()),
        Request::EvmRevert(p) => json!(node.revert(p.id)),
        Request::EvmMine(params_of::EvmMine { options }) => {
            let options = options.unwrap_or_default();
            let blocks = options.blocks.unwrap_or(1);
            check_block_count(blocks)?;
            if let Some(timestamp) = options.timestamp {
                node.set_next_timestamp(timestamp)?;
            }
            node.mine_blocks(blocks.max(1), None);
            json!("0x0")
        }
        Request::AnvilMine(p) => {
            let blocks = p.blocks.map_or(1, |b| b.0);
            check_block_count(blocks)?;
            node.mine_blocks(blocks, p.interval.map(|i| i.0));
            Value::Null
        }
        Request::EvmSetAutomine(p) => {
            node.set_automine(p.enabled);
            Value::Null
        }
        Request::AnvilGetAutomine(_) => json!(node.automine),
        Request::EvmIncreaseTime(p) => {
            node.engine.increase_time(p.seconds.0);
            json::quantity(p.seconds.0)
        }
        Request::EvmSetNextBlockTimestamp(p) => {
            node.set_next_timestamp(p.timestamp.0)?;
            Value::Null
        }
        Request::AnvilSetBalance(p) => {
            node.engine.set_balance(p.address, p.balance);
            Value::Null
        }
        Request::AnvilSetCode(p) => {
            node.engine.set_code(p.address, p.code);
            Value::Null
        }
        Request::AnvilSetStorageAt(p) => {
            node.engine.set_storage(p.address, B256::from(p.slot.to_be_bytes::<32>()), p.value);
            json!(true)
        }
        Request::AnvilSetNonce(p) => {
            node.engine.set_nonce(p.address, p.nonce.0);
            Value::Null
        }
        Request::AnvilImpersonateAccount(p) => {
            node.impersonate(p.address);
            Value::Null
        }
        Request::AnvilStopImpersonatingAccount(p) => {
            node.stop_impersonating(&p.address);
            Value::Null
        }
        Request::AnvilAutoImpersonateAccount(p) => {
            node.set_auto_impersonate(p.enabled);
            Value::Null
        }
        Request::AnvilReset(p) => {
            if p.options.is_some_and(|o| o.fork) {
                return Err(RpcError::server("forking is not supported: the dev node runs no remote chain"));
            }
            node.reset();
            Value::Null
        }
        Request::AnvilDumpState(_) => json::data(dump::to_json(&node.dump_state()).as_bytes()),
        Request::AnvilLoadState(p) => {
            let decoded = std::str::from_utf8(&p.state)
                .map_err(|_| RpcError::invalid_params("Failed to decode state dump: not UTF-8 JSON"))
                .and_then(|text| {
                    dump::from_json(text).map_err(|e| RpcError::invalid_params(format!("Failed to decode state dump: {e}")))
                })?;
            node.merge_state(decoded)?;
            json!(true)
        }
        // Subscriptions belong to a WebSocket connection (rpc::ws answers them there).
        Request::EthSubscribe(_) | Request::EthUnsubscribe(_) => return Err(RpcError::notifications_unsupported()),
    })
}

/// A transaction as eth_getTransactionByHash returns it, pending or mined.
pub(crate) fn location_json(tx: TxLocation<'_>, base_fee: u128) -> Value {
    match tx {
        TxLocation::Pending(tx) => json::transaction_json(tx, None, base_fee),
        TxLocation::Mined { tx, block, index } => json::transaction_json(tx, Some((block, index)), base_fee),
    }
}

/// Most blocks one evm_mine or anvil_mine call mines: a bigger count would hold the node for
/// minutes (every block is kept).
pub const MAX_MINE_BLOCKS: u64 = 100_000;

fn check_block_count(blocks: u64) -> Result<(), RpcError> {
    if blocks > MAX_MINE_BLOCKS {
        return Err(RpcError::invalid_params(format!("blocks: at most {MAX_MINE_BLOCKS} blocks a call, got {blocks}")));
    }
    Ok(())
}

/// The transaction at `index` in block `id`, or null.
fn transaction_at(node: &DevNode, id: BlockId, index: u64) -> Value {
    let engine = &node.engine;
    let Some(block) = engine.resolve_block(id).and_then(|n| engine.block(n)) else { return Value::Null };
    let Some(hash) = usize::try_from(index).ok().and_then(|i| block.transactions.get(i)) else { return Value::Null };
    match engine.transaction(hash) {
        Some((tx, _)) => json::transaction_json(tx, Some((block, index)), engine.config().base_fee),
        None => Value::Null,
    }
}

/// An omitted block is the latest.
fn block(id: Option<BlockId>) -> BlockId {
    id.unwrap_or_default()
}

/// A block with its transactions' hashes, or the transactions themselves if `full`; null if
/// the chain has no such block.
fn block_json(node: &DevNode, id: BlockId, full: bool) -> Value {
    let engine = &node.engine;
    let Some(block) = engine.resolve_block(id).and_then(|n| engine.block(n)) else {
        return Value::Null;
    };
    let base_fee = engine.config().base_fee;
    let transactions = block
        .transactions
        .iter()
        .enumerate()
        .map(|(index, hash)| match (full, engine.transaction(hash)) {
            (true, Some((tx, _))) => json::transaction_json(tx, Some((block, index as u64)), base_fee),
            _ => json::hash(hash),
        })
        .collect();
    let state_root = engine.state_root(block.number).unwrap_or_default();
    json::block_json(block, transactions, &engine.config().coinbase, &state_root)
}
