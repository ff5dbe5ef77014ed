//! Small value types shared by the engine's modules.

use alloy_primitives::{Address, Bytes, B256};

/// An event as a receipt carries it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Log {
    pub address: Address,
    pub topics: Vec<B256>,
    pub data: Bytes,
}

/// `Error(string)`'s message, if `output` is one (for error messages and logs).
pub fn revert_reason(output: &[u8]) -> Option<String> {
    use alloy_sol_types::SolError;
    alloy_sol_types::Revert::abi_decode(output, true).ok().map(|r| r.reason)
}
