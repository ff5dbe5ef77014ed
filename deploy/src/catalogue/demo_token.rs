//! DemoToken: an ERC-20 with chosen decimals that its admin mints at will, the WBTC-like payout
//! asset of dev chains and the demo. Built and given an ABI; never deployed by `up`.

#![allow(clippy::all, missing_docs)]

use ethers::{abi::Token, contract::abigen};

use super::{Entry, Inputs};
use crate::pipeline::workspace::Contract;

abigen!(DemoToken, "$CARGO_MANIFEST_DIR/../abi/DemoToken.json");

pub const NAME: &str = "DemoToken";

pub const ENTRY: Entry = Entry {
    contract: Contract { package: "demo-token", name: NAME, feature: None },
    abi: include_str!("../../../abi/DemoToken.json"),
    deployed_by_up: false,
    depends_on: &[],
    constructor_input,
    wiring: &[],
    hints: |_| None,
};

/// Dev chains' stand-in for WBTC: 8 decimals, the deployer its admin.
fn constructor_input(param: &str, i: &Inputs) -> Option<Token> {
    Some(match param {
        "name" => Token::String("Demo Wrapped BTC".into()),
        "symbol" => Token::String("dWBTC".into()),
        "decimals" => Token::Uint(8.into()),
        "admin" => Token::Address(i.signer),
        _ => return None,
    })
}
