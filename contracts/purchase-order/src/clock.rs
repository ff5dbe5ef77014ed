//! The orders' notion of "now" (deadlines). Native tests run at a fixed block time (motsu), so under
//! `cfg(test)` a per-thread offset lets tests move time forward; the deployed
//! contract reads the block timestamp and nothing else.

#[cfg(not(test))]
pub fn now() -> u64 {
    #[allow(deprecated)]
    stylus_sdk::block::timestamp()
}

#[cfg(test)]
std::thread_local! {
    static OFFSET: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

#[cfg(test)]
pub fn now() -> u64 {
    #[allow(deprecated)]
    let base = stylus_sdk::block::timestamp();
    base + OFFSET.with(core::cell::Cell::get)
}

/// Moves this thread's clock forward by `seconds`.
#[cfg(test)]
pub fn warp(seconds: u64) {
    OFFSET.with(|o| o.set(o.get() + seconds));
}

/// Puts this thread's clock back to the block time.
#[cfg(test)]
pub fn reset() {
    OFFSET.with(|o| o.set(0));
}
