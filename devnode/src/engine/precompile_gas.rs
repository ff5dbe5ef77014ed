//! What ArbOS charges inside its own precompiles (ArbWasm here): the precompile framework's
//! per-call costs and the gas of every ArbOS storage access a method makes.
//!
//! Nitro runs each precompile method with a `Context` that is the burner of the ArbOS state it
//! opens (`precompiles/precompile.go` `Precompile.Call`, `precompiles/context.go`), so a method
//! pays, in this order:
//!
//! 1. 800 for opening the ArbOS state (`arbosState.OpenArbosState` reads the version word),
//!    for every method that is not `pure` (all of ArbWasm's);
//! 2. `3 * words(calldata - 4)` for its arguments (`params.CopyGas`);
//! 3. whatever its body reads and writes through `arbos/storage` (800 a read, 20,000 a write
//!    of a non-zero word, 5,000 a write of zero, 2,600 for an account's code hash), 100 for
//!    the Stylus parameters (`Programs.Params`, "assume reads are warm"), its events
//!    (`375 + 375 * (1 + indexed) + 8 * data bytes`) and any fixed charge of its own;
//! 4. `3 * words(output)` for its result, or for a Solidity error's data.
//!
//! Sources: OffchainLabs/nitro at 6dce8d1, `precompiles/{precompile,context,ArbWasm}.go`,
//! `arbos/storage/storage.go`, `arbos/programs/{programs,params,data_pricer}.go`,
//! `arbos/arbosState/arbosstate.go`; geth `params/protocol_params.go`.

use super::pricing::{self, OutOfGas};

/// `storage.StorageReadCost` = `params.SloadGasEIP2200`: one ArbOS storage read.
pub const STORAGE_READ_GAS: u64 = 800;
/// `storage.StorageWriteCost` = `params.SstoreSetGasEIP2200`: writing a non-zero word.
pub const STORAGE_WRITE_GAS: u64 = 20_000;
/// `storage.StorageWriteZeroCost` = `params.SstoreResetGasEIP2200`: writing zero.
pub const STORAGE_WRITE_ZERO_GAS: u64 = 5_000;
/// `storage.StorageCodeHashCost` = `params.ColdAccountAccessCostEIP2929`: `Context.GetCodeHash`.
pub const STORAGE_CODE_HASH_GAS: u64 = 2_600;
/// `Programs.Params` (params.go): the packed parameters are "assumed warm", one
/// `params.WarmStorageReadCostEIP2929` for the whole read.
pub const PARAMS_READ_GAS: u64 = 100;
/// `OpenArbosState` reads the ArbOS version word before any non-pure method runs.
pub const OPEN_ARBOS_STATE_GAS: u64 = STORAGE_READ_GAS;
/// `params.CopyGas`: per 32-byte word of arguments and of results.
pub const COPY_GAS: u64 = 3;
/// Words the data pricer's `UpdateModel` reads: demand, bytes per second, last update time,
/// min price, inertia (data_pricer.go).
pub const DATA_PRICER_READS: u64 = 5;

/// What writing `value` into ArbOS storage costs (storage.go `writeCost`).
pub fn storage_write_gas(value_is_zero: bool) -> u64 {
    if value_is_zero {
        STORAGE_WRITE_ZERO_GAS
    } else {
        STORAGE_WRITE_GAS
    }
}

/// `params.CopyGas * WordsForBytes(len)`: the framework's charge for arguments (calldata
/// after the selector) and for results or Solidity error data.
pub fn copy_gas(len: usize) -> u64 {
    COPY_GAS.saturating_mul((len as u64).div_ceil(32))
}

/// An event emitted by a precompile (precompile.go, the generated `...GasCost`):
/// `params.LogGas + params.LogTopicGas * (1 + indexed) + params.LogDataGas * data bytes`.
pub fn event_gas(indexed: usize, data_len: usize) -> u64 {
    pricing::LOG_TOPIC_GAS
        .saturating_add(pricing::LOG_TOPIC_GAS.saturating_mul(1 + indexed as u64))
        .saturating_add(pricing::LOG_DATA_GAS.saturating_mul(data_len as u64))
}

/// `DataPricer.UpdateModel`'s storage: five reads, then the new demand and the update time
/// written back (data_pricer.go).
pub fn data_pricer_update_gas(new_demand: u32, time: u64) -> u64 {
    (DATA_PRICER_READS * STORAGE_READ_GAS)
        .saturating_add(storage_write_gas(new_demand == 0))
        .saturating_add(storage_write_gas(time == 0))
}

/// A precompile call's gas, as Nitro's `Context` burns it: a charge the caller cannot cover
/// takes everything that is left (`Context.Burn` calls `BurnOut`) and fails with out of gas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Burner {
    gas_left: u64,
}

impl Burner {
    pub fn new(gas: u64) -> Self {
        Self { gas_left: gas }
    }

    pub fn gas_left(&self) -> u64 {
        self.gas_left
    }

    /// `Context.Burn`.
    pub fn burn(&mut self, amount: u64) -> Result<(), OutOfGas> {
        match self.gas_left.checked_sub(amount) {
            Some(left) => {
                self.gas_left = left;
                Ok(())
            }
            None => Err(self.burn_out()),
        }
    }

    /// `Context.BurnOut`: consumes all the gas left.
    pub fn burn_out(&mut self) -> OutOfGas {
        self.gas_left = 0;
        OutOfGas
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_and_framework_costs() {
        // geth params: SloadGasEIP2200 800, SstoreSetGasEIP2200 20000, SstoreResetGasEIP2200
        // 5000, ColdAccountAccessCostEIP2929 2600, WarmStorageReadCostEIP2929 100, CopyGas 3.
        assert_eq!((STORAGE_READ_GAS, STORAGE_WRITE_GAS, STORAGE_WRITE_ZERO_GAS), (800, 20_000, 5_000));
        assert_eq!((STORAGE_CODE_HASH_GAS, PARAMS_READ_GAS), (2_600, 100));
        assert_eq!(storage_write_gas(true), 5_000);
        assert_eq!(storage_write_gas(false), 20_000);
        // arguments of activateProgram(address): 32 bytes after the selector = 1 word
        assert_eq!(copy_gas(32), 3);
        assert_eq!(copy_gas(0), 0);
        assert_eq!(copy_gas(33), 6);
        // ProgramActivated(bytes32 indexed, bytes32, address, uint256, uint16): 1 indexed, 4
        // words of data = 375 + 2 * 375 + 8 * 128
        assert_eq!(event_gas(1, 128), 2_149);
        // ProgramLifetimeExtended(bytes32 indexed, uint256): 375 + 750 + 8 * 32
        assert_eq!(event_gas(1, 32), 1_381);
        // UpdateModel: 5 reads, two non-zero writes
        assert_eq!(data_pricer_update_gas(512_000, 1_700_000_000), 4_000 + 40_000);
        assert_eq!(data_pricer_update_gas(0, 1_700_000_000), 4_000 + 25_000);
    }

    #[test]
    fn burner_takes_everything_when_short() {
        let mut burner = Burner::new(1_000);
        assert_eq!(burner.burn(400), Ok(()));
        assert_eq!(burner.gas_left(), 600);
        assert_eq!(burner.burn(601), Err(OutOfGas));
        assert_eq!(burner.gas_left(), 0);
        let mut burner = Burner::new(5);
        assert_eq!(burner.burn(5), Ok(()));
        assert_eq!(burner.gas_left(), 0);
    }
}
