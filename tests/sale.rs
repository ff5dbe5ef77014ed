//! The capital raise on the dev node with the compiled contracts: a ShareSale over a RigShares
//! pool (deployed through StylusDeployer, holding the pool's MINTER_ROLE).
//!
//! - A successful sale in ETH: two investors buy (one in two transactions), a third is refused
//!   at the account maximum with the typed error, the soft cap is met, anyone finalizes, the
//!   treasury receives the proceeds and the investors claim their shares.
//! - A failed sale in a 6-decimal token (DemoToken standing in for a stablecoin): the soft cap
//!   is missed, no share is ever minted, and every investor is refunded what it paid.
//!
//! Every balance (ETH after gas, token units, shares) is checked to the base unit.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolCall, SolError};
use k256::ecdsa::SigningKey;
use rigshare_e2e::*;

sol! {
    #[sol(all_derives)]
    interface ShareSale {
        function buy(uint256 shares) external payable;
        function buyFor(address beneficiary, uint256 shares) external payable;
        function finalize() external;
        function claim() external returns (uint256);
        function refund() external returns (uint256);
        function state() external view returns (uint8);
        function costOf(uint256 shares) external view returns (uint256);
        function totals() external view returns (uint256, uint256, uint256, uint256, uint256);
        function purchaseOf(address account) external view returns (uint256, uint256, bool);
        error SaleAboveAccountMax(uint256 total, uint256 max);
        error SaleNotSucceeded(uint8 state);
    }
}

const SHARE: u128 = ETH;

/// ShareSale's stored code, as `rigshare build` leaves it (built once per test process with
/// every other catalogued contract).
fn sale_code() -> &'static [u8] {
    static CODE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    CODE.get_or_init(|| std::fs::read(rigshare_cli::commands::build_once().join("share-sale.code")).expect("share-sale.code"))
}
const OPENS_IN: u64 = 60;
const LASTS: u64 = 3_600;

struct Raise {
    chain: Chain,
    shares: Address,
    sale: Address,
}

/// A pool with no shares yet and a sale over it, `start` a minute from now.
#[allow(clippy::too_many_arguments)]
fn raise(asset: Option<Address>, chain: Option<Chain>, price: u128, soft_cap: u128, hard_cap: u128, max: u128, treasury: Address) -> Raise {
    let mut chain = chain.unwrap_or_default();
    let dev = chain.dev.clone();
    let admin = chain.dev_address();
    let (_deed, shares) = chain.deploy_pool(U256::ZERO);
    let now = chain.engine.latest_block().timestamp;
    let (start, end) = (now + OPENS_IN, now + OPENS_IN + LASTS);
    let sale = chain.deploy_stored(
        "share-sale",
        sale_code(),
        (
            shares,
            asset.unwrap_or(Address::ZERO),
            U256::from(price),
            start,
            end,
            U256::from(soft_cap),
            U256::from(hard_cap),
            U256::from(SHARE),
            U256::from(max),
            treasury,
            admin,
        ),
    );
    chain.exec(&dev, shares, RigShares::grantRoleCall { role: alloy_primitives::keccak256("MINTER_ROLE"), account: sale });
    chain.engine.increase_time(OPENS_IN);
    Raise { chain, shares, sale }
}

impl Raise {
    fn cost(&mut self, shares: u128) -> U256 {
        self.chain.view(self.sale, ShareSale::costOfCall { shares: U256::from(shares) })._0
    }

    fn share_balance(&mut self, who: Address) -> U256 {
        self.chain.view(self.shares, RigShares::balanceOfCall { account: who })._0
    }

    fn supply(&mut self) -> U256 {
        self.chain.view(self.shares, RigShares::totalSupplyCall {})._0
    }

    fn state(&mut self) -> u8 {
        self.chain.view(self.sale, ShareSale::stateCall {})._0
    }

    fn totals(&mut self) -> [U256; 5] {
        let t = self.chain.view(self.sale, ShareSale::totalsCall {});
        [t._0, t._1, t._2, t._3, t._4]
    }
}

fn gas_fee(receipt: &devnode::engine::chain::Receipt) -> U256 {
    U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price)
}

#[test]
fn a_successful_eth_raise_pays_the_treasury_and_mints_at_claim() {
    let treasury = address_of(&account(30));
    // 0.01 ETH per share, 1,000 shares, soft cap 2 ETH, 1 to 150 shares per account.
    let price = ETH / 100;
    let mut r = raise(None, None, price, 2 * ETH, 1_000 * SHARE, 150 * SHARE, treasury);
    let investors: Vec<SigningKey> = (31..=33).map(account).collect();
    for who in &investors {
        r.chain.fund(address_of(who), U256::from(10 * ETH));
    }
    let [alice, bob, carol] = [address_of(&investors[0]), address_of(&investors[1]), address_of(&investors[2])];
    assert_eq!(r.state(), 1, "open");

    // Alice buys 100 shares, then 50 more; Bob 60; an odd amount for Bob rounds up by < 1 wei.
    let mut paid = [U256::ZERO; 3];
    for (i, shares) in [(0usize, 100 * SHARE), (0, 50 * SHARE), (1, 60 * SHARE), (1, 3)] {
        let cost = r.cost(shares);
        assert_eq!(cost, (U256::from(shares) * U256::from(price)).div_ceil(U256::from(SHARE)));
        let who = address_of(&investors[i]);
        let before = r.chain.balance(who);
        let receipt = r.chain.exec_value(&investors[i], r.sale, cost, ShareSale::buyCall { shares: U256::from(shares) });
        assert_eq!(r.chain.balance(who), before - cost - gas_fee(&receipt));
        paid[i] += cost;
    }
    assert_eq!(paid[1], U256::from(60 * price + 1));

    // Carol asks for one share over the account maximum: the typed error, nothing moves.
    let cost = r.cost(151 * SHARE);
    let before = r.chain.balance(carol);
    let sale = r.sale;
    let receipt = r.chain.send(&investors[2], Some(sale), cost, ShareSale::buyCall { shares: U256::from(151 * SHARE) }.abi_encode().into());
    assert!(!receipt.status);
    let err = ShareSale::SaleAboveAccountMax::abi_decode(&receipt.output, true).expect("SaleAboveAccountMax");
    assert_eq!((err.total, err.max), (U256::from(151 * SHARE), U256::from(150 * SHARE)));
    assert_eq!(r.chain.balance(carol), before - gas_fee(&receipt));

    let raised = paid[0] + paid[1];
    assert_eq!(r.chain.balance(r.sale), raised);
    assert_eq!(r.supply(), U256::ZERO, "no share before the sale succeeds");

    // After the end, anyone finalizes: the treasury receives exactly what was raised.
    r.chain.engine.increase_time(LASTS);
    assert_eq!(r.state(), 2, "succeeded");
    let carol_key = investors[2].clone();
    r.chain.exec(&carol_key, r.sale, ShareSale::finalizeCall {});
    assert_eq!(r.chain.balance(treasury), raised);
    assert_eq!(r.chain.balance(r.sale), U256::ZERO);

    // Claims mint exactly what each bought.
    for (i, shares) in [(0usize, 150 * SHARE), (1, 60 * SHARE + 3)] {
        let who = investors[i].clone();
        let receipt = r.chain.exec(&who, r.sale, ShareSale::claimCall {});
        let claimed = ShareSale::claimCall::abi_decode_returns(&receipt.output, true).unwrap()._0;
        assert_eq!(claimed, U256::from(shares));
        assert_eq!(r.share_balance(address_of(&who)), U256::from(shares));
    }
    assert_eq!(r.share_balance(carol), U256::ZERO);
    assert_eq!(r.supply(), U256::from(210 * SHARE + 3));
    assert_eq!(r.totals(), [raised, U256::ZERO, raised, U256::ZERO, U256::from(210 * SHARE + 3)]);
    let (_, alice_paid, settled) = {
        let p = r.chain.view(r.sale, ShareSale::purchaseOfCall { account: alice });
        (p._0, p._1, p._2)
    };
    assert_eq!((alice_paid, settled), (paid[0], true));
    let _ = bob;
}

#[test]
fn a_failed_token_raise_refunds_every_unit_and_mints_nothing() {
    let mut chain = Chain::new();
    let dev = chain.dev.clone();
    let admin = chain.dev_address();
    // A 6-decimal stablecoin stand-in; a `uint8` argument is one ABI word.
    let usd = chain.deploy("demo-token", ("USD Coin (demo)".to_string(), "USDC".to_string(), U256::from(6), admin));
    let treasury = address_of(&account(40));
    // 10 USDC per share, 1,000 shares, soft cap 5,000 USDC, up to 400 shares per account.
    let price = 10_000_000u128;
    let mut r = raise(Some(usd), Some(chain), price, 5_000_000_000, 1_000 * SHARE, 400 * SHARE, treasury);
    let investors: Vec<SigningKey> = (41..=42).map(account).collect();
    let mut paid = Vec::new();
    for (who, shares) in investors.iter().zip([300 * SHARE, 150 * SHARE + 7]) {
        let address = address_of(who);
        r.chain.fund(address, U256::from(ETH));
        let cost = r.cost(shares);
        r.chain.exec(&dev, usd, DemoToken::mintCall { to: address, amount: cost });
        r.chain.exec(who, usd, DemoToken::approveCall { spender: r.sale, value: cost });
        r.chain.exec(who, r.sale, ShareSale::buyCall { shares: U256::from(shares) });
        assert_eq!(r.chain.view(usd, DemoToken::balanceOfCall { account: address })._0, U256::ZERO);
        paid.push(cost);
    }
    assert_eq!(paid[1], U256::from(1_500_000_001u64), "7 share units cost one base unit");
    let raised = paid[0] + paid[1];
    assert_eq!(r.chain.view(usd, DemoToken::balanceOfCall { account: r.sale })._0, raised);

    // 4,500 USDC raised: the soft cap is missed; finalizing is refused with the typed error.
    r.chain.engine.increase_time(LASTS);
    assert_eq!(r.state(), 3, "failed");
    let sale = r.sale;
    let receipt = r.chain.send(&dev, Some(sale), U256::ZERO, ShareSale::finalizeCall {}.abi_encode().into());
    assert!(!receipt.status);
    assert_eq!(ShareSale::SaleNotSucceeded::abi_decode(&receipt.output, true).unwrap().state, 3);

    // Every investor takes back exactly what it paid; the sale ends holding nothing.
    for (who, cost) in investors.iter().zip(&paid) {
        let receipt = r.chain.exec(who, r.sale, ShareSale::refundCall {});
        let refunded = ShareSale::refundCall::abi_decode_returns(&receipt.output, true).unwrap()._0;
        assert_eq!(refunded, *cost);
        assert_eq!(r.chain.view(usd, DemoToken::balanceOfCall { account: address_of(who) })._0, *cost);
        // A second refund is refused.
        let again = r.chain.send(who, Some(sale), U256::ZERO, ShareSale::refundCall {}.abi_encode().into());
        assert!(!again.status);
    }
    assert_eq!(r.chain.view(usd, DemoToken::balanceOfCall { account: r.sale })._0, U256::ZERO);
    assert_eq!(r.chain.view(usd, DemoToken::balanceOfCall { account: treasury })._0, U256::ZERO);
    assert_eq!(r.supply(), U256::ZERO, "a failed sale mints nothing");
    assert_eq!(r.totals(), [raised, raised, U256::ZERO, U256::ZERO, U256::ZERO]);
}
