//! The contracts' wasm stack is big enough: the deepest call paths of every contract, run in
//! the compiled WASM on the dev node, with the node's stack probe measuring how deep each
//! program's stack went (`devnode::engine::program::stack_probe`).
//!
//! The stack size is a link flag (`rigshare_cli::pipeline::cargo::STACK_SIZE`). A stack that is
//! too small fails a call (an overflow wraps below address 0 and traps: the call reverts with
//! empty data), so every call here must succeed; and the deepest stack any call used must leave
//! a quarter of the stack unused, the margin for paths no test drives.
//!
//! The paths: tokenURI of a deed whose model and site are 64 bytes that JSON escapes the most
//! (control characters become `\u00XX`, six bytes each) and whose numbers have the most digits;
//! a share transfer to a new holder checkpointed by the most splitters a pool may have (4);
//! deposits with the longest payee waterfall (8 payees) in ETH and in a token, every payee and
//! holder claiming; the views that return strings and arrays; a sale's purchase, finalization
//! and claim (a mint reported to 4 splitters); a purchase order of the most units (32) from
//! funding to a released unit and the supplier's claim; a deed into the pool and the buy-out
//! that hands it back with the escrow claimed.

use alloy_primitives::{keccak256, Address, U256};
use alloy_sol_types::sol;
use devnode::engine::program::stack_probe;
use rigshare_cli::pipeline::cargo::STACK_SIZE;
use rigshare_e2e::*;

sol! {
    #[sol(all_derives)]
    interface ShareSale {
        function buy(uint256 shares) external payable;
        function finalize() external;
        function claim() external returns (uint256);
        function costOf(uint256 shares) external view returns (uint256);
        function totals() external view returns (uint256, uint256, uint256, uint256, uint256);
    }
}

const SHARE: u128 = ETH;
const SUPPLY: u128 = 1_000_000 * SHARE;
const PAYEES: usize = 8;
const SPLITTERS: usize = 4;

#[test]
fn the_deepest_paths_fit_the_stack_with_a_quarter_to_spare() {
    stack_probe::enable();
    let mut chain = Chain::new();
    let dev = chain.dev.clone();
    let me = chain.dev_address();
    let (deed, shares) = chain.deploy_pool(U256::from(SUPPLY));
    let token = chain.deploy("demo-token", ("Wrapped Bitcoin (demo)".to_string(), "WBTC".to_string(), U256::from(8), me));

    // The deed whose metadata is the longest to render.
    chain.exec(&dev, deed, RigDeed::grantRoleCall { role: keccak256("OPERATOR_ROLE"), account: me });
    let model: String = "\u{1}".repeat(64);
    let site: String = "\"<\\".repeat(21) + "&";
    let mint = RigDeed::mintCall {
        to: me,
        model: model.clone(),
        hashrateGhs: u64::MAX,
        powerWatts: u32::MAX,
        site: site.clone(),
        serialHash: keccak256("serial 1"),
        kind: 1,
    };
    chain.exec(&dev, deed, mint);
    let uri = chain.view(deed, RigDeed::tokenURICall { tokenId: U256::from(1) })._0;
    assert!(uri.starts_with("data:application/json;base64,"), "{uri}");
    let rig = chain.view(deed, RigDeed::rigCall { tokenId: U256::from(1) });
    assert_eq!((rig.model, rig.site), (model, site));
    assert_eq!(chain.view(deed, RigDeed::rigsOfCall { owner: me })._0, vec![U256::from(1)]);

    // Four splitters (two per asset), each with eight payees.
    let mut splitters = Vec::new();
    for i in 0..SPLITTERS {
        let asset = if i % 2 == 0 { Address::ZERO } else { token };
        let splitter = chain.deploy_splitter(shares, asset, 0u64, me);
        chain.exec(&dev, shares, RigShares::addRevenueSplitterCall { splitter });
        let payees: Vec<Address> = (0..PAYEES).map(|p| address_of(&account(20 + p as u8))).collect();
        chain.exec(&dev, splitter, RevenueSplitter::setPayeesCall { accounts: payees, bps: vec![1_000; PAYEES] });
        splitters.push((splitter, asset));
    }
    assert_eq!(chain.view(shares, RigShares::revenueSplittersCall {})._0.len(), SPLITTERS);
    let domain = chain.view(shares, RigShares::eip712DomainCall {});
    assert_eq!(domain.name, "Pool Shares");

    // A share transfer to a new holder, checkpointed by all four.
    let holder = account(1);
    chain.fund(address_of(&holder), U256::from(10 * ETH));
    chain.exec(&dev, shares, RigShares::transferCall { to: address_of(&holder), value: U256::from(10 * SHARE) });

    // The waterfall in both assets, then every payee and both holders claim.
    for &(splitter, asset) in &splitters {
        if asset == Address::ZERO {
            chain.exec_value(&dev, splitter, U256::from(ETH), RevenueSplitter::depositEthCall {});
        } else {
            let sats = U256::from(100_000_000u64);
            chain.exec(&dev, token, DemoToken::mintCall { to: me, amount: sats });
            chain.exec(&dev, token, DemoToken::approveCall { spender: splitter, value: sats });
            chain.exec(&dev, splitter, RevenueSplitter::depositCall { amount: sats });
        }
        assert_eq!(chain.view(splitter, RevenueSplitter::payeesCall {}).accounts.len(), PAYEES);
        chain.view(splitter, RevenueSplitter::totalsCall {});
        chain.view(splitter, RevenueSplitter::accountStateCall { account: me });
        for p in 0..PAYEES {
            let payee = account(20 + p as u8);
            chain.fund(address_of(&payee), U256::from(ETH));
            chain.exec(&payee, splitter, RevenueSplitter::claimCall {});
        }
        chain.exec(&holder, splitter, RevenueSplitter::claimCall {});
        chain.exec(&dev, splitter, RevenueSplitter::claimCall {});
    }

    // A sale: a purchase, finalization at the hard cap, and the claim that mints (reported to
    // the four splitters).
    let sale_code = std::fs::read(rigshare_cli::commands::build_once().join("share-sale.code")).expect("share-sale.code");
    let now = chain.engine.latest_block().timestamp;
    let hard_cap = U256::from(1_000 * SHARE);
    let sale = chain.deploy_stored(
        "share-sale",
        &sale_code,
        (shares, Address::ZERO, U256::from(ETH / 1_000), now + 60, now + 3_660, U256::from(ETH / 2), hard_cap, U256::from(SHARE), hard_cap, me, me),
    );
    chain.exec(&dev, shares, RigShares::grantRoleCall { role: keccak256("MINTER_ROLE"), account: sale });
    chain.engine.increase_time(60);
    let cost = chain.view(sale, ShareSale::costOfCall { shares: hard_cap })._0;
    chain.exec_value(&holder, sale, cost, ShareSale::buyCall { shares: hard_cap });
    chain.exec(&dev, sale, ShareSale::finalizeCall {});
    chain.exec(&holder, sale, ShareSale::claimCall {});
    chain.view(sale, ShareSale::totalsCall {});

    // A purchase order with the most units (32), funded, shipped, delivered; a unit's deed
    // into the pool releases its payment; the supplier claims; the views of a unit.
    chain.exec(&dev, shares, RigShares::grantRoleCall { role: keccak256("OPERATOR_ROLE"), account: me });
    let orders = chain.deploy_orders(deed);
    let (supplier, site) = (account(40), account(41));
    for k in [&supplier, &site] {
        chain.fund(address_of(k), U256::from(ETH));
    }
    let now = chain.engine.latest_block().timestamp;
    let units = 32usize;
    let serials: Vec<_> = (0..units).map(|u| keccak256(format!("order unit {u}"))).collect();
    let open = PurchaseOrders::openCall {
        supplier: address_of(&supplier),
        site: address_of(&site),
        pool: shares,
        asset: Address::ZERO,
        price: U256::from(ETH),
        shipBps: 3_000,
        deliveryBps: 2_000,
        shipBy: now + 86_400,
        deliverBy: now + 2 * 86_400,
        installBy: now + 3 * 86_400,
        arbiter: address_of(&account(42)),
        serialHashes: serials.clone(),
        models: (0..units).map(|_| alloy_primitives::B256::repeat_byte(b'M')).collect(),
    };
    chain.exec(&dev, orders, open);
    chain.exec_value(&dev, orders, U256::from(ETH), PurchaseOrders::fundCall { orderId: U256::ZERO, amount: U256::from(ETH) });
    chain.exec(&supplier, orders, PurchaseOrders::shipCall { orderId: U256::ZERO, document: keccak256("BL") });
    chain.exec(&site, orders, PurchaseOrders::deliverCall { orderId: U256::ZERO, document: keccak256("receipt") });
    let unit_mint = RigDeed::mintCall {
        to: me,
        model: "Antminer S21".into(),
        hashrateGhs: 200_000,
        powerWatts: 3_500,
        site: "Rockdale".into(),
        serialHash: serials[units - 1],
        kind: 0,
    };
    chain.exec(&dev, deed, unit_mint);
    chain.exec(&dev, deed, RigDeed::safeTransferFrom_0Call { from: me, to: shares, tokenId: U256::from(2) });
    chain.exec(&dev, orders, PurchaseOrders::releaseCall { orderId: U256::ZERO, unit: U256::from(units - 1) });
    chain.exec(&supplier, orders, PurchaseOrders::claimCall { orderId: U256::ZERO, recipient: address_of(&supplier) });
    chain.view(orders, PurchaseOrders::orderUnitCall { orderId: U256::ZERO, unit: U256::from(units - 1) });
    chain.view(orders, PurchaseOrders::orderTermsCall { orderId: U256::ZERO });

    // The deed into the pool (the token's receiver callback), then the buy-out: the issuer,
    // above 95%, escrows ETH for the other shares and takes the deeds; the holder claims.
    chain.exec(&dev, deed, RigDeed::safeTransferFrom_0Call { from: me, to: shares, tokenId: U256::from(1) });
    assert_eq!(chain.view(shares, RigShares::deedIdsCall {})._0, vec![U256::from(2), U256::from(1)]);
    chain.exec_value(&dev, shares, U256::from(ETH), RigShares::redeemAllCall { recipient: me });
    chain.exec(&holder, shares, RigShares::claimBuyoutCall { recipient: address_of(&holder) });
    assert_eq!(chain.view(deed, RigDeed::ownerOfCall { tokenId: U256::from(1) })._0, me);

    let lowest = stack_probe::take_lowest().expect("the calls wrote to memory");
    assert!(lowest < STACK_SIZE, "the lowest byte written ({lowest}) is above the stack ({STACK_SIZE} bytes)");
    let deepest = STACK_SIZE - lowest;
    println!("deepest stack: {deepest} of {STACK_SIZE} bytes");
    assert!(deepest <= STACK_SIZE * 3 / 4, "the deepest call used {deepest} of the {STACK_SIZE}-byte stack: less than a quarter to spare");
}
