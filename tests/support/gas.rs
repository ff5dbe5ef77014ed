//! The gas table: what a user pays (receipt gasUsed) for the everyday operations, measured on
//! the dev node with many holders and after many deposits. Deposit and claim must cost the same
//! however many holders and deposits there are (the splitter's accounting is O(1)). Each
//! operation is measured twice, on two identical chains: as deployed, and with every program
//! cached through ArbWasmCache (what `rigshare up --cache` does), whose calls pay Nitro's cached
//! init price.

use alloy_primitives::{keccak256, Address, U256};
use alloy_sol_types::SolCall;

use crate::{account, address_of, Chain, RevenueSplitter, RigDeed, RigShares, ETH};
use devnode::engine::precompiles::{ArbWasmCache, ARB_WASM_CACHE};

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
    /// The same four operations with every program cached.
    pub cached: CachedGas,
}

/// Gas of [`GasRow`]'s operations with every program in ArbOS's cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachedGas {
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

/// A fresh chain with a deed collection, a pool of [`SUPPLY`] shares held by the dev account,
/// and an ETH splitter without streaming (not wired yet): (chain, deed, shares, splitter).
fn system() -> (Chain, Address, Address, Address) {
    let mut chain = Chain::new();
    let me = chain.dev_address();
    let deed = chain.deploy_deed();
    let shares = chain.deploy_shares("Pool", "POOL", U256::from(SUPPLY), me, deed, me);
    let splitter = chain.deploy_splitter(shares, Address::ZERO, 0u64, me);
    (chain, deed, shares, splitter)
}

/// A deed mint of an Antminer S21 (200 TH/s, 3,500 W) with `serial` to `to`.
fn s21_to(to: Address, serial: &str) -> RigDeed::mintCall {
    RigDeed::mintCall {
        to,
        model: "Antminer S21".into(),
        hashrateGhs: 200_000,
        powerWatts: 3_500,
        site: "Rockdale, TX".into(),
        serialHash: keccak256(serial),
        kind: 0,
    }
}

/// Deploys the system, gives shares to `holders` investors (the measured one among them),
/// makes `deposits` ETH deposits, then measures a deed mint, a share transfer by the measured
/// investor (a splitter checkpoint for both sides), one more deposit and the measured
/// investor's claim. (The very first deposit of a splitter also initialises its totals, so
/// the table starts after one.)
pub fn gas_row(holders: usize, deposits: usize) -> GasRow {
    let [deed_mint, share_transfer, revenue_deposit, claim] = measure(holders, deposits, false);
    let [c_mint, c_transfer, c_deposit, c_claim] = measure(holders, deposits, true);
    GasRow {
        holders,
        deposits,
        deed_mint,
        share_transfer,
        revenue_deposit,
        claim,
        cached: CachedGas { deed_mint: c_mint, share_transfer: c_transfer, revenue_deposit: c_deposit, claim: c_claim },
    }
}

/// Caches `program` as the chain owner (the dev key, as on nitro-devnode) through ArbWasmCache.
pub fn cache_program(chain: &mut Chain, program: Address) {
    let dev = chain.dev.clone();
    run(chain, &dev, ARB_WASM_CACHE, U256::ZERO, ArbWasmCache::cacheProgramCall { addr: program });
    let hash = chain.engine.state().code_hash(&program);
    assert!(chain.view(ARB_WASM_CACHE, ArbWasmCache::codehashIsCachedCall { codehash: hash })._0, "{program} cached");
}

/// [`gas_row`]'s measurement on one fresh chain, with every program cached first if `cached`:
/// deed mint, share transfer, revenue deposit, claim.
fn measure(holders: usize, deposits: usize, cached: bool) -> [u64; 4] {
    assert!(holders >= 1 && deposits >= 1);
    let (mut chain, deed, shares, splitter) = system();
    if cached {
        let card = chain.view(deed, RigDeed::descriptorCall {})._0;
        for program in [deed, card, shares, splitter] {
            cache_program(&mut chain, program);
        }
    }
    let (dev, me) = (chain.dev.clone(), chain.dev_address());
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

    let deed_mint = run(&mut chain, &dev, deed, U256::ZERO, s21_to(me, &format!("serial {holders} {deposits}")));
    let half = share / U256::from(2);
    let share_transfer = run(&mut chain, &investor, shares, U256::ZERO, RigShares::transferCall { to: me, value: half });
    let revenue_deposit = run(&mut chain, &dev, splitter, deposit, RevenueSplitter::depositEthCall {});
    let owed = chain.view(splitter, RevenueSplitter::claimableCall { account: measured })._0;
    assert!(owed > U256::ZERO, "the measured investor has revenue to claim");
    let claim = run(&mut chain, &investor, splitter, U256::ZERO, RevenueSplitter::claimCall {});
    assert_eq!(chain.view(splitter, RevenueSplitter::claimableCall { account: measured })._0, U256::ZERO);
    [deed_mint, share_transfer, revenue_deposit, claim]
}

/// The table as Markdown.
pub fn markdown(rows: &[GasRow]) -> String {
    let mut out = String::from(
        "| holders | deposits before | deed mint | share transfer (with checkpoint) | revenue deposit (ETH) | claim \
         | deed mint, cached | share transfer, cached | revenue deposit, cached | claim, cached |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let c = &r.cached;
        out += &format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.holders,
            r.deposits,
            r.deed_mint,
            r.share_transfer,
            r.revenue_deposit,
            r.claim,
            c.deed_mint,
            c.share_transfer,
            c.revenue_deposit,
            c.claim
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

/// Arbitrum's block (and per-transaction) gas limit: what `redeemAll` of a full pool must fit in.
pub const ARBITRUM_BLOCK_GAS_LIMIT: u64 = 32_000_000;

/// Gas of the two operations whose cost grows with a pool's size, at the size's bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoundGas {
    /// A share transfer to a new holder with four splitters (the most a pool takes) checkpointing.
    pub transfer_four_splitters: u64,
    /// `redeemAll` taking every deed out of a pool holding 128 (the most a pool holds).
    pub redeem_all_full_pool: u64,
}

/// Deploys a pool paying ETH and three 8-decimal tokens (four splitters), measures a share
/// transfer to a new holder, then fills the pool with its maximum of deeds and measures the
/// whole-supply holder's `redeemAll`.
pub fn bound_gas() -> BoundGas {
    let (mut chain, deed, shares, eth_splitter) = system();
    let (dev, me) = (chain.dev.clone(), chain.dev_address());
    run(&mut chain, &dev, shares, U256::ZERO, RigShares::setRevenueSplitterCall { splitter: eth_splitter });
    for n in 0..3 {
        let token = chain.deploy("demo-token", (format!("Token {n}"), format!("T{n}"), U256::from(8), me));
        let splitter = chain.deploy_splitter(shares, token, 0u64, me);
        run(&mut chain, &dev, shares, U256::ZERO, RigShares::addRevenueSplitterCall { splitter });
    }
    assert_eq!(chain.view(shares, RigShares::revenueSplittersCall {})._0.len(), 4);

    let newcomer_key = account(0xb0);
    let newcomer = address_of(&newcomer_key);
    let share = U256::from(SUPPLY / 20_000);
    let transfer_four_splitters = run(&mut chain, &dev, shares, U256::ZERO, RigShares::transferCall { to: newcomer, value: share });

    // Back to one holder of the whole supply, then a full pool.
    chain.fund(newcomer, U256::from(ETH));
    run(&mut chain, &newcomer_key, shares, U256::ZERO, RigShares::transferCall { to: me, value: share });
    run(&mut chain, &dev, deed, U256::ZERO, RigDeed::grantRoleCall { role: keccak256("OPERATOR_ROLE"), account: me });
    run(&mut chain, &dev, shares, U256::ZERO, RigShares::grantRoleCall { role: keccak256("OPERATOR_ROLE"), account: me });
    // Every block at one fixed time: the deeds store their mint time, and with the wall clock
    // the count of same-second writes (and so the gas of the later writes) varied run to run.
    let fixed_time = chain.engine.latest_block().timestamp + 1;
    let full = FULL_POOL;
    for i in 0..=full {
        chain.engine.set_next_timestamp(fixed_time);
        run(&mut chain, &dev, deed, U256::ZERO, s21_to(me, &format!("bound serial {i}")));
        chain.engine.set_next_timestamp(fixed_time);
        let into_pool = RigDeed::safeTransferFrom_0Call { from: me, to: shares, tokenId: U256::from(i + 1) };
        if i < full {
            run(&mut chain, &dev, deed, U256::ZERO, into_pool);
        } else {
            let refused = chain.send_with_gas(&dev, Some(deed), U256::ZERO, into_pool.abi_encode().into(), SETUP_GAS);
            assert!(!refused.status, "a pool takes at most {full} deeds");
        }
    }
    assert_eq!(chain.view(shares, RigShares::deedCountCall {})._0, U256::from(full));
    chain.engine.set_next_timestamp(fixed_time);
    let receipt = chain.send_with_gas(&dev, Some(shares), U256::ZERO, RigShares::redeemAllCall { recipient: me }.abi_encode().into(), ARBITRUM_BLOCK_GAS_LIMIT);
    assert!(receipt.status, "redeemAll of a full pool failed: {:?} {}", receipt.failure, receipt.output);
    assert_eq!(chain.view(shares, RigShares::deedCountCall {})._0, U256::ZERO);
    assert_eq!(chain.view(deed, RigDeed::balanceOfCall { owner: me })._0, U256::from(full + 1));
    BoundGas { transfer_four_splitters, redeem_all_full_pool: receipt.gas_used }
}

/// The most deeds a pool holds (RigShares' `MAX_POOL_DEEDS`; [`bound_gas`] checks that the
/// next one is refused).
pub const FULL_POOL: usize = 128;

/// The bound operations as Markdown.
pub fn bound_markdown(g: &BoundGas) -> String {
    format!(
        "| operation | gas | share of Arbitrum's {} block gas limit |\n|---|---:|---:|\n\
         | share transfer to a new holder, 4 splitters checkpointing | {} | {:.2}% |\n\
         | `redeemAll` of a full pool ({} deeds) | {} | {:.2}% |\n",
        ARBITRUM_BLOCK_GAS_LIMIT,
        g.transfer_four_splitters,
        g.transfer_four_splitters as f64 * 100.0 / ARBITRUM_BLOCK_GAS_LIMIT as f64,
        FULL_POOL,
        g.redeem_all_full_pool,
        g.redeem_all_full_pool as f64 * 100.0 / ARBITRUM_BLOCK_GAS_LIMIT as f64,
    )
}
