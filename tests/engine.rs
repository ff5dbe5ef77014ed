//! The compiled rigshare contracts on the dev node's engine: deployed through StylusDeployer,
//! activated under Nitro's rules, and driven with signed transactions.

use alloy_primitives::{keccak256, Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue};
use devnode::engine::{
    chain::CallRequest,
    precompiles::{ArbWasm, ARB_WASM},
};
use rigshare_e2e::*;

struct System {
    chain: Chain,
    deed: Address,
    shares: Address,
    splitter: Address,
}

const SUPPLY: u128 = 1_000_000 * ETH;

fn system() -> System {
    let mut chain = Chain::new();
    let admin = chain.dev_address();
    let deed = chain.deploy_deed();
    let shares = chain.deploy_shares("Pool Shares", "POOL", U256::from(SUPPLY), admin, deed, admin);
    let splitter = chain.deploy_splitter(shares, Address::ZERO, 0u64, admin);
    let dev = chain.dev.clone();
    chain.exec(&dev, shares, RigShares::setRevenueSplitterCall { splitter });
    System { chain, deed, shares, splitter }
}

#[test]
fn deploys_wires_and_splits_revenue_end_to_end() {
    let System { mut chain, deed, shares, splitter } = system();
    let dev = chain.dev.clone();
    let admin = chain.dev_address();
    let alice = account(1);
    let alice_address = address_of(&alice);
    chain.fund(alice_address, U256::from(ETH));

    // The deployed code is what was built, and ArbWasm knows it.
    assert_eq!(chain.engine.state().code(&shares).to_vec(), stored_code("rig-shares"));
    let version = chain.view(ARB_WASM, ArbWasm::programVersionCall { program: shares }).version;
    assert_eq!(version, chain.engine.params().version);

    // An operator tokenizes a rig.
    let operator_role = keccak256("OPERATOR_ROLE");
    chain.exec(&dev, deed, RigDeed::grantRoleCall { role: operator_role, account: admin });
    let mint = chain.exec(
        &dev,
        deed,
        RigDeed::mintCall {
            to: admin,
            model: "Antminer S21".into(),
            hashrateGhs: 200_000,
            powerWatts: 3_500,
            site: "Kemi, FI".into(),
            serialHash: keccak256("S21-0001"),
            kind: 0,
        },
    );
    assert!(mint.gas_used > 21_000);
    assert!(mint.logs.iter().any(|log| log.address == deed));
    assert_eq!(chain.view(deed, RigDeed::ownerOfCall { tokenId: U256::from(1) })._0, admin);
    let uri = chain.view(deed, RigDeed::tokenURICall { tokenId: U256::from(1) })._0;
    assert_rig_card(&uri, &["Rig Deed #1", "Antminer S21", "Equipment", "Active", "200.000 TH/s", "3500 W", "17.50 J/TH", "Kemi, FI"]);

    // Half the shares move to Alice: the token reports it to the splitter in the same call.
    let transfer = chain.exec(
        &dev,
        shares,
        RigShares::transferCall { to: alice_address, value: U256::from(SUPPLY / 2) },
    );
    let transfer_topic = keccak256("Transfer(address,address,uint256)");
    assert!(transfer.logs.iter().any(|l| l.address == shares && l.topics[0] == transfer_topic));
    assert_eq!(
        chain.view(shares, RigShares::balanceOfCall { account: alice_address })._0,
        U256::from(SUPPLY / 2)
    );

    // One ETH of revenue: each holder can claim half, exactly.
    chain.exec_value(&dev, splitter, U256::from(ETH), RevenueSplitter::depositEthCall {});
    let claimable = chain.view(splitter, RevenueSplitter::claimableCall { account: alice_address })._0;
    assert_eq!(claimable, U256::from(ETH / 2));
    let before = chain.balance(alice_address);
    let claim = chain.exec(&alice, splitter, RevenueSplitter::claimCall {});
    let fee = U256::from(claim.gas_used) * U256::from(claim.effective_gas_price);
    assert_eq!(chain.balance(alice_address), before + U256::from(ETH / 2) - fee);
    assert_eq!(chain.balance(splitter), U256::from(ETH / 2));
}

/// RigShares' main module routes transfers, mints, burns and deposits; every other function
/// is its extension module's, run by delegatecall in the share token's storage: called at the
/// share token's address, with the caller as sender, its events logged by the share token.
#[test]
fn the_share_tokens_other_functions_run_in_its_storage_through_the_extension() {
    let System { mut chain, shares, .. } = system();
    let dev = chain.dev.clone();
    let admin = chain.dev_address();
    let extension = chain.view(shares, RigShares::extensionCall {})._0;
    assert!(!extension.is_zero());
    assert_ne!(chain.engine.state().code(&extension), chain.engine.state().code(&shares), "two modules");
    let admin_role = alloy_primitives::B256::ZERO;
    assert!(chain.view(shares, RigShares::hasRoleCall { role: admin_role, account: admin })._0);

    let receipt = chain.exec(&dev, shares, RigShares::setComplianceModeCall { enabled: true });
    assert_eq!(receipt.logs.len(), 1);
    assert_eq!(receipt.logs[0].address, shares, "the share token logs it");
    assert_eq!(receipt.logs[0].topics[0], RigShares::ComplianceModeSet::SIGNATURE_HASH);
    assert!(chain.view(shares, RigShares::complianceModeCall {})._0);

    // The module itself holds nothing: no roles, no pool state of its own.
    let on_module = |chain: &mut Chain, input: Vec<u8>| {
        chain.engine.call(&CallRequest { to: Some(extension), input: input.into(), ..CallRequest::default() }).result.output
    };
    let has_role = RigShares::hasRoleCall { role: admin_role, account: admin };
    assert_eq!(on_module(&mut chain, has_role.abi_encode()).to_vec(), false.abi_encode());
    assert_eq!(on_module(&mut chain, RigShares::complianceModeCall {}.abi_encode()).to_vec(), false.abi_encode());

    // An account without the role is refused with the share token's typed error.
    let nobody = account(9);
    chain.fund(address_of(&nobody), U256::from(ETH));
    let refused = chain.send_with_gas(&nobody, Some(shares), U256::ZERO, RigShares::setComplianceModeCall { enabled: false }.abi_encode().into(), 500_000);
    assert!(!refused.status);
    let expected = RigShares::AccessControlUnauthorizedAccount { _0: address_of(&nobody), _1: admin_role };
    assert_eq!(refused.output.to_vec(), expected.abi_encode());
    assert!(chain.view(shares, RigShares::complianceModeCall {})._0);

    // Value sent to a function that takes none, ETH sent without a call, and an unknown
    // selector all revert (the last two with no data), and no ETH stays in the pool.
    let one_wei = U256::from(1);
    let with_value = chain.send_with_gas(&dev, Some(shares), one_wei, RigShares::setComplianceModeCall { enabled: false }.abi_encode().into(), 500_000);
    assert!(!with_value.status);
    let plain = chain.send_with_gas(&dev, Some(shares), one_wei, Bytes::new(), 500_000);
    assert!(!plain.status && plain.output.is_empty(), "{plain:?}");
    let unknown = chain.send_with_gas(&dev, Some(shares), U256::ZERO, Bytes::from(vec![0xde, 0xad, 0xbe, 0xef]), 500_000);
    assert!(!unknown.status && unknown.output.is_empty(), "{unknown:?}");
    assert_eq!(chain.balance(shares), U256::ZERO);
    assert!(chain.view(shares, RigShares::complianceModeCall {})._0);
}

#[test]
fn a_custom_error_comes_back_as_revert_data_and_changes_nothing() {
    let System { mut chain, shares, .. } = system();
    let nobody = account(9);
    chain.fund(address_of(&nobody), U256::from(ETH));
    let before = chain.engine.state().snapshot();
    let call = RigShares::transferCall { to: chain.dev_address(), value: U256::from(1) };
    let output = chain.engine.call(&CallRequest {
        from: address_of(&nobody),
        to: Some(shares),
        input: call.abi_encode().into(),
        ..CallRequest::default()
    });
    assert!(!output.success());
    let expected = RigShares::ERC20InsufficientBalance {
        _0: address_of(&nobody),
        _1: U256::ZERO,
        _2: U256::from(1),
    };
    assert_eq!(output.result.output.to_vec(), expected.abi_encode());
    assert_eq!(chain.engine.state().snapshot(), before, "eth_call leaves no trace");

    let receipt = chain.send_with_gas(&nobody, Some(shares), U256::ZERO, call.abi_encode().into(), 500_000);
    assert!(!receipt.status);
    assert_eq!(receipt.output.to_vec(), expected.abi_encode());
    assert!(receipt.logs.is_empty());
}

#[test]
fn calling_code_that_is_not_activated_fails_and_uses_all_gas() {
    let mut chain = Chain::new();
    let dev = chain.dev.clone();
    // Plain CREATE of the Stylus init code: deployed, but never activated.
    let init = devnode::engine::code::init_code(&stored_code("revenue-splitter"));
    let receipt = chain.send(&dev, None, U256::ZERO, init.into());
    assert!(receipt.status);
    let program = receipt.contract_address.expect("created");

    let call = RevenueSplitter::totalsCall {};
    let receipt = chain.send_with_gas(&dev, Some(program), U256::ZERO, call.abi_encode().into(), 300_000);
    assert!(!receipt.status);
    assert_eq!(receipt.gas_used, 300_000, "not activated consumes all gas");
    assert!(receipt.output.is_empty());

    // ArbWasm says why, with Nitro's error.
    let output = chain.engine.call(&CallRequest {
        to: Some(ARB_WASM),
        input: ArbWasm::programVersionCall { program }.abi_encode().into(),
        ..CallRequest::default()
    });
    assert_eq!(output.result.output.to_vec(), ArbWasm::ProgramNotActivated {}.abi_encode());

    // Activating it with too little value is refused with the fee wanted.
    let activate = ArbWasm::activateProgramCall { program };
    let output = chain.engine.call(&CallRequest {
        from: chain.dev_address(),
        to: Some(ARB_WASM),
        input: activate.abi_encode().into(),
        ..CallRequest::default()
    });
    let error = ArbWasm::ProgramInsufficientValue::abi_decode(&output.result.output, true)
        .expect("ProgramInsufficientValue");
    assert_eq!(error.have, U256::ZERO);
    assert!(error.want > U256::ZERO);

    // Paying it activates; the excess comes back; a second activation is up to date.
    let before = chain.balance(chain.dev_address());
    let receipt = chain.exec_value(&dev, ARB_WASM, U256::from(ETH), activate.clone());
    let event = receipt.logs.iter().find(|l| l.address == ARB_WASM).expect("ProgramActivated");
    assert_eq!(event.topics[0], ArbWasm::ProgramActivated::SIGNATURE_HASH);
    let gas_cost = U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price);
    assert_eq!(chain.balance(chain.dev_address()), before - gas_cost - error.want);
    let again = chain.send_with_gas(&dev, Some(ARB_WASM), U256::ZERO, activate.abi_encode().into(), 5_000_000);
    assert_eq!(again.output.to_vec(), ArbWasm::ProgramUpToDate {}.abi_encode());
}

/// EVM init code runs beside Stylus (the EVM side is tested in devnode/tests/evm.rs); a
/// failing one is named with geth's reason and uses all its gas.
#[test]
fn evm_init_code_runs_and_its_failures_are_named() {
    let mut chain = Chain::new();
    let dev = chain.dev.clone();
    // PUSH1 0 PUSH1 0 RETURN: a contract with empty code.
    let receipt = chain.send_with_gas(&dev, None, U256::ZERO, Bytes::from_static(&[0x60, 0, 0x60, 0, 0xf3]), 100_000);
    assert!(receipt.status, "{:?}", receipt.failure);
    let created = receipt.contract_address.expect("created");
    assert!(chain.engine.state().code(&created).is_empty());
    // INVALID.
    let receipt = chain.send_with_gas(&dev, None, U256::ZERO, Bytes::from_static(&[0xfe]), 100_000);
    assert!(!receipt.status);
    assert_eq!(receipt.failure.as_deref(), Some("invalid opcode"));
    assert_eq!(receipt.gas_used, 100_000);
}

/// Functions with several return values holding strings or arrays are encoded as Solidity
/// encodes them (stylus-sdk 0.9 alone adds a leading offset word; see rigshare_common's
/// `Outputs`): alloy's strict decoder reads them, and the raw bytes start with the first head.
#[test]
fn multi_value_returns_decode_with_a_standard_abi_decoder() {
    let System { mut chain, deed, shares, splitter } = system();
    let dev = chain.dev.clone();
    let admin = chain.dev_address();
    chain.exec(&dev, deed, RigDeed::grantRoleCall { role: keccak256("OPERATOR_ROLE"), account: admin });
    chain.exec(
        &dev,
        deed,
        RigDeed::mintCall {
            to: admin,
            model: "Whatsminer M60S".into(),
            hashrateGhs: 186_000,
            powerWatts: 3_422,
            site: "Kemi, FI".into(),
            serialHash: keccak256("M60S-7"),
            kind: 1,
        },
    );
    let rig = chain.view(deed, RigDeed::rigCall { tokenId: U256::from(1) });
    assert_eq!((rig.model.as_str(), rig.hashrateGhs, rig.powerWatts, rig.site.as_str(), rig.kind), ("Whatsminer M60S", 186_000, 3_422, "Kemi, FI", 1));
    let raw = |chain: &mut Chain, to: Address, input: Vec<u8>| {
        let out = chain.engine.call(&CallRequest { to: Some(to), input: input.into(), ..CallRequest::default() });
        assert!(out.success());
        out.result.output.to_vec()
    };
    // Head of `rig`: the offset of `model` is 9 words, not 32 (a wrapped tuple).
    let head = raw(&mut chain, deed, RigDeed::rigCall { tokenId: U256::from(1) }.abi_encode());
    assert_eq!(U256::from_be_slice(&head[..32]), U256::from(9 * 32));

    let (hosting, operator) = (Address::with_last_byte(0xa1), Address::with_last_byte(0xa2));
    chain.exec(&dev, splitter, RevenueSplitter::setPayeesCall { accounts: vec![hosting, operator], bps: vec![1_000, 500] });
    let payees = chain.view(splitter, RevenueSplitter::payeesCall {});
    assert_eq!((payees.accounts, payees.bps), (vec![hosting, operator], vec![1_000, 500]));
    let head = raw(&mut chain, splitter, RevenueSplitter::payeesCall {}.abi_encode());
    assert_eq!(U256::from_be_slice(&head[..32]), U256::from(2 * 32));

    let domain = chain.view(shares, RigShares::eip712DomainCall {});
    assert_eq!((domain.name.as_str(), domain.version.as_str(), domain.verifyingContract), ("Pool Shares", "1", shares));
    assert_eq!(domain.chainId, U256::from(chain.engine.config().chain_id));
    assert_eq!(domain.fields.0, [0x0f]);
}

/// `uri` is metadata JSON whose `image` is a well-formed SVG card showing each of `shown`, as
/// a wallet decodes it (rendered by the RigCard program that RigDeed calls).
fn assert_rig_card(uri: &str, shown: &[&str]) {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let json = b64.decode(uri.strip_prefix("data:application/json;base64,").expect("a JSON data URI")).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json).expect("metadata JSON");
    let image = json["image"].as_str().expect("an image");
    let svg = b64.decode(image.strip_prefix("data:image/svg+xml;base64,").expect("an SVG data URI")).unwrap();
    let svg = String::from_utf8(svg).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let texts: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
    for s in shown {
        assert!(texts.iter().any(|t| t == s), "{s:?} is not on the card: {texts:?}");
    }
}
