//! Caching Stylus programs on Arbitrum: ArbWasmCache (0x72), where the chain owner and the
//! registered cache managers cache and evict programs, ArbOwnerPublic (0x6b), which says who
//! owns the chain, and Arbitrum's CacheManager contract (nitro-contracts
//! `src/chain/CacheManager.sol`), where anyone bids to have a program cached on a public chain.
//! A cached program's calls pay Nitro's cached init price instead of the full init price.
//!
//! Which way a chain caches ([`Route`]) and how much a bid pays ([`bid_amount`]) are decided
//! here, apart from sending, so they can be tested without a chain.

#![allow(clippy::all, missing_docs)]

use std::sync::Arc;

use anyhow::{bail, Context, Result};
use ethers::{contract::abigen, prelude::*};

use super::Client;

abigen!(
    ArbWasmCache,
    r#"[
        function isCacheManager(address manager) external view returns (bool)
        function allCacheManagers() external view returns (address[] managers)
        function cacheProgram(address addr) external
        function evictCodehash(bytes32 codehash) external
        function codehashIsCached(bytes32 codehash) external view returns (bool)
    ]"#
);
abigen!(
    ArbOwnerPublic,
    r#"[
        function isChainOwner(address addr) external view returns (bool)
    ]"#
);
abigen!(
    CacheManager,
    r#"[
        function getMinBid(address program) external view returns (uint192 min)
        function placeBid(address program) external payable
    ]"#
);
// CacheManager's `getMinBid(uint64 size)` overload, for programs not deployed yet (a dry run):
// the same price the address form computes from the program's asm size.
abigen!(
    CacheManagerBySize,
    r#"[
        function getMinBid(uint64 size) external view returns (uint192 min)
    ]"#
);

pub fn arb_wasm_cache() -> Address {
    Address::from_slice(devnode::engine::precompiles::ARB_WASM_CACHE.as_slice())
}

pub fn arb_owner_public() -> Address {
    Address::from_slice(devnode::engine::precompiles::ARB_OWNER_PUBLIC.as_slice())
}

/// Chains with a CacheManager market, where a program is cached by bidding: Arbitrum One,
/// Nova and Sepolia. Elsewhere (dev chains) the chain owner caches directly.
pub const BIDDING_CHAINS: &[u64] = &[42_161, 42_170, 421_614];

/// How `up --cache` gets programs cached on a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// ArbWasmCache.cacheProgram, sent by a chain owner (a dev chain's dev key).
    Owner,
    /// CacheManager.placeBid with its minimum bid (plus a margin).
    Bid,
}

impl Route {
    pub fn for_chain(chain_id: u64) -> Self {
        if BIDDING_CHAINS.contains(&chain_id) {
            Route::Bid
        } else {
            Route::Owner
        }
    }
}

/// The most a bid margin may be: doubling the minimum bid is already far more than a market
/// moving between the estimate and the transaction needs.
pub const MAX_BID_MARGIN_BPS: u32 = 10_000;

/// What a bid pays: the CacheManager's minimum plus `margin_bps` of it, rounded up (a bid a wei
/// short of the minimum reverts with BidTooSmall).
pub fn bid_amount(min_bid: U256, margin_bps: u32) -> Result<U256> {
    if margin_bps > MAX_BID_MARGIN_BPS {
        bail!("--cache-bid-margin-bps {margin_bps} is more than {MAX_BID_MARGIN_BPS} (a 100% margin)");
    }
    let extra = (min_bid * U256::from(margin_bps) + U256::from(9_999)) / U256::from(10_000);
    Ok(min_bid + extra)
}

/// The CacheManager a bid goes to: the first registered (`ArbWasmCache.allCacheManagers`), as
/// cargo-stylus picks it. None registered is refused, naming the problem.
pub fn pick_cache_manager(managers: &[Address], chain_id: u64) -> Result<Address> {
    match managers.first() {
        Some(manager) => Ok(*manager),
        None => bail!(
            "chain {chain_id} has no cache manager (ArbWasmCache.allCacheManagers() at 0x72 is empty), so no bid can \
             cache a program there; drop --cache, or have the chain owner cache programs with ArbWasmCache.cacheProgram"
        ),
    }
}

/// The chain's registered cache managers.
pub async fn cache_managers(client: &Arc<Client>) -> Result<Vec<Address>> {
    ArbWasmCache::new(arb_wasm_cache(), client.clone())
        .all_cache_managers()
        .call()
        .await
        .context("reading ArbWasmCache.allCacheManagers() at 0x72 (does this chain run ArbOS 30 or later?)")
}

/// Whether the program with `codehash` is in ArbOS's cache.
pub async fn is_cached(client: &Arc<Client>, codehash: H256) -> Result<bool> {
    ArbWasmCache::new(arb_wasm_cache(), client.clone())
        .codehash_is_cached(codehash.0)
        .call()
        .await
        .with_context(|| format!("reading ArbWasmCache.codehashIsCached({codehash:?})"))
}

/// Whether `who` is a chain owner (and so may cache through ArbWasmCache).
pub async fn is_chain_owner(client: &Arc<Client>, who: Address) -> Result<bool> {
    ArbOwnerPublic::new(arb_owner_public(), client.clone())
        .is_chain_owner(who)
        .call()
        .await
        .context("reading ArbOwnerPublic.isChainOwner at 0x6b")
}

/// ArbWasmCache.cacheProgram(program), for a chain owner to send.
pub fn cache_program_call(client: &Arc<Client>, program: Address) -> ContractCall<Client, ()> {
    ArbWasmCache::new(arb_wasm_cache(), client.clone()).cache_program(program)
}

/// CacheManager.placeBid(program) paying `amount`.
pub fn place_bid_call(client: &Arc<Client>, manager: Address, program: Address, amount: U256) -> ContractCall<Client, ()> {
    CacheManager::new(manager, client.clone()).place_bid(program).value(amount)
}

/// The manager's minimum bid for the deployed program at `program`.
pub async fn min_bid(client: &Arc<Client>, manager: Address, program: Address) -> Result<U256> {
    CacheManager::new(manager, client.clone())
        .get_min_bid(program)
        .call()
        .await
        .with_context(|| format!("reading CacheManager.getMinBid({program:?}) at {manager:?}"))
}

/// The manager's minimum bid for a program of `asm_size` bytes (not deployed yet).
pub async fn min_bid_for_size(client: &Arc<Client>, manager: Address, asm_size: u64) -> Result<U256> {
    CacheManagerBySize::new(manager, client.clone())
        .get_min_bid(asm_size)
        .call()
        .await
        .with_context(|| format!("reading CacheManager.getMinBid({asm_size}) at {manager:?}"))
}

/// What `ArbWasm.codehashAsmSize` will report for stored Stylus code once activated, from
/// Nitro's asm size estimate (the dev node's copy of Nitro's activation rules); `None` if the
/// code is not a Stylus program that activates.
pub fn asm_size_of(stored: &[u8]) -> Option<u64> {
    use devnode::engine::{code, pricing, validate};
    let wasm = code::decode_stylus_code(stored, code::MAX_WASM_SIZE).ok()?;
    let info = validate::activate_check(&wasm).ok()?;
    Some(pricing::asm_size(info.asm_estimate) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ethers::abi::AbiEncode;

    #[test]
    fn bids_pay_the_minimum_plus_the_margin_rounded_up() {
        assert_eq!(bid_amount(U256::from(1_000_000), 0).unwrap(), U256::from(1_000_000));
        assert_eq!(bid_amount(U256::from(1_000_000), 500).unwrap(), U256::from(1_050_000));
        assert_eq!(bid_amount(U256::from(3), 1).unwrap(), U256::from(4), "a fraction of a wei rounds up");
        assert_eq!(bid_amount(U256::zero(), 500).unwrap(), U256::zero(), "a cache with room costs nothing");
        let err = bid_amount(U256::one(), 10_001).unwrap_err().to_string();
        assert!(err.contains("--cache-bid-margin-bps 10001"), "{err}");
    }

    #[test]
    fn public_arbitrum_chains_bid_and_dev_chains_cache_as_owner() {
        assert_eq!(Route::for_chain(421_614), Route::Bid);
        assert_eq!(Route::for_chain(42_161), Route::Bid);
        assert_eq!(Route::for_chain(devnode::dev::CHAIN_ID), Route::Owner);
    }

    #[test]
    fn a_chain_without_a_cache_manager_is_refused_by_name() {
        let err = pick_cache_manager(&[], 421_614).unwrap_err().to_string();
        assert!(err.contains("chain 421614 has no cache manager"), "{err}");
        assert!(err.contains("allCacheManagers"), "{err}");
        let a = Address::repeat_byte(1);
        assert_eq!(pick_cache_manager(&[a, Address::repeat_byte(2)], 1).unwrap(), a);
    }

    /// The calldata is the CacheManager's and ArbWasmCache's (selectors from their Solidity
    /// signatures), and a bid carries its amount as the transaction's value.
    #[test]
    fn calls_are_encoded_as_the_contracts_expect() {
        let provider = Provider::<Http>::try_from("http://127.0.0.1:1").unwrap();
        let wallet: LocalWallet = devnode::dev::DEV_KEY.to_string().parse().unwrap();
        let client = Arc::new(SignerMiddleware::new(provider, wallet));
        let program = Address::repeat_byte(0xab);
        let manager = Address::repeat_byte(0xcc);

        let bid = place_bid_call(&client, manager, program, U256::from(12_345));
        let data = bid.tx.data().unwrap();
        assert_eq!(data[..4], ethers::utils::id("placeBid(address)"));
        assert_eq!(data[4..], program.encode()[..]);
        assert_eq!(bid.tx.to().unwrap().as_address(), Some(&manager));
        assert_eq!(bid.tx.value(), Some(&U256::from(12_345)));

        let cache = cache_program_call(&client, program);
        let data = cache.tx.data().unwrap();
        assert_eq!(data[..4], ethers::utils::id("cacheProgram(address)"));
        assert_eq!(cache.tx.to().unwrap().as_address(), Some(&arb_wasm_cache()));
        let by_address = cache_manager::CacheManagerCalls::GetMinBid(cache_manager::GetMinBidCall { program });
        assert_eq!(ethers::utils::id("getMinBid(address)"), by_address.encode()[..4]);
    }

    #[test]
    fn asm_size_is_none_for_code_that_is_not_stylus() {
        assert_eq!(asm_size_of(&[0x60, 0x00]), None);
    }
}
