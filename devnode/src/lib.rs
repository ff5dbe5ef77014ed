//! rigshare's local Stylus node.
//!
//! [`engine`] executes transactions against an in-memory world the way Nitro would: the same
//! activation rules, ink metering and `vm_hooks` host functions, over the real compiled WASM.
//! [`node`] adds what a development node needs (its accounts, a pending pool and mining mode,
//! snapshots), [`rpc`] serves it as Ethereum JSON-RPC, and [`dev`] holds the dev chain's
//! constants that the node, the tests and the `rigshare` tool share.
pub mod dev;
pub mod engine;
pub mod node;
pub mod rpc;
