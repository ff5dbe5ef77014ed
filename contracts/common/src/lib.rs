//! What rigshare's contracts share, so each fact has one home: role ids, the interface the
//! share token uses to checkpoint the revenue splitter, and the macro that forwards a library
//! error enum into a contract's own.
#![no_std]

extern crate alloc;

pub mod calls;
pub mod clock;
pub mod errors;
pub mod events;
pub mod rig;
mod outputs;
mod short_text;

#[allow(unused_imports)]
use alloc::{vec, vec::Vec};

pub use outputs::{outputs, try_outputs, Outputs, TryOutputs};
pub use short_text::ShortText;

/// What [`solidity_errors!`] expands to names, reachable from any contract crate.
#[doc(hidden)]
pub mod __private {
    pub use alloc::{format, vec, vec::Vec};
    pub use alloy_sol_types;
    pub use stylus_sdk;
}

/// Role that mints and updates rig deeds, and deposits deeds into a pool.
pub const OPERATOR_ROLE: [u8; 32] = keccak_const::Keccak256::new().update(b"OPERATOR_ROLE").finalize();

/// Role that may mint new pool shares (granted to a primary-sale contract, never by default).
pub const MINTER_ROLE: [u8; 32] = keccak_const::Keccak256::new().update(b"MINTER_ROLE").finalize();

/// OpenZeppelin's `DEFAULT_ADMIN_ROLE`: grants and revokes every other role.
pub const ADMIN_ROLE: [u8; 32] = [0; 32];

/// ERC-165 id of Solidity's `IAccessControl` (0x7965db0b). openzeppelin-stylus 0.3.0 derives
/// its id from a trait that also has `onlyRole`, giving 0x0edd8b6c, which no wallet or
/// contract asks for; rigshare announces the standard id instead.
pub const ACCESS_CONTROL_INTERFACE_ID: [u8; 4] = [0x79, 0x65, 0xdb, 0x0b];

/// What `onSharesBound` returns: its own selector, `bytes4(keccak256("onSharesBound(uint256)"))`.
pub const SHARES_BOUND_MAGIC: [u8; 4] = {
    let h = keccak_const::Keccak256::new().update(b"onSharesBound(uint256)").finalize();
    [h[0], h[1], h[2], h[3]]
};

stylus_sdk::prelude::sol_interface! {
    /// What a pool's share token tells its revenue splitter. The token passes everything the
    /// splitter needs as arguments, because Stylus refuses re-entry: the splitter cannot call
    /// back into the token while the token is mid-transfer.
    interface IShareCheckpoint {
        /// Called once, when the token adopts this splitter, with the supply at that moment.
        /// Returns [`SHARES_BOUND_MAGIC`] (this function's selector), so that a contract that
        /// merely accepts any call (a permissive fallback) is refused.
        function onSharesBound(uint256 total_supply) external returns (bytes4);
        /// The share token this splitter pays; the token refuses a splitter bound to another.
        function shareToken() external view returns (address);
        /// Called on every balance change (`from` zero for a mint, `to` zero for a burn).
        function onSharesTransfer(address from, address to, uint256 amount) external;
    }

    /// The one ERC-20 view the splitter reads, of the share token and of the payout token.
    interface IBalanceOf {
        function balanceOf(address account) external view returns (uint256);
    }

    /// The pool backing the share token reads from the deed contract.
    interface IRigBacking {
        function backingOf(address owner) external view returns (uint256 hashrate_ghs, uint256 power_watts, uint256 rigs);
        function ownerOf(uint256 token_id) external view returns (address);
        function safeTransferFrom(address from, address to, uint256 token_id) external;
    }
}

/// Implements `From<$source> for $target` by moving each listed variant across unchanged;
/// the variant names must be the same in both enums (they are the Solidity error names).
#[macro_export]
macro_rules! forward_errors {
    ($target:ty : $src:path { $($variant:ident),+ $(,)? }) => {
        const _: () = {
            use $src as Source;
            impl From<Source> for $target {
                fn from(e: Source) -> Self {
                    match e {
                        $( Source::$variant(inner) => Self::$variant(inner), )+
                    }
                }
            }
        };
    };
}

/// Implements OpenZeppelin's `IAccessControl` for a contract whose `access` field is an
/// `AccessControl`, forwarding every call and converting errors into `$error`. One body for all
/// three contracts; the `#[public]` impl it expands to is listed in the contract's
/// `#[implements(...)]`.
#[macro_export]
macro_rules! public_access_control {
    ($contract:ty, $error:ty) => {
        #[::stylus_sdk::prelude::public]
        impl ::openzeppelin_stylus::access::control::IAccessControl for $contract {
            type Error = $error;

            fn has_role(&self, role: ::alloy_primitives::B256, account: ::alloy_primitives::Address) -> bool {
                self.access.has_role(role, account)
            }

            fn only_role(&self, role: ::alloy_primitives::B256) -> Result<(), $error> {
                Ok(self.access.only_role(role)?)
            }

            fn get_role_admin(&self, role: ::alloy_primitives::B256) -> ::alloy_primitives::B256 {
                self.access.get_role_admin(role)
            }

            fn grant_role(&mut self, role: ::alloy_primitives::B256, account: ::alloy_primitives::Address) -> Result<(), $error> {
                Ok(self.access.grant_role(role, account)?)
            }

            fn revoke_role(&mut self, role: ::alloy_primitives::B256, account: ::alloy_primitives::Address) -> Result<(), $error> {
                Ok(self.access.revoke_role(role, account)?)
            }

            fn renounce_role(&mut self, role: ::alloy_primitives::B256, confirmation: ::alloy_primitives::Address) -> Result<(), $error> {
                Ok(self.access.renounce_role(role, confirmation)?)
            }
        }
    };
}

/// The body of each contract's `src/main.rs`: a binary that exists only to print the ABI
/// (`--features export-abi`) and is an empty stub otherwise, as in OpenZeppelin's examples.
/// `<bin> events` prints the crate's `ABI_EVENTS`, one per line (export-abi leaves events
/// out); `<bin> returns` prints its `ABI_RETURNS`, `function: name, name, ...` a line
/// (export-abi leaves outputs unnamed); anything else goes to the SDK's printer (`<bin>`,
/// `<bin> constructor`).
#[macro_export]
macro_rules! export_abi_main {
    ($contract_crate:ident) => {
        #[cfg(not(any(test, feature = "export-abi")))]
        #[no_mangle]
        pub extern "C" fn main() {}

        #[cfg(feature = "export-abi")]
        fn main() {
            let args: Vec<String> = std::env::args().skip(1).collect();
            if args.len() == 1 && args[0] == "events" {
                for event in $contract_crate::ABI_EVENTS {
                    println!("{event}");
                }
                return;
            }
            if args.len() == 1 && args[0] == "returns" {
                for (function, names) in $contract_crate::ABI_RETURNS {
                    println!("{function}: {}", names.join(", "));
                }
                return;
            }
            $contract_crate::print_from_args();
        }
    };
}
