//! Amounts as people write them ("1.5") and as contracts count them (base units), converted
//! exactly: no floating point anywhere.

use anyhow::{bail, Result};
use ethers::types::U256;

/// `text` in whole units with up to `decimals` fraction digits, in base units: "1.5" with 8
/// decimals is 150,000,000. Refuses more fraction digits than the token has (they would be
/// rounded away), signs, exponents and empty input.
pub fn parse_units(text: &str, decimals: u8) -> Result<U256> {
    let clean = text.trim().replace('_', "");
    let (whole, fraction) = clean.split_once('.').unwrap_or((&clean, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        bail!("'{text}' is not an amount (write it like 1.5)");
    }
    if fraction.len() > usize::from(decimals) {
        bail!("'{text}' has more than {decimals} decimals, the most this asset has");
    }
    let padded = format!("{whole}{fraction:0<width$}", width = usize::from(decimals));
    let padded = padded.trim_start_matches('0');
    if padded.is_empty() {
        return Ok(U256::zero());
    }
    U256::from_dec_str(padded).map_err(|_| anyhow::anyhow!("'{text}' is too large"))
}

/// `amount` base units in whole units, exactly, without trailing zeros: 150,000,000 with 8
/// decimals is "1.5", 0 is "0".
pub fn format_units(amount: U256, decimals: u8) -> String {
    let digits = amount.to_string();
    let decimals = usize::from(decimals);
    if decimals == 0 {
        return digits;
    }
    let padded = format!("{digits:0>width$}", width = decimals + 1);
    let (whole, fraction) = padded.split_at(padded.len() - decimals);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        whole.to_owned()
    } else {
        format!("{whole}.{fraction}")
    }
}

/// A decimal string of base units (as reports carry them) back to a number; 0 if it is not one.
/// (`U256`'s own `parse` reads hex.)
pub fn dec(text: &str) -> U256 {
    U256::from_dec_str(text).unwrap_or_default()
}

/// Whole units with thousands separators in the whole part, for tables: "1,000,000".
pub fn format_grouped(amount: U256, decimals: u8) -> String {
    let text = format_units(amount, decimals);
    let (whole, fraction) = text.split_once('.').map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match fraction {
        Some(f) => format!("{grouped}.{f}"),
        None => grouped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(parse_units("1.5", 8).unwrap(), U256::from(150_000_000u64));
        assert_eq!(parse_units("0.00000001", 8).unwrap(), U256::one());
        assert_eq!(parse_units("2", 18).unwrap(), U256::exp10(18) * 2);
        assert_eq!(parse_units(".5", 1).unwrap(), U256::from(5));
        assert_eq!(parse_units("1_000_000", 0).unwrap(), U256::from(1_000_000));
        assert_eq!(parse_units("0.0", 18).unwrap(), U256::zero());
        for bad in ["", ".", "-1", "1e3", "1.2.3", "abc", "0.000000001"] {
            assert!(parse_units(bad, 8).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_exactly() {
        assert_eq!(format_units(U256::from(150_000_000u64), 8), "1.5");
        assert_eq!(format_units(U256::one(), 8), "0.00000001");
        assert_eq!(format_units(U256::zero(), 18), "0");
        assert_eq!(format_units(U256::exp10(24), 18), "1000000");
        assert_eq!(format_units(U256::from(42), 0), "42");
        assert_eq!(format_grouped(U256::exp10(24), 18), "1,000,000");
        assert_eq!(format_grouped(U256::from(123_456_789u64), 2), "1,234,567.89");
        let x = U256::from_dec_str("123456789012345678901").unwrap();
        assert_eq!(parse_units(&format_units(x, 18), 18).unwrap(), x);
    }
}
