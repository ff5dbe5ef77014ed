//! # RevenueSplitter
//!
//! Pays a pool's mining revenue to its share holders. Bound at construction to one share
//! token and one payout asset (native ETH, or any ERC-20 such as WBTC).
//!
//! - Anyone deposits revenue: `deposit(amount)` for a token, `depositEth()` or a plain ETH
//!   transfer for ETH. Fee-on-transfer tokens are credited with what actually arrived.
//! - Waterfall: each fixed payee (hosting, operator fee, maintenance reserve, ...) is credited
//!   its basis-point cut of every deposit first; the rest accrues to holders. Payee changes
//!   apply to later deposits only.
//! - Holder accounting is pull-based and O(1) (see [`accrual`]): no loop over holders or
//!   deposits anywhere; the division remainder is carried, so no wei is lost and no claim can
//!   exceed what was deposited.
//! - Optional streaming window: holder revenue vests linearly over N seconds, which blunts
//!   buying shares just before a deposit and selling right after. A deposit made while an
//!   earlier one is still vesting streams together with the unvested rest until the
//!   amount-weighted average of their ends, so small deposits cannot delay vesting
//!   ([`accrual::weighted_span`]). While no share is eligible the stream stands still.
//! - Deposits are refused while no share is eligible (before binding, after every share was
//!   burned, or while every holder is excluded): such revenue would have no owner and go to
//!   whoever became eligible next. `sync()` credits, like a deposit, whatever the splitter
//!   holds beyond what it owes (tokens sent straight to it, forced ETH).
//! - Excluded accounts (AMM pools, the pool contract, ...) earn nothing; their share goes to
//!   the other holders. Exclusions set before binding are pending: deposits are refused until
//!   each is applied (`applyExclusion`, by anyone) once the token has bound the splitter.
//! - The share token reports every balance change (`onSharesTransfer`) with the amounts, as
//!   Stylus refuses re-entry into the token while it is mid-transfer.
//! - Pausing stops deposits; claims always work.
//!
//! ## Two modules
//! As RigShares (see its crate docs): the main module routes what every share transfer,
//! deposit and claim needs ([`IRevenueSplitter`], `receive`); the extension module, built with
//! the `extension` feature, serves payees, exclusions, pausing, binding, roles and the views
//! ([`IRevenueSplitterExtension`]), reached through the main module's fallback by delegatecall
//! in the splitter's storage. One ABI (abi/RevenueSplitter.json) lists both.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![allow(clippy::needless_pass_by_value)]
// The SDK's free functions (`msg::sender`, `evm::log`, ...) are what motsu intercepts in native
// tests; `self.vm()` is not, so they are used on purpose, as OpenZeppelin does.
#![allow(deprecated)]

extern crate alloc;

pub mod accrual;
use rigshare_common::clock;

use alloc::vec::Vec;

use alloy_primitives::{aliases::B32, Address, U16, U256, U64};
use openzeppelin_stylus::{
    access::control::{self, AccessControl, IAccessControl},
    token::erc20::utils::safe_erc20::{self, ISafeErc20, SafeErc20},
    utils::{
        introspection::erc165::IErc165,
        pausable::{self, IPausable, Pausable},
    },
};
use rigshare_common::{forward_errors, outputs, Outputs, ACCESS_CONTROL_INTERFACE_ID, IBalanceOf, ADMIN_ROLE, SHARES_BOUND_MAGIC};
use stylus_sdk::{
    call::Call,
    contract, evm, msg,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU16, StorageU256, StorageU64, StorageVec},
};

use crate::accrual::{magnify, to_wei_down, Pool, MAX_TOTAL_TO_HOLDERS};

pub use sol::*;

/// Most payees in the waterfall; bounds the per-deposit loop.
pub const MAX_PAYEES: usize = 8;
/// Basis points in 100%.
pub const BPS_DENOMINATOR: u16 = 10_000;
/// Longest streaming window: one year.
pub const MAX_STREAM_SECONDS: u64 = 365 * 24 * 60 * 60;

mod sol {
    use alloy_sol_types::sol;

    sol! {
        /// The share token adopted this splitter; `totalSupply` is its supply then.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event SharesBound(address indexed shareToken, uint256 totalSupply);
        /// Revenue arrived: `toPayees` was credited to payees, `toHolders` to share holders.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event RevenueDeposited(address indexed from, uint256 amount, uint256 toHolders, uint256 toPayees);
        /// A payee's cut of one deposit.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event PayeeCredited(address indexed payee, uint256 amount);
        /// `account` claimed `amount`, paid to `recipient`.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event Claimed(address indexed account, address indexed recipient, uint256 amount);
        /// The waterfall for future deposits.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event PayeesUpdated(address[] accounts, uint16[] bps);
        /// `account` stopped (or resumed) earning on its shares.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event ExclusionSet(address indexed account, bool excluded);
        /// Before binding: `account` was declared excluded (`pending` true), or the declaration
        /// was withdrawn or applied (`pending` false).
        #[derive(Debug)]
        #[allow(missing_docs)]
        event ExclusionPending(address indexed account, bool pending);
    }

    sol! {
        /// Only the bound share token may report balance changes.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SplitterUnauthorizedHook(address caller);
        /// The share token already bound this splitter.
        #[derive(Debug)]
        error SplitterAlreadyBound();
        /// The share token has not adopted this splitter yet (`setRevenueSplitter`).
        #[derive(Debug)]
        error SplitterNotBound();
        /// This splitter pays out `asset` (zero = ETH); use the other deposit path.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SplitterWrongAsset(address asset);
        /// A deposit of zero.
        #[derive(Debug)]
        error SplitterZeroDeposit();
        /// Total holder revenue would reach 10^38 wei.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SplitterDepositTooLarge(uint256 amount);
        /// Nothing to claim.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SplitterNothingToClaim(address account);
        /// Claims cannot be paid to the zero address.
        #[derive(Debug)]
        error SplitterInvalidRecipient();
        /// The ETH payment to `recipient` failed.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SplitterEthTransferFailed(address recipient);
        /// `accounts` and `bps` differ in length.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SplitterPayeesMismatch(uint256 accounts, uint256 bps);
        /// More than `max` payees.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SplitterTooManyPayees(uint256 max);
        /// A payee is the zero address or has a zero cut.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SplitterInvalidPayee(address account, uint16 bps);
        /// Cuts add up to more than 10,000 bps.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SplitterCutsExceedTotal(uint256 totalBps);
        /// The account is already in that exclusion state.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SplitterExclusionUnchanged(address account, bool excluded);
        /// Constructor: the share token is the zero address.
        #[derive(Debug)]
        error SplitterInvalidShareToken();
        /// Constructor: the admin is the zero address.
        #[derive(Debug)]
        error SplitterZeroAdmin();
        /// Constructor: the extension module is not a contract.
        #[derive(Debug)]
        error SplitterInvalidExtension();
        /// Constructor: the window is longer than `max` seconds.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SplitterStreamTooLong(uint64 seconds, uint64 max);
        /// A share balance report does not fit the supply this splitter tracks.
        #[derive(Debug)]
        error SplitterSupplyMismatch();
        /// The share token's balance could not be read.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SplitterBalanceUnavailable(address token);
        /// No share is eligible (none bound, none left, or every holder excluded): revenue
        /// deposited now would have no owner.
        #[derive(Debug)]
        error SplitterNothingEligible();
        /// `count` exclusions declared before binding are not applied yet (`applyExclusion`).
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SplitterExclusionsPending(uint256 count);
        /// `applyExclusion`: no exclusion of `account` is pending.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SplitterExclusionNotPending(address account);
        /// `sync`: the splitter holds nothing beyond what it owes.
        #[derive(Debug)]
        error SplitterNothingToSync();
        /// Constructor: the payout asset is the share token itself.
        #[derive(Debug)]
        error SplitterAssetIsShareToken();
        /// `setPayees`: `account` is listed twice.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SplitterDuplicatePayee(address account);
    }
}

/// Every error the splitter can return, as Solidity custom errors.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// See [`SplitterUnauthorizedHook`].
    UnauthorizedHook(SplitterUnauthorizedHook),
    /// See [`SplitterAlreadyBound`].
    AlreadyBound(SplitterAlreadyBound),
    /// See [`SplitterNotBound`].
    NotBound(SplitterNotBound),
    /// See [`SplitterWrongAsset`].
    WrongAsset(SplitterWrongAsset),
    /// See [`SplitterZeroDeposit`].
    ZeroDeposit(SplitterZeroDeposit),
    /// See [`SplitterDepositTooLarge`].
    DepositTooLarge(SplitterDepositTooLarge),
    /// See [`SplitterNothingToClaim`].
    NothingToClaim(SplitterNothingToClaim),
    /// See [`SplitterInvalidRecipient`].
    InvalidRecipient(SplitterInvalidRecipient),
    /// See [`SplitterEthTransferFailed`].
    EthTransferFailed(SplitterEthTransferFailed),
    /// See [`SplitterPayeesMismatch`].
    PayeesMismatch(SplitterPayeesMismatch),
    /// See [`SplitterTooManyPayees`].
    TooManyPayees(SplitterTooManyPayees),
    /// See [`SplitterInvalidPayee`].
    InvalidPayee(SplitterInvalidPayee),
    /// See [`SplitterCutsExceedTotal`].
    CutsExceedTotal(SplitterCutsExceedTotal),
    /// See [`SplitterExclusionUnchanged`].
    ExclusionUnchanged(SplitterExclusionUnchanged),
    /// See [`SplitterInvalidShareToken`].
    InvalidShareToken(SplitterInvalidShareToken),
    /// See [`SplitterZeroAdmin`].
    ZeroAdmin(SplitterZeroAdmin),
    /// See [`SplitterInvalidExtension`].
    InvalidExtension(SplitterInvalidExtension),
    /// See [`SplitterStreamTooLong`].
    StreamTooLong(SplitterStreamTooLong),
    /// See [`SplitterSupplyMismatch`].
    SupplyMismatch(SplitterSupplyMismatch),
    /// See [`SplitterBalanceUnavailable`].
    BalanceUnavailable(SplitterBalanceUnavailable),
    /// See [`SplitterNothingEligible`].
    NothingEligible(SplitterNothingEligible),
    /// See [`SplitterExclusionsPending`].
    ExclusionsPending(SplitterExclusionsPending),
    /// See [`SplitterExclusionNotPending`].
    ExclusionNotPending(SplitterExclusionNotPending),
    /// See [`SplitterNothingToSync`].
    NothingToSync(SplitterNothingToSync),
    /// See [`SplitterAssetIsShareToken`].
    AssetIsShareToken(SplitterAssetIsShareToken),
    /// See [`SplitterDuplicatePayee`].
    DuplicatePayee(SplitterDuplicatePayee),
    /// A token transfer failed.
    SafeErc20FailedOperation(safe_erc20::SafeErc20FailedOperation),
    /// Never returned: allowance decreases are not used.
    SafeErc20FailedDecreaseAllowance(safe_erc20::SafeErc20FailedDecreaseAllowance),
    /// Caller lacks the role.
    UnauthorizedAccount(control::AccessControlUnauthorizedAccount),
    /// `renounceRole` for someone else.
    BadConfirmation(control::AccessControlBadConfirmation),
    /// Paused.
    EnforcedPause(pausable::EnforcedPause),
    /// Not paused.
    ExpectedPause(pausable::ExpectedPause),
}

forward_errors!(Error: safe_erc20::Error { SafeErc20FailedOperation, SafeErc20FailedDecreaseAllowance });
forward_errors!(Error: control::Error { UnauthorizedAccount, BadConfirmation });
forward_errors!(Error: pausable::Error { EnforcedPause, ExpectedPause });

/// One waterfall entry.
#[storage]
pub struct Payee {
    account: StorageAddress,
    bps: StorageU16,
}

impl stylus_sdk::storage::Erase for Payee {
    fn erase(&mut self) {
        self.account.erase();
        self.bps.erase();
    }
}

/// The splitter. Field order is the storage layout: append only.
#[entrypoint]
#[storage]
pub struct RevenueSplitter {
    access: AccessControl,
    pausable: Pausable,
    safe_erc20: SafeErc20,
    share_token: StorageAddress,
    /// Payout asset; zero = native ETH.
    asset: StorageAddress,
    stream_seconds: StorageU64,
    bound: StorageBool,
    /// Share supply as reported by the token (set at binding, then every mint and burn).
    tracked_supply: StorageU256,
    /// Shares held by excluded accounts.
    excluded_supply: StorageU256,
    /// [`Pool::acc`].
    acc: StorageU256,
    /// [`Pool::carry`].
    carry: StorageU256,
    /// [`Pool::unvested`].
    unvested: StorageU256,
    /// [`Pool::rate`].
    stream_rate: StorageU256,
    /// [`Pool::stream_end`].
    stream_end: StorageU64,
    /// [`Pool::last_release`].
    last_release: StorageU64,
    /// Every unit ever deposited.
    total_deposited: StorageU256,
    /// The part of it that went to holders (after payee cuts).
    total_to_holders: StorageU256,
    /// Everything ever paid out by claims (holders and payees).
    total_claimed: StorageU256,
    payees: StorageVec<Payee>,
    /// Per-account correction, modulo 2^256 (see [`accrual`]).
    correction: StorageMap<Address, StorageU256>,
    /// Holder revenue already paid to the account, in wei.
    withdrawn: StorageMap<Address, StorageU256>,
    /// Unclaimed payee credits, in wei.
    payee_credit: StorageMap<Address, StorageU256>,
    excluded: StorageMap<Address, StorageBool>,
    /// Exclusions declared before binding and not yet applied.
    pending: StorageMap<Address, StorageBool>,
    /// How many of `pending` are set; deposits wait for zero.
    pending_count: StorageU256,
    /// The extension module (see [`IRevenueSplitterExtension`]), fixed at construction.
    extension: StorageAddress,
}

/// The splitter's own functions every share transfer, deposit and claim needs. The main
/// module routes them (and `receive`).
pub trait IRevenueSplitter {
    /// Share token hook: `amount` shares moved from `from` (zero = mint) to `to` (zero = burn).
    /// The event of record is the token's `Transfer`; this only keeps the accrual exact.
    fn on_shares_transfer(&mut self, from: Address, to: Address, amount: U256) -> Result<(), Error>;

    /// Deposits `amount` of the payout token (pulled with `transferFrom`; approve first).
    /// Anyone may deposit. Not while paused.
    fn deposit(&mut self, amount: U256) -> Result<(), Error>;

    /// Deposits the ETH sent with the call. Anyone may deposit. Not while paused.
    fn deposit_eth(&mut self) -> Result<(), Error>;

    /// Credits, like a deposit by the caller, whatever the splitter holds beyond what it owes
    /// (deposited minus claimed): tokens sent to it directly, ETH forced in, a `claimTo`
    /// naming the splitter. Anyone may call it; refused when there is nothing beyond, while
    /// paused, and whenever a deposit would be. Returns the amount credited.
    fn sync(&mut self) -> Result<U256, Error>;

    /// What `account` can claim now: its holder revenue plus any payee credit, in the payout
    /// asset's smallest unit.
    fn claimable(&self, account: Address) -> Result<U256, Error>;

    /// Claims everything the caller is owed, paid to the caller.
    fn claim(&mut self) -> Result<U256, Error>;

    /// Claims everything the caller is owed, paid to `recipient`.
    fn claim_to(&mut self, recipient: Address) -> Result<U256, Error>;
}

/// The payees, exclusions, pausing, binding and the views no transfer, deposit or claim needs.
/// On chain they are a second module, the extension: the main module hands every selector it
/// does not route to it by delegatecall, so they run in the splitter's storage with the
/// caller's sender and value, and the main module every share transfer enters stays small (a
/// program's entry cost grows with its size). Natively (tests, export-abi) one module routes
/// everything.
pub trait IRevenueSplitterExtension {
    /// The extension module this splitter hands these functions to (fixed at construction),
    /// for anyone verifying the code that runs in its storage.
    fn extension(&self) -> Address;

    /// Share token hook: called once when the token adopts this splitter. Returns
    /// [`SHARES_BOUND_MAGIC`], which the token checks.
    fn on_shares_bound(&mut self, total_supply: U256) -> Result<B32, Error>;

    /// Replaces the waterfall for future deposits. Admin only. At most 8 payees, each a
    /// non-zero address with a non-zero cut; cuts sum to at most 10,000 bps.
    fn set_payees(&mut self, accounts: Vec<Address>, bps: Vec<u16>) -> Result<(), Error>;

    /// The current waterfall: payees and their cuts in bps.
    fn payees(&self) -> Outputs<(Vec<Address>, Vec<u16>)>;

    /// Stops (`excluded` true) or resumes `account` earning on its shares. Admin only.
    /// Revenue it already earned stays claimable; while excluded, its share of new revenue
    /// goes to the other holders.
    ///
    /// Before binding the splitter cannot know balances, so the exclusion is declared
    /// (pending; `excluded` false withdraws the declaration) and deposits are refused until
    /// it is applied after binding, by `applyExclusion` or by this function. So an AMM pair or
    /// the pool contract is never credited between binding and its exclusion.
    fn set_excluded(&mut self, account: Address, excluded: bool) -> Result<(), Error>;

    /// Applies an exclusion declared before binding. Anyone may call it once the share token
    /// has bound the splitter; deposits resume when none is left pending.
    fn apply_exclusion(&mut self, account: Address) -> Result<(), Error>;

    /// Whether an exclusion of `account` was declared before binding and is not applied yet.
    fn is_exclusion_pending(&self, account: Address) -> bool;

    /// How many declared exclusions wait to be applied (deposits are refused until none).
    fn pending_exclusions(&self) -> U256;

    /// Whether `account` is excluded from earning.
    fn is_excluded(&self, account: Address) -> bool;

    /// The share token this splitter pays.
    fn share_token(&self) -> Address;

    /// The payout asset (zero = ETH).
    fn asset(&self) -> Address;

    /// The streaming window in seconds (0 = instant).
    fn stream_window(&self) -> u64;

    /// Whether the share token has adopted this splitter.
    fn bound(&self) -> bool;

    /// Shares that earn: supply minus excluded balances.
    fn eligible_supply(&self) -> U256;

    /// Ledger totals: deposited, of which to holders, claimed, still streaming (wei, rounded
    /// down) and carried (magnified remainder not yet divisible, in wei rounded down).
    ///
    /// The carry leaves out the sub-wei fractions each holder's accrual keeps (paid once later
    /// revenue tops them up), so `deposited = claimed + sum(claimable) + carried + unvested`
    /// holds only up to one wei per holder when checked off chain with these figures; the
    /// exact identity, in magnified units, uses `accumulator()` and `accountState()`.
    fn totals(&self) -> (U256, U256, U256, U256, U256);

    /// The raw accumulator state (magnified by 10^39), for audits and off-chain indexers:
    /// acc, carry, unvested, rate per second, stream end, last release.
    fn accumulator(&self) -> (U256, U256, U256, U256, u64, u64);

    /// `account`'s magnified correction and withdrawn holder revenue, for audits.
    fn account_state(&self, account: Address) -> (U256, U256, U256);

    /// Stops deposits. Admin only. Claims are never paused.
    fn pause(&mut self) -> Result<(), Error>;

    /// Resumes deposits. Admin only.
    fn unpause(&mut self) -> Result<(), Error>;
}

/// The main module: the splitter, and its fallback to the extension.
#[cfg(all(target_arch = "wasm32", not(feature = "extension")))]
#[public]
#[implements(IRevenueSplitter, IPausable, IErc165)]
impl RevenueSplitter {
    /// The constructor: its arguments and work are `init`'s.
    #[constructor]
    pub fn constructor(&mut self, share_token: Address, asset: Address, stream_seconds: u64, admin: Address, extension: Address) -> Result<(), Error> {
        self.init(share_token, asset, stream_seconds, admin, extension)
    }

    /// Plain ETH transfers are deposits too, so a mining pool can pay this address directly.
    #[receive]
    #[payable]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        Ok(self.deposit_native()?)
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
/// delegatecall, in the splitter's storage. Built with stylus-proc's `reentrant`, since Nitro
/// counts a delegatecall frame as a second frame of the same contract (`msg_reentrant`); the
/// main module still refuses re-entry.
#[cfg(all(target_arch = "wasm32", feature = "extension"))]
#[public]
#[implements(IRevenueSplitterExtension, IAccessControl<Error = Error>)]
impl RevenueSplitter {
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
#[implements(IRevenueSplitter, IRevenueSplitterExtension, IAccessControl<Error = Error>, IPausable, IErc165)]
impl RevenueSplitter {
    /// The constructor: its arguments and work are `init`'s.
    #[constructor]
    pub fn constructor(&mut self, share_token: Address, asset: Address, stream_seconds: u64, admin: Address, extension: Address) -> Result<(), Error> {
        self.init(share_token, asset, stream_seconds, admin, extension)
    }

    /// Plain ETH transfers are deposits too, so a mining pool can pay this address directly.
    #[receive]
    #[payable]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        Ok(self.deposit_native()?)
    }
}

#[public]
impl IRevenueSplitter for RevenueSplitter {
    /// Share token hook: `amount` shares moved from `from` (zero = mint) to `to` (zero = burn).
    /// The event of record is the token's `Transfer`; this only keeps the accrual exact.
    #[selector(name = "onSharesTransfer")]
    fn on_shares_transfer(&mut self, from: Address, to: Address, amount: U256) -> Result<(), Error> {
        self.only_share_token()?;
        let from_excluded = !from.is_zero() && self.excluded.get(from);
        let to_excluded = !to.is_zero() && self.excluded.get(to);
        // A move between two eligible holders leaves the eligible supply as it is, and with the
        // same eligible supply a release now and another later add up to one release later
        // (vesting is linear in time and each division carries its remainder), so the release
        // is computed and not stored: a transfer during a stream writes no pool slot. Mints,
        // burns and moves across an exclusion change the eligible supply, so they store it.
        let moves_eligible = from.is_zero() || to.is_zero() || from_excluded || to_excluded;
        let acc = if moves_eligible { self.released_acc() } else { self.acc_now() };
        if from.is_zero() {
            let supply = self.tracked_supply.get().checked_add(amount);
            self.tracked_supply.set(supply.ok_or(Error::SupplyMismatch(SplitterSupplyMismatch {}))?);
        } else if from_excluded {
            self.adjust_excluded_supply(amount, false)?;
        } else {
            let c = self.correction.get(from);
            self.correction.setter(from).set(accrual::on_loss(c, acc, amount));
        }
        if to.is_zero() {
            let supply = self.tracked_supply.get().checked_sub(amount);
            self.tracked_supply.set(supply.ok_or(Error::SupplyMismatch(SplitterSupplyMismatch {}))?);
        } else if to_excluded {
            self.adjust_excluded_supply(amount, true)?;
        } else {
            let c = self.correction.get(to);
            self.correction.setter(to).set(accrual::on_gain(c, acc, amount));
        }
        Ok(())
    }

    /// Deposits `amount` of the payout token (pulled with `transferFrom`; approve first).
    /// Anyone may deposit. Not while paused.
    fn deposit(&mut self, amount: U256) -> Result<(), Error> {
        self.pausable.when_not_paused()?;
        let asset = self.asset.get();
        if asset.is_zero() {
            return Err(Error::WrongAsset(SplitterWrongAsset { asset }));
        }
        if amount.is_zero() {
            return Err(Error::ZeroDeposit(SplitterZeroDeposit {}));
        }
        let this = contract::address();
        let before = self.asset_balance(asset, this)?;
        self.safe_erc20.safe_transfer_from(asset, msg::sender(), this, amount)?;
        // Credit what arrived, so fee-on-transfer tokens cannot over-credit.
        let received = self.asset_balance(asset, this)?.saturating_sub(before);
        self.credit(msg::sender(), received)
    }

    /// Deposits the ETH sent with the call. Anyone may deposit. Not while paused.
    #[payable]
    fn deposit_eth(&mut self) -> Result<(), Error> {
        self.deposit_native()
    }

    /// Credits, like a deposit by the caller, whatever the splitter holds beyond what it owes
    /// (deposited minus claimed): tokens sent to it directly, ETH forced in, a `claimTo`
    /// naming the splitter. Anyone may call it; refused when there is nothing beyond, while
    /// paused, and whenever a deposit would be. Returns the amount credited.
    fn sync(&mut self) -> Result<U256, Error> {
        self.pausable.when_not_paused()?;
        let asset = self.asset.get();
        let this = contract::address();
        let held = if asset.is_zero() { contract::balance() } else { self.asset_balance(asset, this)? };
        // claimed <= deposited always: every claim pays out credited revenue.
        let owed = self.total_deposited.get() - self.total_claimed.get();
        let excess = held.saturating_sub(owed);
        if excess.is_zero() {
            return Err(Error::NothingToSync(SplitterNothingToSync {}));
        }
        self.credit(msg::sender(), excess)?;
        Ok(excess)
    }

    /// What `account` can claim now: its holder revenue plus any payee credit, in the payout
    /// asset's smallest unit.
    fn claimable(&self, account: Address) -> Result<U256, Error> {
        let holder = self.holder_claimable(self.acc_now(), account)?;
        Ok(holder + self.payee_credit.get(account))
    }

    /// Claims everything the caller is owed, paid to the caller.
    fn claim(&mut self) -> Result<U256, Error> {
        self.claim_to(msg::sender())
    }

    /// Claims everything the caller is owed, paid to `recipient`.
    fn claim_to(&mut self, recipient: Address) -> Result<U256, Error> {
        if recipient.is_zero() {
            return Err(Error::InvalidRecipient(SplitterInvalidRecipient {}));
        }
        let account = msg::sender();
        // A claim leaves the eligible supply as it is: the release is computed, not stored
        // (see `on_shares_transfer`).
        let holder = self.holder_claimable(self.acc_now(), account)?;
        let credit = self.payee_credit.get(account);
        let amount = holder + credit;
        if amount.is_zero() {
            return Err(Error::NothingToClaim(SplitterNothingToClaim { account }));
        }

        // Effects.
        let withdrawn = self.withdrawn.get(account);
        self.withdrawn.setter(account).set(withdrawn + holder);
        self.payee_credit.setter(account).set(U256::ZERO);
        let claimed = self.total_claimed.get();
        self.total_claimed.set(claimed + amount);
        evm::log(Claimed { account, recipient, amount });

        // Interaction.
        self.pay(recipient, amount)?;
        Ok(amount)
    }
}

#[public]
impl IRevenueSplitterExtension for RevenueSplitter {
    fn extension(&self) -> Address {
        self.extension.get()
    }

    /// Share token hook: called once when the token adopts this splitter. Returns
    /// [`SHARES_BOUND_MAGIC`], which the token checks.
    #[selector(name = "onSharesBound")]
    fn on_shares_bound(&mut self, total_supply: U256) -> Result<B32, Error> {
        self.only_share_token()?;
        if self.bound.get() {
            return Err(Error::AlreadyBound(SplitterAlreadyBound {}));
        }
        self.bound.set(true);
        self.tracked_supply.set(total_supply);
        evm::log(SharesBound { shareToken: self.share_token.get(), totalSupply: total_supply });
        Ok(B32::new(SHARES_BOUND_MAGIC))
    }

    /// Replaces the waterfall for future deposits. Admin only. At most 8 payees, each a
    /// non-zero address with a non-zero cut; cuts sum to at most 10,000 bps.
    fn set_payees(&mut self, accounts: Vec<Address>, bps: Vec<u16>) -> Result<(), Error> {
        self.access.only_role(ADMIN_ROLE.into())?;
        if accounts.len() != bps.len() {
            return Err(Error::PayeesMismatch(SplitterPayeesMismatch {
                accounts: U256::from(accounts.len()),
                bps: U256::from(bps.len()),
            }));
        }
        if accounts.len() > MAX_PAYEES {
            return Err(Error::TooManyPayees(SplitterTooManyPayees { max: U256::from(MAX_PAYEES) }));
        }
        let mut total: u32 = 0;
        for (i, (&account, &cut)) in accounts.iter().zip(&bps).enumerate() {
            if account.is_zero() || cut == 0 {
                return Err(Error::InvalidPayee(SplitterInvalidPayee { account, bps: cut }));
            }
            if accounts[..i].contains(&account) {
                return Err(Error::DuplicatePayee(SplitterDuplicatePayee { account }));
            }
            total += u32::from(cut);
        }
        if total > u32::from(BPS_DENOMINATOR) {
            return Err(Error::CutsExceedTotal(SplitterCutsExceedTotal { totalBps: U256::from(total) }));
        }

        while self.payees.len() > accounts.len() {
            self.payees.erase_last();
        }
        for (i, (&account, &cut)) in accounts.iter().zip(&bps).enumerate() {
            let mut entry = match self.payees.setter(i) {
                Some(entry) => entry,
                None => self.payees.grow(),
            };
            entry.account.set(account);
            entry.bps.set(U16::from(cut));
        }
        evm::log(PayeesUpdated { accounts, bps });
        Ok(())
    }

    /// The current waterfall: payees and their cuts in bps.
    fn payees(&self) -> Outputs<(Vec<Address>, Vec<u16>)> {
        outputs(
            (0..self.payees.len())
                .filter_map(|i| self.payees.getter(i))
                .map(|p| (p.account.get(), p.bps.get().to::<u16>()))
                .unzip(),
        )
    }

    /// Stops (`excluded` true) or resumes `account` earning on its shares. Admin only.
    /// Revenue it already earned stays claimable; while excluded, its share of new revenue
    /// goes to the other holders.
    ///
    /// Before binding the splitter cannot know balances, so the exclusion is declared
    /// (pending; `excluded` false withdraws the declaration) and deposits are refused until
    /// it is applied after binding, by `applyExclusion` or by this function. So an AMM pair or
    /// the pool contract is never credited between binding and its exclusion.
    fn set_excluded(&mut self, account: Address, excluded: bool) -> Result<(), Error> {
        self.access.only_role(ADMIN_ROLE.into())?;
        if !self.bound.get() {
            if self.pending.get(account) == excluded {
                return Err(Error::ExclusionUnchanged(SplitterExclusionUnchanged { account, excluded }));
            }
            self.set_pending(account, excluded);
            return Ok(());
        }
        if self.pending.get(account) {
            self.set_pending(account, false);
            if !excluded {
                return Ok(());
            }
        }
        self.exclude(account, excluded)
    }

    /// Applies an exclusion declared before binding. Anyone may call it once the share token
    /// has bound the splitter; deposits resume when none is left pending.
    fn apply_exclusion(&mut self, account: Address) -> Result<(), Error> {
        if !self.bound.get() {
            return Err(Error::NotBound(SplitterNotBound {}));
        }
        if !self.pending.get(account) {
            return Err(Error::ExclusionNotPending(SplitterExclusionNotPending { account }));
        }
        self.set_pending(account, false);
        self.exclude(account, true)
    }

    /// Whether an exclusion of `account` was declared before binding and is not applied yet.
    fn is_exclusion_pending(&self, account: Address) -> bool {
        self.pending.get(account)
    }

    /// How many declared exclusions wait to be applied (deposits are refused until none).
    fn pending_exclusions(&self) -> U256 {
        self.pending_count.get()
    }

    /// Whether `account` is excluded from earning.
    fn is_excluded(&self, account: Address) -> bool {
        self.excluded.get(account)
    }

    /// The share token this splitter pays.
    fn share_token(&self) -> Address {
        self.share_token.get()
    }

    /// The payout asset (zero = ETH).
    fn asset(&self) -> Address {
        self.asset.get()
    }

    /// The streaming window in seconds (0 = instant).
    fn stream_window(&self) -> u64 {
        self.stream_seconds.get().to()
    }

    /// Whether the share token has adopted this splitter.
    fn bound(&self) -> bool {
        self.bound.get()
    }

    /// Shares that earn: supply minus excluded balances.
    fn eligible_supply(&self) -> U256 {
        self.eligible()
    }

    /// Ledger totals: deposited, of which to holders, claimed, still streaming (wei, rounded
    /// down) and carried (magnified remainder not yet divisible, in wei rounded down).
    ///
    /// The carry leaves out the sub-wei fractions each holder's accrual keeps (paid once later
    /// revenue tops them up), so `deposited = claimed + sum(claimable) + carried + unvested`
    /// holds only up to one wei per holder when checked off chain with these figures; the
    /// exact identity, in magnified units, uses `accumulator()` and `accountState()`.
    fn totals(&self) -> (U256, U256, U256, U256, U256) {
        let pool = self.pool_at(clock::now());
        (
            self.total_deposited.get(),
            self.total_to_holders.get(),
            self.total_claimed.get(),
            to_wei_down(pool.unvested),
            to_wei_down(pool.carry),
        )
    }

    /// The raw accumulator state (magnified by 10^39), for audits and off-chain indexers:
    /// acc, carry, unvested, rate per second, stream end, last release.
    fn accumulator(&self) -> (U256, U256, U256, U256, u64, u64) {
        let p = self.stored_pool();
        (p.acc, p.carry, p.unvested, p.rate, p.stream_end, p.last_release)
    }

    /// `account`'s magnified correction and withdrawn holder revenue, for audits.
    fn account_state(&self, account: Address) -> (U256, U256, U256) {
        (self.correction.get(account), self.withdrawn.get(account), self.payee_credit.get(account))
    }

    /// Stops deposits. Admin only. Claims are never paused.
    fn pause(&mut self) -> Result<(), Error> {
        self.access.only_role(ADMIN_ROLE.into())?;
        Ok(self.pausable.pause()?)
    }

    /// Resumes deposits. Admin only.
    fn unpause(&mut self) -> Result<(), Error> {
        self.access.only_role(ADMIN_ROLE.into())?;
        Ok(self.pausable.unpause()?)
    }
}

impl RevenueSplitter {
    /// Binds the splitter to `share_token` and the payout `asset` (zero = ETH), with a
    /// streaming window of `stream_seconds` (0 = instant), makes `admin` its admin and
    /// `extension` the module that serves [`IRevenueSplitterExtension`].
    /// (The constructor's work, the same in the main module and natively; the extension module
    /// has none.)
    #[cfg_attr(all(target_arch = "wasm32", feature = "extension"), allow(dead_code))]
    fn init(
        &mut self,
        share_token: Address,
        asset: Address,
        stream_seconds: u64,
        admin: Address,
        extension: Address,
    ) -> Result<(), Error> {

        if !extension.has_code() {
            return Err(Error::InvalidExtension(SplitterInvalidExtension {}));
        }
        if share_token.is_zero() {
            return Err(Error::InvalidShareToken(SplitterInvalidShareToken {}));
        }
        if asset == share_token {
            return Err(Error::AssetIsShareToken(SplitterAssetIsShareToken {}));
        }
        if admin.is_zero() {
            return Err(Error::ZeroAdmin(SplitterZeroAdmin {}));
        }
        if stream_seconds > MAX_STREAM_SECONDS {
            return Err(Error::StreamTooLong(SplitterStreamTooLong {
                seconds: stream_seconds,
                max: MAX_STREAM_SECONDS,
            }));
        }
        self.share_token.set(share_token);
        self.asset.set(asset);
        self.stream_seconds.set(U64::from(stream_seconds));
        self.extension.set(extension);
        self.access._grant_role(ADMIN_ROLE.into(), admin);
        Ok(())
    }

    /// Records or withdraws a declared exclusion. The caller has checked it changes.
    fn set_pending(&mut self, account: Address, pending: bool) {
        self.pending.setter(account).set(pending);
        let count = self.pending_count.get();
        // count is the number of set flags: +1 on a new flag, -1 on a set one.
        self.pending_count.set(if pending { count + U256::from(1) } else { count - U256::from(1) });
        evm::log(ExclusionPending { account, pending });
    }

    /// Excludes or re-admits `account` (bound splitter).
    fn exclude(&mut self, account: Address, excluded: bool) -> Result<(), Error> {
        if self.excluded.get(account) == excluded {
            return Err(Error::ExclusionUnchanged(SplitterExclusionUnchanged { account, excluded }));
        }
        let acc = self.released_acc();
        let balance = self.share_balance(account)?;
        let c = self.correction.get(account);
        // Freeze (or thaw) the accrual so that the balance term turns off (or on) without
        // changing what the account has earned so far.
        let c = if excluded {
            accrual::accrual(acc, c, balance, false)
        } else {
            accrual::on_gain(c, acc, balance)
        };
        self.correction.setter(account).set(c);
        self.excluded.setter(account).set(excluded);
        self.adjust_excluded_supply(balance, excluded)?;
        evm::log(ExclusionSet { account, excluded });
        Ok(())
    }

    fn only_share_token(&self) -> Result<(), Error> {
        let caller = msg::sender();
        if caller != self.share_token.get() {
            return Err(Error::UnauthorizedHook(SplitterUnauthorizedHook { caller }));
        }
        Ok(())
    }

    fn eligible(&self) -> U256 {
        self.tracked_supply.get().saturating_sub(self.excluded_supply.get())
    }

    fn adjust_excluded_supply(&mut self, amount: U256, add: bool) -> Result<(), Error> {
        let current = self.excluded_supply.get();
        let next = if add { current.checked_add(amount) } else { current.checked_sub(amount) };
        self.excluded_supply.set(next.ok_or(Error::SupplyMismatch(SplitterSupplyMismatch {}))?);
        Ok(())
    }

    fn stored_pool(&self) -> Pool {
        Pool {
            acc: self.acc.get(),
            carry: self.carry.get(),
            unvested: self.unvested.get(),
            rate: self.stream_rate.get(),
            stream_end: self.stream_end.get().to(),
            last_release: self.last_release.get().to(),
        }
    }

    fn store_pool(&mut self, pool: &Pool) {
        self.acc.set(pool.acc);
        self.carry.set(pool.carry);
        self.unvested.set(pool.unvested);
        self.stream_rate.set(pool.rate);
        self.stream_end.set(U64::from(pool.stream_end));
        self.last_release.set(U64::from(pool.last_release));
    }

    /// The pool as it would be after releasing the stream up to `now` (read only).
    fn pool_at(&self, now: u64) -> Pool {
        let mut pool = self.stored_pool();
        pool.release(now, self.eligible());
        pool
    }

    /// The accumulator with the stream released up to now and stored, before the eligible
    /// supply changes (mints, burns, exclusions). While nothing streams (`unvested` is zero:
    /// instant payouts, or a stream fully released) a release moves no revenue (it would only
    /// restamp `last_release`, which the next stream resets), so the rest of the pool is
    /// neither read nor rewritten.
    fn released_acc(&mut self) -> U256 {
        if self.unvested.get().is_zero() {
            return self.acc.get();
        }
        let pool = self.pool_at(clock::now());
        self.store_pool(&pool);
        pool.acc
    }

    /// What [`Self::released_acc`] would return now, without storing anything: all a transfer
    /// between eligible holders or a claim needs, since neither changes the eligible supply.
    fn acc_now(&self) -> U256 {
        if self.unvested.get().is_zero() {
            return self.acc.get();
        }
        self.pool_at(clock::now()).acc
    }

    fn share_balance(&self, account: Address) -> Result<U256, Error> {
        let token = self.share_token.get();
        IBalanceOf::new(token)
            .balance_of(Call::new(), account)
            .map_err(|_| Error::BalanceUnavailable(SplitterBalanceUnavailable { token }))
    }

    fn asset_balance(&self, asset: Address, account: Address) -> Result<U256, Error> {
        IBalanceOf::new(asset)
            .balance_of(Call::new(), account)
            .map_err(|_| Error::BalanceUnavailable(SplitterBalanceUnavailable { token: asset }))
    }

    fn holder_claimable(&self, acc: U256, account: Address) -> Result<U256, Error> {
        let excluded = self.excluded.get(account);
        let balance = if excluded { U256::ZERO } else { self.share_balance(account)? };
        let accrued = accrual::accrual(acc, self.correction.get(account), balance, excluded);
        // withdrawn <= floor(accrued / 10^39) always holds: accruals never decrease.
        Ok(to_wei_down(accrued).saturating_sub(self.withdrawn.get(account)))
    }

    fn deposit_native(&mut self) -> Result<(), Error> {
        self.pausable.when_not_paused()?;
        let asset = self.asset.get();
        if !asset.is_zero() {
            return Err(Error::WrongAsset(SplitterWrongAsset { asset }));
        }
        let amount = msg::value();
        if amount.is_zero() {
            return Err(Error::ZeroDeposit(SplitterZeroDeposit {}));
        }
        self.credit(msg::sender(), amount)
    }

    /// Runs the waterfall over a deposit of `amount` that has already arrived. Refused while
    /// declared exclusions wait or no share is eligible (the revenue would have no owner).
    fn credit(&mut self, from: Address, amount: U256) -> Result<(), Error> {
        if amount.is_zero() {
            return Err(Error::ZeroDeposit(SplitterZeroDeposit {}));
        }
        let count = self.pending_count.get();
        if !count.is_zero() {
            return Err(Error::ExclusionsPending(SplitterExclusionsPending { count }));
        }
        if self.eligible().is_zero() {
            return Err(Error::NothingEligible(SplitterNothingEligible {}));
        }
        let mut to_payees = U256::ZERO;
        for i in 0..self.payees.len() {
            let Some(entry) = self.payees.getter(i) else { continue };
            let (payee, bps) = (entry.account.get(), entry.bps.get().to::<u16>());
            // amount * bps / 10_000 <= amount, rounded down; the dust goes to holders.
            let cut = amount.saturating_mul(U256::from(bps)) / U256::from(BPS_DENOMINATOR);
            if cut.is_zero() {
                continue;
            }
            let credit = self.payee_credit.get(payee);
            self.payee_credit.setter(payee).set(credit + cut);
            to_payees += cut;
            evm::log(PayeeCredited { payee, amount: cut });
        }
        let to_holders = amount - to_payees;
        let holders_total = self.total_to_holders.get() + to_holders;
        if holders_total >= MAX_TOTAL_TO_HOLDERS {
            return Err(Error::DepositTooLarge(SplitterDepositTooLarge { amount }));
        }
        self.total_to_holders.set(holders_total);
        let deposited = self.total_deposited.get();
        self.total_deposited.set(deposited.saturating_add(amount));

        let window: u64 = self.stream_seconds.get().to();
        if window == 0 {
            // Instant payouts never stream (`unvested` stays zero and the window is fixed at
            // construction), so a release would move nothing: only `acc` and `carry` change,
            // and the stream's slots are neither read nor restamped.
            let mut pool = Pool { acc: self.acc.get(), carry: self.carry.get(), ..Pool::default() };
            pool.distribute(magnify(to_holders), self.eligible());
            self.acc.set(pool.acc);
            self.carry.set(pool.carry);
        } else {
            let now = clock::now();
            let mut pool = self.pool_at(now);
            pool.deposit(magnify(to_holders), now, window, self.eligible());
            self.store_pool(&pool);
        }

        evm::log(RevenueDeposited { from, amount, toHolders: to_holders, toPayees: to_payees });
        Ok(())
    }

    fn pay(&mut self, recipient: Address, amount: U256) -> Result<(), Error> {
        let asset = self.asset.get();
        if asset.is_zero() {
            stylus_sdk::call::transfer_eth(recipient, amount)
                .map_err(|_| Error::EthTransferFailed(SplitterEthTransferFailed { recipient }))
        } else {
            Ok(self.safe_erc20.safe_transfer(asset, recipient, amount)?)
        }
    }
}

rigshare_common::public_access_control!(RevenueSplitter, Error);

#[public]
impl IPausable for RevenueSplitter {
    fn paused(&self) -> bool {
        self.pausable.paused()
    }
}

#[public]
impl IErc165 for RevenueSplitter {
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
    ("payees", &["accounts", "bps"]),
    ("totals", &["deposited", "toHolders", "claimed", "streaming", "carried"]),
    ("accumulator", &["magnifiedPerShare", "magnifiedCarry", "magnifiedUnvested", "magnifiedRatePerSecond", "streamEnd", "lastRelease"]),
    ("accountState", &["magnifiedCorrection", "withdrawn", "payeeCredit"]),
];

/// Every event this contract can emit, as human-readable Solidity declarations, for
/// `rigshare abi` (export-abi prints functions and errors but no events). Its own events, then
/// OpenZeppelin's: AccessControl (no `RoleAdminChanged`: no role admin is ever set) and
/// Pausable. Keep in step with the `sol!` block above.
#[cfg(feature = "export-abi")]
pub const ABI_EVENTS: &[&str] = &[
    "event SharesBound(address indexed shareToken, uint256 totalSupply)",
    "event RevenueDeposited(address indexed from, uint256 amount, uint256 toHolders, uint256 toPayees)",
    "event PayeeCredited(address indexed payee, uint256 amount)",
    "event Claimed(address indexed account, address indexed recipient, uint256 amount)",
    "event PayeesUpdated(address[] accounts, uint16[] bps)",
    "event ExclusionSet(address indexed account, bool excluded)",
    "event ExclusionPending(address indexed account, bool pending)",
    "event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)",
    "event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)",
    "event Paused(address account)",
    "event Unpaused(address account)",
];
