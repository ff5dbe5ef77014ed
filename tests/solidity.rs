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
    let weth = chain.deploy_evm(&solidity::artifact(&modules, "@uniswap/v2-periphery", "WETH9"), &[]);
    let fee_to_setter = chain.dev_address();
    let factory = chain.deploy_evm(&solidity::artifact(&modules, "@uniswap/v2-core", "UniswapV2Factory"), &fee_to_setter.abi_encode());
    let router = chain.deploy_evm(
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
    let splitter = chain.deploy_splitter(shares, Address::ZERO, 0u64, admin);
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
    let weth = chain.deploy_evm(&solidity::artifact(&modules, "@uniswap/v2-periphery", "WETH9"), &[]);
    let dev = chain.dev.clone();
    let admin = chain.dev_address();
    let (_deed, shares) = chain.deploy_pool(U256::from(SUPPLY * SHARE));
    let splitter = chain.deploy_splitter(shares, weth, 0u64, admin);
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

/// OpenZeppelin's ERC-20 with permit and ERC-721, as the gas comparison measures them.
const OZ_TOKENS: &str = rigshare_e2e::versus::OZ_SOURCE;

/// OpenZeppelin's ERC-20 (with permit) and ERC-721 beside rigshare's share token and deed.
#[test]
fn openzeppelin_tokens_run_beside_rigshare_tokens() {
    let mut chain = Chain::new();
    if solidity::node_modules().is_none() {
        return;
    }
    let dev = chain.dev.clone();
    let admin = chain.dev_address();
    let oz_token = chain.deploy_evm(&solidity::compile(OZ_TOKENS, "OzToken"), &U256::from(1_000u64).abi_encode());
    let oz_deed = chain.deploy_evm(&solidity::compile(OZ_TOKENS, "OzDeed"), &[]);
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

/// Differential test against anvil, the reference EVM node: the same signed transactions (EVM
/// only: deployments, random ETH, WETH and ERC-20 transfers, reverts, the Uniswap V2 flow) sent
/// to both give the same status, gas used, created address, logs, `eth_call` return or revert
/// data, and in the end the same state (balance, nonce, code hash and storage root of every
/// account touched, by eth_getProof). Known differences, left out of the comparison: the
/// senders' balances (anvil's base fee moves with EIP-1559, Arbitrum's stays at its floor) and
/// the block numbers; both nodes are given the same chain id, rules (Prague) and timestamps.
#[test]
fn evm_workloads_match_anvil() {
    use alloy_primitives::hex;
    use devnode::{engine::tx::TxKind, rpc as node_rpc};
    use serde_json::{json, Value};
    use solidity::rpc;

    let Some(modules) = solidity::node_modules() else { return };
    let Some(anvil_bin) = solidity::anvil_binary() else {
        assert!(std::env::var("RIGSHARE_REQUIRE_ANVIL").is_err(), "no anvil binary");
        return;
    };
    let anvil = solidity::start_anvil(&anvil_bin, &["--chain-id", &CHAIN_ID.to_string(), "--hardfork", "prague", "--steps-tracing"]);
    let node = node_rpc::spawn(node_rpc::NodeConfig::ephemeral()).unwrap();
    let urls = [anvil.url.clone(), node.url.clone()];
    // The standard test mnemonic's accounts, funded on both (the node's first account is
    // Nitro's dev key, so they start at its index 1).
    let keys: Vec<_> = node.accounts[1..=4].iter().map(|a| a.key.clone()).collect();
    let senders: Vec<Address> = node.accounts[1..=4].iter().map(|a| a.address).collect();
    let mut nonces = [0u64; 4];
    let mut timestamp = 1_900_000_000u64;
    let mut touched: Vec<Address> = Vec::new();
    let mut traced_steps = 0usize;

    let same = |what: &str, a: &Value, b: &Value| assert_eq!(a, b, "{what}: anvil {a} vs dev node {b}");
    let mut step = |from: usize, to: Option<Address>, value: U256, input: Vec<u8>| -> Value {
        let call = json!({
            "from": senders[from].to_string(),
            "to": to.map(|t| t.to_string()),
            "value": format!("{value:#x}"),
            "data": hex::encode_prefixed(&input),
            "gas": "0x4c4b40",
        });
        let called: Vec<Value> = urls
            .iter()
            .map(|url| match rpc(url, "eth_call", json!([call.clone(), "latest"])) {
                Ok(output) => json!({"output": output}),
                Err(error) => json!({"code": error["code"], "data": error.get("data").cloned().unwrap_or(Value::Null)}),
            })
            .collect();
        same("eth_call", &called[0], &called[1]);
        timestamp += 12;
        let raw = devnode::engine::testing::signed_tx(
            &keys[from],
            nonces[from],
            to.map_or(TxKind::Create, TxKind::Call),
            value,
            input,
            5_000_000,
        );
        nonces[from] += 1;
        let raw = hex::encode_prefixed(raw.encode());
        let receipts: Vec<Value> = urls
            .iter()
            .map(|url| {
                rpc(url, "evm_setNextBlockTimestamp", json!([timestamp])).expect("timestamp");
                let hash = rpc(url, "eth_sendRawTransaction", json!([raw])).expect("accepted");
                let mut receipt = Value::Null;
                for _ in 0..200 {
                    receipt = rpc(url, "eth_getTransactionReceipt", json!([hash])).expect("receipt");
                    if !receipt.is_null() {
                        break;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                receipt
            })
            .collect();
        for field in ["status", "gasUsed", "contractAddress", "to"] {
            same(field, &receipts[0][field], &receipts[1][field]);
        }
        let logs = |r: &Value| -> Vec<Value> {
            r["logs"].as_array().unwrap().iter().map(|l| json!([l["address"], l["topics"], l["data"]])).collect()
        };
        same("logs", &json!(logs(&receipts[0])), &json!(logs(&receipts[1])));
        // geth's default tracer: the same opcode steps, gas, costs, depths and stacks (anvil
        // records them with --steps-tracing).
        let steps: Vec<Value> = urls
            .iter()
            .map(|url| {
                let trace = rpc(url, "debug_traceTransaction", json!([receipts[1]["transactionHash"], {"disableStorage": true}]))
                    .expect("debug_traceTransaction");
                let steps: Vec<Value> = trace["structLogs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| json!([s["pc"], s["op"], s["gas"], s["gasCost"], s["depth"], s["stack"]]))
                    .collect();
                json!({"failed": trace["failed"], "gas": trace["gas"], "steps": steps})
            })
            .collect();
        traced_steps += steps[1]["steps"].as_array().unwrap().len();
        if steps[0] != steps[1] {
            let (a, b) = (steps[0]["steps"].as_array().unwrap(), steps[1]["steps"].as_array().unwrap());
            let first = a.iter().zip(b).position(|(x, y)| x != y);
            panic!(
                "struct logs differ (anvil {} steps, dev node {}): first at {first:?}: anvil {} vs dev node {}; totals {} vs {}",
                a.len(),
                b.len(),
                first.map_or(Value::Null, |i| a[i].clone()),
                first.map_or(Value::Null, |i| b[i].clone()),
                json!([steps[0]["failed"], steps[0]["gas"]]),
                json!([steps[1]["failed"], steps[1]["gas"]])
            );
        }
        receipts[1].clone()
    };
    let created = |receipt: &Value| -> Address { receipt["contractAddress"].as_str().unwrap().parse().unwrap() };
    let with_args = |mut code: Vec<u8>, args: Vec<u8>| {
        code.extend(args);
        code
    };

    // Deployments: WETH9, Uniswap V2's factory and router, OpenZeppelin's ERC-20 with permit.
    let weth = created(&step(0, None, U256::ZERO, solidity::artifact(&modules, "@uniswap/v2-periphery", "WETH9")));
    let factory_code = solidity::artifact(&modules, "@uniswap/v2-core", "UniswapV2Factory");
    let factory = created(&step(0, None, U256::ZERO, with_args(factory_code, senders[0].abi_encode())));
    let router_code = solidity::artifact(&modules, "@uniswap/v2-periphery", "UniswapV2Router02");
    let router = created(&step(0, None, U256::ZERO, with_args(router_code, (factory, weth).abi_encode_params())));
    let supply = U256::from(1_000_000u64) * U256::from(SHARE);
    let token = created(&step(0, None, U256::ZERO, with_args(solidity::compile(OZ_TOKENS, "OzToken"), supply.abi_encode())));
    touched.extend([weth, factory, router, token]);

    // Random transfers (ETH, WETH, the ERC-20), some of them reverting, from a fixed seed.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = |bound: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % bound
    };
    for _ in 0..24 {
        let from = next(4) as usize;
        let recipient = if next(3) == 0 { Address::with_last_byte(0x80 + next(16) as u8) } else { senders[next(4) as usize] };
        let amount = U256::from(next(5_000)) * U256::from(1_000_000_000_000u64);
        match next(5) {
            0 => {
                step(from, Some(recipient), amount, Vec::new());
            }
            1 => {
                step(from, Some(weth), amount, IWETH9::depositCall {}.abi_encode());
            }
            2 => {
                step(from, Some(weth), U256::ZERO, IWETH9::transferCall { dst: recipient, wad: amount }.abi_encode());
            }
            3 => {
                // withdraw(uint256): reverts when the sender holds too little WETH.
                let mut input = alloy_primitives::keccak256("withdraw(uint256)")[..4].to_vec();
                input.extend(amount.abi_encode());
                step(from, Some(weth), U256::ZERO, input);
            }
            _ => {
                // Only the first account holds the token: the others revert with
                // ERC20InsufficientBalance.
                step(from, Some(token), U256::ZERO, RigShares::transferCall { to: recipient, value: amount }.abi_encode());
            }
        }
        touched.push(recipient);
    }

    // The Uniswap flow: liquidity, a swap each way, liquidity removed.
    let deadline = U256::from(u64::MAX);
    step(0, Some(token), U256::ZERO, RigShares::approveCall { spender: router, value: U256::MAX }.abi_encode());
    let add = IRouter::addLiquidityETHCall {
        token,
        amountTokenDesired: U256::from(1_000u64) * U256::from(SHARE),
        amountTokenMin: U256::ZERO,
        amountETHMin: U256::ZERO,
        to: senders[0],
        deadline,
    };
    step(0, Some(router), U256::from(2 * SHARE), add.abi_encode());
    let swap_in = IRouter::swapExactETHForTokensCall { amountOutMin: U256::ZERO, path: vec![weth, token], to: senders[1], deadline };
    step(1, Some(router), U256::from(SHARE / 10), swap_in.abi_encode());
    step(1, Some(token), U256::ZERO, RigShares::approveCall { spender: router, value: U256::MAX }.abi_encode());
    let sell = U256::from(SHARE);
    let swap_out = IRouter::swapExactTokensForETHCall {
        amountIn: sell,
        amountOutMin: U256::ZERO,
        path: vec![token, weth],
        to: Address::with_last_byte(0x99),
        deadline,
    };
    step(1, Some(router), U256::ZERO, swap_out.abi_encode());
    // More than the pool can give: the router's own check reverts.
    let too_much = IRouter::swapExactTokensForETHCall { amountOutMin: U256::from(100 * SHARE), ..swap_out };
    step(1, Some(router), U256::ZERO, too_much.abi_encode());
    let pair_output = rpc(&node.url, "eth_call", json!([{"to": factory.to_string(), "data": hex::encode_prefixed(IUniswapV2Factory::getPairCall { tokenA: token, tokenB: weth }.abi_encode())}, "latest"])).unwrap();
    let pair = Address::from_slice(&hex::decode(pair_output.as_str().unwrap()).unwrap()[12..32]);
    let liquidity_output = rpc(&node.url, "eth_call", json!([{"to": pair.to_string(), "data": hex::encode_prefixed(IUniswapV2Pair::balanceOfCall { owner: senders[0] }.abi_encode())}, "latest"])).unwrap();
    let liquidity = U256::from_be_slice(&hex::decode(liquidity_output.as_str().unwrap()).unwrap());
    step(0, Some(pair), U256::ZERO, IUniswapV2Pair::approveCall { spender: router, value: liquidity }.abi_encode());
    let remove = IRouter::removeLiquidityETHCall {
        token,
        liquidity,
        amountTokenMin: U256::ZERO,
        amountETHMin: U256::ZERO,
        to: Address::with_last_byte(0x98),
        deadline,
    };
    step(0, Some(router), U256::ZERO, remove.abi_encode());
    touched.extend([pair, Address::with_last_byte(0x99), Address::with_last_byte(0x98)]);

    // The same state: every account touched that is not a sender (whose balances the two
    // nodes' different base fees set apart), by its proof's fields and its whole storage.
    let storage = [dumped_storage(&anvil.url, true), dumped_storage(&node.url, false)];
    touched.sort();
    touched.dedup();
    for address in touched.iter().filter(|a| !senders.contains(a)) {
        let proofs: Vec<Value> = urls
            .iter()
            .map(|url| rpc(url, "eth_getProof", json!([address.to_string(), [], "latest"])).expect("eth_getProof"))
            .collect();
        // Every storage slot, from each node's state dump (anvil also keeps slots written
        // back to zero, and then counts them in its storage root; Ethereum's trie has no zero
        // slots, so those are dropped and the roots compared only where anvil has none).
        let (ours, theirs) = (&storage[1], &storage[0]);
        let empty = std::collections::BTreeMap::new();
        let theirs_all = theirs.get(address).unwrap_or(&empty);
        let theirs_nonzero: std::collections::BTreeMap<U256, U256> =
            theirs_all.iter().filter(|(_, v)| !v.is_zero()).map(|(k, v)| (*k, *v)).collect();
        assert_eq!(ours.get(address).unwrap_or(&empty), &theirs_nonzero, "{address}: storage differs");
        let fields: &[&str] = if theirs_nonzero.len() == theirs_all.len() {
            &["balance", "nonce", "codeHash", "storageHash"]
        } else {
            &["balance", "nonce", "codeHash"]
        };
        for field in fields {
            same(&format!("{address} {field}"), &proofs[0][*field], &proofs[1][*field]);
        }
    }
    assert!(traced_steps > 2_000, "only {traced_steps} EVM steps compared");
    eprintln!("{traced_steps} EVM steps compared with anvil's");
    // The senders' nonces agree too.
    for sender in &senders {
        let counts: Vec<Value> = urls
            .iter()
            .map(|url| rpc(url, "eth_getTransactionCount", json!([sender.to_string(), "latest"])).unwrap())
            .collect();
        same("nonce", &counts[0], &counts[1]);
    }
    node.stop();
}

/// Every account's storage from `anvil_dumpState` (anvil's is gzipped JSON with the storage
/// under each account; the dev node's is JSON with a storage map beside the accounts).
fn dumped_storage(url: &str, gzipped: bool) -> std::collections::HashMap<Address, std::collections::BTreeMap<U256, U256>> {
    use std::io::Read;
    let dump = solidity::rpc(url, "anvil_dumpState", serde_json::json!([])).expect("anvil_dumpState");
    let bytes = alloy_primitives::hex::decode(dump.as_str().unwrap()).unwrap();
    let json = if gzipped {
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut text).unwrap();
        text
    } else {
        bytes
    };
    let state: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let word = |s: &serde_json::Value| U256::from_str_radix(s.as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    let slots = |map: &serde_json::Value| map.as_object().map(|m| m.iter().map(|(k, v)| (word(&serde_json::json!(k)), word(v))).collect()).unwrap_or_default();
    let mut out = std::collections::HashMap::new();
    if gzipped {
        for (address, account) in state["accounts"].as_object().unwrap() {
            out.insert(address.parse().unwrap(), slots(&account["storage"]));
        }
    } else {
        for (address, map) in state["storage"].as_object().unwrap() {
            out.insert(address.parse().unwrap(), slots(map));
        }
    }
    out
}

/// figures/gas-vs-solidity.md is what the code costs now (the bench writes it).
#[test]
fn the_gas_versus_solidity_figure_is_current() {
    let Some(rows) = rigshare_e2e::versus::measure() else { return };
    let recorded = figures::table_rows("gas-vs-solidity");
    let measured: Vec<Vec<String>> = rigshare_e2e::versus::markdown(&rows)
        .lines()
        .skip(2)
        .map(|l| l.trim_matches('|').split('|').map(|c| c.trim().to_owned()).collect())
        .collect();
    assert_eq!(recorded, measured, "stale: cargo bench -p rigshare-e2e --bench gas_vs_solidity, then scripts/rigshare readme");
}
