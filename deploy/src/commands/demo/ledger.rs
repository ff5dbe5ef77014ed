//! The demo's ledger: the raise (each purchase, and that payments equal the proceeds the
//! treasury received), every party, its shares and what it received in each asset, a totals
//! row, and the check that the totals equal the deposits, exactly, per asset.

use anyhow::{bail, Result};
use ethers::types::U256;
use serde::Serialize;

use crate::commands::{
    ops::{assets::Asset, pools::SHARE_DECIMALS, revenue::Amount, units, Report},
    status::Rig,
};

/// One party of the story.
#[derive(Debug, Clone, Serialize)]
pub struct Party {
    pub party: String,
    pub role: String,
    pub account: String,
    /// Shares held at the end.
    pub shares: Amount,
    /// What it claimed, per asset in the order of [`Ledger::assets`].
    pub received: Vec<Amount>,
}

/// One payout asset and what was deposited in it.
#[derive(Debug, Clone, Serialize)]
pub struct AssetLine {
    pub asset: Asset,
    pub splitter: String,
    pub deposited: Amount,
    /// What is left in the splitter after every claim (0 when the ledger adds up).
    pub left_in_splitter: Amount,
}

/// One investor's purchase in the raise.
#[derive(Debug, Clone, Serialize)]
pub struct Purchase {
    pub party: String,
    pub account: String,
    /// Shares bought (and claimed).
    pub shares: Amount,
    pub paid: Amount,
}

/// The capital raise.
#[derive(Debug, Clone, Serialize)]
pub struct Raise {
    pub sale: String,
    /// The payment asset.
    pub asset: Asset,
    pub state: String,
    pub price: Amount,
    pub soft_cap: Amount,
    pub hard_cap: Amount,
    pub purchases: Vec<Purchase>,
    /// The purchase refused for going over the per-account cap, with its error.
    pub refused: String,
    /// What the sale reported raising when finalized.
    pub raised: Amount,
    pub treasury: String,
    /// What the treasury's balance gained.
    pub to_treasury: Amount,
    /// What the sale still holds (0 once finalized and claimed).
    pub left_in_sale: Amount,
    /// Sums over the purchases (filled by [`Ledger::close`]).
    pub paid: Amount,
    pub claimed: Amount,
}

/// The purchase order for the rigs, paid from the raise.
#[derive(Debug, Clone, Serialize)]
pub struct RigOrder {
    pub order: u64,
    pub status: String,
    pub supplier: String,
    /// The hosting site that confirmed delivery.
    pub site: String,
    pub units: usize,
    pub price: Amount,
    pub funded: Amount,
    /// Released to the supplier (shipment, delivery, each installed rig).
    pub released: Amount,
    /// What the supplier's balance gained (net of its gas).
    pub to_supplier: Amount,
    /// The raise's proceeds not spent on the order.
    pub treasury_keeps: Amount,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ledger {
    pub chain_id: u64,
    pub rpc_url: String,
    pub rig_deed: String,
    pub shares: String,
    pub rigs: Vec<Rig>,
    pub backing_ths: String,
    pub raise: Raise,
    pub purchase: RigOrder,
    pub assets: Vec<AssetLine>,
    pub parties: Vec<Party>,
    /// Sums over the parties: shares (the supply) and received per asset.
    pub totals: Party,
    /// Received equals deposited for every asset, and nothing is left in the splitters.
    pub adds_up: bool,
}

impl Ledger {
    /// Adds the totals row and fails loudly unless, per asset, the parties received exactly
    /// what was deposited and the splitter is empty.
    pub fn close(mut self) -> Result<Self> {
        let share = share_asset();
        let mut shares = U256::zero();
        for p in &self.parties {
            shares += units::dec(&p.shares.raw);
        }
        let mut received = Vec::new();
        let mut problems = Vec::new();
        let r = &mut self.raise;
        let paid = r.purchases.iter().fold(U256::zero(), |acc, p| acc + units::dec(&p.paid.raw));
        let claimed = r.purchases.iter().fold(U256::zero(), |acc, p| acc + units::dec(&p.shares.raw));
        r.paid = Amount::of(paid, &r.asset);
        r.claimed = Amount::of(claimed, &share);
        if r.raised.raw != paid.to_string() || r.to_treasury.raw != r.raised.raw || r.left_in_sale.raw != "0" {
            problems.push(format!(
                "raise: buyers paid {}, the sale raised {}, the treasury received {}, left in the sale {}",
                r.paid, r.raised, r.to_treasury, r.left_in_sale
            ));
        }
        let o = &self.purchase;
        let spent = units::dec(&o.price.raw) + units::dec(&o.treasury_keeps.raw);
        if o.funded.raw != o.price.raw || o.released.raw != o.price.raw || o.to_supplier.raw != o.price.raw || spent.to_string() != r.raised.raw {
            problems.push(format!(
                "order {}: price {}, funded {}, released {}, the supplier received {}, the treasury keeps {} of the {} raised",
                o.order, o.price, o.funded, o.released, o.to_supplier, o.treasury_keeps, r.raised
            ));
        }
        if r.claimed.raw != r.hard_cap.raw {
            problems.push(format!("raise: {} sold out, {} claimed", r.hard_cap, r.claimed));
        }
        for (i, line) in self.assets.iter().enumerate() {
            let sum = self.parties.iter().fold(U256::zero(), |acc, p| acc + units::dec(&p.received[i].raw));
            let deposited = units::dec(&line.deposited.raw);
            if sum != deposited || line.left_in_splitter.raw != "0" {
                problems.push(format!(
                    "{}: deposited {}, received {}, left in the splitter {}",
                    line.asset.symbol,
                    line.deposited,
                    Amount::of(sum, &line.asset),
                    line.left_in_splitter
                ));
            }
            received.push(Amount::of(sum, &line.asset));
        }
        self.totals = Party {
            party: "total".into(),
            role: String::new(),
            account: String::new(),
            shares: Amount::of(shares, &share),
            received,
        };
        if !problems.is_empty() {
            bail!("the demo's ledger does not add up: {}", problems.join("; "));
        }
        self.adds_up = true;
        Ok(self)
    }
}

/// Shares as an asset, for amounts (18 decimals).
pub fn share_asset() -> Asset {
    Asset { token: None, symbol: "shares".into(), decimals: SHARE_DECIMALS }
}

impl Report for Ledger {
    fn text(&self) -> String {
        let mut out = format!(
            "\nrigshare demo on chain {} ({}): {} rigs, {} TH/s backing pool {}\n\n",
            self.chain_id,
            self.rpc_url,
            self.rigs.len(),
            self.backing_ths,
            self.shares
        );
        out += "| deed | model | TH/s | W | site | status |\n|---:|---|---:|---:|---|---|\n";
        for r in &self.rigs {
            out += &format!("| {} | {} | {} | {} | {} | {} |\n", r.deed_id, r.model, r.hashrate_ths, r.power_watts, r.site, r.status);
        }
        let r = &self.raise;
        out += &format!(
            "\nraise: sale {} ({}), {} a share, soft cap {}, hard cap {}\n\n| investor | account | shares bought | paid |\n|---|---|---:|---:|\n",
            r.sale, r.state, r.price, r.soft_cap, r.hard_cap
        );
        for p in &r.purchases {
            out += &format!("| {} | {} | {} | {} |\n", p.party, p.account, units::format_grouped(units::dec(&p.shares.raw), SHARE_DECIMALS), p.paid);
        }
        out += &format!("| total | | {} | {} |\n", units::format_grouped(units::dec(&r.claimed.raw), SHARE_DECIMALS), r.paid);
        out += &format!("\n{}\ntreasury {} received {} (the sale raised {}; {} left in it)\n", r.refused, r.treasury, r.to_treasury, r.raised, r.left_in_sale);
        let o = &self.purchase;
        out += &format!(
            "\npurchase: order {} ({}) for {} rigs from supplier {}, delivered to {}: price {}, funded {}, released {}, the supplier received {}; the treasury keeps {}\n",
            o.order, o.status, o.units, o.supplier, o.site, o.price, o.funded, o.released, o.to_supplier, o.treasury_keeps
        );
        let symbols: Vec<&str> = self.assets.iter().map(|a| a.asset.symbol.as_str()).collect();
        out += &format!("\n| party | role | account | shares |{}\n", symbols.iter().map(|s| format!(" {s} received |")).collect::<String>());
        out += &format!("|---|---|---|---:|{}\n", "---:|".repeat(symbols.len()));
        let row = |p: &Party| {
            format!(
                "| {} | {} | {} | {} |{}\n",
                p.party,
                p.role,
                p.account,
                units::format_grouped(units::dec(&p.shares.raw), SHARE_DECIMALS),
                p.received.iter().map(|a| format!(" {} |", a.amount)).collect::<String>()
            )
        };
        for p in &self.parties {
            out += &row(p);
        }
        out += &row(&self.totals);
        out += &format!(
            "| deposited | mining revenue | | |{}\n",
            self.assets.iter().map(|a| format!(" {} |", a.deposited.amount)).collect::<String>()
        );
        out += &format!(
            "\n{}: the buyers' payments equal the proceeds, the rigs' order paid the supplier exactly its price from them, every asset's payouts add up to its deposits, to the last base unit, and the sale and the splitters are empty.\n",
            if self.adds_up { "checked" } else { "NOT checked" }
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledger(received: [u64; 2], left: u64) -> Ledger {
        let eth = Asset::eth();
        let party = |r: u64| Party {
            party: "p".into(),
            role: "holder".into(),
            account: "0x01".into(),
            shares: Amount::of(U256::exp10(18), &share_asset()),
            received: vec![Amount::of(r.into(), &eth)],
        };
        Ledger {
            chain_id: 1,
            rpc_url: String::new(),
            rig_deed: String::new(),
            shares: String::new(),
            rigs: Vec::new(),
            backing_ths: "0".into(),
            raise: raise(),
            purchase: rig_order(),
            assets: vec![AssetLine {
                asset: eth.clone(),
                splitter: String::new(),
                deposited: Amount::of(10u64.into(), &eth),
                left_in_splitter: Amount::of(left.into(), &eth),
            }],
            parties: received.iter().map(|&r| party(r)).collect(),
            totals: party(0),
            adds_up: false,
        }
    }

    /// A raise of 3 shares at 2 wei each, all paid to the treasury.
    fn raise() -> Raise {
        let (eth, share) = (Asset::eth(), share_asset());
        let purchase = |n: u64| Purchase {
            party: "investor".into(),
            account: "0x02".into(),
            shares: Amount::of(U256::from(n) * U256::exp10(18), &share),
            paid: Amount::of((2 * n).into(), &eth),
        };
        Raise {
            sale: "0x03".into(),
            asset: eth.clone(),
            state: "succeeded".into(),
            price: Amount::of(2u64.into(), &eth),
            soft_cap: Amount::of(4u64.into(), &eth),
            hard_cap: Amount::of(U256::from(3) * U256::exp10(18), &share),
            purchases: vec![purchase(1), purchase(2)],
            refused: String::new(),
            raised: Amount::of(6u64.into(), &eth),
            treasury: "0x04".into(),
            to_treasury: Amount::of(6u64.into(), &eth),
            left_in_sale: Amount::of(0u64.into(), &eth),
            paid: Amount::of(0u64.into(), &eth),
            claimed: Amount::of(0u64.into(), &share),
        }
    }

    /// An order for 4 wei of the raise's 6, all paid to the supplier.
    fn rig_order() -> RigOrder {
        let eth = Asset::eth();
        let wei = |n: u64| Amount::of(n.into(), &eth);
        RigOrder {
            order: 0,
            status: "completed".into(),
            supplier: "0x05".into(),
            site: "0x06".into(),
            units: 2,
            price: wei(4),
            funded: wei(4),
            released: wei(4),
            to_supplier: wei(4),
            treasury_keeps: wei(2),
        }
    }

    #[test]
    fn a_purchase_closes_only_when_the_supplier_got_the_price_from_the_raise() {
        assert!(ledger([6, 4], 0).close().is_ok());
        let mut short = ledger([6, 4], 0);
        short.purchase.to_supplier = Amount::of(3u64.into(), &Asset::eth());
        let err = short.close().unwrap_err().to_string();
        assert!(err.contains("the supplier received 0.000000000000000003 ETH"), "{err}");
        let mut lost = ledger([6, 4], 0);
        lost.purchase.treasury_keeps = Amount::of(1u64.into(), &Asset::eth());
        assert!(lost.close().is_err(), "price + kept must be the whole raise");
    }

    #[test]
    fn a_raise_closes_only_when_payments_equal_proceeds() {
        let closed = ledger([6, 4], 0).close().unwrap();
        assert_eq!((closed.raise.paid.raw.as_str(), closed.raise.claimed.amount.as_str()), ("6", "3"));
        let mut short = ledger([6, 4], 0);
        short.raise.to_treasury = Amount::of(5u64.into(), &Asset::eth());
        let err = short.close().unwrap_err().to_string();
        assert!(err.contains("buyers paid 0.000000000000000006 ETH") && err.contains("treasury received 0.000000000000000005 ETH"), "{err}");
        let mut kept = ledger([6, 4], 0);
        kept.raise.left_in_sale = Amount::of(1u64.into(), &Asset::eth());
        assert!(kept.close().is_err());
    }

    #[test]
    fn closes_only_when_it_adds_up() {
        let closed = ledger([6, 4], 0).close().unwrap();
        assert!(closed.adds_up);
        assert_eq!((closed.totals.received[0].raw.as_str(), closed.totals.shares.amount.as_str()), ("10", "2"));
        assert!(closed.text().contains("| total |  |  | 2 | 0.00000000000000001 |"), "{}", closed.text());
        let err = ledger([6, 3], 1).close().unwrap_err().to_string();
        assert!(err.contains("does not add up") && err.contains("received 0.000000000000000009 ETH"), "{err}");
    }
}
