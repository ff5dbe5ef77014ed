//! Payout assets (ETH or an ERC-20) and a pool's revenue splitters, read from the chain: the
//! share token names its splitters, each splitter its asset, each token its symbol and
//! decimals. The deployments file is only a hint for them.

use std::sync::Arc;

use anyhow::{bail, Context, Result};
use ethers::prelude::*;
use serde::Serialize;

use super::session::Session;
use crate::{
    catalogue::{erc20::Erc20, revenue_splitter::RevenueSplitter, rig_shares::RigShares},
    chain::Client,
};

/// What a splitter pays out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Asset {
    /// None for native ETH.
    pub token: Option<Address>,
    pub symbol: String,
    pub decimals: u8,
}

impl Asset {
    pub fn eth() -> Self {
        Self { token: None, symbol: "ETH".into(), decimals: 18 }
    }

    /// Reads symbol and decimals of `token` (zero = ETH).
    pub async fn read(client: &Arc<Client>, token: Address) -> Result<Self> {
        if token.is_zero() {
            return Ok(Self::eth());
        }
        let erc20 = Erc20::new(token, client.clone());
        let decimals = erc20.decimals().call().await.with_context(|| format!("reading decimals() of token {token:?}"))?;
        let symbol = erc20.symbol().call().await.unwrap_or_else(|_| format!("{token:?}"));
        Ok(Self { token: Some(token), symbol, decimals })
    }

    /// "eth" or the token's address, as the deployments file and `--token` write it.
    pub fn key(&self) -> String {
        self.token.map_or_else(|| "eth".to_owned(), |t| format!("{t:?}"))
    }

    /// Whether `--token` text names this asset: "eth", the address, or the symbol.
    pub fn matches(&self, text: &str) -> bool {
        let text = text.trim();
        match self.token {
            None => text.eq_ignore_ascii_case("eth") || text.parse::<Address>().is_ok_and(|a| a.is_zero()),
            Some(t) => text.parse::<Address>().is_ok_and(|a| a == t) || text.eq_ignore_ascii_case(&self.symbol),
        }
    }
}

/// One of a pool's splitters and what it pays.
#[derive(Debug, Clone)]
pub struct Splitter {
    pub address: Address,
    pub asset: Asset,
}

impl Splitter {
    pub fn contract(&self, client: &Arc<Client>) -> RevenueSplitter<Client> {
        RevenueSplitter::new(self.address, client.clone())
    }
}

/// The splitters the share token at `shares` reports to, in the order it adopted them.
pub async fn splitters(client: &Arc<Client>, shares: Address) -> Result<Vec<Splitter>> {
    let token = RigShares::new(shares, client.clone());
    let addresses = token.revenue_splitters().call().await.context("reading RigShares.revenueSplitters()")?;
    let mut out = Vec::new();
    for address in addresses {
        let asset = RevenueSplitter::new(address, client.clone())
            .asset()
            .call()
            .await
            .with_context(|| format!("reading asset() of splitter {address:?}"))?;
        out.push(Splitter { address, asset: Asset::read(client, asset).await? });
    }
    Ok(out)
}

/// The pool's splitters that `--token` selects: all of them when it is not given.
pub async fn select(s: &Session, pool: usize, shares: Address, token: Option<&str>) -> Result<Vec<Splitter>> {
    let all = splitters(&s.client, shares).await?;
    if all.is_empty() {
        bail!("pool {pool} has no revenue splitter yet; wire one with `rigshare pool add-splitter --pool {pool} --asset eth`");
    }
    let Some(text) = token else { return Ok(all) };
    let chosen: Vec<_> = all.iter().filter(|sp| sp.asset.matches(text)).cloned().collect();
    if chosen.is_empty() {
        bail!("pool {pool} has no splitter paying '{text}'; it pays in {}", names(&all));
    }
    Ok(chosen)
}

/// The one splitter `--token` selects (for a deposit), or a refusal asking to pick.
pub async fn select_one(s: &Session, pool: usize, shares: Address, token: Option<&str>) -> Result<Splitter> {
    let mut chosen = select(s, pool, shares, token).await?;
    if chosen.len() > 1 {
        bail!("pool {pool} pays in {}; say which with --token", names(&chosen));
    }
    Ok(chosen.remove(0))
}

fn names(splitters: &[Splitter]) -> String {
    splitters.iter().map(|s| s.asset.symbol.clone()).collect::<Vec<_>>().join(" and ")
}

/// Parses `--asset`: "eth" or a token address.
pub fn parse_asset(text: &str) -> Result<Address> {
    if text.trim().eq_ignore_ascii_case("eth") {
        return Ok(Address::zero());
    }
    text.trim().parse().map_err(|_| anyhow::anyhow!("--asset '{text}' is neither eth nor a token address"))
}

/// Before paying `amount` of `asset` to `spender` from the signer: refuses (nothing sent) when
/// the signer holds less, and approves `spender` when the allowance is short. Nothing for ETH.
/// `what` names the payment in the refusal ("the deposit is", "the purchase costs").
pub async fn prepare_payment(s: &Session, asset: &Asset, spender: Address, amount: U256, what: &str) -> Result<Option<crate::chain::sender::Sent>> {
    let Some(token) = asset.token else { return Ok(None) };
    let me = s.signer()?;
    let erc20 = Erc20::new(token, s.client.clone());
    let have = erc20.balance_of(me).call().await.context("reading the token balance")?;
    let units = |v| super::units::format_units(v, asset.decimals);
    if have < amount {
        bail!("insufficient {}: {me:?} holds {}, {what} {}; nothing was sent", asset.symbol, units(have), units(amount));
    }
    if erc20.allowance(me, spender).call().await.context("reading the allowance")? >= amount {
        return Ok(None);
    }
    let approve = format!("approving {spender:?} to take {} {}", units(amount), asset.symbol);
    s.progress(&approve);
    Ok(Some(crate::chain::sender::Sent::from(&s.send(&approve, erc20.approve(spender, amount)).await?)))
}
