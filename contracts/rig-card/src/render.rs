//! `tokenURI` rendering: an ERC-721 metadata JSON document whose `image` is an SVG card, each
//! base64-encoded into a data URI so that any byte a minter stored (quotes, `#`, `%`, control
//! characters) survives every wallet's URI parser. Written without `core::fmt`, which would
//! cost kilobytes of contract code.

use alloc::{string::String, vec::Vec};

use alloy_primitives::U256;
use rigshare_common::rig::{Kind, Status};

/// Everything a deed's metadata shows.
pub struct TokenView<'a> {
    /// The collection's name, used in the token's display name.
    pub collection: &'a str,
    /// Token id.
    pub token_id: U256,
    /// Rig model.
    pub model: &'a str,
    /// Hosting site.
    pub site: &'a str,
    /// Hashrate in GH/s.
    pub hashrate_ghs: u64,
    /// Power in watts.
    pub power_watts: u32,
    /// Kind of deed (`None`: a byte RigDeed never stores, shown as "Unknown").
    pub kind: Option<Kind>,
    /// Current status (`None` as for `kind`).
    pub status: Option<Status>,
}

const JSON_URI_PREFIX: &str = "data:application/json;base64,";
const SVG_URI_PREFIX: &str = "data:image/svg+xml;base64,";
const UNKNOWN: &str = "Unknown";

/// The full `data:` URI for a deed.
#[must_use]
pub fn token_uri(view: &TokenView<'_>) -> String {
    data_uri(JSON_URI_PREFIX, &metadata_json(view))
}

fn data_uri(prefix: &str, body: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + body.len().div_ceil(3) * 4);
    out.push_str(prefix);
    base64_into(body.as_bytes(), &mut out);
    out
}

fn kind_label(view: &TokenView<'_>) -> &'static str {
    view.kind.map_or(UNKNOWN, Kind::label)
}

fn status_label(view: &TokenView<'_>) -> &'static str {
    view.status.map_or(UNKNOWN, Status::label)
}

/// The metadata JSON (ERC-721 metadata schema with OpenSea-style attributes and the card as
/// `image`).
#[must_use]
pub fn metadata_json(view: &TokenView<'_>) -> String {
    let mut j = String::with_capacity(4096);
    j.push_str("{\"name\":\"");
    push_escaped(&mut j, view.collection);
    j.push_str(" #");
    push_u256(&mut j, view.token_id);
    j.push_str("\",\"description\":\"");
    j.push_str(kind_label(view));
    j.push_str(" deed: ");
    push_escaped(&mut j, view.model);
    j.push_str(" at ");
    push_escaped(&mut j, view.site);
    j.push_str(". Tokenized on rigshare.\",\"image\":\"");
    j.push_str(&data_uri(SVG_URI_PREFIX, &card_svg(view)));
    j.push_str("\",\"attributes\":[");
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
    push_text_attr(&mut j, "Status", status_label(view));
    j.push(',');
    push_text_attr(&mut j, "Kind", kind_label(view));
    j.push_str("]}");
    j
}

/// The colour a status reads as at a glance: green hashing, amber in service, red down,
/// grey retired (and for a byte RigDeed never stores).
fn status_colour(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Active) => "#22c55e",
        Some(Status::Maintenance) => "#f59e0b",
        Some(Status::Offline) => "#ef4444",
        Some(Status::Retired) | None => "#94a3b8",
    }
}

/// Characters a line of the card holds at the model's small size (monospace, 12px, in the
/// 272px between the margins).
const LINE_CHARS: usize = 36;

/// The card: a 320x440 SVG with the model, kind, a status badge in its colour, hashrate,
/// power and efficiency, and the site. Every stored text is XML-escaped; texts too long for a
/// line wrap once (the model) or are clipped by the card's edge (the card never grows).
#[must_use]
pub fn card_svg(view: &TokenView<'_>) -> String {
    let colour = status_colour(view.status);
    let mut s = String::with_capacity(2048);
    s.push_str(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"320\" height=\"440\" viewBox=\"0 0 320 440\" \
         font-family=\"'DejaVu Sans Mono',Menlo,Consolas,monospace\">\
         <defs><linearGradient id=\"bg\" x1=\"0\" y1=\"0\" x2=\"1\" y2=\"1\">\
         <stop offset=\"0\" stop-color=\"#1e293b\"/><stop offset=\"1\" stop-color=\"#020617\"/>\
         </linearGradient><clipPath id=\"card\"><rect width=\"320\" height=\"440\" rx=\"24\"/></clipPath></defs>\
         <g clip-path=\"url(#card)\"><rect width=\"320\" height=\"440\" fill=\"url(#bg)\"/><rect width=\"320\" height=\"8\" fill=\"",
    );
    s.push_str(colour);
    s.push_str("\"/><text x=\"24\" y=\"44\" font-size=\"12\" fill=\"#94a3b8\">");
    push_xml(&mut s, view.collection);
    s.push_str(" #");
    push_u256(&mut s, view.token_id);
    s.push_str("</text>");

    // The model: large when it fits a line, else small over at most two lines.
    let chars = view.model.chars().count();
    let size = if chars <= 16 { "26" } else if chars <= 24 { "18" } else { "12" };
    s.push_str("<text x=\"24\" y=\"86\" font-size=\"");
    s.push_str(size);
    s.push_str("\" font-weight=\"bold\" fill=\"#f8fafc\">");
    if chars <= LINE_CHARS {
        push_xml(&mut s, view.model);
    } else {
        let split = view.model.char_indices().nth(LINE_CHARS).map_or(view.model.len(), |(i, _)| i);
        s.push_str("<tspan x=\"24\" dy=\"-8\">");
        push_xml(&mut s, &view.model[..split]);
        s.push_str("</tspan><tspan x=\"24\" dy=\"16\">");
        push_xml(&mut s, &view.model[split..]);
        s.push_str("</tspan>");
    }
    s.push_str("</text><text x=\"24\" y=\"114\" font-size=\"13\" fill=\"#cbd5e1\">");
    s.push_str(kind_label(view));
    s.push_str("</text>");

    // The status badge.
    s.push_str("<rect x=\"24\" y=\"132\" width=\"148\" height=\"30\" rx=\"15\" fill=\"");
    s.push_str(colour);
    s.push_str("\" fill-opacity=\"0.16\" stroke=\"");
    s.push_str(colour);
    s.push_str("\"/><circle cx=\"43\" cy=\"147\" r=\"5\" fill=\"");
    s.push_str(colour);
    s.push_str("\"/><text x=\"56\" y=\"152\" font-size=\"14\" font-weight=\"bold\" fill=\"");
    s.push_str(colour);
    s.push_str("\">");
    s.push_str(status_label(view));
    s.push_str("</text><line x1=\"24\" y1=\"186\" x2=\"296\" y2=\"186\" stroke=\"#334155\"/>");

    push_stat(&mut s, 220, "Hashrate", view.hashrate_ghs, 3, " TH/s");
    push_stat(&mut s, 256, "Power", u64::from(view.power_watts), 0, " W");
    push_stat(&mut s, 292, "Efficiency", efficiency_centi_j_per_th(view), 2, " J/TH");

    s.push_str(
        "<line x1=\"24\" y1=\"314\" x2=\"296\" y2=\"314\" stroke=\"#334155\"/>\
         <text x=\"24\" y=\"344\" font-size=\"12\" fill=\"#94a3b8\">Site</text>\
         <text x=\"24\" y=\"368\" font-size=\"13\" fill=\"#f8fafc\">",
    );
    push_xml(&mut s, view.site);
    s.push_str(
        "</text><text x=\"24\" y=\"412\" font-size=\"12\" font-weight=\"bold\" fill=\"#64748b\">rigshare</text>\
         <text x=\"296\" y=\"412\" font-size=\"12\" text-anchor=\"end\" fill=\"#64748b\">rig deed</text></g></svg>",
    );
    s
}

/// The card of the README's sample deed (figures/rig-card.svg), rendered as the contract
/// renders any deed.
#[must_use]
pub fn sample_card_svg() -> String {
    card_svg(&TokenView {
        collection: "rigshare Rig Deed",
        token_id: U256::from(7),
        model: "Antminer S21 Hydro",
        site: "Paraguay-Itaipu-03",
        hashrate_ghs: 335_000,
        power_watts: 5_360,
        kind: Some(Kind::Equipment),
        status: Some(Status::Active),
    })
}

/// One figure of the card: its label on the left, the value with its unit on the right.
fn push_stat(s: &mut String, y: u32, label: &str, scaled: u64, decimals: u32, unit: &str) {
    s.push_str("<text x=\"24\" y=\"");
    push_u64(s, u64::from(y));
    s.push_str("\" font-size=\"13\" fill=\"#94a3b8\">");
    s.push_str(label);
    s.push_str("</text><text x=\"296\" y=\"");
    push_u64(s, u64::from(y));
    s.push_str("\" font-size=\"15\" text-anchor=\"end\" fill=\"#f8fafc\">");
    push_fixed(s, scaled, decimals);
    s.push_str(unit);
    s.push_str("</text>");
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

/// Writes `scaled / 10^decimals` as a number with exactly `decimals` decimals.
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
pub fn push_u64(j: &mut String, n: u64) {
    push_u256(j, U256::from(n));
}

/// Writes `n` in decimal: long division of the four 64-bit limbs by 10, so no 256-bit
/// division routine is linked in.
pub fn push_u256(j: &mut String, n: U256) {
    let mut limbs = n.into_limbs();
    let mut buf = [0u8; 78];
    let mut i = buf.len();
    loop {
        let mut rem: u128 = 0;
        for limb in limbs.iter_mut().rev() {
            let cur = (rem << 64) | u128::from(*limb);
            // cur < 10 * 2^64, so the quotient fits a limb.
            *limb = (cur / 10) as u64;
            rem = cur % 10;
        }
        i -= 1;
        buf[i] = b'0' + rem as u8;
        if limbs == [0; 4] {
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

/// Appends `s` as XML character data (and attribute-safe): the five markup characters become
/// entities, and the characters XML 1.0 does not allow at all, even as references (controls
/// other than tab, newline and carriage return, and U+FFFE/U+FFFF), become U+FFFD, so the
/// card is well-formed whatever a minter stored.
pub fn push_xml(j: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => j.push_str("&amp;"),
            '<' => j.push_str("&lt;"),
            '>' => j.push_str("&gt;"),
            '"' => j.push_str("&quot;"),
            '\'' => j.push_str("&#39;"),
            // A literal CR would be read back as a newline (XML normalises line ends).
            '\r' => j.push_str("&#13;"),
            '\t' | '\n' => j.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => j.push('\u{fffd}'),
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
            token_id: U256::from(7),
            model,
            site,
            hashrate_ghs: 200_000,
            power_watts: 3_500,
            kind: Some(Kind::Equipment),
            status: Some(Status::Active),
        }
    }

    fn unbase64(uri: &str, prefix: &str) -> Vec<u8> {
        let b64 = uri.strip_prefix(prefix).expect("data URI prefix");
        base64::engine::general_purpose::STANDARD.decode(b64).expect("valid base64")
    }

    fn decode(uri: &str) -> serde_json::Value {
        serde_json::from_slice(&unbase64(uri, JSON_URI_PREFIX)).expect("valid JSON")
    }

    /// The card inside the metadata's `image`, as text.
    fn card_of(json: &serde_json::Value) -> String {
        String::from_utf8(unbase64(json["image"].as_str().expect("image"), SVG_URI_PREFIX)).expect("UTF-8 SVG")
    }

    /// Every text node of the SVG, as a real XML parser reads them (entities resolved).
    fn texts(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        assert_eq!(doc.root_element().tag_name().namespace(), Some("http://www.w3.org/2000/svg"));
        doc.descendants()
            .filter(|n| n.has_tag_name("text") || n.has_tag_name("tspan"))
            .filter(|n| !n.children().any(|c| c.is_element()))
            .map(|n| n.text().unwrap_or_default().to_owned())
            .collect()
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
    fn the_card_shows_every_figure_with_its_unit_and_the_status_in_its_colour() {
        let json = decode(&token_uri(&view("Antminer S21", "Itaipu-03")));
        let svg = card_of(&json);
        let shown = texts(&svg);
        for expected in [
            "rigshare Rig Deed #7",
            "Antminer S21",
            "Equipment",
            "Active",
            "Hashrate",
            "200.000 TH/s",
            "Power",
            "3500 W",
            "Efficiency",
            "17.50 J/TH",
            "Site",
            "Itaipu-03",
        ] {
            assert!(shown.iter().any(|t| t == expected), "{expected:?} not among {shown:?}");
        }
        assert!(svg.contains("fill=\"#22c55e\""), "Active is green");
    }

    #[test]
    fn each_status_has_its_own_colour_and_label() {
        let mut seen = Vec::new();
        for status in [Status::Active, Status::Maintenance, Status::Offline, Status::Retired] {
            let mut v = view("S21", "Site");
            v.status = Some(status);
            let svg = card_svg(&v);
            assert!(texts(&svg).iter().any(|t| t == status.label()));
            assert!(svg.contains(status_colour(Some(status))));
            seen.push(status_colour(Some(status)));
        }
        seen.dedup();
        assert_eq!(seen.len(), 4);
    }

    #[test]
    fn bytes_rigdeed_never_stores_render_as_unknown() {
        let mut v = view("S21", "Site");
        v.kind = None;
        v.status = None;
        let json = decode(&token_uri(&v));
        assert_eq!(json["description"], "Unknown deed: S21 at Site. Tokenized on rigshare.");
        let shown = texts(&card_of(&json));
        assert_eq!(shown.iter().filter(|t| *t == "Unknown").count(), 2);
    }

    #[test]
    fn a_long_model_wraps_onto_two_lines_and_stays_whole() {
        let model = "Bitmain Antminer S21 XP Hydro 473T (immersion-cooled rev.)";
        let shown = texts(&card_svg(&view(model, "Site")));
        assert!(shown.iter().any(|t| model.starts_with(t.as_str()) && t.len() < model.len()));
        let joined: String = shown.iter().filter(|t| model.contains(t.as_str()) && !t.is_empty()).cloned().collect();
        assert_eq!(joined, model);
    }

    #[test]
    fn token_ids_print_in_full_up_to_u256_max() {
        let mut s = String::new();
        push_u256(&mut s, U256::MAX);
        assert_eq!(s, U256::MAX.to_string());
        s.clear();
        push_u256(&mut s, U256::ZERO);
        assert_eq!(s, "0");
        let mut v = view("m", "s");
        v.token_id = U256::MAX;
        assert_eq!(decode(&token_uri(&v))["name"], format!("rigshare Rig Deed #{}", U256::MAX));
    }

    /// The README shows figures/rig-card.svg (and its PNG screenshot): regenerate both with
    /// `cargo run -p rig-card --example card` when the card's design changes.
    #[test]
    fn sample_card_figure_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../figures/rig-card.svg");
        let committed = std::fs::read_to_string(path).expect("figures/rig-card.svg");
        assert_eq!(committed, sample_card_svg(), "run `cargo run -p rig-card --example card`");
        texts(&committed);
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
        s.clear();
        push_xml(&mut s, "<a href=\"x\">'&'</a>\u{1}\u{ffff}\t");
        assert_eq!(s, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\u{fffd}\u{fffd}\t");
        s.clear();
        push_xml(&mut s, "a\r\nb");
        assert_eq!(s, "a&#13;\nb");
    }

    #[test]
    fn base64_matches_the_reference_encoder() {
        for input in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar"] {
            let mut ours = String::new();
            base64_into(input, &mut ours);
            assert_eq!(ours, base64::engine::general_purpose::STANDARD.encode(input));
        }
    }

    /// What XML keeps of a text: the characters it cannot carry are replaced.
    fn as_xml_reads(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => c,
                c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => '\u{fffd}',
                c => c,
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Whatever a minter stores comes back out of a standard JSON parser unchanged, and
        /// the card is well-formed XML that shows it (as XML can carry it).
        #[test]
        fn any_text_round_trips_through_the_uri_and_the_card(
            model in "\\PC{1,64}|[\\x00-\\x7f]{1,64}",
            site in "\\PC{1,64}|[\\x00-\\x7f]{1,64}|.{1,16}",
            collection in any::<String>(),
            hashrate in 1u64..,
            power in 1u32..,
            kind in any::<u8>(),
            status in any::<u8>(),
        ) {
            let mut v = view(&model, &site);
            v.collection = &collection;
            v.hashrate_ghs = hashrate;
            v.power_watts = power;
            v.kind = Kind::from_u8(kind);
            v.status = Status::from_u8(status);
            let json = decode(&token_uri(&v));
            let attrs = json["attributes"].as_array().unwrap();
            prop_assert_eq!(&attrs[0]["value"], &serde_json::Value::from(model.clone()));
            prop_assert_eq!(&attrs[4]["value"], &serde_json::Value::from(site.clone()));
            prop_assert_eq!(attrs[2]["value"].as_u64(), Some(u64::from(power)));
            let shown = texts(&card_of(&json));
            let site_shown = as_xml_reads(&site);
            prop_assert!(shown.iter().any(|t| *t == site_shown), "site {:?} not in {:?}", site_shown, shown);
            // The model as the card's lines carry it (wrapped after LINE_CHARS characters).
            let split = model.char_indices().nth(LINE_CHARS).map_or(model.len(), |(i, _)| i);
            let expected = as_xml_reads(&model[..split]) + &as_xml_reads(&model[split..]);
            let model_shown: String = shown[1..].iter().take_while(|t| t.as_str() != kind_label(&v)).cloned().collect();
            prop_assert_eq!(model_shown, expected);
        }
    }
}
