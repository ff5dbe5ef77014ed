//! One pool of rig shares paid in two assets, on the dev node with the compiled contracts:
//! RigShares reports to two revenue splitters, one paying ETH and one paying an 8-decimal
//! ERC-20 (DemoToken standing in for WBTC, with a 2.5% hosting payee). Holders trade between
//! deposits, every holder claims from both, and every amount is checked to the wei (the sat)
//! against the pro-rata model, including where the rounding leaves the remainder.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolError};
use k256::ecdsa::SigningKey;
use rigshare_e2e::*;

/// One share, 18 decimals.
const SHARE: u128 = ETH;
/// Whole shares each holder gets from the issuer, then after Alice sells 100,000 to Carol.
const BEFORE: [u128; 4] = [400_000, 300_000, 200_000, 100_000];
const AFTER: [u128; 4] = [300_000, 300_000, 300_000, 100_000];
/// Supply in whole shares.
const SUPPLY: u128 = 1_000_000;
/// The hosting payee's cut of the token splitter's deposits.
const HOSTING_BPS: u16 = 250;
/// Deposits before and after the transfer: ETH in wei (odd, so the shares do not divide them)
/// and the token in sats (8 decimals).
const ETH_DEPOSITS: [u128; 2] = [ETH + 7, 3 * ETH / 10 + 1];
const BTC_DEPOSITS: [u128; 2] = [150_000_000, 12_345_677];

struct Pool {
    chain: Chain,
    shares: Address,
    token: Address,
    eth_splitter: Address,
    btc_splitter: Address,
    holders: Vec<SigningKey>,
    hosting: SigningKey,
}

fn pool() -> Pool {
    let mut chain = Chain::new();
    let dev = chain.dev.clone();
    let admin = chain.dev_address();
    let (_deed, shares) = chain.deploy_pool(U256::from(SUPPLY * SHARE));
    // decimals = 8: a `uint8` argument is one ABI word (alloy has no `SolValue` for `u8`).
    let decimals = U256::from(8);
    let token = chain.deploy("demo-token", ("Wrapped Bitcoin (demo)".to_string(), "WBTC".to_string(), decimals, admin));
    let eth_splitter = chain.deploy_splitter(shares, Address::ZERO, 0u64, admin);
    let btc_splitter = chain.deploy_splitter(shares, token, 0u64, admin);
    chain.exec(&dev, shares, RigShares::setRevenueSplitterCall { splitter: eth_splitter });
    chain.exec(&dev, shares, RigShares::addRevenueSplitterCall { splitter: btc_splitter });

    let hosting = account(9);
    chain.exec(
        &dev,
        btc_splitter,
        RevenueSplitter::setPayeesCall { accounts: vec![address_of(&hosting)], bps: vec![HOSTING_BPS] },
    );
    let holders: Vec<SigningKey> = (1..=4).map(account).collect();
    for (holder, whole) in holders.iter().zip(BEFORE) {
        let to = address_of(holder);
        chain.fund(to, U256::from(ETH));
        chain.exec(&dev, shares, RigShares::transferCall { to, value: U256::from(whole * SHARE) });
    }
    chain.fund(address_of(&hosting), U256::from(ETH));
    Pool { chain, shares, token, eth_splitter, btc_splitter, holders, hosting }
}

/// What each holder is owed in all, rounded down: its share of each deposit's holder part,
/// summed exactly before the one rounding (the splitter's accumulator divides these decimal
/// supplies exactly, so the only rounding is the final one to whole units).
fn owed(holder: usize, to_holders: [u128; 2]) -> u128 {
    (BEFORE[holder] * to_holders[0] + AFTER[holder] * to_holders[1]) / SUPPLY
}

fn cut(amount: u128) -> u128 {
    amount * u128::from(HOSTING_BPS) / 10_000
}

impl Pool {
    fn deposit_eth(&mut self, wei: u128) {
        let dev = self.chain.dev.clone();
        self.chain.exec_value(&dev, self.eth_splitter, U256::from(wei), RevenueSplitter::depositEthCall {});
    }

    fn deposit_btc(&mut self, sats: u128) {
        let dev = self.chain.dev.clone();
        let me = self.chain.dev_address();
        self.chain.exec(&dev, self.token, DemoToken::mintCall { to: me, amount: U256::from(sats) });
        self.chain.exec(&dev, self.token, DemoToken::approveCall { spender: self.btc_splitter, value: U256::from(sats) });
        self.chain.exec(&dev, self.btc_splitter, RevenueSplitter::depositCall { amount: U256::from(sats) });
    }

    fn claimable(&mut self, splitter: Address, who: &SigningKey) -> u128 {
        let account = address_of(who);
        self.chain.view(splitter, RevenueSplitter::claimableCall { account })._0.to()
    }

    fn btc_balance(&mut self, who: Address) -> u128 {
        self.chain.view(self.token, DemoToken::balanceOfCall { account: who })._0.to()
    }

    /// Claims from `splitter` and checks that exactly the claimed amount arrived.
    fn claim(&mut self, splitter: Address, who: &SigningKey) -> u128 {
        let account = address_of(who);
        let eth_before = self.chain.balance(account);
        let btc_before = self.btc_balance(account);
        let receipt = self.chain.exec(who, splitter, RevenueSplitter::claimCall {});
        let claimed: u128 = RevenueSplitter::claimCall::abi_decode_returns(&receipt.output, true).unwrap()._0.to();
        let fee = U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price);
        if splitter == self.eth_splitter {
            assert_eq!(self.chain.balance(account), eth_before + U256::from(claimed) - fee);
        } else {
            assert_eq!(self.chain.balance(account), eth_before - fee);
            assert_eq!(self.btc_balance(account), btc_before + claimed);
        }
        claimed
    }

    /// `totals()` of a splitter: deposited, to holders, claimed, streaming, carried.
    fn totals(&mut self, splitter: Address) -> [u128; 5] {
        let t = self.chain.view(splitter, RevenueSplitter::totalsCall {});
        [t.deposited.to(), t.toHolders.to(), t.claimed.to(), t.streaming.to(), t.carried.to()]
    }
}

#[test]
fn one_pool_pays_holders_in_eth_and_in_an_8_decimal_token() {
    let mut p = pool();
    let (shares, eth, btc) = (p.shares, p.eth_splitter, p.btc_splitter);
    let holders = p.holders.clone();
    let hosting = p.hosting.clone();

    // Wiring: both splitters, the ETH one first, each bound with the whole supply.
    assert_eq!(p.chain.view(shares, RigShares::revenueSplittersCall {})._0, vec![eth, btc]);
    assert_eq!(p.chain.view(shares, RigShares::revenueSplitterCall {})._0, eth);
    assert_eq!(p.chain.view(p.token, DemoToken::decimalsCall {})._0, 8);
    for splitter in [eth, btc] {
        assert!(p.chain.view(splitter, RevenueSplitter::boundCall {})._0);
        assert_eq!(p.chain.view(splitter, RevenueSplitter::eligibleSupplyCall {})._0, U256::from(SUPPLY * SHARE));
    }

    // First deposits, while the holders hold 40/30/20/10%.
    p.deposit_eth(ETH_DEPOSITS[0]);
    p.deposit_btc(BTC_DEPOSITS[0]);
    let btc_to_holders = BTC_DEPOSITS.map(|d| d - cut(d));
    assert_eq!(btc_to_holders, [146_250_000, 12_037_036]);
    let first_eth = [400_000_000_000_000_002, 300_000_000_000_000_002, 200_000_000_000_000_001, 100_000_000_000_000_000];
    let first_btc = [58_500_000, 43_875_000, 29_250_000, 14_625_000];
    for (i, holder) in holders.iter().enumerate() {
        assert_eq!(p.claimable(eth, holder), first_eth[i], "holder {i}, ETH");
        assert_eq!(p.claimable(btc, holder), first_btc[i], "holder {i}, token");
    }
    assert_eq!(p.claimable(btc, &hosting), cut(BTC_DEPOSITS[0]));
    assert_eq!(p.claimable(eth, &hosting), 0);

    // Alice takes her token revenue now, then sells 100,000 shares to Carol: each splitter
    // hears of it, and what either owes the two does not move.
    let alice_early = p.claim(btc, &holders[0]);
    assert_eq!(alice_early, first_btc[0]);
    let carol = address_of(&holders[2]);
    p.chain.exec(&holders[0], shares, RigShares::transferCall { to: carol, value: U256::from(100_000 * SHARE) });
    for (i, holder) in holders.iter().enumerate() {
        assert_eq!(p.claimable(eth, holder), first_eth[i], "holder {i}, ETH, after the transfer");
        let btc_left = if i == 0 { 0 } else { first_btc[i] };
        assert_eq!(p.claimable(btc, holder), btc_left, "holder {i}, token, after the transfer");
    }

    // Second deposits, now 30/30/30/10%.
    p.deposit_eth(ETH_DEPOSITS[1]);
    p.deposit_btc(BTC_DEPOSITS[1]);

    // Everyone claims everything from both splitters: exactly the model's amounts.
    let mut eth_paid = 0;
    let mut btc_paid = alice_early;
    for (i, holder) in holders.iter().enumerate() {
        let eth_owed = owed(i, ETH_DEPOSITS);
        let btc_owed = owed(i, btc_to_holders);
        assert_eq!(p.claim(eth, holder), eth_owed, "holder {i}, ETH");
        let btc_now = if i == 0 { btc_owed - alice_early } else { btc_owed };
        assert_eq!(p.claim(btc, holder), btc_now, "holder {i}, token");
        eth_paid += eth_owed;
        btc_paid += btc_now;
        assert_eq!(p.claimable(eth, holder), 0);
        assert_eq!(p.claimable(btc, holder), 0);
    }
    // The same figures by hand: 40% then 30% of each deposit for Alice, and so on.
    assert_eq!(
        (0..4).map(|i| owed(i, ETH_DEPOSITS)).collect::<Vec<_>>(),
        [490_000_000_000_000_003, 390_000_000_000_000_002, 290_000_000_000_000_001, 130_000_000_000_000_000]
    );
    assert_eq!((0..4).map(|i| owed(i, btc_to_holders)).collect::<Vec<_>>(), [62_111_110, 47_486_110, 32_861_110, 15_828_703]);
    let hosting_cut = cut(BTC_DEPOSITS[0]) + cut(BTC_DEPOSITS[1]);
    assert_eq!(hosting_cut, 3_750_000 + 308_641);
    assert_eq!(p.claim(btc, &hosting), hosting_cut);
    btc_paid += hosting_cut;

    // The ledgers add up: deposited = claimed + what is left in the splitter, and what is left
    // is only the holders' fractions of a unit (each below one; the accumulator carries
    // nothing, since 10^39 per unit divides a supply of 10^24 exactly). Those fractions stay
    // the holders' and are paid once later revenue tops them up.
    let eth_total: u128 = ETH_DEPOSITS.iter().sum();
    let btc_total: u128 = BTC_DEPOSITS.iter().sum();
    assert_eq!(p.totals(eth), [eth_total, eth_total, eth_paid, 0, 0]);
    assert_eq!(p.totals(btc), [btc_total, btc_to_holders.iter().sum(), btc_paid, 0, 0]);
    let eth_left = eth_total - eth_paid;
    let btc_left = btc_total - btc_paid;
    assert_eq!((eth_left, btc_left), (2, 3), "rounding remainders: 2 wei, 3 sats");
    assert!(eth_left < holders.len() as u128 && btc_left < holders.len() as u128);
    assert_eq!(p.chain.balance(eth), U256::from(eth_left));
    let btc_splitter_balance = p.btc_balance(btc);
    assert_eq!(btc_splitter_balance, btc_left);
    let btc_supply: u128 = p.chain.view(p.token, DemoToken::totalSupplyCall {})._0.to();
    assert_eq!(btc_supply, btc_total, "every minted sat is either paid out or in the splitter");
}

#[test]
fn pausing_one_splitter_leaves_transfers_alone_and_a_foreign_splitter_is_refused() {
    // Pausing the token splitter stops its deposits, not the balance reports: transfers go on
    // and both splitters stay in step.
    let mut p = pool();
    let dev = p.chain.dev.clone();
    let alice = p.holders[0].clone();
    let bob = address_of(&p.holders[1]);
    p.chain.exec(&dev, p.btc_splitter, RevenueSplitter::pauseCall {});
    p.chain.exec(&alice, p.shares, RigShares::transferCall { to: bob, value: U256::from(SHARE) });
    for splitter in [p.eth_splitter, p.btc_splitter] {
        assert_eq!(p.chain.view(splitter, RevenueSplitter::eligibleSupplyCall {})._0, U256::from(SUPPLY * SHARE));
    }

    // A splitter bound to another share token is refused before binding (it names another
    // token as its share token), and the addition rolls back.
    let other = p.chain.deploy_splitter(p.token, Address::ZERO, 0u64, p.chain.dev_address());
    let call = RigShares::addRevenueSplitterCall { splitter: other };
    let receipt = p.chain.send_with_gas(&dev, Some(p.shares), U256::ZERO, call.abi_encode().into(), 2_000_000);
    assert!(!receipt.status);
    let expected = RigShares::SharesInvalidSplitter { _0: other };
    assert_eq!(receipt.output.to_vec(), expected.abi_encode());
    assert_eq!(p.chain.view(p.shares, RigShares::revenueSplittersCall {})._0, vec![p.eth_splitter, p.btc_splitter]);

    // The same splitter twice is refused before any call.
    let call = RigShares::addRevenueSplitterCall { splitter: p.btc_splitter };
    let receipt = p.chain.send_with_gas(&dev, Some(p.shares), U256::ZERO, call.abi_encode().into(), 2_000_000);
    assert_eq!(receipt.output.to_vec(), RigShares::SharesDuplicateSplitter { _0: p.btc_splitter }.abi_encode());
}
