//! The whole lifecycle in-process, through the operating commands' library calls against an
//! in-process dev node: `up`, rigs minted and moved through their lifecycle, pooled, shares
//! sold, payees set, a second splitter paying an 8-decimal token, revenue in ETH and in the
//! token around a mid-month sale, every party claiming. Then every balance (ETH to the wei, net
//! of every transaction's fee and the activation fee; token units; shares) and every event of
//! RigDeed, RigShares, both splitters and the token is checked against what the story must
//! produce.

mod common;

use std::collections::BTreeMap;

use devnode::rpc::{self, NodeConfig, RunningNode};
use ethers::{
    contract::EthLogDecode,
    prelude::*,
    utils::{keccak256, parse_ether},
};
use rigshare_cli::{
    catalogue::{
        demo_token::{self, DemoToken, DemoTokenEvents, MintFilter},
        erc20::Erc20,
        revenue_splitter::{
            ClaimedFilter, PayeeCreditedFilter, PayeesUpdatedFilter, RevenueDepositedFilter, RevenueSplitterEvents,
            SharesBoundFilter,
        },
        rig_deed::{self, BatchMetadataUpdateFilter, DescriptorSetFilter, MetadataUpdateFilter, RigDeedEvents, RigMintedFilter, RigStatusChangedFilter},
        rig_shares::{self, DeedDepositedFilter, RevenueSplitterSetFilter, RigShares, RigSharesEvents},
        Payee, SystemConfig,
    },
    commands::{
        ops::{
            assets, payees, pools,
            revenue::{self},
            rig::{self, Kind, NewRig, Status},
            session::{Connect, Session},
        },
        up,
    },
    pipeline::workspace::Workspace,
};

const OP: usize = 0;
const INV1: usize = 1;
const INV2: usize = 2;
const HOSTING: usize = 4;
const FEE: usize = 5;
const MINER: usize = 6;

fn addr(node: &RunningNode, i: usize) -> Address {
    Address::from_slice(node.accounts[i].address.as_slice())
}

fn eth(text: &str) -> U256 {
    parse_ether(text).unwrap()
}

fn shares(n: u64) -> U256 {
    U256::from(n) * U256::exp10(18)
}

#[test]
fn the_full_lifecycle_balances_and_events() {
    common::built();
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let ws = Workspace::of_this_crate().unwrap();
    let dir = std::env::temp_dir().join(format!("rigshare-lifecycle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    up::run(
        &ws,
        up::Options {
            rpc_url: Some(node.url.clone()),
            private_key: Some(common::key(&node, OP)),
            no_serve: true,
            no_build: true,
            deployments_dir: Some(dir.clone()),
            // Paid at once: the expected balances below are exact at each step.
            stream_seconds: Some(0),
            quiet: true,
            ..Default::default()
        },
    )
    .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(story(&ws, &node, &dir));
    let _ = std::fs::remove_dir_all(dir);
}

async fn story(ws: &Workspace, node: &RunningNode, dir: &std::path::Path) {
    let connect = Connect {
        rpc_url: Some(node.url.clone()),
        private_key: Some(common::key(node, OP)),
        deployments_dir: Some(dir.to_owned()),
        ..Default::default()
    };
    let op = Session::open(ws, &connect, "lifecycle").await.unwrap();
    let who = |i: usize| op.with_key(&common::key(node, i)).unwrap();
    let (inv1, inv2, hosting, fee, miner) = (who(INV1), who(INV2), who(HOSTING), who(FEE), who(MINER));
    let deed = op.contract("RigDeed").unwrap();
    let (_, pool) = op.pool(0).unwrap();
    let splitter = op.contract("RevenueSplitter").unwrap();
    let first_block = op.client.get_block_number().await.unwrap().as_u64() + 1;
    let start: BTreeMap<usize, U256> = {
        let mut m = BTreeMap::new();
        for i in [OP, INV1, INV2, HOSTING, FEE, MINER] {
            m.insert(i, op.client.get_balance(addr(node, i), None).await.unwrap());
        }
        m
    };

    // Rigs: two deeds to the operator; one goes to maintenance and back.
    let specs = [("Antminer S21", 200_000u64, 3_500u32, "Paraguay-Itaipu-03", "S21-A"), ("Whatsminer M60S", 186_000, 3_441, "Texas-Rockdale-1", "M60S-B")];
    for (model, ghs, watts, site, serial) in specs {
        let rig = NewRig { to: None, model: model.into(), hashrate_ghs: ghs, power_watts: watts, site: site.into(), serial: serial.into(), kind: Kind::Equipment };
        rig::mint(&op, rig).await.unwrap();
    }
    rig::set_status(&op, 2, Status::Maintenance).await.unwrap();
    rig::set_status(&op, 2, Status::Active).await.unwrap();
    let pooled = pools::deposit_deeds(&op, 0, &[1, 2]).await.unwrap();
    assert_eq!((pooled.backing_hashrate_ghs.as_str(), pooled.backing_power_watts.as_str(), pooled.backing_rigs), ("386000", "6941", 2));

    // Shares: the operator keeps 25%, sells 45% and 30%.
    pools::transfer(&op, 0, inv1.me, "450000").await.unwrap();
    pools::transfer(&op, 0, inv2.me, "300000").await.unwrap();
    let waterfall = [
        Payee { label: Some("hosting".into()), account: hosting.me, bps: 1_000 },
        Payee { label: Some("operator".into()), account: fee.me, bps: 500 },
    ];
    payees::set(&op, 0, None, &waterfall).await.unwrap();

    // A second payout asset: an 8-decimal token, its splitter on the same pool, the same payees.
    let (dwbtc, step) =
        pools::deploy(ws, &op, &demo_token::ENTRY, "deploy DemoToken", &SystemConfig::default(), &Default::default()).await.unwrap();
    let activation_fee = U256::from_dec_str(step.data_fee_wei.as_deref().unwrap()).unwrap();
    assert!(!activation_fee.is_zero(), "the token's code was new to the chain");
    let added = pools::add_splitter(ws, &op, 0, dwbtc, 0).await.unwrap();
    assert_eq!((added.asset.symbol.as_str(), added.asset.decimals), ("dWBTC", 8));
    let token_splitter: Address = added.splitter.parse().unwrap();
    payees::set(&op, 0, Some("dWBTC"), &waterfall).await.unwrap();
    let half_btc = U256::from(50_000_000u64);
    op.send("minting dWBTC", DemoToken::new(dwbtc, op.client.clone()).mint(miner.me, half_btc)).await.unwrap();

    // Revenue: 2 ETH, a mid-month sale of 150,000 shares, 1 ETH and 0.5 dWBTC.
    revenue::deposit(&miner, 0, "2", Some("eth")).await.unwrap();
    node.node.handle("evm_increaseTime", &serde_json::json!([15 * 24 * 3600])).unwrap();
    pools::transfer(&inv1, 0, inv2.me, "150000").await.unwrap();
    revenue::deposit(&miner, 0, "1", Some("eth")).await.unwrap();
    let deposit = revenue::deposit(&miner, 0, "0.5", Some("dWBTC")).await.unwrap();
    assert_eq!(deposit.steps.len(), 2, "approve, then deposit");

    // Claimable before claims: holders by the shares held at each deposit, payees their cuts.
    let expected: BTreeMap<usize, U256> = [
        (OP, eth("0.425") + eth("0.2125")),
        (INV1, eth("0.765") + eth("0.255")),
        (INV2, eth("0.51") + eth("0.3825")),
        (HOSTING, eth("0.2") + eth("0.1")),
        (FEE, eth("0.1") + eth("0.05")),
    ]
    .into();
    // dWBTC: all after the sale; payees 10% and 5%.
    let expected_btc: BTreeMap<usize, U256> =
        [(OP, 10_625_000u64), (INV1, 12_750_000), (INV2, 19_125_000), (HOSTING, 5_000_000), (FEE, 2_500_000)]
            .map(|(i, v)| (i, U256::from(v)))
            .into();
    let sessions = [(OP, &op), (INV1, &inv1), (INV2, &inv2), (HOSTING, &hosting), (FEE, &fee)];
    for (i, s) in sessions {
        let owed = revenue::claimable(s, 0, None).await.unwrap();
        let raw: Vec<&str> = owed.claimable.iter().map(|c| c.amount.raw.as_str()).collect();
        assert_eq!(raw, [expected[&i].to_string(), expected_btc[&i].to_string()], "claimable by account {i}");
    }
    for (i, s) in sessions {
        let claimed = revenue::claim(s, 0, None).await.unwrap();
        let raw: Vec<&str> = claimed.claimed.iter().map(|c| c.amount.raw.as_str()).collect();
        assert_eq!(raw, [expected[&i].to_string(), expected_btc[&i].to_string()], "claimed by account {i}");
    }
    let sum = |m: &BTreeMap<usize, U256>| m.values().fold(U256::zero(), |a, b| a + b);
    assert_eq!((sum(&expected), sum(&expected_btc)), (eth("3"), half_btc), "the claims add up to the deposits");

    // Balances. ETH: start - every fee paid - ETH sent + claimed, to the wei.
    let fees = fees_by_sender(&op, first_block).await;
    let sent: BTreeMap<usize, U256> = [(MINER, eth("3")), (OP, activation_fee)].into();
    for i in [OP, INV1, INV2, HOSTING, FEE, MINER] {
        let a = addr(node, i);
        let want = start[&i] - fees.get(&a).copied().unwrap_or_default() - sent.get(&i).copied().unwrap_or_default()
            + expected.get(&i).copied().unwrap_or_default();
        assert_eq!(op.client.get_balance(a, None).await.unwrap(), want, "ETH balance of account {i}");
    }
    assert_eq!(op.client.get_balance(splitter, None).await.unwrap(), U256::zero(), "the splitter paid out everything");
    let token = RigShares::new(pool, op.client.clone());
    for (i, n) in [(OP, 250_000), (INV1, 300_000), (INV2, 450_000), (HOSTING, 0), (FEE, 0), (MINER, 0)] {
        assert_eq!(token.balance_of(addr(node, i)).call().await.unwrap(), shares(n), "shares of account {i}");
    }
    assert_eq!(token.total_supply().call().await.unwrap(), shares(1_000_000));
    let ids: Vec<U256> = token.deed_ids().call().await.unwrap();
    assert_eq!(ids, [U256::from(1), U256::from(2)]);
    let btc = Erc20::new(dwbtc, op.client.clone());
    for i in [OP, INV1, INV2, HOSTING, FEE, MINER] {
        let want = expected_btc.get(&i).copied().unwrap_or_default();
        assert_eq!(btc.balance_of(addr(node, i)).call().await.unwrap(), want, "dWBTC of account {i}");
    }
    assert_eq!(btc.balance_of(token_splitter).call().await.unwrap(), U256::zero());
    assert_eq!(btc.total_supply().call().await.unwrap(), half_btc);
    let splitters: Vec<Address> = assets::splitters(&op.client, pool).await.unwrap().iter().map(|s| s.address).collect();
    assert_eq!(splitters, [splitter, token_splitter]);

    // Events, per contract, in order.
    let (me, a) = (addr(node, OP), |i| addr(node, i));
    let deed_events: Vec<RigDeedEvents> = logs(&op, deed)
        .await
        .into_iter()
        .filter(|e: &RigDeedEvents| !matches!(e, RigDeedEvents::RoleGrantedFilter(_) | RigDeedEvents::RoleRevokedFilter(_)))
        .collect();
    let transfer = |from, to, id: u64| RigDeedEvents::TransferFilter(rig_deed::TransferFilter { from, to, token_id: id.into() });
    let minted = |id: u64, (_, ghs, watts, _, serial): (&str, u64, u32, &str, &str)| {
        RigDeedEvents::RigMintedFilter(RigMintedFilter {
            token_id: id.into(),
            to: me,
            serial_hash: keccak256(serial),
            kind: 0,
            hashrate_ghs: ghs,
            power_watts: watts,
        })
    };
    let status = |from, to| RigDeedEvents::RigStatusChangedFilter(RigStatusChangedFilter { token_id: 2.into(), previous_status: from, new_status: to });
    let metadata = RigDeedEvents::MetadataUpdateFilter(MetadataUpdateFilter { token_id: 2.into() });
    // `up` made the RigCard render the deed's metadata, and told wallets to refresh every card.
    let card = op.contract("RigCard").unwrap();
    assert_eq!(
        deed_events,
        [
            RigDeedEvents::DescriptorSetFilter(DescriptorSetFilter { descriptor: card }),
            RigDeedEvents::BatchMetadataUpdateFilter(BatchMetadataUpdateFilter { from_token_id: 1.into(), to_token_id: U256::MAX }),
            transfer(Address::zero(), me, 1),
            minted(1, specs[0]),
            transfer(Address::zero(), me, 2),
            minted(2, specs[1]),
            status(0, 1),
            metadata.clone(),
            status(1, 0),
            metadata,
            transfer(me, pool, 1),
            transfer(me, pool, 2),
        ]
    );

    let share_events: Vec<RigSharesEvents> = logs(&op, pool)
        .await
        .into_iter()
        .filter(|e: &RigSharesEvents| !matches!(e, RigSharesEvents::RoleGrantedFilter(_)))
        .collect();
    let adopted = |splitter| RigSharesEvents::RevenueSplitterSetFilter(RevenueSplitterSetFilter { splitter });
    let moved = |from, to, n| RigSharesEvents::TransferFilter(rig_shares::TransferFilter { from, to, value: shares(n) });
    let deposited = |id: u64| RigSharesEvents::DeedDepositedFilter(DeedDepositedFilter { token_id: id.into(), from: me, operator: me });
    assert_eq!(
        share_events,
        [
            moved(Address::zero(), me, 1_000_000),
            adopted(splitter),
            deposited(1),
            deposited(2),
            moved(me, a(INV1), 450_000),
            moved(me, a(INV2), 300_000),
            adopted(token_splitter),
            moved(a(INV1), a(INV2), 150_000),
        ]
    );

    // Both splitters: bound to the supply, payees, the waterfall of each deposit, every claim.
    let bound = RevenueSplitterEvents::SharesBoundFilter(SharesBoundFilter { share_token: pool, total_supply: shares(1_000_000) });
    let waterfall = RevenueSplitterEvents::PayeesUpdatedFilter(PayeesUpdatedFilter { accounts: vec![a(HOSTING), a(FEE)], bps: vec![1_000, 500] });
    let credited = |i, v: U256| RevenueSplitterEvents::PayeeCreditedFilter(PayeeCreditedFilter { payee: a(i), amount: v });
    let revenue = |amount: U256, holders: U256, payees: U256| {
        RevenueSplitterEvents::RevenueDepositedFilter(RevenueDepositedFilter { from: a(MINER), amount, to_holders: holders, to_payees: payees })
    };
    let claims = |m: &BTreeMap<usize, U256>| {
        [OP, INV1, INV2, HOSTING, FEE].map(|i| RevenueSplitterEvents::ClaimedFilter(ClaimedFilter { account: a(i), recipient: a(i), amount: m[&i] }))
    };
    let mut want = vec![
        bound.clone(),
        waterfall.clone(),
        credited(HOSTING, eth("0.2")),
        credited(FEE, eth("0.1")),
        revenue(eth("2"), eth("1.7"), eth("0.3")),
        credited(HOSTING, eth("0.1")),
        credited(FEE, eth("0.05")),
        revenue(eth("1"), eth("0.85"), eth("0.15")),
    ];
    want.extend(claims(&expected));
    assert_eq!(splitter_events(&op, splitter).await, want, "the ETH splitter");
    let u = |v: u64| U256::from(v);
    let mut want = vec![
        bound,
        waterfall,
        credited(HOSTING, u(5_000_000)),
        credited(FEE, u(2_500_000)),
        revenue(half_btc, u(42_500_000), u(7_500_000)),
    ];
    want.extend(claims(&expected_btc));
    assert_eq!(splitter_events(&op, token_splitter).await, want, "the dWBTC splitter");

    // The token: minted to the miner, deposited, paid out by the claims.
    let token_events: Vec<DemoTokenEvents> = logs(&op, dwbtc)
        .await
        .into_iter()
        .filter(|e: &DemoTokenEvents| !matches!(e, DemoTokenEvents::RoleGrantedFilter(_) | DemoTokenEvents::ApprovalFilter(_)))
        .collect();
    let moved = |from, to, value| DemoTokenEvents::TransferFilter(demo_token::TransferFilter { from, to, value });
    let mut want = vec![
        moved(Address::zero(), a(MINER), half_btc),
        DemoTokenEvents::MintFilter(MintFilter { to: a(MINER), amount: half_btc }),
        moved(a(MINER), token_splitter, half_btc),
    ];
    want.extend([OP, INV1, INV2, HOSTING, FEE].map(|i| moved(token_splitter, a(i), expected_btc[&i])));
    assert_eq!(token_events, want);
}

async fn splitter_events(s: &Session, splitter: Address) -> Vec<RevenueSplitterEvents> {
    logs(s, splitter).await.into_iter().filter(|e: &RevenueSplitterEvents| !matches!(e, RevenueSplitterEvents::RoleGrantedFilter(_))).collect()
}

/// Every event `address` emitted, decoded, in chain order.
async fn logs<E: EthLogDecode>(s: &Session, address: Address) -> Vec<E> {
    let filter = Filter::new().address(address).from_block(0u64);
    s.client
        .get_logs(&filter)
        .await
        .unwrap()
        .into_iter()
        .map(|l| E::decode_log(&l.into()).unwrap_or_else(|e| panic!("undecodable log of {address:?}: {e}")))
        .collect()
}

/// Fees (gas used x effective price) paid per sender in every block from `from`.
async fn fees_by_sender(s: &Session, from: u64) -> BTreeMap<Address, U256> {
    let latest = s.client.get_block_number().await.unwrap().as_u64();
    let mut fees = BTreeMap::new();
    for n in from..=latest {
        let block = s.client.get_block_with_txs(n).await.unwrap().unwrap();
        for tx in block.transactions {
            let r = s.client.get_transaction_receipt(tx.hash).await.unwrap().unwrap();
            let paid = r.gas_used.unwrap() * r.effective_gas_price.unwrap();
            *fees.entry(tx.from).or_insert_with(U256::zero) += paid;
        }
    }
    fees
}
