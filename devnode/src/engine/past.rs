//! The state as of any block the chain keeps: the one place where every state query (the
//! reads `eth_getBalance`, `eth_getStorageAt`, `eth_getCode`, `eth_getTransactionCount`, and the
//! calls `eth_call`, `eth_estimateGas`, `eth_createAccessList`, `debug_traceCall`, and
//! `eth_getProof`) turns a block id into state.
//!
//! The head's state is the latest state (with the `anvil_*` writes made since it was mined, as
//! anvil answers). An older block's comes from `history`, which keeps the values each block's
//! writes replaced:
//! - a read is a point lookup, without copying anything: the value at block n is the oldest
//!   "before" value recorded after n, else the latest value (one hash probe per later block);
//! - a call runs on a rebuilt copy ([`StateAt::rebuild`]): one copy of the latest state with the
//!   writes after n undone, made once per request (eth_estimateGas's probes and
//!   eth_createAccessList's rounds share it) and dropped after it. Its cost is bounded by the
//!   size of the latest state plus the writes made after n; the node lock is held meanwhile,
//!   so at most one such copy exists at a time.

use alloy_primitives::{Address, Bytes, B256, U256};

use super::{
    chain::{Block, Engine},
    history::History,
    query::{BlockId, QueryError},
    state::{Account, State},
    trie::AccountProof,
};

/// The state a query names: the latest state for the head, an older block's read through
/// the history.
pub struct StateAt<'a> {
    /// The block whose state this is.
    block: &'a Block,
    /// Its position among the kept blocks.
    index: usize,
    /// The head: the latest state as it is, `anvil_*` writes since it was mined included.
    head: bool,
    history: &'a History,
    latest: &'a State,
}

impl StateAt<'_> {
    pub fn block(&self) -> &Block {
        self.block
    }

    fn account(&self, address: &Address) -> Option<Account> {
        if self.head {
            return self.latest.account(address).cloned();
        }
        self.history.account_after(self.index, self.latest, address)
    }

    pub fn balance(&self, address: &Address) -> U256 {
        self.account(address).map_or(U256::ZERO, |a| a.balance)
    }

    pub fn nonce(&self, address: &Address) -> u64 {
        self.account(address).map_or(0, |a| a.nonce)
    }

    pub fn code(&self, address: &Address) -> Bytes {
        self.account(address).map_or_else(Bytes::new, |a| a.code)
    }

    pub fn storage(&self, address: &Address, key: &B256) -> B256 {
        if self.head {
            return self.latest.storage(address, key);
        }
        self.history
            .storage_after(self.index, self.latest, address, key)
    }

    /// The EIP-1186 proof of `address` and its slots `keys` in this state, against the
    /// block's state root (for the head, the latest state's, as anvil).
    pub fn prove(&self, address: Address, keys: &[B256]) -> Option<AccountProof> {
        self.history.prove(self.index, self.latest, address, keys)
    }

    /// For an older block, a state to run calls on (the block's state as a fresh state,
    /// with nothing written yet) and the block; `None` for the head, whose calls use the
    /// latest state as it is.
    pub fn rebuild(&self) -> Option<(State, Block)> {
        if self.head {
            return None;
        }
        let past = self
            .history
            .state_after(self.index, self.latest)
            .into_owned();
        Some((State::from_snapshot(past), self.block.clone()))
    }
}

impl Engine {
    /// The state as of `id`: the latest state for the head (and `latest`, `pending`, `safe`,
    /// `finalized`), an older block's through the history. Errors: a number past the head is
    /// "header not found", a hash the chain does not have "unknown block", and a block before
    /// a loaded state dump (whose history the dump does not carry) historical state.
    pub fn state_at(&self, id: BlockId) -> Result<StateAt<'_>, QueryError> {
        let head = self.latest_block().number;
        let number = match id {
            BlockId::Number(n) if n > head => return Err(QueryError::HeaderNotFound),
            BlockId::Hash(_) => self.resolve_block(id).ok_or(QueryError::UnknownBlock)?,
            _ => self.resolve_block(id).ok_or(QueryError::HeaderNotFound)?,
        };
        let block = self.block(number).ok_or(QueryError::HistoricalState)?;
        let index = self
            .block_index(number)
            .ok_or(QueryError::HistoricalState)?;
        Ok(StateAt {
            block,
            index,
            head: number == head,
            history: self.history(),
            latest: self.state(),
        })
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::Bytes;

    use super::*;
    use crate::engine::chain::ChainConfig;

    const A: Address = Address::with_last_byte(0xaa);

    fn slot(n: u8) -> B256 {
        B256::with_last_byte(n)
    }

    /// Point lookups agree with the rebuilt state at every block, whatever came after.
    #[test]
    fn reads_at_every_block_match_the_rebuilt_state() {
        let mut engine = Engine::new(ChainConfig::default(), &[(A, U256::from(1000))]);
        let mut states = vec![engine.state().snapshot()];
        for n in 1..=5u8 {
            engine.set_balance(A, U256::from(1000 + u64::from(n)));
            engine.set_storage(A, slot(n % 3), slot(n));
            if n == 2 {
                engine.set_code(A, Bytes::from_static(b"code"));
            }
            if n == 4 {
                engine.set_nonce(A, 9);
                engine.set_storage(A, slot(1), B256::ZERO);
            }
            engine.mine();
            states.push(engine.state().snapshot());
        }
        // Written after the head was mined: the head shows it, older blocks do not.
        engine.set_balance(A, U256::from(7));
        let head = engine.state_at(BlockId::Latest).unwrap();
        assert!(head.rebuild().is_none());
        assert_eq!(head.balance(&A), U256::from(7));
        engine.mine();
        for number in 0..=5u64 {
            let at = engine.state_at(BlockId::Number(number)).unwrap();
            let (rebuilt, block) = at.rebuild().expect("an older block");
            assert_eq!(block.number, number);
            let expected = &states[number as usize];
            let account = expected.accounts.get(&A).cloned().unwrap_or_default();
            assert_eq!(at.balance(&A), account.balance, "block {number}");
            assert_eq!(at.nonce(&A), account.nonce, "block {number}");
            assert_eq!(at.code(&A), account.code, "block {number}");
            for n in 0..3 {
                let want = expected
                    .storage
                    .get(&A)
                    .and_then(|s| s.get(&slot(n)))
                    .copied()
                    .unwrap_or_default();
                assert_eq!(at.storage(&A, &slot(n)), want, "block {number} slot {n}");
            }
            assert_eq!(rebuilt.persistent(), expected, "block {number}");
        }
    }

    /// A loaded dump's head is the first block with a state: the blocks before it have none.
    #[test]
    fn blocks_before_a_loaded_dump_have_no_state() {
        let mut engine = Engine::new(ChainConfig::default(), &[(A, U256::from(1))]);
        engine.mine();
        engine.mine();
        let dump = engine.dump_state();
        let mut loaded = Engine::new(ChainConfig::default(), &[]);
        loaded.load_state(dump).unwrap();
        assert_eq!(
            loaded.state_at(BlockId::Number(1)).err(),
            Some(QueryError::HistoricalState)
        );
        assert_eq!(
            loaded.state_at(BlockId::Earliest).err(),
            Some(QueryError::HistoricalState)
        );
        loaded.set_balance(A, U256::from(2));
        loaded.mine();
        assert_eq!(
            loaded.state_at(BlockId::Number(2)).unwrap().balance(&A),
            U256::from(1)
        );
        assert_eq!(
            loaded.state_at(BlockId::Latest).unwrap().balance(&A),
            U256::from(2)
        );
    }

    /// Whatever runs at an older block, the live state comes back, even after a panic.
    #[test]
    fn calls_at_an_older_block_leave_the_live_state() {
        let mut engine = Engine::new(ChainConfig::default(), &[(A, U256::from(1))]);
        engine.mine();
        engine.set_balance(A, U256::from(2));
        engine.mine();
        engine.set_balance(A, U256::from(3));
        let live = engine.state().snapshot();
        let seen = engine
            .at_block(BlockId::Number(1), |engine| {
                engine.set_balance(A, U256::from(99));
                engine.state().balance(&A)
            })
            .unwrap();
        assert_eq!(seen, U256::from(99));
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            engine.at_block(BlockId::Number(0), |_| panic!("a call that panics"))
        }));
        assert!(panicked.is_err());
        assert_eq!(engine.state().snapshot(), live);
        assert_eq!(engine.state().balance(&A), U256::from(3));
        assert_eq!(
            engine.at_block(BlockId::Number(3), |_| ()).err(),
            Some(QueryError::HeaderNotFound)
        );
    }

    #[test]
    fn blocks_the_chain_does_not_have_are_refused() {
        let mut engine = Engine::new(ChainConfig::default(), &[]);
        engine.mine();
        let err = |id| engine.state_at(id).err();
        assert_eq!(err(BlockId::Number(2)), Some(QueryError::HeaderNotFound));
        assert_eq!(
            err(BlockId::Hash(B256::repeat_byte(1))),
            Some(QueryError::UnknownBlock)
        );
        assert_eq!(err(BlockId::Number(0)), None);
        assert_eq!(err(BlockId::Earliest), None);
    }
}
