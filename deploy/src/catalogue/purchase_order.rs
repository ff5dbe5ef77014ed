//! PurchaseOrders: supply-chain purchase orders with milestone escrow (contracts/purchase-order):
//! one contract holds every order, checking installations against the system's RigDeed. Part
//! of the system `up` deploys; `rigshare order ...` operates it.

#![allow(clippy::all, missing_docs)]

use ethers::{abi::Token, contract::abigen};

use super::{extensions, rig_deed, Entry, Inputs};
use crate::pipeline::workspace::Contract;

abigen!(PurchaseOrders, "$CARGO_MANIFEST_DIR/../abi/PurchaseOrders.json");

pub const NAME: &str = "PurchaseOrders";

pub const ENTRY: Entry = Entry {
    contract: Contract { package: "purchase-order", name: NAME, feature: None },
    abi: include_str!("../../../abi/PurchaseOrders.json"),
    deployed_by_up: true,
    depends_on: &[rig_deed::NAME, extensions::PURCHASE_ORDERS],
    constructor_input,
    wiring: &[],
    hints,
};

fn constructor_input(param: &str, i: &Inputs) -> Option<Token> {
    match param {
        "rigdeed" => i.address_of(rig_deed::NAME),
        "extension" => i.address_of(extensions::PURCHASE_ORDERS),
        _ => None,
    }
}

fn hints(error: &str) -> Option<&'static str> {
    Some(match error {
        "OrderUnitNotTokenized" => "mint the unit's deed with its ordered serial first (`rigshare rig mint --serial ...`)",
        "OrderUnitNotInPool" => "the unit's deed must be held by the order's pool: `rigshare pool deposit-deed`",
        "OrderNoDeadlineMissed" => "the buyer may reclaim only once a milestone's deadline has passed unmet",
        "OrderWrongStatus" => "the order is not in a state that allows this (funding, active, or over)",
        "OrderOverfunded" => "that is more than what remains of the order's price",
        _ => return None,
    })
}
