//! Layer 2, the chain client: the connection and key sources ([`network`]), the one sender
//! every transaction goes through ([`sender`]), the deployments file it records into
//! ([`deployments`]), revert decoding ([`revert`]), bounded log scans ([`logs`]), the two
//! Arbitrum contracts every deployment talks to ([`stylus`]) and program caching ([`cache`]).
//!
//! It knows no rigshare contract: the catalogue (layer 3) hands it ABIs and calls.

pub mod cache;
pub mod deployments;
pub mod logs;
pub mod network;
pub mod revert;
pub mod sender;
pub mod stylus;

use ethers::prelude::{Http, LocalWallet, Provider, SignerMiddleware};

/// A provider that signs with a local key: what every command talks to the chain through.
pub type Client = SignerMiddleware<Provider<Http>, LocalWallet>;

/// One progress line on stderr: `rigshare: [label] what`.
pub fn progress(label: &str, what: impl std::fmt::Display) {
    eprintln!("rigshare: [{label}] {what}");
}
