//! # RigShares
//!
//! ERC-20 shares (18 decimals, EIP-2612 permit) of a pool of rig deeds that this contract
//! holds. The operator deposits deeds of the one configured RigDeed contract by safe transfer;
//! deeds of any other contract are refused; a deed of that contract sent without the callback
//! can be listed by anyone (`adoptDeed`), so every deed `backing()` counts leaves with
//! `redeemAll`.
//!
//! ## Leaving the pool: `redeemAll` and the buy-out of the rest
//! A holder of at least [`BUYOUT_THRESHOLD_BPS`] of the supply (95%, fixed in the code, so
//! the same for every pool from the moment it is constructed) may burn its shares and take
//! every deed, paying for the shares it does not hold: the ETH sent with `redeemAll` is
//! escrowed in this contract, and the pool closes (no more deeds, no more mints). Each
//! remaining share is then a claim on the escrow: `claimBuyout` burns the caller's shares
//! and pays `escrow x shares / outstanding` of what is left, rounded down, so the last claimer
//! takes the remainder and no wei stays behind. No holder is forced out: nothing is taken
//! from a holder who does not claim (the shares, and any revenue they earned in the
//! splitters, stay theirs, with no deadline), and each outstanding share is paid exactly its
//! pro-rata part of an escrow fixed in full before any deed leaves. The price is the
//! buyer's; an escrow of zero is refused while shares are outstanding. Dust that cannot be
//! bought (1 unit sent to a dead address, an AMM's permanent minimum liquidity) so no longer
//! blocks the deeds; shares sent to this contract itself are refused.
//!
//! Every balance change (transfer, mint, burn) is reported to each of the pool's revenue
//! splitters in the same transaction, so revenue already earned stays with the holder who
//! earned it. A splitter pays out one asset, so a pool paid in ETH and in an ERC-20 (WBTC)
//! has one splitter per asset: at most [`MAX_SPLITTERS`], adopted one by one and never
//! removed (a splitter that stopped hearing of transfers would pay the wrong holders). The
//! report carries the amounts, not a request to read them back, because Stylus refuses
//! re-entry: the splitter cannot call this contract while it is mid-transfer.
//!
//! Optional compliance mode (admin): only allowlisted accounts may receive shares.
//!
//! ## Two modules
//! Every call into a Stylus program pays an entry cost that grows with the program's size, so
//! the crate builds two: the main module (ERC-20, permit, ERC-165, mint, burn and deed deposits:
//! [`IRigShares`]) and, with the `extension` feature, the extension module (administration,
//! roles, the buy-out and the views no transfer needs: [`IRigSharesExtension`] and
//! AccessControl). The share token is the main module, deployed with the extension's address;
//! its fallback hands every selector it does not route to the extension by delegatecall, so
//! those functions run in the share token's storage with the caller's sender and value, and
//! one ABI (abi/RigShares.json) lists them all at the share token's address. The extension is
//! stateless code: every pool may use the same one. Natively (tests, export-abi) one module
//! routes everything.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![allow(clippy::needless_pass_by_value)]
// The SDK's free functions (`msg::sender`, `evm::log`, ...) are what motsu intercepts in native
// tests; `self.vm()` is not, so they are used on purpose, as OpenZeppelin does.
#![allow(deprecated)]

extern crate alloc;

mod domain;

use alloc::{string::String, vec::Vec};

use alloy_primitives::{aliases::B32, keccak256, Address, FixedBytes, B256, U256, U8};
use openzeppelin_stylus::{
    access::control::{self, AccessControl, IAccessControl},
    token::{
        erc20::{
            self,
            extensions::{metadata::DEFAULT_DECIMALS, permit, Erc20Permit, IErc20Metadata, IErc20Permit},
            Erc20, IErc20,
        },
        erc721::receiver::RECEIVER_FN_SELECTOR,
    },
    utils::{
        cryptography::{ecdsa, eip712},
        introspection::erc165::IErc165,
        nonces::{INonces, Nonces},
        storage_slot::StorageSlot,
    },
};
use alloy_sol_types::SolEvent;
use rigshare_common::{calls, events::emit, forward_errors, outputs, Outputs, ACCESS_CONTROL_INTERFACE_ID, ShortText, ADMIN_ROLE, MINTER_ROLE, OPERATOR_ROLE, SHARES_BOUND_MAGIC};
use stylus_sdk::{
    abi::Bytes,
    block, contract, evm, msg,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256, StorageVec},
};

pub use domain::PermitDomain;
pub use sol::*;

/// ERC-165 id of `IERC721Receiver` (`onERC721Received`'s selector).
pub const ERC721_RECEIVER_INTERFACE_ID: B32 = RECEIVER_FN_SELECTOR;

/// Most deeds one pool holds; bounds `redeemAll` and `deedIds` gas.
pub const MAX_POOL_DEEDS: usize = 128;

/// Most revenue splitters one pool reports to (one per payout asset), the first included;
/// bounds the calls every transfer makes.
pub const MAX_SPLITTERS: usize = 4;

/// Share of the supply (basis points) a holder needs for `redeemAll`: 95%, that is, at most
/// 1/[`BUYOUT_REST_DIVISOR`] of the supply held by others.
pub const BUYOUT_THRESHOLD_BPS: u64 = 9_500;

/// `redeemAll` needs `outstanding x 20 <= supply` (the same 95%, checked with shifts).
pub const BUYOUT_REST_DIVISOR: u64 = 20;

/// The deed and splitter functions the pool calls (see `IRigBacking` and `IShareCheckpoint` in
/// rigshare_common), encoded by [`calls`].
const OWNER_OF: [u8; 4] = calls::selector("ownerOf(uint256)");
const BACKING_OF: [u8; 4] = calls::selector("backingOf(address)");
const SAFE_TRANSFER_FROM: [u8; 4] = calls::selector("safeTransferFrom(address,address,uint256)");
const SHARE_TOKEN: [u8; 4] = calls::selector("shareToken()");
const ON_SHARES_TRANSFER: [u8; 4] = calls::selector("onSharesTransfer(address,address,uint256)");

/// A buy-out needs a supply below 2^254 base units, which keeps [`mul_div_down`] exact.
const MAX_BUYOUT_SUPPLY_BITS: usize = 254;

mod sol {
    use alloy_sol_types::sol;

    sol! {
        /// A revenue splitter was adopted: the first (`setRevenueSplitter`, or
        /// `addRevenueSplitter` while there is none) or a further one (`addRevenueSplitter`).
        #[derive(Debug)]
        #[allow(missing_docs)]
        event RevenueSplitterSet(address indexed splitter);
        /// A deed entered the pool.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event DeedDeposited(uint256 indexed tokenId, address indexed from, address indexed operator);
        /// The sole holder burned every share and took the deeds.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event PoolRedeemed(address indexed holder, address indexed recipient, uint256 shares, uint256 deeds);
        /// `redeemAll` escrowed `amount` wei for the `shares` it did not hold.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event BuyoutEscrowed(address indexed holder, uint256 amount, uint256 shares);
        /// A remaining holder burned `shares` and was paid `amount` wei from the escrow.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event BuyoutClaimed(address indexed holder, address indexed recipient, uint256 shares, uint256 amount);
        /// Compliance mode was switched on or off.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event ComplianceModeSet(bool enabled);
        /// An account was added to or removed from the allowlist.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event AllowlistUpdated(address indexed account, bool allowed);
    }

    sol! {
        /// Only deeds of the configured RigDeed contract may enter the pool.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SharesForeignDeed(address token);
        /// Only an operator may deposit deeds.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SharesUnauthorizedDepositor(address operator);
        /// The pool already holds the maximum number of deeds.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SharesPoolFull(uint256 max);
        /// The splitter is set once; this one is already set.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SharesSplitterAlreadySet(address splitter);
        /// The splitter has no code, does not name this token as its share token, or did not
        /// answer `onSharesBound` with its selector.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SharesInvalidSplitter(address splitter);
        /// `addRevenueSplitter`: this splitter is already adopted.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SharesDuplicateSplitter(address splitter);
        /// `addRevenueSplitter`: the pool already reports to `max` splitters.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SharesTooManySplitters(uint256 max);
        /// The splitter refused the checkpoint; `reason` is its revert data.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SharesCheckpointFailed(address splitter, bytes reason);
        /// `redeemAll` needs at least `BUYOUT_THRESHOLD_BPS` of the supply.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SharesNotSoleHolder(uint256 balance, uint256 supply);
        /// A deed could not be sent out of the pool; `reason` is the deed contract's revert data.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SharesDeedTransferFailed(uint256 tokenId, bytes reason);
        /// Compliance mode is on and the receiver is not allowlisted.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SharesReceiverNotAllowed(address account);
        /// Constructor: the RigDeed address is not a contract.
        #[derive(Debug)]
        error SharesInvalidRigDeed();
        /// The deed contract could not be read; `reason` is its revert data.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SharesBackingUnavailable(address deed, bytes reason);
        /// `adoptDeed`: the pool does not own this deed, or already lists it.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SharesDeedNotAdoptable(uint256 tokenId);
        /// Burning the last shares while the pool holds deeds would strand them: use `redeemAll`.
        #[derive(Debug)]
        error SharesUseRedeemAll();
        /// Constructor: the admin is the zero address.
        #[derive(Debug)]
        error SharesZeroAdmin();
        /// Constructor: the extension module is not a contract.
        #[derive(Debug)]
        error SharesInvalidExtension();
        /// Constructor: the name (field 0) or symbol (field 1) is empty or over 64 bytes.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SharesInvalidText(uint8 field, uint256 length);
        /// `redeemAll`: `escrow` wei for `shares` outstanding shares (zero for a non-zero
        /// number, or any for none).
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SharesInvalidEscrow(uint256 escrow, uint256 shares);
        /// The pool was bought out: no deed enters, no share is minted or burned other than by
        /// `claimBuyout`, no second `redeemAll`, until every escrowed share has claimed.
        #[derive(Debug)]
        error SharesPoolClosed();
        /// `claimBuyout`: no escrow, or the caller holds no share.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error SharesNothingToClaim(address account);

    }
}

rigshare_common::solidity_errors! {
    /// Every error RigShares can return, as Solidity custom errors.
    #[derive(Debug)]
    pub enum Error {
        /// See [`SharesForeignDeed`].
        ForeignDeed(SharesForeignDeed { token }),
        /// See [`SharesUnauthorizedDepositor`].
        UnauthorizedDepositor(SharesUnauthorizedDepositor { operator }),
        /// See [`SharesPoolFull`].
        PoolFull(SharesPoolFull { max }),
        /// See [`SharesSplitterAlreadySet`].
        SplitterAlreadySet(SharesSplitterAlreadySet { splitter }),
        /// See [`SharesInvalidSplitter`].
        InvalidSplitter(SharesInvalidSplitter { splitter }),
        /// See [`SharesDuplicateSplitter`].
        DuplicateSplitter(SharesDuplicateSplitter { splitter }),
        /// See [`SharesTooManySplitters`].
        TooManySplitters(SharesTooManySplitters { max }),
        /// See [`SharesCheckpointFailed`].
        CheckpointFailed(SharesCheckpointFailed { splitter, reason }),
        /// See [`SharesNotSoleHolder`].
        NotSoleHolder(SharesNotSoleHolder { balance, supply }),
        /// See [`SharesDeedTransferFailed`].
        DeedTransferFailed(SharesDeedTransferFailed { tokenId, reason }),
        /// See [`SharesReceiverNotAllowed`].
        ReceiverNotAllowed(SharesReceiverNotAllowed { account }),
        /// See [`SharesInvalidRigDeed`].
        InvalidRigDeed(SharesInvalidRigDeed {}),
        /// See [`SharesBackingUnavailable`].
        BackingUnavailable(SharesBackingUnavailable { deed, reason }),
        /// See [`SharesDeedNotAdoptable`].
        DeedNotAdoptable(SharesDeedNotAdoptable { tokenId }),
        /// See [`SharesUseRedeemAll`].
        UseRedeemAll(SharesUseRedeemAll {}),
        /// See [`SharesZeroAdmin`].
        ZeroAdmin(SharesZeroAdmin {}),
        /// See [`SharesInvalidExtension`].
        InvalidExtension(SharesInvalidExtension {}),
        /// See [`SharesInvalidText`].
        InvalidText(SharesInvalidText { field, length }),
        /// See [`SharesInvalidEscrow`].
        InvalidEscrow(SharesInvalidEscrow { escrow, shares }),
        /// See [`SharesPoolClosed`].
        PoolClosed(SharesPoolClosed {}),
        /// See [`SharesNothingToClaim`].
        NothingToClaim(SharesNothingToClaim { account }),

        /// ERC-20: balance too low.
        InsufficientBalance(erc20::ERC20InsufficientBalance { sender, balance, needed }),
        /// ERC-20: bad sender.
        InvalidSender(erc20::ERC20InvalidSender { sender }),
        /// ERC-20: bad receiver.
        InvalidReceiver(erc20::ERC20InvalidReceiver { receiver }),
        /// ERC-20: allowance too low.
        InsufficientAllowance(erc20::ERC20InsufficientAllowance { spender, allowance, needed }),
        /// ERC-20: bad spender.
        InvalidSpender(erc20::ERC20InvalidSpender { spender }),
        /// ERC-20: bad approver.
        InvalidApprover(erc20::ERC20InvalidApprover { approver }),
        /// EIP-2612: deadline passed.
        ExpiredSignature(permit::ERC2612ExpiredSignature { deadline }),
        /// EIP-2612: signer is not the owner.
        InvalidSigner(permit::ERC2612InvalidSigner { signer, owner }),
        /// ecrecover: bad signature.
        InvalidSignature(ecdsa::ECDSAInvalidSignature {}),
        /// ecrecover: malleable `s`.
        InvalidSignatureS(ecdsa::ECDSAInvalidSignatureS { s }),
        /// Caller lacks the role.
        UnauthorizedAccount(control::AccessControlUnauthorizedAccount { account, needed_role }),
        /// `renounceRole` for someone else.
        BadConfirmation(control::AccessControlBadConfirmation {}),
    }
}

forward_errors!(Error: erc20::Error {
    InsufficientBalance, InvalidSender, InvalidReceiver, InsufficientAllowance, InvalidSpender,
    InvalidApprover,
});
forward_errors!(Error: permit::Error {
    InsufficientBalance, InvalidSender, InvalidReceiver, InsufficientAllowance, InvalidSpender,
    InvalidApprover, ExpiredSignature, InvalidSigner, InvalidSignature, InvalidSignatureS,
});
forward_errors!(Error: control::Error { UnauthorizedAccount, BadConfirmation });

/// The share token. Field order is the storage layout: append only.
#[entrypoint]
#[storage]
pub struct RigShares {
    erc20: Erc20,
    name: ShortText,
    symbol: ShortText,
    nonces: Nonces,
    permit: Erc20Permit<PermitDomain>,
    access: AccessControl,
    /// The only deed contract whose tokens the pool accepts.
    rig_deed: StorageAddress,
    /// The first revenue splitter, set once; zero until then.
    splitter: StorageAddress,
    /// Deed ids the pool holds, in deposit order.
    deeds: StorageVec<StorageU256>,
    /// Compliance mode: only allowlisted accounts may receive shares.
    compliance: StorageBool,
    /// The allowlist.
    allowed: StorageMap<Address, StorageBool>,
    /// Whether a deed id is in `deeds`.
    listed: StorageMap<U256, StorageBool>,
    /// The splitters after the first, in the order adopted (at most `MAX_SPLITTERS - 1`).
    more_splitters: StorageVec<StorageAddress>,
    /// Buy-out escrow left, in wei.
    escrow: StorageU256,
    /// Shares that may still claim it; non-zero = the pool is closed.
    escrow_shares: StorageU256,
    /// The extension module (see [`IRigSharesExtension`]), fixed at construction.
    extension: StorageAddress,
}

/// The share token's own functions beside ERC-20, permit and ERC-165: everything a transfer,
/// a mint, a burn or a deed deposit needs. The main module routes them.
pub trait IRigShares {
    /// The operator role id, `keccak256("OPERATOR_ROLE")`: deposits deeds.
    fn operator_role(&self) -> B256;

    /// The minter role id, `keccak256("MINTER_ROLE")`: mints new shares.
    fn minter_role(&self) -> B256;

    /// The RigDeed contract whose deeds back this pool.
    fn rig_deed(&self) -> Address;

    /// The first revenue splitter (zero until set).
    fn revenue_splitter(&self) -> Address;

    /// Every revenue splitter, the first one first, then in the order adopted.
    fn revenue_splitters(&self) -> Vec<Address>;

    /// Mints new shares to `to`. Minter only (a primary-sale contract; no one by default).
    /// Not once the pool is bought out.
    fn mint(&mut self, to: Address, amount: U256) -> Result<(), Error>;

    /// Burns `amount` of the caller's shares.
    fn burn(&mut self, amount: U256) -> Result<(), Error>;

    /// Burns `amount` of `account`'s shares against the caller's allowance.
    fn burn_from(&mut self, account: Address, amount: U256) -> Result<(), Error>;

    /// ERC-721 receiver: accepts a deed into the pool when it comes from the configured
    /// RigDeed contract and the account moving it is an operator.
    fn on_erc721_received(
        &mut self,
        operator: Address,
        from: Address,
        token_id: U256,
        _data: Bytes,
    ) -> Result<B32, Error>;

    /// Number of deeds held by the pool.
    fn deed_count(&self) -> U256;
}

/// The pool's administration, its buy-out and the views no transfer needs. On chain they are
/// a second module, the extension: the main module hands every selector it does not route to
/// it by delegatecall, so they run in the pool's storage with the caller's sender and value,
/// and the main module every transfer enters stays small (a program's entry cost grows with
/// its size). Natively (tests, export-abi) one module routes everything.
pub trait IRigSharesExtension {
    /// The extension module this share token hands these functions to (fixed at
    /// construction), for anyone verifying the code that runs in the pool's storage.
    fn extension(&self) -> Address;

    /// Adopts the pool's first revenue splitter, once. Admin only. The splitter is told the
    /// current supply and from then on hears of every balance change.
    fn set_revenue_splitter(&mut self, splitter: Address) -> Result<(), Error>;

    /// Adopts one more revenue splitter (one per payout asset), bound like the first: told the
    /// current supply, then told of every balance change. Admin only. With no splitter yet it
    /// adopts the first, exactly as `setRevenueSplitter`. Refuses a splitter already adopted
    /// and a splitter beyond [`MAX_SPLITTERS`] in all. Splitters are never removed.
    fn add_revenue_splitter(&mut self, splitter: Address) -> Result<(), Error>;

    /// Lists a deed the pool owns but did not receive through `safeTransferFrom` (sent with a
    /// plain `transferFrom`, or gifted), so that it counts in `deedIds` and leaves with
    /// `redeemAll`. Anyone may call it: the deed is already the pool's, and `backing()`
    /// already counts it.
    fn adopt_deed(&mut self, token_id: U256) -> Result<(), Error>;

    /// Deed ids held by the pool, in deposit order.
    fn deed_ids(&self) -> Vec<U256>;

    /// Summed hashrate (GH/s) and power (W), and the count, of the pool's non-retired rigs.
    fn backing(&self) -> Result<(U256, U256, U256), Error>;

    /// Burns the caller's shares, at least [`BUYOUT_THRESHOLD_BPS`] of the supply, and sends
    /// every deed to `recipient`. The ETH sent buys out the other shares: it is escrowed for
    /// their holders (`claimBuyout`), and must be non-zero exactly when other shares exist.
    /// The pool then stays closed until every escrowed share has claimed.
    fn redeem_all(&mut self, recipient: Address) -> Result<(), Error>;

    /// After a buy-out: burns all the caller's shares and pays `recipient` their part of
    /// the escrow, `escrow left x shares / shares left`, rounded down (the last claimer takes
    /// the remainder). Returns the amount paid. A recipient that refuses the ETH is refused
    /// (`ERC20InvalidReceiver`). What is left to claim: this contract's ETH balance for the
    /// shares still in circulation (`totalSupply()`), as `BuyoutEscrowed` announced.
    fn claim_buyout(&mut self, recipient: Address) -> Result<U256, Error>;

    /// Whether compliance mode is on.
    fn compliance_mode(&self) -> bool;

    /// Switches compliance mode. Admin only.
    fn set_compliance_mode(&mut self, enabled: bool) -> Result<(), Error>;

    /// Whether `account` is allowlisted.
    fn is_allowed(&self, account: Address) -> bool;

    /// Adds `account` to, or removes it from, the allowlist. Admin only.
    fn set_allowed(&mut self, account: Address, allowed: bool) -> Result<(), Error>;

    /// EIP-5267: the EIP-712 domain that `permit` signatures are checked against.
    fn eip712_domain(&self) -> Outputs<(FixedBytes<1>, String, String, U256, Address, B256, Vec<U256>)>;
}

/// The main module: the share token, and its fallback to the extension.
#[cfg(all(target_arch = "wasm32", not(feature = "extension")))]
#[public]
#[implements(IRigShares, IErc20<Error = Error>, IErc20Metadata, IErc20Permit<Error = Error>, INonces, IErc165)]
impl RigShares {
    /// The constructor: its arguments and work are `init`'s.
    #[constructor]
    pub fn constructor(&mut self, name: String, symbol: String, initial_supply: U256, issuer: Address, rig_deed: Address, admin: Address, extension: Address) -> Result<(), Error> {
        self.init(name, symbol, initial_supply, issuer, rig_deed, admin, extension)
    }

    /// Every selector this module does not route: the extension's, run by delegatecall in
    /// this contract's storage with this call's sender and value; its return data or revert
    /// data is passed back unchanged (an unknown selector reverts there, with no data).
    #[fallback]
    #[payable]
    pub fn fallback(&mut self, input: &[u8]) -> stylus_sdk::ArbResult {
        let extension = self.extension.get();
        calls::delegate(self, extension, input)
    }
}

/// The extension module (`--features extension`): only ever entered by the main module's
/// delegatecall, in the pool's storage. Built with stylus-proc's `reentrant`, since Nitro
/// counts a delegatecall frame as a second frame of the same contract (`msg_reentrant`); the
/// main module still refuses re-entry, so nothing can enter the pool while it runs.
#[cfg(all(target_arch = "wasm32", feature = "extension"))]
#[public]
#[implements(IRigSharesExtension, IAccessControl<Error = Error>)]
impl RigShares {
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
#[implements(IRigShares, IRigSharesExtension, IErc20<Error = Error>, IErc20Metadata, IErc20Permit<Error = Error>, INonces, IAccessControl<Error = Error>, IErc165)]
impl RigShares {
    /// The constructor: its arguments and work are `init`'s.
    #[constructor]
    pub fn constructor(&mut self, name: String, symbol: String, initial_supply: U256, issuer: Address, rig_deed: Address, admin: Address, extension: Address) -> Result<(), Error> {
        self.init(name, symbol, initial_supply, issuer, rig_deed, admin, extension)
    }
}

#[public]
impl IRigShares for RigShares {
    /// The operator role id, `keccak256("OPERATOR_ROLE")`: deposits deeds.
    #[selector(name = "OPERATOR_ROLE")]
    fn operator_role(&self) -> B256 {
        OPERATOR_ROLE.into()
    }

    /// The minter role id, `keccak256("MINTER_ROLE")`: mints new shares.
    #[selector(name = "MINTER_ROLE")]
    fn minter_role(&self) -> B256 {
        MINTER_ROLE.into()
    }

    /// The RigDeed contract whose deeds back this pool.
    fn rig_deed(&self) -> Address {
        self.rig_deed.get()
    }

    /// The first revenue splitter (zero until set).
    fn revenue_splitter(&self) -> Address {
        self.splitter.get()
    }

    /// Every revenue splitter, the first one first, then in the order adopted.
    fn revenue_splitters(&self) -> Vec<Address> {
        let mut all = Vec::new();
        let first = self.splitter.get();
        if !first.is_zero() {
            all.push(first);
            for i in 0..self.more_splitters.len() {
                all.extend(self.more_splitters.get(i));
            }
        }
        all
    }

    /// Mints new shares to `to`. Minter only (a primary-sale contract; no one by default).
    /// Not once the pool is bought out.
    fn mint(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        self.access.only_role(MINTER_ROLE.into())?;
        self.check_open()?;
        self.check_receiver(to)?;
        self.erc20._mint(to, amount)?;
        self.checkpoint(Address::ZERO, to, amount)
    }

    /// Burns `amount` of the caller's shares.
    fn burn(&mut self, amount: U256) -> Result<(), Error> {
        let account = msg::sender();
        self.check_not_stranding(amount)?;
        self.erc20._burn(account, amount)?;
        self.checkpoint(account, Address::ZERO, amount)
    }

    /// Burns `amount` of `account`'s shares against the caller's allowance.
    fn burn_from(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        self.check_not_stranding(amount)?;
        self.erc20._spend_allowance(account, msg::sender(), amount)?;
        self.erc20._burn(account, amount)?;
        self.checkpoint(account, Address::ZERO, amount)
    }

    /// ERC-721 receiver: accepts a deed into the pool when it comes from the configured
    /// RigDeed contract and the account moving it is an operator.
    #[selector(name = "onERC721Received")]
    fn on_erc721_received(
        &mut self,
        operator: Address,
        from: Address,
        token_id: U256,
        _data: Bytes,
    ) -> Result<B32, Error> {
        let token = msg::sender();
        if token != self.rig_deed.get() {
            return Err(Error::ForeignDeed(SharesForeignDeed { token }));
        }
        if !self.access.has_role(OPERATOR_ROLE.into(), operator) {
            return Err(Error::UnauthorizedDepositor(SharesUnauthorizedDepositor { operator }));
        }
        self.list_deed(token_id)?;
        emit(&[DeedDeposited::SIGNATURE_HASH, token_id.into(), from.into_word(), operator.into_word()], &[]);
        Ok(RECEIVER_FN_SELECTOR)
    }

    /// Number of deeds held by the pool.
    fn deed_count(&self) -> U256 {
        U256::from(self.deeds.len())
    }
}

#[public]
impl IRigSharesExtension for RigShares {
    fn extension(&self) -> Address {
        self.extension.get()
    }

    /// Adopts the pool's first revenue splitter, once. Admin only. The splitter is told the
    /// current supply and from then on hears of every balance change.
    fn set_revenue_splitter(&mut self, splitter: Address) -> Result<(), Error> {
        self.access.only_role(ADMIN_ROLE.into())?;
        let current = self.splitter.get();
        if !current.is_zero() {
            return Err(Error::SplitterAlreadySet(SharesSplitterAlreadySet { splitter: current }));
        }
        self.adopt_splitter(splitter)
    }

    /// Adopts one more revenue splitter (one per payout asset), bound like the first: told the
    /// current supply, then told of every balance change. Admin only. With no splitter yet it
    /// adopts the first, exactly as `setRevenueSplitter`. Refuses a splitter already adopted
    /// and a splitter beyond [`MAX_SPLITTERS`] in all. Splitters are never removed.
    fn add_revenue_splitter(&mut self, splitter: Address) -> Result<(), Error> {
        self.access.only_role(ADMIN_ROLE.into())?;
        let all = self.revenue_splitters();
        if all.contains(&splitter) {
            return Err(Error::DuplicateSplitter(SharesDuplicateSplitter { splitter }));
        }
        if all.len() >= MAX_SPLITTERS {
            return Err(Error::TooManySplitters(SharesTooManySplitters { max: U256::from(MAX_SPLITTERS) }));
        }
        self.adopt_splitter(splitter)
    }

    /// Lists a deed the pool owns but did not receive through `safeTransferFrom` (sent with a
    /// plain `transferFrom`, or gifted), so that it counts in `deedIds` and leaves with
    /// `redeemAll`. Anyone may call it: the deed is already the pool's, and `backing()`
    /// already counts it.
    fn adopt_deed(&mut self, token_id: U256) -> Result<(), Error> {
        let operator = msg::sender();
        let deed = self.rig_deed.get();
        let owner = calls::decoded(calls::static_call(deed, &calls::calldata(OWNER_OF, &[&token_id])), calls::address)
            .map_err(|reason| backing_unavailable(deed, reason))?;
        if owner != contract::address() || self.listed.get(token_id) {
            return Err(Error::DeedNotAdoptable(SharesDeedNotAdoptable { tokenId: token_id }));
        }
        self.list_deed(token_id)?;
        emit(&[DeedDeposited::SIGNATURE_HASH, token_id.into(), B256::ZERO, operator.into_word()], &[]);
        Ok(())
    }

    /// Deed ids held by the pool, in deposit order.
    fn deed_ids(&self) -> Vec<U256> {
        (0..self.deeds.len()).filter_map(|i| self.deeds.get(i)).collect()
    }

    /// Summed hashrate (GH/s) and power (W), and the count, of the pool's non-retired rigs.
    fn backing(&self) -> Result<(U256, U256, U256), Error> {
        let deed = self.rig_deed.get();
        let pool = contract::address();
        calls::decoded(calls::static_call(deed, &calls::calldata(BACKING_OF, &[&pool])), calls::uints3)
            .map_err(|reason| backing_unavailable(deed, reason))
    }

    /// Burns the caller's shares, at least [`BUYOUT_THRESHOLD_BPS`] of the supply, and sends
    /// every deed to `recipient`. The ETH sent buys out the other shares: it is escrowed for
    /// their holders (`claimBuyout`), and must be non-zero exactly when other shares exist.
    /// The pool then stays closed until every escrowed share has claimed.
    #[payable]
    fn redeem_all(&mut self, recipient: Address) -> Result<(), Error> {
        self.check_open()?;
        let holder = msg::sender();
        let supply = self.erc20.total_supply();
        let balance = self.erc20.balance_of(holder);
        // balance <= supply, so no underflow.
        let rest = supply - balance;
        // rest x 20 = (rest << 4) + (rest << 2), exact below 2^252; from 2^252 up it exceeds
        // any supply. A supply of 2^254 or more (absurd) is refused, see mul_div_down.
        let rest_x20 = if rest >> 252usize == U256::ZERO { (rest << 4usize).checked_add(rest << 2usize) } else { None };
        let fits = supply >> MAX_BUYOUT_SUPPLY_BITS == U256::ZERO;
        if supply.is_zero() || !fits || rest_x20.is_none_or(|r| r > supply) {
            return Err(Error::NotSoleHolder(SharesNotSoleHolder { balance, supply }));
        }
        if recipient.is_zero() {
            return Err(Error::InvalidReceiver(erc20::ERC20InvalidReceiver { receiver: recipient }));
        }
        let escrow = msg::value();
        if rest.is_zero() != escrow.is_zero() {
            return Err(Error::InvalidEscrow(SharesInvalidEscrow { escrow, shares: rest }));
        }

        // Effects: escrow, burn, empty the pool's list, report to the splitters.
        self.escrow.set(escrow);
        self.escrow_shares.set(rest);
        self.erc20._burn(holder, balance)?;
        let ids = self.deed_ids();
        for id in &ids {
            self.listed.setter(*id).set(false);
        }
        self.deeds.erase();
        let deeds = U256::from(ids.len());
        emit(&[PoolRedeemed::SIGNATURE_HASH, holder.into_word(), recipient.into_word()], &[&balance, &deeds]);
        if !rest.is_zero() {
            emit(&[BuyoutEscrowed::SIGNATURE_HASH, holder.into_word()], &[&escrow, &rest]);
        }
        self.checkpoint(holder, Address::ZERO, balance)?;

        // Interactions: hand the deeds over.
        let deed = self.rig_deed.get();
        let pool = contract::address();
        for token_id in ids {
            let sent = calls::call(self, deed, &calls::calldata(SAFE_TRANSFER_FROM, &[&pool, &recipient, &token_id]));
            calls::decoded(sent, calls::nothing).map_err(|reason| {
                Error::DeedTransferFailed(SharesDeedTransferFailed { tokenId: token_id, reason: reason.into() })
            })?;
        }
        Ok(())
    }

    /// After a buy-out: burns all the caller's shares and pays `recipient` their part of
    /// the escrow, `escrow left x shares / shares left`, rounded down (the last claimer takes
    /// the remainder). Returns the amount paid. A recipient that refuses the ETH is refused
    /// (`ERC20InvalidReceiver`). What is left to claim: this contract's ETH balance for the
    /// shares still in circulation (`totalSupply()`), as `BuyoutEscrowed` announced.
    fn claim_buyout(&mut self, recipient: Address) -> Result<U256, Error> {
        let holder = msg::sender();
        let shares = self.erc20.balance_of(holder);
        let left = self.escrow_shares.get();
        if shares.is_zero() || left.is_zero() {
            return Err(Error::NothingToClaim(SharesNothingToClaim { account: holder }));
        }
        let pot = self.escrow.get();
        // shares <= left (every outstanding share is escrowed: the buyer's were burned, and
        // none are minted or burned otherwise while closed), so amount <= pot.
        let amount = mul_div_down(pot, shares, left);

        // Effects.
        self.escrow.set(pot - amount);
        self.escrow_shares.set(left - shares);
        self.erc20._burn(holder, shares)?;
        emit(&[BuyoutClaimed::SIGNATURE_HASH, holder.into_word(), recipient.into_word()], &[&shares, &amount]);
        self.checkpoint(holder, Address::ZERO, shares)?;

        // Interaction.
        // A recipient that refuses ETH is an invalid receiver; the holder may name another.
        stylus_sdk::call::transfer_eth(recipient, amount)
            .map_err(|_| Error::InvalidReceiver(erc20::ERC20InvalidReceiver { receiver: recipient }))?;
        Ok(amount)
    }

    /// Whether compliance mode is on.
    fn compliance_mode(&self) -> bool {
        self.compliance.get()
    }

    /// Switches compliance mode. Admin only.
    fn set_compliance_mode(&mut self, enabled: bool) -> Result<(), Error> {
        self.access.only_role(ADMIN_ROLE.into())?;
        self.compliance.set(enabled);
        emit(&[ComplianceModeSet::SIGNATURE_HASH], &[&enabled]);
        Ok(())
    }

    /// Whether `account` is allowlisted.
    fn is_allowed(&self, account: Address) -> bool {
        self.allowed.get(account)
    }

    /// Adds `account` to, or removes it from, the allowlist. Admin only.
    fn set_allowed(&mut self, account: Address, allowed: bool) -> Result<(), Error> {
        self.access.only_role(ADMIN_ROLE.into())?;
        self.allowed.setter(account).set(allowed);
        emit(&[AllowlistUpdated::SIGNATURE_HASH, account.into_word()], &[&allowed]);
        Ok(())
    }

    /// EIP-5267: the EIP-712 domain that `permit` signatures are checked against.
    #[selector(name = "eip712Domain")]
    #[allow(clippy::type_complexity)]
    fn eip712_domain(&self) -> Outputs<(FixedBytes<1>, String, String, U256, Address, B256, Vec<U256>)> {
        let (fields, name, version, chain_id, verifying_contract, salt, extensions) =
            domain::describe(self.name.get());
        outputs((
            FixedBytes::from(fields),
            name,
            version,
            chain_id,
            verifying_contract,
            B256::from(salt),
            extensions,
        ))
    }
}

impl RigShares {
    /// Mints `initial_supply` to `issuer`, binds the pool to `rig_deed`, makes `admin` its
    /// admin and `extension` the module that serves [`IRigSharesExtension`]. The admin is an
    /// argument because inside a deployment through StylusDeployer `msg.sender` is the
    /// deployer.
    /// (The constructor's work, the same in the main module and natively; the extension module
    /// has none.)
    #[allow(clippy::too_many_arguments)]
    #[cfg_attr(all(target_arch = "wasm32", feature = "extension"), allow(dead_code))]
    fn init(
        &mut self,
        name: String,
        symbol: String,
        initial_supply: U256,
        issuer: Address,
        rig_deed: Address,
        admin: Address,
        extension: Address,
    ) -> Result<(), Error> {

        if !rig_deed.has_code() {
            return Err(Error::InvalidRigDeed(SharesInvalidRigDeed {}));
        }
        if !extension.has_code() {
            return Err(Error::InvalidExtension(SharesInvalidExtension {}));
        }
        if admin.is_zero() {
            return Err(Error::ZeroAdmin(SharesZeroAdmin {}));
        }
        for (field, text) in [(0u8, &name), (1u8, &symbol)] {
            if !ShortText::fits(text) {
                return Err(Error::InvalidText(SharesInvalidText { field, length: U256::from(text.len()) }));
            }
        }
        domain::set_name(&name);
        self.name.set(&name);
        self.symbol.set(&symbol);
        self.rig_deed.set(rig_deed);
        self.extension.set(extension);
        self.access._grant_role(ADMIN_ROLE.into(), admin);
        self.erc20._mint(issuer, initial_supply)?;
        Ok(())
    }

    /// Records `splitter` (the first, or one more), then binds it with the current supply.
    /// Callers have checked the role and the count. The splitter must name this token as its
    /// share token and answer `onSharesBound` with the hook's selector: a contract that
    /// accepts any call would otherwise be adopted, and every transfer depends on it.
    fn adopt_splitter(&mut self, splitter: Address) -> Result<(), Error> {
        let invalid = Error::InvalidSplitter(SharesInvalidSplitter { splitter });
        if !splitter.has_code()
            || calls::decoded(calls::static_call(splitter, &SHARE_TOKEN), calls::address).ok() != Some(contract::address())
        {
            return Err(invalid);
        }
        if self.splitter.get().is_zero() {
            self.splitter.set(splitter);
        } else {
            self.more_splitters.push(splitter);
        }
        emit(&[RevenueSplitterSet::SIGNATURE_HASH, splitter.into_word()], &[]);
        let supply = self.erc20.total_supply();
        match calls::call(self, splitter, &calls::calldata(SHARES_BOUND_MAGIC, &[&supply])) {
            Ok(magic) if calls::bytes4(&magic) == Some(SHARES_BOUND_MAGIC) => Ok(()),
            Err(reason) => Err(checkpoint_failed(splitter, reason)),
            _ => Err(invalid),
        }
    }

    /// Refuses while a buy-out escrow is outstanding.
    fn check_open(&self) -> Result<(), Error> {
        if !self.escrow_shares.get().is_zero() {
            return Err(Error::PoolClosed(SharesPoolClosed {}));
        }
        Ok(())
    }

    /// Appends a deed to the pool's list (not once bought out).
    fn list_deed(&mut self, token_id: U256) -> Result<(), Error> {
        self.check_open()?;
        if self.deeds.len() >= MAX_POOL_DEEDS {
            return Err(Error::PoolFull(SharesPoolFull { max: U256::from(MAX_POOL_DEEDS) }));
        }
        self.deeds.push(token_id);
        self.listed.setter(token_id).set(true);
        Ok(())
    }

    /// Refuses a burn of the entire supply while deeds back it: only `redeemAll` may take
    /// the last shares, and it hands the deeds over. After a buy-out only `claimBuyout`
    /// burns, so the escrowed shares stay equal to the supply and the last claimer empties
    /// the escrow.
    fn check_not_stranding(&self, amount: U256) -> Result<(), Error> {
        self.check_open()?;
        if self.deeds.len() > 0 && !amount.is_zero() && amount >= self.erc20.total_supply() {
            return Err(Error::UseRedeemAll(SharesUseRedeemAll {}));
        }
        Ok(())
    }

    /// Refuses this contract as a receiver (shares sent to it could never leave), and a
    /// receiver outside the allowlist while compliance mode is on.
    fn check_receiver(&self, to: Address) -> Result<(), Error> {
        if to == contract::address() {
            return Err(Error::InvalidReceiver(erc20::ERC20InvalidReceiver { receiver: to }));
        }
        if self.compliance.get() && !self.allowed.get(to) {
            return Err(Error::ReceiverNotAllowed(SharesReceiverNotAllowed { account: to }));
        }
        Ok(())
    }

    /// Reports a balance change to every splitter, first one first (at most
    /// [`MAX_SPLITTERS`] calls). Any refusal reverts the whole change.
    fn checkpoint(&mut self, from: Address, to: Address, amount: U256) -> Result<(), Error> {
        for splitter in self.revenue_splitters() {
            let told = calls::call(self, splitter, &calls::calldata(ON_SHARES_TRANSFER, &[&from, &to, &amount]));
            calls::decoded(told, calls::nothing).map_err(|reason| checkpoint_failed(splitter, reason))?;
        }
        Ok(())
    }

    /// A transfer with the compliance check and the splitter report.
    fn transfer_checked(&mut self, from: Address, to: Address, amount: U256) -> Result<(), Error> {
        if from.is_zero() {
            return Err(Error::InvalidSender(erc20::ERC20InvalidSender { sender: from }));
        }
        if to.is_zero() {
            return Err(Error::InvalidReceiver(erc20::ERC20InvalidReceiver { receiver: to }));
        }
        self.check_receiver(to)?;
        self.erc20._update(from, to, amount)?;
        self.checkpoint(from, to, amount)
    }
}

/// `floor(a x b / d)` for `0 < d < 2^254` and `b <= d`, by binary long division over the bits of `a` (a
/// shift and at most two subtractions per bit): a few hundred bytes of code where ruint's
/// multiplication and division would add kilobytes to a contract near the size limit.
#[must_use]
pub fn mul_div_down(a: U256, b: U256, d: U256) -> U256 {
    let (mut q, mut r) = (U256::ZERO, U256::ZERO);
    for i in (0..256).rev() {
        // Invariant: q x d + r = (a >> i + 1) x b with r < d. r < 2^254, so r << 1 loses
        // nothing and r x 2 + b < 3d < 2^256.
        q <<= 1usize;
        r <<= 1usize;
        if a.bit(i) {
            r += b;
        }
        while r >= d {
            r -= d;
            q += U256::from(1u8);
        }
    }
    q
}

/// EIP-2612's permit type hash (as OpenZeppelin's `Erc20Permit`).
const PERMIT_TYPEHASH: [u8; 32] = stylus_sdk::keccak_const::Keccak256::new()
    .update(b"Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)")
    .finalize();

/// The storage cell of the allowance `owner` gives `spender`, where OpenZeppelin's `Erc20`
/// keeps it: its field `allowances` (a mapping of mappings, Solidity's layout) is its second
/// slot, and `erc20` is this contract's first field (slot 0). The field is private to
/// OpenZeppelin's crate and `Erc20::_approve` too, so `permit` writes the cell itself
/// (openzeppelin-stylus is pinned to =0.3.0; the permit tests read it back through
/// `allowance`).
fn allowance_cell(owner: Address, spender: Address) -> StorageU256 {
    const ALLOWANCES_SLOT: [u8; 32] = {
        let mut slot = [0u8; 32];
        slot[31] = 1;
        slot
    };
    let outer = keccak256([owner.into_word().0, ALLOWANCES_SLOT].as_flattened());
    let inner = keccak256([spender.into_word().0, outer.0].as_flattened());
    StorageSlot::get_slot::<StorageU256>(U256::from_be_bytes(inner.0))
}

/// OpenZeppelin's `ecdsa::recover` step for step: a malleable `s` and a `v` of 0 or 1 are
/// refused, then the ecrecover precompile is asked (its input as plain words), and a zero
/// signer is refused.
fn ec_recover(hash: B256, v: u8, r: B256, s: B256) -> Result<Address, Error> {
    if U256::from_be_bytes(s.0) > ecdsa::SIGNATURE_S_UPPER_BOUND {
        return Err(Error::InvalidSignatureS(ecdsa::ECDSAInvalidSignatureS { s }));
    }
    if v == 0 || v == 1 {
        return Err(Error::InvalidSignature(ecdsa::ECDSAInvalidSignature {}));
    }
    let input = [hash.0, U256::from(v).to_be_bytes(), r.0, s.0];
    let recovered = calls::static_call(ecdsa::ECRECOVER_ADDR, input.as_flattened()).expect("should call `ecRecover` precompile");
    let recovered = Address::from_slice(&recovered[12..]);
    if recovered.is_zero() {
        return Err(Error::InvalidSignature(ecdsa::ECDSAInvalidSignature {}));
    }
    Ok(recovered)
}

fn backing_unavailable(deed: Address, reason: Vec<u8>) -> Error {
    Error::BackingUnavailable(SharesBackingUnavailable { deed, reason: reason.into() })
}

fn checkpoint_failed(splitter: Address, reason: Vec<u8>) -> Error {
    Error::CheckpointFailed(SharesCheckpointFailed { splitter, reason: reason.into() })
}

#[public]
impl IErc20 for RigShares {
    type Error = Error;

    fn total_supply(&self) -> U256 {
        self.erc20.total_supply()
    }

    fn balance_of(&self, account: Address) -> U256 {
        self.erc20.balance_of(account)
    }

    fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Error> {
        self.transfer_checked(msg::sender(), to, value)?;
        Ok(true)
    }

    fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.erc20.allowance(owner, spender)
    }

    fn approve(&mut self, spender: Address, value: U256) -> Result<bool, Error> {
        Ok(self.erc20.approve(spender, value)?)
    }

    fn transfer_from(&mut self, from: Address, to: Address, value: U256) -> Result<bool, Error> {
        self.erc20._spend_allowance(from, msg::sender(), value)?;
        self.transfer_checked(from, to, value)?;
        Ok(true)
    }
}

#[public]
impl IErc20Metadata for RigShares {
    fn name(&self) -> String {
        self.name.get()
    }

    fn symbol(&self) -> String {
        self.symbol.get()
    }

    fn decimals(&self) -> U8 {
        DEFAULT_DECIMALS
    }
}

#[public]
impl INonces for RigShares {
    fn nonces(&self, owner: Address) -> U256 {
        self.nonces.nonces(owner)
    }
}

#[public]
impl IErc20Permit for RigShares {
    type Error = Error;

    #[selector(name = "DOMAIN_SEPARATOR")]
    fn domain_separator(&self) -> B256 {
        self.permit.domain_separator()
    }

    fn permit(
        &mut self,
        owner: Address,
        spender: Address,
        value: U256,
        deadline: U256,
        v: u8,
        r: B256,
        s: B256,
    ) -> Result<(), Error> {
        // OpenZeppelin's `Erc20Permit::permit` step for step, with the struct hash and the
        // ecrecover input written as plain words instead of through alloy's encoder.
        if U256::from(block::timestamp()) > deadline {
            return Err(Error::ExpiredSignature(permit::ERC2612ExpiredSignature { deadline }));
        }
        let nonce = self.nonces.use_nonce(owner);
        let struct_hash = keccak256(
            [PERMIT_TYPEHASH, owner.into_word().0, spender.into_word().0, value.to_be_bytes(), nonce.to_be_bytes(), deadline.to_be_bytes()]
                .as_flattened(),
        );
        let hash = eip712::to_typed_data_hash(&self.permit.domain_separator(), &struct_hash);
        let signer = ec_recover(hash, v, r, s)?;
        if signer != owner {
            return Err(Error::InvalidSigner(permit::ERC2612InvalidSigner { signer, owner }));
        }
        // `Erc20::_approve(owner, spender, value, true)`: the owner is the signer, never zero.
        if spender.is_zero() {
            return Err(Error::InvalidSpender(erc20::ERC20InvalidSpender { spender }));
        }
        allowance_cell(owner, spender).set(value);
        evm::log(erc20::Approval { owner, spender, value });
        Ok(())
    }
}

rigshare_common::public_access_control!(RigShares, Error);

#[public]
impl IErc165 for RigShares {
    fn supports_interface(&self, interface_id: B32) -> bool {
        self.erc20.supports_interface(interface_id)
            || <Self as IErc20Metadata>::interface_id() == interface_id
            || interface_id == B32::new(ACCESS_CONTROL_INTERFACE_ID)
            || <Self as IErc20Permit>::interface_id() == interface_id
            || interface_id == ERC721_RECEIVER_INTERFACE_ID
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
    ("backing", &["hashrateGhs", "powerWatts", "rigs"]),
    ("eip712Domain", &["fields", "name", "version", "chainId", "verifyingContract", "salt", "extensions"]),
];

/// Every event this contract can emit, as human-readable Solidity declarations, for
/// `rigshare abi` (export-abi prints functions and errors but no events). Its own events, then
/// OpenZeppelin's: ERC-20 (permit emits `Approval`) and AccessControl (no `RoleAdminChanged`:
/// no role admin is ever set). Keep in step with the `sol!` block above.
#[cfg(feature = "export-abi")]
pub const ABI_EVENTS: &[&str] = &[
    "event RevenueSplitterSet(address indexed splitter)",
    "event DeedDeposited(uint256 indexed tokenId, address indexed from, address indexed operator)",
    "event PoolRedeemed(address indexed holder, address indexed recipient, uint256 shares, uint256 deeds)",
    "event BuyoutEscrowed(address indexed holder, uint256 amount, uint256 shares)",
    "event BuyoutClaimed(address indexed holder, address indexed recipient, uint256 shares, uint256 amount)",
    "event ComplianceModeSet(bool enabled)",
    "event AllowlistUpdated(address indexed account, bool allowed)",
    "event Transfer(address indexed from, address indexed to, uint256 value)",
    "event Approval(address indexed owner, address indexed spender, uint256 value)",
    "event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)",
    "event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)",
];
