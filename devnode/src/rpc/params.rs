//! Positional JSON-RPC parameters into typed values.
//!
//! Every parameter type says how it reads one array element ([`Param`]); the method table
//! (`request.rs`) lists each method's parameters with their names, so every message names the
//! parameter and what was wrong with it, with geth's wording where geth has one. Errors here
//! are all -32602: whatever the chain thinks of a value is decided later, by the node.

use alloy_primitives::{Address, Bytes, B256, U256};
use serde_json::Value;

use super::{
    error::RpcError,
    json::{parse_address, parse_block_id, parse_data, parse_hash, parse_quantity, parse_u64},
};
use crate::{
    engine::{
        chain::{AccountOverride, CallRequest},
        logs::{LogBlocks, LogFilter},
        query::BlockId,
        tx::AccessListItem,
    },
    node::signer::TxFields,
};

/// A value read from a request's `params` array.
pub trait Param: Sized {
    /// Whether the method needs the element (optional ones may be absent or null).
    const REQUIRED: bool = true;

    /// Reads element `index` (`None` past the end of the array); `name` is for messages.
    fn from_param(value: Option<&Value>, index: usize, name: &str) -> Result<Self, RpcError> {
        let value = value.ok_or_else(|| {
            RpcError::invalid_params(format!("missing value for required argument {index} ({name})"))
        })?;
        Self::from_value(value, name)
    }

    /// Reads a present element.
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError>;
}

/// The `params` member as an array: absent or null is no parameters.
pub fn params_array(params: &Value) -> Result<&[Value], RpcError> {
    match params {
        Value::Array(items) => Ok(items),
        Value::Null => Ok(&[]),
        _ => Err(RpcError::invalid_params("params must be an array")),
    }
}

impl<T: Param> Param for Option<T> {
    const REQUIRED: bool = false;

    fn from_param(value: Option<&Value>, _index: usize, name: &str) -> Result<Self, RpcError> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::from_value(value, name).map(Some),
        }
    }

    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        Self::from_param(Some(value), 0, name)
    }
}

impl Param for Address {
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        parse_address(value, name)
    }
}

impl Param for B256 {
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        parse_hash(value, name)
    }
}

impl Param for Bytes {
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        parse_data(value, name)
    }
}

/// A quantity: `0x`-prefixed hex.
impl Param for U256 {
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        parse_quantity(value, name)
    }
}

/// A quantity that fits 64 bits.
impl Param for u64 {
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        parse_u64(value, name)
    }
}

impl Param for bool {
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        value.as_bool().ok_or_else(|| RpcError::invalid_params(format!("{name} must be a boolean")))
    }
}

/// A tag, number, hash or EIP-1898 object; null is `latest`.
impl Param for BlockId {
    fn from_value(value: &Value, _name: &str) -> Result<Self, RpcError> {
        parse_block_id(Some(value))
    }
}

/// A count or a time that tools send either as a JSON number (hardhat's and anvil's test
/// methods, eth_feeHistory's blockCount from many libraries) or as a hex quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Integer(pub u64);

impl Param for Integer {
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        match value {
            Value::Number(n) => n
                .as_u64()
                .map(Integer)
                .ok_or_else(|| RpcError::invalid_params(format!("{name}: expected a non-negative integer"))),
            other => parse_u64(other, name).map(Integer),
        }
    }
}

/// eth_signTypedData_v4's typed data: the EIP-712 object, or that object as a JSON string
/// (MetaMask's form). Its content is checked when it is hashed.
#[derive(Debug, Clone, PartialEq)]
pub struct TypedData(pub Value);

impl Param for TypedData {
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        match value {
            Value::Object(_) | Value::String(_) => Ok(TypedData(value.clone())),
            _ => Err(RpcError::invalid_params(format!("{name}: expected an EIP-712 object"))),
        }
    }
}

/// evm_mine's options, as anvil reads them: a timestamp (number or hex), or an object
/// `{timestamp, blocks}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MineOptions {
    pub timestamp: Option<u64>,
    pub blocks: Option<u64>,
}

impl Param for MineOptions {
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        match value {
            Value::Object(options) => {
                let field = |key: &str| -> Result<Option<u64>, RpcError> {
                    match options.get(key) {
                        None | Some(Value::Null) => Ok(None),
                        Some(v) => Integer::from_value(v, &format!("{name}.{key}")).map(|Integer(n)| Some(n)),
                    }
                };
                Ok(MineOptions { timestamp: field("timestamp")?, blocks: field("blocks")? })
            }
            other => Ok(MineOptions { timestamp: Some(Integer::from_value(other, name)?.0), blocks: None }),
        }
    }
}

/// anvil_reset's options: `{forking: {jsonRpcUrl, blockNumber}}` asks for a fork, which the
/// dev node cannot make; anything else (or nothing) resets the local chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ResetOptions {
    pub fork: bool,
}

impl Param for ResetOptions {
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        let Value::Object(options) = value else {
            return Err(RpcError::invalid_params(format!("{name}: expected an object")));
        };
        let forking = options.get("forking").filter(|v| !v.is_null());
        let url = |v: &Value| v.get("jsonRpcUrl").is_some_and(|u| !u.is_null());
        Ok(ResetOptions { fork: forking.is_some_and(url) || url(value) })
    }
}

/// eth_subscribe's first parameter: what to subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionKind {
    NewHeads,
    Logs,
    NewPendingTransactions,
}

impl Param for SubscriptionKind {
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        match value.as_str() {
            Some("newHeads") => Ok(SubscriptionKind::NewHeads),
            Some("logs") => Ok(SubscriptionKind::Logs),
            Some("newPendingTransactions") => Ok(SubscriptionKind::NewPendingTransactions),
            Some(other) => Err(RpcError::invalid_params(format!(
                "{name}: no subscription {other:?} (newHeads, logs or newPendingTransactions)"
            ))),
            None => Err(RpcError::invalid_params(format!("{name}: expected a string"))),
        }
    }
}

/// eth_subscribe's second parameter, read by kind: a log filter for `logs`, a `full` flag for
/// `newPendingTransactions`.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionOptions(pub Value);

impl Param for SubscriptionOptions {
    fn from_value(value: &Value, _name: &str) -> Result<Self, RpcError> {
        Ok(SubscriptionOptions(value.clone()))
    }
}

/// debug_traceTransaction's and debug_traceCall's options: geth's default struct logger (no
/// `tracer`: the EVM frames' opcode steps; Stylus frames run WASM and add none, as on Nitro),
/// geth's `callTracer`, or Nitro's `stylusTracer` (the host calls `cargo stylus trace` reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TraceOptions {
    pub only_top_call: bool,
    pub tracer: Tracer,
    /// The struct logger's `disableStack` and `disableStorage`.
    pub disable_stack: bool,
    pub disable_storage: bool,
}

/// Which tracer a debug_trace method runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tracer {
    /// geth's default struct logger: every EVM opcode step.
    #[default]
    Struct,
    /// geth's callTracer: the call tree.
    Call,
    /// Nitro's stylusTracer: each program's host calls, nested by call.
    Stylus,
}

impl Param for TraceOptions {
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        let Value::Object(options) = value else {
            return Err(RpcError::invalid_params(format!("{name}: expected an object")));
        };
        let flag_in = |object: Option<&Value>, key: &str| -> Result<bool, RpcError> {
            match object.and_then(|c| c.get(key)) {
                None | Some(Value::Null) => Ok(false),
                Some(Value::Bool(b)) => Ok(*b),
                Some(_) => Err(RpcError::invalid_params(format!("{name}: {key} must be a boolean"))),
            }
        };
        let tracer = match options.get("tracer") {
            None | Some(Value::Null) => {
                // The struct logger's options sit on the object itself.
                if flag_in(Some(value), "enableMemory")? {
                    return Err(RpcError::invalid_params(format!("{name}: enableMemory is not supported")));
                }
                return Ok(TraceOptions {
                    tracer: Tracer::Struct,
                    disable_stack: flag_in(Some(value), "disableStack")?,
                    disable_storage: flag_in(Some(value), "disableStorage")?,
                    ..TraceOptions::default()
                });
            }
            Some(Value::String(tracer)) if tracer == "callTracer" => Tracer::Call,
            // Nitro's stylusTracer takes no configuration (newStylusTracer ignores it).
            Some(Value::String(tracer)) if tracer == "stylusTracer" => return Ok(TraceOptions { tracer: Tracer::Stylus, ..TraceOptions::default() }),
            _ => return Err(RpcError::invalid_params(TraceOptions::TRACERS)),
        };
        let config = options.get("tracerConfig").filter(|c| !c.is_null());
        if flag_in(config, "withLog")? {
            return Err(RpcError::invalid_params(format!("{name}: tracerConfig.withLog is not supported")));
        }
        Ok(TraceOptions { only_top_call: flag_in(config, "onlyTopCall")?, tracer, ..TraceOptions::default() })
    }
}

impl TraceOptions {
    pub const TRACERS: &'static str = "the tracers are geth's default struct logger (no \"tracer\"), the callTracer \
         ({\"tracer\": \"callTracer\"}) and Nitro's stylusTracer ({\"tracer\": \"stylusTracer\"})";
}

/// A position in a block (eth_getTransactionByBlock...AndIndex): a hex quantity, or a JSON
/// number as alloy's `Index` also reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Index(pub u64);

impl Param for Index {
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        Integer::from_value(value, name).map(|Integer(n)| Index(n))
    }
}

/// Most storage keys one eth_getProof may ask for: each costs a hash and a path through the
/// account's storage trie, and the node answers nothing else meanwhile.
pub const MAX_PROOF_KEYS: usize = 1024;

/// One of eth_getProof's storage keys: `0x` and up to 32 bytes of hex, read left-padded as
/// geth reads them (anvil takes exactly 32 bytes only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageKey {
    pub key: B256,
    /// Given as 32 bytes: answered as 32 bytes, any other as a quantity (geth's rule).
    pub full: bool,
}

/// eth_getProof's storage keys, at most [`MAX_PROOF_KEYS`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StorageKeys(pub Vec<StorageKey>);

impl Param for StorageKeys {
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        let Value::Array(items) = value else {
            return Err(RpcError::invalid_params(format!("{name}: expected an array of storage keys")));
        };
        if items.len() > MAX_PROOF_KEYS {
            return Err(RpcError::invalid_params(format!("{name}: at most {MAX_PROOF_KEYS} keys a call, got {}", items.len())));
        }
        items.iter().map(|item| storage_key(item, name)).collect::<Result<_, _>>().map(StorageKeys)
    }
}

fn storage_key(value: &Value, name: &str) -> Result<StorageKey, RpcError> {
    let text = value.as_str().ok_or_else(|| RpcError::invalid_params(format!("{name}: expected a hex string")))?;
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .ok_or_else(|| RpcError::invalid_params(format!("{name}: hex string without 0x prefix")))?;
    let padded = if digits.len() % 2 == 1 { format!("0{digits}") } else { digits.to_string() };
    let bytes = alloy_primitives::hex::decode(&padded).map_err(|_| RpcError::invalid_params(format!("{name}: invalid hex string")))?;
    if bytes.len() > 32 {
        return Err(RpcError::invalid_params(format!("{name}: hex string too long, want at most 32 bytes")));
    }
    let mut key = B256::ZERO;
    key[32 - bytes.len()..].copy_from_slice(&bytes);
    Ok(StorageKey { key, full: bytes.len() == 32 })
}

/// eth_feeHistory's reward percentiles. Every tip on the dev chain is zero, so only how many
/// columns to return matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Percentiles(pub usize);

impl Param for Percentiles {
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        match value {
            Value::Array(percentiles) => Ok(Percentiles(percentiles.len())),
            _ => Err(RpcError::invalid_params(format!("{name}: expected an array"))),
        }
    }
}

/// A call or transaction object (eth_call, eth_estimateGas, eth_sendTransaction): the call,
/// and the fields only a transaction uses.
#[derive(Debug, Clone, Default)]
pub struct CallObject {
    pub call: CallRequest,
    pub fields: TxFields,
}

impl Param for CallObject {
    fn from_value(value: &Value, _name: &str) -> Result<Self, RpcError> {
        let Value::Object(object) = value else {
            return Err(RpcError::invalid_params("expected a call object"));
        };
        let field = |name: &str| object.get(name).filter(|v| !v.is_null());
        let u128_field = |name: &str| -> Result<Option<u128>, RpcError> {
            field(name)
                .map(|v| {
                    let q = parse_quantity(v, name)?;
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
            (Some(input), _) => parse_data(input, "input")?,
            (None, Some(data)) => parse_data(data, "data")?,
            (None, None) => Bytes::new(),
        };
        let call = CallRequest {
            from: field("from").map(|v| parse_address(v, "from")).transpose()?.unwrap_or(Address::ZERO),
            to: field("to").map(|v| parse_address(v, "to")).transpose()?,
            gas: field("gas").map(|v| parse_u64(v, "gas")).transpose()?,
            value: field("value").map(|v| parse_quantity(v, "value")).transpose()?.unwrap_or_default(),
            input,
            overrides: Vec::new(),
        };
        let access_list = field("accessList").map(parse_access_list).transpose()?.unwrap_or_default();
        let fields = TxFields {
            nonce: field("nonce").map(|v| parse_u64(v, "nonce")).transpose()?,
            gas_price: u128_field("gasPrice")?,
            max_fee_per_gas: u128_field("maxFeePerGas")?,
            max_priority_fee_per_gas: u128_field("maxPriorityFeePerGas")?,
            access_list,
            tx_type: field("type").map(|v| parse_u64(v, "type")).transpose()?,
        };
        Ok(CallObject { call, fields })
    }
}

fn parse_access_list(list: &Value) -> Result<Vec<AccessListItem>, RpcError> {
    let Value::Array(items) = list else {
        return Err(RpcError::invalid_params("accessList: expected an array"));
    };
    items
        .iter()
        .map(|item| {
            let address = parse_address(item.get("address").unwrap_or(&Value::Null), "accessList.address")?;
            let storage_keys = match item.get("storageKeys") {
                Some(Value::Array(keys)) => {
                    keys.iter().map(|k| parse_hash(k, "accessList.storageKeys")).collect::<Result<_, _>>()?
                }
                None | Some(Value::Null) => Vec::new(),
                Some(_) => return Err(RpcError::invalid_params("accessList.storageKeys: expected an array")),
            };
            Ok(AccessListItem { address, storage_keys })
        })
        .collect()
}

/// eth_call's state-override set (geth's `StateOverride`): address -> balance, nonce, code,
/// and either `state` (all storage) or `stateDiff` (some slots).
#[derive(Debug, Clone, Default)]
pub struct StateOverrides(pub Vec<AccountOverride>);

impl Param for StateOverrides {
    fn from_value(value: &Value, _name: &str) -> Result<Self, RpcError> {
        let Value::Object(accounts) = value else {
            return Err(RpcError::invalid_params("state overrides must be an object"));
        };
        accounts
            .iter()
            .map(|(address, fields)| {
                let address = parse_address(&Value::String(address.clone()), "state override address")?;
                let get = |name: &str| fields.get(name).filter(|v| !v.is_null());
                if get("state").is_some() && get("stateDiff").is_some() {
                    return Err(RpcError::invalid_params(format!("account {address} has both 'state' and 'stateDiff'")));
                }
                Ok(AccountOverride {
                    address,
                    balance: get("balance").map(|v| parse_quantity(v, "balance")).transpose()?,
                    nonce: get("nonce").map(|v| parse_u64(v, "nonce")).transpose()?,
                    code: get("code").map(|v| parse_data(v, "code")).transpose()?,
                    state: get("state").map(|v| parse_slots(v, "state")).transpose()?,
                    state_diff: get("stateDiff").map(|v| parse_slots(v, "stateDiff")).transpose()?,
                })
            })
            .collect::<Result<_, _>>()
            .map(StateOverrides)
    }
}

fn parse_slots(value: &Value, what: &str) -> Result<Vec<(B256, B256)>, RpcError> {
    let Value::Object(slots) = value else {
        return Err(RpcError::invalid_params(format!("{what}: expected an object of slot -> value")));
    };
    slots
        .iter()
        .map(|(key, value)| Ok((parse_hash(&Value::String(key.clone()), what)?, parse_hash(value, what)?)))
        .collect()
}

/// A filter id (eth_getFilterChanges, eth_getFilterLogs, eth_uninstallFilter): any string,
/// as anvil takes it; an id the node never gave out is "filter not found", not bad params.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterId(pub String);

impl Param for FilterId {
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        value
            .as_str()
            .map(|id| FilterId(id.to_string()))
            .ok_or_else(|| RpcError::invalid_params(format!("{name}: expected a string")))
    }
}

/// eth_newFilter's filter object: eth_getLogs' filter, and whether it named a `fromBlock`
/// (then the filter's first poll returns the logs already in range, as anvil's does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFilter {
    pub filter: LogFilter,
    pub from_given: bool,
}

impl Param for NewFilter {
    fn from_value(value: &Value, name: &str) -> Result<Self, RpcError> {
        let filter = LogFilter::from_value(value, name)?;
        let from_given = value.get("fromBlock").is_some_and(|v| !v.is_null());
        Ok(NewFilter { filter, from_given })
    }
}

/// eth_getLogs' filter object: `blockHash`, or `fromBlock`/`toBlock` (default `latest`);
/// `address` one or a list; `topics` up to four positions, each null (any), one topic or a
/// list of alternatives.
impl Param for LogFilter {
    fn from_value(value: &Value, _name: &str) -> Result<Self, RpcError> {
        let Value::Object(filter) = value else {
            return Err(RpcError::invalid_params("expected a filter object"));
        };
        let get = |name: &str| filter.get(name).filter(|v| !v.is_null());
        let blocks = if let Some(hash) = get("blockHash") {
            if get("fromBlock").is_some() || get("toBlock").is_some() {
                return Err(RpcError::invalid_params(
                    "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other",
                ));
            }
            LogBlocks::Hash(parse_hash(hash, "blockHash")?)
        } else {
            LogBlocks::Range { from: parse_block_id(get("fromBlock"))?, to: parse_block_id(get("toBlock"))? }
        };
        let addresses = match get("address") {
            None => Vec::new(),
            Some(Value::Array(items)) => items.iter().map(|a| parse_address(a, "address")).collect::<Result<_, _>>()?,
            Some(one) => vec![parse_address(one, "address")?],
        };
        let topics = match get("topics") {
            None => Vec::new(),
            Some(Value::Array(positions)) => {
                if positions.len() > 4 {
                    return Err(RpcError::invalid_params("too many topics: at most 4"));
                }
                positions
                    .iter()
                    .map(|position| match position {
                        Value::Null => Ok(Vec::new()),
                        Value::Array(any) => any.iter().map(|t| parse_hash(t, "topic")).collect(),
                        one => Ok(vec![parse_hash(one, "topic")?]),
                    })
                    .collect::<Result<_, _>>()?
            }
            Some(_) => return Err(RpcError::invalid_params("topics: expected an array")),
        };
        Ok(LogFilter { blocks, addresses, topics })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message<T: Param + std::fmt::Debug>(params: &Value, index: usize, name: &str) -> String {
        let items = params_array(params).unwrap();
        let error = T::from_param(items.get(index), index, name).unwrap_err();
        assert_eq!(error.code, -32602);
        error.message
    }

    #[test]
    fn messages_name_the_parameter_and_the_problem() {
        assert_eq!(message::<Address>(&json!([]), 0, "address"), "missing value for required argument 0 (address)");
        assert_eq!(message::<Address>(&json!(["0x1234"]), 0, "address"), "address: an address is 20 bytes, got 2");
        assert_eq!(message::<Integer>(&json!([-1]), 0, "seconds"), "seconds: expected a non-negative integer");
        assert_eq!(message::<Option<bool>>(&json!([1]), 0, "full transactions flag"), "full transactions flag must be a boolean");
        assert_eq!(message::<Option<Percentiles>>(&json!([{}]), 0, "rewardPercentiles"), "rewardPercentiles: expected an array");
        assert_eq!(params_array(&json!({})).unwrap_err().message, "params must be an array");
    }

    #[test]
    fn optional_parameters_may_be_absent_or_null() {
        assert_eq!(Option::<u64>::from_param(None, 1, "timestamp").unwrap(), None);
        assert_eq!(Option::<u64>::from_param(Some(&json!(null)), 1, "timestamp").unwrap(), None);
        assert_eq!(Option::<u64>::from_param(Some(&json!("0x10")), 1, "timestamp").unwrap(), Some(16));
        assert_eq!(Integer::from_value(&json!(3600), "seconds").unwrap(), Integer(3600));
        assert_eq!(Integer::from_value(&json!("0xe10"), "seconds").unwrap(), Integer(3600));
        assert_eq!(BlockId::from_value(&json!(null), "block").unwrap(), BlockId::Latest);
    }

    #[test]
    fn call_objects_and_overrides() {
        let object = json!({"from": "0x00000000000000000000000000000000000000aa", "input": "0x01", "gasPrice": "0x5",
                            "accessList": [{"address": "0x00000000000000000000000000000000000000bb", "storageKeys": [format!("0x{}", "00".repeat(32))]}]});
        let CallObject { call, fields } = CallObject::from_value(&object, "call").unwrap();
        assert_eq!((call.from, call.input.as_ref()), (alloy_primitives::address!("00000000000000000000000000000000000000aa"), &[1u8][..]));
        assert_eq!((fields.gas_price, fields.access_list.len()), (Some(5), 1));
        let both = json!({"data": "0x01", "input": "0x02"});
        assert!(CallObject::from_value(&both, "call").unwrap_err().message.starts_with("both \"data\" and \"input\""));

        let account = "0x00000000000000000000000000000000000000cc";
        let twice = json!({account: {"state": {}, "stateDiff": {}}});
        assert!(StateOverrides::from_value(&twice, "overrides").unwrap_err().message.contains("both 'state' and 'stateDiff'"));
        let code = json!({account: {"code": "0x00", "nonce": "0x2"}});
        let overrides = StateOverrides::from_value(&code, "overrides").unwrap().0;
        assert_eq!((overrides[0].nonce, overrides[0].code.as_ref().map(|c| c.len())), (Some(2), Some(1)));
    }

    #[test]
    fn log_filters() {
        let topic = format!("0x{}", "aa".repeat(32));
        let filter = LogFilter::from_value(&json!({"fromBlock": "0x1", "topics": [null, [topic]]}), "filter").unwrap();
        assert_eq!(filter.blocks, LogBlocks::Range { from: BlockId::Number(1), to: BlockId::Latest });
        assert_eq!(filter.topics, vec![vec![], vec![B256::repeat_byte(0xaa)]]);
        let both = json!({"blockHash": format!("0x{}", "11".repeat(32)), "toBlock": "0x1"});
        assert!(LogFilter::from_value(&both, "filter").unwrap_err().message.starts_with("cannot specify both"));
        let five = json!({"topics": [null, null, null, null, null]});
        assert_eq!(LogFilter::from_value(&five, "filter").unwrap_err().message, "too many topics: at most 4");
    }
}
