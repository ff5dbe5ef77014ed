//! RigShares (ERC-20 + permit): a pool's shares, holding its deeds. `up` deploys it with the
//! whole supply to the deployer, who is also its admin and operator (deposits deeds).

#![allow(clippy::all, missing_docs)]

use ethers::{abi::Token, contract::abigen};

use super::{extensions, operator_role, rig_deed, Check, Entry, Inputs, Wire, Wiring};
use crate::pipeline::workspace::Contract;

abigen!(RigShares, "$CARGO_MANIFEST_DIR/../abi/RigShares.json");

pub const NAME: &str = "RigShares";

pub const ENTRY: Entry = Entry {
    contract: Contract { package: "rig-shares", name: NAME, feature: None },
    abi: include_str!("../../../abi/RigShares.json"),
    deployed_by_up: true,
    depends_on: &[rig_deed::NAME, extensions::RIG_SHARES],
    constructor_input,
    wiring: &[Wiring { name: "RigShares.grantRole(OPERATOR_ROLE)", applies: |_| true, pending: grant_operator }],
    hints,
};

/// Shares have 18 decimals.
pub const DECIMALS: u8 = 18;

fn constructor_input(param: &str, i: &Inputs) -> Option<Token> {
    Some(match param {
        "name" => Token::String(i.system.pool_name.clone()),
        "symbol" => Token::String(i.system.pool_symbol.clone()),
        "initialsupply" => Token::Uint(i.system.pool_supply),
        "issuer" | "admin" => Token::Address(i.signer),
        "rigdeed" => return i.address_of(rig_deed::NAME),
        "extension" => return i.address_of(extensions::RIG_SHARES),
        _ => return None,
    })
}

/// The deployer deposits deeds into the pool.
fn grant_operator<'a>(w: &'a Wire<'a>) -> Check<'a> {
    Box::pin(async move {
        let shares = RigShares::new(w.address(NAME)?, w.client.clone());
        let has = shares.has_role(operator_role(), w.signer).call().await?;
        Ok((!has).then(|| shares.grant_role(operator_role(), w.signer)))
    })
}

fn hints(error: &str) -> Option<&'static str> {
    Some(match error {
        "SharesUnauthorizedDepositor" => "only an account with OPERATOR_ROLE on the pool may deposit deeds",
        _ => return None,
    })
}
