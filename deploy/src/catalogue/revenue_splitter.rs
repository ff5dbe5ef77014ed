//! RevenueSplitter: pays a pool's revenue in one asset. `up` deploys one paying the configured
//! asset (ETH by default), has the share token report to it, and sets its payees when given.

#![allow(clippy::all, missing_docs)]

use anyhow::{bail, Context};
use ethers::{abi::Token, contract::abigen, types::Address};

use super::{extensions, rig_shares::{self, RigShares}, Check, Entry, Inputs, Wire, Wiring};
use crate::pipeline::workspace::Contract;

abigen!(RevenueSplitter, "$CARGO_MANIFEST_DIR/../abi/RevenueSplitter.json");

pub const NAME: &str = "RevenueSplitter";

pub const ENTRY: Entry = Entry {
    contract: Contract { package: "revenue-splitter", name: NAME, feature: None },
    abi: include_str!("../../../abi/RevenueSplitter.json"),
    deployed_by_up: true,
    depends_on: &[rig_shares::NAME, extensions::REVENUE_SPLITTER],
    constructor_input,
    wiring: &[
        Wiring { name: "RevenueSplitter.setExcluded", applies: |s| !s.exclusions.is_empty(), pending: declare_exclusion },
        Wiring { name: "RigShares.setRevenueSplitter", applies: |_| true, pending: hook_to_shares },
        Wiring { name: "RevenueSplitter.applyExclusion", applies: |s| !s.exclusions.is_empty(), pending: apply_exclusion },
        Wiring { name: "RevenueSplitter.setPayees", applies: |s| !s.payees.is_empty(), pending: set_payees },
    ],
    hints,
};

fn constructor_input(param: &str, i: &Inputs) -> Option<Token> {
    Some(match param {
        "sharetoken" => return i.address_of(rig_shares::NAME),
        "asset" => Token::Address(i.system.payout_asset),
        "streamseconds" => Token::Uint(i.system.stream_seconds.into()),
        "admin" => Token::Address(i.signer),
        "extension" => return i.address_of(extensions::REVENUE_SPLITTER),
        _ => return None,
    })
}

/// The share token reports every balance change to the splitter (set once).
fn hook_to_shares<'a>(w: &'a Wire<'a>) -> Check<'a> {
    Box::pin(async move {
        let (shares_at, splitter) = (w.address(rig_shares::NAME)?, w.address(NAME)?);
        let shares = RigShares::new(shares_at, w.client.clone());
        let current = shares.revenue_splitter().call().await.context("reading RigShares.revenueSplitter()")?;
        if current == splitter {
            Ok(None)
        } else if current != Address::zero() {
            bail!(
                "RigShares {shares_at:?} is already wired to splitter {current:?} (set once), not {splitter:?}; deploy a new RigShares by moving the deployments file away"
            );
        } else {
            Ok(Some(shares.set_revenue_splitter(splitter)))
        }
    })
}

/// The next `--exclude` account neither excluded nor declared yet: declared before the share
/// token adopts the splitter (applied by [`apply_exclusion`]), excluded at once after.
fn declare_exclusion<'a>(w: &'a Wire<'a>) -> Check<'a> {
    Box::pin(async move {
        let splitter = RevenueSplitter::new(w.address(NAME)?, w.client.clone());
        for &account in &w.system.exclusions {
            let excluded = splitter.is_excluded(account).call().await.context("reading RevenueSplitter.isExcluded()")?;
            let pending = splitter.is_exclusion_pending(account).call().await.context("reading isExclusionPending()")?;
            if !excluded && !pending {
                return Ok(Some(splitter.set_excluded(account, true)));
            }
        }
        Ok(None)
    })
}

/// The next exclusion declared before adoption and not applied yet (deposits are refused until
/// none is left).
fn apply_exclusion<'a>(w: &'a Wire<'a>) -> Check<'a> {
    Box::pin(async move {
        let splitter = RevenueSplitter::new(w.address(NAME)?, w.client.clone());
        for &account in &w.system.exclusions {
            if splitter.is_exclusion_pending(account).call().await.context("reading isExclusionPending()")? {
                return Ok(Some(splitter.apply_exclusion(account)));
            }
        }
        let left = splitter.pending_exclusions().call().await.context("reading pendingExclusions()")?;
        if !left.is_zero() {
            bail!("splitter {:?} still has {left} exclusion(s) pending that this deployment did not declare: apply them with applyExclusion(account)", splitter.address());
        }
        Ok(None)
    })
}

/// The waterfall `--payee` names (hosting, operator fee, ...).
fn set_payees<'a>(w: &'a Wire<'a>) -> Check<'a> {
    Box::pin(async move {
        let splitter = RevenueSplitter::new(w.address(NAME)?, w.client.clone());
        let (accounts, bps) = splitter.payees().call().await.context("reading RevenueSplitter.payees()")?;
        let want_accounts: Vec<Address> = w.system.payees.iter().map(|p| p.account).collect();
        let want_bps: Vec<u16> = w.system.payees.iter().map(|p| p.bps).collect();
        Ok((accounts != want_accounts || bps != want_bps).then(|| splitter.set_payees(want_accounts, want_bps)))
    })
}

fn hints(error: &str) -> Option<&'static str> {
    Some(match error {
        "SplitterNothingToClaim" => "nothing is claimable for this account yet",
        "SplitterWrongAsset" => "this splitter pays another asset: pick the splitter with --token",
        "SplitterNotBound" => "the pool's share token has not adopted this splitter yet",
        _ => return None,
    })
}
