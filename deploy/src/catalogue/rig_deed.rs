//! RigDeed (ERC-721): one token per rig or mining right. `up` deploys it first (after its
//! extension module) and makes the deployer its operator, who mints deeds.

#![allow(clippy::all, missing_docs)]

use ethers::{abi::Token, contract::abigen};

use super::{extensions, operator_role, Check, Entry, Inputs, Wire, Wiring};
use crate::pipeline::workspace::Contract;

abigen!(RigDeed, "$CARGO_MANIFEST_DIR/../abi/RigDeed.json");

pub const NAME: &str = "RigDeed";

pub const ENTRY: Entry = Entry {
    contract: Contract { package: "rig-deed", name: NAME, feature: None },
    abi: include_str!("../../../abi/RigDeed.json"),
    deployed_by_up: true,
    depends_on: &[extensions::RIG_DEED],
    constructor_input,
    wiring: &[Wiring { name: "RigDeed.grantRole(OPERATOR_ROLE)", applies: |_| true, pending: grant_operator }],
    hints,
};

fn constructor_input(param: &str, i: &Inputs) -> Option<Token> {
    Some(match param {
        "name" => Token::String(i.system.deed_name.clone()),
        "symbol" => Token::String(i.system.deed_symbol.clone()),
        "admin" => Token::Address(i.signer),
        "extension" => return i.address_of(extensions::RIG_DEED),
        _ => return None,
    })
}

/// The deployer mints and updates deeds.
fn grant_operator<'a>(w: &'a Wire<'a>) -> Check<'a> {
    Box::pin(async move {
        let deed = RigDeed::new(w.address(NAME)?, w.client.clone());
        let has = deed.has_role(operator_role(), w.signer).call().await?;
        Ok((!has).then(|| deed.grant_role(operator_role(), w.signer)))
    })
}

fn hints(error: &str) -> Option<&'static str> {
    Some(match error {
        "DeedStatusUnchanged" => "the rig already has that status",
        "DeedRetired" => "a retired rig's record is final",
        "DeedSerialAlreadyTokenized" => "this serial already has a deed",
        "ERC721IncorrectOwner" | "ERC721InsufficientApproval" => "the signing account does not own (or may not move) that deed",
        "ERC721NonexistentToken" => "no deed has that id",
        "DeedNoDescriptor" => "the deed has no RigCard to render its metadata: `rigshare up` sets one (RigDeed.setDescriptor)",
        "DeedInvalidDescriptor" => "a descriptor must be a deployed contract (a RigCard)",
        "DeedDescriptorFailed" => "the deed's descriptor could not render the metadata: set a working RigCard",
        _ => return None,
    })
}
