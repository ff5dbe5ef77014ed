//! JSON-RPC errors: the codes, defined once, and the one mapping from the node's typed errors to
//! them (geth's codes and messages, which wallets and libraries recognise).

use alloy_primitives::hex;
use serde_json::{json, Value};

use crate::{
    engine::query::QueryError,
    node::{filters::FilterError, NodeError},
};

/// Invalid JSON.
pub const PARSE_ERROR: i64 = -32700;
/// Valid JSON but not a request object.
pub const INVALID_REQUEST: i64 = -32600;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INVALID_PARAMS: i64 = -32602;
pub const INTERNAL_ERROR: i64 = -32603;
/// geth's code for transaction and state errors.
pub const SERVER_ERROR: i64 = -32000;
/// geth's code for a revert, with the revert data in `data`.
pub const EXECUTION_REVERTED: i64 = 3;
/// EIP-1474's "resource not found" (anvil's answer for a block that must exist and does not).
pub const RESOURCE_NOT_FOUND: i64 = -32001;
/// EIP-1474's "limit exceeded": a bounded resource (filters, subscriptions) is full.
pub const LIMIT_EXCEEDED: i64 = -32005;

/// A JSON-RPC error object.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

pub type RpcResult = Result<Value, RpcError>;

impl RpcError {
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), data: None }
    }

    pub fn parse(message: impl Into<String>) -> Self {
        Self::new(PARSE_ERROR, message)
    }

    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(INVALID_REQUEST, message)
    }

    pub fn method_not_found(method: &str) -> Self {
        Self::new(METHOD_NOT_FOUND, format!("the method {method} does not exist/is not available"))
    }

    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(INVALID_PARAMS, message)
    }

    /// anvil's "Resource not found" (-32001).
    pub fn resource_not_found() -> Self {
        Self::new(RESOURCE_NOT_FOUND, "Resource not found")
    }

    /// geth's answer to eth_subscribe over a transport without notifications (HTTP): its
    /// code is "method not found", as anvil's answer is.
    pub fn notifications_unsupported() -> Self {
        Self::new(METHOD_NOT_FOUND, "notifications not supported")
    }

    pub fn server(message: impl Into<String>) -> Self {
        Self::new(SERVER_ERROR, message)
    }

    /// geth's revert: code 3, "execution reverted" (with the reason if the data is an
    /// `Error(string)`), the revert data hex-encoded in `data`.
    pub fn reverted(data: &[u8]) -> Self {
        let message = match crate::engine::types::revert_reason(data) {
            Some(reason) => format!("execution reverted: {reason}"),
            None => "execution reverted".to_string(),
        };
        Self { code: EXECUTION_REVERTED, message, data: Some(Value::String(hex::encode_prefixed(data))) }
    }

    pub fn to_json(&self) -> Value {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(data) = &self.data {
            error["data"] = data.clone();
        }
        error
    }
}

/// The one mapping from what the node refuses to JSON-RPC: a revert is code 3 with its data,
/// a bad log range is the caller's parameter mistake (-32602), everything else is geth's
/// -32000 with the node's message.
impl From<NodeError> for RpcError {
    fn from(error: NodeError) -> Self {
        match error {
            NodeError::Reverted(data) => Self::reverted(&data),
            NodeError::Query(QueryError::InvalidRange) => Self::invalid_params(error.to_string()),
            NodeError::Filter(FilterError::TooMany) => Self::new(LIMIT_EXCEEDED, error.to_string()),
            // anvil's codes: a sender or signer without a key, a timestamp before the head's.
            NodeError::NoSigner(_)
            | NodeError::UnknownAccount(_)
            | NodeError::TimestampInPast { .. }
            | NodeError::InvalidTypedData(_)
            | NodeError::State(_) => Self::invalid_params(error.to_string()),
            other => Self::server(other.to_string()),
        }
    }
}

impl From<crate::engine::chain::TxRejected> for RpcError {
    fn from(error: crate::engine::chain::TxRejected) -> Self {
        NodeError::from(error).into()
    }
}

impl From<QueryError> for RpcError {
    fn from(error: QueryError) -> Self {
        NodeError::from(error).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{chain::TxRejected, exec::Failure};

    #[test]
    fn revert_errors_carry_the_data() {
        let error = RpcError::reverted(&[0xde, 0xad]);
        assert_eq!(error.code, 3);
        assert_eq!(error.message, "execution reverted");
        assert_eq!(error.to_json()["data"], json!("0xdead"));
        let reason = alloy_sol_types::SolError::abi_encode(&alloy_sol_types::Revert { reason: "no".into() });
        assert_eq!(RpcError::reverted(&reason).message, "execution reverted: no");
    }

    #[test]
    fn node_errors_map_to_geths_codes() {
        let reverted = RpcError::from(NodeError::Reverted(vec![1u8].into()));
        assert_eq!((reverted.code, reverted.data), (3, Some(json!("0x01"))));
        let range = RpcError::from(QueryError::InvalidRange);
        assert_eq!((range.code, range.message.as_str()), (-32602, "invalid block range params"));
        let known = RpcError::from(TxRejected::AlreadyKnown);
        assert_eq!((known.code, known.message.as_str()), (-32000, "already known"));
        let estimate = RpcError::from(NodeError::EstimateFailed(Failure::OutOfGas));
        assert_eq!(estimate.code, -32000);
        assert!(estimate.message.starts_with("gas required exceeds allowance or always failing transaction: "));
        assert_eq!(RpcError::from(NodeError::Failed(Failure::OutOfGas)).message, Failure::OutOfGas.to_string());
        let missing = RpcError::from(NodeError::Filter(FilterError::NotFound));
        assert_eq!((missing.code, missing.message.as_str()), (-32000, "filter not found"));
        assert_eq!(RpcError::from(NodeError::Filter(FilterError::TooMany)).code, -32005);
        assert_eq!(RpcError::from(NodeError::UnknownAccount(alloy_primitives::Address::ZERO)).code, -32602);
        assert_eq!(RpcError::from(NodeError::TimestampInPast { timestamp: 1, latest: 2 }).code, -32602);
    }
}
