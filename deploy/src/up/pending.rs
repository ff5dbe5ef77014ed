//! Transactions written to the deployments file before they are sent.
//!
//! A run killed (or cut off from its RPC) between sending a transaction and seeing its receipt
//! would otherwise not know whether the chain took it, and a resumed run could deploy a second
//! copy of a contract. So each step's transaction is signed here, its hash recorded, and only
//! then sent; a resumed run first settles what was recorded: it waits for it if the chain knows
//! it, adopts its result if it was mined, and forgets it if the chain never saw it.

use std::{path::Path, time::Duration};

use anyhow::{bail, Context, Result};
use ethers::{
    prelude::*,
    types::transaction::eip2718::TypedTransaction,
    utils::keccak256,
};

use super::{
    artifacts::{Deployments, PendingRecord},
    deployer::Client,
};

/// How a recorded transaction ended.
#[derive(Debug)]
pub enum Settled {
    /// Nothing was recorded for the step.
    Nothing,
    /// It was mined; the receipt says whether it succeeded.
    Mined(PendingRecord, Box<TransactionReceipt>),
    /// The chain does not know it (never arrived, or dropped): the step has to be sent again.
    Unknown,
}

/// Settles `step`'s recorded transaction, if any, and removes the record.
pub async fn settle(client: &Client, step: &str, saved: &mut Deployments, file: &Path) -> Result<Settled> {
    let Some(record) = saved.pending.get(step).cloned() else { return Ok(Settled::Nothing) };
    let hash: H256 = record.tx.parse().with_context(|| format!("pending transaction hash in {}", file.display()))?;
    super::progress(format!("{step}: a previous run sent {hash:?}; checking it"));
    let provider = client.provider();
    let known = provider.get_transaction(hash).await.with_context(|| format!("looking up {hash:?}"))?;
    let outcome = match known {
        None => Settled::Unknown,
        Some(_) => match wait(provider, hash).await? {
            Some(receipt) => Settled::Mined(record, Box::new(receipt)),
            None => Settled::Unknown,
        },
    };
    saved.pending.remove(step);
    saved.save(file)?;
    Ok(outcome)
}

/// Signs `tx` (gas, fees and nonce filled in), records it under `step`, sends it and waits for
/// a successful receipt. `extra` is stored with the record for the caller's later checks.
pub async fn send(
    client: &Client,
    what: &str,
    step: &str,
    mut tx: TypedTransaction,
    extra: PendingRecord,
    saved: &mut Deployments,
    file: &Path,
) -> Result<TransactionReceipt> {
    client
        .fill_transaction(&mut tx, None)
        .await
        .map_err(|e| anyhow::anyhow!("{what}: preparing the transaction failed: {e}"))?;
    let signature = client
        .signer()
        .sign_transaction(&tx)
        .await
        .map_err(|e| anyhow::anyhow!("{what}: signing failed: {e}"))?;
    let raw = tx.rlp_signed(&signature);
    let hash = H256::from(keccak256(&raw));
    saved.pending.insert(step.to_owned(), PendingRecord { tx: format!("{hash:?}"), ..extra });
    saved.save(file)?;

    if let Err(e) = client.provider().send_raw_transaction(raw).await {
        let Some(refusal) = ethers::providers::RpcError::as_error_response(&e) else {
            // No answer: the node may or may not have it, so the record stays for the next run.
            bail!("{what}: sending {hash:?} failed: {e}; re-run to resume (the transaction is recorded)");
        };
        // The node answered no: the transaction does not exist, so neither does the record.
        let reason = match refusal.as_revert_data() {
            Some(data) => crate::ops::revert::describe(data.as_ref()),
            None => refusal.message.clone(),
        };
        saved.pending.remove(step);
        saved.save(file)?;
        bail!("{what}: the node refused the transaction: {reason}");
    }
    let receipt = wait(client.provider(), hash)
        .await?
        .with_context(|| format!("{what}: transaction {hash:?} was dropped; re-run"))?;
    saved.pending.remove(step);
    saved.save(file)?;
    if receipt.status != Some(1.into()) {
        bail!("{what} reverted in transaction {hash:?}; re-run to retry this step");
    }
    Ok(receipt)
}

/// The receipt of `hash`, polling while the chain has it pending; `None` once it is gone.
async fn wait(provider: &Provider<Http>, hash: H256) -> Result<Option<TransactionReceipt>> {
    loop {
        if let Some(receipt) = provider.get_transaction_receipt(hash).await.with_context(|| format!("waiting for {hash:?}"))? {
            return Ok(Some(receipt));
        }
        if provider.get_transaction(hash).await.with_context(|| format!("waiting for {hash:?}"))?.is_none() {
            return Ok(None);
        }
        tokio::time::sleep(provider.get_interval().min(Duration::from_secs(2))).await;
    }
}
