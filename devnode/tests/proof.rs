//! eth_getProof (EIP-1186) over HTTP, each proof checked by a verifier of this test's own (not
//! the node's trie code): from the block's `stateRoot`, every node must hash to the reference
//! its parent holds, and the path of keccak(key) must end at the leaf with the answered value,
//! or leave the trie (an absent account or slot). For an EOA, an absent account, a Stylus
//! program with storage after several blocks, and at a historical block.

#[path = "support/http.rs"]
mod http;

use alloy_primitives::{hex, keccak256, Address, Bytes, B256, U256};
use alloy_rlp::Header;
use devnode::{
    engine::tx::TxKind,
    rpc::{self, NodeConfig, RunningNode},
};
use http::*;
use serde_json::{json, Value};

const EMPTY_ROOT: &str = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";
const EMPTY_CODE_HASH: &str = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";

// ----- the verifier -----

/// The items of an RLP list, each with its own header.
fn list_items(node: &[u8]) -> Vec<&[u8]> {
    let mut buf = node;
    let header = Header::decode(&mut buf).expect("an RLP item");
    assert!(header.list, "a trie node is a list: {}", hex::encode(node));
    assert_eq!(buf.len(), header.payload_length, "nothing after the node");
    let mut items = Vec::new();
    while !buf.is_empty() {
        let start = buf;
        let item = Header::decode(&mut buf).expect("an RLP item");
        let header_length = start.len() - buf.len();
        items.push(&start[..header_length + item.payload_length]);
        buf = &buf[item.payload_length..];
    }
    items
}

/// The bytes of an RLP string.
fn string(item: &[u8]) -> &[u8] {
    let mut buf = item;
    let header = Header::decode(&mut buf).expect("an RLP string");
    assert!(!header.list);
    &buf[..header.payload_length]
}

fn nibbles(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().flat_map(|b| [b >> 4, b & 0x0f]).collect()
}

/// A child reference in a branch or extension: the hash of a node that is its own proof
/// element, or a node short enough to sit inline.
enum Next {
    Hash(B256),
    Inline(Vec<u8>),
}

fn child(item: &[u8]) -> Option<Next> {
    if item == [0x80] {
        None
    } else if item.len() == 33 && item[0] == 0xa0 {
        Some(Next::Hash(B256::from_slice(&item[1..])))
    } else {
        Some(Next::Inline(item.to_vec()))
    }
}

/// Follows keccak(key) from `root` through `proof`; the leaf's value, or `None` if the proof
/// shows the key is not in the trie. Panics on any inconsistency, and if the proof has nodes
/// the path does not use.
fn walk(root: B256, key: &[u8], proof: &[Bytes]) -> Option<Vec<u8>> {
    let path = nibbles(keccak256(key).as_slice());
    let mut position = 0;
    let mut used = 0;
    let mut next = Next::Hash(root);
    let value = loop {
        let node = match next {
            Next::Hash(hash) => {
                let node = proof.get(used).unwrap_or_else(|| {
                    panic!("the proof ends before the path does ({used} nodes)")
                });
                used += 1;
                assert_eq!(
                    keccak256(node),
                    hash,
                    "node {used} does not hash to its reference"
                );
                node.to_vec()
            }
            Next::Inline(node) => node,
        };
        if node == [0x80] {
            // The empty trie.
            break None;
        }
        let items = list_items(&node);
        match items.len() {
            17 => {
                if position == path.len() {
                    break Some(string(items[16]).to_vec());
                }
                match child(items[usize::from(path[position])]) {
                    Some(reference) => {
                        position += 1;
                        next = reference;
                    }
                    None => break None,
                }
            }
            2 => {
                let encoded = nibbles(string(items[0]));
                let flag = encoded[0];
                let partial = if flag & 1 == 1 {
                    &encoded[1..]
                } else {
                    &encoded[2..]
                };
                let rest = &path[position..];
                if flag >= 2 {
                    // A leaf: the key is here only if the rest of the path is the leaf's.
                    break (rest == partial).then(|| string(items[1]).to_vec());
                }
                if !rest.starts_with(partial) {
                    break None;
                }
                position += partial.len();
                next = child(items[1]).expect("an extension has a child");
            }
            n => panic!("a trie node has 2 or 17 items, not {n}"),
        }
    };
    assert_eq!(used, proof.len(), "the proof has nodes off the path");
    value
}

// ----- the node -----

fn quantity(value: &Value) -> U256 {
    U256::from_str_radix(value.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

fn hash(value: &Value) -> B256 {
    value.as_str().unwrap().parse().unwrap()
}

fn nodes(value: &Value) -> Vec<Bytes> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().parse().unwrap())
        .collect()
}

/// eth_getProof at `block`, checked against that block's stateRoot; returns the answer.
fn verified_proof(node: &RunningNode, address: Address, keys: &[B256], block: &str) -> Value {
    let header = result(node, "eth_getBlockByNumber", json!([block, false]));
    let root = hash(&header["stateRoot"]);
    let keys_json: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    let proof = result(
        node,
        "eth_getProof",
        json!([address.to_string(), keys_json, block]),
    );
    assert!(proof["address"]
        .as_str()
        .unwrap()
        .eq_ignore_ascii_case(&address.to_string()));

    match walk(root, address.as_slice(), &nodes(&proof["accountProof"])) {
        Some(leaf) => {
            let fields = list_items(&leaf);
            assert_eq!(fields.len(), 4, "[nonce, balance, storageRoot, codeHash]");
            assert_eq!(
                U256::from_be_slice(string(fields[0])),
                quantity(&proof["nonce"])
            );
            assert_eq!(
                U256::from_be_slice(string(fields[1])),
                quantity(&proof["balance"])
            );
            assert_eq!(
                B256::from_slice(string(fields[2])),
                hash(&proof["storageHash"])
            );
            assert_eq!(
                B256::from_slice(string(fields[3])),
                hash(&proof["codeHash"])
            );
        }
        None => {
            assert_eq!(
                (proof["nonce"].as_str(), proof["balance"].as_str()),
                (Some("0x0"), Some("0x0"))
            );
            assert_eq!(
                (proof["codeHash"].as_str(), proof["storageHash"].as_str()),
                (Some(EMPTY_CODE_HASH), Some(EMPTY_ROOT))
            );
        }
    }

    let storage_root = hash(&proof["storageHash"]);
    let slots = proof["storageProof"].as_array().unwrap();
    assert_eq!(slots.len(), keys.len());
    for (slot, key) in slots.iter().zip(keys) {
        assert_eq!(
            hash(&slot["key"]),
            *key,
            "a 32-byte key comes back as asked"
        );
        let value = walk(storage_root, key.as_slice(), &nodes(&slot["proof"]));
        let proven = value.map_or(U256::ZERO, |v| U256::from_be_slice(string(&v)));
        assert_eq!(proven, quantity(&slot["value"]), "slot {key}");
    }
    proof
}

/// A program that stores its calldata's second word at the slot its first word names.
fn store_wasm() -> Vec<u8> {
    wat::parse_str(
        r#"(module
            (import "vm_hooks" "read_args" (func $read_args (param i32)))
            (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
            (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
            (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param $len i32) (result i32)
                (call $read_args (i32.const 0))
                (call $cache (i32.const 0) (i32.const 32))
                (call $flush (i32.const 0))
                (i32.const 0)))"#,
    )
    .unwrap()
}

fn slot(n: u64) -> B256 {
    B256::from(U256::from(n))
}

/// Sends `key ‖ value` to the program from account 1; returns the block it was mined in.
fn store(node: &RunningNode, program: Address, nonce: &mut u64, key: B256, value: B256) -> u64 {
    let input = [key.as_slice(), value.as_slice()].concat();
    let raw = sign(
        node,
        1,
        TxKind::Call(program),
        U256::ZERO,
        input,
        1_000_000,
        *nonce,
    );
    *nonce += 1;
    let hash = result(node, "eth_sendRawTransaction", json!([raw]));
    let receipt = result(node, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    quantity(&receipt["blockNumber"]).to()
}

#[test]
fn proofs_walk_from_each_blocks_state_root() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let genesis_root =
        result(&node, "eth_getBlockByNumber", json!(["0x0", false]))["stateRoot"].clone();
    let program = deploy_wasm(&node, &store_wasm());
    let mut nonce = 0;
    let mut middle = 0;
    for n in 1..=12u64 {
        let block = store(&node, program, &mut nonce, slot(n), slot(n * 1000));
        if n == 6 {
            middle = block;
        }
    }
    // A slot set to zero leaves the trie; another changes.
    store(&node, program, &mut nonce, slot(2), B256::ZERO);
    store(&node, program, &mut nonce, slot(3), B256::repeat_byte(0xff));
    let fresh = Address::repeat_byte(0x42);
    let raw = sign(
        &node,
        1,
        TxKind::Call(fresh),
        U256::from(5u64),
        Vec::new(),
        21_000,
        nonce,
    );
    result(&node, "eth_sendRawTransaction", json!([raw]));
    let head = quantity(&result(&node, "eth_blockNumber", json!([]))).to::<u64>();
    assert!(head >= 16);

    // An EOA that sent everything, one that only received, one that does not exist.
    let sender = node.accounts[1].address;
    let proof = verified_proof(&node, sender, &[], "latest");
    assert_eq!(proof["nonce"], format!("{:#x}", nonce + 1));
    assert_eq!(
        proof["balance"],
        result(
            &node,
            "eth_getBalance",
            json!([sender.to_string(), "latest"])
        )
    );
    assert_eq!(proof["storageHash"], EMPTY_ROOT);
    assert_eq!(proof["codeHash"], EMPTY_CODE_HASH);
    assert_eq!(
        verified_proof(&node, fresh, &[], "latest")["balance"],
        "0x5"
    );
    let absent = verified_proof(&node, Address::repeat_byte(0x99), &[slot(1)], "latest");
    assert_eq!(absent["storageProof"][0]["value"], "0x0");

    // The program: present, zeroed, changed and never-written slots.
    let keys = [slot(1), slot(2), slot(3), slot(12), slot(200)];
    let latest = verified_proof(&node, program, &keys, "latest");
    let values: Vec<&str> = latest["storageProof"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        values,
        [
            "0x3e8",
            "0x0",
            &format!("{:#x}", U256::MAX)[..],
            "0x2ee0",
            "0x0"
        ]
    );
    let code = result(&node, "eth_getCode", json!([program.to_string(), "latest"]));
    assert_eq!(
        hash(&latest["codeHash"]),
        keccak256(hex::decode(code.as_str().unwrap()).unwrap())
    );
    assert_ne!(latest["storageHash"], EMPTY_ROOT);

    // A historical block: the state as that block left it, against its own root.
    let past = verified_proof(&node, program, &keys, &format!("{middle:#x}"));
    let values: Vec<&str> = past["storageProof"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["0x3e8", "0x7d0", "0xbb8", "0x0", "0x0"]);
    assert_ne!(past["storageHash"], latest["storageHash"]);
    let by_hash = result(
        &node,
        "eth_getBlockByNumber",
        json!([format!("{middle:#x}"), false]),
    )["hash"]
        .clone();
    let by_hash = result(
        &node,
        "eth_getProof",
        json!([program.to_string(), [slot(2).to_string()], {"blockHash": by_hash}]),
    );
    assert_eq!(by_hash["storageProof"][0]["value"], "0x7d0");
    verified_proof(&node, sender, &[], &format!("{:#x}", middle - 1));

    // Every block's root is its state's: blocks that changed the state differ from the one
    // before, and a root does not change once shown.
    let roots: Vec<Value> = (0..=head)
        .map(|n| {
            result(
                &node,
                "eth_getBlockByNumber",
                json!([format!("{n:#x}"), false]),
            )["stateRoot"]
                .clone()
        })
        .collect();
    assert_eq!(roots[0], genesis_root);
    for n in 1..=head as usize {
        assert_ne!(roots[n], roots[n - 1], "block {n} changed the state");
    }
    result(&node, "evm_mine", json!([]));
    let empty = result(&node, "eth_getBlockByNumber", json!(["latest", false]));
    assert_eq!(
        empty["stateRoot"], roots[head as usize],
        "an empty block keeps the root"
    );
    assert_eq!(
        result(
            &node,
            "eth_getBlockByNumber",
            json!([format!("{middle:#x}"), false])
        )["stateRoot"],
        roots[middle as usize]
    );
}

/// Writes made with the test controls after a block was mined are in the latest proof (as
/// anvil), and in the next block's root, not in the mined block's.
#[test]
fn test_controls_show_in_the_latest_state() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let who = Address::repeat_byte(0xab);
    let root = result(&node, "eth_getBlockByNumber", json!(["latest", false]))["stateRoot"].clone();
    result(&node, "anvil_setBalance", json!([who.to_string(), "0x64"]));
    result(
        &node,
        "anvil_setStorageAt",
        json!([who.to_string(), "0x1", slot(7).to_string()]),
    );
    let proof = result(
        &node,
        "eth_getProof",
        json!([who.to_string(), [slot(1).to_string()], "latest"]),
    );
    assert_eq!(
        (
            proof["balance"].as_str(),
            proof["storageProof"][0]["value"].as_str()
        ),
        (Some("0x64"), Some("0x7"))
    );
    assert_eq!(
        result(&node, "eth_getBlockByNumber", json!(["latest", false]))["stateRoot"],
        root
    );
    result(&node, "evm_mine", json!([]));
    let mined = verified_proof(&node, who, &[slot(1)], "latest");
    assert_eq!(mined["storageProof"][0]["value"], "0x7");
    let before = verified_proof(&node, who, &[slot(1)], "0x0");
    assert_eq!(before["balance"], "0x0");
}

#[test]
fn bad_requests_and_missing_blocks() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let me = node.accounts[1].address.to_string();
    let zero_hash = B256::ZERO.to_string();
    let long_key = format!("0x{}", "11".repeat(33));
    for (params, message) in [
        (
            json!(["0x12", [], "latest"]),
            "address: an address is 20 bytes, got 1",
        ),
        (
            json!([me, "0x01", "latest"]),
            "storageKeys: expected an array of storage keys",
        ),
        (
            json!([me, ["0xzz"], "latest"]),
            "storageKeys: invalid hex string",
        ),
        (
            json!([me, ["12"], "latest"]),
            "storageKeys: hex string without 0x prefix",
        ),
        (
            json!([me, [long_key], "latest"]),
            "storageKeys: hex string too long, want at most 32 bytes",
        ),
        (
            json!([me, []]),
            "missing value for required argument 2 (block)",
        ),
        (
            json!([me]),
            "missing value for required argument 1 (storageKeys)",
        ),
        (json!([me, [], "0xzz"]), "block number: invalid hex string"),
    ] {
        let refused = error(&node, "eth_getProof", params.clone());
        assert_eq!(
            (refused["code"].clone(), refused["message"].as_str()),
            (json!(-32602), Some(message)),
            "{params}"
        );
    }
    // The bound on keys, at and past it.
    let keys: Vec<String> = (0..1024u64).map(|n| slot(n).to_string()).collect();
    assert_eq!(
        result(&node, "eth_getProof", json!([me, keys, "latest"]))["storageProof"]
            .as_array()
            .unwrap()
            .len(),
        1024
    );
    let keys: Vec<String> = (0..1025u64).map(|n| slot(n).to_string()).collect();
    let refused = error(&node, "eth_getProof", json!([me, keys, "latest"]));
    assert_eq!(
        (refused["code"].clone(), refused["message"].as_str()),
        (
            json!(-32602),
            Some("storageKeys: at most 1024 keys a call, got 1025")
        )
    );

    // A block the chain does not have: -32001, as for the node's other blocks that must exist.
    for block in [
        json!("0x5"),
        json!(zero_hash),
        json!({"blockHash": zero_hash}),
    ] {
        let missing = error(&node, "eth_getProof", json!([me, [], block]));
        assert_eq!(
            (missing["code"].clone(), missing["message"].as_str()),
            (json!(-32001), Some("Resource not found")),
            "{block}"
        );
    }
    for block in [
        json!("earliest"),
        json!("pending"),
        json!("0x0"),
        json!(null),
    ] {
        result(&node, "eth_getProof", json!([me, [], block]));
    }

    // Keys shorter than 32 bytes are read left-padded and answered as quantities (geth).
    let proof = result(
        &node,
        "eth_getProof",
        json!([me, ["0x1", "0x0001", slot(1).to_string()], "latest"]),
    );
    let keys: Vec<&str> = proof["storageProof"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["0x1", "0x1", &slot(1).to_string()[..]]);
}

/// The verifier is not vacuous: a proof with one byte changed, or checked against another
/// root, is refused.
#[test]
fn the_verifier_refuses_tampered_proofs() {
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let me = node.accounts[1].address;
    let proof = result(&node, "eth_getProof", json!([me.to_string(), [], "latest"]));
    let root = hash(&result(&node, "eth_getBlockByNumber", json!(["latest", false]))["stateRoot"]);
    let good = nodes(&proof["accountProof"]);
    assert!(walk(root, me.as_slice(), &good).is_some());
    let mut tampered = good.clone();
    let last = tampered.last_mut().unwrap();
    let mut bytes = last.to_vec();
    *bytes.last_mut().unwrap() ^= 1;
    *last = bytes.into();
    for (root, proof) in [(root, tampered), (keccak256(b"another root"), good)] {
        let walked = std::panic::catch_unwind(|| walk(root, me.as_slice(), &proof));
        assert!(walked.is_err(), "a bad proof was accepted");
    }
}
