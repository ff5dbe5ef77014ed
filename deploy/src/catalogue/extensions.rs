//! The extension modules of RigDeed, RigShares, RevenueSplitter and PurchaseOrders: each
//! contract's rarely used functions (administration, roles, pausing, payees and exclusions,
//! the buy-out, disputes and refunds, the views no transfer needs), built from its crate with
//! the `extension` feature. The contract's main module hands every selector it does not route
//! to its extension by delegatecall, so the extension runs in the contract's storage and the
//! module every frequent call enters stays small (README "Extension modules"). `up` deploys
//! each before its contract, whose constructor takes its address; `pool create` and `pool
//! add-splitter` reuse them (they hold no state). An extension has no ABI of its own: its
//! functions are in its contract's (abi/RigShares.json, ...), called at the contract's address.

use super::Entry;
use crate::pipeline::workspace::Contract;

pub const RIG_DEED: &str = "RigDeedExtension";
pub const RIG_SHARES: &str = "RigSharesExtension";
pub const REVENUE_SPLITTER: &str = "RevenueSplitterExtension";
pub const PURCHASE_ORDERS: &str = "PurchaseOrdersExtension";

pub const RIG_DEED_ENTRY: Entry = module("rig-deed", RIG_DEED);
pub const RIG_SHARES_ENTRY: Entry = module("rig-shares", RIG_SHARES);
pub const REVENUE_SPLITTER_ENTRY: Entry = module("revenue-splitter", REVENUE_SPLITTER);
pub const PURCHASE_ORDERS_ENTRY: Entry = module("purchase-order", PURCHASE_ORDERS);

/// An extension module's ABI: its constructor, which sets nothing up (its own storage is never
/// used) and exists so that StylusDeployer deploys it like every other module.
pub const ABI: &str = r#"[{"type":"constructor","inputs":[],"stateMutability":"nonpayable"}]"#;

/// The entry of `package`'s extension module, called `name`: no constructor arguments, no
/// wiring, no errors of its own (its revert data is its contract's).
const fn module(package: &'static str, name: &'static str) -> Entry {
    Entry {
        contract: Contract { package, name, feature: Some("extension") },
        abi: ABI,
        deployed_by_up: true,
        depends_on: &[],
        constructor_input: |_, _| None,
        wiring: &[],
        hints: |_| None,
    }
}
