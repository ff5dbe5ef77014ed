//! A rig's kind and status: what RigDeed stores as a byte and what the rig card (the
//! descriptor that renders `tokenURI`) shows, so both read the same labels.

/// What the deed represents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// A physical machine.
    Equipment = 0,
    /// A contractual right to a share of a site's hashrate.
    MiningRight = 1,
}

impl Kind {
    /// Decodes the ABI value; `None` for anything undefined.
    #[must_use]
    pub fn from_u8(value: u8) -> Option<Self> {
        match value {
            0 => Some(Self::Equipment),
            1 => Some(Self::MiningRight),
            _ => None,
        }
    }

    /// Label shown in wallets.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Equipment => "Equipment",
            Self::MiningRight => "Mining right",
        }
    }
}

/// Where a rig is in its life. `Retired` is final.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Status {
    /// Hashing.
    Active = 0,
    /// Temporarily down for service.
    Maintenance = 1,
    /// Down for another reason (power, network, site).
    Offline = 2,
    /// Decommissioned for good; no longer backs a pool.
    Retired = 3,
}

impl Status {
    /// Decodes the ABI value; `None` for anything undefined.
    #[must_use]
    pub fn from_u8(value: u8) -> Option<Self> {
        match value {
            0 => Some(Self::Active),
            1 => Some(Self::Maintenance),
            2 => Some(Self::Offline),
            3 => Some(Self::Retired),
            _ => None,
        }
    }

    /// Label shown in wallets.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Maintenance => "Maintenance",
            Self::Offline => "Offline",
            Self::Retired => "Retired",
        }
    }
}
