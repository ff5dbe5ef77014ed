//! Deploying one contract through StylusDeployer: constructor calldata, the activation data fee
//! (estimated as cargo-stylus does), the transaction, and what the receipt says.

use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use ethers::{
    abi::{self, Token},
    prelude::*,
    utils::{format_ether, keccak256},
};
use serde_json::json;

use super::bindings::{ArbWasm, StylusDeployer};

pub type Client = SignerMiddleware<Provider<Http>, LocalWallet>;

/// Selector of `stylus_constructor()`: how SDK 0.9 contracts take constructor arguments.
pub const CONSTRUCTOR_SELECTOR: [u8; 4] = [0x55, 0x85, 0x25, 0x8d];

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
pub async fn data_fee(client: &Client, stored: &[u8]) -> Result<U256> {
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
                Some(d) if d.len() == 68 && d[..4] == selector("ProgramInsufficientValue(uint256,uint256)") => {
                    Ok(U256::from_big_endian(&d[36..68]))
                }
                Some(d) if d.len() >= 4 && d[..4] == selector("ProgramUpToDate()") => Ok(U256::zero()),
                Some(d) => bail!("estimating the activation data fee: ArbWasm reverted: {}", describe_revert(d)),
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

pub fn selector(signature: &str) -> [u8; 4] {
    ethers::utils::id(signature)
}

/// Names the errors a deploy or wiring step can revert with; anything else by selector.
pub fn describe_revert(data: &[u8]) -> String {
    const KNOWN: &[&str] = &[
        "ProgramInsufficientValue(uint256,uint256)",
        "ProgramNotWasm()",
        "ProgramUpToDate()",
        "ContractDeploymentError(bytes)",
        "ContractInitializationError(address)",
        "RefundExcessValueError(uint256)",
        "EmptyBytecode()",
        "InitValueButNotInitData()",
        "AccessControlUnauthorizedAccount(address,bytes32)",
        "Panic(uint256)",
    ];
    if data.len() < 4 {
        return "no reason given".into();
    }
    if data[..4] == selector("Error(string)") {
        if let Ok(tokens) = abi::decode(&[abi::ParamType::String], &data[4..]) {
            return format!("\"{}\"", tokens[0]);
        }
    }
    if data[..4] == selector("ProgramInsufficientValue(uint256,uint256)") && data.len() >= 68 {
        let have = U256::from_big_endian(&data[4..36]);
        let want = U256::from_big_endian(&data[36..68]);
        return format!("ProgramInsufficientValue(have {} ETH, want {} ETH)", format_ether(have), format_ether(want));
    }
    match KNOWN.iter().find(|s| data[..4] == selector(s)) {
        Some(sig) => sig.to_string(),
        None => format!("custom error 0x{}", ethers::utils::hex::encode(&data[..4])),
    }
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

    #[test]
    fn names_reverts() {
        let mut d = selector("Error(string)").to_vec();
        d.extend(abi::encode(&[Token::String("nope".into())]));
        assert_eq!(describe_revert(&d), "\"nope\"");
        assert_eq!(describe_revert(&selector("EmptyBytecode()")), "EmptyBytecode()");
        assert_eq!(describe_revert(&[1, 2, 3, 4]), "custom error 0x01020304");
    }
}
