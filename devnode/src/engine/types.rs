//! Small value types shared by the engine's modules.

use alloy_primitives::{Address, Bytes, B256};

/// An event as a receipt carries it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Log {
    pub address: Address,
    pub topics: Vec<B256>,
    pub data: Bytes,
}
