//! The contracts an Arbitrum dev chain has from its first block, beside the native ones
//! (ArbOS precompiles, StylusDeployer): Multicall3, the deterministic CREATE2 deployer and
//! Arbitrum's CacheManager (registered with ArbWasmCache, so `cargo stylus cache bid` works), as
//! published bytecode (devnode/genesis/, written from pinned npm packages by
//! `tools/vendor-genesis.js`).

use alloy_primitives::{address, hex, Address, Bytes, U256};
use alloy_sol_types::{sol, SolCall, SolValue};

use super::exec::Evm;

/// Multicall3's canonical address: viem, ethers and wagmi batch reads through it.
pub const MULTICALL3: Address = address!("cA11bde05977b3631167028862bE2a173976CA11");
/// The deterministic CREATE2 deployer (calldata `salt ++ init code`, returns the address):
/// foundry's `forge create2` and many deploy scripts expect it.
pub const CREATE2_DEPLOYER: Address = address!("4e59b44847b379578588920ca78fbf26c0b4956c");
/// ArbOS's own address (Nitro's `types.ArbosAddress`): it deploys the genesis contracts whose
/// constructors must run (the CacheManager and its proxy), so no user account's nonce moves.
pub const ARBOS: Address = address!("00000000000000000000000000000000000a4b05");
/// The CacheManager's cache size: 1 GiB of native code (ArbOS's `asm` sizes), room for every
/// program a dev chain caches. No decay: a bid keeps its value however long it waits.
pub const CACHE_MANAGER_SIZE: u64 = 1 << 30;
pub const CACHE_MANAGER_DECAY: u64 = 0;

const MULTICALL3_HEX: &str = include_str!("../../genesis/multicall3.hex");
const CREATE2_DEPLOYER_HEX: &str = include_str!("../../genesis/create2-deployer.hex");
const CACHE_MANAGER_CREATION_HEX: &str = include_str!("../../genesis/cache-manager-creation.hex");
const PROXY_CREATION_HEX: &str = include_str!("../../genesis/erc1967-proxy-creation.hex");

sol! {
    function initialize(uint64 initCacheSize, uint64 initDecay) external;
}

fn decode(text: &str) -> Bytes {
    Bytes::from(hex::decode(text.trim()).expect("devnode/genesis holds hex"))
}

/// Each predeployed contract's address and runtime code.
pub fn predeploys() -> [(Address, Bytes); 2] {
    [(MULTICALL3, decode(MULTICALL3_HEX)), (CREATE2_DEPLOYER, decode(CREATE2_DEPLOYER_HEX))]
}

/// The CacheManager (its proxy, which bids are sent to): ArbOS's second creation.
pub fn cache_manager() -> Address {
    ARBOS.create(1)
}

/// Runs the CacheManager's constructor and its proxy's (which calls `initialize`) as ArbOS.
pub fn deploy_cache_manager(evm: &mut Evm) {
    const GAS: u64 = 30_000_000;
    let implementation = evm.create(ARBOS, &decode(CACHE_MANAGER_CREATION_HEX), U256::ZERO, GAS, None);
    let implementation = implementation.address.unwrap_or_else(|| panic!("CacheManager: {:?}", implementation.result));
    let init = initializeCall { initCacheSize: CACHE_MANAGER_SIZE, initDecay: CACHE_MANAGER_DECAY }.abi_encode();
    let mut proxy_init = decode(PROXY_CREATION_HEX).to_vec();
    proxy_init.extend((implementation, Bytes::from(init)).abi_encode_params());
    let proxy = evm.create(ARBOS, &proxy_init, U256::ZERO, GAS, None);
    let proxy = proxy.address.unwrap_or_else(|| panic!("CacheManager proxy: {:?}", proxy.result));
    assert_eq!(proxy, cache_manager());
}
