//! World state with a journal, so a reverted call frame undoes exactly its own effects.
//!
//! Persistent state (accounts, storage, activated programs) lives in plain maps. Everything a
//! transaction touches is recorded in the journal first; [`State::checkpoint`] marks a frame's
//! start and [`State::revert_to`] rolls back to it. Transaction-scoped state (transient
//! storage, warm sets, logs, the gas refund, Stylus pages) is cleared by [`State::end_tx`].
//! The Stylus page counters are the one exception to the journal: as in geth, a reverted frame
//! does not lower them (see [`State::add_stylus_pages`]).

use std::collections::{HashMap, HashSet};

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};

use super::types::Log;

/// `keccak256("")`, the code hash of an account without code.
pub const EMPTY_CODE_HASH: B256 = alloy_primitives::b256!(
    "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub nonce: u64,
    pub balance: U256,
    pub code: Bytes,
    pub code_hash: B256,
}

impl Default for Account {
    fn default() -> Self {
        Self { nonce: 0, balance: U256::ZERO, code: Bytes::new(), code_hash: EMPTY_CODE_HASH }
    }
}

impl Account {
    /// EIP-161: no nonce, no balance, no code.
    pub fn is_empty(&self) -> bool {
        self.nonce == 0 && self.balance.is_zero() && self.code.is_empty()
    }
}

/// What ArbOS records for an activated program, keyed by code hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgramRecord {
    pub version: u16,
    /// Gas units (see `pricing`) charged when a call is not cached.
    pub init_cost: u16,
    pub cached_cost: u16,
    /// Pages of memory the program starts with.
    pub footprint: u16,
    /// Nitro's estimate of the compiled size, in bytes. Nitro stores it in KiB rounded up;
    /// what it reports and prices is [`super::pricing::asm_size`] of this.
    pub asm_estimate: u32,
    /// Seconds since the epoch at activation (or last keepalive), rounded down to the hour as
    /// Nitro stores it ([`super::pricing::activation_time`]).
    pub activated_at: u64,
    pub module_hash: B256,
    /// In ArbOS's long-term cache (`ArbWasmCache.cacheProgram`, programs.go `Program.cached`):
    /// its calls pay the cached init price. Part of the record, as in Nitro's program word, so
    /// a reverted frame undoes a cache or evict with the rest of the record.
    pub cached: bool,
}

#[derive(Debug, Clone)]
enum Entry {
    AccountCreated(Address),
    Account(Address, Account),
    Storage(Address, B256, Option<B256>),
    Transient(Address, B256, Option<B256>),
    WarmAccount(Address),
    WarmSlot(Address, B256),
    Log,
    Refund(u64),
    Program(B256, Option<ProgramRecord>),
}

/// The accounts and slots a call touched (eth_createAccessList), sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessRecord {
    pub accounts: std::collections::BTreeSet<Address>,
    pub slots: std::collections::BTreeSet<(Address, B256)>,
}

/// The value each account and slot had before its first write since the last block was sealed
/// (written or not since: a reverted frame or an `eth_call` leaves an entry whose value is still
/// current). Sealing a block takes them as that block's changes (`engine::history`), so the
/// state after any kept block can be rebuilt from the latest one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub accounts: HashMap<Address, Option<Account>>,
    pub slots: HashMap<(Address, B256), B256>,
    /// Activation records by code hash, so a call at an older block sees the programs then.
    pub programs: HashMap<B256, Option<ProgramRecord>>,
}

/// A point in the journal to return to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint(usize);

/// Persistent state only: what `evm_snapshot` saves and `--dump-state` writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub accounts: HashMap<Address, Account>,
    pub storage: HashMap<Address, HashMap<B256, B256>>,
    pub programs: HashMap<B256, ProgramRecord>,
}

#[derive(Debug, Default, Clone)]
pub struct State {
    persistent: Snapshot,
    journal: Vec<Entry>,
    /// Value of each slot written in this transaction before its first write (EIP-2200's
    /// "original value").
    committed: HashMap<(Address, B256), B256>,
    transient: HashMap<(Address, B256), B256>,
    warm_accounts: HashSet<Address>,
    warm_slots: HashSet<(Address, B256)>,
    logs: Vec<Log>,
    refund: u64,
    /// Every account and slot made warm since recording began, reverted or not
    /// (eth_createAccessList); `None` when not recording.
    access_record: Option<AccessRecord>,
    /// Stylus memory pages open now and the most ever open in this transaction.
    pages_open: u16,
    pages_ever: u16,
    /// Not journaled: an entry is a value the state had, which stays true when a frame reverts.
    changes: Changes,
}

impl State {
    pub fn from_snapshot(snapshot: Snapshot) -> Self {
        Self { persistent: snapshot, ..Self::default() }
    }

    /// The persistent state; only meaningful between transactions.
    pub fn snapshot(&self) -> Snapshot {
        self.persistent.clone()
    }

    pub fn persistent(&self) -> &Snapshot {
        &self.persistent
    }

    /// What was written since the last block was sealed, with the values before.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    /// Takes the changes (a block is sealed, or the history starts again).
    pub fn take_changes(&mut self) -> Changes {
        std::mem::take(&mut self.changes)
    }

    /// Puts back the changes an `evm_snapshot` saved along with its state.
    pub fn set_changes(&mut self, changes: Changes) {
        self.changes = changes;
    }

    // ----- accounts -----

    pub fn account(&self, address: &Address) -> Option<&Account> {
        self.persistent.accounts.get(address)
    }

    pub fn exists(&self, address: &Address) -> bool {
        self.persistent.accounts.contains_key(address)
    }

    pub fn balance(&self, address: &Address) -> U256 {
        self.account(address).map_or(U256::ZERO, |a| a.balance)
    }

    pub fn nonce(&self, address: &Address) -> u64 {
        self.account(address).map_or(0, |a| a.nonce)
    }

    pub fn code(&self, address: &Address) -> Bytes {
        self.account(address).map_or_else(Bytes::new, |a| a.code.clone())
    }

    /// Zero for accounts that do not exist, as EXTCODEHASH answers.
    pub fn code_hash(&self, address: &Address) -> B256 {
        match self.account(address) {
            Some(account) if !account.is_empty() => account.code_hash,
            _ => B256::ZERO,
        }
    }

    fn account_mut(&mut self, address: Address) -> &mut Account {
        let before = self.persistent.accounts.get(&address);
        match before {
            Some(account) => self.journal.push(Entry::Account(address, account.clone())),
            None => self.journal.push(Entry::AccountCreated(address)),
        }
        self.changes.accounts.entry(address).or_insert_with(|| before.cloned());
        self.persistent.accounts.entry(address).or_default()
    }

    /// Replaces a whole account (anvil_loadState).
    pub fn put_account(&mut self, address: Address, account: Account) {
        *self.account_mut(address) = account;
    }

    /// Deletes the account (EIP-6780's SELFDESTRUCT of an account created in the same
    /// transaction); its storage is cleared separately with [`Self::clear_storage`].
    pub fn remove_account(&mut self, address: Address) {
        if let Some(before) = self.persistent.accounts.remove(&address) {
            self.changes.accounts.entry(address).or_insert_with(|| Some(before.clone()));
            self.journal.push(Entry::Account(address, before));
        }
    }

    /// Creates the account if missing (a value transfer to a fresh address does this).
    pub fn touch(&mut self, address: Address) {
        if !self.exists(&address) {
            self.account_mut(address);
        }
    }

    pub fn set_balance(&mut self, address: Address, balance: U256) {
        self.account_mut(address).balance = balance;
    }

    pub fn add_balance(&mut self, address: Address, amount: U256) {
        let account = self.account_mut(address);
        account.balance = account.balance.saturating_add(amount);
    }

    /// Moves `amount`; false (and nothing changed) if `from` cannot cover it.
    pub fn transfer(&mut self, from: Address, to: Address, amount: U256) -> bool {
        let Some(left) = self.balance(&from).checked_sub(amount) else {
            return false;
        };
        if amount.is_zero() {
            self.touch(to);
            return true;
        }
        self.set_balance(from, left);
        self.add_balance(to, amount);
        true
    }

    pub fn set_nonce(&mut self, address: Address, nonce: u64) {
        self.account_mut(address).nonce = nonce;
    }

    pub fn set_code(&mut self, address: Address, code: Bytes) {
        let account = self.account_mut(address);
        account.code_hash = keccak256(&code);
        account.code = code;
    }

    // ----- storage -----

    pub fn storage(&self, address: &Address, key: &B256) -> B256 {
        self.persistent
            .storage
            .get(address)
            .and_then(|slots| slots.get(key))
            .copied()
            .unwrap_or_default()
    }

    /// The slot's value at the start of the transaction.
    pub fn committed_storage(&self, address: &Address, key: &B256) -> B256 {
        match self.committed.get(&(*address, *key)) {
            Some(value) => *value,
            None => self.storage(address, key),
        }
    }

    pub fn set_storage(&mut self, address: Address, key: B256, value: B256) {
        let current = self.storage(&address, &key);
        self.committed.entry((address, key)).or_insert(current);
        self.changes.slots.entry((address, key)).or_insert(current);
        let slots = self.persistent.storage.entry(address).or_default();
        let old = if value.is_zero() { slots.remove(&key) } else { slots.insert(key, value) };
        self.journal.push(Entry::Storage(address, key, old));
    }

    /// Zeroes every slot of `address` (journaled, slot by slot).
    pub fn clear_storage(&mut self, address: Address) {
        let keys: Vec<B256> = self
            .persistent
            .storage
            .get(&address)
            .map(|slots| slots.keys().copied().collect())
            .unwrap_or_default();
        for key in keys {
            self.set_storage(address, key, B256::ZERO);
        }
    }

    pub fn transient(&self, address: &Address, key: &B256) -> B256 {
        self.transient.get(&(*address, *key)).copied().unwrap_or_default()
    }

    pub fn set_transient(&mut self, address: Address, key: B256, value: B256) {
        let old = self.transient.insert((address, key), value);
        self.journal.push(Entry::Transient(address, key, old));
    }

    // ----- EIP-2929 access sets -----

    /// Records every account and slot made warm from now on, even in frames that revert, as
    /// geth's access-list tracer sees every access.
    pub fn start_access_record(&mut self) {
        self.access_record = Some(AccessRecord::default());
    }

    /// What was recorded since [`Self::start_access_record`]; recording stops.
    pub fn take_access_record(&mut self) -> AccessRecord {
        self.access_record.take().unwrap_or_default()
    }

    /// Marks the account warm; returns whether it already was.
    pub fn warm_account(&mut self, address: Address) -> bool {
        if let Some(record) = &mut self.access_record {
            record.accounts.insert(address);
        }
        if self.warm_accounts.insert(address) {
            self.journal.push(Entry::WarmAccount(address));
            false
        } else {
            true
        }
    }

    pub fn is_warm_account(&self, address: &Address) -> bool {
        self.warm_accounts.contains(address)
    }

    /// Marks the slot warm; returns whether it already was.
    pub fn warm_slot(&mut self, address: Address, key: B256) -> bool {
        if let Some(record) = &mut self.access_record {
            record.slots.insert((address, key));
        }
        if self.warm_slots.insert((address, key)) {
            self.journal.push(Entry::WarmSlot(address, key));
            false
        } else {
            true
        }
    }

    // ----- logs and refunds -----

    pub fn push_log(&mut self, log: Log) {
        self.logs.push(log);
        self.journal.push(Entry::Log);
    }

    pub fn logs(&self) -> &[Log] {
        &self.logs
    }

    pub fn refund(&self) -> u64 {
        self.refund
    }

    pub fn adjust_refund(&mut self, delta: i64) {
        self.journal.push(Entry::Refund(self.refund));
        self.refund = self.refund.saturating_add_signed(delta);
    }

    // ----- Stylus programs and pages -----

    pub fn program(&self, code_hash: &B256) -> Option<&ProgramRecord> {
        self.persistent.programs.get(code_hash)
    }

    pub fn set_program(&mut self, code_hash: B256, record: ProgramRecord) {
        let old = self.persistent.programs.insert(code_hash, record);
        self.changes.programs.entry(code_hash).or_insert(old);
        self.journal.push(Entry::Program(code_hash, old));
    }

    /// Pages (open, ever) before a program adds its footprint.
    pub fn stylus_pages(&self) -> (u16, u16) {
        (self.pages_open, self.pages_ever)
    }

    /// Opens `pages` more; returns (open, ever) as they were before.
    ///
    /// Not journaled: geth keeps the counters as plain fields of the StateDB
    /// (`core/state/statedb_arbitrum.go`, `AddStylusPages` / `SetStylusPagesOpen` record no
    /// journal entry), so a frame that reverts leaves `ever` where it rose to, and later
    /// programs in the same transaction pay the ramp from there. `open` comes back down only
    /// because `CallProgram` restores it when the call returns, whatever its outcome.
    pub fn add_stylus_pages(&mut self, pages: u16) -> (u16, u16) {
        let before = (self.pages_open, self.pages_ever);
        self.pages_open = self.pages_open.saturating_add(pages);
        self.pages_ever = self.pages_ever.max(self.pages_open);
        before
    }

    /// Closes a program's pages when its call returns (not journaled either).
    pub fn set_stylus_pages_open(&mut self, open: u16) {
        self.pages_open = open;
    }

    // ----- journal -----

    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint(self.journal.len())
    }

    /// Undoes every change made since `checkpoint`, newest first.
    pub fn revert_to(&mut self, checkpoint: Checkpoint) {
        while self.journal.len() > checkpoint.0 {
            let entry = self.journal.pop().expect("journal length checked");
            match entry {
                Entry::AccountCreated(address) => {
                    self.persistent.accounts.remove(&address);
                }
                Entry::Account(address, account) => {
                    self.persistent.accounts.insert(address, account);
                }
                Entry::Storage(address, key, old) => {
                    let slots = self.persistent.storage.entry(address).or_default();
                    match old {
                        Some(value) => slots.insert(key, value),
                        None => slots.remove(&key),
                    };
                    if slots.is_empty() {
                        self.persistent.storage.remove(&address);
                    }
                }
                Entry::Transient(address, key, old) => match old {
                    Some(value) => {
                        self.transient.insert((address, key), value);
                    }
                    None => {
                        self.transient.remove(&(address, key));
                    }
                },
                Entry::WarmAccount(address) => {
                    self.warm_accounts.remove(&address);
                }
                Entry::WarmSlot(address, key) => {
                    self.warm_slots.remove(&(address, key));
                }
                Entry::Log => {
                    self.logs.pop();
                }
                Entry::Refund(old) => self.refund = old,
                Entry::Program(code_hash, old) => match old {
                    Some(record) => {
                        self.persistent.programs.insert(code_hash, record);
                    }
                    None => {
                        self.persistent.programs.remove(&code_hash);
                    }
                },
            }
        }
    }

    /// Ends a transaction: its changes stay, its scoped state goes. Returns its logs.
    pub fn end_tx(&mut self) -> Vec<Log> {
        self.journal.clear();
        self.committed.clear();
        self.transient.clear();
        self.warm_accounts.clear();
        self.warm_slots.clear();
        self.refund = 0;
        self.pages_open = 0;
        self.pages_ever = 0;
        std::mem::take(&mut self.logs)
    }

    /// Drops everything since the transaction began (a transaction that cannot even start).
    pub fn abort_tx(&mut self) {
        self.revert_to(Checkpoint(0));
        self.end_tx();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    const A: Address = address!("00000000000000000000000000000000000000aa");
    const B: Address = address!("00000000000000000000000000000000000000bb");

    fn slot(n: u8) -> B256 {
        B256::with_last_byte(n)
    }

    #[test]
    fn nested_frames_revert_exactly_their_own_writes() {
        let mut state = State::default();
        state.set_balance(A, U256::from(100));
        let outer = state.checkpoint();
        state.set_storage(A, slot(1), slot(7));
        assert!(state.transfer(A, B, U256::from(30)));
        state.push_log(Log { address: A, ..Log::default() });

        let inner = state.checkpoint();
        state.set_storage(A, slot(1), slot(9));
        state.set_storage(A, slot(2), slot(3));
        assert!(state.transfer(B, A, U256::from(10)));
        state.set_transient(A, slot(5), slot(5));
        state.push_log(Log { address: B, ..Log::default() });
        state.warm_slot(A, slot(2));
        state.revert_to(inner);

        assert_eq!(state.storage(&A, &slot(1)), slot(7));
        assert_eq!(state.storage(&A, &slot(2)), B256::ZERO);
        assert_eq!(state.balance(&A), U256::from(70));
        assert_eq!(state.balance(&B), U256::from(30));
        assert_eq!(state.transient(&A, &slot(5)), B256::ZERO);
        assert_eq!(state.logs().len(), 1);
        assert!(!state.warm_slot(A, slot(2)), "warmth is reverted with the frame");

        state.revert_to(outer);
        assert_eq!(state.storage(&A, &slot(1)), B256::ZERO);
        assert_eq!(state.balance(&A), U256::from(100));
        assert!(!state.exists(&B));
        assert!(state.logs().is_empty());
    }

    #[test]
    fn committed_value_is_the_value_at_transaction_start() {
        let mut state = State::default();
        state.set_storage(A, slot(1), slot(1));
        state.end_tx();
        state.set_storage(A, slot(1), slot(2));
        state.set_storage(A, slot(1), slot(3));
        assert_eq!(state.committed_storage(&A, &slot(1)), slot(1));
        assert_eq!(state.storage(&A, &slot(1)), slot(3));
        state.end_tx();
        assert_eq!(state.committed_storage(&A, &slot(1)), slot(3));
    }

    #[test]
    fn transfer_refuses_overdraft_without_side_effects() {
        let mut state = State::default();
        state.set_balance(A, U256::from(5));
        let before = state.snapshot();
        assert!(!state.transfer(A, B, U256::from(6)));
        assert_eq!(state.snapshot(), before);
    }

    #[test]
    fn zeroed_slots_are_removed_from_the_map() {
        let mut state = State::default();
        state.set_storage(A, slot(1), slot(1));
        state.set_storage(A, slot(1), B256::ZERO);
        assert!(state.persistent().storage.get(&A).is_none_or(|s| s.is_empty()));
    }

    #[test]
    fn stylus_pages_track_open_and_ever() {
        let mut state = State::default();
        assert_eq!(state.add_stylus_pages(3), (0, 0));
        assert_eq!(state.add_stylus_pages(2), (3, 3));
        state.set_stylus_pages_open(3);
        assert_eq!(state.stylus_pages(), (3, 5));
    }

    #[test]
    fn a_revert_does_not_lower_the_page_counters() {
        let mut state = State::default();
        state.add_stylus_pages(2);
        let frame = state.checkpoint();
        state.add_stylus_pages(17);
        state.set_storage(A, slot(1), slot(1));
        state.revert_to(frame);
        assert_eq!(state.storage(&A, &slot(1)), B256::ZERO, "storage is journaled");
        assert_eq!(state.stylus_pages(), (19, 19), "pages are not");
        state.set_stylus_pages_open(2);
        assert_eq!(state.stylus_pages(), (2, 19));
        state.end_tx();
        assert_eq!(state.stylus_pages(), (0, 0));
    }
}
