//! ShareSale: a pool's capital raise (fixed price, soft cap in escrow, hard cap, per-account
//! limits, pull refunds, shares minted at claim through the pool's MINTER_ROLE). Built and given
//! an ABI; not part of what `up` deploys, since every raise has its own terms: a sale is
//! deployed per raise with [`super::SaleTerms`].

#![allow(clippy::all, missing_docs)]

use ethers::{abi::Token, contract::abigen};

use super::{rig_shares, Entry, Inputs};
use crate::pipeline::workspace::Contract;

abigen!(ShareSale, "$CARGO_MANIFEST_DIR/../abi/ShareSale.json");

pub const NAME: &str = "ShareSale";

pub const ENTRY: Entry = Entry {
    contract: Contract { package: "share-sale", name: NAME },
    abi: include_str!("../../../abi/ShareSale.json"),
    deployed_by_up: false,
    depends_on: &[rig_shares::NAME],
    constructor_input,
    wiring: &[],
    hints,
};

fn constructor_input(param: &str, i: &Inputs) -> Option<Token> {
    let t = &i.system.sale;
    Some(match param {
        "sharetoken" => return i.address_of(rig_shares::NAME),
        "asset" => Token::Address(t.asset),
        "price" => Token::Uint(t.price),
        "start" => Token::Uint(t.start.into()),
        "end" => Token::Uint(t.end.into()),
        "softcap" => Token::Uint(t.soft_cap),
        "hardcap" => Token::Uint(t.hard_cap),
        "minperaccount" => Token::Uint(t.min_per_account),
        "maxperaccount" => Token::Uint(t.max_per_account),
        "treasury" => Token::Address(t.treasury.unwrap_or(i.signer)),
        "admin" => Token::Address(i.signer),
        _ => return None,
    })
}

fn hints(error: &str) -> Option<&'static str> {
    Some(match error {
        "SaleNotStarted" => "the sale has not opened yet",
        "SaleEnded" => "the sale is over: finalize it, then claim (or refund if it failed)",
        "SaleAboveAccountMax" => "that would take the account over the sale's per-account maximum",
        "SaleAboveHardCap" => "fewer shares than that remain",
        "SaleNotMinter" => "the pool has not granted the sale MINTER_ROLE",
        "SaleNotAllowlisted" => "the pool is in compliance mode and the buyer is not on its allowlist",
        _ => return None,
    })
}
