//! The splitter's holder accounting as plain arithmetic, apart from storage so it can be
//! property-tested alone.
//!
//! Revenue for holders is counted in *magnified* units: wei x 10^39. That is finer than the
//! 2^128 (about 3.4 x 10^38) usual for such accumulators, and decimal, so that the decimal
//! supplies and amounts tokens use divide exactly: a sole holder of a 1,000,000-share pool is
//! owed exactly what was deposited, not one wei less. `acc` is the cumulative
//! magnified revenue per eligible share. A holder's magnified accrual is
//! `acc * balance + correction`, where the correction absorbs every balance change so that
//! moving shares never moves revenue already earned (the classic "dividend-paying token"
//! scheme, made exact):
//!
//! - a distribution of `m` over `eligible` shares adds `(m + carry) / eligible` to `acc` and
//!   keeps the remainder in `carry`, so the sum of all accruals plus `carry` (plus what is still
//!   streaming) equals everything ever given to holders, exactly, in magnified units;
//! - a holder's claimable wei is `accrual / 10^39` minus what it already withdrew; the fraction
//!   below one wei stays with the holder and is paid once later revenue tops it up.
//!
//! Corrections are kept modulo 2^256 (wrapping): each true accrual is in `[0, 2^256)` because
//! total holder revenue is capped below 10^38 wei (10^38 x 10^39 < 2^256), so the wrapped value
//! is the true one.

use alloy_primitives::U256;

/// One wei in magnified units: 10^39.
pub const MAGNITUDE: U256 = alloy_primitives::uint!(1_000_000_000_000_000_000_000_000_000_000_000_000_000_U256);

/// Total holder revenue must stay below this many wei (10^38), which keeps every magnified
/// quantity below 2^256 (10^77 < 1.15 x 10^77).
pub const MAX_TOTAL_TO_HOLDERS: U256 = alloy_primitives::uint!(100_000_000_000_000_000_000_000_000_000_000_000_000_U256);

/// Wei -> magnified units. Exact for any `wei < 10^38`.
#[must_use]
pub fn magnify(wei: U256) -> U256 {
    wei * MAGNITUDE
}

/// Magnified units -> whole wei, rounding down.
#[must_use]
pub fn to_wei_down(magnified: U256) -> U256 {
    magnified / MAGNITUDE
}

/// The global holder-revenue state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pool {
    /// Cumulative magnified revenue per eligible share.
    pub acc: U256,
    /// Magnified revenue released but not yet divisible among shares: the division remainder,
    /// or everything released while no share was eligible.
    pub carry: U256,
    /// Magnified revenue deposited but not yet released by the stream.
    pub unvested: U256,
    /// Magnified release rate per second of the current stream, rounded down.
    pub rate: U256,
    /// When the current stream has released everything (unix seconds).
    pub stream_end: u64,
    /// When the stream was last released up to.
    pub last_release: u64,
}

impl Pool {
    /// Spreads `magnified` over `eligible` shares, carrying the remainder. With no eligible
    /// share, everything waits in `carry` for the next distribution: never lost.
    pub fn distribute(&mut self, magnified: U256, eligible: U256) {
        // magnified + carry <= total holder revenue x 10^39 < 2^256 (cap on deposits).
        let total = magnified + self.carry;
        if eligible.is_zero() {
            self.carry = total;
            return;
        }
        self.acc += total / eligible;
        self.carry = total % eligible;
    }

    /// Releases what the stream has vested between the last release and `now`, to the shares
    /// eligible over that interval (the caller releases before any eligible supply changes).
    /// While no share is eligible the stream stands still: its end moves forward by the time
    /// that passed, so nothing vests to no one and no later buyer collects it all at once.
    pub fn release(&mut self, now: u64, eligible: U256) {
        if now <= self.last_release {
            return;
        }
        if eligible.is_zero() {
            // Paused stream: the time left is unchanged, so the end moves by `now - last`.
            self.stream_end = self.stream_end.saturating_add(now - self.last_release);
            self.last_release = now;
            return;
        }
        let released = self.vested_since_last(now);
        self.last_release = now;
        if released.is_zero() {
            return;
        }
        self.unvested -= released;
        if self.unvested.is_zero() {
            self.rate = U256::ZERO;
        }
        self.distribute(released, eligible);
    }

    /// How much of `unvested` has vested by `now`.
    #[must_use]
    pub fn vested_since_last(&self, now: u64) -> U256 {
        if self.unvested.is_zero() || now <= self.last_release {
            return U256::ZERO;
        }
        if now >= self.stream_end {
            return self.unvested;
        }
        let elapsed = U256::from(now - self.last_release);
        // rate * elapsed <= rate * window <= unvested, so no overflow; min() absorbs nothing
        // but guards the invariant.
        self.rate.saturating_mul(elapsed).min(self.unvested)
    }

    /// Adds `magnified` to the stream. What is still unvested and the new amount vest
    /// together, linearly, until the amount-weighted average of their ends: the old end for
    /// the unvested rest, `now + window` for the new amount. A deposit of a fraction `f` of the
    /// new unvested total so delays the end by at most `f x (window - time left)`, rounded
    /// down: a 1-wei deposit cannot push back a large stream (the finding this replaced was a
    /// fresh full window on every deposit). A zero window distributes at once. The caller has
    /// already released up to `now`.
    pub fn deposit(&mut self, magnified: U256, now: u64, window: u64, eligible: U256) {
        if window == 0 {
            self.distribute(magnified, eligible);
            return;
        }
        let span = weighted_span(self.unvested, self.stream_end.saturating_sub(now), magnified, window);
        self.unvested += magnified;
        self.rate = self.unvested / U256::from(span);
        self.stream_end = now.saturating_add(span);
        self.last_release = now;
    }
}

/// Seconds from now until the weighted end of `old` (ending in `old_left` s) and `new`
/// (ending in `window` s), rounded down, at least 1. Weights are the amounts shifted right by
/// 64 bits (about 1.8 x 10^-20 wei: the precision lost is far below a second), so that
/// weight x seconds stays below 2^192 x 2^25 and cannot overflow.
#[must_use]
pub fn weighted_span(old: U256, old_left: u64, new: U256, window: u64) -> u64 {
    let (w_old, w_new): (U256, U256) = (old >> 64usize, new >> 64usize);
    let weight: U256 = w_old + w_new;
    if weight.is_zero() {
        return window.max(1);
    }
    let left = U256::from(old_left.min(window));
    // (w_old x left + w_new x window) / weight <= window: fits u64; rounded down.
    let span = (w_old * left + w_new * U256::from(window)) / weight;
    span.to::<u64>().max(1)
}

/// A holder's magnified accrual. Excluded accounts have their accrual frozen in the
/// correction (their balance earns nothing).
#[must_use]
pub fn accrual(acc: U256, correction: U256, balance: U256, excluded: bool) -> U256 {
    if excluded {
        correction
    } else {
        acc.wrapping_mul(balance).wrapping_add(correction)
    }
}

/// The correction change for an account that gains `amount` shares (earns nothing on them
/// for revenue already distributed).
#[must_use]
pub fn on_gain(correction: U256, acc: U256, amount: U256) -> U256 {
    correction.wrapping_sub(acc.wrapping_mul(amount))
}

/// The correction change for an account that loses `amount` shares (keeps what they earned).
#[must_use]
pub fn on_loss(correction: U256, acc: U256, amount: U256) -> U256 {
    correction.wrapping_add(acc.wrapping_mul(amount))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn distribution_carries_the_remainder_exactly() {
        let mut pool = Pool::default();
        pool.distribute(U256::from(10), U256::from(3));
        assert_eq!((pool.acc, pool.carry), (U256::from(3), U256::from(1)));
        pool.distribute(U256::from(2), U256::from(3));
        assert_eq!((pool.acc, pool.carry), (U256::from(4), U256::ZERO));
    }

    #[test]
    fn nothing_is_lost_while_no_share_is_eligible() {
        let mut pool = Pool::default();
        pool.distribute(U256::from(7), U256::ZERO);
        assert_eq!(pool.carry, U256::from(7));
        pool.distribute(U256::ZERO, U256::from(7));
        assert_eq!((pool.acc, pool.carry), (U256::from(1), U256::ZERO));
    }

    #[test]
    fn stream_vests_linearly_and_completes_at_the_end() {
        let mut pool = Pool::default();
        pool.deposit(U256::from(1_000), 100, 10, U256::from(1));
        pool.release(103, U256::from(1));
        assert_eq!(pool.acc, U256::from(300));
        pool.release(200, U256::from(1));
        assert_eq!(pool.acc, U256::from(1_000));
        assert!(pool.unvested.is_zero() && pool.rate.is_zero());
    }

    #[test]
    fn a_new_deposit_restreams_the_unvested_rest() {
        let mut pool = Pool::default();
        pool.deposit(U256::from(1_000), 0, 10, U256::from(1));
        pool.release(5, U256::from(1));
        pool.deposit(U256::from(500), 5, 10, U256::from(1));
        assert_eq!(pool.unvested, U256::from(1_000));
        assert_eq!(pool.rate, U256::from(100));
        assert_eq!(pool.stream_end, 15);
    }

    /// Finding 3 (issue 17): one 1-wei deposit every 3 days used to restart the 30-day
    /// window each time and leave 34.9% of the stream unvested at day 30.
    #[test]
    fn one_wei_deposits_every_3_days_do_not_delay_a_30_day_stream() {
        const DAY: u64 = 86_400;
        let one = U256::from(1);
        let mut pool = Pool::default();
        let eth = magnify(U256::from(10u64).pow(U256::from(18)));
        pool.deposit(eth, 0, 30 * DAY, one);
        let mut dust = U256::ZERO;
        for k in 1..10u64 {
            pool.release(3 * DAY * k, one);
            pool.deposit(magnify(one), 3 * DAY * k, 30 * DAY, one);
            dust += magnify(one);
        }
        assert_eq!(pool.stream_end, 30 * DAY);
        pool.release(30 * DAY, one);
        assert!(pool.unvested.is_zero(), "unvested at day 30: {}", pool.unvested);
        assert_eq!(pool.acc, eth + dust);
    }

    /// A deposit delays the end of what is streaming by its weight's share of the rest of the
    /// window, rounded down: equal amounts meet half way.
    #[test]
    fn a_deposit_moves_the_end_by_its_weight() {
        let m = U256::from(1_000u64) << 64usize;
        assert_eq!(weighted_span(m, 0, m, 100), 50);
        assert_eq!(weighted_span(m, 50, m, 100), 75);
        assert_eq!(weighted_span(m * U256::from(3), 40, m, 100), 55);
        assert_eq!(weighted_span(U256::ZERO, 0, U256::from(5), 100), 100);
    }

    /// Finding 4 (issue 17): revenue streaming while no share was eligible piled up in the
    /// carry and went all at once to whoever became eligible next.
    #[test]
    fn stream_stands_still_while_no_share_is_eligible() {
        let m = magnify(U256::from(1_000u64));
        let mut pool = Pool::default();
        pool.deposit(m, 0, 100, U256::from(1));
        pool.release(40, U256::from(1));
        pool.release(1_000, U256::ZERO);
        assert_eq!((pool.carry, pool.stream_end), (U256::ZERO, 1_060));
        assert_eq!(pool.unvested, m - m * U256::from(40) / U256::from(100));
        pool.release(1_030, U256::from(1));
        assert_eq!(pool.acc, m * U256::from(70) / U256::from(100));
        pool.release(1_060, U256::from(1));
        assert_eq!(pool.acc, m);
    }

    #[test]
    fn release_in_the_past_is_a_no_op() {
        let mut pool = Pool::default();
        pool.deposit(U256::from(1_000), 50, 10, U256::from(1));
        pool.release(40, U256::from(1));
        assert_eq!(pool.acc, U256::ZERO);
        assert_eq!(pool.last_release, 50);
    }

    #[derive(Clone, Debug)]
    enum Step {
        Deposit(u64, u64),
        Transfer(usize, usize, u64),
        Advance(u64),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (1u64..=u64::MAX, 0u64..50).prop_map(|(a, w)| Step::Deposit(a, w)),
            (0usize..6, 0usize..6, 0u64..=1_000_000).prop_map(|(f, t, a)| Step::Transfer(f, t, a)),
            (0u64..100).prop_map(Step::Advance),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// Sum of magnified accruals + carry + unvested == magnified total, exactly, after
        /// every step, with transfers and streaming interleaved.
        #[test]
        fn conservation_is_exact(
            balances in proptest::collection::vec(0u64..=1_000_000, 6),
            steps in proptest::collection::vec(step(), 1..60),
        ) {
            let mut bal: Vec<U256> = balances.iter().map(|&b| U256::from(b)).collect();
            let supply: U256 = bal.iter().copied().sum();
            let mut corr = vec![U256::ZERO; bal.len()];
            let mut pool = Pool::default();
            let mut now = 1_000u64;
            let mut total = U256::ZERO;
            for s in steps {
                match s {
                    Step::Deposit(amount, window) => {
                        pool.release(now, supply);
                        let m = magnify(U256::from(amount));
                        total += m;
                        pool.deposit(m, now, window, supply);
                    }
                    Step::Transfer(f, t, amount) => {
                        let amount = U256::from(amount).min(bal[f]);
                        pool.release(now, supply);
                        corr[f] = on_loss(corr[f], pool.acc, amount);
                        corr[t] = on_gain(corr[t], pool.acc, amount);
                        bal[f] -= amount;
                        bal[t] += amount;
                    }
                    Step::Advance(dt) => now += dt,
                }
                let sum: U256 = (0..bal.len())
                    .map(|i| accrual(pool.acc, corr[i], bal[i], false))
                    .fold(U256::ZERO, |a, b| a + b);
                prop_assert_eq!(sum + pool.carry + pool.unvested, total);
            }
        }
    }
}
