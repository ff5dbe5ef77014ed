//! Sending one transaction for an operating command: estimate (a revert is decoded and nothing
//! is sent), check the signer can pay, send, say so with the hash, and wait with a progress
//! line every few seconds, until a successful receipt.

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Result};
use ethers::{abi::Detokenize, prelude::*, utils::format_ether};

use super::{revert, session::Session};
use crate::up::deployer::Client;

/// Extra gas over the estimate, in percent: state can move between estimate and inclusion.
pub const GAS_MARGIN_PERCENT: u64 = 20;

/// How often a wait for a receipt says it is still waiting.
const TICK: Duration = Duration::from_secs(5);

/// Sends `call` as `what` ("minting the deed") and returns its successful receipt.
pub async fn send<D: Detokenize>(s: &Session, what: &str, call: ContractCall<Client, D>) -> Result<TransactionReceipt> {
    let me = s.signer()?;
    let value = call.tx.value().copied().unwrap_or_default();
    // The value first: a node estimating a call whose value the sender lacks says only that
    // the call "always fails".
    check_funds(&s.client, me, what, U256::zero(), value).await?;
    let gas = estimate(what, &call).await?;
    let gas = gas + gas * GAS_MARGIN_PERCENT / 100;
    check_funds(&s.client, me, what, gas, value).await?;

    let call = call.gas(gas);
    let pending = call.send().await.map_err(|e| match e.as_revert() {
        Some(data) => anyhow!("{what} reverted: {}; nothing was sent", revert::describe(data)),
        None => anyhow!("{what}: sending failed: {e}"),
    })?;
    let hash = pending.tx_hash();
    s.progress(format!("{what}: sent {hash:?}"));
    let started = Instant::now();
    let mut wait = Box::pin(pending);
    let receipt = loop {
        tokio::select! {
            done = &mut wait => break done,
            () = tokio::time::sleep(TICK) => {
                s.progress(format!("{what}: still waiting for {hash:?} ({}s)", started.elapsed().as_secs()));
            }
        }
    };
    let receipt = receipt
        .map_err(|e| anyhow!("{what}: waiting for {hash:?} failed: {e}; check it on an explorer before re-running"))?
        .ok_or_else(|| anyhow!("{what}: transaction {hash:?} was dropped; nothing changed, re-run"))?;
    if receipt.status != Some(1.into()) {
        bail!("{what} reverted in transaction {hash:?} (the chain changed since the estimate); re-run");
    }
    Ok(receipt)
}

/// Gas for `call`, or the revert decoded by name as a one-line error.
pub async fn estimate<D: Detokenize>(what: &str, call: &ContractCall<Client, D>) -> Result<U256> {
    call.estimate_gas().await.map_err(|e| match e.as_revert() {
        Some(data) => anyhow!("{what} reverted: {}; nothing was sent", revert::describe(data)),
        None if e.to_string().contains("insufficient funds") => {
            anyhow!("insufficient funds: {what} costs more than the signer holds; fund it and re-run (nothing was sent)")
        }
        None => anyhow!("{what}: estimating gas failed: {e}"),
    })
}

/// Refuses before sending when `me` cannot pay `gas` at the current price plus `value`.
pub async fn check_funds(client: &Client, me: Address, what: &str, gas: U256, value: U256) -> Result<()> {
    let price = client.get_gas_price().await?;
    let need = gas * price + value;
    let have = client.get_balance(me, None).await?;
    if have < need {
        bail!(
            "insufficient funds: {what} needs about {} ETH (gas{}), {me:?} has {} ETH; fund it and re-run (nothing was sent)",
            format_ether(need),
            if value.is_zero() { String::new() } else { format!(" and {} ETH sent with it", format_ether(value)) },
            format_ether(have)
        );
    }
    Ok(())
}

/// The first log of `receipt` that decodes as `E` from `emitter`.
pub fn event<E: EthEvent>(receipt: &TransactionReceipt, emitter: Address) -> Option<E> {
    events(receipt, emitter).into_iter().next()
}

/// Every log of `receipt` that decodes as `E` from `emitter`, in order.
pub fn events<E: EthEvent>(receipt: &TransactionReceipt, emitter: Address) -> Vec<E> {
    receipt
        .logs
        .iter()
        .filter(|l| l.address == emitter)
        .filter_map(|l| ethers::contract::parse_log::<E>(l.clone()).ok())
        .collect()
}

/// What a sent transaction did, for reports.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Sent {
    pub tx: String,
    pub block: u64,
    pub gas_used: u64,
}

impl From<&TransactionReceipt> for Sent {
    fn from(r: &TransactionReceipt) -> Self {
        Self {
            tx: format!("{:?}", r.transaction_hash),
            block: r.block_number.unwrap_or_default().as_u64(),
            gas_used: r.gas_used.unwrap_or_default().as_u64(),
        }
    }
}
