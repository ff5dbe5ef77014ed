//! After the deploys: the splitter hooked to the share token, the operator role for the
//! deployer on both token contracts, and the splitter's payees when `--payee` names them. Each
//! step is checked on chain first and skipped when done.

use std::sync::Arc;

use anyhow::{bail, Context, Result};
use ethers::{prelude::*, utils::keccak256};

use super::{
    bindings::{RevenueSplitter, RigDeed, RigShares},
    deployer::Client,
};

pub const SET_SPLITTER: &str = "RigShares.setRevenueSplitter";
pub const DEED_OPERATOR: &str = "RigDeed.grantRole(OPERATOR_ROLE)";
pub const SHARES_OPERATOR: &str = "RigShares.grantRole(OPERATOR_ROLE)";

pub const SET_PAYEES: &str = "RevenueSplitter.setPayees";

/// Every wiring step, in order; the payees only when some are configured (otherwise whatever
/// the splitter has is left alone).
pub fn steps(payees: &[Payee]) -> Vec<&'static str> {
    let mut steps = vec![SET_SPLITTER, DEED_OPERATOR, SHARES_OPERATOR];
    if !payees.is_empty() {
        steps.push(SET_PAYEES);
    }
    steps
}

/// A fixed cut of every revenue deposit: `[label=]ADDRESS:BPS`, e.g. `hosting=0xabc…:1000`
/// for 10%. The label is only for people; the splitter stores address and basis points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payee {
    pub label: Option<String>,
    pub account: Address,
    pub bps: u16,
}

impl std::str::FromStr for Payee {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> Result<Self> {
        let (label, rest) = match text.split_once('=') {
            Some((label, rest)) => (Some(label.trim().to_owned()), rest),
            None => (None, text),
        };
        let (account, bps) = rest
            .rsplit_once(':')
            .with_context(|| format!("payee '{text}' is not [label=]ADDRESS:BPS (e.g. hosting=0xabc…:1000 for 10%)"))?;
        let account: Address =
            account.trim().parse().map_err(|_| anyhow::anyhow!("payee '{text}': '{account}' is not an address"))?;
        let bps: u16 = bps
            .trim()
            .parse()
            .ok()
            .filter(|b| *b <= 10_000)
            .with_context(|| format!("payee '{text}': '{bps}' is not basis points from 0 to 10000"))?;
        Ok(Self { label, account, bps })
    }
}

pub fn operator_role() -> [u8; 32] {
    keccak256("OPERATOR_ROLE")
}

/// The addresses wiring works on.
#[derive(Debug, Clone, Copy)]
pub struct Addresses {
    pub deed: Address,
    pub shares: Address,
    pub splitter: Address,
    pub deployer: Address,
}

/// `Some(call)` when `step` still has to be sent, `None` when the chain shows it is done.
pub async fn pending(
    client: &Arc<Client>,
    step: &str,
    a: Addresses,
    payees: &[Payee],
) -> Result<Option<ContractCall<Client, ()>>> {
    let shares = RigShares::new(a.shares, client.clone());
    let deed = RigDeed::new(a.deed, client.clone());
    Ok(match step {
        SET_SPLITTER => {
            let current = shares.revenue_splitter().call().await.context("reading RigShares.revenueSplitter()")?;
            if current == a.splitter {
                None
            } else if current != Address::zero() {
                bail!(
                    "RigShares {:?} is already wired to splitter {current:?} (set once), not {:?}; deploy a new RigShares by moving the deployments file away",
                    a.shares,
                    a.splitter
                );
            } else {
                Some(shares.set_revenue_splitter(a.splitter))
            }
        }
        DEED_OPERATOR => {
            let has = deed.has_role(operator_role(), a.deployer).call().await.context("reading RigDeed.hasRole")?;
            (!has).then(|| deed.grant_role(operator_role(), a.deployer))
        }
        SHARES_OPERATOR => {
            let has = shares.has_role(operator_role(), a.deployer).call().await.context("reading RigShares.hasRole")?;
            (!has).then(|| shares.grant_role(operator_role(), a.deployer))
        }
        SET_PAYEES => {
            let splitter = RevenueSplitter::new(a.splitter, client.clone());
            let (accounts, bps) = splitter.payees().call().await.context("reading RevenueSplitter.payees()")?;
            let want_accounts: Vec<Address> = payees.iter().map(|p| p.account).collect();
            let want_bps: Vec<u16> = payees.iter().map(|p| p.bps).collect();
            (accounts != want_accounts || bps != want_bps).then(|| splitter.set_payees(want_accounts, want_bps))
        }
        other => bail!("unknown wiring step {other}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_payees() {
        let p: Payee = "hosting=0x00000000000000000000000000000000000000aa:1000".parse().unwrap();
        assert_eq!((p.label.as_deref(), p.account.0[19], p.bps), (Some("hosting"), 0xaa, 1000));
        let p: Payee = "0x00000000000000000000000000000000000000bb:0".parse().unwrap();
        assert_eq!((p.label.as_deref(), p.bps), (None, 0));
        for bad in ["hosting", "x=0x12:5", "0x00000000000000000000000000000000000000aa:10001", "0x00000000000000000000000000000000000000aa:ten"] {
            let err = bad.parse::<Payee>().unwrap_err().to_string();
            assert!(err.contains(bad), "{err}");
        }
        assert_eq!(steps(&[]).len(), 3);
        assert_eq!(steps(std::slice::from_ref(&p)).last(), Some(&SET_PAYEES));
    }
}
