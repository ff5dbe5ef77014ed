//! ShareSale: a pool's capital raise (fixed price, soft cap in escrow, hard cap, per-account
//! limits, pull refunds, shares minted at claim through the pool's MINTER_ROLE). Not part of
//! what `up` deploys, since every raise has its own terms: `rigshare sale create` deploys one
//! per raise with [`super::SaleTerms`] and runs this entry's wiring (the pool grants it
//! MINTER_ROLE).

#![allow(clippy::all, missing_docs)]

use anyhow::Context;
use ethers::{abi::Token, contract::abigen};

use super::{minter_role, rig_shares::{self, RigShares}, Check, Entry, Inputs, Wire, Wiring};
use crate::pipeline::workspace::Contract;

abigen!(ShareSale, "$CARGO_MANIFEST_DIR/../abi/ShareSale.json");

pub const NAME: &str = "ShareSale";

pub const ENTRY: Entry = Entry {
    contract: Contract { package: "share-sale", name: NAME, feature: None },
    abi: include_str!("../../../abi/ShareSale.json"),
    deployed_by_up: false,
    depends_on: &[rig_shares::NAME],
    constructor_input,
    wiring: &[Wiring { name: "RigShares.grantRole(MINTER_ROLE, ShareSale)", applies: |_| true, pending: grant_minter }],
    hints,
};

/// The pool lets the sale mint buyers' shares (the signer needs the pool's admin role).
fn grant_minter<'a>(w: &'a Wire<'a>) -> Check<'a> {
    Box::pin(async move {
        let (shares_at, sale) = (w.address(rig_shares::NAME)?, w.address(NAME)?);
        let shares = RigShares::new(shares_at, w.client.clone());
        let has = shares.has_role(minter_role(), sale).call().await.context("reading RigShares.hasRole(MINTER_ROLE)")?;
        Ok((!has).then(|| shares.grant_role(minter_role(), sale)))
    })
}

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
        "SaleBelowMinimum" => "a purchase must be at least the sale's per-account minimum (see `rigshare sale status`)",
        "SaleWrongPayment" => "pay exactly costOf(shares): `rigshare sale buy` computes it",
        "SaleNotFinalized" => "the sale succeeded but is not finalized: run `rigshare sale finalize` (anyone may)",
        "SaleNotSucceeded" => "the sale did not succeed (or is still open): claims open only after a successful finalize",
        "SaleNotFailed" => "refunds open only once the sale failed (soft cap missed by the end) or was cancelled",
        "SaleAlreadyFinalized" => "the sale is already finalized: buyers can claim",
        "SaleNotEnded" => "the sale is still open and the hard cap is not sold: wait for the end",
        "SaleNothingToClaim" => "this account bought nothing in this sale or has claimed already",
        "SaleNothingToRefund" => "this account paid nothing in this sale or has been refunded already",
        "SaleInvalidConfig" => "the sale's terms are inconsistent (price, times, caps, per-account limits, soft cap above what the hard cap raises)",
        _ => return None,
    })
}
