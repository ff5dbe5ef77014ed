//! The EVM side of the Stylus host (geth's `Wasm*Cost` functions as `arbos/programs/api.go`
//! calls them): what reading and writing state costs a program, including the EIP-2929 warm
//! sets and EIP-3529 refunds.

use alloy_primitives::{Address, B256, U256};

use super::{exec::Evm, pricing};

impl Evm {
    /// SLOAD for a cache miss: the value and `WasmStateLoadCost`.
    pub(crate) fn storage_load(&mut self, acting: Address, key: B256) -> (B256, u64) {
        let warm = self.state.warm_slot(acting, key);
        (self.state.storage(&acting, &key), pricing::storage_load_gas(warm))
    }

    /// `WasmStateStoreCost` for one flushed slot; records the refund change.
    pub(crate) fn storage_store_cost(&mut self, acting: Address, key: B256, value: B256) -> u64 {
        let warm = self.state.warm_slot(acting, key);
        let original = self.state.committed_storage(&acting, &key);
        let current = self.state.storage(&acting, &key);
        let (cost, refund) = pricing::sstore_gas(original, current, value, warm);
        if refund != 0 {
            self.state.adjust_refund(refund);
        }
        cost
    }

    /// `WasmCallCost`'s base, or `None` when it exceeds `budget`.
    pub(crate) fn call_access_cost(
        &mut self,
        target: Address,
        value: U256,
        budget: u64,
    ) -> Option<u64> {
        let warm = self.state.is_warm_account(&target);
        let transfers = !value.is_zero();
        let empty = self.state.account(&target).is_none_or(|a| a.is_empty());
        let cost = pricing::call_base_gas(warm, transfers, empty, budget);
        if budget >= pricing::WARM_STORAGE_READ_GAS {
            self.state.warm_account(target);
        }
        cost
    }

    /// `WasmAccountTouchCost`, warming the account.
    pub(crate) fn account_touch_cost(&mut self, address: Address, with_code: bool) -> u64 {
        let warm = self.state.warm_account(address);
        pricing::account_touch_gas(warm, with_code)
    }
}
