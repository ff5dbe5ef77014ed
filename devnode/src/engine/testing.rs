//! A bench for running hand-made programs without transactions: put a wasm module at an
//! address, activate it through ArbWasm as Nitro would, and call it with a chosen gas.
//! Used by the engine's own tests and benchmarks; public so downstream tests can use it too.

use std::sync::Arc;

use alloy_primitives::{address, Address, Bytes, B256, U256};
use alloy_sol_types::SolCall;

use super::{
    code,
    exec::{BlockEnv, CallKind, CallResult, Evm, Message, TxEnv},
    precompiles::{ArbWasm, ARB_WASM},
    pricing::{DataPricer, StylusParams},
    program::Runtime,
    state::State,
};

/// Who calls in a [`Bench`]; funded with plenty of ETH.
pub const CALLER: Address = address!("00000000000000000000000000000000000ca11e");
/// The network fee account of a [`Bench`]'s block, so tests can see fees arrive.
pub const NETWORK_FEE_ACCOUNT: Address = address!("00000000000000000000000000000000000fee00");
/// The chain owner of a [`Bench`]'s block (ArbWasmCache lets it cache programs).
pub const CHAIN_OWNER: Address = address!("00000000000000000000000000000000000c0de0");

pub struct Bench {
    pub evm: Evm,
}

impl Default for Bench {
    fn default() -> Self {
        Self::new()
    }
}

impl Bench {
    pub fn new() -> Self {
        let mut state = State::default();
        state.set_balance(CALLER, U256::from(10u128.pow(24)));
        state.end_tx();
        let block = BlockEnv {
            number: 1,
            l1_number: 1,
            timestamp: 1_700_000_000,
            coinbase: Address::ZERO,
            network_fee_account: NETWORK_FEE_ACCOUNT,
            chain_owner: CHAIN_OWNER,
            basefee: U256::from(100_000_000u64),
            gas_limit: 1 << 50,
            chain_id: crate::dev::CHAIN_ID,
        };
        let tx = TxEnv { origin: CALLER, gas_price: U256::from(100_000_000u64) };
        let evm = Evm::new(
            state,
            block,
            tx,
            StylusParams::default(),
            Arc::new(Runtime::new()),
            Vec::new(),
            DataPricer::default(),
        );
        Self { evm }
    }

    /// Stores `wasm` as Stylus code at `at` without activating it.
    pub fn install(&mut self, at: Address, wasm: &[u8]) {
        self.evm.state.set_code(at, code::stored_code(wasm).into());
        self.evm.state.end_tx();
    }

    /// Stores and activates `wasm` at `at`; panics with the reason if activation fails.
    pub fn deploy(&mut self, at: Address, wasm: &[u8]) {
        self.install(at, wasm);
        let result = self.activate(at);
        assert!(result.is_success(), "activation failed: {:?} {:?}", result.outcome, revert_reason(&result.output));
        self.evm.state.end_tx();
    }

    /// Calls ArbWasm.activateProgram(at) with ample value.
    pub fn activate(&mut self, at: Address) -> CallResult {
        let input = ArbWasm::activateProgramCall { program: at }.abi_encode();
        self.call_with(CALLER, ARB_WASM, U256::from(10u128.pow(18)), input.into(), 100_000_000)
    }

    /// A plain CALL from [`CALLER`].
    pub fn call(&mut self, to: Address, input: impl Into<Bytes>, gas: u64) -> CallResult {
        self.call_with(CALLER, to, U256::ZERO, input.into(), gas)
    }

    pub fn call_with(&mut self, from: Address, to: Address, value: U256, input: Bytes, gas: u64) -> CallResult {
        self.evm.state.warm_account(from);
        self.evm.call(Message {
            kind: CallKind::Call,
            caller: from,
            code_address: to,
            acting: to,
            value,
            transfers_value: true,
            input,
            gas,
            is_static: false,
        })
    }

    /// Ends the "transaction": keeps its effects, clears warm sets, transient storage and logs.
    pub fn commit(&mut self) -> Vec<super::types::Log> {
        self.evm.state.end_tx()
    }

    pub fn storage(&self, at: Address, key: B256) -> B256 {
        self.evm.state.storage(&at, &key)
    }
}

pub use super::types::revert_reason;

/// An EIP-1559 transaction for the dev chain ([`crate::dev::CHAIN_ID`], 1 gwei fee cap, no tip), signed:
/// what tests and benchmarks send to a node.
pub fn signed_tx(
    key: &k256::ecdsa::SigningKey,
    nonce: u64,
    to: super::tx::TxKind,
    value: U256,
    input: Vec<u8>,
    gas_limit: u64,
) -> super::tx::SignedTx {
    let request = super::tx::TxRequest::Eip1559(super::tx::Eip1559Tx {
        chain_id: crate::dev::CHAIN_ID,
        nonce,
        max_priority_fee_per_gas: 0,
        max_fee_per_gas: 1_000_000_000,
        gas_limit,
        to,
        value,
        input: input.into(),
        access_list: Vec::new(),
    });
    super::tx::SignedTx::sign(request, key)
}
