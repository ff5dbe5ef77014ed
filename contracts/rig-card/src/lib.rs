//! # RigCard
//!
//! The descriptor RigDeed calls to render `tokenURI`: ERC-721 metadata JSON whose `image` is
//! an SVG card of the rig (model, hashrate in TH/s, power, efficiency in J/TH, site, kind and
//! a status badge in a colour that reads at a glance), all on chain, every stored text
//! escaped for JSON and for XML.
//!
//! Rendering lives apart from the deed, as Uniswap v3 renders its positions in
//! `NonfungibleTokenPositionDescriptor`: the deed stays small (every call into it pays for its
//! code size), and the card can be redrawn by deploying a new descriptor, which RigDeed's
//! admin adopts with `setDescriptor` (announced by ERC-4906's `BatchMetadataUpdate`, so
//! wallets refresh every card).
//!
//! The descriptor keeps no state and reads nothing: RigDeed passes the deed's fields, because
//! Stylus refuses re-entry (the descriptor cannot call back into a deed that is calling it).
//! Anyone may call it; it renders whatever it is given, a kind or status byte RigDeed never
//! stores as "Unknown".
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![allow(clippy::needless_pass_by_value, clippy::too_many_arguments)]

extern crate alloc;

pub mod render;

use alloc::string::String;

use alloy_primitives::U256;
use rigshare_common::rig::{Kind, Status};
use stylus_sdk::prelude::*;

use crate::render::TokenView;

/// The descriptor. No storage: a pure renderer.
#[entrypoint]
#[storage]
pub struct RigCard {}

#[public]
impl RigCard {
    /// Nothing to set up; present so the descriptor deploys like every rigshare contract
    /// (StylusDeployer runs the constructor selector).
    #[constructor]
    pub fn constructor(&mut self) {}

    /// The `data:application/json;base64,` metadata of deed `token_id` of the collection
    /// named `collection`, with the card as its `image`. Hashrate in GH/s, power in W, `kind`
    /// and `status` as RigDeed stores them.
    #[selector(name = "tokenURI")]
    pub fn token_uri(
        &self,
        collection: String,
        token_id: U256,
        model: String,
        site: String,
        hashrate_ghs: u64,
        power_watts: u32,
        kind: u8,
        status: u8,
    ) -> String {
        render::token_uri(&TokenView {
            collection: &collection,
            token_id,
            model: &model,
            site: &site,
            hashrate_ghs,
            power_watts,
            kind: Kind::from_u8(kind),
            status: Status::from_u8(status),
        })
    }
}

/// Functions with several return values and their output names, for `rigshare abi`: none.
#[cfg(feature = "export-abi")]
pub const ABI_RETURNS: &[(&str, &[&str])] = &[];

/// Events, for `rigshare abi`: none (the descriptor changes no state).
#[cfg(feature = "export-abi")]
pub const ABI_EVENTS: &[&str] = &[];

#[cfg(test)]
mod tests {
    use alloy_primitives::Address;
    use motsu::prelude::*;

    use super::*;

    #[motsu::test]
    fn renders_through_the_contract_entry(card: Contract<RigCard>, alice: Address) {
        let uri = card.sender(alice).token_uri(
            "Rig Deed".into(),
            U256::from(3),
            "S19".into(),
            "Texas".into(),
            110_000,
            3_250,
            1,
            2,
        );
        let json = render::metadata_json(&TokenView {
            collection: "Rig Deed",
            token_id: U256::from(3),
            model: "S19",
            site: "Texas",
            hashrate_ghs: 110_000,
            power_watts: 3_250,
            kind: Some(Kind::MiningRight),
            status: Some(Status::Offline),
        });
        let mut expected = String::from("data:application/json;base64,");
        render::base64_into(json.as_bytes(), &mut expected);
        assert_eq!(uri, expected);
    }
}
