//! `rigshare rig mint` and `rigshare rig status`: a rig's deed and its lifecycle, as RigDeed's
//! operator (the deployer after `up`).

use anyhow::{Context, Result};
use ethers::{prelude::*, utils::keccak256};
use serde::Serialize;

use super::{
    session::{self, Session},
    units, Report,
};
use crate::{
    catalogue::rig_deed::{RigMintedFilter, RigStatusChangedFilter},
    chain::sender::{self as tx, Sent},
};

/// What a deed represents (RigDeed's `kind`, contracts/rig-deed/src/spec.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A physical machine.
    Equipment = 0,
    /// A contractual right to a share of a site's hashrate.
    MiningRight = 1,
}

/// Where a rig is in its life (RigDeed's `status`); retired is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Hashing.
    Active = 0,
    /// Temporarily down for service.
    Maintenance = 1,
    /// Down for another reason (power, network, site).
    Offline = 2,
    /// Decommissioned for good; no longer backs a pool.
    Retired = 3,
}

impl Status {
    pub fn from_u8(value: u8) -> Option<Self> {
        [Self::Active, Self::Maintenance, Self::Offline, Self::Retired].into_iter().find(|s| *s as u8 == value)
    }

    pub fn label(value: u8) -> String {
        match Self::from_u8(value) {
            Some(s) => format!("{s:?}").to_lowercase(),
            None => format!("unknown ({value})"),
        }
    }
}

impl Kind {
    pub fn label(value: u8) -> String {
        match value {
            0 => "equipment".into(),
            1 => "mining-right".into(),
            other => format!("unknown ({other})"),
        }
    }
}

/// A rig to tokenize.
#[derive(Debug, Clone)]
pub struct NewRig {
    /// Deed owner (default: the signer).
    pub to: Option<Address>,
    pub model: String,
    pub hashrate_ghs: u64,
    pub power_watts: u32,
    pub site: String,
    /// The manufacturer serial (or the mining right's contract id); only its hash goes on chain.
    pub serial: String,
    pub kind: Kind,
}

/// TH/s as typed ("200", "200.5") to GH/s, RigDeed's unit, exactly.
pub fn ths_to_ghs(text: &str) -> Result<u64> {
    let ghs = units::parse_units(text, 3).context("--hashrate-ths")?;
    anyhow::ensure!(ghs <= U256::from(u64::MAX), "--hashrate-ths {text} is too large");
    Ok(ghs.as_u64())
}

#[derive(Debug, Clone, Serialize)]
pub struct Minted {
    pub deed_id: u64,
    pub owner: String,
    pub model: String,
    pub hashrate_ghs: u64,
    pub power_watts: u32,
    pub site: String,
    pub serial_hash: String,
    pub kind: Kind,
    pub rig_deed: String,
    #[serde(flatten)]
    pub sent: Sent,
}

impl Report for Minted {
    fn text(&self) -> String {
        format!(
            "minted deed {} to {}: {} {} TH/s {} W at {} (tx {}, block {})\n",
            self.deed_id,
            self.owner,
            self.model,
            units::format_units(self.hashrate_ghs.into(), 3),
            self.power_watts,
            self.site,
            self.sent.tx,
            self.sent.block
        )
    }
}

/// `rigshare rig mint`.
pub async fn mint(s: &Session, rig: NewRig) -> Result<Minted> {
    let me = s.signer()?;
    let deed = session::deed_contract(s)?;
    let to = rig.to.unwrap_or(me);
    let serial_hash = keccak256(rig.serial.as_bytes());
    let call = deed.mint(
        to,
        rig.model.clone(),
        rig.hashrate_ghs,
        rig.power_watts,
        rig.site.clone(),
        serial_hash,
        rig.kind as u8,
    );
    let what = format!("minting the deed of {} ({}) to {to:?}", rig.model, rig.site);
    let receipt = match s.earlier(&what, &call).await? {
        Some(receipt) => receipt,
        None => {
            s.progress(&what);
            s.send(&what, call).await?
        }
    };
    let event: RigMintedFilter =
        tx::event(&receipt, deed.address()).context("the mint emitted no RigMinted event")?;
    Ok(Minted {
        deed_id: event.token_id.as_u64(),
        owner: format!("{to:?}"),
        model: rig.model,
        hashrate_ghs: rig.hashrate_ghs,
        power_watts: rig.power_watts,
        site: rig.site,
        serial_hash: format!("0x{}", ethers::utils::hex::encode(serial_hash)),
        kind: rig.kind,
        rig_deed: format!("{:?}", deed.address()),
        sent: Sent::from(&receipt),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusChanged {
    pub deed_id: u64,
    pub previous: String,
    pub status: String,
    #[serde(flatten)]
    pub sent: Sent,
}

impl Report for StatusChanged {
    fn text(&self) -> String {
        format!("deed {}: {} -> {} (tx {})\n", self.deed_id, self.previous, self.status, self.sent.tx)
    }
}

/// `rigshare rig status`.
pub async fn set_status(s: &Session, id: u64, status: Status) -> Result<StatusChanged> {
    s.signer()?;
    let deed = session::deed_contract(s)?;
    let what = format!("setting deed {id} to {}", Status::label(status as u8));
    s.progress(&what);
    let receipt = s.send(&what, deed.set_status(id.into(), status as u8)).await?;
    let event: RigStatusChangedFilter =
        tx::event(&receipt, deed.address()).context("no RigStatusChanged event in the receipt")?;
    Ok(StatusChanged {
        deed_id: id,
        previous: Status::label(event.previous_status),
        status: Status::label(event.new_status),
        sent: Sent::from(&receipt),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_ths_exactly() {
        assert_eq!(ths_to_ghs("200").unwrap(), 200_000);
        assert_eq!(ths_to_ghs("0.5").unwrap(), 500);
        assert_eq!(ths_to_ghs("104.125").unwrap(), 104_125);
        assert!(ths_to_ghs("1.0001").is_err());
    }

    #[test]
    fn labels_match_the_contract() {
        assert_eq!(Status::label(3), "retired");
        assert_eq!(Status::label(9), "unknown (9)");
        assert_eq!(Status::from_u8(1), Some(Status::Maintenance));
        assert_eq!(Kind::label(1), "mining-right");
    }
}
