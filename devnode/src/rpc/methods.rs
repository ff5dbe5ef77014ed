//! The JSON-RPC methods, over one engine behind a mutex. Every method either answers from
//! the engine or leaves it untouched: a transaction is checked completely before any state
//! changes, and a call runs in a journal that is always rolled back.

use std::sync::Mutex;

use alloy_primitives::{Address, Bytes, B256};
use serde_json::{json, Value};

use super::{
    accounts::DevAccount,
    json::{self, BlockId, RpcError, RpcResult},
};
use crate::engine::{
    chain::{AccountOverride, CallRequest, Engine, EngineSnapshot, Receipt, TxRejected},
    exec::Outcome,
    tx::{self, AccessListItem, SignedTx, TxKind, TxRequest},
};

/// Mutable node state.
pub struct NodeState {
    pub engine: Engine,
    /// Accounts whose keys the node holds (eth_accounts, eth_sendTransaction).
    pub accounts: Vec<DevAccount>,
    /// Transactions waiting for the next interval block (`--block-time` > 0).
    pub pending: Vec<SignedTx>,
    pub snapshots: Vec<(u64, EngineSnapshot)>,
    pub next_snapshot_id: u64,
    /// Mine each transaction at once (block time 0).
    pub automine: bool,
    pub quiet: bool,
}

pub struct Node {
    pub state: Mutex<NodeState>,
}

impl Node {
    pub fn new(state: NodeState) -> Self {
        Self { state: Mutex::new(state) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, NodeState> {
        // A panic while holding the lock cannot leave the engine half-updated (a
        // transaction is applied or not), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Mines the pending transactions into one block (interval mining and evm_mine).
    pub fn mine_pending(&self) {
        let mut node = self.lock();
        let pending = std::mem::take(&mut node.pending);
        let (_, results) = node.engine.mine_block(pending);
        let quiet = node.quiet;
        for result in results.iter().flatten() {
            if !quiet {
                print_receipt(result);
            }
        }
    }

    pub fn handle(&self, method: &str, params: &Value) -> RpcResult {
        let params: &[Value] = match params {
            Value::Array(items) => items,
            Value::Null => &[],
            _ => return Err(RpcError::invalid_params("params must be an array")),
        };
        let mut node = self.lock();
        let node = &mut *node;
        let latest = node.engine.latest_block().number;
        match method {
            "web3_clientVersion" => Ok(json!(format!(
                "rigshare-devnode/v{}/stylus-nitro-compatible",
                env!("CARGO_PKG_VERSION")
            ))),
            "web3_sha3" => {
                let input = json::parse_data(param(params, 0, "data")?, "data")?;
                Ok(json::hash(&alloy_primitives::keccak256(input)))
            }
            "net_version" => Ok(json!(node.engine.config().chain_id.to_string())),
            "net_listening" => Ok(json!(true)),
            "eth_chainId" => Ok(json::quantity(node.engine.config().chain_id)),
            "eth_syncing" => Ok(json!(false)),
            "eth_mining" => Ok(json!(node.automine)),
            "eth_coinbase" => Ok(json::address(&node.engine.config().coinbase)),
            "eth_blockNumber" => Ok(json::quantity(latest)),
            "eth_accounts" => Ok(Value::Array(node.accounts.iter().map(|a| json::address(&a.address)).collect())),
            "eth_gasPrice" => Ok(json::quantity(node.engine.config().base_fee)),
            "eth_maxPriorityFeePerGas" => Ok(json::quantity(0u64)),
            "eth_feeHistory" => fee_history(node, params),
            "eth_getBalance" => {
                let address = json::parse_address(param(params, 0, "address")?, "address")?;
                latest_state(node, params.get(1))?;
                Ok(json::quantity(node.engine.state().balance(&address)))
            }
            "eth_getCode" => {
                let address = json::parse_address(param(params, 0, "address")?, "address")?;
                latest_state(node, params.get(1))?;
                Ok(json::data(&node.engine.state().code(&address)))
            }
            "eth_getStorageAt" => {
                let address = json::parse_address(param(params, 0, "address")?, "address")?;
                let slot = json::parse_quantity(param(params, 1, "slot")?, "slot")?;
                latest_state(node, params.get(2))?;
                let value = node.engine.state().storage(&address, &B256::from(slot.to_be_bytes::<32>()));
                Ok(json::hash(&value))
            }
            "eth_getTransactionCount" => {
                let address = json::parse_address(param(params, 0, "address")?, "address")?;
                let block = json::parse_block_id(params.get(1))?;
                latest_state(node, params.get(1))?;
                let mut nonce = node.engine.state().nonce(&address);
                if block == BlockId::Pending {
                    nonce += node.pending.iter().filter(|tx| tx.sender == address).count() as u64;
                }
                Ok(json::quantity(nonce))
            }
            "eth_call" => {
                let mut request = parse_call(param(params, 0, "call")?)?.0;
                latest_state(node, params.get(1))?;
                if let Some(overrides) = params.get(2) {
                    request.overrides = parse_overrides(overrides)?;
                }
                let output = node.engine.call(&request);
                match output.result.outcome {
                    Outcome::Success => Ok(json::data(&output.result.output)),
                    Outcome::Revert => Err(RpcError::reverted(&output.result.output)),
                    Outcome::Failure(failure) => Err(RpcError::server(failure.to_string())),
                }
            }
            "eth_estimateGas" => {
                let request = parse_call(param(params, 0, "call")?)?.0;
                latest_state(node, params.get(1))?;
                match node.engine.estimate_gas(&request) {
                    Ok(gas) => Ok(json::quantity(gas)),
                    Err(output) => Err(match output.result.outcome {
                        Outcome::Revert => RpcError::reverted(&output.result.output),
                        Outcome::Failure(failure) => {
                            RpcError::server(format!("gas required exceeds allowance or always failing transaction: {failure}"))
                        }
                        Outcome::Success => RpcError::server("gas estimation failed"),
                    }),
                }
            }
            "eth_sendRawTransaction" => {
                let raw = json::parse_data(param(params, 0, "transaction")?, "transaction")?;
                let tx = SignedTx::decode(&raw).map_err(|e| RpcError::server(e.to_string()))?;
                submit(node, tx)
            }
            "eth_sendTransaction" => {
                let (request, fields) = parse_call(param(params, 0, "transaction")?)?;
                let tx = sign_for_dev_account(node, request, fields)?;
                submit(node, tx)
            }
            "eth_getTransactionByHash" => {
                let hash = json::parse_hash(param(params, 0, "hash")?, "hash")?;
                let base_fee = node.engine.config().base_fee;
                if let Some(tx) = node.pending.iter().find(|tx| tx.hash == hash) {
                    return Ok(json::transaction_json(tx, None, base_fee));
                }
                Ok(match node.engine.transaction(&hash) {
                    Some((tx, number)) => {
                        let block = node.engine.block(*number).expect("mined block");
                        let index = block.transactions.iter().position(|h| *h == hash).unwrap_or(0) as u64;
                        json::transaction_json(tx, Some((block, index)), base_fee)
                    }
                    None => Value::Null,
                })
            }
            "eth_getTransactionReceipt" => {
                let hash = json::parse_hash(param(params, 0, "hash")?, "hash")?;
                Ok(match node.engine.receipt(&hash) {
                    Some(receipt) => json::receipt_json(receipt, first_log_index(&node.engine, receipt)),
                    None => Value::Null,
                })
            }
            "eth_getBlockByNumber" | "eth_getBlockByHash" => {
                let id = match method {
                    "eth_getBlockByHash" => BlockId::Hash(json::parse_hash(param(params, 0, "hash")?, "hash")?),
                    _ => json::parse_block_id(Some(param(params, 0, "block")?))?,
                };
                let full = match params.get(1) {
                    None | Some(Value::Null) => false,
                    Some(Value::Bool(full)) => *full,
                    Some(_) => return Err(RpcError::invalid_params("full transactions flag must be a boolean")),
                };
                Ok(block_by_id(node, id, full))
            }
            "eth_getBlockTransactionCountByNumber" => {
                let id = json::parse_block_id(Some(param(params, 0, "block")?))?;
                Ok(resolve_block(node, id)
                    .and_then(|n| node.engine.block(n))
                    .map_or(Value::Null, |b| json::quantity(b.transactions.len() as u64)))
            }
            "eth_getLogs" => get_logs(node, param(params, 0, "filter")?),
            "evm_snapshot" => {
                let id = node.next_snapshot_id;
                node.next_snapshot_id += 1;
                let snapshot = node.engine.snapshot();
                node.snapshots.push((id, snapshot));
                Ok(json::quantity(id))
            }
            "evm_revert" => {
                let id = json::parse_u64(param(params, 0, "snapshot id")?, "snapshot id")?;
                let Some(position) = node.snapshots.iter().position(|(i, _)| *i == id) else {
                    return Ok(json!(false));
                };
                let (_, snapshot) = node.snapshots.drain(position..).next().expect("position exists");
                node.pending.clear();
                node.engine.revert_to_snapshot(snapshot);
                Ok(json!(true))
            }
            "evm_mine" | "anvil_mine" => {
                if let Some(timestamp) = params.first().filter(|v| !v.is_null()) {
                    let timestamp = json::parse_u64(timestamp, "timestamp")?;
                    node.engine.set_next_timestamp(timestamp);
                }
                let pending = std::mem::take(&mut node.pending);
                let (_, results) = node.engine.mine_block(pending);
                if !node.quiet {
                    results.iter().flatten().for_each(print_receipt);
                }
                Ok(json!("0x0"))
            }
            "evm_increaseTime" | "anvil_increaseTime" => {
                let seconds = match param(params, 0, "seconds")? {
                    Value::Number(n) => n.as_u64().ok_or_else(|| RpcError::invalid_params("seconds: expected a non-negative integer"))?,
                    other => json::parse_u64(other, "seconds")?,
                };
                node.engine.increase_time(seconds);
                Ok(json::quantity(seconds))
            }
            "evm_setNextBlockTimestamp" | "anvil_setNextBlockTimestamp" => {
                let timestamp = match param(params, 0, "timestamp")? {
                    Value::Number(n) => n.as_u64().ok_or_else(|| RpcError::invalid_params("timestamp: expected a non-negative integer"))?,
                    other => json::parse_u64(other, "timestamp")?,
                };
                if timestamp < node.engine.latest_block().timestamp {
                    return Err(RpcError::server(format!(
                        "timestamp {timestamp} is before the latest block's {}",
                        node.engine.latest_block().timestamp
                    )));
                }
                node.engine.set_next_timestamp(timestamp);
                Ok(Value::Null)
            }
            "anvil_setBalance" | "hardhat_setBalance" => {
                let address = json::parse_address(param(params, 0, "address")?, "address")?;
                let balance = json::parse_quantity(param(params, 1, "balance")?, "balance")?;
                node.engine.set_balance(address, balance);
                Ok(Value::Null)
            }
            _ => Err(RpcError::method_not_found(method)),
        }
    }
}

fn param<'a>(params: &'a [Value], index: usize, name: &str) -> Result<&'a Value, RpcError> {
    params
        .get(index)
        .ok_or_else(|| RpcError::invalid_params(format!("missing value for required argument {index} ({name})")))
}

/// The dev node keeps only the latest state; older blocks are refused clearly.
fn latest_state(node: &NodeState, block: Option<&Value>) -> Result<(), RpcError> {
    let latest = node.engine.latest_block();
    match json::parse_block_id(block)? {
        BlockId::Latest | BlockId::Pending => Ok(()),
        BlockId::Number(n) if n == latest.number => Ok(()),
        BlockId::Hash(h) if h == latest.hash => Ok(()),
        BlockId::Number(n) if n > latest.number => Err(RpcError::server("header not found")),
        _ => Err(RpcError::server(
            "historical state is not available: the dev node keeps the latest state only",
        )),
    }
}

fn resolve_block(node: &NodeState, id: BlockId) -> Option<u64> {
    let latest = node.engine.latest_block().number;
    match id {
        BlockId::Latest | BlockId::Pending => Some(latest),
        BlockId::Earliest => Some(0),
        BlockId::Number(n) => (n <= latest).then_some(n),
        BlockId::Hash(hash) => node.engine.block_by_hash(&hash).map(|b| b.number),
    }
}

fn block_by_id(node: &NodeState, id: BlockId, full: bool) -> Value {
    let Some(block) = resolve_block(node, id).and_then(|n| node.engine.block(n)) else {
        return Value::Null;
    };
    let base_fee = node.engine.config().base_fee;
    let transactions = block
        .transactions
        .iter()
        .enumerate()
        .map(|(index, hash)| match (full, node.engine.transaction(hash)) {
            (true, Some((tx, _))) => json::transaction_json(tx, Some((block, index as u64)), base_fee),
            _ => json::hash(hash),
        })
        .collect();
    json::block_json(block, transactions, &node.engine.config().coinbase)
}

fn first_log_index(engine: &Engine, receipt: &Receipt) -> u64 {
    engine
        .block_receipts(receipt.block_number)
        .iter()
        .take_while(|r| r.transaction_hash != receipt.transaction_hash)
        .map(|r| r.logs.len() as u64)
        .sum()
}

/// Fields of a call or transaction object that only transactions use.
#[derive(Default)]
struct TxFields {
    nonce: Option<u64>,
    gas_price: Option<u128>,
    max_fee_per_gas: Option<u128>,
    max_priority_fee_per_gas: Option<u128>,
    access_list: Vec<AccessListItem>,
    tx_type: Option<u64>,
}

fn parse_call(value: &Value) -> Result<(CallRequest, TxFields), RpcError> {
    let Value::Object(object) = value else {
        return Err(RpcError::invalid_params("expected a call object"));
    };
    let field = |name: &str| object.get(name).filter(|v| !v.is_null());
    let u128_field = |name: &str| -> Result<Option<u128>, RpcError> {
        field(name)
            .map(|v| {
                let q = json::parse_quantity(v, name)?;
                u128::try_from(q).map_err(|_| RpcError::invalid_params(format!("{name}: too large")))
            })
            .transpose()
    };
    let input = match (field("input"), field("data")) {
        (Some(input), Some(data)) if input != data => {
            return Err(RpcError::invalid_params(
                "both \"data\" and \"input\" are set and not equal. Please use \"input\" to pass transaction call data",
            ))
        }
        (Some(input), _) => json::parse_data(input, "input")?,
        (None, Some(data)) => json::parse_data(data, "data")?,
        (None, None) => Bytes::new(),
    };
    let request = CallRequest {
        from: field("from").map(|v| json::parse_address(v, "from")).transpose()?.unwrap_or(Address::ZERO),
        to: field("to").map(|v| json::parse_address(v, "to")).transpose()?,
        gas: field("gas").map(|v| json::parse_u64(v, "gas")).transpose()?,
        value: field("value").map(|v| json::parse_quantity(v, "value")).transpose()?.unwrap_or_default(),
        input,
        overrides: Vec::new(),
    };
    let mut access_list = Vec::new();
    if let Some(list) = field("accessList") {
        let Value::Array(items) = list else {
            return Err(RpcError::invalid_params("accessList: expected an array"));
        };
        for item in items {
            let address = json::parse_address(item.get("address").unwrap_or(&Value::Null), "accessList.address")?;
            let keys = match item.get("storageKeys") {
                Some(Value::Array(keys)) => keys
                    .iter()
                    .map(|k| json::parse_hash(k, "accessList.storageKeys"))
                    .collect::<Result<Vec<_>, _>>()?,
                None | Some(Value::Null) => Vec::new(),
                Some(_) => return Err(RpcError::invalid_params("accessList.storageKeys: expected an array")),
            };
            access_list.push(AccessListItem { address, storage_keys: keys });
        }
    }
    let fields = TxFields {
        nonce: field("nonce").map(|v| json::parse_u64(v, "nonce")).transpose()?,
        gas_price: u128_field("gasPrice")?,
        max_fee_per_gas: u128_field("maxFeePerGas")?,
        max_priority_fee_per_gas: u128_field("maxPriorityFeePerGas")?,
        access_list,
        tx_type: field("type").map(|v| json::parse_u64(v, "type")).transpose()?,
    };
    Ok((request, fields))
}

fn parse_slots(value: &Value, what: &str) -> Result<Vec<(B256, B256)>, RpcError> {
    let Value::Object(slots) = value else {
        return Err(RpcError::invalid_params(format!("{what}: expected an object of slot -> value")));
    };
    slots
        .iter()
        .map(|(key, value)| {
            let key = json::parse_hash(&Value::String(key.clone()), what)?;
            Ok((key, json::parse_hash(value, what)?))
        })
        .collect()
}

fn parse_overrides(value: &Value) -> Result<Vec<AccountOverride>, RpcError> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Object(accounts) => accounts
            .iter()
            .map(|(address, fields)| {
                let address = json::parse_address(&Value::String(address.clone()), "state override address")?;
                let get = |name: &str| fields.get(name).filter(|v| !v.is_null());
                if get("state").is_some() && get("stateDiff").is_some() {
                    return Err(RpcError::invalid_params(format!(
                        "account {address} has both 'state' and 'stateDiff'"
                    )));
                }
                Ok(AccountOverride {
                    address,
                    balance: get("balance").map(|v| json::parse_quantity(v, "balance")).transpose()?,
                    nonce: get("nonce").map(|v| json::parse_u64(v, "nonce")).transpose()?,
                    code: get("code").map(|v| json::parse_data(v, "code")).transpose()?,
                    state: get("state").map(|v| parse_slots(v, "state")).transpose()?,
                    state_diff: get("stateDiff").map(|v| parse_slots(v, "stateDiff")).transpose()?,
                })
            })
            .collect(),
        _ => Err(RpcError::invalid_params("state overrides must be an object")),
    }
}

fn sign_for_dev_account(node: &mut NodeState, request: CallRequest, fields: TxFields) -> Result<SignedTx, RpcError> {
    let Some(account) = node.accounts.iter().find(|a| a.address == request.from) else {
        return Err(RpcError::server(format!("unknown account {}: the node holds no key for it", request.from)));
    };
    let key = account.key.clone();
    let chain_id = node.engine.config().chain_id;
    let base_fee = node.engine.config().base_fee;
    let pending = node.pending.iter().filter(|tx| tx.sender == request.from).count() as u64;
    let nonce = fields.nonce.unwrap_or(node.engine.state().nonce(&request.from) + pending);
    let gas_limit = match request.gas {
        Some(gas) => gas,
        None => node.engine.estimate_gas(&request).map_err(|output| match output.result.outcome {
            Outcome::Revert => RpcError::reverted(&output.result.output),
            Outcome::Failure(failure) => RpcError::server(format!("gas required exceeds allowance or always failing transaction: {failure}")),
            Outcome::Success => RpcError::server("gas estimation failed"),
        })?,
    };
    let to = request.to.map_or(TxKind::Create, TxKind::Call);
    let legacy = fields.tx_type == Some(0) || (fields.gas_price.is_some() && fields.max_fee_per_gas.is_none());
    let body = if legacy {
        TxRequest::Legacy(tx::LegacyTx {
            chain_id: Some(chain_id),
            nonce,
            gas_price: fields.gas_price.unwrap_or(base_fee),
            gas_limit,
            to,
            value: request.value,
            input: request.input,
        })
    } else {
        TxRequest::Eip1559(tx::Eip1559Tx {
            chain_id,
            nonce,
            max_priority_fee_per_gas: fields.max_priority_fee_per_gas.unwrap_or(0),
            max_fee_per_gas: fields.max_fee_per_gas.unwrap_or(2 * base_fee),
            gas_limit,
            to,
            value: request.value,
            input: request.input,
            access_list: fields.access_list,
        })
    };
    Ok(SignedTx::sign(body, &key))
}

fn rejected(error: TxRejected) -> RpcError {
    RpcError::server(error.to_string())
}

fn submit(node: &mut NodeState, tx: SignedTx) -> RpcResult {
    let hash = tx.hash;
    if node.automine {
        let receipt = node.engine.send_transaction(tx).map_err(rejected)?;
        if !node.quiet {
            print_receipt(&receipt);
        }
    } else {
        if node.pending.iter().any(|p| p.hash == hash) {
            return Err(RpcError::server("already known"));
        }
        let pending = node.pending.iter().filter(|p| p.sender == tx.sender).count() as u64;
        node.engine.check_at_nonce(&tx, node.engine.state().nonce(&tx.sender) + pending).map_err(rejected)?;
        node.pending.push(tx);
    }
    Ok(json::hash(&hash))
}

/// The node's one line per transaction.
pub fn print_receipt(receipt: &Receipt) {
    let target = match (receipt.contract_address, receipt.to) {
        (Some(created), _) => format!("created {created}"),
        (None, Some(to)) => format!("to {to}"),
        (None, None) => "create failed".to_string(),
    };
    let status = if receipt.status { "ok".to_string() } else {
        format!("failed ({})", receipt.failure.as_deref().unwrap_or("reverted"))
    };
    println!(
        "tx {:#x} block {} {target} gas {} {status}",
        receipt.transaction_hash, receipt.block_number, receipt.gas_used
    );
}

fn fee_history(node: &NodeState, params: &[Value]) -> RpcResult {
    let count = match param(params, 0, "blockCount")? {
        Value::Number(n) => n.as_u64().ok_or_else(|| RpcError::invalid_params("blockCount: expected a non-negative integer"))?,
        other => json::parse_u64(other, "blockCount")?,
    };
    let newest = resolve_block(node, json::parse_block_id(Some(param(params, 1, "newestBlock")?))?)
        .ok_or_else(|| RpcError::server("header not found"))?;
    let percentiles = match params.get(2) {
        None | Some(Value::Null) => 0,
        Some(Value::Array(p)) => p.len(),
        Some(_) => return Err(RpcError::invalid_params("rewardPercentiles: expected an array")),
    };
    let count = count.min(1024).min(newest + 1);
    let oldest = newest + 1 - count;
    let base_fee = json::quantity(node.engine.config().base_fee);
    let mut ratios = Vec::new();
    let mut rewards = Vec::new();
    for number in oldest..=newest {
        let block = node.engine.block(number).expect("within the chain");
        ratios.push(json!(block.gas_used as f64 / block.gas_limit as f64));
        rewards.push(Value::Array(vec![json!("0x0"); percentiles]));
    }
    let mut result = json!({
        "oldestBlock": json::quantity(oldest),
        "baseFeePerGas": vec![base_fee; count as usize + 1],
        "gasUsedRatio": ratios,
    });
    if percentiles > 0 {
        result["reward"] = Value::Array(rewards);
    }
    Ok(result)
}

/// Most blocks one eth_getLogs may scan, as providers cap it.
const MAX_LOG_RANGE: u64 = 100_000;

fn get_logs(node: &NodeState, filter: &Value) -> RpcResult {
    let Value::Object(filter) = filter else {
        return Err(RpcError::invalid_params("expected a filter object"));
    };
    let get = |name: &str| filter.get(name).filter(|v| !v.is_null());
    let (from, to) = if let Some(hash) = get("blockHash") {
        if get("fromBlock").is_some() || get("toBlock").is_some() {
            return Err(RpcError::invalid_params("cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other"));
        }
        let hash = json::parse_hash(hash, "blockHash")?;
        let number = node.engine.block_by_hash(&hash).ok_or_else(|| RpcError::server("unknown block"))?.number;
        (number, number)
    } else {
        let latest = node.engine.latest_block().number;
        let bound = |name: &str| -> Result<u64, RpcError> {
            Ok(match json::parse_block_id(get(name))? {
                BlockId::Latest | BlockId::Pending => latest,
                BlockId::Earliest => 0,
                BlockId::Number(n) => n.min(latest),
                BlockId::Hash(h) => node.engine.block_by_hash(&h).ok_or_else(|| RpcError::server("unknown block"))?.number,
            })
        };
        (bound("fromBlock")?, bound("toBlock")?)
    };
    if from > to {
        return Err(RpcError::invalid_params("invalid block range params"));
    }
    if to - from > MAX_LOG_RANGE {
        return Err(RpcError::server(format!("query exceeds max block range {MAX_LOG_RANGE}")));
    }
    let addresses: Vec<Address> = match get("address") {
        None => Vec::new(),
        Some(Value::Array(items)) => items.iter().map(|a| json::parse_address(a, "address")).collect::<Result<_, _>>()?,
        Some(one) => vec![json::parse_address(one, "address")?],
    };
    let topics: Vec<Vec<B256>> = match get("topics") {
        None => Vec::new(),
        Some(Value::Array(positions)) => {
            if positions.len() > 4 {
                return Err(RpcError::invalid_params("too many topics: at most 4"));
            }
            positions
                .iter()
                .map(|position| match position {
                    Value::Null => Ok(Vec::new()),
                    Value::Array(any) => any.iter().map(|t| json::parse_hash(t, "topic")).collect(),
                    one => Ok(vec![json::parse_hash(one, "topic")?]),
                })
                .collect::<Result<_, _>>()?
        }
        Some(_) => return Err(RpcError::invalid_params("topics: expected an array")),
    };
    let mut logs = Vec::new();
    for number in from..=to {
        let mut index = 0u64;
        for receipt in node.engine.block_receipts(number) {
            for (log, json_log) in receipt.logs.iter().zip(json::logs_json(receipt, index)) {
                let address_ok = addresses.is_empty() || addresses.contains(&log.address);
                let topics_ok = topics.iter().enumerate().all(|(i, wanted)| {
                    wanted.is_empty() || log.topics.get(i).is_some_and(|t| wanted.contains(t))
                });
                if address_ok && topics_ok {
                    logs.push(json_log);
                }
            }
            index += receipt.logs.len() as u64;
        }
    }
    Ok(Value::Array(logs))
}
