//! eth_createAccessList over HTTP: what a Stylus call touches, geth's exclusions, the gas with
//! the list, failures in `error`, and bad parameters.

#[path = "support/http.rs"]
mod http;

use alloy_primitives::U256;
use devnode::{
    engine::tx::TxKind,
    rpc::{self, NodeConfig},
};
use http::{deploy_logger, error, result, sign};
use serde_json::{json, Value};

#[test]
fn the_list_of_a_stylus_call() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let program = deploy_logger(&node);
    let from = node.accounts[0].address.to_string();
    let call = json!({"from": from, "to": program.to_string(), "data": format!("0x{}", "07".repeat(32))});
    let created = result(&node, "eth_createAccessList", json!([call, "latest"]));
    // The program's slot 0 is listed (with the program, although it is the recipient); the
    // sender and precompiles are not.
    assert_eq!(
        created["accessList"],
        json!([{"address": alloy_primitives::hex::encode_prefixed(program), "storageKeys": [format!("0x{}", "00".repeat(32))]}])
    );
    assert!(created.get("error").is_none(), "{created}");
    let gas_used = u64::from_str_radix(created["gasUsed"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    assert!(gas_used > 21_000 + 2_400 + 1_900, "the list's intrinsic cost is included: {gas_used}");

    // The list is a fixed point: given back, it comes back unchanged.
    let mut with_list = call.clone();
    with_list["accessList"] = created["accessList"].clone();
    assert_eq!(result(&node, "eth_createAccessList", json!([with_list]))["accessList"], created["accessList"]);
    // A caller's extra entries stay on the list.
    let extra = "0x00000000000000000000000000000000000000ee";
    with_list["accessList"] = json!([{"address": extra, "storageKeys": []}]);
    let listed = result(&node, "eth_createAccessList", json!([with_list]));
    let addresses: Vec<&Value> = listed["accessList"].as_array().unwrap().iter().map(|item| &item["address"]).collect();
    assert!(addresses.iter().any(|a| a.as_str().unwrap().eq_ignore_ascii_case(extra)), "{listed}");

    // A transaction with the list and exactly that gas succeeds.
    let raw = sign(&node, 0, TxKind::Call(program), U256::ZERO, vec![7u8; 32], gas_used, 1);
    let hash = result(&node, "eth_sendRawTransaction", json!([raw]));
    assert_eq!(result(&node, "eth_getTransactionReceipt", json!([hash]))["status"], "0x1");

    // A plain transfer touches nothing but sender and recipient.
    let transfer = json!({"from": from, "to": "0x00000000000000000000000000000000000000aa", "value": "0x1"});
    let plain = result(&node, "eth_createAccessList", json!([transfer]));
    assert_eq!(plain, json!({"accessList": [], "gasUsed": "0x5208"}));
}

#[test]
fn failures_are_reported_in_the_result() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let program = deploy_logger(&node);
    // A one-byte call makes the logger revert with that byte.
    let reverted = result(&node, "eth_createAccessList", json!([{"to": program.to_string(), "data": "0x09"}]));
    assert_eq!(reverted["error"], "execution reverted", "{reverted}");
    assert!(reverted["accessList"].is_array());

    for params in [json!([]), json!(["0x00"]), json!([{"to": "0x12"}]), json!([{}, "soon"]), json!([{}, "latest", 5])] {
        assert_eq!(error(&node, "eth_createAccessList", params.clone())["code"], -32602, "{params}");
    }
    // At genesis the program did not exist yet: the same call runs no code and succeeds.
    let genesis = result(&node, "eth_createAccessList", json!([{"to": program.to_string(), "data": "0x09"}, "0x0"]));
    assert!(genesis.get("error").is_none(), "{genesis}");
    // A block the chain does not have.
    assert_eq!(error(&node, "eth_createAccessList", json!([{}, "0x99"]))["code"], -32000);
}
