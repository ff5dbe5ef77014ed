//! Fee history (eth_feeHistory): what wallets read to pick a fee.
//!
//! The dev node keeps the base fee at Arbitrum's minimum and, as Arbitrum, drops tips, so
//! every block's base fee is the same and every reward percentile is zero.

use super::{
    chain::Engine,
    query::{BlockId, QueryError},
};

/// Most blocks one history covers (geth's cap).
pub const MAX_FEE_HISTORY_BLOCKS: u64 = 1024;

/// geth's `eth_feeHistory` result.
#[derive(Debug, Clone, PartialEq)]
pub struct FeeHistory {
    pub oldest_block: u64,
    /// One per block, then the next block's: `blocks + 1` entries.
    pub base_fee_per_gas: Vec<u128>,
    pub gas_used_ratio: Vec<f64>,
    /// Per block, one tip per requested percentile; `None` when no percentiles were asked for.
    pub reward: Option<Vec<Vec<u128>>>,
}

impl Engine {
    /// The last `block_count` blocks up to `newest` (fewer near genesis, at most
    /// [`MAX_FEE_HISTORY_BLOCKS`]), with `percentiles` reward columns. Only the number of
    /// percentiles matters: every tip is zero.
    pub fn fee_history(&self, block_count: u64, newest: BlockId, percentiles: usize) -> Result<FeeHistory, QueryError> {
        let newest = self.resolve_block(newest).ok_or(QueryError::HeaderNotFound)?;
        let count = block_count.min(MAX_FEE_HISTORY_BLOCKS).min(newest + 1);
        let oldest = newest + 1 - count;
        let gas_used_ratio = (oldest..=newest)
            .map(|number| {
                let block = self.block(number).expect("within the chain");
                block.gas_used as f64 / block.gas_limit as f64
            })
            .collect();
        Ok(FeeHistory {
            oldest_block: oldest,
            base_fee_per_gas: vec![self.config().base_fee; count as usize + 1],
            gas_used_ratio,
            reward: (percentiles > 0).then(|| vec![vec![0; percentiles]; count as usize]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::chain::ChainConfig;

    #[test]
    fn history_is_clamped_to_the_chain() {
        let mut engine = Engine::new(ChainConfig::default(), &[]);
        engine.mine();
        engine.mine();
        let history = engine.fee_history(10, BlockId::Latest, 2).unwrap();
        assert_eq!(history.oldest_block, 0);
        assert_eq!(history.base_fee_per_gas, vec![engine.config().base_fee; 4]);
        assert_eq!(history.gas_used_ratio, vec![0.0; 3]);
        assert_eq!(history.reward, Some(vec![vec![0, 0]; 3]));

        let last = engine.fee_history(1, BlockId::Number(1), 0).unwrap();
        assert_eq!((last.oldest_block, last.gas_used_ratio.len(), last.reward), (1, 1, None));
        assert_eq!(engine.fee_history(1, BlockId::Number(3), 0).unwrap_err(), QueryError::HeaderNotFound);
        assert!(engine.fee_history(0, BlockId::Latest, 0).unwrap().gas_used_ratio.is_empty());
    }
}
