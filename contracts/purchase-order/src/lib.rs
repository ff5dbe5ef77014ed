//! # PurchaseOrders
//!
//! Supply-chain purchase orders with milestone escrow, from a raise's proceeds to hashing rigs.
//! One contract holds every order; an order is between a **buyer** (who opens it, typically the
//! pool operator's treasury), a **supplier** (manufacturer or reseller) and a **hosting site**,
//! for up to [`MAX_UNITS`] units, each a model (up to 32 bytes of UTF-8 in a `bytes32`, as
//! `ethers.encodeBytes32String` writes it) and the keccak256 hash of its serial number (the
//! hash RigDeed stores), for a total price in ETH or one ERC-20.
//!
//! - **Funding.** Anyone may fund an order (the buyer, a sale's treasury), in one payment or
//!   top-ups, up to its price; a fee-on-transfer token is credited what arrived. Nothing starts
//!   before the order is fully funded; until then the buyer may cancel and take back what was
//!   paid.
//! - **Milestones.** A schedule in basis points: `shipBps` released when the supplier attests
//!   shipment (with a document hash, e.g. a bill of lading), `deliveryBps` when the hosting site
//!   attests delivery, and the rest per unit once it is installed, which needs no attestation:
//!   the unit's serial is tokenized in RigDeed and the deed is held by the order's pool, so
//!   anyone may call `release(order, unit)`. Unit `i` gets `floor(T*(i+1)/n) - floor(T*i/n)` of
//!   the installation total `T`, so the units add up to `T` exactly.
//! - **Pull payments.** Released funds are credited to the supplier, who `claim`s them; refunds
//!   are credited to the buyer, who takes them with `withdrawRefund` (or at once, when the buyer
//!   itself cancels or reclaims). Nothing is pushed inside a release.
//! - **Deadlines and exits.** Each milestone has a deadline (`shipBy <= deliverBy <=
//!   installBy`); once one has passed unmet, the buyer may `reclaim` everything not yet
//!   earned. An optional **arbiter** (neither buyer nor supplier) may settle a dispute on an
//!   active order by splitting what is not yet earned; it can never move earned funds or more
//!   than the order holds.
//! - **Accounting, per order, to the base unit:** `funded = released + returned + unearned`,
//!   where `returned` is what was credited back to the buyer and `unearned` is held for
//!   milestones still to come (0 once the order is over); the contract holds, per asset, the sum
//!   over orders of `funded - claimed - refunded`.
//!
//! No role or admin: nobody but an order's parties can act on it, and nobody can change the
//! RigDeed it checks. Every refusal is a typed error.
//!
//! ## Two modules
//! As RigShares (see its crate docs): the main module routes an order's way forward
//! ([`IPurchaseOrders`]); the extension module, built with the `extension` feature, serves
//! disputes, cancellations, refunds and the views ([`IPurchaseOrdersExtension`]), reached
//! through the main module's fallback by delegatecall in this contract's storage. One ABI
//! (abi/PurchaseOrders.json) lists both.

#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![allow(clippy::needless_pass_by_value)]
// The SDK's free functions (`msg::sender`, `evm::log`, ...) are what motsu intercepts in native
// tests; `self.vm()` is not, so they are used on purpose, as OpenZeppelin does.
#![allow(deprecated)]

extern crate alloc;

use rigshare_common::clock;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256, U64, U8};
use openzeppelin_stylus::token::erc20::utils::safe_erc20::{self, ISafeErc20, SafeErc20};
use rigshare_common::{forward_errors, IBalanceOf};
use stylus_sdk::{
    call::Call,
    contract, evm, msg,
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageBool, StorageMap, StorageU16, StorageU256, StorageU64, StorageU8, StorageVec},
};

pub use sol::*;

/// Most units one order holds. Opening an order stores each unit, and ending one early frees
/// the serials of the units not installed, so both loop over the units: 32 keeps the largest
/// order's `open` and `reclaim` far below a block (and a typical hosting shipment is a few
/// dozen machines); bigger purchases are several orders.
pub const MAX_UNITS: usize = 32;

/// Basis points in a whole.
pub const BPS: u16 = 10_000;

/// Highest price `open` accepts, `floor((2^256 - 1) / BPS)`, so that `price * bps` never
/// overflows; a constant rather than a division on every `open` (the tests check the value).
pub const MAX_PRICE: U256 =
    alloy_primitives::uint!(11579208923731619542357098500868790785326998466564056403945758400791312963_U256);

/// `status`: opened, not yet fully funded (the buyer may cancel).
pub const STATUS_FUNDING: u8 = 0;
/// Fully funded: milestones run.
pub const STATUS_ACTIVE: u8 = 1;
/// Every unit installed: everything released.
pub const STATUS_COMPLETED: u8 = 2;
/// The buyer took back what was unearned after a missed deadline.
pub const STATUS_RECLAIMED: u8 = 3;
/// The arbiter split what was unearned.
pub const STATUS_SETTLED: u8 = 4;
/// Cancelled by the buyer before it was fully funded.
pub const STATUS_CANCELLED: u8 = 5;

mod sol {
    use alloy_sol_types::sol;

    sol! {
        /// Order `orderId` was opened by `buyer` with `supplier` for `units` units at `price`.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event OrderOpened(uint256 indexed orderId, address indexed buyer, address indexed supplier, address site, address pool, address asset, uint256 price, uint256 units);
        /// `amount` arrived from `from`; the order now holds `funded` of its price.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event OrderFunded(uint256 indexed orderId, address indexed from, uint256 amount, uint256 funded);
        /// The order is fully funded: its milestones run.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event OrderActivated(uint256 indexed orderId);
        /// The supplier attested shipment (`document`: e.g. the bill of lading's hash); `released` to it.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event OrderShipped(uint256 indexed orderId, bytes32 document, uint256 released);
        /// The hosting site attested delivery; `released` to the supplier.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event OrderDelivered(uint256 indexed orderId, bytes32 document, uint256 released);
        /// Unit `unit` is installed: its deed `deedId` is in the pool; `released` to the supplier.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event UnitInstalled(uint256 indexed orderId, uint256 unit, uint256 deedId, uint256 released);
        /// Every unit is installed.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event OrderCompleted(uint256 indexed orderId);
        /// The supplier took `amount` of what was released, to `recipient`.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event SupplierPaid(uint256 indexed orderId, address indexed recipient, uint256 amount);
        /// The buyer cancelled before full funding; `returned` is credited back to it.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event OrderCancelled(uint256 indexed orderId, uint256 returned);
        /// A deadline passed unmet and the buyer took back `returned`, all that was unearned.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event OrderReclaimed(uint256 indexed orderId, uint256 returned);
        /// The arbiter split what was unearned: `toSupplier` released, `toBuyer` returned.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event DisputeSettled(uint256 indexed orderId, address indexed arbiter, uint256 toSupplier, uint256 toBuyer);
        /// The buyer took `amount` of what was returned, to `recipient`.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event BuyerRefunded(uint256 indexed orderId, address indexed recipient, uint256 amount);
    }

    sol! {
        /// Constructor: `rigDeed` has no code.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderInvalidRigDeed();
        /// Constructor: the extension module is not a contract.
        #[derive(Debug)]
        error OrderInvalidExtension();
        /// A party is missing or a party twice (0 supplier, 1 site, 2 pool, 3 arbiter, 4 payment asset).
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderInvalidParty(uint8 which);
        /// An order holds 1 to 32 units, as many models as serials.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderInvalidUnits(uint256 serials, uint256 models);
        /// Unit `unit`'s model is empty.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderInvalidModel(uint256 unit);
        /// A serial hash is zero, repeated in the order, or in another live order.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderSerialUnavailable(bytes32 serialHash);
        /// Shipment and delivery shares exceed 10,000 basis points.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderInvalidSchedule(uint16 shipBps, uint16 deliveryBps);
        /// Deadlines must satisfy now < shipBy <= deliverBy <= installBy.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderInvalidDeadlines(uint64 shipBy, uint64 deliverBy, uint64 installBy);
        /// The price must be at least one base unit per unit, and below 2^256 / 10,000.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderInvalidPrice(uint256 price);
        /// No order `orderId`.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderUnknown(uint256 orderId);
        /// The order's status does not allow this.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderWrongStatus(uint256 orderId, uint8 status);
        /// Only the order's `role` (0 buyer, 1 supplier, 2 site, 3 arbiter) may do this.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderUnauthorized(address caller, uint8 role);
        /// Funding of zero, or ETH sent with a token order or not matching `amount`.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderWrongPayment(uint256 amount, uint256 sent);
        /// `amount` is more than the `remaining` price.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderOverfunded(uint256 amount, uint256 remaining);
        /// This milestone was already attested.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderMilestoneDone(uint256 orderId, uint8 milestone);
        /// The milestone before this one (0 shipment, 1 delivery) is not attested yet.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderMilestonePending(uint256 orderId, uint8 milestone);
        /// The milestone's deadline has passed.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderDeadlinePassed(uint64 deadline);
        /// Unit index out of range.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderUnknownUnit(uint256 unit, uint256 units);
        /// Unit already installed and paid.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderUnitInstalled(uint256 unit);
        /// No deed carries this serial hash.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderUnitNotTokenized(bytes32 serialHash);
        /// The unit's deed is held by `owner`, not the order's pool.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderUnitNotInPool(uint256 deedId, address owner);
        /// RigDeed did not answer (`reason`: its revert data).
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderDeedUnavailable(bytes reason);
        /// No deadline has passed unmet yet.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderNoDeadlineMissed(uint256 orderId);
        /// The arbiter gave the supplier more than is unearned.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderSettlementTooLarge(uint256 toSupplier, uint256 unearned);
        /// Nothing to pay out to this party of this order.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderNothingOwed(uint256 orderId);
        /// Payments to the zero address are refused.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderInvalidRecipient();
        /// `recipient` did not accept ETH.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error OrderEthTransferFailed(address recipient);
    }
}

rigshare_common::solidity_errors! {
    /// Every error the orders can return, as Solidity custom errors.
    #[derive(Debug)]
    #[allow(missing_docs)]
    pub enum Error {
        InvalidRigDeed(OrderInvalidRigDeed {}),
        /// See [`OrderInvalidExtension`].
        InvalidExtension(OrderInvalidExtension {}),
        InvalidParty(OrderInvalidParty { which }),
        InvalidUnits(OrderInvalidUnits { serials, models }),
        InvalidModel(OrderInvalidModel { unit }),
        SerialUnavailable(OrderSerialUnavailable { serialHash }),
        InvalidSchedule(OrderInvalidSchedule { shipBps, deliveryBps }),
        InvalidDeadlines(OrderInvalidDeadlines { shipBy, deliverBy, installBy }),
        InvalidPrice(OrderInvalidPrice { price }),
        Unknown(OrderUnknown { orderId }),
        WrongStatus(OrderWrongStatus { orderId, status }),
        Unauthorized(OrderUnauthorized { caller, role }),
        WrongPayment(OrderWrongPayment { amount, sent }),
        Overfunded(OrderOverfunded { amount, remaining }),
        MilestoneDone(OrderMilestoneDone { orderId, milestone }),
        MilestonePending(OrderMilestonePending { orderId, milestone }),
        DeadlinePassed(OrderDeadlinePassed { deadline }),
        UnknownUnit(OrderUnknownUnit { unit, units }),
        UnitInstalled(OrderUnitInstalled { unit }),
        UnitNotTokenized(OrderUnitNotTokenized { serialHash }),
        UnitNotInPool(OrderUnitNotInPool { deedId, owner }),
        DeedUnavailable(OrderDeedUnavailable { reason }),
        NoDeadlineMissed(OrderNoDeadlineMissed { orderId }),
        SettlementTooLarge(OrderSettlementTooLarge { toSupplier, unearned }),
        NothingOwed(OrderNothingOwed { orderId }),
        InvalidRecipient(OrderInvalidRecipient {}),
        EthTransferFailed(OrderEthTransferFailed { recipient }),
        /// A token transfer failed (no allowance, no balance, or the token refused).
        SafeErc20FailedOperation(safe_erc20::SafeErc20FailedOperation { token }),
        /// Never returned: allowance decreases are not used.
        SafeErc20FailedDecreaseAllowance(safe_erc20::SafeErc20FailedDecreaseAllowance { spender, current_allowance, requested_decrease }),
    }
}

forward_errors!(Error: safe_erc20::Error { SafeErc20FailedOperation, SafeErc20FailedDecreaseAllowance });

stylus_sdk::prelude::sol_interface! {
    /// What an order reads from RigDeed to prove a unit installed.
    interface IRigDeedSerials {
        function tokenOfSerial(bytes32 serial_hash) external view returns (uint256);
        function ownerOf(uint256 token_id) external view returns (address);
    }
}

/// Roles in [`OrderUnauthorized`].
const ROLE_BUYER: u8 = 0;
const ROLE_SUPPLIER: u8 = 1;
const ROLE_SITE: u8 = 2;
const ROLE_ARBITER: u8 = 3;

/// One unit of an order. Field order is the storage layout.
#[storage]
pub struct Unit {
    /// UTF-8, zero-padded.
    model: StorageB256,
    serial_hash: StorageB256,
    /// The deed whose presence in the pool released this unit's payment (0 until then).
    deed_id: StorageU256,
    installed: StorageBool,
}

/// One order. Field order is the storage layout: append only.
#[storage]
pub struct Order {
    buyer: StorageAddress,
    supplier: StorageAddress,
    site: StorageAddress,
    /// The RigShares pool that must hold each unit's deed.
    pool: StorageAddress,
    /// Payment asset; zero = native ETH.
    asset: StorageAddress,
    /// Zero = none.
    arbiter: StorageAddress,
    price: StorageU256,
    ship_bps: StorageU16,
    delivery_bps: StorageU16,
    ship_by: StorageU64,
    deliver_by: StorageU64,
    install_by: StorageU64,
    status: StorageU8,
    shipped: StorageBool,
    delivered: StorageBool,
    units_installed: StorageU64,
    /// What arrived.
    funded: StorageU256,
    /// Earned by the supplier (milestones, or the arbiter's share).
    released: StorageU256,
    /// Paid to the supplier.
    claimed: StorageU256,
    /// Credited back to the buyer (cancel, reclaim, settlement).
    returned: StorageU256,
    /// Paid to the buyer.
    refunded: StorageU256,
    units: StorageVec<Unit>,
}

/// Every purchase order. Field order is the storage layout: append only.
#[entrypoint]
#[storage]
pub struct PurchaseOrders {
    safe_erc20: SafeErc20,
    rig_deed: StorageAddress,
    orders: StorageVec<Order>,
    /// Serial hashes held by a live order (open, funding, active), so one installed rig
    /// cannot release two orders' units.
    serial_taken: StorageMap<B256, StorageBool>,
    /// The extension module (see [`IPurchaseOrdersExtension`]), fixed at construction.
    extension: StorageAddress,
}

/// An order's way forward: open, fund, ship, deliver, release per installed unit, claim. The
/// main module routes them.
pub trait IPurchaseOrders {
    /// Opens an order from the caller (the buyer) to `supplier`, delivered to `site`, for the
    /// units `serial_hashes` (keccak256 of each serial, as RigDeed stores it) of `models` (UTF-8
    /// in a zero-padded `bytes32`), to be
    /// installed in `pool`, for `price` of `asset` (zero = ETH). `ship_bps` and `delivery_bps`
    /// are released at shipment and delivery, the rest per installed unit; the deadlines apply
    /// to each milestone. `arbiter` (zero = none) may settle a dispute. Returns the order id.
    #[allow(clippy::too_many_arguments)]
    fn open(
        &mut self,
        supplier: Address,
        site: Address,
        pool: Address,
        asset: Address,
        price: U256,
        ship_bps: u16,
        delivery_bps: u16,
        ship_by: u64,
        deliver_by: u64,
        install_by: u64,
        arbiter: Address,
        serial_hashes: Vec<B256>,
        models: Vec<B256>,
    ) -> Result<U256, Error>;

    /// Pays `amount` toward order `order_id`'s price: ETH sent with the call (`amount` equal to
    /// it) or a token pulled with `transferFrom` (approve first). Anyone may fund; never more
    /// than what remains. The order starts once fully funded.
    fn fund(&mut self, order_id: U256, amount: U256) -> Result<(), Error>;

    /// The supplier attests shipment (`document`: e.g. the bill of lading's hash), by the
    /// shipment deadline; the shipment share is released to it.
    fn ship(&mut self, order_id: U256, document: B256) -> Result<(), Error>;

    /// The hosting site attests delivery, after shipment and by the delivery deadline; the
    /// delivery share is released to the supplier.
    fn deliver(&mut self, order_id: U256, document: B256) -> Result<(), Error>;

    /// Releases unit `unit`'s installation payment to the supplier, once the order was
    /// delivered and the unit's serial is tokenized in RigDeed with the deed held by the
    /// order's pool. Anyone may call: the chain is the proof. Returns the amount released.
    fn release(&mut self, order_id: U256, unit: U256) -> Result<U256, Error>;

    /// Pays the supplier what was released and not yet paid, to `recipient`. Supplier only.
    fn claim(&mut self, order_id: U256, recipient: Address) -> Result<U256, Error>;
}

/// Disputes, cancellations, refunds and the views. On chain they are a second module, the
/// extension: the main module hands every selector it does not route to it by delegatecall,
/// so they run in this contract's storage with the caller's sender and value, and the main
/// module stays small (a program's entry cost grows with its size). Natively (tests,
/// export-abi) one module routes everything.
pub trait IPurchaseOrdersExtension {
    /// The extension module this contract hands these functions to (fixed at construction),
    /// for anyone verifying the code that runs in its storage.
    fn extension(&self) -> Address;

    /// Cancels an order that is not fully funded yet and pays what was funded back to
    /// `recipient`. Buyer only.
    fn cancel(&mut self, order_id: U256, recipient: Address) -> Result<U256, Error>;

    /// Takes back everything not yet earned, to `recipient`, once a milestone's deadline has
    /// passed unmet (no shipment by `shipBy`, no delivery by `deliverBy`, units not all
    /// installed by `installBy`). Buyer only. What was released stays the supplier's.
    fn reclaim(&mut self, order_id: U256, recipient: Address) -> Result<U256, Error>;

    /// Settles a dispute on an active order: of what is not yet earned, `to_supplier` is
    /// released to the supplier and the rest credited back to the buyer (who takes it with
    /// `withdrawRefund`). The order's arbiter only; earned funds are out of its reach.
    fn settle(&mut self, order_id: U256, to_supplier: U256) -> Result<(), Error>;

    /// Pays the buyer what was credited back to it and not yet paid, to `recipient`. Buyer only.
    fn withdraw_refund(&mut self, order_id: U256, recipient: Address) -> Result<U256, Error>;

    /// How many orders there are (ids are 0 to this minus one).
    fn order_count(&self) -> U256;

    /// The RigDeed whose serials prove installation.
    fn rig_deed(&self) -> Address;

    /// Whether a live order holds `serial_hash`.
    fn serial_taken(&self, serial_hash: B256) -> bool;

    /// An order's parties and status: buyer, supplier, site, pool, asset, arbiter, status.
    fn order_parties(&self, order_id: U256) -> Result<(Address, Address, Address, Address, Address, Address, u8), Error>;

    /// An order's terms: price, shipment and delivery basis points, the three deadlines, units.
    fn order_terms(&self, order_id: U256) -> Result<(U256, u16, u16, u64, u64, u64, U256), Error>;

    /// An order's money: funded, released, claimed (by the supplier), returned (credited to
    /// the buyer), refunded (paid to the buyer). Held = funded - claimed - refunded.
    fn order_amounts(&self, order_id: U256) -> Result<(U256, U256, U256, U256, U256), Error>;

    /// An order's progress: shipped, delivered, units installed.
    fn order_progress(&self, order_id: U256) -> Result<(bool, bool, U256), Error>;

    /// Unit `unit` of an order: model, serial hash, installed, the deed that proved it, and the
    /// installation payment it carries.
    fn order_unit(&self, order_id: U256, unit: U256) -> Result<(B256, B256, bool, U256, U256), Error>;
}

/// The main module: the order book, and its fallback to the extension.
#[cfg(all(target_arch = "wasm32", not(feature = "extension")))]
#[public]
#[implements(IPurchaseOrders)]
impl PurchaseOrders {
    /// The constructor: its arguments and work are `init`'s.
    #[constructor]
    pub fn constructor(&mut self, rig_deed: Address, extension: Address) -> Result<(), Error> {
        self.init(rig_deed, extension)
    }

    /// Every selector this module does not route: the extension's, run by delegatecall in
    /// this contract's storage with this call's sender and value; its return data or revert
    /// data is passed back unchanged (an unknown selector reverts there, with no data).
    #[fallback]
    #[payable]
    pub fn fallback(&mut self, input: &[u8]) -> stylus_sdk::ArbResult {
        let extension = self.extension.get();
        rigshare_common::calls::delegate(self, extension, input)
    }
}

/// The extension module (`--features extension`): only ever entered by the main module's
/// delegatecall, in this contract's storage. Built with stylus-proc's `reentrant`, since Nitro
/// counts a delegatecall frame as a second frame of the same contract (`msg_reentrant`); the
/// main module still refuses re-entry.
#[cfg(all(target_arch = "wasm32", feature = "extension"))]
#[public]
#[implements(IPurchaseOrdersExtension)]
impl PurchaseOrders {
    /// Sets nothing up: the module's own storage is never used. It exists so that
    /// StylusDeployer deploys this module like every other (with a constructor call), and the
    /// SDK's guard makes it run once.
    #[constructor]
    pub fn constructor(&mut self) {}
}

/// Native builds (tests, export-abi): one module routes every function, so the ABI lists
/// them all and tests call them directly.
#[cfg(not(target_arch = "wasm32"))]
#[public]
#[implements(IPurchaseOrders, IPurchaseOrdersExtension)]
impl PurchaseOrders {
    /// The constructor: its arguments and work are `init`'s.
    #[constructor]
    pub fn constructor(&mut self, rig_deed: Address, extension: Address) -> Result<(), Error> {
        self.init(rig_deed, extension)
    }
}

#[public]
impl IPurchaseOrders for PurchaseOrders {
    /// Opens an order from the caller (the buyer) to `supplier`, delivered to `site`, for the
    /// units `serial_hashes` (keccak256 of each serial, as RigDeed stores it) of `models` (UTF-8
    /// in a zero-padded `bytes32`), to be
    /// installed in `pool`, for `price` of `asset` (zero = ETH). `ship_bps` and `delivery_bps`
    /// are released at shipment and delivery, the rest per installed unit; the deadlines apply
    /// to each milestone. `arbiter` (zero = none) may settle a dispute. Returns the order id.
    #[allow(clippy::too_many_arguments)]
    fn open(
        &mut self,
        supplier: Address,
        site: Address,
        pool: Address,
        asset: Address,
        price: U256,
        ship_bps: u16,
        delivery_bps: u16,
        ship_by: u64,
        deliver_by: u64,
        install_by: u64,
        arbiter: Address,
        serial_hashes: Vec<B256>,
        models: Vec<B256>,
    ) -> Result<U256, Error> {
        let buyer = msg::sender();
        let party = |which: u8| Err(Error::InvalidParty(OrderInvalidParty { which }));
        if supplier.is_zero() || supplier == buyer {
            return party(0);
        }
        if site.is_zero() {
            return party(1);
        }
        if !pool.has_code() {
            return party(2);
        }
        if arbiter == buyer || arbiter == supplier || (!arbiter.is_zero() && arbiter == site) {
            return party(3);
        }
        if !asset.is_zero() && !asset.has_code() {
            return party(4);
        }
        let n = serial_hashes.len();
        if n == 0 || n > MAX_UNITS || models.len() != n {
            return Err(Error::InvalidUnits(OrderInvalidUnits { serials: U256::from(n), models: U256::from(models.len()) }));
        }
        if u32::from(ship_bps) + u32::from(delivery_bps) > u32::from(BPS) {
            return Err(Error::InvalidSchedule(OrderInvalidSchedule { shipBps: ship_bps, deliveryBps: delivery_bps }));
        }
        if clock::now() >= ship_by || ship_by > deliver_by || deliver_by > install_by {
            return Err(Error::InvalidDeadlines(OrderInvalidDeadlines { shipBy: ship_by, deliverBy: deliver_by, installBy: install_by }));
        }
        // At least a base unit per unit, and small enough that `price * bps` never overflows.
        if price < U256::from(n) || price > MAX_PRICE {
            return Err(Error::InvalidPrice(OrderInvalidPrice { price }));
        }
        for (i, model) in models.iter().enumerate() {
            if model.is_zero() {
                return Err(Error::InvalidModel(OrderInvalidModel { unit: U256::from(i) }));
            }
        }
        for (i, serial) in serial_hashes.iter().enumerate() {
            if serial.is_zero() || serial_hashes[..i].contains(serial) || self.serial_taken.get(*serial) {
                return Err(Error::SerialUnavailable(OrderSerialUnavailable { serialHash: *serial }));
            }
        }

        let id = U256::from(self.orders.len());
        let mut order = self.orders.grow();
        order.buyer.set(buyer);
        order.supplier.set(supplier);
        order.site.set(site);
        order.pool.set(pool);
        order.asset.set(asset);
        order.arbiter.set(arbiter);
        order.price.set(price);
        order.ship_bps.set(alloy_primitives::U16::from(ship_bps));
        order.delivery_bps.set(alloy_primitives::U16::from(delivery_bps));
        order.ship_by.set(U64::from(ship_by));
        order.deliver_by.set(U64::from(deliver_by));
        order.install_by.set(U64::from(install_by));
        for (serial, model) in serial_hashes.iter().zip(&models) {
            let mut unit = order.units.grow();
            unit.model.set(*model);
            unit.serial_hash.set(*serial);
        }
        for serial in &serial_hashes {
            self.serial_taken.setter(*serial).set(true);
        }
        evm::log(OrderOpened { orderId: id, buyer, supplier, site, pool, asset, price, units: U256::from(n) });
        Ok(id)
    }

    /// Pays `amount` toward order `order_id`'s price: ETH sent with the call (`amount` equal to
    /// it) or a token pulled with `transferFrom` (approve first). Anyone may fund; never more
    /// than what remains. The order starts once fully funded.
    #[payable]
    fn fund(&mut self, order_id: U256, amount: U256) -> Result<(), Error> {
        let i = self.index(order_id)?;
        let order = self.orders.getter(i).expect("index checked");
        let status = order.status.get().to::<u8>();
        if status != STATUS_FUNDING {
            return Err(Error::WrongStatus(OrderWrongStatus { orderId: order_id, status }));
        }
        let (asset, price, funded) = (order.asset.get(), order.price.get(), order.funded.get());
        let sent = msg::value();
        let expected = if asset.is_zero() { amount } else { U256::ZERO };
        if amount.is_zero() || sent != expected {
            return Err(Error::WrongPayment(OrderWrongPayment { amount, sent }));
        }
        let remaining = price - funded;
        if amount > remaining {
            return Err(Error::Overfunded(OrderOverfunded { amount, remaining }));
        }
        let arrived = if asset.is_zero() {
            amount
        } else {
            // Credit what arrived, so a fee-on-transfer token cannot over-credit.
            let this = contract::address();
            let held = self.asset_balance(asset, this)?;
            self.safe_erc20.safe_transfer_from(asset, msg::sender(), this, amount)?;
            self.asset_balance(asset, this)?.saturating_sub(held).min(remaining)
        };
        let now_funded = funded + arrived;
        let mut order = self.orders.setter(i).expect("index checked");
        order.funded.set(now_funded);
        evm::log(OrderFunded { orderId: order_id, from: msg::sender(), amount: arrived, funded: now_funded });
        if now_funded == price {
            order.status.set(U8::from(STATUS_ACTIVE));
            evm::log(OrderActivated { orderId: order_id });
        }
        Ok(())
    }

    /// The supplier attests shipment (`document`: e.g. the bill of lading's hash), by the
    /// shipment deadline; the shipment share is released to it.
    fn ship(&mut self, order_id: U256, document: B256) -> Result<(), Error> {
        let i = self.active(order_id, ROLE_SUPPLIER)?;
        let order = self.orders.getter(i).expect("index checked");
        if order.shipped.get() {
            return Err(Error::MilestoneDone(OrderMilestoneDone { orderId: order_id, milestone: 0 }));
        }
        check_deadline(order.ship_by.get().to())?;
        let released = share(order.price.get(), order.ship_bps.get().to());
        let mut order = self.orders.setter(i).expect("index checked");
        order.shipped.set(true);
        add(&mut order.released, released);
        evm::log(OrderShipped { orderId: order_id, document, released });
        Ok(())
    }

    /// The hosting site attests delivery, after shipment and by the delivery deadline; the
    /// delivery share is released to the supplier.
    fn deliver(&mut self, order_id: U256, document: B256) -> Result<(), Error> {
        let i = self.active(order_id, ROLE_SITE)?;
        let order = self.orders.getter(i).expect("index checked");
        if !order.shipped.get() {
            return Err(Error::MilestonePending(OrderMilestonePending { orderId: order_id, milestone: 0 }));
        }
        if order.delivered.get() {
            return Err(Error::MilestoneDone(OrderMilestoneDone { orderId: order_id, milestone: 1 }));
        }
        check_deadline(order.deliver_by.get().to())?;
        let released = share(order.price.get(), order.delivery_bps.get().to());
        let mut order = self.orders.setter(i).expect("index checked");
        order.delivered.set(true);
        add(&mut order.released, released);
        evm::log(OrderDelivered { orderId: order_id, document, released });
        Ok(())
    }

    /// Releases unit `unit`'s installation payment to the supplier, once the order was
    /// delivered and the unit's serial is tokenized in RigDeed with the deed held by the
    /// order's pool. Anyone may call: the chain is the proof. Returns the amount released.
    fn release(&mut self, order_id: U256, unit: U256) -> Result<U256, Error> {
        let i = self.active(order_id, u8::MAX)?;
        let order = self.orders.getter(i).expect("index checked");
        if !order.delivered.get() {
            return Err(Error::MilestonePending(OrderMilestonePending { orderId: order_id, milestone: 1 }));
        }
        let n = order.units.len();
        let u = usize::try_from(unit).ok().filter(|u| *u < n).ok_or(Error::UnknownUnit(OrderUnknownUnit { unit, units: U256::from(n) }))?;
        let item = order.units.getter(u).expect("index checked");
        if item.installed.get() {
            return Err(Error::UnitInstalled(OrderUnitInstalled { unit }));
        }
        let serial = item.serial_hash.get();
        let pool = order.pool.get();
        let deed = IRigDeedSerials::new(self.rig_deed.get());
        let deed_id = deed.token_of_serial(Call::new(), serial).map_err(unavailable)?;
        if deed_id.is_zero() {
            return Err(Error::UnitNotTokenized(OrderUnitNotTokenized { serialHash: serial }));
        }
        let owner = deed.owner_of(Call::new(), deed_id).map_err(unavailable)?;
        if owner != pool {
            return Err(Error::UnitNotInPool(OrderUnitNotInPool { deedId: deed_id, owner }));
        }
        let price = order.price.get();
        let install_total = price - share(price, order.ship_bps.get().to()) - share(price, order.delivery_bps.get().to());
        let released = unit_share(install_total, u, n);
        let installed = order.units_installed.get().to::<u64>() + 1;

        let mut order = self.orders.setter(i).expect("index checked");
        {
            let mut item = order.units.setter(u).expect("index checked");
            item.installed.set(true);
            item.deed_id.set(deed_id);
        }
        order.units_installed.set(U64::from(installed));
        add(&mut order.released, released);
        evm::log(UnitInstalled { orderId: order_id, unit, deedId: deed_id, released });
        if installed == n as u64 {
            order.status.set(U8::from(STATUS_COMPLETED));
            evm::log(OrderCompleted { orderId: order_id });
        }
        Ok(released)
    }

    /// Pays the supplier what was released and not yet paid, to `recipient`. Supplier only.
    fn claim(&mut self, order_id: U256, recipient: Address) -> Result<U256, Error> {
        let i = self.index(order_id)?;
        let order = self.orders.getter(i).expect("index checked");
        authorize(order.supplier.get(), ROLE_SUPPLIER)?;
        let owed = order.released.get() - order.claimed.get();
        let asset = order.asset.get();
        if recipient.is_zero() {
            return Err(Error::InvalidRecipient(OrderInvalidRecipient {}));
        }
        if owed.is_zero() {
            return Err(Error::NothingOwed(OrderNothingOwed { orderId: order_id }));
        }
        let mut order = self.orders.setter(i).expect("index checked");
        add(&mut order.claimed, owed);
        evm::log(SupplierPaid { orderId: order_id, recipient, amount: owed });
        self.pay(asset, recipient, owed)?;
        Ok(owed)
    }
}

#[public]
impl IPurchaseOrdersExtension for PurchaseOrders {
    fn extension(&self) -> Address {
        self.extension.get()
    }

    /// Cancels an order that is not fully funded yet and pays what was funded back to
    /// `recipient`. Buyer only.
    fn cancel(&mut self, order_id: U256, recipient: Address) -> Result<U256, Error> {
        let i = self.index(order_id)?;
        let order = self.orders.getter(i).expect("index checked");
        authorize(order.buyer.get(), ROLE_BUYER)?;
        let status = order.status.get().to::<u8>();
        if status != STATUS_FUNDING {
            return Err(Error::WrongStatus(OrderWrongStatus { orderId: order_id, status }));
        }
        let returned = order.funded.get();
        self.end(i, STATUS_CANCELLED, U256::ZERO, returned);
        evm::log(OrderCancelled { orderId: order_id, returned });
        self.refund(i, order_id, recipient, true)
    }

    /// Takes back everything not yet earned, to `recipient`, once a milestone's deadline has
    /// passed unmet (no shipment by `shipBy`, no delivery by `deliverBy`, units not all
    /// installed by `installBy`). Buyer only. What was released stays the supplier's.
    fn reclaim(&mut self, order_id: U256, recipient: Address) -> Result<U256, Error> {
        let i = self.active(order_id, ROLE_BUYER)?;
        let order = self.orders.getter(i).expect("index checked");
        let now = clock::now();
        let missed = (!order.shipped.get() && now > order.ship_by.get().to::<u64>())
            || (!order.delivered.get() && now > order.deliver_by.get().to::<u64>())
            || now > order.install_by.get().to::<u64>();
        if !missed {
            return Err(Error::NoDeadlineMissed(OrderNoDeadlineMissed { orderId: order_id }));
        }
        let returned = order.funded.get() - order.released.get();
        self.end(i, STATUS_RECLAIMED, U256::ZERO, returned);
        evm::log(OrderReclaimed { orderId: order_id, returned });
        self.refund(i, order_id, recipient, true)
    }

    /// Settles a dispute on an active order: of what is not yet earned, `to_supplier` is
    /// released to the supplier and the rest credited back to the buyer (who takes it with
    /// `withdrawRefund`). The order's arbiter only; earned funds are out of its reach.
    fn settle(&mut self, order_id: U256, to_supplier: U256) -> Result<(), Error> {
        let i = self.active(order_id, ROLE_ARBITER)?;
        let order = self.orders.getter(i).expect("index checked");
        let unearned = order.funded.get() - order.released.get();
        if to_supplier > unearned {
            return Err(Error::SettlementTooLarge(OrderSettlementTooLarge { toSupplier: to_supplier, unearned }));
        }
        let to_buyer = unearned - to_supplier;
        self.end(i, STATUS_SETTLED, to_supplier, to_buyer);
        evm::log(DisputeSettled { orderId: order_id, arbiter: msg::sender(), toSupplier: to_supplier, toBuyer: to_buyer });
        Ok(())
    }

    /// Pays the buyer what was credited back to it and not yet paid, to `recipient`. Buyer only.
    fn withdraw_refund(&mut self, order_id: U256, recipient: Address) -> Result<U256, Error> {
        let i = self.index(order_id)?;
        authorize(self.orders.getter(i).expect("index checked").buyer.get(), ROLE_BUYER)?;
        self.refund(i, order_id, recipient, false)
    }

    /// How many orders there are (ids are 0 to this minus one).
    fn order_count(&self) -> U256 {
        U256::from(self.orders.len())
    }

    /// The RigDeed whose serials prove installation.
    fn rig_deed(&self) -> Address {
        self.rig_deed.get()
    }

    /// Whether a live order holds `serial_hash`.
    fn serial_taken(&self, serial_hash: B256) -> bool {
        self.serial_taken.get(serial_hash)
    }

    /// An order's parties and status: buyer, supplier, site, pool, asset, arbiter, status.
    fn order_parties(&self, order_id: U256) -> Result<(Address, Address, Address, Address, Address, Address, u8), Error> {
        let o = self.orders.getter(self.index(order_id)?).expect("index checked");
        Ok((o.buyer.get(), o.supplier.get(), o.site.get(), o.pool.get(), o.asset.get(), o.arbiter.get(), o.status.get().to()))
    }

    /// An order's terms: price, shipment and delivery basis points, the three deadlines, units.
    fn order_terms(&self, order_id: U256) -> Result<(U256, u16, u16, u64, u64, u64, U256), Error> {
        let o = self.orders.getter(self.index(order_id)?).expect("index checked");
        Ok((
            o.price.get(),
            o.ship_bps.get().to(),
            o.delivery_bps.get().to(),
            o.ship_by.get().to(),
            o.deliver_by.get().to(),
            o.install_by.get().to(),
            U256::from(o.units.len()),
        ))
    }

    /// An order's money: funded, released, claimed (by the supplier), returned (credited to
    /// the buyer), refunded (paid to the buyer). Held = funded - claimed - refunded.
    fn order_amounts(&self, order_id: U256) -> Result<(U256, U256, U256, U256, U256), Error> {
        let o = self.orders.getter(self.index(order_id)?).expect("index checked");
        Ok((o.funded.get(), o.released.get(), o.claimed.get(), o.returned.get(), o.refunded.get()))
    }

    /// An order's progress: shipped, delivered, units installed.
    fn order_progress(&self, order_id: U256) -> Result<(bool, bool, U256), Error> {
        let o = self.orders.getter(self.index(order_id)?).expect("index checked");
        Ok((o.shipped.get(), o.delivered.get(), U256::from(o.units_installed.get())))
    }

    /// Unit `unit` of an order: model, serial hash, installed, the deed that proved it, and the
    /// installation payment it carries.
    fn order_unit(&self, order_id: U256, unit: U256) -> Result<(B256, B256, bool, U256, U256), Error> {
        let o = self.orders.getter(self.index(order_id)?).expect("index checked");
        let n = o.units.len();
        let u = usize::try_from(unit).ok().filter(|u| *u < n).ok_or(Error::UnknownUnit(OrderUnknownUnit { unit, units: U256::from(n) }))?;
        let item = o.units.getter(u).expect("index checked");
        let price = o.price.get();
        let install_total = price - share(price, o.ship_bps.get().to()) - share(price, o.delivery_bps.get().to());
        Ok((item.model.get(), item.serial_hash.get(), item.installed.get(), item.deed_id.get(), unit_share(install_total, u, n)))
    }
}

impl PurchaseOrders {
    /// `rig_deed`: the deed collection whose serials prove installation (fixed); `extension`:
    /// the module that serves [`IPurchaseOrdersExtension`].
    /// (The constructor's work, the same in the main module and natively; the extension module
    /// has none.)
    #[cfg_attr(all(target_arch = "wasm32", feature = "extension"), allow(dead_code))]
    fn init(&mut self, rig_deed: Address, extension: Address) -> Result<(), Error> {
        if !rig_deed.has_code() {
            return Err(Error::InvalidRigDeed(OrderInvalidRigDeed {}));
        }
        if !extension.has_code() {
            return Err(Error::InvalidExtension(OrderInvalidExtension {}));
        }
        self.rig_deed.set(rig_deed);
        self.extension.set(extension);
        Ok(())
    }

    /// The storage index of `order_id`, or [`OrderUnknown`].
    fn index(&self, order_id: U256) -> Result<usize, Error> {
        usize::try_from(order_id)
            .ok()
            .filter(|i| *i < self.orders.len())
            .ok_or(Error::Unknown(OrderUnknown { orderId: order_id }))
    }

    /// The index of an active order whose `role` is the caller (`u8::MAX`: anyone).
    fn active(&self, order_id: U256, role: u8) -> Result<usize, Error> {
        let i = self.index(order_id)?;
        let o = self.orders.getter(i).expect("index checked");
        let party = match role {
            ROLE_BUYER => Some(o.buyer.get()),
            ROLE_SUPPLIER => Some(o.supplier.get()),
            ROLE_SITE => Some(o.site.get()),
            ROLE_ARBITER => Some(o.arbiter.get()),
            _ => None,
        };
        if let Some(party) = party {
            if party.is_zero() {
                return Err(Error::Unauthorized(OrderUnauthorized { caller: msg::sender(), role }));
            }
            authorize(party, role)?;
        }
        let status = o.status.get().to::<u8>();
        if status != STATUS_ACTIVE {
            return Err(Error::WrongStatus(OrderWrongStatus { orderId: order_id, status }));
        }
        Ok(i)
    }

    /// Ends order `i` with `status`: `to_supplier` more released, `to_buyer` credited back,
    /// and the serials of its units not installed freed for another order (at most
    /// [`MAX_UNITS`]).
    fn end(&mut self, i: usize, status: u8, to_supplier: U256, to_buyer: U256) {
        let mut freed = Vec::new();
        {
            let mut order = self.orders.setter(i).expect("index checked");
            order.status.set(U8::from(status));
            add(&mut order.released, to_supplier);
            add(&mut order.returned, to_buyer);
            for u in 0..order.units.len() {
                let item = order.units.getter(u).expect("in range");
                if !item.installed.get() {
                    freed.push(item.serial_hash.get());
                }
            }
        }
        for serial in freed {
            self.serial_taken.setter(serial).set(false);
        }
    }

    /// Pays the buyer of order `i` what was returned and not yet refunded, to `recipient`.
    /// `allow_zero`: an order ended with nothing to return (cancel before any funding) is not
    /// an error.
    fn refund(&mut self, i: usize, order_id: U256, recipient: Address, allow_zero: bool) -> Result<U256, Error> {
        if recipient.is_zero() {
            return Err(Error::InvalidRecipient(OrderInvalidRecipient {}));
        }
        let order = self.orders.getter(i).expect("index checked");
        let owed = order.returned.get() - order.refunded.get();
        let asset = order.asset.get();
        if owed.is_zero() {
            return if allow_zero { Ok(U256::ZERO) } else { Err(Error::NothingOwed(OrderNothingOwed { orderId: order_id })) };
        }
        let mut order = self.orders.setter(i).expect("index checked");
        add(&mut order.refunded, owed);
        evm::log(BuyerRefunded { orderId: order_id, recipient, amount: owed });
        self.pay(asset, recipient, owed)?;
        Ok(owed)
    }

    fn asset_balance(&self, asset: Address, account: Address) -> Result<U256, Error> {
        IBalanceOf::new(asset)
            .balance_of(Call::new(), account)
            .map_err(|_| Error::SafeErc20FailedOperation(safe_erc20::SafeErc20FailedOperation { token: asset }))
    }

    fn pay(&mut self, asset: Address, recipient: Address, amount: U256) -> Result<(), Error> {
        if asset.is_zero() {
            stylus_sdk::call::transfer_eth(recipient, amount).map_err(|_| Error::EthTransferFailed(OrderEthTransferFailed { recipient }))
        } else {
            Ok(self.safe_erc20.safe_transfer(asset, recipient, amount)?)
        }
    }
}

/// Refuses a caller other than `party`.
fn authorize(party: Address, role: u8) -> Result<(), Error> {
    let caller = msg::sender();
    if caller == party {
        Ok(())
    } else {
        Err(Error::Unauthorized(OrderUnauthorized { caller, role }))
    }
}

/// Refuses once `deadline` has passed (a milestone is on time up to and including it).
fn check_deadline(deadline: u64) -> Result<(), Error> {
    if clock::now() > deadline {
        Err(Error::DeadlinePassed(OrderDeadlinePassed { deadline }))
    } else {
        Ok(())
    }
}

/// `bps` basis points of `price`, rounded down (the installation units take the remainder).
/// `open` refuses a price for which `price * bps` could overflow.
pub fn share(price: U256, bps: u16) -> U256 {
    price * U256::from(bps) / U256::from(BPS)
}

/// Unit `i` of `n`'s part of `total`: `floor(total*(i+1)/n) - floor(total*i/n)`, so the parts
/// add up to `total` exactly, whatever order the units are installed in. `total` is at most a
/// price (below 2^256 / 10,000, checked by `open`) and `n` at most [`MAX_UNITS`], so
/// `total * n` fits 256 bits.
pub fn unit_share(total: U256, i: usize, n: usize) -> U256 {
    let upto = |k: usize| total * U256::from(k) / U256::from(n);
    upto(i + 1) - upto(i)
}

fn add(slot: &mut StorageU256, amount: U256) {
    let value = slot.get();
    slot.set(value + amount);
}

fn revert_data(e: stylus_sdk::call::Error) -> Vec<u8> {
    match e {
        stylus_sdk::call::Error::Revert(data) => data,
        stylus_sdk::call::Error::AbiDecodingFailed(_) => Vec::new(),
    }
}

fn unavailable(e: stylus_sdk::call::Error) -> Error {
    Error::DeedUnavailable(OrderDeedUnavailable { reason: revert_data(e).into() })
}

#[cfg(test)]
mod tests;

/// Names of the outputs of every function that returns several values, for `rigshare abi`
/// (export-abi prints their types only), so dapps decode them by name.
#[cfg(feature = "export-abi")]
pub const ABI_RETURNS: &[(&str, &[&str])] = &[
    ("orderParties", &["buyer", "supplier", "site", "pool", "asset", "arbiter", "status"]),
    ("orderTerms", &["price", "shipBps", "deliveryBps", "shipBy", "deliverBy", "installBy", "units"]),
    ("orderAmounts", &["funded", "released", "claimed", "returned", "refunded"]),
    ("orderProgress", &["shipped", "delivered", "unitsInstalled"]),
    ("orderUnit", &["model", "serialHash", "installed", "deedId", "payment"]),
];

/// Every event this contract can emit, as human-readable Solidity declarations, for
/// `rigshare abi` (export-abi prints functions and errors but no events). Keep in step with the
/// `sol!` block above.
#[cfg(feature = "export-abi")]
pub const ABI_EVENTS: &[&str] = &[
    "event OrderOpened(uint256 indexed orderId, address indexed buyer, address indexed supplier, address site, address pool, address asset, uint256 price, uint256 units)",
    "event OrderFunded(uint256 indexed orderId, address indexed from, uint256 amount, uint256 funded)",
    "event OrderActivated(uint256 indexed orderId)",
    "event OrderShipped(uint256 indexed orderId, bytes32 document, uint256 released)",
    "event OrderDelivered(uint256 indexed orderId, bytes32 document, uint256 released)",
    "event UnitInstalled(uint256 indexed orderId, uint256 unit, uint256 deedId, uint256 released)",
    "event OrderCompleted(uint256 indexed orderId)",
    "event SupplierPaid(uint256 indexed orderId, address indexed recipient, uint256 amount)",
    "event OrderCancelled(uint256 indexed orderId, uint256 returned)",
    "event OrderReclaimed(uint256 indexed orderId, uint256 returned)",
    "event DisputeSettled(uint256 indexed orderId, address indexed arbiter, uint256 toSupplier, uint256 toBuyer)",
    "event BuyerRefunded(uint256 indexed orderId, address indexed recipient, uint256 amount)",
];
