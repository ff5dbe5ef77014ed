//! What a deed says about its rig: the on-chain spec, its units and bounds, and the status
//! lifecycle. Kept apart from the token logic so the rules read in one place.

use rigshare_common::ShortText;
use stylus_sdk::{
    prelude::*,
    storage::{StorageB256, StorageU128, StorageU32, StorageU64, StorageU8},
};

pub use rigshare_common::rig::{Kind, Status};

/// One rig's record. Field order is the storage layout: append only.
#[storage]
pub struct Rig {
    /// Manufacturer model, e.g. "Antminer S21".
    pub model: ShortText,
    /// Hosting site, e.g. "Paraguay-Itaipu-03".
    pub site: ShortText,
    /// Measured hashrate in GH/s (TH/s x 1000), so 200 TH/s is 200_000.
    pub hashrate_ghs: StorageU64,
    /// Measured wall power in watts.
    pub power_watts: StorageU32,
    /// `Kind` as its u8 value.
    pub kind: StorageU8,
    /// `Status` as its u8 value.
    pub status: StorageU8,
    /// Block timestamp of the mint.
    pub minted_at: StorageU64,
    /// Block timestamp of the last status or measurement change.
    pub updated_at: StorageU64,
    /// keccak256 of the manufacturer serial (or of the right's contract id).
    pub serial_hash: StorageB256,
}

/// What a set of rigs contributes to a pool: sums over non-retired rigs.
#[storage]
pub struct Backing {
    /// Sum of hashrate in GH/s.
    pub hashrate_ghs: StorageU128,
    /// Sum of power in watts.
    pub power_watts: StorageU128,
    /// Number of rigs counted.
    pub rigs: StorageU64,
}

impl Backing {
    /// Counts a rig in (`add`) or out of these sums.
    ///
    /// Sums are u128 of u64/u32 terms and the count is bounded by the number of tokens, so
    /// no realistic sequence overflows; saturating keeps even an absurd one from trapping.
    pub fn apply(&mut self, hashrate_ghs: u64, power_watts: u32, add: bool) {
        let (h, p, r) = (
            self.hashrate_ghs.get().to::<u128>(),
            self.power_watts.get().to::<u128>(),
            self.rigs.get().to::<u64>(),
        );
        let (h, p, r) = if add {
            (
                h.saturating_add(u128::from(hashrate_ghs)),
                p.saturating_add(u128::from(power_watts)),
                r.saturating_add(1),
            )
        } else {
            (
                h.saturating_sub(u128::from(hashrate_ghs)),
                p.saturating_sub(u128::from(power_watts)),
                r.saturating_sub(1),
            )
        };
        self.hashrate_ghs.set(alloy_primitives::U128::from(h));
        self.power_watts.set(alloy_primitives::U128::from(p));
        self.rigs.set(alloy_primitives::U64::from(r));
    }
}

/// Which text field failed validation, as reported in `DeedInvalidText`. Every text is
/// 1 to 64 bytes of UTF-8 ([`ShortText::MAX_BYTES`]), which keeps `tokenURI` bounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum TextField {
    /// The rig's model.
    Model = 0,
    /// The rig's site.
    Site = 1,
    /// The collection's name.
    Name = 2,
    /// The collection's symbol.
    Symbol = 3,
}
