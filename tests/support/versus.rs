//! Side by side on one dev node: what a user pays (receipt gasUsed) for rigshare's Stylus
//! contracts and for the OpenZeppelin Solidity contracts a user would otherwise deploy, the
//! Stylus ones as deployed and with every program cached (ArbWasmCache). The Solidity
//! contracts are compiled from the pinned packages (support/solidity.rs), OpenZeppelin 5.4
//! for the tokens and 4.9.6 for PaymentSplitter (removed from 5.x).

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolValue};
use k256::ecdsa::SigningKey;

use crate::{account, address_of, gas::cache_program, solidity, Chain, RevenueSplitter, RigDeed, RigShares, ETH};

sol! {
    interface IPermit {
        function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;
        function nonces(address owner) external view returns (uint256);
        function DOMAIN_SEPARATOR() external view returns (bytes32);
    }
    interface IOzDeed {
        function mint(address to, uint256 tokenId) external;
        function transferFrom(address from, address to, uint256 tokenId) external;
    }
    interface IPaymentSplitter {
        function release(address account) external;
    }
}

/// The OpenZeppelin contracts measured: an ERC-20 with permit, an ERC-721 and a payment
/// splitter with the same payee split as rigshare's measured splitter.
pub const OZ_SOURCE: &str = r#"
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {PaymentSplitter} from "@openzeppelin/contracts-v4/finance/PaymentSplitter.sol";

contract OzToken is ERC20Permit {
    constructor(uint256 supply) ERC20("OZ Token", "OZT") ERC20Permit("OZ Token") { _mint(msg.sender, supply); }
}

contract OzDeed is ERC721 {
    constructor() ERC721("OZ Deed", "OZD") {}
    function mint(address to, uint256 tokenId) external { _mint(to, tokenId); }
}

contract OzSplitter is PaymentSplitter {
    constructor(address[] memory payees, uint256[] memory shares_) PaymentSplitter(payees, shares_) {}
}
"#;

/// One operation: gas on rigshare's contract, uncached and cached, and on the Solidity one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersusRow {
    pub operation: &'static str,
    pub rigshare: u64,
    pub rigshare_cached: u64,
    pub solidity: u64,
    pub solidity_contract: &'static str,
}

const SUPPLY: u128 = 1_000_000 * ETH;
const GAS: u64 = 2_000_000;

fn run(chain: &mut Chain, from: &SigningKey, to: Address, value: U256, call: impl SolCall) -> u64 {
    let receipt = chain.send_with_gas(from, Some(to), value, call.abi_encode().into(), GAS);
    assert!(receipt.status, "failed: {:?} {}", receipt.failure, receipt.output);
    receipt.gas_used
}

/// An EIP-2612 permit signed by `owner` for `spender`, as a wallet signs it.
fn permit(chain: &mut Chain, token: Address, owner: &SigningKey, spender: Address, value: U256) -> IPermit::permitCall {
    let owner_address = address_of(owner);
    let nonce = chain.view(token, IPermit::noncesCall { owner: owner_address })._0;
    let domain = chain.view(token, IPermit::DOMAIN_SEPARATORCall {})._0;
    let deadline = U256::MAX;
    let typehash = keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    let digest_struct = keccak256((typehash, owner_address, spender, value, nonce, deadline).abi_encode());
    let digest = keccak256([&[0x19, 0x01][..], domain.as_slice(), digest_struct.as_slice()].concat());
    let (signature, recovery) = owner.sign_prehash_recoverable(digest.as_slice()).expect("signs");
    let bytes = signature.to_bytes();
    IPermit::permitCall {
        owner: owner_address,
        spender,
        value,
        deadline,
        v: 27 + recovery.to_byte(),
        r: B256::from_slice(&bytes[..32]),
        s: B256::from_slice(&bytes[32..]),
    }
}

/// rigshare's side, on a fresh chain, every program cached first if `cached`: ERC-20 transfer
/// to a new holder (with the splitter checkpoint), approve, permit, ERC-721 mint and transfer,
/// revenue deposit (ETH) and claim.
fn rigshare(cached: bool) -> [u64; 7] {
    let mut chain = Chain::new();
    let (dev, me) = (chain.dev.clone(), chain.dev_address());
    let (deed, shares) = chain.deploy_pool(U256::from(SUPPLY));
    let splitter = chain.deploy_splitter(shares, Address::ZERO, 0u64, me);
    if cached {
        let card = chain.view(deed, RigDeed::descriptorCall {})._0;
        for program in [deed, card, shares, splitter] {
            cache_program(&mut chain, program);
        }
    }
    run(&mut chain, &dev, shares, U256::ZERO, RigShares::setRevenueSplitterCall { splitter });
    run(&mut chain, &dev, splitter, U256::ZERO, RevenueSplitter::setPayeesCall {
        accounts: vec![Address::with_last_byte(0xa1), Address::with_last_byte(0xa2)],
        bps: vec![1_000, 500],
    });
    run(&mut chain, &dev, deed, U256::ZERO, RigDeed::grantRoleCall { role: keccak256("OPERATOR_ROLE"), account: me });
    let [holder, other] = [account(1), account(2)];
    chain.fund(address_of(&holder), U256::from(ETH));
    run(&mut chain, &dev, shares, U256::ZERO, RigShares::transferCall { to: address_of(&holder), value: U256::from(ETH) });
    run(&mut chain, &dev, splitter, U256::from(ETH / 100), RevenueSplitter::depositEthCall {});

    let transfer = run(&mut chain, &holder, shares, U256::ZERO, RigShares::transferCall { to: address_of(&other), value: U256::from(ETH / 2) });
    let approve = run(&mut chain, &holder, shares, U256::ZERO, RigShares::approveCall { spender: me, value: U256::from(ETH) });
    let call = permit(&mut chain, shares, &holder, Address::with_last_byte(0x77), U256::from(ETH));
    let permit = run(&mut chain, &dev, shares, U256::ZERO, call);
    let mint = run(&mut chain, &dev, deed, U256::ZERO, RigDeed::mintCall {
        to: me,
        model: "Antminer S21".into(),
        hashrateGhs: 200_000,
        powerWatts: 3_500,
        site: "Rockdale, TX".into(),
        serialHash: keccak256("versus"),
        kind: 0,
    });
    let id = chain.view(deed, RigDeed::totalSupplyCall {})._0;
    let nft_transfer = run(&mut chain, &dev, deed, U256::ZERO, RigDeed::transferFromCall { from: me, to: address_of(&other), tokenId: id });
    let deposit = run(&mut chain, &dev, splitter, U256::from(ETH / 100), RevenueSplitter::depositEthCall {});
    let claim = run(&mut chain, &holder, splitter, U256::ZERO, RevenueSplitter::claimCall {});
    [transfer, approve, permit, mint, nft_transfer, deposit, claim]
}

/// OpenZeppelin's side on a fresh chain, the same operations in the same order.
fn openzeppelin() -> [u64; 7] {
    let mut chain = Chain::new();
    let (dev, me) = (chain.dev.clone(), chain.dev_address());
    let token = chain.deploy_evm(&solidity::compile(OZ_SOURCE, "OzToken"), &U256::from(SUPPLY).abi_encode());
    let nft = chain.deploy_evm(&solidity::compile(OZ_SOURCE, "OzDeed"), &[]);
    let payees = vec![Address::with_last_byte(0xa1), Address::with_last_byte(0xa2)];
    let [holder, other] = [account(1), account(2)];
    chain.fund(address_of(&holder), U256::from(ETH));
    let mut split_payees = payees.clone();
    split_payees.push(address_of(&holder));
    let shares = vec![U256::from(1_000), U256::from(500), U256::from(8_500)];
    let splitter = chain.deploy_evm(&solidity::compile(OZ_SOURCE, "OzSplitter"), &(split_payees, shares).abi_encode_params());
    run(&mut chain, &dev, token, U256::ZERO, RigShares::transferCall { to: address_of(&holder), value: U256::from(ETH) });
    chain.fund(splitter, U256::from(ETH / 100));

    let transfer = run(&mut chain, &holder, token, U256::ZERO, RigShares::transferCall { to: address_of(&other), value: U256::from(ETH / 2) });
    let approve = run(&mut chain, &holder, token, U256::ZERO, RigShares::approveCall { spender: me, value: U256::from(ETH) });
    let call = permit(&mut chain, token, &holder, Address::with_last_byte(0x77), U256::from(ETH));
    let permit = run(&mut chain, &dev, token, U256::ZERO, call);
    let mint = run(&mut chain, &dev, nft, U256::ZERO, IOzDeed::mintCall { to: me, tokenId: U256::from(1) });
    let nft_transfer = run(&mut chain, &dev, nft, U256::ZERO, IOzDeed::transferFromCall { from: me, to: address_of(&other), tokenId: U256::from(1) });
    let receipt = chain.send_with_gas(&dev, Some(splitter), U256::from(ETH / 100), Default::default(), GAS);
    assert!(receipt.status);
    let deposit = receipt.gas_used;
    let claim = run(&mut chain, &holder, splitter, U256::ZERO, IPaymentSplitter::releaseCall { account: address_of(&holder) });
    [transfer, approve, permit, mint, nft_transfer, deposit, claim]
}

/// Every row, or `None` when the npm packages are not installed.
pub fn measure() -> Option<Vec<VersusRow>> {
    solidity::node_modules()?;
    let (plain, cached, oz) = (rigshare(false), rigshare(true), openzeppelin());
    let names: [(&str, &str); 7] = [
        ("ERC-20 transfer to a new holder", "ERC20Permit (5.4)"),
        ("ERC-20 approve", "ERC20Permit (5.4)"),
        ("ERC-2612 permit (sent by a relayer)", "ERC20Permit (5.4)"),
        ("ERC-721 mint", "ERC721 (5.4)"),
        ("ERC-721 transfer", "ERC721 (5.4)"),
        ("revenue deposit (ETH)", "PaymentSplitter (4.9.6): plain ETH receive"),
        ("revenue claim", "PaymentSplitter (4.9.6): release(account)"),
    ];
    Some(
        names
            .iter()
            .enumerate()
            .map(|(i, (operation, contract))| VersusRow {
                operation,
                rigshare: plain[i],
                rigshare_cached: cached[i],
                solidity: oz[i],
                solidity_contract: contract,
            })
            .collect(),
    )
}

pub fn markdown(rows: &[VersusRow]) -> String {
    let mut out = String::from(
        "| operation | rigshare (Stylus) | rigshare, cached | OpenZeppelin (Solidity) | Solidity contract |\n|---|---:|---:|---:|---|\n",
    );
    for r in rows {
        out += &format!(
            "| {} | {} | {} | {} | {} |\n",
            r.operation, r.rigshare, r.rigshare_cached, r.solidity, r.solidity_contract
        );
    }
    out
}
