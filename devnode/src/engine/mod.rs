//! The execution engine: world state, Stylus code and activation, ink metering, host
//! functions, precompiles and transactions; the pending pool, log and fee-history queries that
//! any user of a chain needs. No networking here; `rpc` wraps it.

pub mod types;
pub mod pricing;
pub mod precompile_gas;
pub mod code;
pub mod validate;
pub mod state;
pub mod meter;
pub mod exec;
pub mod interp;
pub mod genesis;
mod evm_api;
pub mod host;
pub mod program;
pub mod precompiles;
pub mod tx;
pub mod testing;
pub mod chain;
pub mod query;
pub mod pool;
pub mod logs;
pub mod fees;
pub mod dump;
pub mod trie;
pub mod history;
pub mod past;
pub mod trace;
