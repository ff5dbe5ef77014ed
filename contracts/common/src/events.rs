//! Events emitted through the shared encoder. `evm::log(Event { .. })` monomorphizes alloy's
//! topic and data encoders for every event (about 500 bytes of wasm each); [`emit`] takes the
//! topics as words and the data fields as the errors' [`ErrorField`]s, so each call site only
//! lists them. The log is byte-identical to `evm::log`'s (the contracts' tests compare every
//! event they emit with the `sol!` event's encoding).

// `raw_log`, which `evm::log` itself calls (motsu intercepts it in native tests).
#![allow(deprecated)]

use alloy_primitives::B256;

use crate::errors::{encode, ErrorField};

/// Emits a log with `topics` (the event's `SIGNATURE_HASH`, then each indexed field's word,
/// in order: `Address::into_word`, `B256::from(U256)`, the `bytes32` itself) and `data` (the
/// other fields, in order).
#[inline(never)]
pub fn emit(topics: &[B256], data: &[&dyn ErrorField]) {
    let encoded = encode([0; 4], data);
    // At most four topics, so this cannot fail.
    let _ = stylus_sdk::evm::raw_log(topics, &encoded[4..]);
}
