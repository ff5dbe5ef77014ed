//! rigshare's local Stylus node.
//!
//! [`engine`] executes transactions against an in-memory world the way Nitro would: the same
//! activation rules, ink metering and `vm_hooks` host functions, over the real compiled WASM.
pub mod engine;
pub mod rpc;
