//! 256-bit division by shift and subtract. ruint's `/` and `%` are Knuth's algorithm D, about
//! 4 KB of wasm; the contracts divide a few times per call, where a bit-serial loop costs a
//! little gas and a few hundred bytes of code.

use alloy_primitives::U256;

/// `(n / d, n % d)`, like ruint's `div_rem`, and like it panics (reverts) when `d` is zero.
/// One pass over the bits of `n` from its top bit: the remainder shifts in each bit and gives
/// back `d` whenever it reaches it.
#[must_use]
#[inline(never)]
pub fn div_rem(n: U256, d: U256) -> (U256, U256) {
    assert!(!d.is_zero(), "division by zero");
    let (mut q, mut r) = (U256::ZERO, U256::ZERO);
    for i in (0..n.bit_len()).rev() {
        // Invariant: r < d. If r's top bit is set, r x 2 + bit overflows 256 bits but is then
        // at least 2^256 > d, and the wrapping subtraction gives the true r x 2 + bit - d < d.
        let carry = r.bit(255);
        r <<= 1usize;
        r.set_bit(0, n.bit(i));
        if carry || r >= d {
            r = r.wrapping_sub(d);
            q.set_bit(i, true);
        }
    }
    (q, r)
}

/// `n / d`, rounded down; see [`div_rem`].
#[must_use]
pub fn div(n: U256, d: U256) -> U256 {
    div_rem(n, d).0
}

/// `n / d`, rounded up, like ruint's `div_ceil`; see [`div_rem`]. With a remainder `d > 1`, so
/// the quotient is below `U256::MAX` and the increment cannot overflow.
#[must_use]
pub fn div_ceil(n: U256, d: U256) -> U256 {
    let (q, r) = div_rem(n, d);
    if r.is_zero() {
        q
    } else {
        q + U256::from(1u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Values of any bit length, and the edges: 0, 1, 2^k +- 1, all ones.
    fn value() -> impl Strategy<Value = U256> {
        prop_oneof![
            any::<[u64; 4]>().prop_flat_map(|limbs| (0usize..=256)
                .prop_map(move |bits| U256::from_limbs(limbs) >> (256 - bits))),
            (0usize..256, -1i8..=1).prop_map(|(k, delta)| {
                let p = U256::from(1u8) << k;
                match delta {
                    -1 => p.wrapping_sub(U256::from(1u8)),
                    0 => p,
                    _ => p.wrapping_add(U256::from(1u8)),
                }
            }),
            Just(U256::ZERO),
            Just(U256::from(1u8)),
            Just(U256::MAX),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4_000))]

        #[test]
        fn div_rem_matches_ruint(n in value(), d in value().prop_map(|d| d.max(U256::from(1u8)))) {
            prop_assert_eq!(div_rem(n, d), n.div_rem(d));
            prop_assert_eq!(div(n, d), n / d);
            prop_assert_eq!(div_ceil(n, d), n.div_ceil(d));
        }
    }

    #[test]
    fn edges() {
        let one = U256::from(1u8);
        for (n, d) in [
            (U256::MAX, one),
            (U256::MAX, U256::MAX),
            (U256::ZERO, U256::MAX),
            (U256::MAX, U256::MAX - one),
            (one << 255, (one << 255) + one),
            (U256::MAX, (one << 255) + one),
        ] {
            assert_eq!(div_rem(n, d), n.div_rem(d));
            assert_eq!(div_ceil(n, d), n.div_ceil(d));
        }
    }

    #[test]
    #[should_panic(expected = "division by zero")]
    fn zero_divisor_panics() {
        let _ = div_rem(U256::from(1u8), U256::ZERO);
    }
}
