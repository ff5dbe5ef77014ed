//! Signing for the node's own accounts over HTTP: eth_sign, personal_sign,
//! eth_signTypedData_v4. Signatures are checked by recovering the signer with alloy's
//! implementation of EIP-191, and the EIP-712 hash against the EIP's own example.

#[path = "support/http.rs"]
mod http;

use alloy_primitives::{b256, hex, PrimitiveSignature, B256};
use devnode::rpc::{self, NodeConfig};
use http::{error, result};
use serde_json::{json, Value};

fn signature(value: &Value) -> PrimitiveSignature {
    let bytes = hex::decode(value.as_str().unwrap()).unwrap();
    assert_eq!(bytes.len(), 65);
    assert!(bytes[64] == 27 || bytes[64] == 28, "v is 27 or 28");
    PrimitiveSignature::try_from(&bytes[..]).unwrap()
}

/// EIP-712's example (the Mail from Cow to Bob).
fn mail() -> Value {
    json!({
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}
            ],
            "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
            "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person"}, {"name": "contents", "type": "string"}]
        },
        "primaryType": "Mail",
        "domain": {"name": "Ether Mail", "version": "1", "chainId": 1, "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
        "message": {
            "from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
            "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
            "contents": "Hello, Bob!"
        }
    })
}

/// The EIP's signing hash for [`mail`].
const MAIL_HASH: B256 = b256!("be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");

#[test]
fn eth_sign_and_personal_sign_are_eip_191() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    for account in [&node.accounts[0], &node.accounts[1]] {
        let address = account.address.to_string();
        let signed = result(&node, "eth_sign", json!([address, "0x68656c6c6f"]));
        assert_eq!(signature(&signed).recover_address_from_msg(b"hello").unwrap(), account.address);
        // personal_sign takes the message first; the signature is the same (RFC 6979).
        assert_eq!(result(&node, "personal_sign", json!(["0x68656c6c6f", address])), signed);
    }
    // The test mnemonic's first account signs "hello" as anvil and hardhat do.
    let anvil0 = result(&node, "eth_sign", json!([node.accounts[1].address.to_string(), "0x68656c6c6f"]));
    assert_eq!(node.accounts[1].address.to_string(), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    assert_eq!(signature(&anvil0).recover_address_from_prehash(&alloy_primitives::eip191_hash_message(b"hello")).unwrap(), node.accounts[1].address);
}

#[test]
fn typed_data_v4() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let account = &node.accounts[1];
    let signed = result(&node, "eth_signTypedData_v4", json!([account.address.to_string(), mail()]));
    assert_eq!(signature(&signed).recover_address_from_prehash(&MAIL_HASH).unwrap(), account.address);
    // MetaMask sends the typed data as a JSON string.
    let as_string = result(&node, "eth_signTypedData_v4", json!([account.address.to_string(), mail().to_string()]));
    assert_eq!(as_string, signed);

    // Arrays and nested structs (v4).
    let group = json!({
        "types": {
            "Person": [{"name": "name", "type": "string"}, {"name": "wallets", "type": "address[]"}],
            "Group": [{"name": "members", "type": "Person[]"}, {"name": "scores", "type": "int8[2]"}, {"name": "tag", "type": "bytes4"}]
        },
        "primaryType": "Group",
        "domain": {"name": "Groups", "chainId": "0x64a7a"},
        "message": {
            "members": [{"name": "a", "wallets": ["0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"]}, {"name": "b", "wallets": []}],
            "scores": [-1, "7"],
            "tag": "0x01020304"
        }
    });
    let signed = result(&node, "eth_signTypedData_v4", json!([account.address.to_string(), group]));
    assert_eq!(signed.as_str().unwrap().len(), 132);
}

#[test]
fn refusals_are_invalid_params() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let stranger = "0x00000000000000000000000000000000000000aa";
    let mine = node.accounts[1].address.to_string();
    for (method, params) in [
        ("eth_sign", json!([stranger, "0x00"])),
        ("personal_sign", json!(["0x00", stranger])),
        ("eth_signTypedData_v4", json!([stranger, mail()])),
    ] {
        let refused = error(&node, method, params);
        assert_eq!((refused["code"].clone(), refused["message"].clone()), (json!(-32602), json!("No Signer available")), "{method}");
    }
    let mut broken = mail();
    broken["message"]["to"]["wallet"] = json!("0x1234");
    for (method, params) in [
        ("eth_sign", json!([mine])),
        ("eth_sign", json!([mine, "hello"])),
        ("personal_sign", json!([mine, "0x00"])),
        ("eth_signTypedData_v4", json!([mine, 5])),
        ("eth_signTypedData_v4", json!([mine, "{not json"])),
        ("eth_signTypedData_v4", json!([mine, broken])),
        ("eth_signTypedData_v4", json!([mine, {"types": {}, "primaryType": "Mail", "domain": {}, "message": {}}])),
    ] {
        assert_eq!(error(&node, method, params.clone())["code"], -32602, "{method} {params}");
    }
}
