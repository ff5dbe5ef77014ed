//! Shared setup for the end-to-end tests: the compiled contracts, a funded dev chain, signed
//! transactions, deployment through StylusDeployer, and the ABIs from abi/.

pub mod figures;
pub mod gas;
pub mod solidity;
pub mod versus;

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{sol, SolCall, SolValue};
use devnode::engine::{
    chain::{CallRequest, ChainConfig, Engine, Receipt},
    precompiles::{StylusDeployer, STYLUS_DEPLOYER},
    tx::{self, SignedTx, TxKind, TxRequest},
};
use k256::ecdsa::SigningKey;

sol!(
    #[sol(all_derives)]
    RigDeed,
    "../abi/RigDeed.json"
);
sol!(
    #[sol(all_derives)]
    RigShares,
    "../abi/RigShares.json"
);
sol!(
    #[sol(all_derives)]
    RevenueSplitter,
    "../abi/RevenueSplitter.json"
);
sol!(
    #[sol(all_derives)]
    DemoToken,
    "../abi/DemoToken.json"
);
sol!(
    #[sol(all_derives)]
    PurchaseOrders,
    "../abi/PurchaseOrders.json"
);

/// The dev chain's constants, defined once in the node.
pub use devnode::dev::{CHAIN_ID, CONSTRUCTOR_SELECTOR, DEV_KEY};

pub const ETH: u128 = 1_000_000_000_000_000_000;

/// The stored code (`EF F0 00 00` + brotli) of a rigshare contract, built once per test run
/// with the same reproducible build as `rigshare build`.
pub fn stored_code(package: &str) -> Vec<u8> {
    let out = rigshare_cli::commands::build_once();
    std::fs::read(out.join(format!("{package}.code"))).expect("built code")
}

/// A deterministic extra account, funded by [`Chain::fund`].
pub fn account(n: u8) -> SigningKey {
    let mut bytes = [0x11u8; 32];
    bytes[31] = n;
    SigningKey::from_bytes(&bytes.into()).unwrap()
}

pub fn address_of(key: &SigningKey) -> Address {
    tx::address_of(key)
}

/// A dev chain with the dev key funded, and helpers to drive it with signed transactions.
pub struct Chain {
    pub engine: Engine,
    pub dev: SigningKey,
    /// Extension modules deployed so far, by stem: stateless code that every contract of
    /// their package on this chain delegates to, deployed once as `rigshare up` does.
    extensions: std::collections::BTreeMap<&'static str, Address>,
}

impl Default for Chain {
    fn default() -> Self {
        Self::new()
    }
}

impl Chain {
    pub fn new() -> Self {
        let dev = SigningKey::from_slice(DEV_KEY.as_slice()).expect("Nitro's dev key is a valid key");
        let engine = Engine::new(
            ChainConfig::default(),
            &[(address_of(&dev), U256::from(1_000_000u64) * U256::from(ETH))],
        );
        Self { engine, dev, extensions: Default::default() }
    }

    pub fn dev_address(&self) -> Address {
        address_of(&self.dev)
    }

    pub fn fund(&mut self, to: Address, wei: U256) {
        let dev = self.dev.clone();
        let receipt = self.send(&dev, Some(to), wei, Bytes::new());
        assert!(receipt.status, "funding failed");
    }

    /// Signs an EIP-1559 transaction with an estimated gas limit and executes it.
    pub fn send(&mut self, from: &SigningKey, to: Option<Address>, value: U256, input: Bytes) -> Receipt {
        let sender = address_of(from);
        let request = CallRequest { from: sender, to, value, input: input.clone(), ..CallRequest::default() };
        // A quarter on top, as wallets add: the splitter's gas depends on the block timestamp,
        // which can tick between the estimate and the transaction.
        let gas = match self.engine.estimate_gas(&request) {
            Ok(gas) => gas + gas / 4,
            // Send it anyway so the receipt records the failure.
            Err(_) => 10_000_000,
        };
        self.send_with_gas(from, to, value, input, gas)
    }

    pub fn send_with_gas(
        &mut self,
        from: &SigningKey,
        to: Option<Address>,
        value: U256,
        input: Bytes,
        gas: u64,
    ) -> Receipt {
        let sender = address_of(from);
        let request = TxRequest::Eip1559(tx::Eip1559Tx {
            chain_id: self.engine.config().chain_id,
            nonce: self.engine.state().nonce(&sender),
            max_priority_fee_per_gas: 0,
            max_fee_per_gas: 2 * self.engine.config().base_fee,
            gas_limit: gas,
            to: to.map_or(TxKind::Create, TxKind::Call),
            value,
            input,
            access_list: Vec::new(),
        });
        let signed = SignedTx::sign(request, from);
        let raw = signed.encode();
        self.engine.send_raw_transaction(&raw).expect("transaction accepted")
    }

    /// Deploys, activates and constructs a contract through StylusDeployer in one transaction.
    pub fn deploy<A>(&mut self, package: &str, constructor_args: A) -> Address
    where
        A: SolValue,
        for<'a> <A::SolType as alloy_sol_types::SolType>::Token<'a>: alloy_sol_types::abi::TokenSeq<'a>,
    {
        self.deploy_stored(package, &stored_code(package), constructor_args)
    }

    /// [`Chain::deploy`] with the stored code given (`package` only names it in messages).
    pub fn deploy_stored<A>(&mut self, package: &str, stored: &[u8], constructor_args: A) -> Address
    where
        A: SolValue,
        for<'a> <A::SolType as alloy_sol_types::SolType>::Token<'a>: alloy_sol_types::abi::TokenSeq<'a>,
    {
        let init_code = devnode::engine::code::init_code(stored);
        let mut init_data = CONSTRUCTOR_SELECTOR.to_vec();
        init_data.extend(constructor_args.abi_encode_params());
        let call = StylusDeployer::deployCall {
            bytecode: init_code.into(),
            initData: init_data.into(),
            initValue: U256::ZERO,
            salt: Default::default(),
        };
        let dev = self.dev.clone();
        // The data fee is well under 0.1 ETH; the deployer refunds the rest.
        let fee_budget = U256::from(ETH / 10);
        let receipt = self.send(&dev, Some(STYLUS_DEPLOYER), fee_budget, call.abi_encode().into());
        assert!(receipt.status, "deploying {package} failed: {:?}", receipt.failure);
        let deployed = receipt
            .logs
            .iter()
            .find(|log| log.address == STYLUS_DEPLOYER)
            .expect("ContractDeployed");
        Address::from_slice(&deployed.data[12..32])
    }

    /// Deploys EVM creation code (a Solidity build, say) with its ABI-encoded constructor
    /// arguments, sent by the dev account; returns the new contract's address.
    pub fn deploy_evm(&mut self, creation: &[u8], args: &[u8]) -> Address {
        let mut input = creation.to_vec();
        input.extend_from_slice(args);
        let dev = self.dev.clone();
        let receipt = self.send(&dev, None, U256::ZERO, input.into());
        assert!(receipt.status, "deploying EVM code failed: {:?}", receipt.failure);
        receipt.contract_address.expect("a successful creation has an address")
    }

    /// Deploys a RigDeed collection ("Rig Deed", "RIG") that the dev account admins, with its
    /// extension module and rendered by a RigCard, as `rigshare up` deploys and wires it.
    /// Returns the deed.
    pub fn deploy_deed(&mut self) -> Address {
        let admin = self.dev_address();
        let extension = self.extension("rig-deed-extension");
        let deed = self.deploy("rig-deed", ("Rig Deed".to_string(), "RIG".to_string(), admin, extension));
        let card = self.deploy("rig-card", ());
        let dev = self.dev.clone();
        self.exec(&dev, deed, RigDeed::setDescriptorCall { descriptor: card });
        deed
    }

    /// [`Chain::deploy_deed`], and a RigShares pool ("Pool Shares", "POOL") over it with
    /// `supply` (in the smallest unit) minted to the dev account, which admins both. Returns
    /// (deed, shares).
    pub fn deploy_pool(&mut self, supply: U256) -> (Address, Address) {
        let admin = self.dev_address();
        let deed = self.deploy_deed();
        let shares = self.deploy_shares("Pool Shares", "POOL", supply, admin, deed, admin);
        (deed, shares)
    }

    /// Deploys a RigShares pool over `deed` as `rigshare up` does: its extension module first
    /// (the functions no transfer needs, which the share token reaches by delegatecall), then
    /// the share token, which takes the extension's address. Returns the share token.
    pub fn deploy_shares(&mut self, name: &str, symbol: &str, supply: U256, issuer: Address, deed: Address, admin: Address) -> Address {
        let extension = self.extension("rig-shares-extension");
        self.deploy("rig-shares", (name.to_string(), symbol.to_string(), supply, issuer, deed, admin, extension))
    }

    /// Deploys a RevenueSplitter for `shares` paying in `asset` (zero = ETH) over a
    /// `stream_seconds` window, admin `admin`, with the splitter's extension module (deployed
    /// once per chain, as [`Chain::deploy_shares`] does). Returns the splitter.
    pub fn deploy_splitter(&mut self, shares: Address, asset: Address, stream_seconds: u64, admin: Address) -> Address {
        let extension = self.extension("revenue-splitter-extension");
        self.deploy("revenue-splitter", (shares, asset, stream_seconds, admin, extension))
    }

    /// Deploys a PurchaseOrders book checking installations against `deed`, with its extension
    /// module (deployed once per chain). Returns the order book.
    pub fn deploy_orders(&mut self, deed: Address) -> Address {
        let extension = self.extension("purchase-order-extension");
        self.deploy("purchase-order", (deed, extension))
    }

    /// The extension module `stem` (`rig-shares-extension`), deployed on first use.
    pub fn extension(&mut self, stem: &'static str) -> Address {
        if let Some(at) = self.extensions.get(stem) {
            return *at;
        }
        let at = self.deploy(stem, ());
        self.extensions.insert(stem, at);
        at
    }

    /// Executes a transaction calling `to` and asserts that it succeeded.
    pub fn exec(&mut self, from: &SigningKey, to: Address, call: impl SolCall) -> Receipt {
        self.exec_value(from, to, U256::ZERO, call)
    }

    pub fn exec_value(&mut self, from: &SigningKey, to: Address, value: U256, call: impl SolCall) -> Receipt {
        let receipt = self.send(from, Some(to), value, call.abi_encode().into());
        assert!(receipt.status, "{} failed: {:?} {}", C::SIGNATURE_OF(&call), receipt.failure, receipt.output);
        receipt
    }

    /// A read-only call, decoded.
    pub fn view<T: SolCall>(&mut self, to: Address, call: T) -> T::Return {
        let output = self.engine.call(&CallRequest {
            from: Address::ZERO,
            to: Some(to),
            input: call.abi_encode().into(),
            ..CallRequest::default()
        });
        assert!(output.success(), "{} reverted: {:?} {}", T::SIGNATURE, output.result.outcome, output.result.output);
        T::abi_decode_returns(&output.result.output, true).expect("decodable return")
    }

    pub fn balance(&self, address: Address) -> U256 {
        self.engine.state().balance(&address)
    }
}

/// Lets `exec` name the call in its failure message.
#[allow(non_snake_case)]
mod C {
    pub fn SIGNATURE_OF<T: alloy_sol_types::SolCall>(_: &T) -> &'static str {
        T::SIGNATURE
    }
}
