//! # ShareSale
//!
//! The primary sale of one RigShares pool's shares, at a fixed price, for ETH or one ERC-20
//! (e.g. a 6-decimal stablecoin). Everything is fixed at construction: share token, payment
//! asset, price, start and end, soft cap, hard cap, per-account minimum and maximum, treasury.
//!
//! - **Price and rounding.** `price` is in the payment asset's smallest unit per whole share
//!   (10^18 share units; RigShares has 18 decimals). A purchase of `shares` units costs
//!   `ceil(shares * price / 10^18)`: the buyer pays at most one base unit of the payment asset
//!   more than the exact value, never less, so no share unit is ever sold for nothing. The
//!   product cannot overflow: the constructor checks `hardCap * price` and no purchase exceeds
//!   the hard cap (and `costOf` refuses a product over 2^256 with a typed error).
//! - **Times.** The sale is open for `start <= now < end` (start inclusive, end exclusive), and
//!   closes early once the hard cap is sold. Pausing stops buying only and does not move the end.
//! - **Escrow.** Payments stay in this contract until the outcome is known. A fee-on-transfer
//!   token is credited with what arrived (`raised`, the soft cap and refunds all use it).
//! - **Success** (the sale ended with `raised >= softCap`): anyone calls `finalize()`, which
//!   sends the proceeds to the treasury; if the treasury refuses them, they stay here for the
//!   treasury to `withdrawProceeds(recipient)`. Buyers then `claim()` their shares, which are
//!   minted at that moment through RigShares' MINTER_ROLE, so no share exists before the sale
//!   succeeds and revenue accrues to a buyer from the moment its shares exist.
//! - **Failure** (soft cap missed by the end, cancelled by the admin before finalization, or
//!   not finalized within [`FINALIZE_WINDOW`] after the end): every buyer pulls back exactly
//!   what it paid with `refund()` (or `refundTo`); one reverting receiver blocks no one else.
//! - **Compliance.** When RigShares' compliance mode is on, only allowlisted beneficiaries may
//!   buy (checked at purchase, so nobody pays for shares they could not receive).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![allow(clippy::needless_pass_by_value)]
// The SDK's free functions (`msg::sender`, `evm::log`, ...) are what motsu intercepts in native
// tests; `self.vm()` is not, so they are used on purpose, as OpenZeppelin does.
#![allow(deprecated)]

extern crate alloc;

use rigshare_common::clock;

use alloc::vec::Vec;

use alloy_primitives::{aliases::B32, Address, U256, U64};
use openzeppelin_stylus::{
    access::control::{self, AccessControl, IAccessControl},
    token::erc20::utils::safe_erc20::{self, ISafeErc20, SafeErc20},
    utils::{
        introspection::erc165::IErc165,
        pausable::{self, IPausable, Pausable},
    },
};
use rigshare_common::{forward_errors, ACCESS_CONTROL_INTERFACE_ID, IBalanceOf, ADMIN_ROLE, MINTER_ROLE};
use stylus_sdk::{
    call::Call,
    contract, evm, msg,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256, StorageU64},
};

pub use sol::*;

/// Share units per whole share (RigShares has 18 decimals): `price` is per this many units.
pub const SHARE_UNIT: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

/// How long after the end a successful sale may be finalized; after that it counts as failed
/// and every buyer can take a refund, so no payment waits forever (30 days).
pub const FINALIZE_WINDOW: u64 = 30 * 24 * 60 * 60;

/// `state()`: before `start`.
pub const STATE_PENDING: u8 = 0;
/// `state()`: buying is possible (unless paused).
pub const STATE_OPEN: u8 = 1;
/// `state()`: the soft cap was reached; claims open once `finalized()`.
pub const STATE_SUCCEEDED: u8 = 2;
/// `state()`: the soft cap was missed (or the sale was not finalized in time): refunds.
pub const STATE_FAILED: u8 = 3;
/// `state()`: cancelled by the admin before finalization: refunds.
pub const STATE_CANCELLED: u8 = 4;

mod sol {
    use alloy_sol_types::sol;

    sol! {
        /// `payer` paid `paid` (what arrived) for `shares` share units credited to `beneficiary`.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event SharesPurchased(address indexed payer, address indexed beneficiary, uint256 shares, uint256 paid);
        /// The sale succeeded and was finalized: `raised` goes to the treasury, `sold` units
        /// become claimable.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event SaleFinalized(uint256 raised, uint256 sold);
        /// Proceeds were paid out: to the treasury at finalization, or to the treasury's chosen
        /// `recipient` by `withdrawProceeds`.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event ProceedsSent(address indexed treasury, address indexed recipient, uint256 amount);
        /// The treasury refused the proceeds at finalization; they wait for `withdrawProceeds`.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event ProceedsHeld(address indexed treasury, uint256 amount);
        /// The admin cancelled the sale: every buyer may take a refund.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event SaleCancelled(address indexed admin);
        /// `account`'s payment of `amount` went back, to `recipient`.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event Refunded(address indexed account, address indexed recipient, uint256 amount);
        /// `shares` units were minted to `account`, the buyer.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event SharesClaimed(address indexed account, uint256 shares);
    }

    sol! {
        /// Constructor: argument `field` is invalid (0 share token, 1 payment asset, 2 price,
        /// 3 times, 4 hard cap, 5 per-account limits, 6 soft cap, 7 treasury, 8 admin, 9 hard
        /// cap x price overflows).
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleInvalidConfig(uint8 field);
        /// The sale opens at `start`.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleNotStarted(uint64 start);
        /// The sale ended at `end` (or sold out).
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleEnded(uint64 end);
        /// The admin cancelled the sale.
        #[derive(Debug)]
        error SaleWasCancelled();
        /// A purchase of zero shares.
        #[derive(Debug)]
        error SaleZeroShares();
        /// Shares cannot be bought for the zero address.
        #[derive(Debug)]
        error SaleInvalidBeneficiary();
        /// Compliance mode is on and `account` is not on RigShares' allowlist.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleNotAllowlisted(address account);
        /// The purchase would pass the hard cap: only `remaining` units are left.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleAboveHardCap(uint256 requested, uint256 remaining);
        /// The account's purchases would total `total` units, under the minimum `min` (a
        /// purchase that takes exactly what remains is always allowed).
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleBelowMinimum(uint256 total, uint256 min);
        /// The account's purchases would total `total` units, over the maximum `max`.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleAboveAccountMax(uint256 total, uint256 max);
        /// The purchase costs `expected` ETH wei (zero for a token sale) but `sent` came with it.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleWrongPayment(uint256 expected, uint256 sent);
        /// `shares * price` does not fit 256 bits.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleAmountOverflow(uint256 shares);
        /// This sale does not hold RigShares' MINTER_ROLE, so it could not deliver shares.
        #[derive(Debug)]
        error SaleNotMinter();
        /// The share token could not be read; `reason` is its revert data.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleShareTokenUnavailable(bytes reason);
        /// The sale is still pending or open until `end`.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleNotEnded(uint64 end);
        /// The sale did not succeed (`state` is its state: failed).
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleNotSucceeded(uint8 state);
        /// `finalize` already ran (or, for `cancel`, the sale is final).
        #[derive(Debug)]
        error SaleAlreadyFinalized();
        /// Claims open once the sale is finalized.
        #[derive(Debug)]
        error SaleNotFinalized();
        /// Refunds need a failed or cancelled sale; `state` is the current one.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleNotFailed(uint8 state);
        /// `account` has no payment left to refund.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleNothingToRefund(address account);
        /// `account` has no shares left to claim.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleNothingToClaim(address account);
        /// Refunds and proceeds cannot be paid to the zero address.
        #[derive(Debug)]
        error SaleInvalidRecipient();
        /// The ETH payment to `recipient` failed.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleEthTransferFailed(address recipient);
        /// RigShares refused to mint `account`'s shares; `reason` is its revert data.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleMintFailed(address account, bytes reason);
        /// Only the treasury may withdraw proceeds.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SaleNotTreasury(address caller);
        /// No proceeds wait for withdrawal.
        #[derive(Debug)]
        error SaleNoProceeds();
    }
}

rigshare_common::solidity_errors! {
    /// Every error the sale can return, as Solidity custom errors.
    #[derive(Debug)]
    pub enum Error {
        /// See [`SaleInvalidConfig`].
        InvalidConfig(SaleInvalidConfig { field }),
        /// See [`SaleNotStarted`].
        NotStarted(SaleNotStarted { start }),
        /// See [`SaleEnded`].
        Ended(SaleEnded { end }),
        /// See [`SaleWasCancelled`].
        WasCancelled(SaleWasCancelled {}),
        /// See [`SaleZeroShares`].
        ZeroShares(SaleZeroShares {}),
        /// See [`SaleInvalidBeneficiary`].
        InvalidBeneficiary(SaleInvalidBeneficiary {}),
        /// See [`SaleNotAllowlisted`].
        NotAllowlisted(SaleNotAllowlisted { account }),
        /// See [`SaleAboveHardCap`].
        AboveHardCap(SaleAboveHardCap { requested, remaining }),
        /// See [`SaleBelowMinimum`].
        BelowMinimum(SaleBelowMinimum { total, min }),
        /// See [`SaleAboveAccountMax`].
        AboveAccountMax(SaleAboveAccountMax { total, max }),
        /// See [`SaleWrongPayment`].
        WrongPayment(SaleWrongPayment { expected, sent }),
        /// See [`SaleAmountOverflow`].
        AmountOverflow(SaleAmountOverflow { shares }),
        /// See [`SaleNotMinter`].
        NotMinter(SaleNotMinter {}),
        /// See [`SaleShareTokenUnavailable`].
        ShareTokenUnavailable(SaleShareTokenUnavailable { reason }),
        /// See [`SaleNotEnded`].
        NotEnded(SaleNotEnded { end }),
        /// See [`SaleNotSucceeded`].
        NotSucceeded(SaleNotSucceeded { state }),
        /// See [`SaleAlreadyFinalized`].
        AlreadyFinalized(SaleAlreadyFinalized {}),
        /// See [`SaleNotFinalized`].
        NotFinalized(SaleNotFinalized {}),
        /// See [`SaleNotFailed`].
        NotFailed(SaleNotFailed { state }),
        /// See [`SaleNothingToRefund`].
        NothingToRefund(SaleNothingToRefund { account }),
        /// See [`SaleNothingToClaim`].
        NothingToClaim(SaleNothingToClaim { account }),
        /// See [`SaleInvalidRecipient`].
        InvalidRecipient(SaleInvalidRecipient {}),
        /// See [`SaleEthTransferFailed`].
        EthTransferFailed(SaleEthTransferFailed { recipient }),
        /// See [`SaleMintFailed`].
        MintFailed(SaleMintFailed { account, reason }),
        /// See [`SaleNotTreasury`].
        NotTreasury(SaleNotTreasury { caller }),
        /// See [`SaleNoProceeds`].
        NoProceeds(SaleNoProceeds {}),
        /// A token transfer failed (no allowance, no balance, or the token refused).
        SafeErc20FailedOperation(safe_erc20::SafeErc20FailedOperation { token }),
        /// Never returned: allowance decreases are not used.
        SafeErc20FailedDecreaseAllowance(safe_erc20::SafeErc20FailedDecreaseAllowance { spender, current_allowance, requested_decrease }),
        /// Caller lacks the role.
        UnauthorizedAccount(control::AccessControlUnauthorizedAccount { account, needed_role }),
        /// `renounceRole` for someone else.
        BadConfirmation(control::AccessControlBadConfirmation {}),
        /// Paused.
        EnforcedPause(pausable::EnforcedPause {}),
        /// Not paused.
        ExpectedPause(pausable::ExpectedPause {}),
    }
}

forward_errors!(Error: safe_erc20::Error { SafeErc20FailedOperation, SafeErc20FailedDecreaseAllowance });
forward_errors!(Error: control::Error { UnauthorizedAccount, BadConfirmation });
forward_errors!(Error: pausable::Error { EnforcedPause, ExpectedPause });

stylus_sdk::prelude::sol_interface! {
    /// What the sale reads from and asks of the RigShares pool.
    interface IRigSharesSale {
        function complianceMode() external view returns (bool);
        function isAllowed(address account) external view returns (bool);
        function hasRole(bytes32 role, address account) external view returns (bool);
        function mint(address to, uint256 amount) external;
    }
}

/// One account's purchases.
#[storage]
pub struct Purchase {
    /// Share units bought (kept after claim or refund, as the record).
    shares: StorageU256,
    /// What arrived for them, in the payment asset's smallest unit.
    paid: StorageU256,
    /// Claimed (success) or refunded (failure): nothing more is owed.
    settled: StorageBool,
}

/// The sale. Field order is the storage layout: append only.
#[entrypoint]
#[storage]
pub struct ShareSale {
    access: AccessControl,
    pausable: Pausable,
    safe_erc20: SafeErc20,
    share_token: StorageAddress,
    /// Payment asset; zero = native ETH.
    asset: StorageAddress,
    /// Payment units per whole share ([`SHARE_UNIT`] share units).
    price: StorageU256,
    start: StorageU64,
    end: StorageU64,
    /// Minimum raise, in payment units (what arrived).
    soft_cap: StorageU256,
    /// Most share units sold.
    hard_cap: StorageU256,
    min_per_account: StorageU256,
    max_per_account: StorageU256,
    treasury: StorageAddress,
    /// Share units sold.
    sold: StorageU256,
    /// Payment units received (what arrived).
    raised: StorageU256,
    /// Payment units refunded.
    refunded: StorageU256,
    /// Proceeds paid out to the treasury (or its recipient).
    proceeds_sent: StorageU256,
    /// Proceeds owed to the treasury and not yet paid.
    proceeds_owed: StorageU256,
    /// Share units minted to buyers.
    claimed: StorageU256,
    finalized: StorageBool,
    cancelled: StorageBool,
    purchases: StorageMap<Address, Purchase>,
}

#[public]
#[implements(IAccessControl<Error = Error>, IPausable, IErc165)]
impl ShareSale {
    /// Configures the sale, once: `share_token` (a RigShares pool), `asset` (zero = ETH),
    /// `price` (payment units per whole share), `start`/`end` (open for start <= now < end),
    /// `soft_cap` (payment units), `hard_cap` (share units), the per-account minimum and
    /// maximum (share units, over all of an account's purchases), `treasury`, and `admin`
    /// (cancel, pause, roles). The admin is an argument because inside a deployment through
    /// StylusDeployer `msg.sender` is the deployer.
    #[constructor]
    #[allow(clippy::too_many_arguments)]
    pub fn constructor(
        &mut self,
        share_token: Address,
        asset: Address,
        price: U256,
        start: u64,
        end: u64,
        soft_cap: U256,
        hard_cap: U256,
        min_per_account: U256,
        max_per_account: U256,
        treasury: Address,
        admin: Address,
    ) -> Result<(), Error> {
        let invalid = |field: u8| Err(Error::InvalidConfig(SaleInvalidConfig { field }));
        if !share_token.has_code() {
            return invalid(0);
        }
        if !asset.is_zero() && !asset.has_code() {
            return invalid(1);
        }
        if price.is_zero() {
            return invalid(2);
        }
        if start >= end {
            return invalid(3);
        }
        if hard_cap.is_zero() {
            return invalid(4);
        }
        if max_per_account.is_zero() || min_per_account > max_per_account || min_per_account > hard_cap {
            return invalid(5);
        }
        let Some(most) = hard_cap.checked_mul(price) else {
            return invalid(9);
        };
        // The soft cap must be reachable by selling the whole hard cap.
        if soft_cap > most.div_ceil(SHARE_UNIT) {
            return invalid(6);
        }
        if treasury.is_zero() {
            return invalid(7);
        }
        if admin.is_zero() {
            return invalid(8);
        }
        self.share_token.set(share_token);
        self.asset.set(asset);
        self.price.set(price);
        self.start.set(U64::from(start));
        self.end.set(U64::from(end));
        self.soft_cap.set(soft_cap);
        self.hard_cap.set(hard_cap);
        self.min_per_account.set(min_per_account);
        self.max_per_account.set(max_per_account);
        self.treasury.set(treasury);
        self.access._grant_role(ADMIN_ROLE.into(), admin);
        Ok(())
    }

    /// Buys `shares` share units for the caller, paying exactly `costOf(shares)`: as the ETH
    /// sent with the call, or pulled with `transferFrom` (approve first; send no ETH).
    #[payable]
    pub fn buy(&mut self, shares: U256) -> Result<(), Error> {
        self.purchase(msg::sender(), shares)
    }

    /// Buys `shares` share units for `beneficiary`, paid by the caller. The purchase (its
    /// claim or its refund) belongs to the beneficiary.
    #[payable]
    pub fn buy_for(&mut self, beneficiary: Address, shares: U256) -> Result<(), Error> {
        self.purchase(beneficiary, shares)
    }

    /// Closes a successful sale (anyone may call, once it ended or sold out): pays the
    /// proceeds to the treasury (or keeps them for `withdrawProceeds` if the treasury refuses
    /// them) and opens claims. Refused unless the soft cap was reached, and while this sale
    /// lacks RigShares' MINTER_ROLE.
    pub fn finalize(&mut self) -> Result<(), Error> {
        if self.finalized.get() {
            return Err(Error::AlreadyFinalized(SaleAlreadyFinalized {}));
        }
        match self.state_at(clock::now()) {
            STATE_SUCCEEDED => {}
            STATE_CANCELLED => return Err(Error::WasCancelled(SaleWasCancelled {})),
            STATE_FAILED => return Err(Error::NotSucceeded(SaleNotSucceeded { state: STATE_FAILED })),
            _ => return Err(Error::NotEnded(SaleNotEnded { end: self.end.get().to() })),
        }
        self.check_minter()?;

        // Effects.
        let raised = self.raised.get();
        self.finalized.set(true);
        self.proceeds_owed.set(raised);
        evm::log(SaleFinalized { raised, sold: self.sold.get() });

        // Interaction: a push the treasury may refuse without blocking the sale.
        let treasury = self.treasury.get();
        if raised.is_zero() {
            return Ok(());
        }
        if self.pay(treasury, raised).is_ok() {
            self.proceeds_owed.set(U256::ZERO);
            self.proceeds_sent.set(raised);
            evm::log(ProceedsSent { treasury, recipient: treasury, amount: raised });
        } else {
            evm::log(ProceedsHeld { treasury, amount: raised });
        }
        Ok(())
    }

    /// Pays the proceeds still held (the treasury refused them at finalization) to
    /// `recipient`. Treasury only.
    pub fn withdraw_proceeds(&mut self, recipient: Address) -> Result<(), Error> {
        let treasury = self.treasury.get();
        let caller = msg::sender();
        if caller != treasury {
            return Err(Error::NotTreasury(SaleNotTreasury { caller }));
        }
        if recipient.is_zero() {
            return Err(Error::InvalidRecipient(SaleInvalidRecipient {}));
        }
        let amount = self.proceeds_owed.get();
        if amount.is_zero() {
            return Err(Error::NoProceeds(SaleNoProceeds {}));
        }
        self.proceeds_owed.set(U256::ZERO);
        let sent = self.proceeds_sent.get();
        self.proceeds_sent.set(sent + amount);
        evm::log(ProceedsSent { treasury, recipient, amount });
        self.pay(recipient, amount)
    }

    /// Mints the caller's purchased shares to it. Once the sale is finalized.
    pub fn claim(&mut self) -> Result<U256, Error> {
        self.claim_for(msg::sender())
    }

    /// Mints `account`'s purchased shares to `account` (anyone may call: the shares can only
    /// go to their buyer). Once the sale is finalized.
    pub fn claim_for(&mut self, account: Address) -> Result<U256, Error> {
        if !self.finalized.get() {
            return Err(Error::NotFinalized(SaleNotFinalized {}));
        }
        let purchase = self.purchases.getter(account);
        let shares = purchase.shares.get();
        if shares.is_zero() || purchase.settled.get() {
            return Err(Error::NothingToClaim(SaleNothingToClaim { account }));
        }
        self.purchases.setter(account).settled.set(true);
        let claimed = self.claimed.get();
        self.claimed.set(claimed + shares);
        evm::log(SharesClaimed { account, shares });
        IRigSharesSale::new(self.share_token.get())
            .mint(Call::new_in(self), account, shares)
            .map_err(|e| Error::MintFailed(SaleMintFailed { account, reason: revert_data(e).into() }))?;
        Ok(shares)
    }

    /// Pays the caller back exactly what it paid. Once the sale failed or was cancelled.
    pub fn refund(&mut self) -> Result<U256, Error> {
        self.refund_to(msg::sender())
    }

    /// Pays the caller's refund to `recipient` (for a buyer that cannot receive ETH itself).
    pub fn refund_to(&mut self, recipient: Address) -> Result<U256, Error> {
        let state = self.state_at(clock::now());
        if state != STATE_FAILED && state != STATE_CANCELLED {
            return Err(Error::NotFailed(SaleNotFailed { state }));
        }
        if recipient.is_zero() {
            return Err(Error::InvalidRecipient(SaleInvalidRecipient {}));
        }
        let account = msg::sender();
        let purchase = self.purchases.getter(account);
        let amount = purchase.paid.get();
        if purchase.shares.get().is_zero() || purchase.settled.get() {
            return Err(Error::NothingToRefund(SaleNothingToRefund { account }));
        }

        // Effects, then the one interaction.
        self.purchases.setter(account).settled.set(true);
        let refunded = self.refunded.get();
        self.refunded.set(refunded + amount);
        evm::log(Refunded { account, recipient, amount });
        if !amount.is_zero() {
            self.pay(recipient, amount)?;
        }
        Ok(amount)
    }

    /// Cancels the sale before finalization: every buyer may take a refund. Admin only.
    pub fn cancel(&mut self) -> Result<(), Error> {
        self.access.only_role(ADMIN_ROLE.into())?;
        if self.finalized.get() {
            return Err(Error::AlreadyFinalized(SaleAlreadyFinalized {}));
        }
        if self.cancelled.get() {
            return Err(Error::WasCancelled(SaleWasCancelled {}));
        }
        self.cancelled.set(true);
        evm::log(SaleCancelled { admin: msg::sender() });
        Ok(())
    }

    /// Stops buying. Admin only. Refunds, claims and finalization are never paused.
    pub fn pause(&mut self) -> Result<(), Error> {
        self.access.only_role(ADMIN_ROLE.into())?;
        Ok(self.pausable.pause()?)
    }

    /// Resumes buying. Admin only.
    pub fn unpause(&mut self) -> Result<(), Error> {
        self.access.only_role(ADMIN_ROLE.into())?;
        Ok(self.pausable.unpause()?)
    }

    /// 0 pending, 1 open, 2 succeeded (claims open once `finalized`), 3 failed, 4 cancelled.
    pub fn state(&self) -> u8 {
        self.state_at(clock::now())
    }

    /// Whether `finalize` ran (proceeds released, claims open).
    pub fn finalized(&self) -> bool {
        self.finalized.get()
    }

    /// What `shares` share units cost: `ceil(shares * price / 10^18)` payment units.
    pub fn cost_of(&self, shares: U256) -> Result<U256, Error> {
        shares
            .checked_mul(self.price.get())
            .map(|v| v.div_ceil(SHARE_UNIT))
            .ok_or(Error::AmountOverflow(SaleAmountOverflow { shares }))
    }

    /// The share token (a RigShares pool).
    pub fn share_token(&self) -> Address {
        self.share_token.get()
    }

    /// The payment asset (zero = ETH).
    pub fn payment_asset(&self) -> Address {
        self.asset.get()
    }

    /// Payment units per whole share (10^18 share units).
    pub fn price(&self) -> U256 {
        self.price.get()
    }

    /// Opening and closing time: open for `start <= now < end`.
    pub fn times(&self) -> (u64, u64) {
        (self.start.get().to(), self.end.get().to())
    }

    /// Soft cap (payment units), hard cap, per-account minimum and maximum (share units).
    pub fn caps(&self) -> (U256, U256, U256, U256) {
        (self.soft_cap.get(), self.hard_cap.get(), self.min_per_account.get(), self.max_per_account.get())
    }

    /// Where the proceeds go.
    pub fn treasury(&self) -> Address {
        self.treasury.get()
    }

    /// Payment units received (what arrived).
    pub fn raised(&self) -> U256 {
        self.raised.get()
    }

    /// Share units sold.
    pub fn sold(&self) -> U256 {
        self.sold.get()
    }

    /// Share units still for sale.
    pub fn remaining(&self) -> U256 {
        self.hard_cap.get() - self.sold.get()
    }

    /// The ledger: raised, refunded, proceeds sent, proceeds still owed to the treasury, share
    /// units claimed (minted). Payment held = raised - refunded - proceeds sent.
    pub fn totals(&self) -> (U256, U256, U256, U256, U256) {
        (
            self.raised.get(),
            self.refunded.get(),
            self.proceeds_sent.get(),
            self.proceeds_owed.get(),
            self.claimed.get(),
        )
    }

    /// `account`'s purchase: share units, payment units paid, and whether it was settled
    /// (claimed or refunded).
    pub fn purchase_of(&self, account: Address) -> (U256, U256, bool) {
        let p = self.purchases.getter(account);
        (p.shares.get(), p.paid.get(), p.settled.get())
    }
}

impl ShareSale {
    /// The state at `now` (see [`STATE_PENDING`] and the others).
    fn state_at(&self, now: u64) -> u8 {
        if self.cancelled.get() {
            return STATE_CANCELLED;
        }
        if self.finalized.get() {
            return STATE_SUCCEEDED;
        }
        let end: u64 = self.end.get().to();
        if now < self.start.get().to::<u64>() {
            return STATE_PENDING;
        }
        if now < end && self.sold.get() < self.hard_cap.get() {
            return STATE_OPEN;
        }
        if self.raised.get() >= self.soft_cap.get() && now < end.saturating_add(FINALIZE_WINDOW) {
            STATE_SUCCEEDED
        } else {
            STATE_FAILED
        }
    }

    /// Every rule of a purchase, then the payment, then the record.
    fn purchase(&mut self, beneficiary: Address, shares: U256) -> Result<(), Error> {
        self.pausable.when_not_paused()?;
        match self.state_at(clock::now()) {
            STATE_OPEN => {}
            STATE_PENDING => return Err(Error::NotStarted(SaleNotStarted { start: self.start.get().to() })),
            STATE_CANCELLED => return Err(Error::WasCancelled(SaleWasCancelled {})),
            _ => return Err(Error::Ended(SaleEnded { end: self.end.get().to() })),
        }
        if shares.is_zero() {
            return Err(Error::ZeroShares(SaleZeroShares {}));
        }
        if beneficiary.is_zero() {
            return Err(Error::InvalidBeneficiary(SaleInvalidBeneficiary {}));
        }
        let remaining = self.remaining();
        if shares > remaining {
            return Err(Error::AboveHardCap(SaleAboveHardCap { requested: shares, remaining }));
        }
        let before = self.purchases.getter(beneficiary).shares.get();
        let total = before + shares;
        let min = self.min_per_account.get();
        if total < min && shares != remaining {
            return Err(Error::BelowMinimum(SaleBelowMinimum { total, min }));
        }
        let max = self.max_per_account.get();
        if total > max {
            return Err(Error::AboveAccountMax(SaleAboveAccountMax { total, max }));
        }
        let cost = self.cost_of(shares)?;
        let asset = self.asset.get();
        let sent = msg::value();
        let expected = if asset.is_zero() { cost } else { U256::ZERO };
        if sent != expected {
            return Err(Error::WrongPayment(SaleWrongPayment { expected, sent }));
        }
        self.check_buyer(beneficiary)?;

        let paid = if asset.is_zero() {
            cost
        } else {
            // Credit what arrived, so a fee-on-transfer token cannot over-credit.
            let this = contract::address();
            let held = self.asset_balance(asset, this)?;
            self.safe_erc20.safe_transfer_from(asset, msg::sender(), this, cost)?;
            self.asset_balance(asset, this)?.saturating_sub(held)
        };

        {
            let mut purchase = self.purchases.setter(beneficiary);
            purchase.shares.set(total);
            let owed = purchase.paid.get();
            purchase.paid.set(owed + paid);
        }
        let sold = self.sold.get();
        self.sold.set(sold + shares);
        let raised = self.raised.get();
        self.raised.set(raised + paid);
        evm::log(SharesPurchased { payer: msg::sender(), beneficiary, shares, paid });
        Ok(())
    }

    /// Refuses a beneficiary RigShares would not mint to (compliance mode on, not
    /// allowlisted), and a sale that could not mint at all.
    fn check_buyer(&self, beneficiary: Address) -> Result<(), Error> {
        self.check_minter()?;
        let token = IRigSharesSale::new(self.share_token.get());
        if token.compliance_mode(Call::new()).map_err(unavailable)?
            && !token.is_allowed(Call::new(), beneficiary).map_err(unavailable)?
        {
            return Err(Error::NotAllowlisted(SaleNotAllowlisted { account: beneficiary }));
        }
        Ok(())
    }

    /// Refuses unless this sale holds RigShares' MINTER_ROLE.
    fn check_minter(&self) -> Result<(), Error> {
        let minter = IRigSharesSale::new(self.share_token.get())
            .has_role(Call::new(), MINTER_ROLE.into(), contract::address())
            .map_err(unavailable)?;
        if minter {
            Ok(())
        } else {
            Err(Error::NotMinter(SaleNotMinter {}))
        }
    }

    fn asset_balance(&self, asset: Address, account: Address) -> Result<U256, Error> {
        IBalanceOf::new(asset)
            .balance_of(Call::new(), account)
            .map_err(|_| Error::SafeErc20FailedOperation(safe_erc20::SafeErc20FailedOperation { token: asset }))
    }

    fn pay(&mut self, recipient: Address, amount: U256) -> Result<(), Error> {
        let asset = self.asset.get();
        if asset.is_zero() {
            stylus_sdk::call::transfer_eth(recipient, amount)
                .map_err(|_| Error::EthTransferFailed(SaleEthTransferFailed { recipient }))
        } else {
            Ok(self.safe_erc20.safe_transfer(asset, recipient, amount)?)
        }
    }
}

fn revert_data(e: stylus_sdk::call::Error) -> Vec<u8> {
    match e {
        stylus_sdk::call::Error::Revert(data) => data,
        stylus_sdk::call::Error::AbiDecodingFailed(_) => Vec::new(),
    }
}

fn unavailable(e: stylus_sdk::call::Error) -> Error {
    Error::ShareTokenUnavailable(SaleShareTokenUnavailable { reason: revert_data(e).into() })
}

rigshare_common::public_access_control!(ShareSale, Error);

#[public]
impl IPausable for ShareSale {
    fn paused(&self) -> bool {
        self.pausable.paused()
    }
}

#[public]
impl IErc165 for ShareSale {
    fn supports_interface(&self, interface_id: B32) -> bool {
        interface_id == B32::new(ACCESS_CONTROL_INTERFACE_ID)
    }
}

#[cfg(test)]
mod tests;

/// The names of the values each function with several return values returns, in order, for
/// `rigshare abi` (export-abi leaves every output unnamed, and dapps decode unnamed outputs as
/// bare positional tuples). Solidity's names: camelCase, units as in the parameters. The
/// generator refuses a function with several outputs that is missing here, or a count that
/// differs from the function's.
#[cfg(feature = "export-abi")]
pub const ABI_RETURNS: &[(&str, &[&str])] = &[
    ("times", &["start", "end"]),
    ("caps", &["softCap", "hardCap", "minPerAccount", "maxPerAccount"]),
    ("totals", &["raised", "refunded", "proceedsSent", "proceedsOwed", "sharesClaimed"]),
    ("purchaseOf", &["shares", "paid", "settled"]),
];

/// Every event this contract can emit, as human-readable Solidity declarations, for
/// `rigshare abi` (export-abi prints functions and errors but no events). Its own events, then
/// OpenZeppelin's: AccessControl (no `RoleAdminChanged`: no role admin is ever set) and
/// Pausable. Keep in step with the `sol!` block above.
#[cfg(feature = "export-abi")]
pub const ABI_EVENTS: &[&str] = &[
    "event SharesPurchased(address indexed payer, address indexed beneficiary, uint256 shares, uint256 paid)",
    "event SaleFinalized(uint256 raised, uint256 sold)",
    "event ProceedsSent(address indexed treasury, address indexed recipient, uint256 amount)",
    "event ProceedsHeld(address indexed treasury, uint256 amount)",
    "event SaleCancelled(address indexed admin)",
    "event Refunded(address indexed account, address indexed recipient, uint256 amount)",
    "event SharesClaimed(address indexed account, uint256 shares)",
    "event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)",
    "event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)",
    "event Paused(address account)",
    "event Unpaused(address account)",
];
