//! The gas table: what a user pays (receipt gasUsed) for the everyday operations, measured on
//! the dev node with many holders and after many deposits. Deposit and claim must cost the same
//! however many holders and deposits there are (the splitter's accounting is O(1)).

use alloy_primitives::{keccak256, Address, U256};
use alloy_sol_types::SolCall;

use crate::{account, address_of, Chain, RevenueSplitter, RigDeed, RigShares, ETH};

/// Total shares; each holder gets 1/20,000 (so 10,000 holders hold half).
const SUPPLY: u128 = 20_000 * ETH;

/// Gas of each operation at one (holders, deposits) point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GasRow {
    pub holders: usize,
    pub deposits: usize,
    pub deed_mint: u64,
    pub share_transfer: u64,
    pub revenue_deposit: u64,
    pub claim: u64,
}

/// Fixed gas for the setup transactions (no estimate: 10,000 of them).
const SETUP_GAS: u64 = 1_000_000;

fn run<T: SolCall>(chain: &mut Chain, from: &k256::ecdsa::SigningKey, to: Address, value: U256, call: T) -> u64 {
    let receipt = chain.send_with_gas(from, Some(to), value, call.abi_encode().into(), SETUP_GAS);
    assert!(receipt.status, "{} failed: {:?}", T::SIGNATURE, receipt.failure);
    receipt.gas_used
}

/// Deploys the system, gives shares to `holders` investors (the measured one among them),
/// makes `deposits` ETH deposits, then measures a deed mint, a share transfer by the measured
/// investor (a splitter checkpoint for both sides), one more deposit and the measured
/// investor's claim. (The very first deposit of a splitter also initialises its totals, so
/// the table starts after one.)
pub fn gas_row(holders: usize, deposits: usize) -> GasRow {
    assert!(holders >= 1 && deposits >= 1);
    let mut chain = Chain::new();
    let dev = chain.dev.clone();
    let me = chain.dev_address();
    let deed = chain.deploy("rig-deed", ("Rig Deed".to_string(), "RIG".to_string(), me));
    let shares = chain.deploy("rig-shares", ("Pool".to_string(), "POOL".to_string(), U256::from(SUPPLY), me, deed, me));
    let splitter = chain.deploy("revenue-splitter", (shares, Address::ZERO, 0u64, me));
    let operator = keccak256("OPERATOR_ROLE");
    run(&mut chain, &dev, deed, U256::ZERO, RigDeed::grantRoleCall { role: operator, account: me });
    run(&mut chain, &dev, shares, U256::ZERO, RigShares::setRevenueSplitterCall { splitter });
    let payees = vec![Address::with_last_byte(0xa1), Address::with_last_byte(0xa2)];
    run(&mut chain, &dev, splitter, U256::ZERO, RevenueSplitter::setPayeesCall { accounts: payees, bps: vec![1_000, 500] });

    let investor = account(1);
    let measured = address_of(&investor);
    chain.fund(measured, U256::from(ETH));
    let share = U256::from(SUPPLY / 20_000);
    run(&mut chain, &dev, shares, U256::ZERO, RigShares::transferCall { to: measured, value: share });
    for i in 1..holders {
        let holder = Address::from_word(U256::from(0x1_0000_0000u64 + i as u64).into());
        run(&mut chain, &dev, shares, U256::ZERO, RigShares::transferCall { to: holder, value: share });
    }
    let deposit = U256::from(ETH / 100);
    for _ in 0..deposits {
        run(&mut chain, &dev, splitter, deposit, RevenueSplitter::depositEthCall {});
    }

    let mint = RigDeed::mintCall {
        to: me,
        model: "Antminer S21".into(),
        hashrateGhs: 200_000,
        powerWatts: 3_500,
        site: "Rockdale, TX".into(),
        serialHash: keccak256(format!("serial {holders} {deposits}")),
        kind: 0,
    };
    let deed_mint = run(&mut chain, &dev, deed, U256::ZERO, mint);
    let half = share / U256::from(2);
    let share_transfer = run(&mut chain, &investor, shares, U256::ZERO, RigShares::transferCall { to: me, value: half });
    let revenue_deposit = run(&mut chain, &dev, splitter, deposit, RevenueSplitter::depositEthCall {});
    let owed = chain.view(splitter, RevenueSplitter::claimableCall { account: measured })._0;
    assert!(owed > U256::ZERO, "the measured investor has revenue to claim");
    let claim = run(&mut chain, &investor, splitter, U256::ZERO, RevenueSplitter::claimCall {});
    assert_eq!(chain.view(splitter, RevenueSplitter::claimableCall { account: measured })._0, U256::ZERO);
    GasRow { holders, deposits, deed_mint, share_transfer, revenue_deposit, claim }
}

/// The table as Markdown.
pub fn markdown(rows: &[GasRow]) -> String {
    let mut out = String::from(
        "| holders | deposits before | deed mint | share transfer (with checkpoint) | revenue deposit (ETH) | claim |\n|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        out += &format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            r.holders,
            r.deposits,
            r.deed_mint,
            r.share_transfer,
            r.revenue_deposit,
            r.claim
        );
    }
    out
}

/// The largest relative spread of `field` over `rows`: (max - min) / min.
pub fn spread(rows: &[GasRow], field: impl Fn(&GasRow) -> u64) -> f64 {
    let values: Vec<u64> = rows.iter().map(field).collect();
    let (min, max) = (*values.iter().min().unwrap(), *values.iter().max().unwrap());
    (max - min) as f64 / min as f64
}
