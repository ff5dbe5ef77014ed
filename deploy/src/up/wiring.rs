//! After the deploys: the splitter hooked to the share token and the operator role for the
//! deployer on both token contracts. Each step is checked on chain first and skipped when done.

use std::sync::Arc;

use anyhow::{bail, Context, Result};
use ethers::{prelude::*, utils::keccak256};

use super::{
    bindings::{RigDeed, RigShares},
    deployer::Client,
};

pub const SET_SPLITTER: &str = "RigShares.setRevenueSplitter";
pub const DEED_OPERATOR: &str = "RigDeed.grantRole(OPERATOR_ROLE)";
pub const SHARES_OPERATOR: &str = "RigShares.grantRole(OPERATOR_ROLE)";

/// Every wiring step, in order.
pub const STEPS: &[&str] = &[SET_SPLITTER, DEED_OPERATOR, SHARES_OPERATOR];

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
pub async fn pending(client: &Arc<Client>, step: &str, a: Addresses) -> Result<Option<ContractCall<Client, ()>>> {
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
        other => bail!("unknown wiring step {other}"),
    })
}
