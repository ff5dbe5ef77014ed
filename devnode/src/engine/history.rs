//! What each block changed, so that the state after any kept block can be rebuilt from the
//! latest one, and each block's state root, computed the first time it is asked for.
//!
//! Computing a root at every seal would cost more than the rest of a plain transfer, so it is
//! done lazily. A root can only be computed lazily if the state it describes can still be had:
//! each block keeps the values its writes replaced (a few entries a transaction), and the state
//! after block n is the latest state with those undone, newest first, down to n + 1. Roots are
//! not part of a block's hash here, so a block's hash never depends on when its root was asked
//! for; once computed, a root is kept with its block and never changes.

use std::{
    borrow::Cow,
    collections::{HashMap, HashSet},
    sync::{Mutex, OnceLock},
};

use alloy_primitives::{Address, B256};

use super::{
    state::{Account, Changes, ProgramRecord, Snapshot, State},
    trie::{self, AccountProof},
};

/// The values one block's writes replaced (including the `anvil_*` writes made between the
/// block before and it), with the writes that left a value as it was dropped. Keyed, so that
/// the value of one account or slot at an older block is a lookup per later block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockDiff {
    accounts: HashMap<Address, Option<Account>>,
    slots: HashMap<(Address, B256), B256>,
    programs: HashMap<B256, Option<ProgramRecord>>,
}

impl BlockDiff {
    /// Takes `state`'s changes since the last seal.
    pub fn take(state: &mut State) -> Self {
        let changes = state.take_changes();
        Self::of(changes, state)
    }

    fn of(changes: Changes, state: &State) -> Self {
        let accounts = changes
            .accounts
            .into_iter()
            .filter(|(address, before)| state.account(address) != before.as_ref())
            .collect();
        let slots = changes
            .slots
            .into_iter()
            .filter(|((address, key), before)| state.storage(address, key) != *before)
            .collect();
        let programs = changes
            .programs
            .into_iter()
            .filter(|(hash, before)| state.program(hash) != before.as_ref())
            .collect();
        Self {
            accounts,
            slots,
            programs,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty() && self.slots.is_empty() && self.programs.is_empty()
    }

    /// Turns the state after this block into the state before it.
    fn undo(&self, snapshot: &mut Snapshot) {
        for (address, before) in &self.accounts {
            match before {
                Some(account) => snapshot.accounts.insert(*address, account.clone()),
                None => snapshot.accounts.remove(address),
            };
        }
        for ((address, key), before) in &self.slots {
            let slots = snapshot.storage.entry(*address).or_default();
            if before.is_zero() {
                slots.remove(key);
            } else {
                slots.insert(*key, *before);
            }
            if slots.is_empty() {
                snapshot.storage.remove(address);
            }
        }
        for (hash, before) in &self.programs {
            match before {
                Some(record) => snapshot.programs.insert(*hash, *record),
                None => snapshot.programs.remove(hash),
            };
        }
    }
}

struct Kept {
    diff: BlockDiff,
    root: OnceLock<B256>,
}

/// One entry per kept block, in the chain's order, and a cache of storage roots.
#[derive(Default)]
pub struct History {
    blocks: Vec<Kept>,
    /// Storage roots of the latest state, for accounts whose storage no write has touched
    /// since they were computed: sealing a block drops those its writes touched.
    storage_roots: Mutex<HashMap<Address, B256>>,
}

impl History {
    /// Records a sealed block's changes.
    pub fn push(&mut self, diff: BlockDiff) {
        let cache = self
            .storage_roots
            .get_mut()
            .unwrap_or_else(|p| p.into_inner());
        for (address, _) in diff.slots.keys() {
            cache.remove(address);
        }
        self.blocks.push(Kept {
            diff,
            root: OnceLock::new(),
        });
    }

    /// Keeps the first `len` blocks (evm_revert); the latest state was replaced.
    pub fn truncate(&mut self, len: usize) {
        self.blocks.truncate(len);
        self.storage_roots
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// Forgets every block (a state dump was loaded).
    pub fn clear(&mut self) {
        self.truncate(0);
    }

    /// The state root after the block at `index` (of the kept blocks, the last being the head).
    pub fn root(&self, index: usize, state: &State) -> Option<B256> {
        let first = self.blocks.get(index)?;
        if let Some(root) = first.root.get() {
            return Some(*root);
        }
        // Blocks that changed nothing share the root of the block before them: walk up to
        // the first block whose state differs or whose root is known, so that a run of
        // empty blocks costs one root.
        let mut last = index;
        while self.blocks[last].root.get().is_none()
            && self
                .blocks
                .get(last + 1)
                .is_some_and(|next| next.diff.is_empty())
        {
            last += 1;
        }
        let root = match self.blocks[last].root.get() {
            Some(root) => *root,
            None => self.compute_root(last, state),
        };
        for kept in &self.blocks[index..=last] {
            let _ = kept.root.set(root);
        }
        Some(root)
    }

    fn compute_root(&self, index: usize, state: &State) -> B256 {
        match self.state_after(index, state) {
            Cow::Borrowed(latest) => self.latest_root(latest, &pending_storage(state)),
            Cow::Owned(past) => {
                trie::state_root(&past, |a| trie::storage_root(past.storage.get(a)))
            }
        }
    }

    /// The root of the latest state, storage roots from the cache where they are still good.
    fn latest_root(&self, latest: &Snapshot, pending: &HashSet<Address>) -> B256 {
        let mut cache = self.storage_roots.lock().unwrap_or_else(|p| p.into_inner());
        trie::state_root(latest, |address| {
            cached_storage_root(&mut cache, pending, latest, address)
        })
    }

    /// The EIP-1186 proof of `address` and `keys` after the block at `index`; the head's is of
    /// the latest state, which includes `anvil_*` writes made since it was sealed (as anvil).
    pub fn prove(
        &self,
        index: usize,
        state: &State,
        address: Address,
        keys: &[B256],
    ) -> Option<AccountProof> {
        let head = self.blocks.len().checked_sub(1)?;
        if index > head {
            return None;
        }
        if index == head {
            let latest = state.persistent();
            let pending = pending_storage(state);
            let mut cache = self.storage_roots.lock().unwrap_or_else(|p| p.into_inner());
            return Some(trie::prove(latest, address, keys, |a| {
                cached_storage_root(&mut cache, &pending, latest, a)
            }));
        }
        let past = self.state_after(index, state);
        Some(trie::prove(&past, address, keys, |a| {
            trie::storage_root(past.storage.get(a))
        }))
    }

    /// An account as the block at `index` left it, without rebuilding the state: the value
    /// the oldest later write replaced (later blocks oldest first, then the writes since the
    /// head was sealed), else the latest. One hash lookup per later block.
    pub fn account_after(&self, index: usize, state: &State, address: &Address) -> Option<Account> {
        let later = self.blocks.get(index + 1..).unwrap_or_default();
        later
            .iter()
            .find_map(|kept| kept.diff.accounts.get(address))
            .or_else(|| state.changes().accounts.get(address))
            .map_or_else(|| state.account(address).cloned(), Clone::clone)
    }

    /// A storage slot as the block at `index` left it (as [`Self::account_after`]).
    pub fn storage_after(
        &self,
        index: usize,
        state: &State,
        address: &Address,
        key: &B256,
    ) -> B256 {
        let slot = (*address, *key);
        let later = self.blocks.get(index + 1..).unwrap_or_default();
        later
            .iter()
            .find_map(|kept| kept.diff.slots.get(&slot))
            .or_else(|| state.changes().slots.get(&slot))
            .copied()
            .unwrap_or_else(|| state.storage(address, key))
    }

    /// The state as the block at `index` left it: the latest state when nothing was written
    /// since (nor in later blocks), otherwise a copy with those writes undone. Costs a copy
    /// of the whole latest state plus the writes made after the block.
    pub fn state_after<'a>(&self, index: usize, state: &'a State) -> Cow<'a, Snapshot> {
        let latest = state.persistent();
        let pending = BlockDiff::of(state.changes().clone(), state);
        let later = self.blocks.get(index + 1..).unwrap_or_default();
        if pending.is_empty() && later.iter().all(|kept| kept.diff.is_empty()) {
            return Cow::Borrowed(latest);
        }
        let mut past = latest.clone();
        pending.undo(&mut past);
        for kept in later.iter().rev() {
            kept.diff.undo(&mut past);
        }
        Cow::Owned(past)
    }
}

/// Accounts whose storage was written since the last seal: their cached roots may be stale.
fn pending_storage(state: &State) -> HashSet<Address> {
    state
        .changes()
        .slots
        .keys()
        .map(|(address, _)| *address)
        .collect()
}

fn cached_storage_root(
    cache: &mut HashMap<Address, B256>,
    pending: &HashSet<Address>,
    latest: &Snapshot,
    address: &Address,
) -> B256 {
    if pending.contains(address) {
        return trie::storage_root(latest.storage.get(address));
    }
    *cache
        .entry(*address)
        .or_insert_with(|| trie::storage_root(latest.storage.get(address)))
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{keccak256, Bytes, U256};

    use crate::engine::{
        chain::{ChainConfig, Engine},
        state::Snapshot,
        trie,
    };

    use super::*;

    const A: Address = Address::with_last_byte(0xaa);
    const B: Address = Address::with_last_byte(0xbb);

    fn root_of(snapshot: &Snapshot) -> B256 {
        trie::state_root(snapshot, |a| trie::storage_root(snapshot.storage.get(a)))
    }

    fn slot(n: u8) -> B256 {
        B256::with_last_byte(n)
    }

    /// Each block's root is its own state's, whenever it is asked for, and stays so as later
    /// blocks change the state.
    #[test]
    fn every_block_keeps_the_root_of_its_state() {
        let mut engine = Engine::new(
            ChainConfig::default(),
            &[(A, U256::from(1000)), (B, U256::from(1))],
        );
        let mut states = vec![engine.state().snapshot()];
        for n in 1..=5u8 {
            engine.set_balance(A, U256::from(1000 + u64::from(n)));
            engine.set_storage(B, slot(n), slot(n));
            if n == 3 {
                engine.set_storage(B, slot(1), B256::ZERO);
                engine.set_code(B, Bytes::from_static(b"code"));
            }
            engine.mine();
            states.push(engine.state().snapshot());
        }
        // The head first, then the past, out of order.
        for number in [5u64, 2, 0, 4, 1, 3] {
            assert_eq!(
                engine.state_root(number),
                Some(root_of(&states[number as usize])),
                "block {number}"
            );
        }
        assert_eq!(engine.state_root(6), None);
        // Proofs of a past block are against that block's root.
        let proof = engine.proof(B, &[slot(1), slot(2)], 2).unwrap();
        assert_eq!(proof.state_root, engine.state_root(2).unwrap());
        assert_eq!(
            (proof.storage_proof[0].value, proof.storage_proof[1].value),
            (U256::from(1), U256::from(2))
        );
        assert_eq!(proof.code_hash, crate::engine::state::EMPTY_CODE_HASH);
        let later = engine.proof(B, &[slot(1)], 3).unwrap();
        assert_eq!(
            (later.storage_proof[0].value, later.code_hash),
            (U256::ZERO, keccak256(b"code"))
        );
    }

    /// `anvil_*` writes after the head was mined show in the latest proofs, not in the
    /// head's root; the next block's root includes them.
    #[test]
    fn writes_between_blocks_belong_to_the_next_block() {
        let mut engine = Engine::new(ChainConfig::default(), &[(A, U256::from(1000))]);
        engine.mine();
        let sealed = engine.state().snapshot();
        engine.set_balance(A, U256::from(7));
        assert_eq!(engine.state_root(1), Some(root_of(&sealed)));
        let latest = engine.proof(A, &[], 1).unwrap();
        assert_eq!(
            (latest.balance, latest.state_root),
            (U256::from(7), root_of(engine.state().persistent()))
        );
        engine.mine();
        assert_eq!(engine.state_root(1), Some(root_of(&sealed)));
        assert_eq!(engine.state_root(2), Some(latest.state_root));
        assert_eq!(engine.proof(A, &[], 1).unwrap().balance, U256::from(1000));
    }

    #[test]
    fn empty_blocks_share_a_root_and_reverts_forget_blocks() {
        let mut engine = Engine::new(ChainConfig::default(), &[(A, U256::from(1000))]);
        let genesis = engine.state_root(0).unwrap();
        for _ in 0..1000 {
            engine.mine();
        }
        assert_eq!(engine.state_root(500), Some(genesis));
        let snapshot = engine.snapshot();
        engine.set_balance(A, U256::from(1));
        engine.mine();
        let changed = engine.state_root(1001).unwrap();
        assert_ne!(changed, genesis);
        engine.revert_to_snapshot(snapshot);
        assert_eq!(engine.state_root(1001), None);
        engine.set_balance(A, U256::from(2));
        engine.mine();
        assert_ne!(engine.state_root(1001).unwrap(), changed);
        assert_eq!(engine.state_root(1000), Some(genesis));
        assert_eq!(
            engine.proof(A, &[], 1000).unwrap().balance,
            U256::from(1000)
        );
    }

    /// Activation records are part of what a block changed: before its activation, a
    /// program is not activated in an older block's state.
    #[test]
    fn activations_are_undone_too() {
        let mut state = State::default();
        let mut history = History::default();
        history.push(BlockDiff::take(&mut state));
        let record = crate::engine::state::ProgramRecord {
            version: 2,
            init_cost: 1,
            cached_cost: 1,
            footprint: 1,
            asm_estimate: 1,
            activated_at: 0,
            module_hash: B256::ZERO,
            cached: false,
        };
        state.set_program(B256::repeat_byte(1), record);
        state.end_tx();
        history.push(BlockDiff::take(&mut state));
        assert!(history.state_after(0, &state).programs.is_empty());
        assert_eq!(history.state_after(1, &state).programs.len(), 1);
    }

    /// A write that leaves the value as it was (an eth_call, a reverted frame) is no change.
    #[test]
    fn unchanged_values_are_not_changes() {
        let mut engine = Engine::new(ChainConfig::default(), &[(A, U256::from(1000))]);
        engine.set_balance(A, U256::from(1000));
        engine.set_storage(B, slot(1), B256::ZERO);
        engine.mine();
        assert_eq!(engine.state_root(1), engine.state_root(0));
        let mut writes = engine.state().changes().clone();
        writes.accounts.insert(A, None);
        let diff = BlockDiff::of(writes, engine.state());
        assert_eq!(diff.accounts.len(), 1, "a real change is kept");
    }
}
