//! Step 2: a `.wasm` as Stylus stores it on chain, and the init code that deploys it. The
//! format lives in the dev node's engine (one definition for building and for running).

pub use devnode::engine::code::*;

/// The wasm inside stored code (the inverse of [`stored_code`]), for checks. No size limit:
/// deploy reports sizes rather than refusing them here.
pub fn decompress_stored(stored: &[u8]) -> Result<Vec<u8>, CodeError> {
    decode_stylus_code(stored, usize::MAX)
}
