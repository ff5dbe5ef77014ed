//! EIP-712 typed data (eth_signTypedData_v4): the signing hash
//! `keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(message))` of the JSON that wallets
//! send, with v4's rules: arrays (fixed and dynamic, of any type, nested), recursive struct
//! types, `bytes`/`string` hashed, atomic types encoded as one 32-byte word.
//!
//! Errors are messages for -32602: typed data the caller got wrong is a parameter mistake.

use std::collections::{BTreeSet, HashMap};

use alloy_primitives::{hex, keccak256, Address, B256, I256, U256};
use serde_json::{Map, Value};

/// The domain fields EIP-712 defines, in its order, with their types: used when `types`
/// does not declare `EIP712Domain` (as alloy and ethers do).
const DOMAIN_FIELDS: [(&str, &str); 5] = [
    ("name", "string"),
    ("version", "string"),
    ("chainId", "uint256"),
    ("verifyingContract", "address"),
    ("salt", "bytes32"),
];

/// Struct types: name -> its members `(name, type)`, in order.
type Types = HashMap<String, Vec<(String, String)>>;

/// The hash a wallet signs for `typed` (`{types, primaryType, domain, message}`, or that
/// object as a JSON string, as MetaMask sends it).
pub fn signing_hash(typed: &Value) -> Result<B256, String> {
    let parsed;
    let typed = match typed {
        Value::String(text) => {
            parsed = serde_json::from_str::<Value>(text).map_err(|e| format!("typed data: invalid JSON: {e}"))?;
            &parsed
        }
        other => other,
    };
    let object = typed.as_object().ok_or("typed data: expected an object")?;
    let mut types = parse_types(object.get("types").ok_or("typed data: missing types")?)?;
    let primary = object.get("primaryType").and_then(Value::as_str).ok_or("typed data: missing primaryType")?;
    let domain = object.get("domain").and_then(Value::as_object).ok_or("typed data: missing domain")?;
    if !types.contains_key("EIP712Domain") {
        let inferred = DOMAIN_FIELDS
            .iter()
            .filter(|(name, _)| domain.get(*name).is_some_and(|v| !v.is_null()))
            .map(|(name, ty)| (name.to_string(), ty.to_string()))
            .collect();
        types.insert("EIP712Domain".into(), inferred);
    }
    let domain_separator = hash_struct(&types, "EIP712Domain", &Value::Object(domain.clone()))?;
    let mut preimage = vec![0x19, 0x01];
    preimage.extend_from_slice(domain_separator.as_slice());
    if primary != "EIP712Domain" {
        if !types.contains_key(primary) {
            return Err(format!("typed data: primaryType {primary} is not among the types"));
        }
        let message = object.get("message").ok_or("typed data: missing message")?;
        preimage.extend_from_slice(hash_struct(&types, primary, message)?.as_slice());
    }
    Ok(keccak256(preimage))
}

fn parse_types(value: &Value) -> Result<Types, String> {
    let object = value.as_object().ok_or("typed data: types must be an object")?;
    let mut types = Types::new();
    for (name, members) in object {
        let members = members.as_array().ok_or_else(|| format!("typed data: type {name} must be an array"))?;
        let members = members
            .iter()
            .map(|member| {
                let field = |key: &str| member.get(key).and_then(Value::as_str).map(str::to_string);
                match (field("name"), field("type")) {
                    (Some(name), Some(ty)) => Ok((name, ty)),
                    _ => Err(format!("typed data: a member of {name} needs a name and a type")),
                }
            })
            .collect::<Result<_, String>>()?;
        types.insert(name.clone(), members);
    }
    Ok(types)
}

/// `T[]` or `T[n]` -> `(T, n)`.
fn array_element(ty: &str) -> Option<(&str, Option<usize>)> {
    let inner = ty.strip_suffix(']')?;
    let open = inner.rfind('[')?;
    let size = &inner[open + 1..];
    let size = if size.is_empty() { None } else { Some(size.parse().ok()?) };
    Some((&inner[..open], size))
}

/// The struct name in a member type (`Person[][2]` -> `Person`), if it is a struct.
fn base_type(ty: &str) -> &str {
    ty.split('[').next().unwrap_or(ty)
}

/// `encodeType`: the primary type, then the struct types it references, sorted by name.
fn encode_type(types: &Types, primary: &str) -> Result<String, String> {
    let mut deps = BTreeSet::new();
    collect_deps(types, primary, &mut deps)?;
    deps.remove(primary);
    let mut out = String::new();
    for name in std::iter::once(primary).chain(deps.iter().map(String::as_str)) {
        let members = &types[name];
        let members: Vec<String> = members.iter().map(|(n, t)| format!("{t} {n}")).collect();
        out.push_str(&format!("{name}({})", members.join(",")));
    }
    Ok(out)
}

fn collect_deps(types: &Types, name: &str, deps: &mut BTreeSet<String>) -> Result<(), String> {
    if deps.contains(name) {
        return Ok(());
    }
    let members = types.get(name).ok_or_else(|| format!("typed data: unknown type {name}"))?;
    deps.insert(name.to_string());
    for (_, ty) in members {
        let base = base_type(ty);
        if types.contains_key(base) {
            collect_deps(types, base, deps)?;
        }
    }
    Ok(())
}

fn hash_struct(types: &Types, name: &str, value: &Value) -> Result<B256, String> {
    let object = value.as_object().ok_or_else(|| format!("typed data: a {name} must be an object"))?;
    let mut encoded = keccak256(encode_type(types, name)?).to_vec();
    for (field, ty) in &types[name] {
        encoded.extend_from_slice(encode_value(types, ty, object_field(object, field), field)?.as_slice());
    }
    Ok(keccak256(encoded))
}

fn object_field<'a>(object: &'a Map<String, Value>, field: &str) -> &'a Value {
    object.get(field).unwrap_or(&Value::Null)
}

/// One member as its 32-byte word.
fn encode_value(types: &Types, ty: &str, value: &Value, field: &str) -> Result<B256, String> {
    if let Some((element, size)) = array_element(ty) {
        let items = value.as_array().ok_or_else(|| format!("typed data: {field} must be an array"))?;
        if size.is_some_and(|n| n != items.len()) {
            return Err(format!("typed data: {field} must have {} elements", size.unwrap_or_default()));
        }
        let mut encoded = Vec::with_capacity(32 * items.len());
        for item in items {
            encoded.extend_from_slice(encode_value(types, element, item, field)?.as_slice());
        }
        return Ok(keccak256(encoded));
    }
    if types.contains_key(ty) {
        return hash_struct(types, ty, value);
    }
    let bad = || format!("typed data: {field} is not a valid {ty}");
    match ty {
        "string" => Ok(keccak256(value.as_str().ok_or_else(bad)?.as_bytes())),
        "bytes" => Ok(keccak256(bytes(value).ok_or_else(bad)?)),
        "address" => {
            let raw = bytes(value).filter(|b| b.len() == 20).ok_or_else(bad)?;
            Ok(Address::from_slice(&raw).into_word())
        }
        "bool" => match value {
            Value::Bool(b) => Ok(B256::with_last_byte(*b as u8)),
            Value::String(s) if s == "true" || s == "false" => Ok(B256::with_last_byte((s == "true") as u8)),
            _ => Err(bad()),
        },
        _ if ty.starts_with("bytes") => {
            let n: usize = ty[5..].parse().ok().filter(|n| (1..=32).contains(n)).ok_or_else(|| format!("typed data: unknown type {ty}"))?;
            let raw = bytes(value).filter(|b| b.len() <= n).ok_or_else(bad)?;
            let mut word = B256::ZERO;
            word[..raw.len()].copy_from_slice(&raw);
            Ok(word)
        }
        _ if ty.starts_with("uint") || ty.starts_with("int") => {
            let signed = ty.starts_with("int");
            let bits: usize = ty[if signed { 3 } else { 4 }..]
                .parse()
                .ok()
                .filter(|b| *b % 8 == 0 && (8..=256).contains(b))
                .ok_or_else(|| format!("typed data: unknown type {ty}"))?;
            integer(value, signed, bits).ok_or_else(bad)
        }
        _ => Err(format!("typed data: unknown type {ty}")),
    }
}

fn bytes(value: &Value) -> Option<Vec<u8>> {
    let text = value.as_str()?;
    hex::decode(text.strip_prefix("0x").unwrap_or(text)).ok()
}

/// A JSON number, a decimal string or a `0x` hex string, range-checked for `bits`.
fn integer(value: &Value, signed: bool, bits: usize) -> Option<B256> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return None,
    };
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let magnitude = match digits.strip_prefix("0x") {
        Some(hex) => U256::from_str_radix(hex, 16).ok()?,
        None => U256::from_str_radix(digits, 10).ok()?,
    };
    if !signed {
        return (!negative && (bits == 256 || magnitude < (U256::from(1u8) << bits))).then(|| B256::from(magnitude));
    }
    let limit = U256::from(1u8) << (bits - 1);
    let fits = if negative { magnitude <= limit } else { magnitude < limit };
    if !fits {
        return None;
    }
    let value = I256::from_raw(magnitude);
    Some(B256::from((if negative { -value } else { value }).into_raw()))
}

/// Test data shared with the signer's tests.
#[cfg(test)]
pub(crate) mod tests_support {
    use serde_json::{json, Value};

    /// The example of EIP-712 itself.
    pub fn mail() -> Value {
        json!({
            "types": {
                "EIP712Domain": [
                    {"name": "name", "type": "string"},
                    {"name": "version", "type": "string"},
                    {"name": "chainId", "type": "uint256"},
                    {"name": "verifyingContract", "type": "address"}
                ],
                "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
                "Mail": [
                    {"name": "from", "type": "Person"},
                    {"name": "to", "type": "Person"},
                    {"name": "contents", "type": "string"}
                ]
            },
            "primaryType": "Mail",
            "domain": {"name": "Ether Mail", "version": "1", "chainId": 1, "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
            "message": {
                "from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
                "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
                "contents": "Hello, Bob!"
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{tests_support::mail, *};
    use serde_json::json;

    #[test]
    fn the_eip_712_example() {
        let typed = mail();
        let types = parse_types(&typed["types"]).unwrap();
        assert_eq!(encode_type(&types, "Mail").unwrap(), "Mail(Person from,Person to,string contents)Person(string name,address wallet)");
        assert_eq!(
            hash_struct(&types, "EIP712Domain", &typed["domain"]).unwrap(),
            alloy_primitives::b256!("f2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f")
        );
        let expected = alloy_primitives::b256!("be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
        assert_eq!(signing_hash(&typed).unwrap(), expected);
        // As a JSON string (MetaMask), and with the domain type left to be inferred.
        assert_eq!(signing_hash(&Value::String(typed.to_string())).unwrap(), expected);
        let mut inferred = typed.clone();
        inferred["types"].as_object_mut().unwrap().remove("EIP712Domain");
        assert_eq!(signing_hash(&inferred).unwrap(), expected);
    }

    #[test]
    fn integers_are_range_checked_words() {
        assert_eq!(integer(&json!(-1), true, 8), Some(B256::repeat_byte(0xff)));
        assert_eq!(integer(&json!("-128"), true, 8).map(|w| w[31]), Some(0x80));
        assert_eq!(integer(&json!("-129"), true, 8), None);
        assert_eq!(integer(&json!("0xff"), false, 8), Some(B256::with_last_byte(0xff)));
        assert_eq!(integer(&json!(256), false, 8), None);
        assert_eq!(integer(&json!(-1), false, 256), None);
        assert_eq!(integer(&json!("1.5"), false, 256), None);
    }

    #[test]
    fn malformed_typed_data_is_refused_with_a_reason() {
        let mut typed = mail();
        typed["message"]["from"]["wallet"] = json!("0x12");
        assert_eq!(signing_hash(&typed).unwrap_err(), "typed data: wallet is not a valid address");
        let mut typed = mail();
        typed["primaryType"] = json!("Letter");
        assert!(signing_hash(&typed).unwrap_err().contains("Letter"));
        assert!(signing_hash(&json!("{")).unwrap_err().starts_with("typed data: invalid JSON"));
        assert_eq!(array_element("Person[][2]"), Some(("Person[]", Some(2))));
        assert_eq!(base_type("Person[][2]"), "Person");
    }
}
