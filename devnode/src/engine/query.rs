//! Which block a query names, and the rule that only the latest state is kept.
//!
//! JSON-RPC reads ask "as of block X"; the dev node keeps every block and receipt but only the
//! newest world state (no archive), so a state read of an older block is refused with a clear
//! message rather than answered from the wrong state.

use alloy_primitives::B256;

use super::{chain::Engine, state::State};

/// Which block a request refers to: a tag, a number or a hash (EIP-1898). `safe` and
/// `finalized` are `Latest`: a dev chain finalises every block at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BlockId {
    #[default]
    Latest,
    Pending,
    Earliest,
    Number(u64),
    Hash(B256),
}

/// Why a query about blocks cannot be answered; the messages are geth's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// A block number after the head.
    #[error("header not found")]
    HeaderNotFound,
    #[error("historical state is not available: the dev node keeps the latest state only")]
    HistoricalState,
    /// A block hash the chain does not have.
    #[error("unknown block")]
    UnknownBlock,
    /// A log range whose start is after its end: the caller's mistake, not the chain's.
    #[error("invalid block range params")]
    InvalidRange,
    #[error("query exceeds max block range {max}")]
    RangeTooLarge { max: u64 },
}

impl Engine {
    /// The number of the block `id` names, if the chain has it (`Pending` is the head: the
    /// next block does not exist yet).
    pub fn resolve_block(&self, id: BlockId) -> Option<u64> {
        let latest = self.latest_block().number;
        match id {
            BlockId::Latest | BlockId::Pending => Some(latest),
            BlockId::Earliest => Some(0),
            BlockId::Number(n) => (n <= latest).then_some(n),
            BlockId::Hash(hash) => self.block_by_hash(&hash).map(|b| b.number),
        }
    }

    /// The world state as of `id`, which must name the head block.
    pub fn state_at(&self, id: BlockId) -> Result<&State, QueryError> {
        let latest = self.latest_block();
        match id {
            BlockId::Latest | BlockId::Pending => Ok(self.state()),
            BlockId::Number(n) if n == latest.number => Ok(self.state()),
            BlockId::Hash(h) if h == latest.hash => Ok(self.state()),
            BlockId::Number(n) if n > latest.number => Err(QueryError::HeaderNotFound),
            _ => Err(QueryError::HistoricalState),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::chain::ChainConfig;

    #[test]
    fn only_the_head_has_state() {
        let mut engine = Engine::new(ChainConfig::default(), &[]);
        engine.mine();
        let head = engine.latest_block().clone();
        assert!(engine.state_at(BlockId::Latest).is_ok());
        assert!(engine.state_at(BlockId::Number(1)).is_ok());
        assert!(engine.state_at(BlockId::Hash(head.hash)).is_ok());
        assert_eq!(engine.state_at(BlockId::Number(0)).unwrap_err(), QueryError::HistoricalState);
        assert_eq!(engine.state_at(BlockId::Earliest).unwrap_err(), QueryError::HistoricalState);
        assert_eq!(engine.state_at(BlockId::Number(2)).unwrap_err(), QueryError::HeaderNotFound);
    }

    #[test]
    fn block_ids_resolve_within_the_chain() {
        let mut engine = Engine::new(ChainConfig::default(), &[]);
        let hash = engine.mine();
        assert_eq!(engine.resolve_block(BlockId::Pending), Some(1));
        assert_eq!(engine.resolve_block(BlockId::Earliest), Some(0));
        assert_eq!(engine.resolve_block(BlockId::Hash(hash)), Some(1));
        assert_eq!(engine.resolve_block(BlockId::Number(2)), None);
        assert_eq!(engine.resolve_block(BlockId::Hash(B256::repeat_byte(1))), None);
    }
}
