//! The contracts' notion of "now": the block timestamp, and nothing else, in every deployed
//! contract. Native tests run at a fixed block time (motsu), so with the `test-clock` feature
//! (which the contracts enable only as a dev-dependency) a per-thread offset lets a test move
//! time forward.

#[cfg(not(feature = "test-clock"))]
pub fn now() -> u64 {
    #[allow(deprecated)]
    stylus_sdk::block::timestamp()
}

#[cfg(feature = "test-clock")]
extern crate std;

#[cfg(feature = "test-clock")]
std::thread_local! {
    static OFFSET: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

#[cfg(feature = "test-clock")]
pub fn now() -> u64 {
    #[allow(deprecated)]
    let base = stylus_sdk::block::timestamp();
    base + OFFSET.with(core::cell::Cell::get)
}

/// Moves this thread's clock forward by `seconds`.
#[cfg(feature = "test-clock")]
pub fn warp(seconds: u64) {
    OFFSET.with(|o| o.set(o.get() + seconds));
}

/// Puts this thread's clock back to the block time.
#[cfg(feature = "test-clock")]
pub fn reset() {
    OFFSET.with(|o| o.set(0));
}
