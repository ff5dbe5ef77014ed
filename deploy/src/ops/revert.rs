//! Revert data in words: any custom error of rigshare's contracts (read from the ABIs in abi/)
//! by name with its arguments, a revert reason carried inside another error decoded in turn,
//! and a hint for the errors an operator can do something about. Errors of the Arbitrum
//! precompiles and anything else fall back to `up`'s [`describe_revert`].

use std::{collections::HashMap, sync::OnceLock};

use ethers::{
    abi::{self, Abi, ParamType, Token},
    utils::{hex, keccak256},
};

use crate::up::deployer::describe_revert;

/// The ABIs whose errors are known, as `rigshare abi` wrote them.
const ABIS: &[&str] = &[
    include_str!("../../../abi/RigDeed.json"),
    include_str!("../../../abi/RigShares.json"),
    include_str!("../../../abi/RevenueSplitter.json"),
    include_str!("../../../abi/DemoToken.json"),
];

/// Role ids that errors carry, by name.
const ROLES: &[&str] = &["OPERATOR_ROLE", "MINTER_ROLE"];

struct KnownError {
    name: String,
    inputs: Vec<ParamType>,
}

fn known() -> &'static HashMap<[u8; 4], KnownError> {
    static KNOWN: OnceLock<HashMap<[u8; 4], KnownError>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut map = HashMap::new();
        for text in ABIS {
            let abi: Abi = serde_json::from_str(text).expect("abi/*.json parses (checked by `rigshare abi --check`)");
            for error in abi.errors() {
                let inputs: Vec<ParamType> = error.inputs.iter().map(|p| p.kind.clone()).collect();
                let signature =
                    format!("{}({})", error.name, inputs.iter().map(ToString::to_string).collect::<Vec<_>>().join(","));
                let selector = ethers::utils::id(signature);
                map.entry(selector).or_insert(KnownError { name: error.name.clone(), inputs });
            }
        }
        map
    })
}

/// `data` as `Name(arg, ...)`, e.g. `DeedStatusUnchanged(1, 0)`, plus a hint when there is one.
pub fn describe(data: &[u8]) -> String {
    let text = name_with_args(data);
    match hint(&text) {
        Some(hint) => format!("{text} ({hint})"),
        None => text,
    }
}

/// The error's name and arguments, without a hint.
pub fn name_with_args(data: &[u8]) -> String {
    let Some(selector) = data.get(..4) else { return describe_revert(data) };
    let selector: [u8; 4] = selector.try_into().expect("four bytes");
    let Some(error) = known().get(&selector) else { return describe_revert(data) };
    match abi::decode(&error.inputs, &data[4..]) {
        Ok(tokens) => format!("{}({})", error.name, tokens.iter().map(token).collect::<Vec<_>>().join(", ")),
        Err(_) => format!("{}(undecodable arguments 0x{})", error.name, hex::encode(&data[4..])),
    }
}

/// The error's name alone (`DeedStatusUnchanged`), when it is one of the ABIs'.
pub fn error_name(data: &[u8]) -> Option<&'static str> {
    let selector: [u8; 4] = data.get(..4)?.try_into().ok()?;
    known().get(&selector).map(|e| e.name.as_str())
}

fn token(t: &Token) -> String {
    match t {
        Token::Address(a) => format!("{a:?}"),
        Token::Uint(u) | Token::Int(u) => u.to_string(),
        Token::Bool(b) => b.to_string(),
        Token::String(s) => format!("{s:?}"),
        Token::FixedBytes(b) if b.len() == 32 => role_name(b).unwrap_or_else(|| format!("0x{}", hex::encode(b))),
        Token::FixedBytes(b) => format!("0x{}", hex::encode(b)),
        // A revert reason carried inside (`SharesCheckpointFailed(splitter, reason)`).
        Token::Bytes(b) if b.is_empty() => "no reason".into(),
        Token::Bytes(b) => name_with_args(b),
        other => other.to_string(),
    }
}

fn role_name(id: &[u8]) -> Option<String> {
    if id.iter().all(|&b| b == 0) {
        return Some("DEFAULT_ADMIN_ROLE".into());
    }
    ROLES.iter().find(|r| keccak256(r.as_bytes()) == id).map(|r| (*r).to_owned())
}

/// What to do about the errors an operator or investor can fix.
fn hint(text: &str) -> Option<&'static str> {
    let name = text.split('(').next().unwrap_or_default();
    Some(match name {
        "AccessControlUnauthorizedAccount" => "the signing account lacks that role: sign with --private-key of an account that has it, or have the admin grant it",
        "SharesUnauthorizedDepositor" => "only an account with OPERATOR_ROLE on the pool may deposit deeds",
        "SplitterNothingToClaim" => "nothing is claimable for this account yet",
        "SplitterWrongAsset" => "this splitter pays another asset: pick the splitter with --token",
        "SplitterNotBound" => "the pool's share token has not adopted this splitter yet",
        "DeedStatusUnchanged" => "the rig already has that status",
        "DeedRetired" => "a retired rig's record is final",
        "DeedSerialAlreadyTokenized" => "this serial already has a deed",
        "ERC721IncorrectOwner" | "ERC721InsufficientApproval" => "the signing account does not own (or may not move) that deed",
        "ERC721NonexistentToken" => "no deed has that id",
        "ERC20InsufficientBalance" => "the account holds less than that",
        "ERC20InsufficientAllowance" => "approve the spender first",
        "EnforcedPause" => "the contract is paused",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(signature: &str, args: &[Token]) -> Vec<u8> {
        let mut data = ethers::utils::id(signature).to_vec();
        data.extend(abi::encode(args));
        data
    }

    #[test]
    fn names_rigshare_errors_with_arguments() {
        let data = encode("DeedStatusUnchanged(uint256,uint8)", &[Token::Uint(7.into()), Token::Uint(0.into())]);
        assert_eq!(name_with_args(&data), "DeedStatusUnchanged(7, 0)");
        assert_eq!(describe(&data), "DeedStatusUnchanged(7, 0) (the rig already has that status)");
        assert_eq!(error_name(&data), Some("DeedStatusUnchanged"));

        let who = ethers::types::Address::repeat_byte(0x11);
        let role = Token::FixedBytes(keccak256("OPERATOR_ROLE").to_vec());
        let data = encode("AccessControlUnauthorizedAccount(address,bytes32)", &[Token::Address(who), role]);
        assert!(name_with_args(&data).ends_with(&format!("({who:?}, OPERATOR_ROLE)")), "{}", name_with_args(&data));
    }

    #[test]
    fn decodes_a_reason_inside_an_error() {
        let inner = encode("SplitterUnauthorizedHook(address)", &[Token::Address(ethers::types::Address::zero())]);
        let data = encode("SharesCheckpointFailed(address,bytes)", &[Token::Address(ethers::types::Address::zero()), Token::Bytes(inner)]);
        let zero = format!("{:?}", ethers::types::Address::zero());
        assert_eq!(name_with_args(&data), format!("SharesCheckpointFailed({zero}, SplitterUnauthorizedHook({zero}))"));
    }

    #[test]
    fn falls_back_for_others() {
        assert_eq!(describe(&ethers::utils::id("EmptyBytecode()")), "EmptyBytecode()");
        assert_eq!(describe(&[1, 2, 3, 4]), "custom error 0x01020304");
        assert_eq!(describe(&[]), "no reason given");
    }
}
