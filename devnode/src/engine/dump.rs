//! The `--dump-state` / `--load-state` file: everything a deployed system needs to survive a
//! restart of the node, as human-readable JSON.
//!
//! ```json
//! {
//!   "version": "rigshare-devnode-state/1",
//!   "chainId": 412346,
//!   "blockNumber": 41,
//!   "blockHash": "0x…",
//!   "timestamp": 1700000500,
//!   "dataPricer": { "demand": 0, "bytesPerSecond": 34865, "lastUpdateTime": 1700000000,
//!                   "minPrice": 82928201, "inertia": 21360419 },
//!   "accounts": {
//!     "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266": { "nonce": "0x1", "balance": "0x21e1…" },
//!     "0x…": { "nonce": "0x1", "balance": "0x0", "code": "0xeff000…", "codeHash": "0x…" }
//!   },
//!   "storage": { "0x…": { "0x00…00": "0x00…07" } },
//!   "programs": {
//!     "0x<code hash>": { "version": 2, "initCost": 3111, "cachedCost": 1191, "footprint": 1,
//!                         "asmEstimate": 688466, "activatedAt": 1700000000,
//!                         "moduleHash": "0x…", "cached": true }
//!   }
//! }
//! ```
//!
//! Addresses are written checksummed (EIP-55) and read in any case, but a mixed-case address
//! must carry a correct checksum. Balances and nonces are JSON-RPC quantities; code, storage
//! slots and values, and hashes are 0x hex. `code` and `codeHash` are left out for accounts
//! without code; when read, `codeHash` (if present) must equal the keccak of `code`. Storage
//! is a map of its own, not part of `accounts`, because storage may outlive its account.
//! Unknown fields are refused, so a typo does not silently drop state.
//!
//! Blocks, transactions and receipts are not kept: a loaded node starts from a head block with
//! the dumped number, hash and timestamp (see `Engine::load_state`; `Engine::dump_state` writes
//! one).

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use alloy_primitives::{hex, keccak256, Address, Bytes, B256, U256};
use serde::{de, ser::SerializeMap, Deserialize, Deserializer, Serialize, Serializer};

use super::{
    pricing::DataPricer,
    state::{Account, ProgramRecord, Snapshot},
};

/// The `version` field of the files this module reads and writes.
pub const FORMAT_VERSION: &str = "rigshare-devnode-state/1";

/// A node's persistent state and where its chain stood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateDump {
    pub chain_id: u64,
    /// The head block when dumped; a loaded node mines `block_number + 1` next.
    pub block_number: u64,
    /// The head block's hash: the parent hash of the next block mined after loading.
    pub block_hash: B256,
    /// The head block's timestamp; blocks mined after loading are no earlier.
    pub timestamp: u64,
    pub state: Snapshot,
    pub data_pricer: DataPricer,
}

#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    #[error("state dump is not valid JSON: {0}")]
    Json(#[source] serde_json::Error),
    #[error("state dump has version {}, this node reads {FORMAT_VERSION:?}", found.as_deref().map_or("(missing)".into(), |v| format!("{v:?}")))]
    Version { found: Option<String> },
    /// A missing, unknown or mistyped field (the message names it and its line).
    #[error("state dump: {0}")]
    Field(#[source] serde_json::Error),
    #[error("state dump: {field}: {reason}: {value:?}")]
    Hex { field: String, value: String, reason: &'static str },
    #[error("state dump: {field}: {value} has a wrong EIP-55 checksum (expected {expected})")]
    Checksum { field: String, value: String, expected: String },
    #[error("state dump: {field}: {key} appears twice")]
    Duplicate { field: String, key: String },
    #[error("state dump: account {address}: recorded code hash {recorded} but its code hashes to {computed}")]
    CodeHashMismatch { address: Address, recorded: B256, computed: B256 },
    #[error("state dump is for chain {dump}, this node runs chain {node}")]
    ChainId { dump: u64, node: u64 },
    #[error("state file {path}: {source}")]
    Io { path: String, source: std::io::Error },
}

/// Pretty-printed JSON, entries sorted by address, slot and code hash (so dumps diff well).
pub fn to_json(dump: &StateDump) -> String {
    let mut out = serde_json::to_string_pretty(&DumpFile::from_dump(dump)).expect("a dump serialises");
    out.push('\n');
    out
}

/// Reads a dump written by [`to_json`] (or by hand), checking everything.
pub fn from_json(json: &str) -> Result<StateDump, DumpError> {
    // Version first, so a file from another format version says so rather than failing on
    // whatever field changed.
    #[derive(Deserialize)]
    struct Probe {
        version: Option<serde_json::Value>,
    }
    let probe: Probe = serde_json::from_str(json).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => DumpError::Field(e),
        _ => DumpError::Json(e),
    })?;
    match probe.version {
        Some(serde_json::Value::String(v)) if v == FORMAT_VERSION => {}
        Some(serde_json::Value::String(v)) => return Err(DumpError::Version { found: Some(v) }),
        Some(other) => return Err(DumpError::Version { found: Some(other.to_string()) }),
        None => return Err(DumpError::Version { found: None }),
    }
    let file: DumpFile = serde_json::from_str(json).map_err(DumpError::Field)?;
    file.into_dump()
}

/// [`to_json`] into `path`, through a temporary file renamed over it, so an interrupted dump
/// leaves the previous file intact.
pub fn write_file(path: &Path, dump: &StateDump) -> Result<(), DumpError> {
    let io = |source| DumpError::Io { path: path.display().to_string(), source };
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    std::fs::write(&temporary, to_json(dump)).map_err(io)?;
    std::fs::rename(&temporary, path).map_err(io)
}

/// Reads and checks a dump file.
pub fn read_file(path: &Path) -> Result<StateDump, DumpError> {
    let json =
        std::fs::read_to_string(path).map_err(|source| DumpError::Io { path: path.display().to_string(), source })?;
    from_json(&json)
}

// ----- the file's shape -----

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DumpFile {
    version: String,
    chain_id: u64,
    block_number: u64,
    block_hash: String,
    timestamp: u64,
    data_pricer: PricerFile,
    accounts: Entries<AccountFile>,
    #[serde(default)]
    storage: Entries<Entries<String>>,
    #[serde(default)]
    programs: Entries<ProgramFile>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PricerFile {
    demand: u32,
    bytes_per_second: u32,
    last_update_time: u64,
    min_price: u32,
    inertia: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AccountFile {
    nonce: String,
    balance: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code_hash: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ProgramFile {
    version: u16,
    init_cost: u16,
    cached_cost: u16,
    footprint: u16,
    asm_estimate: u32,
    activated_at: u64,
    module_hash: String,
    /// Written only when true, so dumps of uncached programs read as before.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    cached: bool,
}

/// A JSON object kept as its entries in order, duplicates included (serde's maps would keep
/// only the last of a repeated key; a dump with one is refused instead).
struct Entries<T>(Vec<(String, T)>);

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T: Serialize> Serialize for Entries<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> de::Visitor<'de> for Visitor<T> {
            type Value = Entries<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(access.size_hint().unwrap_or(0));
                while let Some(entry) = access.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

// ----- writing -----

fn quantity(value: U256) -> String {
    format!("{value:#x}")
}

fn hex_data(bytes: &[u8]) -> String {
    hex::encode_prefixed(bytes)
}

fn sorted<K: Ord + Copy, V>(map: &HashMap<K, V>) -> Vec<(K, &V)> {
    let mut entries: Vec<_> = map.iter().map(|(k, v)| (*k, v)).collect();
    entries.sort_by_key(|(k, _)| *k);
    entries
}

impl DumpFile {
    fn from_dump(dump: &StateDump) -> Self {
        let accounts = sorted(&dump.state.accounts)
            .into_iter()
            .map(|(address, account)| {
                let has_code = !account.code.is_empty();
                let file = AccountFile {
                    nonce: quantity(U256::from(account.nonce)),
                    balance: quantity(account.balance),
                    code: has_code.then(|| hex_data(&account.code)),
                    code_hash: has_code.then(|| account.code_hash.to_string()),
                };
                (address.to_checksum(None), file)
            })
            .collect();
        let storage = sorted(&dump.state.storage)
            .into_iter()
            .map(|(address, slots)| {
                let slots = sorted(slots)
                    .into_iter()
                    .filter(|(_, value)| !value.is_zero())
                    .map(|(slot, value)| (slot.to_string(), value.to_string()))
                    .collect();
                (address.to_checksum(None), Entries(slots))
            })
            .collect();
        let programs = sorted(&dump.state.programs)
            .into_iter()
            .map(|(code_hash, p)| {
                let file = ProgramFile {
                    version: p.version,
                    init_cost: p.init_cost,
                    cached_cost: p.cached_cost,
                    footprint: p.footprint,
                    asm_estimate: p.asm_estimate,
                    activated_at: p.activated_at,
                    module_hash: p.module_hash.to_string(),
                    cached: p.cached,
                };
                (code_hash.to_string(), file)
            })
            .collect();
        let pricer = &dump.data_pricer;
        Self {
            version: FORMAT_VERSION.into(),
            chain_id: dump.chain_id,
            block_number: dump.block_number,
            block_hash: dump.block_hash.to_string(),
            timestamp: dump.timestamp,
            data_pricer: PricerFile {
                demand: pricer.demand,
                bytes_per_second: pricer.bytes_per_second,
                last_update_time: pricer.last_update_time,
                min_price: pricer.min_price,
                inertia: pricer.inertia,
            },
            accounts: Entries(accounts),
            storage: Entries(storage),
            programs: Entries(programs),
        }
    }
}

// ----- reading -----

fn hex_error(field: &str, value: &str, reason: &'static str) -> DumpError {
    DumpError::Hex { field: field.into(), value: value.into(), reason }
}

/// The hex digits after `0x`, all checked to be hex digits.
fn hex_digits<'a>(field: &str, value: &'a str) -> Result<&'a str, DumpError> {
    let digits = value.strip_prefix("0x").ok_or_else(|| hex_error(field, value, "expected 0x-prefixed hex"))?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(hex_error(field, value, "not hex"));
    }
    Ok(digits)
}

/// A quantity: `0x` and 1 to 64 hex digits (leading zeros tolerated).
fn parse_quantity(field: &str, value: &str) -> Result<U256, DumpError> {
    let digits = hex_digits(field, value)?;
    if digits.is_empty() {
        return Err(hex_error(field, value, "empty quantity (zero is 0x0)"));
    }
    if digits.len() > 64 {
        return Err(hex_error(field, value, "more than 256 bits"));
    }
    U256::from_str_radix(digits, 16).map_err(|_| hex_error(field, value, "not a quantity"))
}

fn parse_bytes(field: &str, value: &str) -> Result<Vec<u8>, DumpError> {
    let digits = hex_digits(field, value)?;
    if digits.len() % 2 != 0 {
        return Err(hex_error(field, value, "odd number of hex digits"));
    }
    hex::decode(digits).map_err(|_| hex_error(field, value, "not hex"))
}

fn parse_b256(field: &str, value: &str) -> Result<B256, DumpError> {
    let digits = hex_digits(field, value)?;
    if digits.len() != 64 {
        return Err(hex_error(field, value, "expected 32 bytes (64 hex digits)"));
    }
    Ok(B256::from_slice(&parse_bytes(field, value)?))
}

/// An address in any case; mixed case must be a correct EIP-55 checksum.
fn parse_address(field: &str, value: &str) -> Result<Address, DumpError> {
    let digits = hex_digits(field, value)?;
    if digits.len() != 40 {
        return Err(hex_error(field, value, "expected an address (40 hex digits)"));
    }
    let address = Address::from_slice(&parse_bytes(field, value)?);
    let upper = digits.bytes().any(|b| b.is_ascii_uppercase());
    let lower = digits.bytes().any(|b| b.is_ascii_lowercase());
    let expected = address.to_checksum(None);
    if upper && lower && value != expected {
        return Err(DumpError::Checksum { field: field.into(), value: value.into(), expected });
    }
    Ok(address)
}

fn insert_once<K: std::hash::Hash + Eq, V>(
    map: &mut HashMap<K, V>,
    key: K,
    value: V,
    field: &str,
    written: &str,
) -> Result<(), DumpError> {
    if map.insert(key, value).is_some() {
        return Err(DumpError::Duplicate { field: field.into(), key: written.into() });
    }
    Ok(())
}

impl DumpFile {
    fn into_dump(self) -> Result<StateDump, DumpError> {
        let mut accounts = HashMap::with_capacity(self.accounts.0.len());
        for (key, file) in self.accounts.0 {
            let address = parse_address("accounts", &key)?;
            let field = |name: &str| format!("accounts.{key}.{name}");
            let nonce = parse_quantity(&field("nonce"), &file.nonce)?;
            let nonce = u64::try_from(nonce)
                .map_err(|_| hex_error(&field("nonce"), &file.nonce, "a nonce is at most 64 bits"))?;
            let balance = parse_quantity(&field("balance"), &file.balance)?;
            let code = match &file.code {
                Some(code) => Bytes::from(parse_bytes(&field("code"), code)?),
                None => Bytes::new(),
            };
            let computed = keccak256(&code);
            if let Some(recorded) = &file.code_hash {
                let recorded = parse_b256(&field("codeHash"), recorded)?;
                if recorded != computed {
                    return Err(DumpError::CodeHashMismatch { address, recorded, computed });
                }
            }
            let account = Account { nonce, balance, code, code_hash: computed };
            insert_once(&mut accounts, address, account, "accounts", &key)?;
        }

        let mut storage = HashMap::with_capacity(self.storage.0.len());
        for (key, file) in self.storage.0 {
            let address = parse_address("storage", &key)?;
            let field = format!("storage.{key}");
            let mut slots = HashMap::with_capacity(file.0.len());
            for (slot_key, value) in file.0 {
                let slot = parse_b256(&field, &slot_key)?;
                let value = parse_b256(&format!("{field}.{slot_key}"), &value)?;
                // A zero slot is an absent one (as the state keeps them).
                if value.is_zero() {
                    if slots.contains_key(&slot) {
                        return Err(DumpError::Duplicate { field, key: slot_key });
                    }
                    continue;
                }
                insert_once(&mut slots, slot, value, &field, &slot_key)?;
            }
            insert_once(&mut storage, address, slots, "storage", &key)?;
        }

        let mut programs = HashMap::with_capacity(self.programs.0.len());
        for (key, file) in self.programs.0 {
            let code_hash = parse_b256("programs", &key)?;
            let record = ProgramRecord {
                version: file.version,
                init_cost: file.init_cost,
                cached_cost: file.cached_cost,
                footprint: file.footprint,
                asm_estimate: file.asm_estimate,
                activated_at: file.activated_at,
                module_hash: parse_b256(&format!("programs.{key}.moduleHash"), &file.module_hash)?,
                cached: file.cached,
            };
            insert_once(&mut programs, code_hash, record, "programs", &key)?;
        }

        let pricer = self.data_pricer;
        Ok(StateDump {
            chain_id: self.chain_id,
            block_number: self.block_number,
            block_hash: parse_b256("blockHash", &self.block_hash)?,
            timestamp: self.timestamp,
            state: Snapshot { accounts, storage, programs },
            data_pricer: DataPricer {
                demand: pricer.demand,
                bytes_per_second: pricer.bytes_per_second,
                last_update_time: pricer.last_update_time,
                min_price: pricer.min_price,
                inertia: pricer.inertia,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{
        chain::{CallRequest, ChainConfig, Engine},
        precompiles,
        state::EMPTY_CODE_HASH,
        testing::{Bench, CALLER},
    };
    use alloy_primitives::{address, b256};
    use serde_json::{json, Value};

    const PROGRAM: Address = address!("00000000000000000000000000000000000000aa");
    const EOA: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    const HEAD_HASH: B256 = b256!("1111111111111111111111111111111111111111111111111111111111111111");

    /// Echoes its calldata and stores its first word in slot 0.
    fn program() -> Vec<u8> {
        wat::parse_str(
            r#"(module
                (import "vm_hooks" "read_args" (func $read_args (param i32)))
                (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
                (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
                (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
                (memory (export "memory") 1 1)
                (func (export "user_entrypoint") (param $len i32) (result i32)
                    (call $read_args (i32.const 0))
                    (call $cache (i32.const 100) (i32.const 0))
                    (call $flush (i32.const 0))
                    (call $write_result (i32.const 0) (local.get $len))
                    (i32.const 0)))"#,
        )
        .unwrap()
    }

    /// A world with an EOA, an activated program that has written storage, and a data pricer
    /// that has seen an activation.
    fn bench_dump() -> StateDump {
        let mut bench = Bench::new();
        bench.deploy(PROGRAM, &program());
        let result = bench.call(PROGRAM, vec![7u8; 32], 1_000_000);
        assert!(result.is_success(), "{result:?}");
        bench.commit();
        bench.evm.state.set_balance(EOA, U256::from(10u128.pow(22)) + U256::from(5));
        bench.evm.state.set_nonce(EOA, 3);
        bench.commit();
        let state = bench.evm.state.snapshot();
        assert_eq!(state.programs.len(), 1);
        assert_eq!(state.storage[&PROGRAM][&B256::ZERO], B256::from([7u8; 32]));
        assert_ne!(bench.evm.data_pricer, DataPricer::default());
        StateDump {
            chain_id: crate::dev::CHAIN_ID,
            block_number: 41,
            block_hash: HEAD_HASH,
            timestamp: 1_700_000_500,
            state,
            data_pricer: bench.evm.data_pricer,
        }
    }

    fn engine() -> Engine {
        Engine::new(ChainConfig::default(), &[])
    }

    #[test]
    fn json_round_trip_is_exact() {
        let dump = bench_dump();
        let json = to_json(&dump);
        assert_eq!(from_json(&json).unwrap(), dump);
        assert_eq!(to_json(&from_json(&json).unwrap()), json, "writing is deterministic");

        // An empty world round-trips too.
        let empty = StateDump { state: Snapshot::default(), data_pricer: DataPricer::default(), ..dump };
        assert_eq!(from_json(&to_json(&empty)).unwrap(), empty);
    }

    #[test]
    fn json_is_readable() {
        let dump = bench_dump();
        let value: Value = serde_json::from_str(&to_json(&dump)).unwrap();
        assert_eq!(value["version"], FORMAT_VERSION);
        assert_eq!(value["chainId"], crate::dev::CHAIN_ID);
        assert_eq!(value["blockNumber"], 41);
        assert_eq!(value["blockHash"], HEAD_HASH.to_string());
        assert_eq!(value["timestamp"], 1_700_000_500u64);
        assert_eq!(value["dataPricer"]["bytesPerSecond"], 34_865);

        let eoa = &value["accounts"]["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"];
        assert_eq!(eoa["nonce"], "0x3");
        assert_eq!(eoa["balance"], "0x21e19e0c9bab2400005");
        assert!(eoa.get("code").is_none() && eoa.get("codeHash").is_none(), "{eoa}");
        let caller = &value["accounts"][CALLER.to_checksum(None)];
        assert_eq!(caller["nonce"], "0x0");

        let account = &value["accounts"][PROGRAM.to_checksum(None)];
        let code = dump.state.accounts[&PROGRAM].code.clone();
        assert_eq!(account["code"], hex::encode_prefixed(&code));
        assert_eq!(account["codeHash"], keccak256(&code).to_string());
        assert_eq!(
            value["storage"][PROGRAM.to_checksum(None)][B256::ZERO.to_string()],
            B256::from([7u8; 32]).to_string()
        );

        let program = &value["programs"][keccak256(&code).to_string()];
        let record = dump.state.programs[&keccak256(&code)];
        assert_eq!(program["version"], record.version);
        assert_eq!(program["initCost"], record.init_cost);
        assert_eq!(program["cachedCost"], record.cached_cost);
        assert_eq!(program["footprint"], record.footprint);
        assert_eq!(program["asmEstimate"], record.asm_estimate);
        assert_eq!(program["activatedAt"], record.activated_at);
        assert_eq!(program["moduleHash"], record.module_hash.to_string());
    }

    /// dump → JSON → load into a fresh engine: the state, the pricer and the head come
    /// back, the activated program still runs, and block numbering continues.
    #[test]
    fn engine_survives_a_restart() {
        let mut first = engine();
        first.load_state(bench_dump()).unwrap();
        let exported = first.dump_state();
        assert_eq!((exported.block_number, exported.block_hash, exported.timestamp), (41, HEAD_HASH, 1_700_000_500));
        assert_eq!(exported.data_pricer, bench_dump().data_pricer);
        let bench = bench_dump().state;
        assert_eq!(exported.state.storage, bench.storage);
        assert_eq!(exported.state.programs, bench.programs);
        let natives = [precompiles::ARB_SYS, precompiles::ARB_WASM, precompiles::STYLUS_DEPLOYER];
        for (address, account) in bench.accounts.iter().filter(|(a, _)| !natives.contains(a)) {
            assert_eq!(&exported.state.accounts[address], account);
        }
        // The native contracts' code markers are there even though the bench had none.
        assert_eq!(exported.state.accounts[&precompiles::ARB_WASM].code.as_ref(), &precompiles::NATIVE_CODE_MARKER);

        let mut second = engine();
        second.load_state(from_json(&to_json(&exported)).unwrap()).unwrap();
        assert_eq!(second.dump_state(), exported);
        assert_eq!(second.latest_block().number, 41);
        assert_eq!(second.block(41).unwrap().hash, HEAD_HASH);
        assert_eq!(second.block_by_hash(&HEAD_HASH).unwrap().number, 41);
        assert!(second.block(0).is_none() && second.block(42).is_none());
        assert_eq!(second.account(&EOA).nonce, 3);

        // The program is still activated (calls inside its expiry window run it).
        second.set_next_timestamp(1_700_000_600);
        let call = second.call(&CallRequest {
            from: CALLER,
            to: Some(PROGRAM),
            gas: Some(1_000_000),
            input: vec![9u8; 32].into(),
            ..CallRequest::default()
        });
        assert!(call.success(), "{:?}", call.result);
        assert_eq!(call.result.output.as_ref(), &[9u8; 32]);

        let hash = second.mine();
        let head = second.latest_block();
        assert_eq!(head.number, 42);
        assert_eq!(head.hash, hash);
        assert_eq!(head.parent_hash, HEAD_HASH);
        assert!(head.timestamp >= 1_700_000_500);
        assert_eq!(second.block(42).unwrap().hash, hash);
        assert_eq!(second.block_by_hash(&hash).unwrap().number, 42);
        second.mine();
        assert_eq!(second.latest_block().number, 43);
        assert_eq!(second.dump_state().block_number, 43);
    }

    #[test]
    fn loading_refuses_another_chain() {
        let mut engine = engine();
        let before = engine.dump_state();
        let dump = StateDump { chain_id: 1, ..bench_dump() };
        let err = engine.load_state(dump).unwrap_err();
        assert!(matches!(err, DumpError::ChainId { dump: 1, node: crate::dev::CHAIN_ID }), "{err}");
        assert_eq!(engine.dump_state(), before, "a refused load changes nothing");
    }

    /// The dump as JSON, edited by `edit`, then read back.
    fn edited(edit: impl FnOnce(&mut Value)) -> Result<StateDump, DumpError> {
        let mut value: Value = serde_json::from_str(&to_json(&bench_dump())).unwrap();
        edit(&mut value);
        from_json(&value.to_string())
    }

    fn program_key() -> String {
        PROGRAM.to_checksum(None)
    }

    #[test]
    fn refuses_other_versions() {
        let err = edited(|v| v["version"] = json!("rigshare-devnode-state/2")).unwrap_err();
        assert!(matches!(&err, DumpError::Version { found: Some(v) } if v == "rigshare-devnode-state/2"), "{err}");
        assert!(err.to_string().contains("rigshare-devnode-state/1"), "{err}");
        let err = edited(|v| drop(v.as_object_mut().unwrap().remove("version"))).unwrap_err();
        assert!(matches!(err, DumpError::Version { found: None }), "{err}");
        let err = edited(|v| v["version"] = json!(1)).unwrap_err();
        assert!(matches!(err, DumpError::Version { found: Some(_) }), "{err}");
        assert!(matches!(from_json("{\"version\": "), Err(DumpError::Json(_))));
        assert!(matches!(from_json("[]"), Err(DumpError::Field(_))));
    }

    #[test]
    fn refuses_a_code_hash_that_does_not_match_the_code() {
        let wrong = B256::repeat_byte(0xab);
        let err = edited(|v| v["accounts"][program_key()]["codeHash"] = json!(wrong.to_string())).unwrap_err();
        match err {
            DumpError::CodeHashMismatch { address, recorded, computed } => {
                assert_eq!((address, recorded), (PROGRAM, wrong));
                assert_eq!(computed, bench_dump().state.accounts[&PROGRAM].code_hash);
            }
            other => panic!("{other}"),
        }
        // Changing the code without its hash is caught the same way.
        let err = edited(|v| v["accounts"][program_key()]["code"] = json!("0x00")).unwrap_err();
        assert!(matches!(err, DumpError::CodeHashMismatch { .. }), "{err}");
        // An account without code may not claim a code hash other than keccak("").
        let eoa = EOA.to_checksum(None);
        let err = edited(|v| v["accounts"][&eoa]["codeHash"] = json!(wrong.to_string())).unwrap_err();
        assert!(matches!(err, DumpError::CodeHashMismatch { computed: EMPTY_CODE_HASH, .. }), "{err}");
        // Without codeHash the hash is computed.
        let dump = edited(|v| drop(v["accounts"][program_key()].as_object_mut().unwrap().remove("codeHash"))).unwrap();
        assert_eq!(dump, bench_dump());
    }

    #[test]
    fn refuses_bad_hex_with_the_field_named() {
        let eoa = EOA.to_checksum(None);
        let cases: Vec<(Box<dyn FnOnce(&mut Value)>, &str)> = vec![
            (Box::new(|v: &mut Value| v["accounts"][&eoa]["balance"] = json!("0xzz")), "balance"),
            (Box::new(|v: &mut Value| v["accounts"][&eoa]["balance"] = json!("100")), "balance"),
            (Box::new(|v: &mut Value| v["accounts"][&eoa]["nonce"] = json!("0x")), "nonce"),
            (Box::new(|v: &mut Value| v["accounts"][&eoa]["nonce"] = json!("0x10000000000000000")), "nonce"),
            (Box::new(|v: &mut Value| v["accounts"][program_key()]["code"] = json!("0xabc")), "code"),
            (Box::new(|v: &mut Value| v["blockHash"] = json!("0x1234")), "blockHash"),
        ];
        for (edit, field) in cases {
            let err = edited(edit).unwrap_err();
            assert!(matches!(&err, DumpError::Hex { field: f, .. } if f.ends_with(field)), "{err}");
        }
        let err = edited(|v| {
            let accounts = v["accounts"].as_object_mut().unwrap();
            let eoa = accounts.remove(&EOA.to_checksum(None)).unwrap();
            accounts.insert("0x12".into(), eoa);
        })
        .unwrap_err();
        assert!(matches!(&err, DumpError::Hex { field, .. } if field == "accounts"), "{err}");
        let err = edited(|v| {
            let slots = v["storage"][program_key()].as_object_mut().unwrap();
            slots.insert("0x01".into(), json!("0x01"));
        })
        .unwrap_err();
        assert!(matches!(&err, DumpError::Hex { .. }), "{err}");
        assert!(err.to_string().contains("64 hex digits"), "{err}");
    }

    #[test]
    fn refuses_wrong_and_unknown_fields() {
        let eoa = EOA.to_checksum(None);
        let err = edited(|v| v["accounts"][&eoa]["balanse"] = json!("0x1")).unwrap_err();
        assert!(matches!(err, DumpError::Field(_)) && err.to_string().contains("balanse"), "{err}");
        let err = edited(|v| drop(v["accounts"][&eoa].as_object_mut().unwrap().remove("balance"))).unwrap_err();
        assert!(matches!(err, DumpError::Field(_)) && err.to_string().contains("balance"), "{err}");
        let err = edited(|v| v["chainId"] = json!("0x64aba")).unwrap_err();
        assert!(matches!(err, DumpError::Field(_)), "{err}");
        let err = edited(|v| v["dataPricer"]["demand"] = json!(1u64 << 40)).unwrap_err();
        assert!(matches!(err, DumpError::Field(_)), "{err}");
        let key = keccak256(&bench_dump().state.accounts[&PROGRAM].code).to_string();
        let err = edited(|v| v["programs"][&key]["footprint"] = json!(-1)).unwrap_err();
        assert!(matches!(err, DumpError::Field(_)), "{err}");
    }

    #[test]
    fn addresses_checksums_and_duplicates() {
        let eoa = EOA.to_checksum(None);
        // Lower case is accepted; a broken checksum is not.
        let dump = edited(|v| {
            let accounts = v["accounts"].as_object_mut().unwrap();
            let account = accounts.remove(&eoa).unwrap();
            accounts.insert(eoa.to_lowercase(), account);
        })
        .unwrap();
        assert_eq!(dump, bench_dump());
        let broken = eoa.replace("f39F", "F39f");
        let err = edited(|v| {
            let accounts = v["accounts"].as_object_mut().unwrap();
            let account = accounts.remove(&eoa).unwrap();
            accounts.insert(broken.clone(), account);
        })
        .unwrap_err();
        assert!(
            matches!(&err, DumpError::Checksum { value, expected, .. } if *value == broken && *expected == eoa),
            "{err}"
        );

        // The same account twice, in two spellings.
        let err = edited(|v| {
            let accounts = v["accounts"].as_object_mut().unwrap();
            let account = accounts[&eoa].clone();
            accounts.insert(eoa.to_lowercase(), account);
        })
        .unwrap_err();
        assert!(matches!(err, DumpError::Duplicate { .. }), "{err}");
        // A key repeated verbatim is also caught (serde maps would keep the last one).
        let json = to_json(&bench_dump()).replacen(
            "\"accounts\": {",
            &format!("\"accounts\": {{\n\"{eoa}\": {{\"nonce\": \"0x9\", \"balance\": \"0x0\"}},"),
            1,
        );
        assert!(matches!(from_json(&json), Err(DumpError::Duplicate { .. })));
    }

    #[test]
    fn zero_slots_are_absent_slots() {
        let dump = edited(|v| {
            v["storage"][program_key()][B256::with_last_byte(5).to_string()] = json!(B256::ZERO.to_string());
        })
        .unwrap();
        assert_eq!(dump, bench_dump());
    }

    #[test]
    fn files() {
        let dir = std::env::temp_dir().join(format!("rigshare-dump-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        let dump = bench_dump();
        write_file(&path, &dump).unwrap();
        assert_eq!(read_file(&path).unwrap(), dump);
        let missing = read_file(&dir.join("missing.json")).unwrap_err();
        assert!(matches!(missing, DumpError::Io { .. }) && missing.to_string().contains("missing.json"), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
