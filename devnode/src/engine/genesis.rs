//! The contracts an Arbitrum dev chain has from its first block, beside the native ones
//! (ArbOS precompiles, StylusDeployer): Multicall3 and the deterministic CREATE2 deployer, as
//! published bytecode (devnode/genesis/, written from pinned npm packages by
//! `tools/vendor-genesis.js`).

use alloy_primitives::{address, hex, Address, Bytes};

/// Multicall3's canonical address: viem, ethers and wagmi batch reads through it.
pub const MULTICALL3: Address = address!("cA11bde05977b3631167028862bE2a173976CA11");
/// The deterministic CREATE2 deployer (calldata `salt ++ init code`, returns the address):
/// foundry's `forge create2` and many deploy scripts expect it.
pub const CREATE2_DEPLOYER: Address = address!("4e59b44847b379578588920ca78fbf26c0b4956c");

const MULTICALL3_HEX: &str = include_str!("../../genesis/multicall3.hex");
const CREATE2_DEPLOYER_HEX: &str = include_str!("../../genesis/create2-deployer.hex");

/// Each predeployed contract's address and runtime code.
pub fn predeploys() -> [(Address, Bytes); 2] {
    let decode = |text: &str| Bytes::from(hex::decode(text.trim()).expect("devnode/genesis holds hex"));
    [(MULTICALL3, decode(MULTICALL3_HEX)), (CREATE2_DEPLOYER, decode(CREATE2_DEPLOYER_HEX))]
}
