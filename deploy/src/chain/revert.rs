//! Revert data in words. A [`Decoder`] knows the custom errors of a set of ABIs (the catalogue
//! gives it every contract's) plus those of Arbitrum's precompiles and StylusDeployer, names an
//! error with its arguments, decodes a revert reason carried inside another error in turn, and
//! adds a hint for the errors an operator can do something about.

use std::collections::HashMap;

use ethers::{
    abi::{self, Abi, ParamType, Token},
    types::U256,
    utils::{format_ether, hex, keccak256},
};

/// Errors of ArbWasm, StylusDeployer and Solidity's panic, which no rigshare ABI declares.
const PLATFORM_ERRORS: &[&str] = &[
    "ProgramInsufficientValue(uint256,uint256)",
    "ProgramNotWasm()",
    "ProgramUpToDate()",
    "ProgramNotActivated()",
    "ProgramNeedsUpgrade(uint16,uint16)",
    "ProgramExpired(uint64)",
    "ContractDeploymentError(bytes)",
    "ContractInitializationError(address)",
    "RefundExcessValueError(uint256)",
    "EmptyBytecode()",
    "InitValueButNotInitData()",
    "Panic(uint256)",
];

/// Role ids that errors carry, by name.
const ROLES: &[&str] = &["OPERATOR_ROLE", "MINTER_ROLE"];

struct KnownError {
    name: String,
    inputs: Vec<ParamType>,
}

/// Names errors by their selector.
pub struct Decoder {
    known: HashMap<[u8; 4], KnownError>,
    hints: fn(&str) -> Option<&'static str>,
}

impl Decoder {
    /// A decoder for the errors of `abis` (JSON texts), the platform's, with `hints` naming
    /// what to do about an error (by its name).
    ///
    /// # Panics
    /// When an ABI does not parse: they are generated and checked by `rigshare abi --check`.
    pub fn new(abis: &[&str], hints: fn(&str) -> Option<&'static str>) -> Self {
        let mut known = HashMap::new();
        for text in abis {
            let abi: Abi = serde_json::from_str(text).expect("abi/*.json parses (checked by `rigshare abi --check`)");
            for error in abi.errors() {
                let inputs: Vec<ParamType> = error.inputs.iter().map(|p| p.kind.clone()).collect();
                let signature = format!("{}({})", error.name, inputs.iter().map(ToString::to_string).collect::<Vec<_>>().join(","));
                known.entry(ethers::utils::id(signature)).or_insert(KnownError { name: error.name.clone(), inputs });
            }
        }
        for signature in PLATFORM_ERRORS {
            let abi::Function { name, inputs, .. } = abi::HumanReadableParser::parse_function(&format!("function {signature}"))
                .expect("platform error signatures parse");
            let inputs: Vec<ParamType> = inputs.into_iter().map(|p| p.kind).collect();
            known.entry(ethers::utils::id(signature)).or_insert(KnownError { name, inputs });
        }
        Self { known, hints }
    }

    /// `data` as `Name(arg, ...)`, e.g. `DeedStatusUnchanged(1, 0)`, plus a hint when there is one.
    pub fn describe(&self, data: &[u8]) -> String {
        let text = self.name_with_args(data);
        match (self.hints)(text.split('(').next().unwrap_or_default()) {
            Some(hint) => format!("{text} ({hint})"),
            None => text,
        }
    }

    /// The error's name and arguments, without a hint.
    pub fn name_with_args(&self, data: &[u8]) -> String {
        if data.len() < 4 {
            return "no reason given".into();
        }
        let selector: [u8; 4] = data[..4].try_into().expect("four bytes");
        if selector == ethers::utils::id("Error(string)") {
            if let Ok(tokens) = abi::decode(&[ParamType::String], &data[4..]) {
                return format!("\"{}\"", tokens[0]);
            }
        }
        let Some(error) = self.known.get(&selector) else {
            return format!("custom error 0x{}", hex::encode(selector));
        };
        match abi::decode(&error.inputs, &data[4..]) {
            Ok(tokens) if error.name == "ProgramInsufficientValue" => {
                let eth = |t: &Token| format_ether(t.clone().into_uint().unwrap_or_default());
                format!("ProgramInsufficientValue(have {} ETH, want {} ETH)", eth(&tokens[0]), eth(&tokens[1]))
            }
            Ok(tokens) => format!("{}({})", error.name, tokens.iter().map(|t| self.token(t)).collect::<Vec<_>>().join(", ")),
            Err(_) => format!("{}(undecodable arguments 0x{})", error.name, hex::encode(&data[4..])),
        }
    }

    /// The error's name alone (`DeedStatusUnchanged`), when it is a known one.
    pub fn error_name(&self, data: &[u8]) -> Option<&str> {
        let selector: [u8; 4] = data.get(..4)?.try_into().ok()?;
        self.known.get(&selector).map(|e| e.name.as_str())
    }

    fn token(&self, t: &Token) -> String {
        match t {
            Token::Address(a) => format!("{a:?}"),
            Token::Uint(u) | Token::Int(u) => u.to_string(),
            Token::Bool(b) => b.to_string(),
            Token::String(s) => format!("{s:?}"),
            Token::FixedBytes(b) if b.len() == 32 => role_name(b).unwrap_or_else(|| format!("0x{}", hex::encode(b))),
            Token::FixedBytes(b) => format!("0x{}", hex::encode(b)),
            // A revert reason carried inside (`SharesCheckpointFailed(splitter, reason)`).
            Token::Bytes(b) if b.is_empty() => "no reason".into(),
            Token::Bytes(b) => self.name_with_args(b),
            other => other.to_string(),
        }
    }
}

/// The fee ArbWasm asks for, from a `ProgramInsufficientValue(have, want)` revert.
pub fn insufficient_value_wanted(data: &[u8]) -> Option<U256> {
    (data.len() == 68 && data[..4] == ethers::utils::id("ProgramInsufficientValue(uint256,uint256)"))
        .then(|| U256::from_big_endian(&data[36..68]))
}

fn role_name(id: &[u8]) -> Option<String> {
    if id.iter().all(|&b| b == 0) {
        return Some("DEFAULT_ADMIN_ROLE".into());
    }
    ROLES.iter().find(|r| keccak256(r.as_bytes()) == id).map(|r| (*r).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ABI: &str = r#"[
        {"type":"error","name":"DeedStatusUnchanged","inputs":[{"name":"id","type":"uint256"},{"name":"status","type":"uint8"}]},
        {"type":"error","name":"AccessControlUnauthorizedAccount","inputs":[{"name":"account","type":"address"},{"name":"role","type":"bytes32"}]},
        {"type":"error","name":"SharesCheckpointFailed","inputs":[{"name":"splitter","type":"address"},{"name":"reason","type":"bytes"}]},
        {"type":"error","name":"SplitterUnauthorizedHook","inputs":[{"name":"caller","type":"address"}]}
    ]"#;

    fn decoder() -> Decoder {
        Decoder::new(&[ABI], |name| (name == "DeedStatusUnchanged").then_some("the rig already has that status"))
    }

    fn encode(signature: &str, args: &[Token]) -> Vec<u8> {
        let mut data = ethers::utils::id(signature).to_vec();
        data.extend(abi::encode(args));
        data
    }

    #[test]
    fn names_errors_with_arguments_and_hints() {
        let d = decoder();
        let data = encode("DeedStatusUnchanged(uint256,uint8)", &[Token::Uint(7.into()), Token::Uint(0.into())]);
        assert_eq!(d.name_with_args(&data), "DeedStatusUnchanged(7, 0)");
        assert_eq!(d.describe(&data), "DeedStatusUnchanged(7, 0) (the rig already has that status)");
        assert_eq!(d.error_name(&data), Some("DeedStatusUnchanged"));

        let who = ethers::types::Address::repeat_byte(0x11);
        let role = Token::FixedBytes(keccak256("OPERATOR_ROLE").to_vec());
        let data = encode("AccessControlUnauthorizedAccount(address,bytes32)", &[Token::Address(who), role]);
        assert!(d.name_with_args(&data).ends_with(&format!("({who:?}, OPERATOR_ROLE)")), "{}", d.name_with_args(&data));
    }

    #[test]
    fn decodes_a_reason_inside_an_error() {
        let d = decoder();
        let zero = ethers::types::Address::zero();
        let inner = encode("SplitterUnauthorizedHook(address)", &[Token::Address(zero)]);
        let data = encode("SharesCheckpointFailed(address,bytes)", &[Token::Address(zero), Token::Bytes(inner)]);
        assert_eq!(d.name_with_args(&data), format!("SharesCheckpointFailed({zero:?}, SplitterUnauthorizedHook({zero:?}))"));
    }

    #[test]
    fn names_platform_errors_and_falls_back_for_others() {
        let d = decoder();
        let mut reason = ethers::utils::id("Error(string)").to_vec();
        reason.extend(abi::encode(&[Token::String("nope".into())]));
        assert_eq!(d.describe(&reason), "\"nope\"");
        assert_eq!(d.describe(&ethers::utils::id("EmptyBytecode()")), "EmptyBytecode()");
        let fee = encode("ProgramInsufficientValue(uint256,uint256)", &[Token::Uint(0.into()), Token::Uint(U256::exp10(15))]);
        assert_eq!(d.describe(&fee), "ProgramInsufficientValue(have 0.000000000000000000 ETH, want 0.001000000000000000 ETH)");
        assert_eq!(insufficient_value_wanted(&fee), Some(U256::exp10(15)));
        assert_eq!(d.describe(&[1, 2, 3, 4]), "custom error 0x01020304");
        assert_eq!(d.describe(&[]), "no reason given");
    }
}
