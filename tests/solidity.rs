//! rigshare beside real Solidity contracts on the dev node, as on Arbitrum: code no one here
//! wrote, from the pinned npm packages (tests/support/solidity.rs).
//! - Uniswap V2 (factory, WETH9, router02 from @uniswap/v2-core and v2-periphery): a pair of
//!   rigshare's Stylus share token and WETH created, liquidity added, swaps both ways, liquidity
//!   removed, every balance checked to the wei; the revenue splitter's exclusion of the pair.
//! - A Stylus revenue splitter paying revenue in WETH9 (a Solidity ERC-20), claims included.
//! - OpenZeppelin's ERC-20 and ERC-721 (compiled with the pinned solc) beside rigshare's.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolCall, SolValue};
use rigshare_e2e::{solidity, *};

sol! {
    interface IUniswapV2Factory {
        function createPair(address tokenA, address tokenB) external returns (address pair);
        function getPair(address tokenA, address tokenB) external view returns (address pair);
    }
    interface IUniswapV2Pair {
        function getReserves() external view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast);
        function token0() external view returns (address);
        function totalSupply() external view returns (uint256);
        function balanceOf(address owner) external view returns (uint256);
        function approve(address spender, uint256 value) external returns (bool);
    }
    interface IRouter {
        function addLiquidityETH(address token, uint256 amountTokenDesired, uint256 amountTokenMin, uint256 amountETHMin, address to, uint256 deadline) external payable returns (uint256 amountToken, uint256 amountETH, uint256 liquidity);
        function removeLiquidityETH(address token, uint256 liquidity, uint256 amountTokenMin, uint256 amountETHMin, address to, uint256 deadline) external returns (uint256 amountToken, uint256 amountETH);
        function swapExactETHForTokens(uint256 amountOutMin, address[] path, address to, uint256 deadline) external payable returns (uint256[] amounts);
        function swapExactTokensForETH(uint256 amountIn, uint256 amountOutMin, address[] path, address to, uint256 deadline) external returns (uint256[] amounts);
    }
    interface IWETH9 {
        function deposit() external payable;
        function approve(address guy, uint256 wad) external returns (bool);
        function transfer(address dst, uint256 wad) external returns (bool);
        function balanceOf(address owner) external view returns (uint256);
    }
    interface IERC721Mintable {
        function mint(address to, uint256 tokenId) external;
        function transferFrom(address from, address to, uint256 tokenId) external;
        function ownerOf(uint256 tokenId) external view returns (address);
    }
}

const SHARE: u128 = 1_000_000_000_000_000_000;
const SUPPLY: u128 = 1_000_000;
const DEADLINE: u64 = u64::MAX;

/// Deploys EVM creation code with ABI-encoded constructor arguments; returns the address.
fn deploy_evm(chain: &mut Chain, creation: &[u8], args: &[u8]) -> Address {
    let mut input = creation.to_vec();
    input.extend_from_slice(args);
    let dev = chain.dev.clone();
    let receipt = chain.send(&dev, None, U256::ZERO, input.into());
    assert!(receipt.status, "deployment failed: {:?}", receipt.failure);
    receipt.contract_address.expect("created")
}

/// Uniswap V2's getAmountOut: 0.3% fee, rounded down.
fn amount_out(amount_in: U256, reserve_in: U256, reserve_out: U256) -> U256 {
    let with_fee = amount_in * U256::from(997);
    with_fee * reserve_out / (reserve_in * U256::from(1000) + with_fee)
}

struct Uniswap {
    weth: Address,
    factory: Address,
    router: Address,
}

fn uniswap(chain: &mut Chain) -> Option<Uniswap> {
    let modules = solidity::node_modules()?;
    let weth = deploy_evm(chain, &solidity::artifact(&modules, "@uniswap/v2-periphery", "WETH9"), &[]);
    let fee_to_setter = chain.dev_address();
    let factory =
        deploy_evm(chain, &solidity::artifact(&modules, "@uniswap/v2-core", "UniswapV2Factory"), &fee_to_setter.abi_encode());
    let router = deploy_evm(
        chain,
        &solidity::artifact(&modules, "@uniswap/v2-periphery", "UniswapV2Router02"),
        &(factory, weth).abi_encode_params(),
    );
    Some(Uniswap { weth, factory, router })
}

#[test]
fn uniswap_v2_trades_rigshare_shares_against_weth() {
    let mut chain = Chain::new();
    let Some(uni) = uniswap(&mut chain) else { return };
    let dev = chain.dev.clone();
    let admin = chain.dev_address();
    let (_deed, shares) = chain.deploy_pool(U256::from(SUPPLY * SHARE));
    let splitter = chain.deploy("revenue-splitter", (shares, Address::ZERO, 0u64, admin));
    chain.exec(&dev, shares, RigShares::setRevenueSplitterCall { splitter });

    // The pair's address is known before it exists (CREATE2 with the router's init code hash),
    // so the splitter excludes it before it ever holds a share.
    let (token0, token1) = if shares < uni.weth { (shares, uni.weth) } else { (uni.weth, shares) };
    let pair_init_hash = alloy_primitives::b256!("96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f");
    let pair = uni.factory.create2(alloy_primitives::keccak256([token0.as_slice(), token1.as_slice()].concat()), pair_init_hash);
    chain.exec(&dev, splitter, RevenueSplitter::setExcludedCall { account: pair, excluded: true });

    // Add liquidity: router (EVM) -> factory.createPair (EVM CREATE2) and -> the share token's
    // transferFrom (Stylus), which reports to the splitter (Stylus).
    let shares_in = U256::from(100_000 * SHARE);
    let eth_in = U256::from(50 * SHARE);
    chain.exec(&dev, shares, RigShares::approveCall { spender: uni.router, value: U256::MAX });
    let receipt = chain.exec_value(
        &dev,
        uni.router,
        eth_in,
        IRouter::addLiquidityETHCall {
            token: shares,
            amountTokenDesired: shares_in,
            amountTokenMin: shares_in,
            amountETHMin: eth_in,
            to: admin,
            deadline: U256::from(DEADLINE),
        },
    );
    let added = IRouter::addLiquidityETHCall::abi_decode_returns(&receipt.output, true).unwrap();
    assert_eq!((added.amountToken, added.amountETH), (shares_in, eth_in));
    assert_eq!(chain.view(uni.factory, IUniswapV2Factory::getPairCall { tokenA: shares, tokenB: uni.weth }).pair, pair);
    assert_eq!(chain.view(shares, RigShares::balanceOfCall { account: pair })._0, shares_in);
    assert_eq!(chain.view(uni.weth, IWETH9::balanceOfCall { owner: pair })._0, eth_in);
    let minimum_liquidity = U256::from(1000);
    let liquidity = (shares_in * eth_in).root(2) - minimum_liquidity;
    assert_eq!(added.liquidity, liquidity);
    assert_eq!(chain.view(pair, IUniswapV2Pair::balanceOfCall { owner: admin })._0, liquidity);

    let reserves = |chain: &mut Chain| {
        let r = chain.view(pair, IUniswapV2Pair::getReservesCall {});
        let (r0, r1) = (U256::from(r.reserve0), U256::from(r.reserve1));
        if token0 == shares { (r0, r1) } else { (r1, r0) }
    };
    assert_eq!(reserves(&mut chain), (shares_in, eth_in));

    // ETH -> shares.
    let trader = account(1);
    let trader_address = address_of(&trader);
    chain.fund(trader_address, U256::from(10 * SHARE));
    let eth_spent = U256::from(SHARE);
    let (reserve_shares, reserve_eth) = reserves(&mut chain);
    let expected_shares = amount_out(eth_spent, reserve_eth, reserve_shares);
    chain.exec_value(
        &trader,
        uni.router,
        eth_spent,
        IRouter::swapExactETHForTokensCall {
            amountOutMin: expected_shares,
            path: vec![uni.weth, shares],
            to: trader_address,
            deadline: U256::from(DEADLINE),
        },
    );
    assert_eq!(chain.view(shares, RigShares::balanceOfCall { account: trader_address })._0, expected_shares);
    assert_eq!(reserves(&mut chain), (reserve_shares - expected_shares, reserve_eth + eth_spent));

    // Shares -> ETH, paid to a fresh account so its balance is exactly the output.
    let payee = address_of(&account(2));
    let sold = expected_shares / U256::from(2);
    let (reserve_shares, reserve_eth) = reserves(&mut chain);
    let expected_eth = amount_out(sold, reserve_shares, reserve_eth);
    chain.exec(&trader, shares, RigShares::approveCall { spender: uni.router, value: sold });
    chain.exec(
        &trader,
        uni.router,
        IRouter::swapExactTokensForETHCall {
            amountIn: sold,
            amountOutMin: expected_eth,
            path: vec![shares, uni.weth],
            to: payee,
            deadline: U256::from(DEADLINE),
        },
    );
    assert_eq!(chain.balance(payee), expected_eth);
    assert_eq!(chain.view(shares, RigShares::balanceOfCall { account: trader_address })._0, expected_shares - sold);
    assert_eq!(reserves(&mut chain), (reserve_shares + sold, reserve_eth - expected_eth));

    // Revenue: the pair, excluded, is owed nothing; the holders are owed every wei between them.
    let revenue = U256::from(3 * SHARE);
    chain.exec_value(&dev, splitter, revenue, RevenueSplitter::depositEthCall {});
    assert!(chain.view(splitter, RevenueSplitter::isExcludedCall { account: pair })._0);
    assert_eq!(chain.view(splitter, RevenueSplitter::claimableCall { account: pair })._0, U256::ZERO);
    let pair_shares = chain.view(shares, RigShares::balanceOfCall { account: pair })._0;
    let eligible = chain.view(splitter, RevenueSplitter::eligibleSupplyCall {})._0;
    assert_eq!(eligible, U256::from(SUPPLY * SHARE) - pair_shares);
    let owed: U256 = [admin, trader_address]
        .into_iter()
        .map(|a| chain.view(splitter, RevenueSplitter::claimableCall { account: a })._0)
        .fold(U256::ZERO, |a, b| a + b);
    assert!(owed <= revenue && revenue - owed <= U256::from(2), "owed {owed} of {revenue}");

    // Remove all liquidity to a fresh account: it gets the pool's reserves pro rata, exactly.
    let receiver = address_of(&account(3));
    let (reserve_shares, reserve_eth) = reserves(&mut chain);
    let total = chain.view(pair, IUniswapV2Pair::totalSupplyCall {})._0;
    let shares_back = liquidity * reserve_shares / total;
    let eth_back = liquidity * reserve_eth / total;
    chain.exec(&dev, pair, IUniswapV2Pair::approveCall { spender: uni.router, value: liquidity });
    chain.exec(
        &dev,
        uni.router,
        IRouter::removeLiquidityETHCall {
            token: shares,
            liquidity,
            amountTokenMin: shares_back,
            amountETHMin: eth_back,
            to: receiver,
            deadline: U256::from(DEADLINE),
        },
    );
    assert_eq!(chain.view(shares, RigShares::balanceOfCall { account: receiver })._0, shares_back);
    assert_eq!(chain.balance(receiver), eth_back);
    assert_eq!(chain.view(pair, IUniswapV2Pair::balanceOfCall { owner: admin })._0, U256::ZERO);
    assert_eq!(reserves(&mut chain), (reserve_shares - shares_back, reserve_eth - eth_back));
    // Shares are conserved across the Stylus token, the EVM pair and every holder.
    let held: U256 = [admin, trader_address, receiver, pair]
        .into_iter()
        .map(|a| chain.view(shares, RigShares::balanceOfCall { account: a })._0)
        .fold(U256::ZERO, |a, b| a + b);
    assert_eq!(held, U256::from(SUPPLY * SHARE));
}

/// The Stylus splitter takes revenue in WETH9 (Solidity) and pays holders in it: the splitter
/// calls transferFrom and transfer on the EVM token.
#[test]
fn a_stylus_splitter_pays_revenue_in_weth9() {
    let mut chain = Chain::new();
    let Some(modules) = solidity::node_modules() else { return };
    let weth = deploy_evm(&mut chain, &solidity::artifact(&modules, "@uniswap/v2-periphery", "WETH9"), &[]);
    let dev = chain.dev.clone();
    let admin = chain.dev_address();
    let (_deed, shares) = chain.deploy_pool(U256::from(SUPPLY * SHARE));
    let splitter = chain.deploy("revenue-splitter", (shares, weth, 0u64, admin));
    chain.exec(&dev, shares, RigShares::setRevenueSplitterCall { splitter });
    let holder = account(4);
    let holder_address = address_of(&holder);
    chain.fund(holder_address, U256::from(SHARE));
    chain.exec(&dev, shares, RigShares::transferCall { to: holder_address, value: U256::from(SUPPLY * SHARE / 4) });

    let revenue = U256::from(8 * SHARE);
    chain.exec_value(&dev, weth, revenue, IWETH9::depositCall {});
    chain.exec(&dev, weth, IWETH9::approveCall { guy: splitter, wad: revenue });
    chain.exec(&dev, splitter, RevenueSplitter::depositCall { amount: revenue });
    assert_eq!(chain.view(weth, IWETH9::balanceOfCall { owner: splitter })._0, revenue);

    let quarter = revenue / U256::from(4);
    assert_eq!(chain.view(splitter, RevenueSplitter::claimableCall { account: holder_address })._0, quarter);
    chain.exec(&holder, splitter, RevenueSplitter::claimCall {});
    assert_eq!(chain.view(weth, IWETH9::balanceOfCall { owner: holder_address })._0, quarter);
    chain.exec(&dev, splitter, RevenueSplitter::claimCall {});
    assert_eq!(chain.view(weth, IWETH9::balanceOfCall { owner: admin })._0, revenue - quarter);
    assert_eq!(chain.view(weth, IWETH9::balanceOfCall { owner: splitter })._0, U256::ZERO);
}

const OZ_TOKENS: &str = r#"
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

contract OzToken is ERC20Permit {
    constructor(uint256 supply) ERC20("OZ Token", "OZT") ERC20Permit("OZ Token") { _mint(msg.sender, supply); }
}

contract OzDeed is ERC721 {
    constructor() ERC721("OZ Deed", "OZD") {}
    function mint(address to, uint256 tokenId) external { _mint(to, tokenId); }
}
"#;

/// OpenZeppelin's ERC-20 (with permit) and ERC-721 beside rigshare's share token and deed.
#[test]
fn openzeppelin_tokens_run_beside_rigshare_tokens() {
    let mut chain = Chain::new();
    if solidity::node_modules().is_none() {
        return;
    }
    let dev = chain.dev.clone();
    let admin = chain.dev_address();
    let oz_token = deploy_evm(&mut chain, &solidity::compile(OZ_TOKENS, "OzToken"), &U256::from(1_000u64).abi_encode());
    let oz_deed = deploy_evm(&mut chain, &solidity::compile(OZ_TOKENS, "OzDeed"), &[]);
    let (_deed, shares) = chain.deploy_pool(U256::from(SUPPLY * SHARE));

    let to = address_of(&account(5));
    chain.exec(&dev, oz_token, RigShares::transferCall { to, value: U256::from(10) });
    chain.exec(&dev, shares, RigShares::transferCall { to, value: U256::from(10) });
    for token in [oz_token, shares] {
        assert_eq!(chain.view(token, RigShares::balanceOfCall { account: to })._0, U256::from(10));
    }
    chain.exec(&dev, oz_deed, IERC721Mintable::mintCall { to: admin, tokenId: U256::from(7) });
    chain.exec(&dev, oz_deed, IERC721Mintable::transferFromCall { from: admin, to, tokenId: U256::from(7) });
    assert_eq!(chain.view(oz_deed, IERC721Mintable::ownerOfCall { tokenId: U256::from(7) })._0, to);
    // A failing OpenZeppelin call reverts with its custom error, decoded by the client.
    let receipt = chain.send(&dev, Some(oz_deed), U256::ZERO, IERC721Mintable::ownerOfCall { tokenId: U256::from(8) }.abi_encode().into());
    assert!(!receipt.status);
    // ERC721NonexistentToken(uint256): 0x7e273289
    assert_eq!(&receipt.output[..4], &[0x7e, 0x27, 0x32, 0x89]);
}
