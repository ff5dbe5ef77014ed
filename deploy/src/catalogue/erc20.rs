//! Any ERC-20 a splitter pays out or a sale takes: the standard's functions, not a contract of
//! the system.

#![allow(clippy::all, missing_docs)]

use ethers::contract::abigen;

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
