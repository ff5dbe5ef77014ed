//! `tokenURI` rendering: an ERC-721 metadata JSON document, base64-encoded into a data URI so
//! that any byte a minter stored (quotes, `#`, `%`, control characters) survives every wallet's
//! URI parser. Written without `core::fmt`, which would cost kilobytes of contract code.

use alloc::{string::String, vec::Vec};

use crate::spec::{Kind, Status};

/// Everything a deed's metadata shows.
pub struct TokenView<'a> {
    /// The collection's name, used in the token's display name.
    pub collection: &'a str,
    /// Token id.
    pub token_id: u64,
    /// Rig model.
    pub model: &'a str,
    /// Hosting site.
    pub site: &'a str,
    /// Hashrate in GH/s.
    pub hashrate_ghs: u64,
    /// Power in watts.
    pub power_watts: u32,
    /// Kind of deed.
    pub kind: Kind,
    /// Current status.
    pub status: Status,
}

const DATA_URI_PREFIX: &str = "data:application/json;base64,";

/// The full `data:` URI for a deed.
#[must_use]
pub fn token_uri(view: &TokenView<'_>) -> String {
    let json = metadata_json(view);
    let mut out = String::with_capacity(DATA_URI_PREFIX.len() + json.len().div_ceil(3) * 4);
    out.push_str(DATA_URI_PREFIX);
    base64_into(json.as_bytes(), &mut out);
    out
}

/// The metadata JSON (ERC-721 metadata schema with OpenSea-style attributes).
#[must_use]
pub fn metadata_json(view: &TokenView<'_>) -> String {
    let mut j = String::with_capacity(640);
    j.push_str("{\"name\":\"");
    push_escaped(&mut j, view.collection);
    j.push_str(" #");
    push_u64(&mut j, view.token_id);
    j.push_str("\",\"description\":\"");
    j.push_str(view.kind.label());
    j.push_str(" deed: ");
    push_escaped(&mut j, view.model);
    j.push_str(" at ");
    push_escaped(&mut j, view.site);
    j.push_str(". Tokenized on rigshare.\",\"attributes\":[");
    push_text_attr(&mut j, "Model", view.model);
    j.push(',');
    // GH/s -> TH/s with three decimals, exact.
    push_number_attr(&mut j, "Hashrate (TH/s)", view.hashrate_ghs, 3);
    j.push(',');
    push_number_attr(&mut j, "Power (W)", u64::from(view.power_watts), 0);
    j.push(',');
    push_number_attr(&mut j, "Efficiency (J/TH)", efficiency_centi_j_per_th(view), 2);
    j.push(',');
    push_text_attr(&mut j, "Site", view.site);
    j.push(',');
    push_text_attr(&mut j, "Status", view.status.label());
    j.push(',');
    push_text_attr(&mut j, "Kind", view.kind.label());
    j.push_str("]}");
    j
}

/// Efficiency in hundredths of a joule per terahash, rounded down:
/// W / (GH/s / 1000) = W * 1000 / GH/s J/TH, times 100 for two decimals.
/// Zero when the hashrate is zero (a deed never stores that, but the function is total).
#[must_use]
pub fn efficiency_centi_j_per_th(view: &TokenView<'_>) -> u64 {
    if view.hashrate_ghs == 0 {
        return 0;
    }
    // u32 * 100_000 < 2^49 fits u64 with room.
    u64::from(view.power_watts) * 100_000 / view.hashrate_ghs
}

fn push_text_attr(j: &mut String, trait_type: &str, value: &str) {
    j.push_str("{\"trait_type\":\"");
    j.push_str(trait_type);
    j.push_str("\",\"value\":\"");
    push_escaped(j, value);
    j.push_str("\"}");
}

fn push_number_attr(j: &mut String, trait_type: &str, scaled: u64, decimals: u32) {
    j.push_str("{\"trait_type\":\"");
    j.push_str(trait_type);
    j.push_str("\",\"display_type\":\"number\",\"value\":");
    push_fixed(j, scaled, decimals);
    j.push('}');
}

/// Writes `scaled / 10^decimals` as a JSON number with exactly `decimals` decimals.
fn push_fixed(j: &mut String, scaled: u64, decimals: u32) {
    let unit = 10u64.pow(decimals);
    push_u64(j, scaled / unit);
    if decimals > 0 {
        j.push('.');
        let frac = scaled % unit;
        let mut digit = unit / 10;
        while digit > 0 {
            // Each quotient is a single digit 0..=9.
            j.push(char::from(b'0' + ((frac / digit) % 10) as u8));
            digit /= 10;
        }
    }
}

/// Writes `n` in decimal.
pub fn push_u64(j: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        j.push(char::from(b));
    }
}

/// Appends `s` as the inside of a JSON string: quote, backslash and control characters are
/// escaped as RFC 8259 requires, and `<`, `>`, `&` too, so no page that embeds the metadata
/// can be tricked into reading markup.
pub fn push_escaped(j: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for c in s.chars() {
        match c {
            '"' => j.push_str("\\\""),
            '\\' => j.push_str("\\\\"),
            '\n' => j.push_str("\\n"),
            '\r' => j.push_str("\\r"),
            '\t' => j.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '<' || c == '>' || c == '&' => {
                let v = c as u32;
                j.push_str("\\u00");
                j.push(char::from(HEX[(v >> 4) as usize]));
                j.push(char::from(HEX[(v & 0xf) as usize]));
            }
            c => j.push(c),
        }
    }
}

/// Standard base64 (RFC 4648, with padding).
pub fn base64_into(input: &[u8], out: &mut String) {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bytes: Vec<u8> = Vec::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        bytes.push(TABLE[(n >> 18) as usize & 63]);
        bytes.push(TABLE[(n >> 12) as usize & 63]);
        bytes.push(if chunk.len() > 1 { TABLE[(n >> 6) as usize & 63] } else { b'=' });
        bytes.push(if chunk.len() > 2 { TABLE[n as usize & 63] } else { b'=' });
    }
    // Every byte pushed comes from TABLE or is '=', all ASCII.
    out.push_str(core::str::from_utf8(&bytes).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use proptest::prelude::*;

    use super::*;

    fn view<'a>(model: &'a str, site: &'a str) -> TokenView<'a> {
        TokenView {
            collection: "rigshare Rig Deed",
            token_id: 7,
            model,
            site,
            hashrate_ghs: 200_000,
            power_watts: 3_500,
            kind: Kind::Equipment,
            status: Status::Active,
        }
    }

    fn decode(uri: &str) -> serde_json::Value {
        let b64 = uri.strip_prefix(DATA_URI_PREFIX).expect("data URI prefix");
        let raw = base64::engine::general_purpose::STANDARD.decode(b64).expect("valid base64");
        serde_json::from_slice(&raw).expect("valid JSON")
    }

    #[test]
    fn renders_every_attribute_with_units() {
        let json = decode(&token_uri(&view("Antminer S21", "Itaipu-03")));
        assert_eq!(json["name"], "rigshare Rig Deed #7");
        assert_eq!(
            json["description"],
            "Equipment deed: Antminer S21 at Itaipu-03. Tokenized on rigshare."
        );
        let attrs = json["attributes"].as_array().unwrap();
        let get = |t: &str| {
            attrs.iter().find(|a| a["trait_type"] == t).unwrap()["value"].clone()
        };
        assert_eq!(get("Model"), "Antminer S21");
        assert_eq!(get("Hashrate (TH/s)").as_f64(), Some(200.0));
        assert_eq!(get("Power (W)").as_u64(), Some(3_500));
        assert_eq!(get("Efficiency (J/TH)").as_f64(), Some(17.5));
        assert_eq!(get("Site"), "Itaipu-03");
        assert_eq!(get("Status"), "Active");
        assert_eq!(get("Kind"), "Equipment");
    }

    #[test]
    fn fixed_point_keeps_leading_zeros_in_the_fraction() {
        let mut s = String::new();
        push_fixed(&mut s, 1_005, 3);
        assert_eq!(s, "1.005");
        s.clear();
        push_fixed(&mut s, 7, 2);
        assert_eq!(s, "0.07");
        s.clear();
        push_fixed(&mut s, u64::MAX, 0);
        assert_eq!(s, "18446744073709551615");
    }

    #[test]
    fn efficiency_rounds_down_and_is_total() {
        let mut v = view("m", "s");
        v.hashrate_ghs = 3;
        v.power_watts = 1;
        assert_eq!(efficiency_centi_j_per_th(&v), 33_333);
        v.hashrate_ghs = 0;
        assert_eq!(efficiency_centi_j_per_th(&v), 0);
    }

    #[test]
    fn escapes_markup_quotes_and_controls() {
        let mut s = String::new();
        push_escaped(&mut s, "a\"b\\c\n\u{1}<x>&");
        assert_eq!(s, "a\\\"b\\\\c\\n\\u0001\\u003cx\\u003e\\u0026");
    }

    #[test]
    fn base64_matches_the_reference_encoder() {
        for input in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar"] {
            let mut ours = String::new();
            base64_into(input, &mut ours);
            assert_eq!(ours, base64::engine::general_purpose::STANDARD.encode(input));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Whatever a minter stores comes back out of a standard JSON parser unchanged.
        #[test]
        fn any_text_round_trips_through_the_uri(
            model in "\\PC{0,64}|[\\x00-\\x7f]{0,64}",
            site in any::<String>(),
            hashrate in 1u64..,
            power in 1u32..,
        ) {
            let mut v = view(&model, &site);
            v.hashrate_ghs = hashrate;
            v.power_watts = power;
            let json = decode(&token_uri(&v));
            let attrs = json["attributes"].as_array().unwrap();
            prop_assert_eq!(&attrs[0]["value"], &serde_json::Value::from(model.clone()));
            prop_assert_eq!(&attrs[4]["value"], &serde_json::Value::from(site.clone()));
            prop_assert_eq!(attrs[2]["value"].as_u64(), Some(u64::from(power)));
        }
    }
}
