//! The method table: every JSON-RPC method the node answers, with its aliases and its
//! parameters, declared once. From it come the typed request ([`Request`], decoded through
//! serde as anvil's `EthRequest` is), the catalogue [`METHODS`] and the README's method list
//! ([`markdown_table`], checked by `tests/readme.rs`).
//!
//! Adding a method is one entry here; the compiler then asks for its arm in
//! `methods.rs`, and the README test for its line in the README.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::{
    error::RpcError,
    params::{params_array, CallObject, FilterId, Index, Integer, MineOptions, NewFilter, Param, Percentiles, ResetOptions, StateOverrides, StorageKeys, SubscriptionKind, SubscriptionOptions, TraceOptions, TypedData},
};
use crate::engine::{logs::LogFilter, query::BlockId};
use alloy_primitives::{Address, Bytes, B256, U256};

/// One method as the table declares it.
#[derive(Debug, Clone, Copy)]
pub struct Method {
    pub name: &'static str,
    /// Other names it answers to (anvil's and hardhat's for the test methods).
    pub aliases: &'static [&'static str],
    pub params: &'static [ParamInfo],
    /// What it does, from its doc comment.
    pub doc: &'static [&'static str],
}

/// One positional parameter.
#[derive(Debug, Clone, Copy)]
pub struct ParamInfo {
    pub name: &'static str,
    pub required: bool,
}

/// Declares the methods: `Variant "name" ["alias", ...] (field: Type = "param name", ...);`
/// with a doc comment. Generates one parameter struct per method (in [`params_of`], read
/// positionally through [`Param`]), the serde-tagged [`Request`] and [`METHODS`].
macro_rules! methods {
    ($(
        $(#[doc = $doc:literal])+
        $variant:ident $name:literal [$($alias:literal),*] ($($field:ident: $ty:ty = $pname:literal),* $(,)?);
    )*) => {
        /// Each method's parameters, named like its [`Request`] variant.
        pub mod params_of {
            use super::*;
            use serde::de::Error as _;
            $(
                $(#[doc = $doc])+
                #[derive(Debug, Clone)]
                pub struct $variant {
                    $(pub $field: $ty,)*
                }

                impl<'de> Deserialize<'de> for $variant {
                    // A method without parameters reads none of `items`.
                    #[allow(unused_mut, unused_variables)]
                    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let params = Value::deserialize(deserializer)?;
                        let items = params_array(&params).map_err(|e| D::Error::custom(e.message))?;
                        let mut positions = 0usize..;
                        Ok(Self {
                            $($field: {
                                let index = positions.next().expect("unbounded");
                                <$ty as Param>::from_param(items.get(index), index, $pname)
                                    .map_err(|e| D::Error::custom(e.message))?
                            },)*
                        })
                    }
                }
            )*
        }

        /// A decoded request: the method and its typed parameters.
        #[derive(Debug, Clone, Deserialize)]
        #[serde(tag = "method", content = "params")]
        pub enum Request {
            $(
                $(#[doc = $doc])+
                #[serde(rename = $name $(, alias = $alias)*)]
                $variant(params_of::$variant),
            )*
        }

        /// Every method, in the table's order.
        pub const METHODS: &[Method] = &[$(
            Method {
                name: $name,
                aliases: &[$($alias),*],
                params: &[$(ParamInfo { name: $pname, required: <$ty as Param>::REQUIRED }),*],
                doc: &[$($doc),+],
            },
        )*];
    };
}

methods! {
    /// The node's name and version.
    Web3ClientVersion "web3_clientVersion" [] ();
    /// Keccak-256 of the data.
    Web3Sha3 "web3_sha3" [] (data: Bytes = "data");
    /// The chain id as a decimal string.
    NetVersion "net_version" [] ();
    /// Always true.
    NetListening "net_listening" [] ();
    /// 412346 unless `--chain-id` says otherwise.
    EthChainId "eth_chainId" [] ();
    /// Always false: the node is the chain.
    EthSyncing "eth_syncing" [] ();
    /// Whether every transaction is mined at once (no `--block-time`).
    EthMining "eth_mining" [] ();
    /// ArbOS's network fee account, which collects the fees.
    EthCoinbase "eth_coinbase" [] ();
    /// The latest block's number.
    EthBlockNumber "eth_blockNumber" [] ();
    /// The accounts the node signs for: Nitro's dev account, then the test mnemonic's.
    EthAccounts "eth_accounts" [] ();
    /// The base fee (Arbitrum's minimum, 0.1 gwei).
    EthGasPrice "eth_gasPrice" [] ();
    /// Zero: Arbitrum drops tips.
    EthMaxPriorityFeePerGas "eth_maxPriorityFeePerGas" [] ();
    /// Base fees and gas-used ratios of recent blocks; rewards are all zero.
    EthFeeHistory "eth_feeHistory" [] (
        block_count: Integer = "blockCount",
        newest: BlockId = "newestBlock",
        percentiles: Option<Percentiles> = "rewardPercentiles",
    );
    /// At any block the chain keeps (older ones read through the per-block history); "header not found" (-32000) for a number past the head, "unknown block" (-32000) for a hash the chain does not have.
    EthGetBalance "eth_getBalance" [] (address: Address = "address", block: Option<BlockId> = "block");
    /// Stylus code as stored (`EF F0 00` + compressed WASM); a marker for native contracts. At any block, as `eth_getBalance`.
    EthGetCode "eth_getCode" [] (address: Address = "address", block: Option<BlockId> = "block");
    /// One storage slot, at any block, as `eth_getBalance`.
    EthGetStorageAt "eth_getStorageAt" [] (
        address: Address = "address",
        slot: U256 = "slot",
        block: Option<BlockId> = "block",
    );
    /// EIP-1186 proofs of the account and its slots against the block's `stateRoot`, at any block the chain keeps (for the head, the latest state, `anvil_*` writes since it was mined included, as anvil); at most 1,024 storage keys (-32602 beyond); -32001 for a block the chain does not have.
    EthGetProof "eth_getProof" [] (address: Address = "address", keys: StorageKeys = "storageKeys", block: BlockId = "block");
    /// At any block, as `eth_getBalance`; with `pending`, counts transactions waiting for the next interval block.
    EthGetTransactionCount "eth_getTransactionCount" [] (address: Address = "address", block: Option<BlockId> = "block");
    /// With geth's state overrides (balance, nonce, code, state, stateDiff). At any block the chain keeps: an older block's state, in that block (its number, timestamp and base fee, as geth), on a copy rebuilt once per request (cost: the size of the state plus the writes since); the head's in the next block, as anvil. Missing blocks as `eth_getBalance`.
    EthCall "eth_call" [] (
        call: CallObject = "call",
        block: Option<BlockId> = "block",
        overrides: Option<StateOverrides> = "stateOverrides",
    );
    /// The accounts and slots the call touches (as geth: run until the list is stable; sender, recipient and precompiles left out unless their slots are read), gasUsed with that list, `error` if the call fails. At any block, as `eth_call`.
    EthCreateAccessList "eth_createAccessList" [] (
        call: CallObject = "call",
        block: Option<BlockId> = "block",
        overrides: Option<StateOverrides> = "stateOverrides",
    );
    /// The smallest gas limit that succeeds (binary search, as geth). At any block, as `eth_call`.
    EthEstimateGas "eth_estimateGas" [] (call: CallObject = "call", block: Option<BlockId> = "block");
    /// A signed legacy, EIP-2930 or EIP-1559 transaction.
    EthSendRawTransaction "eth_sendRawTransaction" [] (transaction: Bytes = "transaction");
    /// Signed by the node for one of its accounts; nonce, gas and fees filled in if absent.
    EthSendTransaction "eth_sendTransaction" [] (transaction: CallObject = "transaction");
    /// Pending or mined.
    EthGetTransactionByHash "eth_getTransactionByHash" [] (hash: B256 = "hash");
    /// With Nitro's extra fields (gasUsedForL1, l1BlockNumber).
    EthGetTransactionReceipt "eth_getTransactionReceipt" [] (hash: B256 = "hash");
    /// With transaction hashes, or whole transactions if the flag is true.
    EthGetBlockByNumber "eth_getBlockByNumber" [] (block: BlockId = "block", full: Option<bool> = "full transactions flag");
    /// As `eth_getBlockByNumber`.
    EthGetBlockByHash "eth_getBlockByHash" [] (hash: B256 = "hash", full: Option<bool> = "full transactions flag");
    /// Null for a block the chain does not have.
    EthGetBlockTransactionCountByNumber "eth_getBlockTransactionCountByNumber" [] (block: BlockId = "block");
    /// Null for a block the chain does not have.
    EthGetBlockTransactionCountByHash "eth_getBlockTransactionCountByHash" [] (hash: B256 = "hash");
    /// Zero: Arbitrum blocks have no uncles. -32001 for a block the chain does not have (as anvil).
    EthGetUncleCountByBlockNumber "eth_getUncleCountByBlockNumber" [] (block: BlockId = "block");
    /// As `eth_getUncleCountByBlockNumber`.
    EthGetUncleCountByBlockHash "eth_getUncleCountByBlockHash" [] (hash: B256 = "hash");
    /// The transaction at a position in a block; null if there is none.
    EthGetTransactionByBlockNumberAndIndex "eth_getTransactionByBlockNumberAndIndex" [] (block: BlockId = "block", index: Index = "index");
    /// As `eth_getTransactionByBlockNumberAndIndex`, the block named by its hash.
    EthGetTransactionByBlockHashAndIndex "eth_getTransactionByBlockHashAndIndex" [] (hash: B256 = "hash", index: Index = "index");
    /// Every receipt of a block, in order; null for a block the chain does not have.
    EthGetBlockReceipts "eth_getBlockReceipts" [] (block: BlockId = "block");
    /// The blob base fee: 1 wei, the minimum (no blob transactions on the dev chain, as on Arbitrum).
    EthBlobBaseFee "eth_blobBaseFee" [] ();
    /// Counts of the transactions waiting for the next interval block (`pending`); `queued` is always 0 (no nonce gaps are accepted).
    TxpoolStatus "txpool_status" [] ();
    /// The waiting transactions by sender (lower-case, as anvil) and nonce.
    TxpoolContent "txpool_content" [] ();
    /// By block range (at most 100,000 blocks) or block hash, addresses and topics.
    EthGetLogs "eth_getLogs" [] (filter: LogFilter = "filter");
    /// A log filter to poll; with a `fromBlock`, the first poll also returns the logs already in range (as anvil).
    EthNewFilter "eth_newFilter" [] (filter: NewFilter = "filter");
    /// A filter for the hashes of new blocks.
    EthNewBlockFilter "eth_newBlockFilter" [] ();
    /// A filter for the hashes of newly accepted transactions (whole transactions if `full` is true).
    EthNewPendingTransactionFilter "eth_newPendingTransactionFilter" [] (full: Option<bool> = "full");
    /// What the filter saw since its last poll. Filters expire after 5 minutes unpolled; at most 1,024 at once (-32005 beyond).
    EthGetFilterChanges "eth_getFilterChanges" [] (id: FilterId = "filter id");
    /// All logs matching a log filter, as eth_getLogs; "filter not found" (-32000) for other filters.
    EthGetFilterLogs "eth_getFilterLogs" [] (id: FilterId = "filter id");
    /// Removes a filter; false if there was none.
    EthUninstallFilter "eth_uninstallFilter" [] (id: FilterId = "filter id");
    /// WebSocket only (-32601 "notifications not supported" over HTTP, as geth): `newHeads`, `logs` (with a filter) or `newPendingTransactions` (hashes, or whole transactions with `true`); at most 128 per connection (-32005 beyond), ended when the socket closes.
    EthSubscribe "eth_subscribe" [] (kind: SubscriptionKind = "subscription", options: Option<SubscriptionOptions> = "options");
    /// Ends a subscription of this connection; false if it has none with that id.
    EthUnsubscribe "eth_unsubscribe" [] (id: FilterId = "subscription id");
    /// EIP-191 signature (`r ‖ s ‖ v`, v 27/28) of the message by one of the node's accounts; -32602 "No Signer available" for others.
    EthSign "eth_sign" [] (address: Address = "address", message: Bytes = "message");
    /// As `eth_sign`, parameters the other way round.
    PersonalSign "personal_sign" [] (message: Bytes = "message", address: Address = "address");
    /// EIP-712 signature of the typed data (an object or its JSON string) by one of the node's accounts.
    EthSignTypedDataV4 "eth_signTypedData_v4" [] (address: Address = "address", data: TypedData = "typedData");
    /// geth's default struct logger (no `tracer`: every EVM opcode step, `disableStack` and `disableStorage` honoured, `enableMemory` refused; Stylus frames run WASM and add no steps; kept for the latest 256 transactions, at most 200,000 steps), geth's callTracer tree (`{"tracer": "callTracer"}`; `onlyTopCall` honoured; at most 10,000 frames) or Nitro's stylusTracer host calls (`{"tracer": "stylusTracer"}`, what `cargo stylus trace` reads; more than 10,000 records is an error) of a mined transaction.
    DebugTraceTransaction "debug_traceTransaction" [] (hash: B256 = "hash", options: Option<TraceOptions> = "options");
    /// As `debug_traceTransaction`, for a call at any block, as `eth_call`.
    DebugTraceCall "debug_traceCall" [] (call: CallObject = "call", block: Option<BlockId> = "block", options: Option<TraceOptions> = "options");
    /// Saves the chain; returns an id for `evm_revert`.
    EvmSnapshot "evm_snapshot" [] ();
    /// Back to a snapshot, which is used up; false if there is none.
    EvmRevert "evm_revert" [] (id: u64 = "snapshot id");
    /// Mines a block with the pending transactions (at the timestamp given, if one is), or `{timestamp, blocks}` blocks; returns "0x0".
    EvmMine "evm_mine" [] (options: Option<MineOptions> = "options");
    /// Mines `blocks` blocks (default 1, at most 100,000 a call), the first with the pending transactions, `interval` seconds apart if given.
    AnvilMine "anvil_mine" ["hardhat_mine"] (blocks: Option<Integer> = "blocks", interval: Option<Integer> = "interval");
    /// On: a block per transaction (what is queued is mined now, interval mining stops). Off: transactions wait for `evm_mine`.
    EvmSetAutomine "evm_setAutomine" ["anvil_setAutomine"] (enabled: bool = "enabled");
    /// Whether every transaction is mined at once.
    AnvilGetAutomine "anvil_getAutomine" ["hardhat_getAutomine"] ();
    /// Moves the next block's clock forward by the seconds given.
    EvmIncreaseTime "evm_increaseTime" ["anvil_increaseTime"] (seconds: Integer = "seconds");
    /// The next block's timestamp, no earlier than the latest block's.
    EvmSetNextBlockTimestamp "evm_setNextBlockTimestamp" ["anvil_setNextBlockTimestamp"] (timestamp: Integer = "timestamp");
    /// Sets an account's balance.
    AnvilSetBalance "anvil_setBalance" ["hardhat_setBalance"] (address: Address = "address", balance: U256 = "balance");
    /// Sets an account's code (a Stylus program still needs activating to run).
    AnvilSetCode "anvil_setCode" ["hardhat_setCode"] (address: Address = "address", code: Bytes = "code");
    /// Writes one storage slot; returns true.
    AnvilSetStorageAt "anvil_setStorageAt" ["hardhat_setStorageAt"] (address: Address = "address", slot: U256 = "slot", value: B256 = "value");
    /// Sets an account's nonce.
    AnvilSetNonce "anvil_setNonce" ["hardhat_setNonce", "evm_setAccountNonce"] (address: Address = "address", nonce: Integer = "nonce");
    /// `eth_sendTransaction` from this address is then accepted unsigned (a dev-chain cheat; raw transactions are always checked).
    AnvilImpersonateAccount "anvil_impersonateAccount" ["hardhat_impersonateAccount"] (address: Address = "address");
    /// Ends `anvil_impersonateAccount`.
    AnvilStopImpersonatingAccount "anvil_stopImpersonatingAccount" ["hardhat_stopImpersonatingAccount"] (address: Address = "address");
    /// Impersonates every account (true) or only those named (false).
    AnvilAutoImpersonateAccount "anvil_autoImpersonateAccount" ["hardhat_autoImpersonateAccount"] (enabled: bool = "enabled");
    /// Back to genesis with the prefunded accounts. Forking (`jsonRpcUrl`) is refused: the dev node runs no remote chain.
    AnvilReset "anvil_reset" ["hardhat_reset"] (options: Option<ResetOptions> = "options");
    /// The state as bytes (the `--dump-state` JSON, hex-encoded) for `anvil_loadState`.
    AnvilDumpState "anvil_dumpState" ["hardhat_dumpState"] (preserve_historical: Option<bool> = "preserveHistoricalStates");
    /// Writes a dump's accounts, slots and programs over the current state (the chain is kept); returns true.
    AnvilLoadState "anvil_loadState" ["hardhat_loadState"] (state: Bytes = "state");
}

impl Request {
    /// Decodes a request's method and `params`: an unknown method is -32601, anything wrong
    /// with the parameters -32602 with a message naming the parameter.
    pub fn decode(method: &str, params: Value) -> Result<Self, RpcError> {
        params_array(&params)?;
        if lookup(method).is_none() {
            return Err(RpcError::method_not_found(method));
        }
        let mut object = serde_json::Map::new();
        object.insert("method".into(), Value::String(method.into()));
        object.insert("params".into(), params);
        serde_json::from_value(Value::Object(object)).map_err(|error| {
            // Unreachable while the table and the enum come from the same macro; kept so a
            // decoding surprise still gets the right code.
            if error.to_string().starts_with("unknown variant") {
                RpcError::method_not_found(method)
            } else {
                RpcError::invalid_params(error.to_string())
            }
        })
    }
}

/// The table's entry for a method name or alias.
pub fn lookup(method: &str) -> Option<&'static Method> {
    METHODS.iter().find(|m| m.name == method || m.aliases.contains(&method))
}

/// The README's method list: one row per method, optional parameters marked `?`.
pub fn markdown_table() -> String {
    let mut out = String::from("| Method | Parameters | Notes |\n|---|---|---|\n");
    for method in METHODS {
        let names: Vec<String> =
            std::iter::once(method.name).chain(method.aliases.iter().copied()).map(|n| format!("`{n}`")).collect();
        let params: Vec<String> = method
            .params
            .iter()
            .map(|p| format!("{}{}", p.name, if p.required { "" } else { "?" }))
            .collect();
        let doc: Vec<&str> = method.doc.iter().map(|line| line.trim()).collect();
        out.push_str(&format!("| {} | {} | {} |\n", names.join(", "), params.join(", "), doc.join(" ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every name and alias in the table decodes to a request (or, lacking its parameters,
    /// to a -32602 naming the first one), never to "method not found".
    #[test]
    fn the_table_and_the_enum_agree() {
        for method in METHODS {
            for name in std::iter::once(&method.name).chain(method.aliases) {
                match Request::decode(name, json!([])) {
                    Ok(_) => assert!(method.params.iter().all(|p| !p.required), "{name}"),
                    Err(error) => {
                        assert_eq!(error.code, -32602, "{name}: {error:?}");
                        let first = method.params.iter().position(|p| p.required).expect("a required parameter");
                        let expected = format!("missing value for required argument {first} ({})", method.params[first].name);
                        assert_eq!(error.message, expected, "{name}");
                    }
                }
            }
        }
        let mut names: Vec<&str> = METHODS.iter().flat_map(|m| std::iter::once(m.name).chain(m.aliases.iter().copied())).collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "a name appears twice");
    }

    #[test]
    fn unknown_methods_and_bad_params() {
        let unknown = Request::decode("eth_noSuchMethod", json!([])).unwrap_err();
        assert_eq!((unknown.code, unknown.message.as_str()), (-32601, "the method eth_noSuchMethod does not exist/is not available"));
        let object = Request::decode("eth_chainId", json!({"a": 1})).unwrap_err();
        assert_eq!((object.code, object.message.as_str()), (-32602, "params must be an array"));
        let bad = Request::decode("eth_getBalance", json!(["0x1234"])).unwrap_err();
        assert_eq!((bad.code, bad.message.as_str()), (-32602, "address: an address is 20 bytes, got 2"));
        assert!(Request::decode("eth_chainId", Value::Null).is_ok(), "absent params are no params");
        assert!(Request::decode("eth_chainId", json!([1, 2])).is_ok(), "extra params are ignored, as geth does");
    }

    #[test]
    fn aliases_and_typed_parameters() {
        let Request::EvmMine(mine) = Request::decode("evm_mine", json!(["0x10"])).unwrap() else { panic!("evm_mine") };
        assert_eq!(mine.options.and_then(|o| o.timestamp), Some(16));
        let Request::AnvilMine(mine) = Request::decode("hardhat_mine", json!(["0x10", 2])).unwrap() else { panic!("anvil_mine") };
        assert_eq!((mine.blocks, mine.interval), (Some(Integer(16)), Some(Integer(2))));
        let Request::EthGetBalance(balance) = Request::decode("eth_getBalance", json!(["0x00000000000000000000000000000000000000aa"])).unwrap()
        else {
            panic!("eth_getBalance")
        };
        assert_eq!((balance.address, balance.block), (Address::with_last_byte(0xaa), None));
        // In-process users can deserialize a whole request object too.
        let request: Request = serde_json::from_value(json!({"method": "hardhat_setBalance", "params": ["0x00000000000000000000000000000000000000aa", "0x1"]})).unwrap();
        assert!(matches!(request, Request::AnvilSetBalance(p) if p.balance == U256::from(1)));
    }

    #[test]
    fn the_markdown_lists_every_name() {
        let table = markdown_table();
        for method in METHODS {
            assert!(table.contains(&format!("`{}`", method.name)));
            assert!(method.aliases.iter().all(|a| table.contains(&format!("`{a}`"))));
        }
        assert!(table.contains("| `anvil_mine`, `hardhat_mine` | blocks?, interval? | Mines"), "{table}");
    }
}
