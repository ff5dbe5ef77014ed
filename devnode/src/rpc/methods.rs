//! The JSON-RPC methods over one [`DevNode`] behind a mutex: each typed [`Request`] becomes a
//! call of the node or engine, and its result becomes geth's JSON. No chain logic lives here;
//! every method either answers from the node or leaves it untouched (a transaction is checked
//! completely before any state changes, a call runs in a journal that is always rolled back).

use std::sync::{Mutex, MutexGuard};

use alloy_primitives::B256;
use serde_json::{json, Value};

use super::{
    error::RpcResult,
    json,
    request::{params_of, Request},
};
use crate::{
    engine::{chain::{CallRequest, TxRejected}, query::BlockId, tx::SignedTx},
    node::{DevNode, TxLocation},
};

/// The node as the server shares it between connections.
pub struct Node {
    pub state: Mutex<DevNode>,
}

impl Node {
    pub fn new(node: DevNode) -> Self {
        Self { state: Mutex::new(node) }
    }

    fn lock(&self) -> MutexGuard<'_, DevNode> {
        // A panic while holding the lock cannot leave the engine half-updated (a
        // transaction is applied or not), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Mines the pending transactions into one block (interval mining).
    pub fn mine_pending(&self) {
        self.lock().mine();
    }

    /// Answers one call: `params` as the request carried it (an array, or null for none).
    pub fn handle(&self, method: &str, params: &Value) -> RpcResult {
        self.execute(Request::decode(method, params.clone())?)
    }

    /// Answers a decoded request.
    pub fn execute(&self, request: Request) -> RpcResult {
        let mut guard = self.lock();
        let node = &mut *guard;
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
            Request::EthGetTransactionCount(p) => {
                let block = block(p.block);
                let nonce = node.engine.state_at(block)?.nonce(&p.address);
                json::quantity(if block == BlockId::Pending { node.next_nonce(&p.address) } else { nonce })
            }
            Request::EthCall(p) => {
                node.engine.state_at(block(p.block))?;
                let call = CallRequest { overrides: p.overrides.unwrap_or_default().0, ..p.call.call };
                json::data(&node.call(&call)?)
            }
            Request::EthEstimateGas(p) => {
                node.engine.state_at(block(p.block))?;
                json::quantity(node.estimate_gas(&p.call.call)?)
            }
            Request::EthSendRawTransaction(p) => {
                let tx = SignedTx::decode(&p.transaction).map_err(TxRejected::from)?;
                json::hash(&node.submit(tx)?)
            }
            Request::EthSendTransaction(p) => {
                let tx = node.sign_for_dev_account(p.transaction.call, p.transaction.fields)?;
                json::hash(&node.submit(tx)?)
            }
            Request::EthGetTransactionByHash(p) => {
                let base_fee = config.base_fee;
                match node.transaction(&p.hash) {
                    Some(TxLocation::Pending(tx)) => json::transaction_json(tx, None, base_fee),
                    Some(TxLocation::Mined { tx, block, index }) => json::transaction_json(tx, Some((block, index)), base_fee),
                    None => Value::Null,
                }
            }
            Request::EthGetTransactionReceipt(p) => match node.engine.receipt(&p.hash) {
                Some(receipt) => json::receipt_json(receipt, node.engine.first_log_index(receipt)),
                None => Value::Null,
            },
            Request::EthGetBlockByNumber(p) => block_json(node, p.block, p.full.unwrap_or(false)),
            Request::EthGetBlockByHash(p) => block_json(node, BlockId::Hash(p.hash), p.full.unwrap_or(false)),
            Request::EthGetBlockTransactionCountByNumber(p) => node
                .engine
                .resolve_block(p.block)
                .and_then(|n| node.engine.block(n))
                .map_or(Value::Null, |b| json::quantity(b.transactions.len() as u64)),
            Request::EthGetLogs(p) => Value::Array(node.engine.logs(&p.filter)?.iter().map(json::matched_log_json).collect()),
            Request::EvmSnapshot(_) => json::quantity(node.snapshot()),
            Request::EvmRevert(p) => json!(node.revert(p.id)),
            Request::EvmMine(params_of::EvmMine { timestamp }) => {
                if let Some(timestamp) = timestamp {
                    node.engine.set_next_timestamp(timestamp);
                }
                node.mine();
                json!("0x0")
            }
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
        })
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
    json::block_json(block, transactions, &engine.config().coinbase)
}
