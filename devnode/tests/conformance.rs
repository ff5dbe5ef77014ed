//! Conformance with anvil: the same requests to anvil and to the dev node, compared field by
//! field where the two chains must agree without EVM execution (signatures of the same keys,
//! error codes, lookups, filters, the pool, test controls, access lists of transfers).
//! Chain-specific values (chain id, base fee, hashes that cover them) are not compared.
//!
//! Needs the anvil binary: `$ANVIL`, the one `npm ci --prefix tools` installs (pinned by
//! tools/package-lock.json; `scripts/test` does it), or `anvil` on the PATH. Without it the
//! test says so and passes, unless `RIGSHARE_REQUIRE_ANVIL` is set (as `scripts/test` sets it).

#[path = "support/http.rs"]
mod http;

use std::{
    net::TcpListener,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use devnode::rpc::{self, NodeConfig};
use serde_json::{json, Value};

/// anvil as a child process, killed when dropped.
struct Anvil {
    child: Child,
    url: String,
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn anvil_binary() -> Option<String> {
    if let Ok(path) = std::env::var("ANVIL") {
        return Some(path);
    }
    // What `npm ci --prefix tools` (scripts/test) installs, pinned by tools/package-lock.json.
    let pinned = concat!(env!("CARGO_MANIFEST_DIR"), "/../tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
    if std::path::Path::new(pinned).exists() {
        return Some(pinned.to_string());
    }
    let found = Command::new("anvil").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    found.is_ok_and(|s| s.success()).then(|| "anvil".to_string())
}

fn start_anvil(binary: &str) -> Anvil {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(binary)
        .args(["--port", &port.to_string(), "--silent"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("anvil starts");
    let anvil = Anvil { child, url: format!("http://127.0.0.1:{port}") };
    // Ready when it answers, not merely when it listens.
    let start = Instant::now();
    let request = json!({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}).to_string();
    loop {
        let listening = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
        if listening && std::panic::catch_unwind(|| http::post(&anvil.url, &request).0 == 200).unwrap_or(false) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "anvil did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    anvil
}

/// One node under test: a URL.
struct Target<'a> {
    name: &'static str,
    url: &'a str,
}

impl Target<'_> {
    fn call(&self, method: &str, params: Value) -> Value {
        let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let (status, body) = http::post(self.url, &request.to_string());
        assert_eq!(status, 200, "{}: {method}: {body}", self.name);
        serde_json::from_str(&body).unwrap()
    }

    fn result(&self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(response.get("error").is_none(), "{}: {method}: {response}", self.name);
        response["result"].clone()
    }

    /// Waits until nothing is pending. Anvil's automine runs in its own task: a transaction
    /// sent with automine on, or left pending when automine is switched back on, is mined a
    /// moment after the call returns (the dev node mines before answering), so comparing the
    /// pool or the head right away races with anvil's miner.
    fn drained(&self) {
        let start = Instant::now();
        while self.result("txpool_status", json!([]))["pending"] != json!("0x0") {
            assert!(start.elapsed() < Duration::from_secs(10), "{}: the pool did not drain", self.name);
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The same request to both; their answers (results, or error codes) must be equal.
fn same(a: &Target, b: &Target, method: &str, params: Value) -> Value {
    let left = a.call(method, params.clone());
    let right = b.call(method, params.clone());
    let view = |r: &Value| match r.get("error") {
        Some(error) => json!({"error code": error["code"]}),
        None => json!({"result": r["result"]}),
    };
    assert_eq!(view(&left), view(&right), "{method} {params}: {} vs {}", a.name, b.name);
    right["result"].clone()
}

/// Hex strings compared without case (anvil writes addresses in lower case, the dev node
/// with their EIP-55 checksum).
fn lower(value: &Value) -> Value {
    value.as_str().map_or(value.clone(), |s| json!(s.to_lowercase()))
}

/// The same request to both; the listed fields of their results must be equal.
fn same_fields(a: &Target, b: &Target, method: &str, params: Value, fields: &[&str]) {
    let left = a.result(method, params.clone());
    let right = b.result(method, params.clone());
    for field in fields {
        assert_eq!(lower(&left[field]), lower(&right[field]), "{method} {params}: field {field}");
    }
}

/// [`same`] with each target's own parameters (a block hash differs between the chains).
fn same_each(a: &Target, b: &Target, method: &str, params: [Value; 2]) {
    let [left, right] = params;
    let view = |r: &Value| match r.get("error") {
        Some(error) => json!({"error code": error["code"]}),
        None => json!({"result": r["result"]}),
    };
    let (l, r) = (a.call(method, left.clone()), b.call(method, right));
    assert_eq!(view(&l), view(&r), "{method} {left}: {} vs {}", a.name, b.name);
}

#[test]
fn the_dev_node_answers_as_anvil_does() {
    let Some(binary) = anvil_binary() else {
        // scripts/test installs the pinned anvil and sets this, so CI never skips silently.
        assert!(std::env::var("RIGSHARE_REQUIRE_ANVIL").is_err(), "RIGSHARE_REQUIRE_ANVIL is set but no anvil binary was found");
        eprintln!("conformance: no anvil binary ($ANVIL, tools/node_modules or anvil on the PATH); comparison skipped");
        return;
    };
    let anvil = start_anvil(&binary);
    let node = rpc::spawn(NodeConfig::ephemeral()).unwrap();
    let a = Target { name: "anvil", url: &anvil.url };
    let d = Target { name: "devnode", url: &node.url };
    // anvil's first account is the test mnemonic's first, the dev node's second.
    let me = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    let other = "0x00000000000000000000000000000000000000aa";
    let zero_hash = format!("0x{}", "00".repeat(32));

    // Signing: the same keys sign the same bytes.
    same(&a, &d, "eth_sign", json!([me, "0x68656c6c6f"]));
    same(&a, &d, "personal_sign", json!(["0xdeadbeef", me]));
    let typed = json!({
        "types": {
            "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "chainId", "type": "uint256"}],
            "Person": [{"name": "name", "type": "string"}, {"name": "wallets", "type": "address[]"}],
            "Group": [{"name": "members", "type": "Person[]"}, {"name": "scores", "type": "int8[2]"}, {"name": "tag", "type": "bytes4"}]
        },
        "primaryType": "Group",
        "domain": {"name": "Groups", "chainId": "0x64a7a"},
        "message": {"members": [{"name": "a", "wallets": [me]}, {"name": "b", "wallets": []}], "scores": [-1, "7"], "tag": "0x01020304"}
    });
    same(&a, &d, "eth_signTypedData_v4", json!([me, typed]));
    same(&a, &d, "eth_signTypedData_v4", json!([me, typed.to_string()]));
    let word = |byte: &str| format!("0x{}", byte.repeat(32));
    for typed in [
        json!({"types": {"EIP712Domain": [{"name": "name", "type": "string"}, {"name": "salt", "type": "bytes32"}],
                         "M": [{"name": "a", "type": "uint256[][]"}, {"name": "b", "type": "bool"}, {"name": "c", "type": "bytes"}, {"name": "d", "type": "bytes32"}]},
               "primaryType": "M", "domain": {"name": "x", "salt": word("11")},
               "message": {"a": [[1, 2], [3]], "b": true, "c": "0xdeadbeef", "d": word("22")}}),
        json!({"types": {"M": [{"name": "d", "type": "bytes32"}]}, "primaryType": "M", "domain": {}, "message": {"d": "0x1234"}}),
        json!({"types": {"M": [{"name": "b", "type": "bool"}]}, "primaryType": "M", "domain": {"name": "n"}, "message": {"b": "true"}}),
        json!({"types": {"M": [{"name": "x", "type": "int256"}]}, "primaryType": "M", "domain": {"name": "n"}, "message": {"x": "-0x10"}}),
        json!({"types": {"M": [{"name": "x", "type": "uint256"}]}, "primaryType": "M", "domain": {"name": "n"}, "message": {"x": "12345678901234567890"}}),
        json!({"types": {"EIP712Domain": [{"name": "name", "type": "string"}]}, "primaryType": "EIP712Domain", "domain": {"name": "n"}, "message": {}}),
        json!({"types": {"M": [{"name": "x", "type": "uint8"}]}, "primaryType": "M", "domain": {"name": "n"}, "message": {"x": 300}}),
        json!({"types": {"M": [{"name": "x", "type": "uint256"}]}, "primaryType": "M", "domain": {"name": "n"}, "message": {}}),
    ] {
        same(&a, &d, "eth_signTypedData_v4", json!([me, typed]));
    }

    // Refusals: the same error codes.
    for (method, params) in [
        ("eth_sign", json!([other, "0x00"])),
        ("eth_sign", json!([me, "hello"])),
        ("personal_sign", json!(["0x00", other])),
        ("eth_signTypedData_v4", json!([me, 5])),
        ("eth_getFilterChanges", json!(["0x1234"])),
        ("eth_getFilterChanges", json!([1])),
        ("eth_getFilterChanges", json!([])),
        ("eth_getFilterLogs", json!(["0x1234"])),
        ("eth_uninstallFilter", json!(["0x1234"])),
        ("eth_newFilter", json!([{"address": "0x12"}])),
        ("eth_getUncleCountByBlockNumber", json!(["0x0"])),
        ("eth_getUncleCountByBlockNumber", json!(["0x50"])),
        ("eth_getUncleCountByBlockHash", json!([zero_hash])),
        ("eth_getBlockTransactionCountByHash", json!([zero_hash])),
        ("eth_getTransactionByBlockNumberAndIndex", json!(["0x0", "0x0"])),
        ("eth_getTransactionByBlockNumberAndIndex", json!(["0x0", 0])),
        ("eth_getTransactionByBlockHashAndIndex", json!([zero_hash, "0x0"])),
        ("eth_getBlockReceipts", json!(["0x0"])),
        ("eth_getBlockReceipts", json!(["0x50"])),
        ("eth_getBlockReceipts", json!(["pending"])),
        ("eth_getBlockReceipts", json!(["earliest"])),
        ("eth_getUncleCountByBlockNumber", json!(["pending"])),
        ("eth_getTransactionByBlockNumberAndIndex", json!(["pending", "0x0"])),
        ("eth_newFilter", json!([{"topics": [null, null, null, null, null]}])),
        ("eth_newPendingTransactionFilter", json!(["yes"])),
        ("eth_uninstallFilter", json!([])),
        ("eth_blobBaseFee", json!([])),
        ("txpool_status", json!([])),
        ("txpool_content", json!([])),
        ("anvil_loadState", json!(["0x1234"])),
        ("anvil_setNonce", json!([other])),
        ("anvil_impersonateAccount", json!(["0x12"])),
        ("eth_subscribe", json!(["newHeads"])),
        ("eth_sendTransaction", json!([{"from": "0x00000000000000000000000000000000000000ab", "to": other}])),
        ("evm_mine", json!(["0x1"])),
        ("evm_setNextBlockTimestamp", json!(["0x1"])),
        ("anvil_mine", json!([-1])),
        ("anvil_setCode", json!([other, "zz"])),
        ("evm_setAutomine", json!(["yes"])),
        ("eth_getTransactionByBlockNumberAndIndex", json!(["0x0", "zz"])),
        ("eth_createAccessList", json!([{"to": "0x12"}])),
    ] {
        same(&a, &d, method, params);
    }

    // Test controls.
    for (method, params) in [
        ("anvil_setNonce", json!([other, "0x5"])),
        ("anvil_setNonce", json!([other, 7])),
        ("anvil_setStorageAt", json!([other, "0x1", format!("0x{}", "ab".repeat(32))])),
        ("anvil_setCode", json!([other, "0x00"])),
        ("anvil_getAutomine", json!([])),
    ] {
        same(&a, &d, method, params);
    }
    same(&a, &d, "eth_getTransactionCount", json!([other, "latest"]));
    same(&a, &d, "eth_getStorageAt", json!([other, "0x1", "latest"]));
    same(&a, &d, "eth_getCode", json!([other, "latest"]));
    same(&a, &d, "anvil_mine", json!(["0x3", "0x3c"]));
    same(&a, &d, "eth_blockNumber", json!([]));
    same(&a, &d, "anvil_reset", json!([]));
    same(&a, &d, "eth_blockNumber", json!([]));

    // Filters around a transfer.
    let blocks = [a.result("eth_newBlockFilter", json!([])), d.result("eth_newBlockFilter", json!([]))];
    let pending = [a.result("eth_newPendingTransactionFilter", json!([])), d.result("eth_newPendingTransactionFilter", json!([]))];
    let logs = [a.result("eth_newFilter", json!([{}])), d.result("eth_newFilter", json!([{}]))];
    let transfer = json!([{"from": me, "to": other, "value": "0x3e8"}]);
    let hashes = [a.result("eth_sendTransaction", transfer.clone()), d.result("eth_sendTransaction", transfer.clone())];
    a.drained();
    same(&a, &d, "evm_mine", json!([]));
    for (i, target) in [&a, &d].into_iter().enumerate() {
        let new_blocks = target.result("eth_getFilterChanges", json!([blocks[i]]));
        assert_eq!(new_blocks.as_array().unwrap().len(), 2, "{}: {new_blocks}", target.name);
        assert_eq!(target.result("eth_getFilterChanges", json!([pending[i]])), json!([hashes[i]]), "{}", target.name);
        assert_eq!(target.result("eth_getFilterChanges", json!([logs[i]])), json!([]), "{}", target.name);
        assert_eq!(target.result("eth_getFilterChanges", json!([blocks[i]])), json!([]), "{}", target.name);
        assert_eq!(target.result("eth_uninstallFilter", json!([blocks[i]])), true);
        assert_eq!(target.call("eth_getFilterChanges", json!([blocks[i]]))["error"]["code"], -32000);
    }

    // Lookups of the transfer's block.
    same(&a, &d, "eth_getBlockTransactionCountByNumber", json!(["0x1"]));
    let receipt_fields = ["status", "gasUsed", "cumulativeGasUsed", "from", "to", "logs", "type", "transactionIndex", "contractAddress", "blockNumber"];
    let first = |method: &str, params: Value| {
        let left = a.result(method, params.clone());
        let right = d.result(method, params);
        (left[0].clone(), right[0].clone())
    };
    let (left, right) = first("eth_getBlockReceipts", json!(["0x1"]));
    for field in receipt_fields {
        assert_eq!(lower(&left[field]), lower(&right[field]), "eth_getBlockReceipts field {field}");
    }
    same_fields(&a, &d, "eth_getTransactionByBlockNumberAndIndex", json!(["0x1", "0x0"]), &["from", "to", "value", "nonce", "input", "transactionIndex", "blockNumber", "type"]);
    // Every field anvil gives a receipt, a transaction and a log, the dev node gives too, but
    // the blob gas price (no blobs on Arbitrum).
    let keys = |value: &Value| value.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
    let hash_of = |target: &Target| target.result("eth_getTransactionByBlockNumberAndIndex", json!(["0x1", "0x0"]))["hash"].clone();
    for (method, skip) in [("eth_getTransactionReceipt", &["blobGasPrice"][..]), ("eth_getTransactionByHash", &[][..])] {
        let theirs = a.result(method, json!([hash_of(&a)]));
        let ours = d.result(method, json!([hash_of(&d)]));
        for key in keys(&theirs) {
            assert!(skip.contains(&key.as_str()) || ours.get(&key).is_some(), "{method}: anvil gives {key}, the dev node does not: {ours}");
        }
    }
    same(&a, &d, "eth_getTransactionByBlockNumberAndIndex", json!(["0x1", "0x1"]));
    same(&a, &d, "eth_getUncleCountByBlockNumber", json!(["0x1"]));

    // The pool with automine off.
    same(&a, &d, "evm_setAutomine", json!([false]));
    a.result("eth_sendTransaction", transfer.clone());
    d.result("eth_sendTransaction", transfer.clone());
    same(&a, &d, "txpool_status", json!([]));
    let pools = [a.result("txpool_content", json!([])), d.result("txpool_content", json!([]))];
    for pool in &pools {
        let by_sender = pool["pending"][me.to_lowercase()].as_object().unwrap_or_else(|| panic!("{pool}"));
        assert_eq!(by_sender.keys().collect::<Vec<_>>(), vec!["1"], "{pool}");
        assert_eq!(by_sender["1"]["blockNumber"], Value::Null);
    }
    same(&a, &d, "evm_setAutomine", json!([true]));
    a.drained();
    same(&a, &d, "txpool_status", json!([]));

    // Impersonation: an unsigned transaction from an account without a key.
    same(&a, &d, "anvil_setBalance", json!([other, "0xde0b6b3a7640000"]));
    same(&a, &d, "anvil_impersonateAccount", json!([other]));
    let sent = json!([{"from": other, "to": me, "value": "0x1"}]);
    let hashes = [a.result("eth_sendTransaction", sent.clone()), d.result("eth_sendTransaction", sent.clone())];
    a.drained();
    let receipts = hashes
        .iter()
        .zip([&a, &d])
        .map(|(hash, target)| target.result("eth_getTransactionReceipt", json!([hash])))
        .collect::<Vec<_>>();
    assert_eq!((receipts[0]["status"].clone(), receipts[0]["gasUsed"].clone()), (receipts[1]["status"].clone(), receipts[1]["gasUsed"].clone()));
    same(&a, &d, "anvil_stopImpersonatingAccount", json!([other]));
    // Impersonating an account the node holds a key for: unsigned all the same. (The
    // placeholder signature differs: anvil 1.7 shows r = s = 0, anvil's current source and the
    // dev node r = s = 1, "because clients reject zero scalar values"; neither is a signature.)
    same(&a, &d, "anvil_impersonateAccount", json!([me]));
    for target in [&a, &d] {
        let hash = target.result("eth_sendTransaction", json!([{"from": me, "to": other, "value": "0x1"}]));
        target.drained();
        let tx = target.result("eth_getTransactionByHash", json!([hash]));
        assert!(["0x0", "0x1"].contains(&tx["r"].as_str().unwrap()) && tx["r"] == tx["s"], "{}: {tx}", target.name);
        assert_eq!(lower(&tx["from"]), json!(me.to_lowercase()));
    }
    same(&a, &d, "anvil_stopImpersonatingAccount", json!([me]));
    assert_eq!(a.call("eth_sendTransaction", sent.clone()).get("error").is_some(), d.call("eth_sendTransaction", sent).get("error").is_some());

    // Access lists of transfers.
    same(&a, &d, "eth_createAccessList", json!([{"from": me, "to": other, "value": "0x1"}]));

    // eth_getProof, without EVM: an account given the same balance, nonce and slots by the
    // test controls on both chains. Its account leaf (RLP [nonce, balance, storageRoot,
    // codeHash], the last node of the account proof) must be byte for byte anvil's, and its
    // storage trie is the same trie, so storageHash and the storage proofs are identical. The
    // account trie's other nodes and the state root are not compared: each chain holds other
    // accounts (anvil's dev accounts and predeploys, the dev node's ArbOS accounts, balances
    // after different gas prices), so the paths above the leaf differ. Codes for keys shorter
    // than 32 bytes (anvil refuses them, geth and the dev node pad them) and block numbers past
    // the head (anvil -32602, the dev node -32001 as for its other missing blocks) differ too.
    let prover = "0x00000000000000000000000000000000000000cd";
    same(&a, &d, "anvil_setBalance", json!([prover, "0x1bc16d674ec80000"]));
    same(&a, &d, "anvil_setNonce", json!([prover, "0x3"]));
    for (key, value) in [("0x0", "2a"), ("0x1", "ffff"), ("0x5", "1")] {
        same(&a, &d, "anvil_setStorageAt", json!([prover, key, format!("0x{value:0>64}")]));
    }
    let keys = json!([format!("0x{:0>64}", "0"), format!("0x{:0>64}", "1"), format!("0x{:0>64}", "7")]);
    let proofs = [a.result("eth_getProof", json!([prover, keys, "latest"])), d.result("eth_getProof", json!([prover, keys, "latest"]))];
    for field in ["address", "balance", "nonce", "codeHash", "storageHash", "storageProof"] {
        assert_eq!(lower(&proofs[0][field]), lower(&proofs[1][field]), "eth_getProof field {field}");
    }
    let leaf = |proof: &Value| {
        let last = proof["accountProof"].as_array().unwrap().last().unwrap().as_str().unwrap();
        let node = alloy_primitives::hex::decode(last).unwrap();
        // The leaf node is RLP [path, value]: skip the list's header and the path.
        let mut buf = &node[..];
        assert!(alloy_rlp::Header::decode(&mut buf).unwrap().list);
        let path = alloy_rlp::Header::decode(&mut buf).unwrap();
        buf = &buf[path.payload_length..];
        let value = alloy_rlp::Header::decode(&mut buf).unwrap();
        alloy_primitives::hex::encode(&buf[..value.payload_length])
    };
    assert_eq!(leaf(&proofs[0]), leaf(&proofs[1]), "the account leaf's value");
    assert!(leaf(&proofs[1]).starts_with("f84c03881bc16d674ec80000a0"), "{}", leaf(&proofs[1]));
    // An account neither chain has: both prove it absent with the same empty values.
    let nobody = "0x00000000000000000000000000000000000000ce";
    let absent = [a.result("eth_getProof", json!([nobody, [], "latest"])), d.result("eth_getProof", json!([nobody, [], "latest"]))];
    for field in ["balance", "nonce", "codeHash", "storageHash", "storageProof"] {
        assert_eq!(absent[0][field], absent[1][field], "eth_getProof of an absent account, field {field}");
    }
    for params in [json!(["0x12", [], "latest"]), json!([prover, "0x01", "latest"]), json!([prover, []]), json!([prover, [], zero_hash])] {
        same(&a, &d, "eth_getProof", params);
    }

    // The call tracer on a transfer.
    let transfer = json!({"from": me, "to": other, "value": "0x1", "gas": "0x10000"});
    for only_top in [false, true] {
        let options = json!({"tracer": "callTracer", "tracerConfig": {"onlyTopCall": only_top}});
        let (left, right) = (a.result("debug_traceCall", json!([transfer, "latest", options])), d.result("debug_traceCall", json!([transfer, "latest", options])));
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<std::collections::BTreeSet<_>>();
        assert_eq!(keys(&left), keys(&right), "{left} vs {right}");
        for field in ["type", "from", "to", "value", "gas", "gasUsed", "input"] {
            assert_eq!(lower(&left[field]), lower(&right[field]), "debug_traceCall field {field}");
        }
    }

    // State queries at older blocks, without EVM: value transfers in blocks of their own, then
    // every read and call at each of those blocks, by number, by each chain's own hash and by
    // EIP-1898 object. Only accounts that transactions alone changed are read: a test-control
    // write (anvil_set*) made between blocks belongs to the block before in anvil's history
    // (anvil saves a block's state when the next one is mined) and to the next block in the
    // dev node's, where the block's stateRoot and eth_getProof put it. Blocks the chain does not
    // have differ in code too: anvil -32602 past the head and -32001 for an unknown hash, the
    // dev node -32000 ("header not found", "unknown block") as it always answered.
    let payee = "0x00000000000000000000000000000000000000e1";
    let idle = "0x00000000000000000000000000000000000000e2";
    let first = same(&a, &d, "eth_blockNumber", json!([]));
    let first = u64::from_str_radix(first.as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    for value in ["0x3e8", "0x7d0", "0x1"] {
        let transfer = json!([{"from": me, "to": payee, "value": value}]);
        a.result("eth_sendTransaction", transfer.clone());
        d.result("eth_sendTransaction", transfer);
        a.drained();
    }
    same(&a, &d, "evm_mine", json!([]));
    let head = first + 4;
    same(&a, &d, "eth_blockNumber", json!([]));
    let call = json!({"from": me, "to": idle, "value": "0x1"});
    let queries = [
        ("eth_getBalance", json!([payee])),
        ("eth_getBalance", json!([idle])),
        ("eth_getTransactionCount", json!([me])),
        ("eth_getTransactionCount", json!([payee])),
        ("eth_getCode", json!([payee])),
        ("eth_getStorageAt", json!([payee, "0x0"])),
        ("eth_call", json!([call])),
        ("eth_estimateGas", json!([call])),
        ("eth_createAccessList", json!([call])),
    ];
    let with = |params: &Value, block: Value| {
        let mut params = params.as_array().unwrap().clone();
        params.push(block);
        Value::Array(params)
    };
    let hash_of = |target: &Target, n: u64| target.result("eth_getBlockByNumber", json!([format!("{n:#x}"), false]))["hash"].clone();
    for n in first..=head {
        let number = json!(format!("{n:#x}"));
        let hashes = [hash_of(&a, n), hash_of(&d, n)];
        for (method, params) in &queries {
            same(&a, &d, method, with(params, number.clone()));
            same(&a, &d, method, with(params, json!({"blockNumber": number})));
            same_each(&a, &d, method, [with(params, hashes[0].clone()), with(params, hashes[1].clone())]);
            let canonical = |hash: &Value| json!({"blockHash": hash, "requireCanonical": true});
            same_each(&a, &d, method, [with(params, canonical(&hashes[0])), with(params, canonical(&hashes[1]))]);
        }
        let options = json!({"tracer": "callTracer"});
        let traces = [a.result("debug_traceCall", json!([call, number, options])), d.result("debug_traceCall", json!([call, number, options]))];
        for field in ["type", "from", "to", "value", "gasUsed", "input"] {
            assert_eq!(lower(&traces[0][field]), lower(&traces[1][field]), "debug_traceCall at {n} field {field}");
        }
    }
    let balances: Vec<Value> = (first..=head).map(|n| d.result("eth_getBalance", json!([payee, format!("{n:#x}")]))).collect();
    assert_eq!(balances, [json!("0x0"), json!("0x3e8"), json!("0xbb8"), json!("0xbb9"), json!("0xbb9")]);
    for (method, params) in &queries[..4] {
        same(&a, &d, method, with(params, json!("earliest")));
    }
}
