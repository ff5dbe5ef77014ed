//! Acceptance: ethers-rs, a client nobody here wrote, against the dev node over HTTP. It
//! deploys the compiled rigshare contracts through StylusDeployer, calls them through
//! bindings generated from abi/, reads their events and waits for receipts.

use std::{sync::Arc, time::Duration};

use devnode::rpc::{self, NodeConfig};
use ethers::{
    abi::Token,
    prelude::*,
    utils::keccak256,
};
use rigshare_e2e::{stored_code, CHAIN_ID, CONSTRUCTOR_SELECTOR, DEV_KEY};

abigen!(RigDeed, "$CARGO_MANIFEST_DIR/../abi/RigDeed.json");
abigen!(RigShares, "$CARGO_MANIFEST_DIR/../abi/RigShares.json");
abigen!(
    StylusDeployer,
    r#"[
        function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address)
        event ContractDeployed(address deployedContract)
    ]"#
);

const DEPLOYER: &str = "0xcEcba2F1DC234f70Dd89F2041029807F8D03A990";

type Client = SignerMiddleware<Provider<Http>, LocalWallet>;

async fn deploy(client: &Arc<Client>, package: &str, args: Vec<Token>) -> Address {
    let deployer = StylusDeployer::new(DEPLOYER.parse::<Address>().unwrap(), client.clone());
    let init_code = devnode::engine::code::init_code(&stored_code(package));
    let mut init_data = CONSTRUCTOR_SELECTOR.to_vec();
    init_data.extend(ethers::abi::encode(&args));
    let call = deployer
        .deploy(init_code.into(), init_data.into(), U256::zero(), [0u8; 32])
        .value(U256::exp10(17));
    let receipt = call.send().await.expect("sent").await.expect("mined").expect("receipt");
    assert_eq!(receipt.status, Some(1.into()), "deploying {package}");
    // The deployer's ContractDeployed(address) log names the new contract.
    let topic = H256::from(keccak256("ContractDeployed(address)"));
    let log = receipt
        .logs
        .iter()
        .find(|log| log.address == deployer.address() && log.topics.first() == Some(&topic))
        .unwrap_or_else(|| panic!("ContractDeployed event in {:#?}", receipt.logs));
    Address::from_slice(&log.data[12..32])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ethers_deploys_calls_and_reads_events_over_http() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let provider = Provider::<Http>::try_from(node.url.as_str()).unwrap().interval(Duration::from_millis(10));
    let chain_id = provider.get_chainid().await.unwrap().as_u64();
    assert_eq!(chain_id, CHAIN_ID);
    let wallet: LocalWallet = LocalWallet::from_bytes(DEV_KEY.as_slice()).unwrap().with_chain_id(chain_id);
    let admin = wallet.address();
    let client = Arc::new(SignerMiddleware::new(provider.clone(), wallet));

    // Each contract's extension module first: its constructor takes the address.
    let deed_extension = deploy(&client, "rig-deed-extension", vec![]).await;
    let deed = deploy(
        &client,
        "rig-deed",
        vec![Token::String("Rig Deed".into()), Token::String("RIG".into()), Token::Address(admin), Token::Address(deed_extension)],
    )
    .await;
    let supply = U256::exp10(24);
    let extension = deploy(&client, "rig-shares-extension", vec![]).await;
    let shares_address = deploy(
        &client,
        "rig-shares",
        vec![
            Token::String("Pool Shares".into()),
            Token::String("POOL".into()),
            Token::Uint(supply),
            Token::Address(admin),
            Token::Address(deed),
            Token::Address(admin),
            Token::Address(extension),
        ],
    )
    .await;
    assert!(!provider.get_code(shares_address, None).await.unwrap().is_empty());

    let shares = RigShares::new(shares_address, client.clone());
    assert_eq!(shares.name().call().await.unwrap(), "Pool Shares");
    assert_eq!(shares.total_supply().call().await.unwrap(), supply);

    let investor: Address = "0x00000000000000000000000000000000000000aa".parse().unwrap();
    let amount = U256::exp10(21);
    let receipt = shares
        .transfer(investor, amount)
        .send()
        .await
        .expect("transfer sent")
        .await
        .expect("mined")
        .expect("receipt");
    assert_eq!(receipt.status, Some(1.into()));
    assert!(receipt.gas_used.unwrap() > U256::from(21_000));
    assert_eq!(shares.balance_of(investor).call().await.unwrap(), amount);

    // Events through eth_getLogs, decoded by the generated bindings.
    let transfers = shares.transfer_filter().from_block(0u64).query().await.unwrap();
    let last = transfers.last().expect("a Transfer event");
    assert_eq!((last.from, last.to, last.value), (admin, investor, amount));

    // A revert surfaces as ethers' contract error with the custom error's data.
    let too_much = shares.transfer(investor, supply * 2).call().await.unwrap_err();
    let revert = too_much.as_revert().expect("revert data").clone();
    assert_eq!(&revert[..4], &keccak256("ERC20InsufficientBalance(address,uint256,uint256)")[..4]);

    // The deed contract answers its ERC-165 and metadata calls through its own bindings.
    let deed = RigDeed::new(deed, client.clone());
    assert_eq!(deed.symbol().call().await.unwrap(), "RIG");
    assert!(deed.supports_interface([0x80, 0xac, 0x58, 0xcd]).call().await.unwrap(), "ERC-721");

    // rig(id) decodes into named fields with a standard decoder: ethers' ABI decoder reading
    // abi/RigDeed.json as a dapp would, and the bindings' return struct.
    let operator = H256::from(keccak256("OPERATOR_ROLE"));
    deed.grant_role(operator.0, admin).send().await.expect("sent").await.expect("mined");
    let serial = keccak256("S21-0001");
    let mint = deed.mint(admin, "Antminer S21".into(), 200_000, 3_500, "Rockdale, TX".into(), serial, 0);
    mint.send().await.expect("mint sent").await.expect("mined").expect("receipt");
    let json = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../abi/RigDeed.json")).unwrap();
    let abi: ethers::abi::Abi = serde_json::from_str(&json).unwrap();
    let rig = abi.function("rig").unwrap();
    assert_eq!(rig.inputs[0].name, "tokenId");
    let input = rig.encode_input(&[Token::Uint(1.into())]).unwrap();
    let tx: ethers::types::transaction::eip2718::TypedTransaction = TransactionRequest::new().to(deed.address()).data(input).into();
    let output = provider.call(&tx, None).await.unwrap();
    let fields: std::collections::BTreeMap<String, Token> =
        rig.outputs.iter().map(|p| p.name.clone()).zip(rig.decode_output(&output).unwrap()).collect();
    let names: Vec<&str> = rig.outputs.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["model", "hashrateGhs", "powerWatts", "site", "serialHash", "kind", "status", "mintedAt", "updatedAt"]);
    assert_eq!(fields["model"], Token::String("Antminer S21".into()));
    assert_eq!(fields["hashrateGhs"], Token::Uint(200_000.into()));
    assert_eq!(fields["powerWatts"], Token::Uint(3_500.into()));
    assert_eq!(fields["site"], Token::String("Rockdale, TX".into()));
    assert_eq!(fields["serialHash"], Token::FixedBytes(serial.to_vec()));
    let record = <RigReturn as ethers::abi::AbiDecode>::decode(&output).unwrap();
    assert_eq!((record.model.as_str(), record.hashrate_ghs, record.power_watts), ("Antminer S21", 200_000, 3_500));
}
