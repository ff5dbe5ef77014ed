//! Bindings the operating commands add to `up`'s: any ERC-20 a splitter pays out, and the
//! demo's token (from abi/, so its ABI is proven importable too).

#![allow(clippy::all, missing_docs)]

use ethers::contract::abigen;

pub use crate::up::bindings::{revenue_splitter, rig_deed, rig_shares, RevenueSplitter, RigDeed, RigShares};

abigen!(DemoToken, "$CARGO_MANIFEST_DIR/../abi/DemoToken.json");
abigen!(
    Erc20,
    r#"[
        function name() external view returns (string)
        function symbol() external view returns (string)
        function decimals() external view returns (uint8)
        function totalSupply() external view returns (uint256)
        function balanceOf(address account) external view returns (uint256)
        function allowance(address owner, address spender) external view returns (uint256)
        function approve(address spender, uint256 value) external returns (bool)
        function transfer(address to, uint256 value) external returns (bool)
        event Transfer(address indexed from, address indexed to, uint256 value)
    ]"#
);
