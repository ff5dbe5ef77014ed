//! The Ethereum JSON-RPC wire format: hex quantities and data, block tags, and the JSON shapes
//! of blocks, transactions, receipts and logs as geth (and Nitro, with its extra receipt
//! fields) returns them.

use alloy_primitives::{hex, Address, Bytes, B256, U256};
use serde_json::{json, Map, Value};

use super::{error::RpcError, params::StorageKey};
use crate::engine::{
    chain::{Block, Receipt},
    trie::AccountProof,
    logs::MatchedLog,
    query::BlockId,
    tx::{SignedTx, TxKind, TxRequest},
    types::Log,
};

/// Integers the wire format writes as `0x`-prefixed minimal hex.
pub trait Quantity {
    fn to_u256(self) -> U256;
}

macro_rules! quantity_from {
    ($($t:ty),*) => {$(impl Quantity for $t {
        fn to_u256(self) -> U256 {
            U256::from(self)
        }
    })*};
}
quantity_from!(u8, u16, u32, u64, u128, usize);

impl Quantity for U256 {
    fn to_u256(self) -> U256 {
        self
    }
}

pub fn quantity(value: impl Quantity) -> Value {
    Value::String(format!("{:#x}", value.to_u256()))
}

pub fn data(bytes: &[u8]) -> Value {
    Value::String(hex::encode_prefixed(bytes))
}

pub fn hash(value: &B256) -> Value {
    Value::String(format!("{value:#x}"))
}

pub fn address(value: &Address) -> Value {
    // Lowercase hex, as geth and anvil write addresses (clients accept either case).
    Value::String(alloy_primitives::hex::encode_prefixed(value))
}

fn expect_str<'a>(value: &'a Value, what: &str) -> Result<&'a str, RpcError> {
    value.as_str().ok_or_else(|| RpcError::invalid_params(format!("{what}: expected a hex string")))
}

fn strip_0x<'a>(text: &'a str, what: &str) -> Result<&'a str, RpcError> {
    text.strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .ok_or_else(|| RpcError::invalid_params(format!("{what}: hex string without 0x prefix")))
}

pub fn parse_quantity(value: &Value, what: &str) -> Result<U256, RpcError> {
    let digits = strip_0x(expect_str(value, what)?, what)?;
    if digits.is_empty() {
        return Err(RpcError::invalid_params(format!("{what}: hex string \"0x\"")));
    }
    // Leading zeros break the spec but common clients send them (ethers writes "type":
    // "0x02"), so they are read, not refused.
    let digits = digits.trim_start_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    if digits.len() > 64 {
        return Err(RpcError::invalid_params(format!("{what}: hex number > 256 bits")));
    }
    U256::from_str_radix(digits, 16).map_err(|_| RpcError::invalid_params(format!("{what}: invalid hex string")))
}

pub fn parse_u64(value: &Value, what: &str) -> Result<u64, RpcError> {
    let quantity = parse_quantity(value, what)?;
    u64::try_from(quantity).map_err(|_| RpcError::invalid_params(format!("{what}: hex number > 64 bits")))
}

pub fn parse_data(value: &Value, what: &str) -> Result<Bytes, RpcError> {
    let digits = strip_0x(expect_str(value, what)?, what)?;
    hex::decode(digits)
        .map(Bytes::from)
        .map_err(|_| RpcError::invalid_params(format!("{what}: invalid hex data")))
}

pub fn parse_address(value: &Value, what: &str) -> Result<Address, RpcError> {
    let bytes = parse_data(value, what)?;
    if bytes.len() != 20 {
        return Err(RpcError::invalid_params(format!("{what}: an address is 20 bytes, got {}", bytes.len())));
    }
    Ok(Address::from_slice(&bytes))
}

pub fn parse_hash(value: &Value, what: &str) -> Result<B256, RpcError> {
    let bytes = parse_data(value, what)?;
    if bytes.len() != 32 {
        return Err(RpcError::invalid_params(format!("{what}: a hash is 32 bytes, got {}", bytes.len())));
    }
    Ok(B256::from_slice(&bytes))
}

pub fn parse_block_id(value: Option<&Value>) -> Result<BlockId, RpcError> {
    let Some(value) = value else { return Ok(BlockId::Latest) };
    match value {
        Value::Null => Ok(BlockId::Latest),
        Value::String(tag) => match tag.as_str() {
            "latest" | "safe" | "finalized" => Ok(BlockId::Latest),
            "pending" => Ok(BlockId::Pending),
            "earliest" => Ok(BlockId::Earliest),
            _ if tag.len() == 66 => Ok(BlockId::Hash(parse_hash(value, "block hash")?)),
            _ => Ok(BlockId::Number(parse_u64(value, "block number")?)),
        },
        // EIP-1898.
        Value::Object(object) => {
            if let Some(hash) = object.get("blockHash") {
                Ok(BlockId::Hash(parse_hash(hash, "blockHash")?))
            } else if let Some(number) = object.get("blockNumber") {
                Ok(BlockId::Number(parse_u64(number, "blockNumber")?))
            } else {
                Err(RpcError::invalid_params("block id object needs blockHash or blockNumber"))
            }
        }
        _ => Err(RpcError::invalid_params("invalid block id")),
    }
}

/// keccak256(rlp([])): the uncles hash of a block without uncles.
const EMPTY_UNCLES: B256 =
    alloy_primitives::b256!("1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
/// The root of an empty trie.
const EMPTY_ROOT: B256 =
    alloy_primitives::b256!("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");

/// A block; `state_root` is the root of the state after it (`Engine::state_root`).
pub fn block_json(block: &Block, transactions: Vec<Value>, coinbase: &Address, state_root: &B256) -> Value {
    let tx_root = if block.transactions.is_empty() {
        EMPTY_ROOT
    } else {
        alloy_primitives::keccak256(block.transactions.iter().flat_map(|h| h.0).collect::<Vec<u8>>())
    };
    json!({
        "number": quantity(block.number),
        "hash": hash(&block.hash),
        "parentHash": hash(&block.parent_hash),
        "nonce": "0x0000000000000000",
        "mixHash": hash(&B256::ZERO),
        "sha3Uncles": hash(&EMPTY_UNCLES),
        "logsBloom": data(block.logs_bloom.as_slice()),
        "transactionsRoot": hash(&tx_root),
        "stateRoot": hash(state_root),
        "receiptsRoot": hash(&if block.transactions.is_empty() { EMPTY_ROOT } else { alloy_primitives::keccak256(tx_root) }),
        "miner": address(coinbase),
        "difficulty": "0x1",
        "totalDifficulty": quantity(block.number + 1),
        "extraData": "0x",
        "size": quantity(1_000 + 32 * block.transactions.len() as u64),
        "gasLimit": quantity(block.gas_limit),
        "gasUsed": quantity(block.gas_used),
        "timestamp": quantity(block.timestamp),
        "baseFeePerGas": quantity(block.base_fee),
        "transactions": transactions,
        "uncles": [],
        // Nitro's L1 fields.
        "l1BlockNumber": quantity(block.number),
        "sendCount": "0x0",
        "sendRoot": hash(&B256::ZERO),
    })
}

/// eth_getProof's answer, as geth and anvil give it; each storage key comes back as it was
/// asked for (see [`StorageKey`]).
pub fn proof_json(proof: &AccountProof, keys: &[StorageKey]) -> Value {
    let nodes = |nodes: &[Bytes]| nodes.iter().map(|node| data(node)).collect::<Vec<_>>();
    let storage: Vec<Value> = proof
        .storage_proof
        .iter()
        .zip(keys)
        .map(|(slot, asked)| {
            let key = if asked.full { hash(&slot.key) } else { quantity(U256::from_be_bytes(slot.key.0)) };
            json!({ "key": key, "value": quantity(slot.value), "proof": nodes(&slot.proof) })
        })
        .collect();
    json!({
        "address": address(&proof.address),
        "balance": quantity(proof.balance),
        "codeHash": hash(&proof.code_hash),
        "nonce": quantity(proof.nonce),
        "storageHash": hash(&proof.storage_hash),
        "accountProof": nodes(&proof.account_proof),
        "storageProof": storage,
    })
}

fn access_list_of(request: &TxRequest) -> Value {
    access_list_json(request.access_list())
}

/// An EIP-2930 access list: `[{address, storageKeys}]`.
pub fn access_list_json(list: &[crate::engine::tx::AccessListItem]) -> Value {
    Value::Array(
        list
            .iter()
            .map(|item| {
                json!({
                    "address": address(&item.address),
                    "storageKeys": item.storage_keys.iter().map(hash).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

pub fn transaction_json(tx: &SignedTx, block: Option<(&Block, u64)>, base_fee: u128) -> Value {
    let request = &tx.request;
    let mut object = Map::new();
    object.insert("hash".into(), hash(&tx.hash));
    object.insert("type".into(), quantity(request.tx_type()));
    object.insert("nonce".into(), quantity(request.nonce()));
    object.insert("from".into(), address(&tx.sender));
    object.insert(
        "to".into(),
        match request.to() {
            TxKind::Call(to) => address(&to),
            TxKind::Create => Value::Null,
        },
    );
    object.insert("value".into(), quantity(request.value()));
    object.insert("gas".into(), quantity(request.gas_limit()));
    object.insert("input".into(), data(request.input()));
    let price = match block {
        Some(_) => request.effective_gas_price(base_fee).min(request.max_fee_per_gas()),
        None => request.max_fee_per_gas(),
    };
    object.insert("gasPrice".into(), quantity(price));
    if let TxRequest::Eip1559(inner) = request {
        object.insert("maxFeePerGas".into(), quantity(inner.max_fee_per_gas));
        object.insert("maxPriorityFeePerGas".into(), quantity(inner.max_priority_fee_per_gas));
    }
    if request.tx_type() != 0 {
        object.insert("accessList".into(), access_list_of(request));
        object.insert("yParity".into(), quantity(tx.signature.y_parity as u8));
    }
    if let Some(chain_id) = request.chain_id() {
        object.insert("chainId".into(), quantity(chain_id));
    }
    object.insert("v".into(), quantity(tx.v()));
    object.insert("r".into(), quantity(tx.signature.r));
    object.insert("s".into(), quantity(tx.signature.s));
    match block {
        Some((block, index)) => {
            object.insert("blockHash".into(), hash(&block.hash));
            object.insert("blockNumber".into(), quantity(block.number));
            object.insert("blockTimestamp".into(), quantity(block.timestamp));
            object.insert("transactionIndex".into(), quantity(index));
        }
        None => {
            object.insert("blockHash".into(), Value::Null);
            object.insert("blockNumber".into(), Value::Null);
            object.insert("transactionIndex".into(), Value::Null);
        }
    }
    Value::Object(object)
}

/// A log with its position: `log_index` is block-wide; `blockTimestamp` as geth (1.16) and
/// anvil add it.
fn log_json(log: &Log, receipt: &Receipt, log_index: u64, block_timestamp: u64) -> Value {
    json!({
        "address": address(&log.address),
        "topics": log.topics.iter().map(hash).collect::<Vec<_>>(),
        "data": data(&log.data),
        "blockNumber": quantity(receipt.block_number),
        "blockHash": hash(&receipt.block_hash),
        "blockTimestamp": quantity(block_timestamp),
        "transactionHash": hash(&receipt.transaction_hash),
        "transactionIndex": quantity(receipt.transaction_index),
        "logIndex": quantity(log_index),
        "removed": false,
    })
}

/// An eth_getLogs result entry.
pub fn matched_log_json(matched: &MatchedLog<'_>) -> Value {
    log_json(matched.log, matched.receipt, matched.log_index, matched.block_timestamp)
}

/// A receipt's logs with their positions; `first_log_index` is the block-wide index of the
/// first one.
pub fn logs_json(receipt: &Receipt, first_log_index: u64, block_timestamp: u64) -> Vec<Value> {
    receipt
        .logs
        .iter()
        .enumerate()
        .map(|(i, log)| log_json(log, receipt, first_log_index + i as u64, block_timestamp))
        .collect()
}

/// A receipt; `block_timestamp` is its block's (anvil's `blockTimestamp`, and its logs').
pub fn receipt_json(receipt: &Receipt, first_log_index: u64, block_timestamp: u64) -> Value {
    json!({
        "transactionHash": hash(&receipt.transaction_hash),
        "transactionIndex": quantity(receipt.transaction_index),
        "blockHash": hash(&receipt.block_hash),
        "blockNumber": quantity(receipt.block_number),
        "from": address(&receipt.from),
        "to": receipt.to.as_ref().map_or(Value::Null, address),
        "contractAddress": receipt.contract_address.as_ref().map_or(Value::Null, address),
        "cumulativeGasUsed": quantity(receipt.cumulative_gas_used),
        "gasUsed": quantity(receipt.gas_used),
        "effectiveGasPrice": quantity(receipt.effective_gas_price),
        "blockTimestamp": quantity(block_timestamp),
        "logs": logs_json(receipt, first_log_index, block_timestamp),
        "logsBloom": data(receipt.logs_bloom.as_slice()),
        "status": quantity(receipt.status as u8),
        "type": quantity(receipt.tx_type),
        // Nitro's receipts also say how much of the gas paid for L1 data (none here).
        "gasUsedForL1": "0x0",
        "l1BlockNumber": quantity(receipt.block_number),
    })
}

/// A call trace as geth's callTracer writes it; `only_top` drops the inner frames.
pub fn trace_json(trace: &crate::engine::trace::CallTrace, only_top: bool) -> Value {
    let mut root = frame_json(&trace.root, !only_top);
    if trace.dropped_frames > 0 {
        root["truncatedFrames"] = json!(trace.dropped_frames);
    }
    root
}

/// geth's default struct logger output (`logger.ExecutionResult`): the gas used, whether the
/// call failed, its return data and every EVM step; stack entries as hex quantities, storage
/// as 64-digit hex without prefix, as geth writes them. A trace past the bound is refused.
pub fn struct_logs_json(
    trace: &crate::engine::trace::CallTrace,
    options: &super::params::TraceOptions,
) -> Result<Value, RpcError> {
    let Some(logs) = &trace.struct_logs else {
        return Err(RpcError::server(format!(
            "no opcode steps kept for this transaction: the node keeps them for the latest {} transactions (the callTracer still answers)",
            crate::engine::chain::STRUCT_LOGS_KEPT
        )));
    };
    if logs.dropped > 0 {
        return Err(RpcError::server(format!(
            "the trace has more than {} EVM steps ({} more); the node keeps at most that many",
            crate::engine::trace::MAX_STRUCT_LOGS,
            logs.dropped
        )));
    }
    let steps: Vec<Value> = logs
        .steps
        .iter()
        .map(|step| {
            let mut object = Map::new();
            object.insert("pc".into(), json!(step.pc));
            let name = revm_interpreter::OpCode::new(step.op).map_or_else(|| format!("opcode {:#x} not defined", step.op), |op| op.as_str().to_string());
            object.insert("op".into(), json!(name));
            object.insert("gas".into(), json!(step.gas));
            object.insert("gasCost".into(), json!(step.gas_cost));
            object.insert("depth".into(), json!(step.depth));
            if !options.disable_stack {
                object.insert("stack".into(), json!(step.stack.iter().map(|v| format!("{v:#x}")).collect::<Vec<_>>()));
            }
            if let (Some(storage), false) = (&step.storage, options.disable_storage) {
                let map: Map<String, Value> = storage
                    .iter()
                    .map(|(k, v)| (alloy_primitives::hex::encode(k), json!(alloy_primitives::hex::encode(v))))
                    .collect();
                object.insert("storage".into(), Value::Object(map));
            }
            if step.refund > 0 {
                object.insert("refund".into(), json!(step.refund));
            }
            if let Some(error) = &step.error {
                object.insert("error".into(), json!(error));
            }
            Value::Object(object)
        })
        .collect();
    Ok(json!({
        "gas": trace.root.gas_used,
        "failed": trace.root.error.is_some(),
        "returnValue": alloy_primitives::hex::encode_prefixed(&trace.root.output),
        "structLogs": steps,
    }))
}

/// A stylusTracer trace as Nitro writes it (`json.Marshal` of `[]HostioTraceInfo`): byte
/// strings as 0x-hex, ink as JSON numbers, `address` and `steps` only on call records. A
/// trace past the bound is refused: Nitro's format has no room to say records are missing,
/// and `cargo stylus trace` would replay a partial trace as if whole.
pub fn stylus_trace_json(trace: &crate::engine::trace::CallTrace) -> Result<Value, RpcError> {
    let Some(hostio) = &trace.hostio else {
        return Err(RpcError::server("no stylusTracer trace kept for this transaction"));
    };
    if hostio.dropped_records > 0 {
        return Err(RpcError::server(format!(
            "stylusTracer: the trace has more than {} host calls ({} more); the node keeps at most that many",
            crate::engine::trace::MAX_TRACE_FRAMES,
            hostio.dropped_records
        )));
    }
    Ok(hostio_steps_json(&hostio.steps))
}

fn hostio_steps_json(steps: &[crate::engine::trace::HostioRecord]) -> Value {
    steps
        .iter()
        .map(|record| {
            let mut object = Map::new();
            object.insert("name".into(), json!(record.name));
            object.insert("args".into(), data(&record.args));
            object.insert("outs".into(), data(&record.outs));
            object.insert("startInk".into(), json!(record.start_ink));
            object.insert("endInk".into(), json!(record.end_ink));
            if let Some((to, inner)) = &record.nested {
                // Go writes common.Address in lower case.
                object.insert("address".into(), data(to.as_slice()));
                object.insert("steps".into(), hostio_steps_json(inner));
            }
            Value::Object(object)
        })
        .collect()
}

fn frame_json(frame: &crate::engine::trace::CallFrame, nested: bool) -> Value {
    use crate::engine::trace::FrameKind;
    let mut object = Map::new();
    object.insert("type".into(), json!(frame.kind.name()));
    object.insert("from".into(), address(&frame.from));
    if let Some(to) = &frame.to {
        object.insert("to".into(), address(to));
    }
    if matches!(frame.kind, FrameKind::Call | FrameKind::CallCode | FrameKind::Create | FrameKind::Create2) {
        object.insert("value".into(), quantity(frame.value));
    }
    object.insert("gas".into(), quantity(frame.gas));
    object.insert("gasUsed".into(), quantity(frame.gas_used));
    object.insert("input".into(), data(&frame.input));
    if !frame.output.is_empty() {
        object.insert("output".into(), data(&frame.output));
    }
    if let Some(error) = &frame.error {
        object.insert("error".into(), json!(error));
        if let Some(reason) = crate::engine::types::revert_reason(&frame.output) {
            object.insert("revertReason".into(), json!(reason));
        }
    }
    if nested && !frame.calls.is_empty() {
        object.insert("calls".into(), frame.calls.iter().map(|call| frame_json(call, true)).collect());
    }
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_follow_the_spec() {
        assert_eq!(quantity(0u64), json!("0x0"));
        assert_eq!(quantity(1024u64), json!("0x400"));
        assert_eq!(parse_u64(&json!("0x400"), "q").unwrap(), 1024);
        assert_eq!(parse_u64(&json!("0x02"), "q").unwrap(), 2, "ethers sends leading zeros");
        assert!(parse_u64(&json!("400"), "q").is_err(), "0x is required");
        assert!(parse_u64(&json!("0x"), "q").is_err());
        assert!(parse_u64(&json!(1024), "q").is_err());
        assert!(parse_u64(&json!("0x10000000000000000"), "q").is_err());
    }

    #[test]
    fn block_ids() {
        assert_eq!(parse_block_id(None).unwrap(), BlockId::Latest);
        assert_eq!(parse_block_id(Some(&json!("pending"))).unwrap(), BlockId::Pending);
        assert_eq!(parse_block_id(Some(&json!("0x5"))).unwrap(), BlockId::Number(5));
        assert_eq!(
            parse_block_id(Some(&json!({"blockNumber": "0x2"}))).unwrap(),
            BlockId::Number(2)
        );
        assert!(parse_block_id(Some(&json!("soon"))).is_err());
    }
}
