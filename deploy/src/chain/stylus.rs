//! Deploying one Stylus contract through StylusDeployer: constructor calldata, the activation
//! data fee (estimated as cargo-stylus does), the transaction, and what the receipt says; and
//! ArbWasm, the precompile that activates programs.

#![allow(clippy::all, missing_docs)]

use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use ethers::{
    abi::{self, Token},
    contract::abigen,
    prelude::*,
    utils::keccak256,
};
use serde_json::json;

use super::{
    deployments::PendingRecord,
    revert::{self, Decoder},
    sender::Sender,
    Client,
};

abigen!(
    StylusDeployer,
    r#"[
        function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address)
        event ContractDeployed(address deployedContract)
    ]"#
);
abigen!(
    ArbWasm,
    r#"[
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee)
        function programVersion(address program) external view returns (uint16 version)
    ]"#
);

/// Selector of `stylus_constructor()`: how SDK 0.9 contracts take constructor arguments.
pub use devnode::dev::CONSTRUCTOR_SELECTOR;

/// Where the fee estimate pretends the code lives (any address without code works).
const SCRATCH: &str = "0x000000000000000000000000000000000000dEaD";

/// The fee is bumped by this percentage because it moves with demand between estimate and
/// inclusion; StylusDeployer refunds the excess.
pub const FEE_BUMP_PERCENT: u64 = 20;

pub fn stylus_deployer() -> Address {
    Address::from_slice(devnode::engine::precompiles::STYLUS_DEPLOYER.as_slice())
}

pub fn arb_wasm() -> Address {
    Address::from_slice(devnode::engine::precompiles::ARB_WASM.as_slice())
}

/// `stylus_constructor()` selector + the ABI-encoded arguments.
pub fn constructor_calldata(args: &[Token]) -> Bytes {
    let mut data = CONSTRUCTOR_SELECTOR.to_vec();
    data.extend(abi::encode(args));
    data.into()
}

/// Arguments as the deployments file records them.
pub fn describe_args(args: &[Token]) -> Vec<String> {
    args.iter()
        .map(|t| match t {
            Token::String(s) => s.clone(),
            Token::Address(a) => format!("{a:?}"),
            Token::Uint(u) => u.to_string(),
            other => other.to_string(),
        })
        .collect()
}

/// The activation data fee for `stored` code: ArbWasm.activateProgram on a scratch address
/// with the code put there by a state override. Zero when that code is already active.
pub async fn data_fee(client: &Client, stored: &[u8], decoder: &Decoder) -> Result<U256> {
    let scratch: Address = SCRATCH.parse().expect("address");
    let data = ArbWasm::new(arb_wasm(), Arc::new(client.provider().clone()))
        .activate_program(scratch)
        .calldata()
        .expect("calldata");
    let call = json!({ "from": client.address(), "to": arb_wasm(), "data": data });
    let overrides = json!({ format!("{scratch:?}"): { "code": Bytes::from(stored.to_vec()) } });
    let result: Result<Bytes, ProviderError> =
        client.provider().request("eth_call", (call, "latest", overrides)).await;
    match result {
        Ok(out) => {
            let tokens = abi::decode(&[abi::ParamType::Uint(16), abi::ParamType::Uint(256)], &out)
                .context("decoding activateProgram's result")?;
            Ok(tokens[1].clone().into_uint().unwrap_or_default())
        }
        Err(e) => {
            let revert = ethers::providers::RpcError::as_error_response(&e).and_then(|r| r.as_revert_data());
            match revert.as_deref() {
                // Called without value: Nitro names the fee it wants.
                Some(d) if revert::insufficient_value_wanted(d).is_some() => Ok(revert::insufficient_value_wanted(d).unwrap_or_default()),
                Some(d) if decoder.error_name(d) == Some("ProgramUpToDate") => Ok(U256::zero()),
                Some(d) => bail!("estimating the activation data fee: ArbWasm reverted: {}", decoder.describe(d)),
                None => Err(anyhow!("estimating the activation data fee: {e}")),
            }
        }
    }
}

/// `fee` plus [`FEE_BUMP_PERCENT`].
pub fn bumped(fee: U256) -> U256 {
    fee + fee * FEE_BUMP_PERCENT / 100
}

/// The call that deploys `stored` with `args`, paying `value` for activation.
pub fn deploy_call(client: &Arc<Client>, stored: &[u8], args: &[Token], value: U256) -> ContractCall<Client, Address> {
    let init_code = devnode::engine::code::init_code(stored);
    StylusDeployer::new(stylus_deployer(), client.clone())
        .deploy(init_code.into(), constructor_calldata(args), U256::zero(), [0u8; 32])
        .value(value)
}

/// A deployment that was mined.
#[derive(Debug, Clone)]
pub struct Deployed {
    pub address: Address,
    pub tx: H256,
    pub block: u64,
    pub gas_used: u64,
}

/// The new contract's address, from StylusDeployer's `ContractDeployed` event in `receipt`.
pub fn deployed_from(what: &str, receipt: &TransactionReceipt) -> Result<Deployed> {
    let topic = H256::from(keccak256("ContractDeployed(address)"));
    let log = receipt
        .logs
        .iter()
        .find(|l| l.address == stylus_deployer() && l.topics.first() == Some(&topic) && l.data.len() >= 32)
        .with_context(|| format!("{what}: no ContractDeployed event in transaction {:?}", receipt.transaction_hash))?;
    Ok(Deployed {
        address: Address::from_slice(&log.data[12..32]),
        tx: receipt.transaction_hash,
        block: receipt.block_number.unwrap_or_default().as_u64(),
        gas_used: receipt.gas_used.unwrap_or_default().as_u64(),
    })
}

/// Deploys `stored` code with constructor `args` through StylusDeployer as the sender's step
/// `step`, paying the activation data fee (bumped; StylusDeployer refunds the excess). Returns
/// the deployment and the fee ArbWasm charged (0 when the code was already active).
pub async fn deploy(sender: &Sender, what: &str, step: &str, stored: &[u8], args: &[Token]) -> Result<(Deployed, U256)> {
    let fee = data_fee(&sender.client, stored, sender.decoder()).await?;
    let call = deploy_call(&sender.client, stored, args, bumped(fee));
    let record = PendingRecord {
        codehash: Some(format!("{:?}", H256::from(keccak256(stored)))),
        constructor_args: describe_args(args),
        data_fee_wei: Some(fee.to_string()),
        ..PendingRecord::default()
    };
    let receipt = sender.send_step(what, step, call, record).await?;
    Ok((deployed_from(what, &receipt)?, activation_fee_paid(&receipt)))
}

/// The data fee ArbWasm charged in `receipt` (its `ProgramActivated` event; StylusDeployer
/// refunded the rest of the bump), 0 when the code was already active.
pub fn activation_fee_paid(receipt: &TransactionReceipt) -> U256 {
    let topic = H256::from(keccak256("ProgramActivated(bytes32,bytes32,address,uint256,uint16)"));
    receipt
        .logs
        .iter()
        .find(|l| l.address == arb_wasm() && l.topics.first() == Some(&topic) && l.data.len() >= 96)
        .map_or_else(U256::zero, |l| U256::from_big_endian(&l.data[64..96]))
}

/// keccak256 of the code at `address` (of empty code when there is none).
pub async fn code_hash_at(client: &Client, address: Address) -> Result<Option<H256>> {
    let code = client.get_code(address, None).await.with_context(|| format!("reading the code at {address:?}"))?;
    Ok((!code.is_empty()).then(|| H256::from(keccak256(&code))))
}

/// ArbWasm.programVersion: the Stylus version the code at `address` was activated with.
pub async fn activation_version(client: &Arc<Client>, address: Address) -> Result<u16> {
    ArbWasm::new(arb_wasm(), client.clone())
        .program_version(address)
        .call()
        .await
        .with_context(|| format!("reading the activation version of {address:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructor_calldata_is_selector_then_args() {
        let data = constructor_calldata(&[Token::Uint(U256::from(7))]);
        assert_eq!(data[..4], CONSTRUCTOR_SELECTOR);
        assert_eq!(data.len(), 36);
        assert_eq!(data[35], 7);
        assert_eq!(bumped(U256::from(100)), U256::from(120));
    }
}
