//! The one way any command sends a transaction, so that no command can act twice after a crash.
//!
//! Every transaction is estimated (a revert is decoded and nothing is sent), checked against
//! the signer's funds, signed here, and recorded in the deployments file with what it is for
//! and its signed bytes *before* it goes out. A run killed, or cut off from its RPC, between
//! sending and seeing the receipt leaves that record behind; the next run that would send the
//! same step settles it first: it waits for it if the chain knows it, takes its receipt if it
//! was mined, sends exactly the same signed bytes again if the chain never saw them, and only
//! builds a new transaction if those are refused (their nonce was used by something else).
//!
//! A step is named by the caller (`up`'s "deploy RigDeed") or, for the operating commands, by
//! what the transaction does: signer, target, calldata and value. Running the same command
//! with the same arguments after a crash is therefore the same step, and it is settled instead
//! of paid twice; once a step's receipt was seen its record is gone, so doing the same thing
//! again on purpose later sends a new transaction.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{anyhow, bail, Context, Result};
use ethers::{
    abi::Detokenize,
    prelude::*,
    types::transaction::eip2718::TypedTransaction,
    utils::{format_ether, hex, keccak256},
};

use super::{
    deployments::{Ledger, PendingRecord},
    progress,
    revert::Decoder,
    Client,
};

/// Extra gas over the estimate, in percent: state can move between estimate and inclusion.
pub const GAS_MARGIN_PERCENT: u64 = 20;

/// How often a wait for a receipt says it is still waiting.
const TICK: Duration = Duration::from_secs(5);

/// How a recorded transaction ended.
#[derive(Debug)]
pub enum Settled {
    /// Nothing was recorded for the step.
    Nothing,
    /// It was mined; the receipt says whether it succeeded.
    Mined(PendingRecord, Box<TransactionReceipt>),
    /// The chain does not know it and refused it again: the step has to be sent anew.
    Unknown,
}

/// Sends transactions for one command, recording them in `ledger`.
pub struct Sender {
    pub client: Arc<Client>,
    pub ledger: Arc<Ledger>,
    decoder: &'static Decoder,
    /// The command, for progress lines.
    label: String,
}

impl Sender {
    pub fn new(client: Arc<Client>, ledger: Arc<Ledger>, decoder: &'static Decoder, label: &str) -> Self {
        Self { client, ledger, decoder, label: label.to_owned() }
    }

    /// The same ledger and decoder, signing through `client` (another party).
    pub fn with_client(&self, client: Arc<Client>) -> Self {
        Self { client, ledger: self.ledger.clone(), decoder: self.decoder, label: self.label.clone() }
    }

    pub fn decoder(&self) -> &'static Decoder {
        self.decoder
    }

    fn progress(&self, what: impl std::fmt::Display) {
        progress(&self.label, what);
    }

    /// The step name of a transaction the operating commands send: what it does, by whom.
    pub fn step_of<D>(&self, call: &ContractCall<Client, D>) -> String {
        let tx = &call.tx;
        let to = tx.to().and_then(|t| t.as_address().copied()).unwrap_or_default();
        let mut content = self.client.address().as_bytes().to_vec();
        content.extend(to.as_bytes());
        content.extend(tx.data().map(|d| d.to_vec()).unwrap_or_default());
        let mut value = [0u8; 32];
        tx.value().copied().unwrap_or_default().to_big_endian(&mut value);
        content.extend(value);
        format!("call 0x{}", hex::encode(&keccak256(content)[..12]))
    }

    /// If an earlier run sent exactly this call and it succeeded, its receipt: the caller
    /// reports that instead of acting again. Check this before a command's own pre-checks,
    /// which the earlier transaction may have changed the answer of.
    pub async fn earlier<D>(&self, what: &str, call: &ContractCall<Client, D>) -> Result<Option<TransactionReceipt>> {
        match self.settle(&self.step_of(call)).await? {
            Settled::Mined(_, receipt) if receipt.status == Some(1.into()) => {
                self.progress(format!("{what}: done by an earlier run in {:?}; nothing more is sent", receipt.transaction_hash));
                Ok(Some(*receipt))
            }
            _ => Ok(None),
        }
    }

    /// Sends `call` as `what` ("depositing 0.5 ETH into pool 0"), named by its content (see
    /// [`Sender::step_of`]), and returns its successful receipt.
    pub async fn send<D: Detokenize>(&self, what: &str, call: ContractCall<Client, D>) -> Result<TransactionReceipt> {
        let step = self.step_of(&call);
        self.send_step(what, &step, call, PendingRecord::default()).await
    }

    /// Sends `call` as step `step`: settles what an earlier run recorded for it (returning its
    /// receipt when it succeeded), else estimates, checks funds, signs, records (with `extra`),
    /// sends and waits for a successful receipt.
    pub async fn send_step<D: Detokenize>(
        &self,
        what: &str,
        step: &str,
        call: ContractCall<Client, D>,
        extra: PendingRecord,
    ) -> Result<TransactionReceipt> {
        if let Settled::Mined(_, receipt) = self.settle(step).await? {
            if receipt.status == Some(1.into()) {
                self.progress(format!("{what}: done by an earlier run in {:?}", receipt.transaction_hash));
                return Ok(*receipt);
            }
            self.progress(format!("{what}: an earlier run's {:?} reverted; sending it again", receipt.transaction_hash));
        }
        let me = self.client.address();
        let value = call.tx.value().copied().unwrap_or_default();
        // The value first: a node estimating a call whose value the sender lacks says only
        // that the call "always fails".
        self.check_funds(what, U256::zero(), value).await?;
        let gas = self.estimate(what, &call).await?;
        let gas = gas + gas * GAS_MARGIN_PERCENT / 100;
        self.check_funds(what, gas, value).await?;

        let mut tx: TypedTransaction = call.gas(gas).tx;
        tx.set_from(me);
        self.client
            .fill_transaction(&mut tx, None)
            .await
            .map_err(|e| anyhow!("{what}: preparing the transaction failed: {e}"))?;
        let signature =
            self.client.signer().sign_transaction(&tx).await.map_err(|e| anyhow!("{what}: signing failed: {e}"))?;
        let raw = tx.rlp_signed(&signature);
        let hash = H256::from(keccak256(&raw));
        let record = PendingRecord {
            tx: format!("{hash:?}"),
            purpose: what.to_owned(),
            from: format!("{me:?}"),
            raw: format!("0x{}", hex::encode(&raw)),
            ..extra
        };
        self.ledger.update(|d| d.pending.insert(step.to_owned(), record))?;

        if let Err(e) = self.client.provider().send_raw_transaction(raw).await {
            let Some(refusal) = RpcError::as_error_response(&e) else {
                // No answer: the node may or may not have it, so the record stays for the next run.
                bail!("{what}: sending {hash:?} failed: {e}; re-run to resume (the transaction is recorded)");
            };
            // The node answered no: the transaction does not exist, so neither does the record.
            let reason = match refusal.as_revert_data() {
                Some(data) => self.decoder.describe(data.as_ref()),
                None => refusal.message.clone(),
            };
            self.ledger.update(|d| d.pending.remove(step))?;
            bail!("{what}: the node refused the transaction: {reason}");
        }
        self.progress(format!("{what}: sent {hash:?}"));
        let receipt = self
            .wait(what, hash)
            .await?
            .with_context(|| format!("{what}: transaction {hash:?} was dropped; nothing changed, re-run"))?;
        self.ledger.update(|d| d.pending.remove(step))?;
        if receipt.status != Some(1.into()) {
            bail!("{what} reverted in transaction {hash:?} (the chain changed since the estimate); re-run");
        }
        Ok(receipt)
    }

    /// Settles `step`'s recorded transaction, if any, and removes the record.
    pub async fn settle(&self, step: &str) -> Result<Settled> {
        let Some(record) = self.ledger.get().pending.get(step).cloned() else { return Ok(Settled::Nothing) };
        let file = self.ledger.path().display().to_string();
        let hash: H256 = record.tx.parse().with_context(|| format!("pending transaction hash in {file}"))?;
        let purpose = if record.purpose.is_empty() { step } else { record.purpose.as_str() };
        self.progress(format!("{purpose}: a previous run sent {hash:?}; checking it"));
        let provider = self.client.provider();
        let mut known = provider.get_transaction(hash).await.with_context(|| format!("looking up {hash:?}"))?.is_some();
        if !known && !record.raw.is_empty() {
            // Never seen: the very same signed bytes again, which can only ever be mined once.
            let raw: Bytes = record.raw.parse().with_context(|| format!("pending transaction bytes in {file}"))?;
            match provider.send_raw_transaction(raw).await {
                Ok(_) => {
                    self.progress(format!("{purpose}: the chain never saw {hash:?}; sent the same transaction again"));
                    known = true;
                }
                Err(e) if RpcError::as_error_response(&e).is_some() => {
                    self.progress(format!("{purpose}: the chain never saw {hash:?} and refuses it now ({e}); it will be sent anew"));
                }
                Err(e) => bail!("{purpose}: resending {hash:?} failed: {e}; re-run to resume (the transaction is still recorded)"),
            }
        }
        let outcome = match known {
            false => Settled::Unknown,
            true => match self.wait(purpose, hash).await? {
                Some(receipt) => Settled::Mined(record, Box::new(receipt)),
                None => Settled::Unknown,
            },
        };
        self.ledger.update(|d| d.pending.remove(step))?;
        Ok(outcome)
    }

    /// Gas for `call`, or the revert decoded by name as a one-line error.
    pub async fn estimate<D: Detokenize>(&self, what: &str, call: &ContractCall<Client, D>) -> Result<U256> {
        call.estimate_gas().await.map_err(|e| match e.as_revert() {
            Some(data) => anyhow!("{what} reverted: {}; nothing was sent", self.decoder.describe(data)),
            None if e.to_string().contains("insufficient funds") => {
                anyhow!("insufficient funds: {what} costs more than the signer holds; fund it and re-run (nothing was sent)")
            }
            None => anyhow!("{what}: estimating gas failed: {e}"),
        })
    }

    /// Refuses before sending when the signer cannot pay `gas` at the current price plus `value`.
    pub async fn check_funds(&self, what: &str, gas: U256, value: U256) -> Result<()> {
        let me = self.client.address();
        let price = self.client.get_gas_price().await?;
        let need = gas * price + value;
        let have = self.client.get_balance(me, None).await?;
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

    /// The receipt of `hash`, polling while the chain has it pending (a line every few seconds
    /// says it is still waiting); `None` once the chain no longer knows it.
    async fn wait(&self, what: &str, hash: H256) -> Result<Option<TransactionReceipt>> {
        let provider = self.client.provider();
        let started = Instant::now();
        let mut said = Instant::now();
        loop {
            if let Some(receipt) = provider.get_transaction_receipt(hash).await.with_context(|| format!("waiting for {hash:?}"))? {
                return Ok(Some(receipt));
            }
            if provider.get_transaction(hash).await.with_context(|| format!("waiting for {hash:?}"))?.is_none() {
                return Ok(None);
            }
            if said.elapsed() >= TICK {
                self.progress(format!("{what}: still waiting for {hash:?} ({}s)", started.elapsed().as_secs()));
                said = Instant::now();
            }
            tokio::time::sleep(provider.get_interval().min(Duration::from_secs(2))).await;
        }
    }
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
