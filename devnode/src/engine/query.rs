//! Which block a query names. JSON-RPC reads ask "as of block X"; `engine::past` gives the
//! state as of any block the chain keeps.

use alloy_primitives::B256;

use super::chain::Engine;

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
    /// A block before a loaded state dump: the dump carries no history to rebuild it from.
    #[error("historical state is not available: the block is older than the state the node loaded")]
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::chain::ChainConfig;

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
