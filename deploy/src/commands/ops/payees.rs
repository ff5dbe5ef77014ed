//! `rigshare payees set`: the waterfall (hosting, operator fee, ...) credited before holders on
//! every later deposit, set on each of a pool's splitters. Labels are kept in the deployments
//! file so `status` can name the payees; the chain stores addresses and basis points only.

use anyhow::{Context, Result};
use serde::Serialize;

use super::{assets, session::Session, Report};
use crate::{catalogue::Payee, chain::sender::Sent};

#[derive(Debug, Clone, Serialize)]
pub struct PayeeOut {
    pub account: String,
    pub label: Option<String>,
    pub bps: u16,
}

#[derive(Debug, Clone, Serialize)]
pub struct PayeesSet {
    pub pool: usize,
    pub payees: Vec<PayeeOut>,
    /// The splitters updated (those already set this way are skipped).
    pub splitters: Vec<SplitterSet>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SplitterSet {
    pub splitter: String,
    pub asset: String,
    /// None when the splitter already had these payees.
    pub sent: Option<Sent>,
}

impl Report for PayeesSet {
    fn text(&self) -> String {
        let mut out = format!("pool {} payees:", self.pool);
        if self.payees.is_empty() {
            out += " none";
        }
        for p in &self.payees {
            let label = p.label.as_deref().map_or(String::new(), |l| format!("{l} "));
            out += &format!(" {label}{} {}.{:02}%", p.account, p.bps / 100, p.bps % 100);
        }
        out += "\n";
        for sp in &self.splitters {
            match &sp.sent {
                Some(sent) => out += &format!("  {} splitter {}: set (tx {})\n", sp.asset, sp.splitter, sent.tx),
                None => out += &format!("  {} splitter {}: already so\n", sp.asset, sp.splitter),
            }
        }
        out
    }
}

/// `rigshare payees set`: on every splitter of the pool, or the one `--token` names.
pub async fn set(s: &Session, pool: usize, token: Option<&str>, payees: &[Payee]) -> Result<PayeesSet> {
    s.signer()?;
    let (_, shares) = s.pool(pool)?;
    let accounts: Vec<_> = payees.iter().map(|p| p.account).collect();
    let bps: Vec<u16> = payees.iter().map(|p| p.bps).collect();
    let mut splitters = Vec::new();
    for sp in assets::select(s, pool, shares, token).await? {
        let contract = sp.contract(&s.client);
        let call = contract.set_payees(accounts.clone(), bps.clone());
        let what = format!("setting the payees of the {} splitter", sp.asset.symbol);
        if let Some(receipt) = s.earlier(&what, &call).await? {
            splitters.push(SplitterSet { splitter: format!("{:?}", sp.address), asset: sp.asset.symbol.clone(), sent: Some(Sent::from(&receipt)) });
            continue;
        }
        let current = contract.payees().call().await.context("reading payees()")?;
        let sent = if current == (accounts.clone(), bps.clone()) {
            s.progress(format!("the {} splitter already has these payees", sp.asset.symbol));
            None
        } else {
            s.progress(&what);
            Some(Sent::from(&s.send(&what, call).await?))
        };
        splitters.push(SplitterSet { splitter: format!("{:?}", sp.address), asset: sp.asset.symbol.clone(), sent });
    }

    // Labels for people, recorded once the chain has the payees.
    let mut pools = s.pools();
    for p in payees {
        if let Some(label) = &p.label {
            pools[pool].payee_labels.insert(format!("{:?}", p.account), label.clone());
        }
    }
    s.save_pools(pools)?;

    Ok(PayeesSet {
        pool,
        payees: payees
            .iter()
            .map(|p| PayeeOut { account: format!("{:?}", p.account), label: p.label.clone(), bps: p.bps })
            .collect(),
        splitters,
    })
}
