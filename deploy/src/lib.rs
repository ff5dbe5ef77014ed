//! rigshare's deployment tooling: build the contracts to Stylus WASM reproducibly, check them
//! as Nitro would at activation, report their size against the code limit, and generate their
//! ABI. The `rigshare` binary is a thin command line over [`commands`].

pub mod abi;
pub mod build;
pub mod code;
pub mod commands;
pub mod demo;
pub mod normalise;
pub mod ops;
pub mod report;
pub mod toolchain;
pub mod up;
pub mod validate;
pub mod wasm_opt;
pub mod workspace;
