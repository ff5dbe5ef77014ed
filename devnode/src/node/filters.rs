//! Polling filters (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter), with
//! anvil's semantics: a log filter with a `fromBlock` first returns the logs already in its
//! range, then on each poll those of the blocks mined since; a block filter returns the hashes
//! of new blocks; a pending-transaction filter the hashes of transactions accepted since.
//!
//! Resources are bounded: a filter not polled for [`FILTER_TIMEOUT`] (geth's and anvil's 5
//! minutes) is removed, at most [`MAX_FILTERS`] are installed at once, and a pending-transaction
//! filter keeps at most [`MAX_PENDING_HASHES`] hashes between polls (the oldest are dropped), so
//! a client that installs filters and goes silent cannot make the node grow without bound.
//!
//! Time is passed in (`now`) so expiry is testable; the node passes the wall clock.

use std::{
    collections::{HashMap, VecDeque},
    hash::{BuildHasher, Hasher},
    time::{Duration, Instant},
};

use alloy_primitives::{hex, B256};

use crate::engine::logs::LogFilter;

/// How long a filter lives without being polled (geth's and anvil's `filterTimeout`).
pub const FILTER_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// Most filters installed at once.
pub const MAX_FILTERS: usize = 1024;
/// Most transaction hashes a pending-transaction filter holds between two polls.
pub const MAX_PENDING_HASHES: usize = 10_000;

/// What a filter watches, and where its next poll starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterKind {
    /// Logs matching `filter` in blocks from `next_block` on.
    Logs { filter: LogFilter, next_block: u64 },
    /// Hashes of blocks from `next_block` on.
    Blocks { next_block: u64 },
    /// Hashes of transactions accepted since the last poll; returned as whole transactions
    /// if `full`.
    PendingTransactions { hashes: VecDeque<B256>, full: bool },
}

#[derive(Debug, Clone)]
struct Installed {
    kind: FilterKind,
    deadline: Instant,
}

/// Why a filter operation is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// anvil's and geth's message for an unknown, uninstalled or expired id.
    #[error("filter not found")]
    NotFound,
    #[error(
        "too many filters: at most {MAX_FILTERS} may be installed at once; remove one with \
         eth_uninstallFilter (unpolled filters expire after 5 minutes)"
    )]
    TooMany,
}

/// The installed filters, by id.
#[derive(Debug, Default)]
pub struct Filters {
    installed: HashMap<String, Installed>,
    ids: IdSource,
}

impl Filters {
    pub fn len(&self) -> usize {
        self.installed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.installed.is_empty()
    }

    /// Removes every filter whose deadline has passed.
    pub fn evict(&mut self, now: Instant) {
        self.installed.retain(|_, filter| filter.deadline >= now);
    }

    /// Installs a filter and returns its id (`0x` and 32 hex digits, as anvil's).
    pub fn install(&mut self, kind: FilterKind, now: Instant) -> Result<String, FilterError> {
        self.evict(now);
        if self.installed.len() >= MAX_FILTERS {
            return Err(FilterError::TooMany);
        }
        let id = loop {
            let id = self.ids.next_id();
            if !self.installed.contains_key(&id) {
                break id;
            }
        };
        self.installed.insert(id.clone(), Installed { kind, deadline: now + FILTER_TIMEOUT });
        Ok(id)
    }

    /// The filter `id` for a poll: its deadline moves [`FILTER_TIMEOUT`] past `now`.
    pub fn poll(&mut self, id: &str, now: Instant) -> Result<&mut FilterKind, FilterError> {
        self.evict(now);
        let filter = self.installed.get_mut(id).ok_or(FilterError::NotFound)?;
        filter.deadline = now + FILTER_TIMEOUT;
        Ok(&mut filter.kind)
    }

    /// The filter `id` without counting as a poll (eth_getFilterLogs, as in anvil).
    pub fn get(&mut self, id: &str, now: Instant) -> Option<&FilterKind> {
        self.evict(now);
        self.installed.get(id).map(|f| &f.kind)
    }

    /// eth_uninstallFilter: whether there was such a filter.
    pub fn uninstall(&mut self, id: &str, now: Instant) -> bool {
        self.evict(now);
        self.installed.remove(id).is_some()
    }

    /// A transaction was accepted: every pending-transaction filter gets its hash.
    pub fn transaction_accepted(&mut self, hash: B256) {
        for filter in self.installed.values_mut() {
            if let FilterKind::PendingTransactions { hashes, .. } = &mut filter.kind {
                if hashes.len() == MAX_PENDING_HASHES {
                    hashes.pop_front();
                }
                hashes.push_back(hash);
            }
        }
    }

    /// The chain went back (evm_revert, a loaded state, a reset) and its next block is
    /// `next_block`: filters waiting for later blocks wait for that one instead, so blocks
    /// mined on the new chain are not skipped.
    pub fn chain_rewound(&mut self, next_block: u64) {
        for filter in self.installed.values_mut() {
            match &mut filter.kind {
                FilterKind::Logs { next_block: next, .. } | FilterKind::Blocks { next_block: next } => {
                    *next = (*next).min(next_block);
                }
                FilterKind::PendingTransactions { .. } => {}
            }
        }
    }

    /// Drops every filter (anvil_reset).
    pub fn clear(&mut self) {
        self.installed.clear();
    }
}

/// Unpredictable ids (`0x` and 32 hex digits, as anvil's), so one client cannot guess (and
/// poll or uninstall) another's filters or subscriptions.
#[derive(Debug)]
pub struct IdSource {
    keys: std::collections::hash_map::RandomState,
    counter: u64,
}

impl Default for IdSource {
    fn default() -> Self {
        Self::new()
    }
}

impl IdSource {
    pub fn new() -> Self {
        Self { keys: std::collections::hash_map::RandomState::new(), counter: 0 }
    }

    pub fn next_id(&mut self) -> String {
        let mut bytes = [0u8; 16];
        for (i, half) in bytes.chunks_mut(8).enumerate() {
            let mut hasher = self.keys.build_hasher();
            hasher.write_u64(self.counter);
            hasher.write_usize(i);
            half.copy_from_slice(&hasher.finish().to_be_bytes());
        }
        self.counter += 1;
        hex::encode_prefixed(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpolled_filters_expire_after_five_minutes() {
        let start = Instant::now();
        let mut filters = Filters::default();
        let id = filters.install(FilterKind::Blocks { next_block: 1 }, start).unwrap();
        assert!(id.starts_with("0x") && id.len() == 34, "{id}");
        // A poll just before the deadline keeps it for another five minutes.
        let almost = start + FILTER_TIMEOUT - Duration::from_secs(1);
        assert!(filters.poll(&id, almost).is_ok());
        assert!(filters.poll(&id, almost + FILTER_TIMEOUT).is_ok());
        let late = almost + 2 * FILTER_TIMEOUT + Duration::from_secs(1);
        assert_eq!(filters.poll(&id, late).unwrap_err(), FilterError::NotFound);
        assert!(filters.is_empty());
        assert!(!filters.uninstall(&id, late));
    }

    #[test]
    fn the_number_of_filters_is_capped() {
        let now = Instant::now();
        let mut filters = Filters::default();
        let ids: Vec<String> =
            (0..MAX_FILTERS).map(|_| filters.install(FilterKind::Blocks { next_block: 0 }, now).unwrap()).collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), MAX_FILTERS, "ids are unique");
        assert_eq!(filters.install(FilterKind::Blocks { next_block: 0 }, now).unwrap_err(), FilterError::TooMany);
        assert!(filters.uninstall(&ids[0], now));
        assert!(filters.install(FilterKind::Blocks { next_block: 0 }, now).is_ok());
        // Expired filters make room.
        let later = now + FILTER_TIMEOUT + Duration::from_secs(1);
        assert!(filters.install(FilterKind::Blocks { next_block: 0 }, later).is_ok());
        assert_eq!(filters.len(), 1);
    }

    #[test]
    fn pending_filters_hold_a_bounded_queue() {
        let now = Instant::now();
        let mut filters = Filters::default();
        let id = filters.install(FilterKind::PendingTransactions { hashes: VecDeque::new(), full: false }, now).unwrap();
        for i in 0..MAX_PENDING_HASHES as u64 + 5 {
            filters.transaction_accepted(B256::from(alloy_primitives::U256::from(i)));
        }
        let FilterKind::PendingTransactions { hashes, .. } = filters.poll(&id, now).unwrap() else { panic!() };
        assert_eq!(hashes.len(), MAX_PENDING_HASHES);
        assert_eq!(hashes[0], B256::from(alloy_primitives::U256::from(5u64)), "the oldest are dropped");
    }

    #[test]
    fn a_rewound_chain_moves_block_cursors_back() {
        let now = Instant::now();
        let mut filters = Filters::default();
        let id = filters.install(FilterKind::Blocks { next_block: 9 }, now).unwrap();
        filters.chain_rewound(4);
        assert_eq!(filters.poll(&id, now).unwrap(), &FilterKind::Blocks { next_block: 4 });
        filters.chain_rewound(6);
        assert_eq!(filters.poll(&id, now).unwrap(), &FilterKind::Blocks { next_block: 4 });
    }
}
