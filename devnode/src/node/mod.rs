//! The dev node without its transport: a chain ([`Engine`]) plus what a development node adds
//! to one, namely accounts it signs for, a mining mode (a block per transaction, or interval
//! blocks from the pending [`Pool`]), numbered `evm_snapshot`s and a line printed per
//! transaction. Every operation is typed; `rpc` only turns JSON into calls of these and back,
//! and in-process users (tests, the deploy harness) can drive it directly.

pub mod eip712;
pub mod filters;
pub mod signer;

use std::{
    collections::{HashSet, VecDeque},
    time::Instant,
};

use alloy_primitives::{Address, Bytes, B256};

use filters::{FilterError, FilterKind, Filters};

use crate::{
    dev::accounts::DevAccount,
    engine::{
        chain::{Block, CallRequest, Engine, EngineSnapshot, Receipt, TxRejected},
        dump::{DumpError, StateDump},
        exec::{Failure, Outcome},
        logs::{LogFilter, MatchedLog},
        pool::Pool,
        query::{BlockId, QueryError},
        tx::SignedTx,
    },
};

/// Why the node refuses an operation. `rpc::error` maps each to its JSON-RPC error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NodeError {
    #[error(transparent)]
    Rejected(#[from] TxRejected),
    #[error(transparent)]
    Query(#[from] QueryError),
    /// The call reverted with this data.
    #[error("execution reverted")]
    Reverted(Bytes),
    /// The call failed without a revert (out of gas, a trap).
    #[error("{0}")]
    Failed(Failure),
    /// No gas limit makes the call succeed.
    #[error("gas required exceeds allowance or always failing transaction: {0}")]
    EstimateFailed(Failure),
    /// Estimation gave up without an outcome to report.
    #[error("gas estimation failed")]
    EstimateInconclusive,
    #[error("unknown account {0}: the node holds no key for it")]
    UnknownAccount(Address),
    #[error("timestamp {timestamp} is before the latest block's {latest}")]
    TimestampInPast { timestamp: u64, latest: u64 },
    #[error(transparent)]
    Filter(#[from] FilterError),
    /// eth_sign & co. for an account the node holds no key for (anvil's message).
    #[error("No Signer available")]
    NoSigner(Address),
    /// A state dump the node refuses (another chain's).
    #[error("{0}")]
    State(String),
    /// eth_signTypedData_v4 with typed data that is not valid EIP-712.
    #[error("{0}")]
    InvalidTypedData(String),
}

/// What eth_getFilterChanges returns: logs for a log filter, hashes for a block or
/// pending-transaction filter, whole transactions for a `full` pending-transaction filter.
#[derive(Debug)]
pub enum FilterChanges<'a> {
    Logs(Vec<MatchedLog<'a>>),
    Hashes(Vec<B256>),
    Transactions(Vec<TxLocation<'a>>),
}

/// Where a transaction is: queued for the next block, or mined at `index` in `block`.
#[derive(Debug, Clone, Copy)]
pub enum TxLocation<'a> {
    Pending(&'a SignedTx),
    Mined { tx: &'a SignedTx, block: &'a Block, index: u64 },
}

/// A chain with its dev accounts, pending pool, mining mode and snapshots.
pub struct DevNode {
    pub engine: Engine,
    /// Accounts whose keys the node holds (eth_accounts, eth_sendTransaction).
    pub accounts: Vec<DevAccount>,
    /// Transactions waiting for the next interval block; empty when automining.
    pub pool: Pool,
    /// Mine each transaction at once (block time 0).
    pub automine: bool,
    /// Print nothing per transaction.
    pub quiet: bool,
    /// Installed polling filters (eth_newFilter and friends).
    pub filters: Filters,
    /// Whether the interval miner (`--block-time`) mines; anvil_setAutomine(true) stops it.
    pub interval_mining: bool,
    /// Accounts eth_sendTransaction accepts unsigned transactions from (anvil_impersonateAccount).
    impersonated: HashSet<Address>,
    /// anvil_autoImpersonateAccount: every account is impersonated.
    auto_impersonate: bool,
    /// Hashes of transactions accepted since [`Self::take_accepted`], kept only once
    /// [`Self::record_accepted`] is on (the RPC front announces them to subscribers).
    accepted: Option<Vec<B256>>,
    snapshots: Vec<(u64, EngineSnapshot)>,
    next_snapshot_id: u64,
}

impl DevNode {
    pub fn new(engine: Engine, accounts: Vec<DevAccount>, automine: bool, quiet: bool) -> Self {
        Self {
            engine,
            accounts,
            pool: Pool::default(),
            automine,
            quiet,
            filters: Filters::default(),
            interval_mining: !automine,
            impersonated: HashSet::new(),
            auto_impersonate: false,
            accepted: None,
            snapshots: Vec::new(),
            next_snapshot_id: 1,
        }
    }

    /// Automine: executes `tx` in a block of its own. Interval mining: queues it for the next
    /// block. Either way it is checked completely first, and a refused one changes nothing.
    pub fn submit(&mut self, tx: SignedTx) -> Result<B256, TxRejected> {
        let hash = if self.automine {
            let receipt = self.engine.send_transaction(tx)?;
            self.print(&receipt);
            receipt.transaction_hash
        } else {
            self.pool.add(&self.engine, tx)?
        };
        self.filters.transaction_accepted(hash);
        if let Some(accepted) = &mut self.accepted {
            accepted.push(hash);
        }
        Ok(hash)
    }

    /// Mines the pending transactions into one block (interval mining, evm_mine).
    pub fn mine(&mut self) -> B256 {
        let (hash, results) = self.pool.mine(&mut self.engine);
        results.iter().flatten().for_each(|receipt| self.print(receipt));
        hash
    }

    /// The nonce the sender's next transaction needs, counting queued ones.
    pub fn next_nonce(&self, sender: &Address) -> u64 {
        self.pool.next_nonce(&self.engine, sender)
    }

    pub fn transaction(&self, hash: &B256) -> Option<TxLocation<'_>> {
        if let Some(tx) = self.pool.get(hash) {
            return Some(TxLocation::Pending(tx));
        }
        let (tx, number) = self.engine.transaction(hash)?;
        let block = self.engine.block(*number).expect("a mined transaction's block exists");
        let index = block.transactions.iter().position(|h| h == hash).unwrap_or(0) as u64;
        Some(TxLocation::Mined { tx, block, index })
    }

    /// eth_call at the block `block` names: the output, or why the call did not succeed.
    pub fn call(&mut self, request: &CallRequest, block: BlockId) -> Result<Bytes, NodeError> {
        let output = self.engine.at_block(block, |engine| engine.call(request))?;
        match output.result.outcome {
            Outcome::Success => Ok(output.result.output),
            Outcome::Revert => Err(NodeError::Reverted(output.result.output)),
            Outcome::Failure(failure) => Err(NodeError::Failed(failure)),
        }
    }

    /// eth_estimateGas at the block `block` names: the smallest gas limit with which the call
    /// succeeds.
    pub fn estimate_gas(&mut self, request: &CallRequest, block: BlockId) -> Result<u64, NodeError> {
        let estimate = self.engine.at_block(block, |engine| engine.estimate_gas(request))?;
        estimate.map_err(|output| match output.result.outcome {
            Outcome::Revert => NodeError::Reverted(output.result.output),
            Outcome::Failure(failure) => NodeError::EstimateFailed(failure),
            Outcome::Success => NodeError::EstimateInconclusive,
        })
    }

    /// evm_setNextBlockTimestamp: no earlier than the head block.
    pub fn set_next_timestamp(&mut self, timestamp: u64) -> Result<(), NodeError> {
        let latest = self.engine.latest_block().timestamp;
        if timestamp < latest {
            return Err(NodeError::TimestampInPast { timestamp, latest });
        }
        self.engine.set_next_timestamp(timestamp);
        Ok(())
    }

    /// evm_snapshot: saves the chain and returns the snapshot's id (1, 2, ...).
    pub fn snapshot(&mut self) -> u64 {
        let id = self.next_snapshot_id;
        self.next_snapshot_id += 1;
        self.snapshots.push((id, self.engine.snapshot()));
        id
    }

    /// evm_revert: back to snapshot `id`, which is used up with every later one; the pending
    /// pool is dropped. `false` if there is no such snapshot.
    pub fn revert(&mut self, id: u64) -> bool {
        let Some(position) = self.snapshots.iter().position(|(i, _)| *i == id) else {
            return false;
        };
        let (_, snapshot) = self.snapshots.drain(position..).next().expect("position exists");
        self.pool.clear();
        self.engine.revert_to_snapshot(snapshot);
        self.filters.chain_rewound(self.engine.latest_block().number + 1);
        true
    }

    /// The state and head block for `--dump-state`.
    pub fn dump_state(&self) -> StateDump {
        self.engine.dump_state()
    }

    /// Starts over from a dump (`--load-state`); snapshots and pending transactions from
    /// before are dropped. A refused dump changes nothing.
    pub fn load_state(&mut self, dump: StateDump) -> Result<(), DumpError> {
        self.engine.load_state(dump)?;
        self.snapshots.clear();
        self.pool.clear();
        self.filters.chain_rewound(self.engine.latest_block().number + 1);
        Ok(())
    }

    /// Keeps the hashes of accepted transactions for [`Self::take_accepted`].
    pub fn record_accepted(&mut self) {
        self.accepted.get_or_insert_with(Vec::new);
    }

    /// The transactions accepted since the last call (if recording).
    pub fn take_accepted(&mut self) -> Vec<B256> {
        self.accepted.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// anvil_impersonateAccount: eth_sendTransaction from `address` is accepted unsigned.
    pub fn impersonate(&mut self, address: Address) {
        self.impersonated.insert(address);
    }

    /// anvil_stopImpersonatingAccount.
    pub fn stop_impersonating(&mut self, address: &Address) {
        self.impersonated.remove(address);
    }

    /// anvil_autoImpersonateAccount.
    pub fn set_auto_impersonate(&mut self, enabled: bool) {
        self.auto_impersonate = enabled;
    }

    pub fn is_impersonated(&self, address: &Address) -> bool {
        self.auto_impersonate || self.impersonated.contains(address)
    }

    /// evm_setAutomine, as anvil: switching it on stops interval mining and (so that nothing
    /// is left behind the new transactions) mines whatever is queued; switching it off leaves
    /// transactions queued until evm_mine or, if it still runs, the interval miner.
    pub fn set_automine(&mut self, enabled: bool) {
        if enabled && !self.automine {
            self.interval_mining = false;
            if !self.pool.pending().is_empty() {
                self.mine();
            }
        }
        self.automine = enabled;
    }

    /// anvil_mine: `blocks` blocks, the first with the queued transactions; with an
    /// `interval`, each block's timestamp that many seconds after the previous one's.
    pub fn mine_blocks(&mut self, blocks: u64, interval: Option<u64>) {
        for _ in 0..blocks {
            if let Some(interval) = interval {
                let latest = self.engine.latest_block().timestamp;
                self.engine.set_next_timestamp(latest.saturating_add(interval));
            }
            self.mine();
        }
    }

    /// anvil_loadState: a dump written over the current state; queued transactions (checked
    /// against the old state) are dropped.
    pub fn merge_state(&mut self, dump: StateDump) -> Result<(), NodeError> {
        self.engine.merge_state(dump).map_err(|e| NodeError::State(e.to_string()))?;
        self.pool.clear();
        Ok(())
    }

    /// anvil_reset: the chain from genesis again, with the same prefunded accounts; queued
    /// transactions and snapshots are dropped, filters wait for the new chain's blocks.
    pub fn reset(&mut self) {
        self.engine.reset();
        self.pool.clear();
        self.snapshots.clear();
        self.filters.chain_rewound(self.engine.latest_block().number + 1);
    }

    /// eth_newFilter. With a `fromBlock`, the first poll returns the logs already in range (as
    /// anvil does; the range is checked now, like eth_getLogs'); without, only logs of blocks
    /// mined from now on.
    pub fn new_log_filter(&mut self, filter: LogFilter, from_given: bool) -> Result<String, NodeError> {
        let next_block = if from_given {
            self.engine.logs(&filter)?;
            self.engine.log_range_start(&filter)?
        } else {
            self.engine.latest_block().number + 1
        };
        Ok(self.filters.install(FilterKind::Logs { filter, next_block }, Instant::now())?)
    }

    /// eth_newBlockFilter: hashes of the blocks mined from now on.
    pub fn new_block_filter(&mut self) -> Result<String, NodeError> {
        let next_block = self.engine.latest_block().number + 1;
        Ok(self.filters.install(FilterKind::Blocks { next_block }, Instant::now())?)
    }

    /// eth_newPendingTransactionFilter: hashes (or, if `full`, whole transactions) of the
    /// transactions accepted from now on.
    pub fn new_pending_transaction_filter(&mut self, full: bool) -> Result<String, NodeError> {
        let kind = FilterKind::PendingTransactions { hashes: VecDeque::new(), full };
        Ok(self.filters.install(kind, Instant::now())?)
    }

    /// eth_getFilterChanges: what the filter saw since its last poll.
    pub fn filter_changes(&mut self, id: &str) -> Result<FilterChanges<'_>, NodeError> {
        let head = self.engine.latest_block().number;
        match self.filters.poll(id, Instant::now())? {
            FilterKind::Logs { filter, next_block } => {
                let from = std::mem::replace(next_block, head + 1);
                let filter = filter.clone();
                let engine = &self.engine;
                let logs = engine
                    .logs_in_blocks(from, head, &filter)
                    .into_iter()
                    .filter(|m| engine.filter_takes_block(&filter, m.receipt.block_number, &m.receipt.block_hash))
                    .collect();
                Ok(FilterChanges::Logs(logs))
            }
            FilterKind::Blocks { next_block } => {
                let from = std::mem::replace(next_block, head + 1);
                let hashes = (from..=head).filter_map(|n| self.engine.block(n).map(|b| b.hash)).collect();
                Ok(FilterChanges::Hashes(hashes))
            }
            FilterKind::PendingTransactions { hashes, full } => {
                let hashes: Vec<B256> = hashes.drain(..).collect();
                if *full {
                    Ok(FilterChanges::Transactions(hashes.iter().filter_map(|h| self.transaction(h)).collect()))
                } else {
                    Ok(FilterChanges::Hashes(hashes))
                }
            }
        }
    }

    /// eth_getFilterLogs: every log matching a log filter, as eth_getLogs would return it now.
    /// Block and pending-transaction filters have no logs: "filter not found", as in anvil.
    pub fn filter_logs(&mut self, id: &str) -> Result<Vec<MatchedLog<'_>>, NodeError> {
        let Some(FilterKind::Logs { filter, .. }) = self.filters.get(id, Instant::now()) else {
            return Err(FilterError::NotFound.into());
        };
        let filter = filter.clone();
        Ok(self.engine.logs(&filter)?)
    }

    fn print(&self, receipt: &Receipt) {
        if !self.quiet {
            println!("{}", receipt_line(receipt));
        }
    }
}

/// The node's one line per transaction.
pub fn receipt_line(receipt: &Receipt) -> String {
    let target = match (receipt.contract_address, receipt.to) {
        (Some(created), _) => format!("created {created}"),
        (None, Some(to)) => format!("to {to}"),
        (None, None) => "create failed".to_string(),
    };
    let status = if receipt.status {
        "ok".to_string()
    } else {
        format!("failed ({})", receipt.failure.as_deref().unwrap_or("reverted"))
    };
    format!("tx {:#x} block {} {target} gas {} {status}", receipt.transaction_hash, receipt.block_number, receipt.gas_used)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        dev::accounts::dev_accounts,
        engine::{chain::ChainConfig, testing::signed_tx, tx::TxKind},
    };
    use alloy_primitives::U256;

    fn node(automine: bool) -> DevNode {
        let accounts = dev_accounts(1);
        let alloc: Vec<_> = accounts.iter().map(|a| (a.address, U256::from(10u128.pow(20)))).collect();
        DevNode::new(Engine::new(ChainConfig::default(), &alloc), accounts, automine, true)
    }

    fn transfer(node: &DevNode, nonce: u64) -> SignedTx {
        signed_tx(&node.accounts[1].key, nonce, TxKind::Call(Address::repeat_byte(0x42)), U256::from(1u64), Vec::new(), 21_000)
    }

    #[test]
    fn interval_mining_queues_until_the_block() {
        let mut node = node(false);
        let hash = node.submit(transfer(&node, 0)).unwrap();
        assert!(matches!(node.transaction(&hash), Some(TxLocation::Pending(_))));
        assert_eq!(node.next_nonce(&node.accounts[1].address), 1);
        node.mine();
        let Some(TxLocation::Mined { block, index, .. }) = node.transaction(&hash) else { panic!("mined") };
        assert_eq!((block.number, index), (1, 0));
        assert!(node.transaction(&B256::ZERO).is_none());
    }

    #[test]
    fn snapshots_are_used_once_and_drop_the_pool() {
        let mut node = node(false);
        let id = node.snapshot();
        node.submit(transfer(&node, 0)).unwrap();
        node.mine();
        node.submit(transfer(&node, 1)).unwrap();
        assert!(node.revert(id));
        assert_eq!(node.engine.latest_block().number, 0);
        assert!(node.pool.pending().is_empty());
        assert!(!node.revert(id), "a snapshot is used once");
    }

    #[test]
    fn a_loaded_state_starts_without_snapshots_or_pending_transactions() {
        let mut node = node(false);
        let dump = node.dump_state();
        let id = node.snapshot();
        node.submit(transfer(&node, 0)).unwrap();
        node.load_state(dump.clone()).unwrap();
        assert!(node.pool.pending().is_empty());
        assert!(!node.revert(id), "snapshots from before the load are gone");
        assert_eq!(node.dump_state(), dump);
    }

    #[test]
    fn timestamps_cannot_go_back() {
        let mut node = node(true);
        let latest = node.engine.latest_block().timestamp;
        assert_eq!(
            node.set_next_timestamp(latest - 1).unwrap_err(),
            NodeError::TimestampInPast { timestamp: latest - 1, latest }
        );
        node.set_next_timestamp(latest + 10).unwrap();
        node.engine.mine();
        assert_eq!(node.engine.latest_block().timestamp, latest + 10);
    }

    #[test]
    fn the_receipt_line_says_what_happened() {
        let mut node = node(true);
        let hash = node.submit(transfer(&node, 0)).unwrap();
        let line = receipt_line(node.engine.receipt(&hash).unwrap());
        assert_eq!(line, format!("tx {hash:#x} block 1 to {} gas 21000 ok", Address::repeat_byte(0x42)));
    }
}
