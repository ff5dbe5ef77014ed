//! The `rigshare` command line, as a library in four layers; each imports only those below it:
//!
//! 1. [`pipeline`]: contract crates to validated, stored Stylus code, size table and ABIs.
//! 2. [`chain`]: connection and keys, the one crash-safe sender, receipts, revert decoding,
//!    bounded log scans, the deployments file, StylusDeployer and ArbWasm.
//! 3. [`catalogue`]: one entry per contract of the system (crate, ABI, bindings, constructor
//!    inputs by name, dependencies, wiring, error hints).
//! 4. [`commands`]: `build`, `abi`, `up`, the operating commands, `status` and `demo`.
//!
//! The `rigshare` binary (main.rs) only parses arguments and calls [`commands`].

pub mod catalogue;
pub mod chain;
pub mod commands;
pub mod pipeline;
