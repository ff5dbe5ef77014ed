//! RigCard: the descriptor that renders every deed's `tokenURI` (metadata JSON with an SVG card
//! as its image, contracts/rig-card). `up` deploys it and makes the RigDeed use it; a new card
//! design is a new RigCard that the deed's admin adopts with `setDescriptor`.

#![allow(clippy::all, missing_docs)]

use ethers::{abi::Token, contract::abigen};

use super::{
    rig_deed::{self, RigDeed},
    Check, Entry, Inputs, Wire, Wiring,
};
use crate::pipeline::workspace::Contract;

abigen!(RigCard, "$CARGO_MANIFEST_DIR/../abi/RigCard.json");

pub const NAME: &str = "RigCard";

pub const ENTRY: Entry = Entry {
    contract: Contract { package: "rig-card", name: NAME, feature: None },
    abi: include_str!("../../../abi/RigCard.json"),
    deployed_by_up: true,
    depends_on: &[],
    constructor_input,
    wiring: &[Wiring { name: "RigDeed.setDescriptor(RigCard)", applies: |_| true, pending: set_descriptor }],
    hints,
};

fn constructor_input(_param: &str, _i: &Inputs) -> Option<Token> {
    None
}

/// The deed renders its metadata through this card (the signer needs the deed's admin role).
fn set_descriptor<'a>(w: &'a Wire<'a>) -> Check<'a> {
    Box::pin(async move {
        let (deed_at, card) = (w.address(rig_deed::NAME)?, w.address(NAME)?);
        let deed = RigDeed::new(deed_at, w.client.clone());
        let current = deed.descriptor().call().await?;
        Ok((current != card).then(|| deed.set_descriptor(card)))
    })
}

fn hints(_error: &str) -> Option<&'static str> {
    None
}
