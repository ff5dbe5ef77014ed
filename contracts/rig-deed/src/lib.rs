//! # RigDeed
//!
//! One ERC-721 token per physical mining rig or mining right, with the rig's spec on chain:
//! model, hashrate (GH/s, i.e. TH/s x 1000), wall power (W), hosting site, a hash of its serial
//! number and its kind, plus a status lifecycle (active, maintenance, offline, retired; retired
//! is final). `tokenURI` renders all of it as on-chain JSON, so any wallet shows the rig.
//!
//! A serial hash can be tokenized once, so a rig cannot be pledged twice. The contract also
//! keeps, per owner, the summed hashrate and power of the owner's non-retired rigs
//! ([`RigDeed::backing_of`]): a pool reads its backing in one call, with no loop over deeds.
//!
//! Roles: the admin (`DEFAULT_ADMIN_ROLE`) grants roles and pauses; an operator
//! (`OPERATOR_ROLE`) mints and updates rigs. Pausing stops minting and transfers.
//!
//! ## Two modules
//! As RigShares (see its crate docs): the main module routes ERC-721 and minting
//! ([`IRigDeed`]); the extension module, built with the `extension` feature, serves the rig
//! records' upkeep, the admin's controls, roles and the views no transfer needs
//! ([`IRigDeedExtension`]), reached through the main module's fallback by delegatecall in the
//! deed contract's storage. One ABI (abi/RigDeed.json) lists both at the deed's address.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![allow(clippy::needless_pass_by_value)]
// The SDK's free functions (`msg::sender`, `evm::log`, ...) are what motsu intercepts in native
// tests; `self.vm()` is not, so they are used on purpose, as OpenZeppelin does.
#![allow(deprecated)]

extern crate alloc;

pub mod spec;

use alloc::{string::String, vec::Vec};

use alloy_primitives::{aliases::B32, Address, B256, U256, U64};
use openzeppelin_stylus::{
    access::control::{self, AccessControl, IAccessControl},
    token::erc721::{
        self,
        extensions::{enumerable, Erc721Enumerable, IErc721Enumerable, IErc721Metadata},
        receiver::{IErc721ReceiverInterface, RECEIVER_FN_SELECTOR},
        Erc721, IErc721,
    },
    utils::{
        introspection::erc165::IErc165,
        pausable::{self, IPausable, Pausable},
    },
};
use rigshare_common::{
    forward_errors, try_outputs, TryOutputs, ACCESS_CONTROL_INTERFACE_ID, ShortText, ADMIN_ROLE, OPERATOR_ROLE,
};
use stylus_sdk::{
    abi::Bytes,
    block, evm, msg,
    prelude::*,
    call::Call,
    storage::{StorageAddress, StorageMap, StorageU256},
};

use crate::spec::{Backing, Kind, Rig, Status, TextField};

pub use sol::*;
mod sol {
    use alloy_sol_types::sol;

    sol! {
        /// A rig was tokenized. `hashrateGhs` is in GH/s, `powerWatts` in W.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event RigMinted(uint256 indexed tokenId, address indexed to, bytes32 indexed serialHash, uint8 kind, uint64 hashrateGhs, uint32 powerWatts);
        /// A rig's status changed.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event RigStatusChanged(uint256 indexed tokenId, uint8 previousStatus, uint8 newStatus);
        /// A rig was re-measured.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event RigRemeasured(uint256 indexed tokenId, uint64 hashrateGhs, uint32 powerWatts);
        /// ERC-4906: wallets re-read `tokenURI` of this token.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event MetadataUpdate(uint256 _tokenId);
        /// ERC-4906: wallets re-read `tokenURI` of every token in the range.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event BatchMetadataUpdate(uint256 _fromTokenId, uint256 _toTokenId);
        /// The admin chose the descriptor that renders `tokenURI`.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event DescriptorSet(address indexed descriptor);
    }

    sol! {
        /// A text is empty or longer than 64 bytes: model (field 0), site (1), name (2) or
        /// symbol (3).
        #[derive(Debug)]
        #[allow(missing_docs)]
        error DeedInvalidText(uint8 field, uint256 length);
        /// Hashrate must be positive.
        #[derive(Debug)]
        error DeedZeroHashrate();
        /// Power must be positive.
        #[derive(Debug)]
        error DeedZeroPower();
        /// The serial hash must not be zero.
        #[derive(Debug)]
        error DeedZeroSerial();
        /// This serial is already tokenized as `tokenId`.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error DeedSerialAlreadyTokenized(bytes32 serialHash, uint256 tokenId);
        /// Kind is not 0 (equipment) or 1 (mining right).
        #[derive(Debug)]
        #[allow(missing_docs)]
        error DeedInvalidKind(uint8 kind);
        /// Status is not 0..=3.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error DeedInvalidStatus(uint8 status);
        /// The rig is retired; its record is final.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error DeedRetired(uint256 tokenId);
        /// The rig already has this status.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error DeedStatusUnchanged(uint256 tokenId, uint8 status);
        /// The admin passed to the constructor is the zero address.
        #[derive(Debug)]
        error DeedZeroAdmin();
        /// Constructor: the extension module is not a contract.
        #[derive(Debug)]
        error DeedInvalidExtension();
        /// A contract receiving a deed by safe transfer reverted; `reason` is its revert data.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error DeedReceiverRejected(address receiver, bytes reason);
        /// `setDescriptor` was given an address without code.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error DeedInvalidDescriptor(address descriptor);
        /// `tokenURI` before the admin set a descriptor.
        #[derive(Debug)]
        error DeedNoDescriptor();
        /// The descriptor reverted or answered something that is not a string.
        #[derive(Debug)]
        #[allow(missing_docs)]
        error DeedDescriptorFailed(address descriptor, bytes reason);
    }
}

stylus_sdk::prelude::sol_interface! {
    /// The descriptor that renders a deed's metadata (contracts/rig-card). It is passed the
    /// deed's fields because Stylus refuses re-entry: it cannot read them back from the deed.
    interface IRigCard {
        function tokenURI(string collection, uint256 token_id, string model, string site, uint64 hashrate_ghs, uint32 power_watts, uint8 kind, uint8 status) external view returns (string);
    }
}

rigshare_common::solidity_errors! {
    /// Every error RigDeed can return, as Solidity custom errors.
    #[derive(Debug)]
    pub enum Error {
        /// See [`DeedInvalidText`].
        InvalidText(DeedInvalidText { field, length }),
        /// See [`DeedZeroHashrate`].
        ZeroHashrate(DeedZeroHashrate {}),
        /// See [`DeedZeroPower`].
        ZeroPower(DeedZeroPower {}),
        /// See [`DeedZeroSerial`].
        ZeroSerial(DeedZeroSerial {}),
        /// See [`DeedSerialAlreadyTokenized`].
        SerialAlreadyTokenized(DeedSerialAlreadyTokenized { serialHash, tokenId }),
        /// See [`DeedInvalidKind`].
        InvalidKind(DeedInvalidKind { kind }),
        /// See [`DeedInvalidStatus`].
        InvalidStatus(DeedInvalidStatus { status }),
        /// See [`DeedRetired`].
        Retired(DeedRetired { tokenId }),
        /// See [`DeedStatusUnchanged`].
        StatusUnchanged(DeedStatusUnchanged { tokenId, status }),
        /// See [`DeedZeroAdmin`].
        ZeroAdmin(DeedZeroAdmin {}),
        /// See [`DeedInvalidExtension`].
        InvalidExtension(DeedInvalidExtension {}),
        /// See [`DeedReceiverRejected`].
        ReceiverRejected(DeedReceiverRejected { receiver, reason }),
        /// See [`DeedInvalidDescriptor`].
        InvalidDescriptor(DeedInvalidDescriptor { descriptor }),
        /// See [`DeedNoDescriptor`].
        NoDescriptor(DeedNoDescriptor {}),
        /// See [`DeedDescriptorFailed`].
        DescriptorFailed(DeedDescriptorFailed { descriptor, reason }),
        /// ERC-721: zero address as owner.
        InvalidOwner(erc721::ERC721InvalidOwner { owner }),
        /// ERC-721: no such token.
        NonexistentToken(erc721::ERC721NonexistentToken { token_id }),
        /// ERC-721: `from` is not the owner.
        IncorrectOwner(erc721::ERC721IncorrectOwner { sender, token_id, owner }),
        /// ERC-721: bad sender.
        InvalidSender(erc721::ERC721InvalidSender { sender }),
        /// ERC-721: bad receiver.
        InvalidReceiver(erc721::ERC721InvalidReceiver { receiver }),
        /// ERC-721: receiver reverted with a reason (never returned: see `DeedReceiverRejected`).
        InvalidReceiverWithReason(erc721::InvalidReceiverWithReason { reason }),
        /// ERC-721: caller may not move the token.
        InsufficientApproval(erc721::ERC721InsufficientApproval { operator, token_id }),
        /// ERC-721: bad approver.
        InvalidApprover(erc721::ERC721InvalidApprover { approver }),
        /// ERC-721: bad operator.
        InvalidOperator(erc721::ERC721InvalidOperator { operator }),
        /// Enumerable: index past the end.
        OutOfBoundsIndex(enumerable::ERC721OutOfBoundsIndex { owner, index }),
        /// Enumerable: batch mint (never used here).
        EnumerableForbiddenBatchMint(enumerable::ERC721EnumerableForbiddenBatchMint {}),
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

forward_errors!(Error: erc721::Error {
    InvalidOwner, NonexistentToken, IncorrectOwner, InvalidSender, InvalidReceiver,
    InvalidReceiverWithReason, InsufficientApproval, InvalidApprover, InvalidOperator,
});
forward_errors!(Error: enumerable::Error { OutOfBoundsIndex, EnumerableForbiddenBatchMint });
forward_errors!(Error: control::Error { UnauthorizedAccount, BadConfirmation });
forward_errors!(Error: pausable::Error { EnforcedPause, ExpectedPause });

/// ERC-4906 interface id, announced through ERC-165 so wallets listen for `MetadataUpdate`.
pub const ERC4906_INTERFACE_ID: B32 = B32::new([0x49, 0x06, 0x49, 0x06]);

/// The deed contract. Field order is the storage layout: append only.
#[entrypoint]
#[storage]
pub struct RigDeed {
    erc721: Erc721,
    enumerable: Erc721Enumerable,
    access: AccessControl,
    pausable: Pausable,
    name: ShortText,
    symbol: ShortText,
    /// Rig record per token id.
    rigs: StorageMap<U256, Rig>,
    /// Token id per serial hash (0 = not tokenized; ids start at 1).
    token_of_serial: StorageMap<B256, StorageU256>,
    /// Last id minted.
    last_id: StorageU256,
    /// Sums over each owner's non-retired rigs.
    backing: StorageMap<Address, Backing>,
    /// The contract that renders `tokenURI` (a RigCard), chosen by the admin.
    descriptor: StorageAddress,
    /// The extension module (see [`IRigDeedExtension`]), fixed at construction.
    extension: StorageAddress,
}

/// The deed's own functions beside ERC-721, its enumeration and metadata, pausing's state and
/// ERC-165: what minting and moving deeds needs. The main module routes them.
pub trait IRigDeed {
    /// The operator role id, `keccak256("OPERATOR_ROLE")`.
    fn operator_role(&self) -> B256;

    /// Tokenizes a rig and gives the deed to `to`. Operator only, not while paused.
    ///
    /// `hashrate_ghs` is in GH/s (TH/s x 1000), `power_watts` in W, model and site are 1 to
    /// 64 bytes of UTF-8, `serial_hash` is keccak256 of the serial (never zero, never reused),
    /// `kind` is 0 (equipment) or 1 (mining right). Returns the new token id.
    #[allow(clippy::too_many_arguments)]
    fn mint(
        &mut self,
        to: Address,
        model: String,
        hashrate_ghs: u64,
        power_watts: u32,
        site: String,
        serial_hash: B256,
        kind: u8,
    ) -> Result<U256, Error>;
}

/// The rig records' upkeep, the admin's controls and the views no transfer needs. On chain they
/// are a second module, the extension: the main module hands every selector it does not route
/// to it by delegatecall, so they run in the deed contract's storage with the caller's sender
/// and value, and the main module every transfer and mint enters stays small (a program's
/// entry cost grows with its size). Natively (tests, export-abi) one module routes everything.
pub trait IRigDeedExtension {
    /// The extension module this contract hands these functions to (fixed at construction),
    /// for anyone verifying the code that runs in its storage.
    fn extension(&self) -> Address;

    /// Moves a rig through its lifecycle. Operator only. Retired is final; setting the
    /// current status again is refused so that every event marks a real change.
    fn set_status(&mut self, token_id: U256, status: u8) -> Result<(), Error>;

    /// Records a new measurement of a rig's hashrate (GH/s) and power (W). Operator only;
    /// not for retired rigs.
    fn remeasure(&mut self, token_id: U256, hashrate_ghs: u64, power_watts: u32) -> Result<(), Error>;

    /// A rig's full record: model, hashrate (GH/s), power (W), site, serial hash, kind,
    /// status, mint time and last update time (unix seconds).
    #[allow(clippy::type_complexity)]
    fn rig(&self, token_id: U256) -> TryOutputs<(String, u64, u32, String, B256, u8, u8, u64, u64), Error>;

    /// Every deed `owner` holds, in enumeration order. Bounded by what one owner holds; for
    /// very large holders page with `tokenOfOwnerByIndex`.
    fn rigs_of(&self, owner: Address) -> Result<Vec<U256>, Error>;

    /// The deed minted for `serial_hash`, or 0 if none.
    fn token_of_serial(&self, serial_hash: B256) -> U256;

    /// Sum of hashrate (GH/s) and power (W), and the count, of `owner`'s non-retired rigs.
    fn backing_of(&self, owner: Address) -> (U256, U256, U256);

    /// Stops minting and transfers. Admin only.
    fn pause(&mut self) -> Result<(), Error>;

    /// Resumes minting and transfers. Admin only.
    fn unpause(&mut self) -> Result<(), Error>;

    /// The contract that renders `tokenURI` (zero until the admin sets one).
    fn descriptor(&self) -> Address;

    /// Makes `descriptor` (a RigCard, or any contract with its `tokenURI`) render every deed's
    /// metadata, and tells wallets to re-read every card (ERC-4906). Admin only; allowed while
    /// paused, since it moves no deed.
    fn set_descriptor(&mut self, descriptor: Address) -> Result<(), Error>;
}

/// The main module: the deed contract, and its fallback to the extension.
#[cfg(all(target_arch = "wasm32", not(feature = "extension")))]
#[public]
#[implements(IRigDeed, IErc721<Error = Error>, IErc721Enumerable<Error = Error>, IErc721Metadata<Error = Error>, IPausable, IErc165)]
impl RigDeed {
    /// The constructor: its arguments and work are `init`'s.
    #[constructor]
    pub fn constructor(&mut self, name: String, symbol: String, admin: Address, extension: Address) -> Result<(), Error> {
        self.init(name, symbol, admin, extension)
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
/// delegatecall, in the deed contract's storage. Built with stylus-proc's `reentrant`, since
/// Nitro counts a delegatecall frame as a second frame of the same contract
/// (`msg_reentrant`); the main module still refuses re-entry.
#[cfg(all(target_arch = "wasm32", feature = "extension"))]
#[public]
#[implements(IRigDeedExtension, IAccessControl<Error = Error>)]
impl RigDeed {
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
#[implements(IRigDeed, IRigDeedExtension, IErc721<Error = Error>, IErc721Enumerable<Error = Error>, IErc721Metadata<Error = Error>, IAccessControl<Error = Error>, IPausable, IErc165)]
impl RigDeed {
    /// The constructor: its arguments and work are `init`'s.
    #[constructor]
    pub fn constructor(&mut self, name: String, symbol: String, admin: Address, extension: Address) -> Result<(), Error> {
        self.init(name, symbol, admin, extension)
    }
}

#[public]
impl IRigDeed for RigDeed {
    /// The operator role id, `keccak256("OPERATOR_ROLE")`.
    #[selector(name = "OPERATOR_ROLE")]
    fn operator_role(&self) -> B256 {
        OPERATOR_ROLE.into()
    }

    /// Tokenizes a rig and gives the deed to `to`. Operator only, not while paused.
    ///
    /// `hashrate_ghs` is in GH/s (TH/s x 1000), `power_watts` in W, model and site are 1 to
    /// 64 bytes of UTF-8, `serial_hash` is keccak256 of the serial (never zero, never reused),
    /// `kind` is 0 (equipment) or 1 (mining right). Returns the new token id.
    #[allow(clippy::too_many_arguments)]
    fn mint(
        &mut self,
        to: Address,
        model: String,
        hashrate_ghs: u64,
        power_watts: u32,
        site: String,
        serial_hash: B256,
        kind: u8,
    ) -> Result<U256, Error> {
        self.access.only_role(OPERATOR_ROLE.into())?;
        self.pausable.when_not_paused()?;
        check_text(TextField::Model, &model)?;
        check_text(TextField::Site, &site)?;
        check_measurement(hashrate_ghs, power_watts)?;
        if serial_hash.is_zero() {
            return Err(Error::ZeroSerial(DeedZeroSerial {}));
        }
        let existing = self.token_of_serial.get(serial_hash);
        if !existing.is_zero() {
            return Err(Error::SerialAlreadyTokenized(DeedSerialAlreadyTokenized {
                serialHash: serial_hash,
                tokenId: existing,
            }));
        }
        let kind_value = Kind::from_u8(kind).ok_or(Error::InvalidKind(DeedInvalidKind { kind }))?;

        // Ids start at 1 so that 0 in `token_of_serial` means "none"; 2^256 mints are
        // unreachable, so the increment cannot overflow.
        let token_id = self.last_id.get() + U256::from(1);
        self.last_id.set(token_id);
        self.token_of_serial.setter(serial_hash).set(token_id);
        let now = U64::from(block::timestamp());
        {
            let mut rig = self.rigs.setter(token_id);
            rig.model.set(&model);
            rig.site.set(&site);
            rig.hashrate_ghs.set(U64::from(hashrate_ghs));
            rig.power_watts.set(alloy_primitives::U32::from(power_watts));
            rig.kind.set(alloy_primitives::U8::from(kind_value as u8));
            rig.status.set(alloy_primitives::U8::from(Status::Active as u8));
            rig.minted_at.set(now);
            rig.updated_at.set(now);
            rig.serial_hash.set(serial_hash);
        }

        self.erc721._mint(to, token_id)?;
        self.enumerable._add_token_to_all_tokens_enumeration(token_id);
        self.enumerable._add_token_to_owner_enumeration(to, token_id, &self.erc721)?;
        self.backing.setter(to).apply(hashrate_ghs, power_watts, true);

        evm::log(RigMinted {
            tokenId: token_id,
            to,
            serialHash: serial_hash,
            kind,
            hashrateGhs: hashrate_ghs,
            powerWatts: power_watts,
        });
        Ok(token_id)
    }
}

#[public]
impl IRigDeedExtension for RigDeed {
    fn extension(&self) -> Address {
        self.extension.get()
    }

    /// Moves a rig through its lifecycle. Operator only. Retired is final; setting the
    /// current status again is refused so that every event marks a real change.
    fn set_status(&mut self, token_id: U256, status: u8) -> Result<(), Error> {
        self.access.only_role(OPERATOR_ROLE.into())?;
        let new_status = Status::from_u8(status).ok_or(Error::InvalidStatus(DeedInvalidStatus { status }))?;
        let owner = self.erc721._require_owned(token_id)?;
        let previous = self.live_status(token_id)?;
        if previous == new_status {
            return Err(Error::StatusUnchanged(DeedStatusUnchanged { tokenId: token_id, status }));
        }

        let now = U64::from(block::timestamp());
        let (hashrate, power) = self.measurement(token_id);
        {
            let mut rig = self.rigs.setter(token_id);
            rig.status.set(alloy_primitives::U8::from(status));
            rig.updated_at.set(now);
        }
        if new_status == Status::Retired {
            self.backing.setter(owner).apply(hashrate, power, false);
        }

        evm::log(RigStatusChanged {
            tokenId: token_id,
            previousStatus: previous as u8,
            newStatus: status,
        });
        evm::log(MetadataUpdate { _tokenId: token_id });
        Ok(())
    }

    /// Records a new measurement of a rig's hashrate (GH/s) and power (W). Operator only;
    /// not for retired rigs.
    fn remeasure(&mut self, token_id: U256, hashrate_ghs: u64, power_watts: u32) -> Result<(), Error> {
        self.access.only_role(OPERATOR_ROLE.into())?;
        let owner = self.erc721._require_owned(token_id)?;
        self.live_status(token_id)?;
        check_measurement(hashrate_ghs, power_watts)?;

        let (old_hashrate, old_power) = self.measurement(token_id);
        let now = U64::from(block::timestamp());
        {
            let mut rig = self.rigs.setter(token_id);
            rig.hashrate_ghs.set(U64::from(hashrate_ghs));
            rig.power_watts.set(alloy_primitives::U32::from(power_watts));
            rig.updated_at.set(now);
        }
        let mut backing = self.backing.setter(owner);
        backing.apply(old_hashrate, old_power, false);
        backing.apply(hashrate_ghs, power_watts, true);

        evm::log(RigRemeasured { tokenId: token_id, hashrateGhs: hashrate_ghs, powerWatts: power_watts });
        evm::log(MetadataUpdate { _tokenId: token_id });
        Ok(())
    }

    /// A rig's full record: model, hashrate (GH/s), power (W), site, serial hash, kind,
    /// status, mint time and last update time (unix seconds).
    #[allow(clippy::type_complexity)]
    fn rig(&self, token_id: U256) -> TryOutputs<(String, u64, u32, String, B256, u8, u8, u64, u64), Error> {
        try_outputs(self.rig_record(token_id))
    }

    /// Every deed `owner` holds, in enumeration order. Bounded by what one owner holds; for
    /// very large holders page with `tokenOfOwnerByIndex`.
    fn rigs_of(&self, owner: Address) -> Result<Vec<U256>, Error> {
        let count = self.erc721.balance_of(owner)?;
        let mut ids = Vec::with_capacity(count.to::<usize>());
        let mut i = U256::ZERO;
        while i < count {
            ids.push(self.enumerable.token_of_owner_by_index(owner, i)?);
            i += U256::from(1);
        }
        Ok(ids)
    }

    /// The deed minted for `serial_hash`, or 0 if none.
    fn token_of_serial(&self, serial_hash: B256) -> U256 {
        self.token_of_serial.get(serial_hash)
    }

    /// Sum of hashrate (GH/s) and power (W), and the count, of `owner`'s non-retired rigs.
    fn backing_of(&self, owner: Address) -> (U256, U256, U256) {
        let b = self.backing.getter(owner);
        (U256::from(b.hashrate_ghs.get()), U256::from(b.power_watts.get()), U256::from(b.rigs.get()))
    }

    /// Stops minting and transfers. Admin only.
    fn pause(&mut self) -> Result<(), Error> {
        self.access.only_role(ADMIN_ROLE.into())?;
        Ok(self.pausable.pause()?)
    }

    /// Resumes minting and transfers. Admin only.
    fn unpause(&mut self) -> Result<(), Error> {
        self.access.only_role(ADMIN_ROLE.into())?;
        Ok(self.pausable.unpause()?)
    }

    /// The contract that renders `tokenURI` (zero until the admin sets one).
    fn descriptor(&self) -> Address {
        self.descriptor.get()
    }

    /// Makes `descriptor` (a RigCard, or any contract with its `tokenURI`) render every deed's
    /// metadata, and tells wallets to re-read every card (ERC-4906). Admin only; allowed while
    /// paused, since it moves no deed.
    fn set_descriptor(&mut self, descriptor: Address) -> Result<(), Error> {
        self.access.only_role(ADMIN_ROLE.into())?;
        if !descriptor.has_code() {
            return Err(Error::InvalidDescriptor(DeedInvalidDescriptor { descriptor }));
        }
        self.descriptor.set(descriptor);
        evm::log(DescriptorSet { descriptor });
        // Ids start at 1; the range covers every deed, minted or to come.
        evm::log(BatchMetadataUpdate { _fromTokenId: U256::from(1), _toTokenId: U256::MAX });
        Ok(())
    }
}

impl RigDeed {
    /// Sets the collection's name and symbol, makes `admin` its admin and `extension` the
    /// module that serves [`IRigDeedExtension`]. The admin is an argument because inside a
    /// deployment through StylusDeployer `msg.sender` is the deployer.
    /// (The constructor's work, the same in the main module and natively; the extension module
    /// has none.)
    #[cfg_attr(all(target_arch = "wasm32", feature = "extension"), allow(dead_code))]
    fn init(&mut self, name: String, symbol: String, admin: Address, extension: Address) -> Result<(), Error> {

        if !extension.has_code() {
            return Err(Error::InvalidExtension(DeedInvalidExtension {}));
        }
        if admin.is_zero() {
            return Err(Error::ZeroAdmin(DeedZeroAdmin {}));
        }
        check_text(TextField::Name, &name)?;
        check_text(TextField::Symbol, &symbol)?;
        self.name.set(&name);
        self.symbol.set(&symbol);
        self.extension.set(extension);
        self.access._grant_role(ADMIN_ROLE.into(), admin);
        Ok(())
    }

    /// `rig` as a `Result`, for the contract's own use and `rig`.
    #[allow(clippy::type_complexity)]
    fn rig_record(&self, token_id: U256) -> Result<(String, u64, u32, String, B256, u8, u8, u64, u64), Error> {
        self.erc721._require_owned(token_id)?;
        let rig = self.rigs.getter(token_id);
        Ok((
            rig.model.get(),
            rig.hashrate_ghs.get().to(),
            rig.power_watts.get().to(),
            rig.site.get(),
            rig.serial_hash.get(),
            rig.kind.get().to(),
            rig.status.get().to(),
            rig.minted_at.get().to(),
            rig.updated_at.get().to(),
        ))
    }

    /// The rig's status, refusing retired rigs.
    fn live_status(&self, token_id: U256) -> Result<Status, Error> {
        let raw: u8 = self.rigs.getter(token_id).status.get().to();
        match Status::from_u8(raw) {
            Some(Status::Retired) | None => Err(Error::Retired(DeedRetired { tokenId: token_id })),
            Some(status) => Ok(status),
        }
    }

    fn is_retired(&self, token_id: U256) -> bool {
        self.rigs.getter(token_id).status.get().to::<u8>() == Status::Retired as u8
    }

    fn measurement(&self, token_id: U256) -> (u64, u32) {
        let rig = self.rigs.getter(token_id);
        (rig.hashrate_ghs.get().to(), rig.power_watts.get().to())
    }

    /// Moves a deed and keeps enumeration and backing sums in step. Callers check pause.
    fn move_deed(&mut self, from: Address, to: Address, token_id: U256) -> Result<(), Error> {
        self.pausable.when_not_paused()?;
        let previous_owner = self.erc721.owner_of(token_id)?;
        self.erc721.transfer_from(from, to, token_id)?;
        if previous_owner == to {
            // A transfer to oneself changes no list and no sum (and OpenZeppelin's
            // enumeration helpers assume the balances moved).
            return Ok(());
        }
        self.enumerable._remove_token_from_owner_enumeration(previous_owner, token_id, &self.erc721)?;
        self.enumerable._add_token_to_owner_enumeration(to, token_id, &self.erc721)?;
        if !self.is_retired(token_id) {
            let (hashrate, power) = self.measurement(token_id);
            self.backing.setter(previous_owner).apply(hashrate, power, false);
            self.backing.setter(to).apply(hashrate, power, true);
        }
        Ok(())
    }

    /// A safe transfer: every effect first, then the receiver's `onERC721Received`.
    fn safe_move_deed(&mut self, from: Address, to: Address, token_id: U256, data: Bytes) -> Result<(), Error> {
        self.move_deed(from, to, token_id)?;
        if !to.has_code() {
            return Ok(());
        }
        let operator = msg::sender();
        let answer = IErc721ReceiverInterface::new(to)
            .on_erc_721_received(Call::new_in(self), operator, from, token_id, data.0.into());
        match answer {
            Ok(selector) if selector == RECEIVER_FN_SELECTOR => Ok(()),
            // The receiver's own error, passed through whole so callers see why.
            Err(stylus_sdk::call::Error::Revert(reason)) if !reason.is_empty() => {
                Err(Error::ReceiverRejected(DeedReceiverRejected { receiver: to, reason: reason.into() }))
            }
            _ => Err(Error::InvalidReceiver(erc721::ERC721InvalidReceiver { receiver: to })),
        }
    }

    /// Renders `tokenURI` through the descriptor, passing it the deed's fields.
    fn view(&self, token_id: U256) -> Result<String, Error> {
        self.erc721._require_owned(token_id)?;
        let descriptor = self.descriptor.get();
        if descriptor.is_zero() {
            return Err(Error::NoDescriptor(DeedNoDescriptor {}));
        }
        let rig = self.rigs.getter(token_id);
        IRigCard::new(descriptor)
            .token_uri(
                Call::new(),
                self.name.get(),
                token_id,
                rig.model.get(),
                rig.site.get(),
                rig.hashrate_ghs.get().to(),
                rig.power_watts.get().to(),
                rig.kind.get().to(),
                rig.status.get().to(),
            )
            .map_err(|e| {
                let reason = match e {
                    stylus_sdk::call::Error::Revert(data) => data,
                    stylus_sdk::call::Error::AbiDecodingFailed(_) => Vec::new(),
                };
                Error::DescriptorFailed(DeedDescriptorFailed { descriptor, reason: reason.into() })
            })
    }
}

fn check_text(field: TextField, text: &str) -> Result<(), Error> {
    if ShortText::fits(text) {
        Ok(())
    } else {
        Err(Error::InvalidText(DeedInvalidText { field: field as u8, length: U256::from(text.len()) }))
    }
}

fn check_measurement(hashrate_ghs: u64, power_watts: u32) -> Result<(), Error> {
    if hashrate_ghs == 0 {
        return Err(Error::ZeroHashrate(DeedZeroHashrate {}));
    }
    if power_watts == 0 {
        return Err(Error::ZeroPower(DeedZeroPower {}));
    }
    Ok(())
}

#[public]
impl IErc721 for RigDeed {
    type Error = Error;

    fn balance_of(&self, owner: Address) -> Result<U256, Error> {
        Ok(self.erc721.balance_of(owner)?)
    }

    fn owner_of(&self, token_id: U256) -> Result<Address, Error> {
        Ok(self.erc721.owner_of(token_id)?)
    }

    fn safe_transfer_from(&mut self, from: Address, to: Address, token_id: U256) -> Result<(), Error> {
        self.safe_move_deed(from, to, token_id, Bytes::from(Vec::new()))
    }

    #[selector(name = "safeTransferFrom")]
    fn safe_transfer_from_with_data(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
        data: Bytes,
    ) -> Result<(), Error> {
        self.safe_move_deed(from, to, token_id, data)
    }

    fn transfer_from(&mut self, from: Address, to: Address, token_id: U256) -> Result<(), Error> {
        self.move_deed(from, to, token_id)
    }

    fn approve(&mut self, to: Address, token_id: U256) -> Result<(), Error> {
        Ok(self.erc721.approve(to, token_id)?)
    }

    fn set_approval_for_all(&mut self, to: Address, approved: bool) -> Result<(), Error> {
        Ok(self.erc721.set_approval_for_all(to, approved)?)
    }

    fn get_approved(&self, token_id: U256) -> Result<Address, Error> {
        Ok(self.erc721.get_approved(token_id)?)
    }

    fn is_approved_for_all(&self, owner: Address, operator: Address) -> bool {
        self.erc721.is_approved_for_all(owner, operator)
    }
}

#[public]
impl IErc721Enumerable for RigDeed {
    type Error = Error;

    fn total_supply(&self) -> U256 {
        self.enumerable.total_supply()
    }

    fn token_by_index(&self, index: U256) -> Result<U256, Error> {
        Ok(self.enumerable.token_by_index(index)?)
    }

    fn token_of_owner_by_index(&self, owner: Address, index: U256) -> Result<U256, Error> {
        Ok(self.enumerable.token_of_owner_by_index(owner, index)?)
    }
}

#[public]
impl IErc721Metadata for RigDeed {
    type Error = Error;

    fn name(&self) -> String {
        self.name.get()
    }

    fn symbol(&self) -> String {
        self.symbol.get()
    }

    #[selector(name = "tokenURI")]
    fn token_uri(&self, token_id: U256) -> Result<String, Error> {
        self.view(token_id)
    }
}

rigshare_common::public_access_control!(RigDeed, Error);

#[public]
impl IPausable for RigDeed {
    fn paused(&self) -> bool {
        self.pausable.paused()
    }
}

#[public]
impl IErc165 for RigDeed {
    fn supports_interface(&self, interface_id: B32) -> bool {
        interface_id == ERC4906_INTERFACE_ID
            || self.erc721.supports_interface(interface_id)
            || self.enumerable.supports_interface(interface_id)
            || <Self as IErc721Metadata>::interface_id() == interface_id
            || interface_id == B32::new(ACCESS_CONTROL_INTERFACE_ID)
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
    ("rig", &["model", "hashrateGhs", "powerWatts", "site", "serialHash", "kind", "status", "mintedAt", "updatedAt"]),
    ("backingOf", &["hashrateGhs", "powerWatts", "rigs"]),
];

/// Every event this contract can emit, as human-readable Solidity declarations, for
/// `rigshare abi` (export-abi prints functions and errors but no events). Its own events, then
/// OpenZeppelin's: ERC-721, AccessControl (no `RoleAdminChanged`: no role admin is ever set)
/// and Pausable. Keep in step with the `sol!` block above.
#[cfg(feature = "export-abi")]
pub const ABI_EVENTS: &[&str] = &[
    "event RigMinted(uint256 indexed tokenId, address indexed to, bytes32 indexed serialHash, uint8 kind, uint64 hashrateGhs, uint32 powerWatts)",
    "event RigStatusChanged(uint256 indexed tokenId, uint8 previousStatus, uint8 newStatus)",
    "event RigRemeasured(uint256 indexed tokenId, uint64 hashrateGhs, uint32 powerWatts)",
    "event MetadataUpdate(uint256 _tokenId)",
    "event BatchMetadataUpdate(uint256 _fromTokenId, uint256 _toTokenId)",
    "event DescriptorSet(address indexed descriptor)",
    "event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)",
    "event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId)",
    "event ApprovalForAll(address indexed owner, address indexed operator, bool approved)",
    "event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)",
    "event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)",
    "event Paused(address account)",
    "event Unpaused(address account)",
];
