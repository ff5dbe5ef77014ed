//! The pending pool: transactions accepted for the next interval block (`--block-time` > 0).
//!
//! A transaction enters only if it could be included right after the ones already queued: its
//! nonce must be the sender's state nonce plus the sender's queued transactions, and every other
//! check (chain id, gas, fees, funds) is the engine's. So a wallet that sends several
//! transactions before a block sees the same errors as it would one at a time, and the block
//! includes them all in order.

use alloy_primitives::{Address, B256};

use super::{
    chain::{Engine, Receipt, TxRejected},
    tx::SignedTx,
};

/// Transactions waiting for the next block, in arrival order.
#[derive(Debug, Clone, Default)]
pub struct Pool {
    pending: Vec<SignedTx>,
}

impl Pool {
    pub fn pending(&self) -> &[SignedTx] {
        &self.pending
    }

    pub fn get(&self, hash: &B256) -> Option<&SignedTx> {
        self.pending.iter().find(|tx| tx.hash == *hash)
    }

    /// The nonce `sender`'s next transaction needs: the state's, plus one per queued
    /// transaction (eth_getTransactionCount "pending").
    pub fn next_nonce(&self, engine: &Engine, sender: &Address) -> u64 {
        let queued = self.pending.iter().filter(|tx| tx.sender == *sender).count() as u64;
        engine.state().nonce(sender) + queued
    }

    /// Checks `tx` against the state after the queued transactions and queues it.
    pub fn add(&mut self, engine: &Engine, tx: SignedTx) -> Result<B256, TxRejected> {
        if self.get(&tx.hash).is_some() {
            return Err(TxRejected::AlreadyKnown);
        }
        engine.check_at_nonce(&tx, self.next_nonce(engine, &tx.sender))?;
        let hash = tx.hash;
        self.pending.push(tx);
        Ok(hash)
    }

    /// Mines everything queued into one block (empty if nothing is).
    pub fn mine(&mut self, engine: &mut Engine) -> (B256, Vec<Result<Receipt, TxRejected>>) {
        engine.mine_block(std::mem::take(&mut self.pending))
    }

    /// Drops everything queued (evm_revert, a loaded state).
    pub fn clear(&mut self) {
        self.pending.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        dev::accounts::dev_accounts,
        engine::{chain::ChainConfig, testing::signed_tx, tx::TxKind},
    };
    use alloy_primitives::U256;

    #[test]
    fn nonces_count_the_queue_and_a_block_takes_it_all() {
        let account = dev_accounts(0).remove(0);
        let mut engine = Engine::new(ChainConfig::default(), &[(account.address, U256::from(10u128.pow(20)))]);
        let mut pool = Pool::default();
        let to = TxKind::Call(Address::repeat_byte(0x42));
        let send = |nonce| signed_tx(&account.key, nonce, to, U256::from(1u64), Vec::new(), 21_000);

        let first = pool.add(&engine, send(0)).unwrap();
        assert_eq!(pool.add(&engine, send(0)).unwrap_err(), TxRejected::AlreadyKnown);
        assert_eq!(pool.next_nonce(&engine, &account.address), 1);
        assert!(matches!(pool.add(&engine, send(2)), Err(TxRejected::NonceTooHigh { tx: 2, state: 1, .. })));
        pool.add(&engine, send(1)).unwrap();
        assert_eq!(pool.get(&first).map(|tx| tx.hash), Some(first));
        assert_eq!(engine.state().nonce(&account.address), 0, "queued, not executed");

        let (_, results) = pool.mine(&mut engine);
        assert!(pool.pending().is_empty());
        assert_eq!(results.len(), 2);
        assert!(results.iter().all(|r| r.as_ref().is_ok_and(|receipt| receipt.status && receipt.block_number == 1)));
        assert_eq!(pool.next_nonce(&engine, &account.address), 2);

        pool.add(&engine, send(2)).unwrap();
        pool.clear();
        assert_eq!(pool.next_nonce(&engine, &account.address), 2);
    }
}
