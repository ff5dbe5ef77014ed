//! Log queries (eth_getLogs): which logs of which blocks match an address and topic filter, and
//! each log's block-wide index.

use alloy_primitives::{Address, B256};

use super::{
    chain::{Engine, Receipt},
    query::{BlockId, QueryError},
    types::Log,
};

/// Most blocks one query may scan: public RPC providers cap eth_getLogs ranges, and a client
/// that works against the dev node should work against them.
pub const MAX_LOG_RANGE: u64 = 100_000;

/// The blocks a filter covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogBlocks {
    /// `from..=to`; numbers past the head are clamped to it.
    Range { from: BlockId, to: BlockId },
    /// One block by hash (EIP-234).
    Hash(B256),
}

impl Default for LogBlocks {
    fn default() -> Self {
        Self::Range { from: BlockId::Latest, to: BlockId::Latest }
    }
}

/// geth's filter: a log matches if its address is one of `addresses` (any, if empty) and, for
/// each position `i`, its topic `i` is one of `topics[i]` (any, if empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    pub blocks: LogBlocks,
    pub addresses: Vec<Address>,
    /// At most four positions.
    pub topics: Vec<Vec<B256>>,
}

impl LogFilter {
    pub fn matches(&self, log: &Log) -> bool {
        let address_ok = self.addresses.is_empty() || self.addresses.contains(&log.address);
        address_ok
            && self.topics.iter().enumerate().all(|(i, wanted)| {
                wanted.is_empty() || log.topics.get(i).is_some_and(|t| wanted.contains(t))
            })
    }
}

/// A log with the receipt that emitted it and its position in its block.
#[derive(Debug, Clone, Copy)]
pub struct MatchedLog<'a> {
    pub log: &'a Log,
    pub receipt: &'a Receipt,
    /// Block-wide: counts the logs of the transactions before this one.
    pub log_index: u64,
    /// The timestamp of the block the log is in.
    pub block_timestamp: u64,
}

impl Engine {
    /// The logs matching `filter`, in chain order.
    pub fn logs(&self, filter: &LogFilter) -> Result<Vec<MatchedLog<'_>>, QueryError> {
        let (from, to) = match filter.blocks {
            LogBlocks::Hash(hash) => {
                let number = self.block_by_hash(&hash).ok_or(QueryError::UnknownBlock)?.number;
                (number, number)
            }
            LogBlocks::Range { from, to } => (self.log_bound(from)?, self.log_bound(to)?),
        };
        if from > to {
            return Err(QueryError::InvalidRange);
        }
        if to - from > MAX_LOG_RANGE {
            return Err(QueryError::RangeTooLarge { max: MAX_LOG_RANGE });
        }
        Ok(self.logs_in_blocks(from, to, filter))
    }

    /// The logs of blocks `from..=to` (those the chain has) that match `filter`'s addresses
    /// and topics, in chain order. No range limit: callers bound the range.
    pub fn logs_in_blocks(&self, from: u64, to: u64, filter: &LogFilter) -> Vec<MatchedLog<'_>> {
        let mut logs = Vec::new();
        for number in from..=to {
            let Some(block) = self.block(number) else { continue };
            let mut log_index = 0u64;
            for receipt in self.block_receipts(number) {
                for log in &receipt.logs {
                    if filter.matches(log) {
                        logs.push(MatchedLog { log, receipt, log_index, block_timestamp: block.timestamp });
                    }
                    log_index += 1;
                }
            }
        }
        logs
    }

    /// Whether a log of block `number` (with `hash`) falls inside `filter`'s blocks as a
    /// polling filter sees new blocks (anvil's `filter_block_range`): a numeric `fromBlock`
    /// or `toBlock` bounds it, tags do not (`earliest` as the end excludes every later block),
    /// and a `blockHash` filter takes that block only.
    pub fn filter_takes_block(&self, filter: &LogFilter, number: u64, hash: &B256) -> bool {
        match filter.blocks {
            LogBlocks::Hash(wanted) => wanted == *hash,
            LogBlocks::Range { from, to } => {
                let bound = |id: BlockId| match id {
                    BlockId::Number(n) => Some(n),
                    BlockId::Hash(h) => self.block_by_hash(&h).map(|b| b.number),
                    BlockId::Earliest => Some(0),
                    BlockId::Latest | BlockId::Pending => None,
                };
                let after_from = match from {
                    BlockId::Earliest => true,
                    other => bound(other).is_none_or(|n| number >= n),
                };
                after_from && bound(to).is_none_or(|n| number <= n)
            }
        }
    }

    /// The first block of a log range, as eth_getLogs resolves it (past the head: the head).
    pub fn log_range_start(&self, filter: &LogFilter) -> Result<u64, QueryError> {
        match filter.blocks {
            LogBlocks::Hash(hash) => Ok(self.block_by_hash(&hash).ok_or(QueryError::UnknownBlock)?.number),
            LogBlocks::Range { from, .. } => self.log_bound(from),
        }
    }

    /// The block-wide index of `receipt`'s first log.
    pub fn first_log_index(&self, receipt: &Receipt) -> u64 {
        self.block_receipts(receipt.block_number)
            .iter()
            .take_while(|r| r.transaction_hash != receipt.transaction_hash)
            .map(|r| r.logs.len() as u64)
            .sum()
    }

    /// A range end: a number past the head means the head (geth clamps rather than refuses).
    fn log_bound(&self, id: BlockId) -> Result<u64, QueryError> {
        let latest = self.latest_block().number;
        Ok(match id {
            BlockId::Latest | BlockId::Pending => latest,
            BlockId::Earliest => 0,
            BlockId::Number(n) => n.min(latest),
            BlockId::Hash(h) => self.block_by_hash(&h).ok_or(QueryError::UnknownBlock)?.number,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::chain::ChainConfig;

    fn log(address: u8, topics: &[u8]) -> Log {
        Log {
            address: Address::repeat_byte(address),
            topics: topics.iter().map(|t| B256::repeat_byte(*t)).collect(),
            data: Default::default(),
        }
    }

    #[test]
    fn filters_match_addresses_and_topic_positions() {
        let any = LogFilter::default();
        assert!(any.matches(&log(1, &[])));
        let by_address = LogFilter { addresses: vec![Address::repeat_byte(1), Address::repeat_byte(2)], ..any.clone() };
        assert!(by_address.matches(&log(2, &[])));
        assert!(!by_address.matches(&log(3, &[])));
        // Position 0 is any, position 1 must be 7 or 8.
        let by_topic = LogFilter { topics: vec![vec![], vec![B256::repeat_byte(7), B256::repeat_byte(8)]], ..any };
        assert!(by_topic.matches(&log(1, &[9, 8])));
        assert!(!by_topic.matches(&log(1, &[7, 9])));
        assert!(!by_topic.matches(&log(1, &[7])), "a missing topic does not match a wanted one");
    }

    #[test]
    fn ranges_are_checked() {
        let mut engine = Engine::new(ChainConfig::default(), &[]);
        engine.mine();
        let range = |from, to| LogFilter { blocks: LogBlocks::Range { from, to }, ..LogFilter::default() };
        assert!(engine.logs(&range(BlockId::Earliest, BlockId::Number(99))).unwrap().is_empty(), "clamped to the head");
        assert_eq!(engine.logs(&range(BlockId::Number(1), BlockId::Number(0))).unwrap_err(), QueryError::InvalidRange);
        let unknown = LogFilter { blocks: LogBlocks::Hash(B256::repeat_byte(3)), ..LogFilter::default() };
        assert_eq!(engine.logs(&unknown).unwrap_err(), QueryError::UnknownBlock);
        // Blocks 0..=MAX_LOG_RANGE + 1.
        for _ in 0..MAX_LOG_RANGE {
            engine.mine();
        }
        assert_eq!(
            engine.logs(&range(BlockId::Earliest, BlockId::Latest)).unwrap_err(),
            QueryError::RangeTooLarge { max: MAX_LOG_RANGE }
        );
        assert!(engine.logs(&range(BlockId::Number(1), BlockId::Latest)).is_ok(), "exactly the limit");
    }
}
