//! Ethereum transactions and receipts as the dev node sees them: the EIP-2718 envelope for
//! legacy (with or without EIP-155), EIP-2930 and EIP-1559 transactions, sender recovery,
//! intrinsic gas, and the receipt helpers (logs bloom, CREATE/CREATE2 addresses).
//!
//! Decoding is as strict as geth's: canonical RLP only, no trailing bytes, EIP-2 low-s
//! signatures. That strictness is what makes `encode(decode(raw)) == raw`, so a transaction's
//! hash is the same whether taken from the wire bytes or recomputed from the decoded value.

use alloy_primitives::{keccak256, Address, Bloom, Bytes, B256, U256};
use alloy_rlp::{Encodable, Header};
use k256::ecdsa::SigningKey;

use super::types::Log;

/// EIP-2718 type byte of a legacy transaction (never on the wire: legacy is a bare RLP list).
pub const LEGACY_TX_TYPE: u8 = 0x00;
/// EIP-2718 type byte of an EIP-2930 (access list) transaction.
pub const EIP2930_TX_TYPE: u8 = 0x01;
/// EIP-2718 type byte of an EIP-1559 (dynamic fee) transaction.
pub const EIP1559_TX_TYPE: u8 = 0x02;

/// The secp256k1 group order n.
const SECP256K1_N: U256 = U256::from_limbs([
    0xBFD2_5E8C_D036_4141,
    0xBAAE_DCE6_AF48_A03B,
    0xFFFF_FFFF_FFFF_FFFE,
    0xFFFF_FFFF_FFFF_FFFF,
]);
/// n / 2: EIP-2 rejects any s above it, so each signature has a single valid encoding.
const SECP256K1_HALF_N: U256 = U256::from_limbs([
    0xDFE9_2F46_681B_20A0,
    0x5D57_6E73_57A4_501D,
    0xFFFF_FFFF_FFFF_FFFF,
    0x7FFF_FFFF_FFFF_FFFF,
]);

/// Why a transaction was rejected. Messages follow geth's where geth has one, since clients
/// (and people) pattern-match on them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    /// Malformed or non-canonical RLP.
    #[error("rlp: {0}")]
    Rlp(String),
    /// Empty input, or a type byte with nothing after it.
    #[error("typed transaction too short")]
    ShortTypedTx,
    #[error("transaction type not supported: {}", describe_type(*.0))]
    TxTypeNotSupported(u8),
    /// Bad v/yParity, r or s, or no public key recovers from them.
    #[error("invalid transaction v, r, s values: {0}")]
    InvalidSignature(&'static str),
    /// Replay protection for another chain.
    #[error("invalid chain id for signer: have {have} want {want}")]
    WrongChainId { have: u64, want: u64 },
    #[error("invalid chain id: exceeds 2^64-1")]
    ChainIdTooLarge,
    /// Fees are kept as u128: no account could pay more than that per gas anyway.
    #[error("max fee per gas higher than 2^128-1")]
    FeeCapVeryHigh,
    #[error("max priority fee per gas higher than 2^128-1")]
    TipVeryHigh,
}

fn describe_type(ty: u8) -> String {
    let why = match ty {
        0x03 => " (EIP-4844 blob transactions do not exist on Arbitrum)",
        0x04 => " (EIP-7702 set-code transactions are not supported by the dev node)",
        0x64..=0x6a => " (Arbitrum system transactions cannot be submitted to the dev node)",
        _ => "",
    };
    format!("0x{ty:02x}{why}")
}

/// Whom a transaction calls: an account, or nobody (contract creation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TxKind {
    Call(Address),
    Create,
}

impl TxKind {
    /// The callee, `None` for a creation.
    pub fn to(&self) -> Option<Address> {
        match self {
            TxKind::Call(addr) => Some(*addr),
            TxKind::Create => None,
        }
    }

    pub fn is_create(&self) -> bool {
        matches!(self, TxKind::Create)
    }
}

/// An EIP-2930 access list entry: an account and the storage slots to pre-warm.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccessListItem {
    pub address: Address,
    pub storage_keys: Vec<B256>,
}

/// A legacy transaction; `chain_id: None` is a pre-EIP-155 (unprotected) one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyTx {
    pub chain_id: Option<u64>,
    pub nonce: u64,
    pub gas_price: u128,
    pub gas_limit: u64,
    pub to: TxKind,
    pub value: U256,
    pub input: Bytes,
}

/// An EIP-2930 transaction: legacy pricing plus an access list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eip2930Tx {
    pub chain_id: u64,
    pub nonce: u64,
    pub gas_price: u128,
    pub gas_limit: u64,
    pub to: TxKind,
    pub value: U256,
    pub input: Bytes,
    pub access_list: Vec<AccessListItem>,
}

/// An EIP-1559 transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eip1559Tx {
    pub chain_id: u64,
    pub nonce: u64,
    pub max_priority_fee_per_gas: u128,
    pub max_fee_per_gas: u128,
    pub gas_limit: u64,
    pub to: TxKind,
    pub value: U256,
    pub input: Bytes,
    pub access_list: Vec<AccessListItem>,
}

/// An unsigned transaction body. One variant per type, so that e.g. a typed transaction
/// cannot lack a chain id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxRequest {
    Legacy(LegacyTx),
    Eip2930(Eip2930Tx),
    Eip1559(Eip1559Tx),
}

macro_rules! common_field {
    ($self:ident, $field:ident) => {
        match $self {
            TxRequest::Legacy(tx) => &tx.$field,
            TxRequest::Eip2930(tx) => &tx.$field,
            TxRequest::Eip1559(tx) => &tx.$field,
        }
    };
}

impl TxRequest {
    /// The EIP-2718 type: 0, 1 or 2.
    pub fn tx_type(&self) -> u8 {
        match self {
            TxRequest::Legacy(_) => LEGACY_TX_TYPE,
            TxRequest::Eip2930(_) => EIP2930_TX_TYPE,
            TxRequest::Eip1559(_) => EIP1559_TX_TYPE,
        }
    }

    /// `None` only for an unprotected (pre-EIP-155) legacy transaction.
    pub fn chain_id(&self) -> Option<u64> {
        match self {
            TxRequest::Legacy(tx) => tx.chain_id,
            TxRequest::Eip2930(tx) => Some(tx.chain_id),
            TxRequest::Eip1559(tx) => Some(tx.chain_id),
        }
    }

    pub fn nonce(&self) -> u64 {
        *common_field!(self, nonce)
    }

    pub fn gas_limit(&self) -> u64 {
        *common_field!(self, gas_limit)
    }

    pub fn to(&self) -> TxKind {
        *common_field!(self, to)
    }

    pub fn value(&self) -> U256 {
        *common_field!(self, value)
    }

    pub fn input(&self) -> &Bytes {
        common_field!(self, input)
    }

    /// Empty for legacy transactions.
    pub fn access_list(&self) -> &[AccessListItem] {
        match self {
            TxRequest::Legacy(_) => &[],
            TxRequest::Eip2930(tx) => &tx.access_list,
            TxRequest::Eip1559(tx) => &tx.access_list,
        }
    }

    /// The signed-for gas price; `None` for EIP-1559, whose price depends on the base fee.
    pub fn gas_price(&self) -> Option<u128> {
        match self {
            TxRequest::Legacy(tx) => Some(tx.gas_price),
            TxRequest::Eip2930(tx) => Some(tx.gas_price),
            TxRequest::Eip1559(_) => None,
        }
    }

    /// The most the sender pays per gas (the gas price for pre-1559 types), as geth's `GasFeeCap`.
    pub fn max_fee_per_gas(&self) -> u128 {
        match self {
            TxRequest::Legacy(tx) => tx.gas_price,
            TxRequest::Eip2930(tx) => tx.gas_price,
            TxRequest::Eip1559(tx) => tx.max_fee_per_gas,
        }
    }

    /// The most the sender tips per gas (the gas price for pre-1559 types), as geth's `GasTipCap`.
    pub fn max_priority_fee_per_gas(&self) -> u128 {
        match self {
            TxRequest::Legacy(tx) => tx.gas_price,
            TxRequest::Eip2930(tx) => tx.gas_price,
            TxRequest::Eip1559(tx) => tx.max_priority_fee_per_gas,
        }
    }

    /// The price per gas actually paid in a block with this base fee:
    /// `min(max_fee, base_fee + tip)` for EIP-1559. Callers must first reject
    /// `max_fee_per_gas() < base_fee` (geth's "max fee per gas less than block base fee").
    pub fn effective_gas_price(&self, base_fee: u128) -> u128 {
        match self {
            TxRequest::Legacy(tx) => tx.gas_price,
            TxRequest::Eip2930(tx) => tx.gas_price,
            TxRequest::Eip1559(tx) => tx
                .max_fee_per_gas
                .min(base_fee.saturating_add(tx.max_priority_fee_per_gas)),
        }
    }

    /// The digest the sender signs (EIP-155 for protected legacy, EIP-2718 type-prefixed
    /// payloads for typed transactions).
    pub fn signing_hash(&self) -> B256 {
        let mut out = Vec::new();
        match self {
            TxRequest::Legacy(tx) => rlp_list(&mut out, |p| {
                encode_legacy_body(tx, p);
                if let Some(chain_id) = tx.chain_id {
                    chain_id.encode(p);
                    0u8.encode(p);
                    0u8.encode(p);
                }
            }),
            TxRequest::Eip2930(tx) => {
                out.push(EIP2930_TX_TYPE);
                rlp_list(&mut out, |p| encode_2930_body(tx, p));
            }
            TxRequest::Eip1559(tx) => {
                out.push(EIP1559_TX_TYPE);
                rlp_list(&mut out, |p| encode_1559_body(tx, p));
            }
        }
        keccak256(out)
    }
}

/// A transaction signature. `y_parity` is the recovery bit; legacy transactions fold it (and
/// the chain id) into `v`, see [`SignedTx::v`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxSignature {
    pub r: U256,
    pub s: U256,
    pub y_parity: bool,
}

/// A signed transaction with its hash and recovered sender. Build it with [`SignedTx::decode`]
/// or [`SignedTx::sign`]; the fields are public for reading, and `hash`/`sender` are only
/// right for the `request` and `signature` they were computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTx {
    pub request: TxRequest,
    pub signature: TxSignature,
    /// keccak256 of the EIP-2718 encoding (what `eth_sendRawTransaction` returns).
    pub hash: B256,
    pub sender: Address,
}

impl SignedTx {
    /// Decodes an EIP-2718 envelope (`0x01 || rlp`, `0x02 || rlp`, or a bare legacy RLP
    /// list), checks the signature, and recovers the sender. The chain id is not checked
    /// here; see [`SignedTx::check_chain_id`].
    pub fn decode(raw: &[u8]) -> Result<SignedTx, TxError> {
        // Same dispatch as geth's `Transaction.UnmarshalBinary`.
        let (request, signature) = match raw.first() {
            Some(&b) if b > 0x7f => decode_legacy(raw)?,
            _ if raw.len() <= 1 => return Err(TxError::ShortTypedTx),
            Some(&EIP2930_TX_TYPE) => decode_2930(&raw[1..])?,
            Some(&EIP1559_TX_TYPE) => decode_1559(&raw[1..])?,
            Some(&ty) => return Err(TxError::TxTypeNotSupported(ty)),
            None => unreachable!("empty input is handled above"),
        };
        let sender = recover_sender(&request.signing_hash(), &signature)?;
        Ok(SignedTx {
            request,
            signature,
            hash: keccak256(raw),
            sender,
        })
    }

    /// The EIP-2718 encoding, as `eth_sendRawTransaction` takes it.
    pub fn encode(&self) -> Vec<u8> {
        encode_signed(&self.request, &self.signature)
    }

    /// Signs with a deterministic (RFC 6979) low-s signature, as geth and alloy do, so the
    /// same request and key always give the same transaction hash.
    pub fn sign(request: TxRequest, key: &SigningKey) -> SignedTx {
        let prehash = request.signing_hash();
        let (sig, recid) = key
            .sign_prehash_recoverable(prehash.as_slice())
            .expect("RFC 6979 signing of a 32-byte digest cannot fail");
        let rs = sig.to_bytes();
        let signature = TxSignature {
            r: U256::from_be_slice(&rs[..32]),
            s: U256::from_be_slice(&rs[32..]),
            y_parity: recid.is_y_odd(),
        };
        let raw = encode_signed(&request, &signature);
        SignedTx {
            request,
            signature,
            hash: keccak256(&raw),
            sender: address_of(key),
        }
    }

    pub fn tx_type(&self) -> u8 {
        self.request.tx_type()
    }

    /// The `v` that JSON-RPC reports: 27/28 or `chain_id * 2 + 35/36` for legacy, the
    /// y parity (0/1) for typed transactions.
    pub fn v(&self) -> U256 {
        let parity = u64::from(self.signature.y_parity);
        match &self.request {
            TxRequest::Legacy(LegacyTx { chain_id: None, .. }) => U256::from(27 + parity),
            TxRequest::Legacy(LegacyTx {
                chain_id: Some(id), ..
            }) => legacy_v(*id, parity),
            _ => U256::from(parity),
        }
    }

    /// Rejects replay-protected transactions for another chain. Unprotected legacy
    /// transactions pass; whether to accept them is the caller's policy.
    pub fn check_chain_id(&self, want: u64) -> Result<(), TxError> {
        match self.request.chain_id() {
            Some(have) if have != want => Err(TxError::WrongChainId { have, want }),
            _ => Ok(()),
        }
    }
}

fn legacy_v(chain_id: u64, parity: u64) -> U256 {
    U256::from(chain_id) * U256::from(2u8) + U256::from(35 + parity)
}

/// Gas charged before execution, as geth's `IntrinsicGas` with EIP-2028 calldata prices,
/// EIP-2930 access lists and EIP-3860 initcode words. On Arbitrum the sender also pays for
/// posting the transaction to L1 (as extra gas); the dev node has no L1, so that part is zero.
pub fn intrinsic_gas(tx: &TxRequest) -> u64 {
    const TX_GAS: u64 = 21_000;
    const TX_GAS_CONTRACT_CREATION: u64 = 53_000;
    const TX_DATA_ZERO_GAS: u64 = 4;
    const TX_DATA_NON_ZERO_GAS: u64 = 16;
    const INIT_CODE_WORD_GAS: u64 = 2;
    const ACCESS_LIST_ADDRESS_GAS: u64 = 2_400;
    const ACCESS_LIST_STORAGE_KEY_GAS: u64 = 1_900;

    let create = tx.to().is_create();
    let input = tx.input();
    let zeros = input.iter().filter(|&&b| b == 0).count() as u64;
    let non_zeros = input.len() as u64 - zeros;

    let mut gas = if create {
        TX_GAS_CONTRACT_CREATION
    } else {
        TX_GAS
    };
    gas = gas
        .saturating_add(zeros.saturating_mul(TX_DATA_ZERO_GAS))
        .saturating_add(non_zeros.saturating_mul(TX_DATA_NON_ZERO_GAS));
    if create {
        let words = (input.len() as u64).div_ceil(32);
        gas = gas.saturating_add(words.saturating_mul(INIT_CODE_WORD_GAS));
    }
    let access_list = tx.access_list();
    let keys: u64 = access_list
        .iter()
        .map(|item| item.storage_keys.len() as u64)
        .sum();
    gas.saturating_add((access_list.len() as u64).saturating_mul(ACCESS_LIST_ADDRESS_GAS))
        .saturating_add(keys.saturating_mul(ACCESS_LIST_STORAGE_KEY_GAS))
}

/// A receipt's (or block's) logs bloom: each log's address and topics, not its data.
pub fn logs_bloom(logs: &[Log]) -> Bloom {
    let mut bloom = Bloom::default();
    for log in logs {
        bloom.accrue_raw_log(log.address, &log.topics);
    }
    bloom
}

/// The address a CREATE (or creation transaction) from `sender` at `nonce` deploys to.
pub fn contract_address(sender: Address, nonce: u64) -> Address {
    sender.create(nonce)
}

/// The EIP-1014 CREATE2 address.
pub fn create2_address(sender: Address, salt: B256, init_code_hash: B256) -> Address {
    sender.create2(salt, init_code_hash)
}

/// The Ethereum address of a private key.
pub fn address_of(key: &SigningKey) -> Address {
    Address::from_private_key(key)
}

// ---------------------------------------------------------------------------------------
// Encoding

fn rlp_list(out: &mut Vec<u8>, body: impl FnOnce(&mut Vec<u8>)) {
    let mut payload = Vec::new();
    body(&mut payload);
    Header {
        list: true,
        payload_length: payload.len(),
    }
    .encode(out);
    out.extend_from_slice(&payload);
}

fn encode_kind(to: &TxKind, out: &mut Vec<u8>) {
    match to {
        TxKind::Call(addr) => addr.encode(out),
        TxKind::Create => out.push(alloy_rlp::EMPTY_STRING_CODE),
    }
}

fn encode_access_list(list: &[AccessListItem], out: &mut Vec<u8>) {
    rlp_list(out, |p| {
        for item in list {
            rlp_list(p, |t| {
                item.address.encode(t);
                rlp_list(t, |k| {
                    for key in &item.storage_keys {
                        key.encode(k);
                    }
                });
            });
        }
    });
}

fn encode_legacy_body(tx: &LegacyTx, out: &mut Vec<u8>) {
    tx.nonce.encode(out);
    tx.gas_price.encode(out);
    tx.gas_limit.encode(out);
    encode_kind(&tx.to, out);
    tx.value.encode(out);
    tx.input.encode(out);
}

fn encode_2930_body(tx: &Eip2930Tx, out: &mut Vec<u8>) {
    tx.chain_id.encode(out);
    tx.nonce.encode(out);
    tx.gas_price.encode(out);
    tx.gas_limit.encode(out);
    encode_kind(&tx.to, out);
    tx.value.encode(out);
    tx.input.encode(out);
    encode_access_list(&tx.access_list, out);
}

fn encode_1559_body(tx: &Eip1559Tx, out: &mut Vec<u8>) {
    tx.chain_id.encode(out);
    tx.nonce.encode(out);
    tx.max_priority_fee_per_gas.encode(out);
    tx.max_fee_per_gas.encode(out);
    tx.gas_limit.encode(out);
    encode_kind(&tx.to, out);
    tx.value.encode(out);
    tx.input.encode(out);
    encode_access_list(&tx.access_list, out);
}

fn encode_signed(request: &TxRequest, sig: &TxSignature) -> Vec<u8> {
    let mut out = Vec::new();
    let encode_sig = |p: &mut Vec<u8>| {
        sig.r.encode(p);
        sig.s.encode(p);
    };
    match request {
        TxRequest::Legacy(tx) => rlp_list(&mut out, |p| {
            encode_legacy_body(tx, p);
            let parity = u64::from(sig.y_parity);
            match tx.chain_id {
                None => (27 + parity).encode(p),
                Some(id) => legacy_v(id, parity).encode(p),
            }
            encode_sig(p);
        }),
        TxRequest::Eip2930(tx) => {
            out.push(EIP2930_TX_TYPE);
            rlp_list(&mut out, |p| {
                encode_2930_body(tx, p);
                u8::from(sig.y_parity).encode(p);
                encode_sig(p);
            });
        }
        TxRequest::Eip1559(tx) => {
            out.push(EIP1559_TX_TYPE);
            rlp_list(&mut out, |p| {
                encode_1559_body(tx, p);
                u8::from(sig.y_parity).encode(p);
                encode_sig(p);
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Decoding

fn rlp_err(msg: impl Into<String>) -> TxError {
    TxError::Rlp(msg.into())
}

/// Maps alloy-rlp header errors to geth's wording.
fn header_err(e: alloy_rlp::Error, in_list: bool) -> TxError {
    use alloy_rlp::Error as E;
    rlp_err(match e {
        E::InputTooShort | E::Custom(_) if in_list => "element is larger than containing list",
        E::InputTooShort | E::Custom(_) => "value size exceeds available input length",
        _ => "non-canonical size information",
    })
}

/// Reads the items of one RLP list, canonically, naming the field in each error.
struct Fields<'a> {
    buf: &'a [u8],
    ty: &'static str,
}

impl<'a> Fields<'a> {
    /// `raw` must be exactly one list.
    fn top(raw: &'a [u8], ty: &'static str) -> Result<Self, TxError> {
        let mut buf = raw;
        let header = Header::decode(&mut buf).map_err(|e| header_err(e, false))?;
        if !header.list {
            return Err(rlp_err(format!("expected input list for {ty}")));
        }
        let (payload, rest) = buf.split_at(header.payload_length);
        if !rest.is_empty() {
            return Err(rlp_err("input contains more than one value"));
        }
        Ok(Fields { buf: payload, ty })
    }

    fn err(&self, field: &str, msg: &str) -> TxError {
        rlp_err(format!("{msg}, decoding into {}.{field}", self.ty))
    }

    fn item(&mut self, field: &str) -> Result<(bool, &'a [u8]), TxError> {
        if self.buf.is_empty() {
            return Err(self.err(field, "too few elements"));
        }
        // For a single byte below 0x80 the header does not advance and the payload is the byte.
        let header = Header::decode(&mut self.buf).map_err(|e| header_err(e, true))?;
        let (payload, rest) = self.buf.split_at(header.payload_length);
        self.buf = rest;
        Ok((header.list, payload))
    }

    fn list(&mut self, field: &str, ty: &'static str) -> Result<Fields<'a>, TxError> {
        match self.item(field)? {
            (true, buf) => Ok(Fields { buf, ty }),
            (false, _) => Err(self.err(field, "expected input list")),
        }
    }

    fn string(&mut self, field: &str) -> Result<&'a [u8], TxError> {
        match self.item(field)? {
            (false, bytes) => Ok(bytes),
            (true, _) => Err(self.err(field, "expected input string or byte")),
        }
    }

    fn uint(&mut self, field: &str, max_bytes: usize) -> Result<U256, TxError> {
        let bytes = self.string(field)?;
        if bytes.len() > max_bytes {
            let msg = format!("input string too long for uint{}", max_bytes * 8);
            return Err(self.err(field, &msg));
        }
        if bytes.first() == Some(&0) {
            return Err(self.err(field, "non-canonical integer (leading zero bytes)"));
        }
        Ok(U256::from_be_slice(bytes))
    }

    fn u64(&mut self, field: &str) -> Result<u64, TxError> {
        Ok(self.uint(field, 8)?.as_limbs()[0])
    }

    fn u256(&mut self, field: &str) -> Result<U256, TxError> {
        self.uint(field, 32)
    }

    fn fixed<const N: usize>(&mut self, field: &str) -> Result<[u8; N], TxError> {
        let bytes = self.string(field)?;
        bytes.try_into().map_err(|_| {
            let how = if bytes.len() < N { "short" } else { "long" };
            self.err(field, &format!("input string too {how} for [{N}]byte"))
        })
    }

    fn bytes(&mut self, field: &str) -> Result<Bytes, TxError> {
        Ok(Bytes::copy_from_slice(self.string(field)?))
    }

    fn kind(&mut self, field: &str) -> Result<TxKind, TxError> {
        let bytes = self.string(field)?;
        match bytes.len() {
            0 => Ok(TxKind::Create),
            20 => Ok(TxKind::Call(Address::from_slice(bytes))),
            n => {
                let how = if n < 20 { "short" } else { "long" };
                Err(self.err(field, &format!("input string too {how} for Address")))
            }
        }
    }

    fn access_list(&mut self, field: &str) -> Result<Vec<AccessListItem>, TxError> {
        let mut list = self.list(field, "AccessList")?;
        let mut items = Vec::new();
        while !list.buf.is_empty() {
            let mut tuple = list.list("item", "AccessTuple")?;
            let address = Address::from(tuple.fixed::<20>("address")?);
            let mut keys = tuple.list("storageKeys", "StorageKeys")?;
            let mut storage_keys = Vec::new();
            while !keys.buf.is_empty() {
                storage_keys.push(B256::from(keys.fixed::<32>("key")?));
            }
            tuple.finish()?;
            items.push(AccessListItem {
                address,
                storage_keys,
            });
        }
        Ok(items)
    }

    fn finish(self) -> Result<(), TxError> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(rlp_err(format!(
                "input list has too many elements for {}",
                self.ty
            )))
        }
    }
}

fn to_fee(value: U256, too_high: TxError) -> Result<u128, TxError> {
    u128::try_from(value).map_err(|_| too_high)
}

fn to_chain_id(value: U256) -> Result<u64, TxError> {
    u64::try_from(value).map_err(|_| TxError::ChainIdTooLarge)
}

fn to_y_parity(value: U256) -> Result<bool, TxError> {
    match value.as_limbs() {
        [0, 0, 0, 0] => Ok(false),
        [1, 0, 0, 0] => Ok(true),
        _ => Err(TxError::InvalidSignature("y parity must be 0 or 1")),
    }
}

/// `[nonce, gasPrice, gas, to, value, data, v, r, s]`
fn decode_legacy(raw: &[u8]) -> Result<(TxRequest, TxSignature), TxError> {
    let mut f = Fields::top(raw, "LegacyTx")?;
    let nonce = f.u64("nonce")?;
    let gas_price = f.u256("gasPrice")?;
    let gas_limit = f.u64("gas")?;
    let to = f.kind("to")?;
    let value = f.u256("value")?;
    let input = f.bytes("data")?;
    let v = f.u256("v")?;
    let r = f.u256("r")?;
    let s = f.u256("s")?;
    f.finish()?;

    let gas_price = to_fee(gas_price, TxError::FeeCapVeryHigh)?;
    let (chain_id, y_parity) = if v == U256::from(27u8) || v == U256::from(28u8) {
        (None, v == U256::from(28u8))
    } else if v >= U256::from(35u8) {
        let offset = v - U256::from(35u8);
        (Some(to_chain_id(offset >> 1)?), offset.bit(0))
    } else {
        return Err(TxError::InvalidSignature(
            "v must be 27, 28 or chain_id * 2 + 35/36",
        ));
    };
    let request = TxRequest::Legacy(LegacyTx {
        chain_id,
        nonce,
        gas_price,
        gas_limit,
        to,
        value,
        input,
    });
    Ok((request, TxSignature { r, s, y_parity }))
}

/// `[chainId, nonce, gasPrice, gas, to, value, data, accessList, yParity, r, s]`
fn decode_2930(payload: &[u8]) -> Result<(TxRequest, TxSignature), TxError> {
    let mut f = Fields::top(payload, "AccessListTx")?;
    let chain_id = f.u256("chainId")?;
    let nonce = f.u64("nonce")?;
    let gas_price = f.u256("gasPrice")?;
    let gas_limit = f.u64("gas")?;
    let to = f.kind("to")?;
    let value = f.u256("value")?;
    let input = f.bytes("data")?;
    let access_list = f.access_list("accessList")?;
    let y_parity = f.u256("yParity")?;
    let r = f.u256("r")?;
    let s = f.u256("s")?;
    f.finish()?;

    let request = TxRequest::Eip2930(Eip2930Tx {
        chain_id: to_chain_id(chain_id)?,
        nonce,
        gas_price: to_fee(gas_price, TxError::FeeCapVeryHigh)?,
        gas_limit,
        to,
        value,
        input,
        access_list,
    });
    Ok((
        request,
        TxSignature {
            r,
            s,
            y_parity: to_y_parity(y_parity)?,
        },
    ))
}

/// `[chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gas, to, value, data, accessList,
/// yParity, r, s]`
fn decode_1559(payload: &[u8]) -> Result<(TxRequest, TxSignature), TxError> {
    let mut f = Fields::top(payload, "DynamicFeeTx")?;
    let chain_id = f.u256("chainId")?;
    let nonce = f.u64("nonce")?;
    let tip = f.u256("maxPriorityFeePerGas")?;
    let fee_cap = f.u256("maxFeePerGas")?;
    let gas_limit = f.u64("gas")?;
    let to = f.kind("to")?;
    let value = f.u256("value")?;
    let input = f.bytes("data")?;
    let access_list = f.access_list("accessList")?;
    let y_parity = f.u256("yParity")?;
    let r = f.u256("r")?;
    let s = f.u256("s")?;
    f.finish()?;

    let request = TxRequest::Eip1559(Eip1559Tx {
        chain_id: to_chain_id(chain_id)?,
        nonce,
        max_priority_fee_per_gas: to_fee(tip, TxError::TipVeryHigh)?,
        max_fee_per_gas: to_fee(fee_cap, TxError::FeeCapVeryHigh)?,
        gas_limit,
        to,
        value,
        input,
        access_list,
    });
    Ok((
        request,
        TxSignature {
            r,
            s,
            y_parity: to_y_parity(y_parity)?,
        },
    ))
}

/// Checks r and s as geth's `ValidateSignatureValues` (with EIP-2), then recovers the signer.
fn recover_sender(prehash: &B256, sig: &TxSignature) -> Result<Address, TxError> {
    if sig.r.is_zero() || sig.s.is_zero() {
        return Err(TxError::InvalidSignature("r and s must be non-zero"));
    }
    if sig.r >= SECP256K1_N || sig.s >= SECP256K1_N {
        return Err(TxError::InvalidSignature(
            "r and s must be below the secp256k1 order",
        ));
    }
    if sig.s > SECP256K1_HALF_N {
        return Err(TxError::InvalidSignature(
            "s is in the upper half of the curve order (EIP-2)",
        ));
    }
    recover_address(prehash, sig)
        .ok_or(TxError::InvalidSignature("no public key recovers from it"))
}

/// The address whose key made `sig` over `prehash`, by libsecp256k1's `ecdsa_recover`; `None`
/// when no key recovers. r and s must already be checked (non-zero, below n, low s).
///
/// This is exactly what k256's `VerifyingKey::recover_from_prehash` computes (the test
/// `libsecp256k1_recovers_as_k256` compares the two), at a fraction of the cost: k256's
/// curve arithmetic is slower, and it verifies the signature again with the key it recovered,
/// which for a key recovered from that very signature cannot fail (its one extra rule, low s,
/// is checked by `recover_sender` first).
fn recover_address(prehash: &B256, sig: &TxSignature) -> Option<Address> {
    use secp256k1::ecdsa::{RecoverableSignature, RecoveryId as SecpRecoveryId};
    static CONTEXT: std::sync::LazyLock<secp256k1::Secp256k1<secp256k1::VerifyOnly>> =
        std::sync::LazyLock::new(secp256k1::Secp256k1::verification_only);

    let mut rs = [0u8; 64];
    rs[..32].copy_from_slice(&sig.r.to_be_bytes::<32>());
    rs[32..].copy_from_slice(&sig.s.to_be_bytes::<32>());
    let recid = SecpRecoveryId::from_i32(i32::from(sig.y_parity)).ok()?;
    let signature = RecoverableSignature::from_compact(&rs, recid).ok()?;
    let message = secp256k1::Message::from_digest(prehash.0);
    let key = CONTEXT.recover_ecdsa(&message, &signature).ok()?;
    // An address is the last 20 bytes of keccak256(x || y).
    let point = key.serialize_uncompressed();
    Some(Address::from_slice(&keccak256(&point[1..])[12..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dev::CHAIN_ID;
    use alloy_primitives::{address, b256, hex};
    use proptest::prelude::*;

    fn key(hex_key: &str) -> SigningKey {
        SigningKey::from_slice(&hex::decode(hex_key).unwrap()).unwrap()
    }

    fn decode_hex(raw: &str) -> Result<SignedTx, TxError> {
        SignedTx::decode(&hex::decode(raw).unwrap())
    }

    /// The example transaction of EIP-155.
    const EIP155_RAW: &str = "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";

    fn eip155_request() -> TxRequest {
        TxRequest::Legacy(LegacyTx {
            chain_id: Some(1),
            nonce: 9,
            gas_price: 20_000_000_000,
            gas_limit: 21_000,
            to: TxKind::Call(address!("3535353535353535353535353535353535353535")),
            value: U256::from(1_000_000_000_000_000_000u128),
            input: Bytes::new(),
        })
    }

    fn sample_access_list() -> Vec<AccessListItem> {
        vec![
            AccessListItem {
                address: address!("0000000000000000000000000000000000000001"),
                storage_keys: vec![B256::ZERO, B256::with_last_byte(7)],
            },
            AccessListItem {
                address: Address::repeat_byte(0xab),
                storage_keys: vec![],
            },
        ]
    }

    fn sample_requests() -> Vec<TxRequest> {
        let to = TxKind::Call(Address::repeat_byte(0x11));
        vec![
            TxRequest::Legacy(LegacyTx {
                chain_id: None,
                nonce: 0,
                gas_price: 1,
                gas_limit: 100_000,
                to: TxKind::Create,
                value: U256::ZERO,
                input: Bytes::from_static(&[0x60, 0x00, 0x60, 0x00, 0xf3]),
            }),
            eip155_request(),
            TxRequest::Legacy(LegacyTx {
                chain_id: Some(CHAIN_ID),
                nonce: 7,
                gas_price: 100_000_000,
                gas_limit: 30_000,
                to,
                value: U256::from(5u8),
                input: Bytes::from_static(b"hello"),
            }),
            TxRequest::Eip2930(Eip2930Tx {
                chain_id: CHAIN_ID,
                nonce: 1,
                gas_price: 100_000_000,
                gas_limit: 60_000,
                to,
                value: U256::MAX,
                input: Bytes::from(vec![0u8; 100]),
                access_list: sample_access_list(),
            }),
            TxRequest::Eip1559(Eip1559Tx {
                chain_id: CHAIN_ID,
                nonce: u64::MAX,
                max_priority_fee_per_gas: 0,
                max_fee_per_gas: u128::MAX,
                gas_limit: 30_000_000,
                to: TxKind::Create,
                value: U256::from(1u8),
                input: Bytes::from(vec![0xfe; 300]),
                access_list: sample_access_list(),
            }),
        ]
    }

    const DEV_KEY: &str = "b6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";

    /// Re-wraps RLP items as a list, to build malformed legacy transactions.
    fn list_of(items: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        rlp_list(&mut out, |p| {
            items.iter().for_each(|i| p.extend_from_slice(i))
        });
        out
    }

    /// The nine items of the EIP-155 example, each RLP-encoded.
    fn eip155_items() -> Vec<Vec<u8>> {
        let raw = hex::decode(EIP155_RAW).unwrap();
        let mut buf = &raw[..];
        let header = Header::decode(&mut buf).unwrap();
        assert!(header.list);
        let mut items = Vec::new();
        while !buf.is_empty() {
            let before = buf;
            let h = Header::decode(&mut buf).unwrap();
            buf = &buf[h.payload_length..];
            items.push(before[..before.len() - buf.len()].to_vec());
        }
        items
    }

    fn assert_rlp_err(result: Result<SignedTx, TxError>, needle: &str) {
        match result {
            Err(TxError::Rlp(msg)) => assert!(msg.contains(needle), "{msg:?} lacks {needle:?}"),
            other => panic!("expected an rlp error containing {needle:?}, got {other:?}"),
        }
    }

    #[test]
    fn curve_constants() {
        assert_eq!(
            SECP256K1_N,
            U256::from_be_slice(&hex!(
                "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"
            ))
        );
        assert_eq!(SECP256K1_HALF_N, SECP256K1_N >> 1);
    }

    #[test]
    fn dev_key_address() {
        assert_eq!(
            address_of(&key(DEV_KEY)),
            address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E")
        );
    }

    #[test]
    fn eip155_example_decodes() {
        let tx = decode_hex(EIP155_RAW).unwrap();
        assert_eq!(tx.request, eip155_request());
        assert_eq!(
            tx.sender,
            address!("9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F")
        );
        assert_eq!(tx.hash, keccak256(hex::decode(EIP155_RAW).unwrap()));
        assert_eq!(tx.v(), U256::from(37u8));
        assert_eq!(tx.tx_type(), LEGACY_TX_TYPE);
        assert_eq!(hex::encode(tx.encode()), EIP155_RAW);
        // The signing data and hash given in EIP-155.
        assert_eq!(
            tx.request.signing_hash(),
            b256!("daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53")
        );
        assert_eq!(tx.check_chain_id(1), Ok(()));
        assert_eq!(
            tx.check_chain_id(CHAIN_ID),
            Err(TxError::WrongChainId {
                have: 1,
                want: CHAIN_ID
            })
        );
    }

    #[test]
    fn eip155_example_signs_identically() {
        let signer = key("4646464646464646464646464646464646464646464646464646464646464646");
        let tx = SignedTx::sign(eip155_request(), &signer);
        assert_eq!(hex::encode(tx.encode()), EIP155_RAW);
        assert_eq!(
            tx.sender,
            address!("9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F")
        );
        assert_eq!(tx, decode_hex(EIP155_RAW).unwrap());
    }

    /// geth core/types TestRecipientEmpty: an unprotected (v = 28) contract creation.
    #[test]
    fn geth_homestead_vector() {
        let tx = decode_hex("f8498080808080011ca09b16de9d5bdee2cf56c28d16275a4da68cd30273e2525f3959f5d62557489921a0372ebd8fb3345f7db7b5a86d42e24d36e983e259b0664ceb8c227ec9af572f3d").unwrap();
        let signer = key("45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8");
        assert_eq!(tx.sender, address_of(&signer));
        assert_eq!(tx.request.chain_id(), None);
        assert_eq!(tx.request.to(), TxKind::Create);
        assert_eq!(tx.request.input().as_ref(), &[0x01]);
        assert_eq!(tx.v(), U256::from(28u8));
        assert_eq!(tx.check_chain_id(CHAIN_ID), Ok(()));
    }

    /// alloy-consensus test_decode_live_legacy_tx: mainnet tx 0x280cde…fc4.
    #[test]
    fn mainnet_legacy_vector() {
        let raw = "f9015482078b8505d21dba0083022ef1947a250d5630b4cf539739df2c5dacb4c659f2488d880c46549a521b13d8b8e47ff36ab50000000000000000000000000000000000000000000066ab5a608bd00a23f2fe000000000000000000000000000000000000000000000000000000000000008000000000000000000000000048c04ed5691981c42154c6167398f95e8f38a7ff00000000000000000000000000000000000000000000000000000000632ceac70000000000000000000000000000000000000000000000000000000000000002000000000000000000000000c02aaa39b223fe8d0a0e5c4f27ead9083c756cc20000000000000000000000006c6ee5e31d828de241282b9606c8e98ea48526e225a0c9077369501641a92ef7399ff81c21639ed4fd8fc69cb793cfa1dbfab342e10aa0615facb2f1bcf3274a354cfe384a38d0cc008a11c2dd23a69111bc6930ba27a8";
        let tx = decode_hex(raw).unwrap();
        assert_eq!(
            tx.hash,
            b256!("280cde7cdefe4b188750e76c888f13bd05ce9a4d7767730feefe8a0e50ca6fc4")
        );
        assert_eq!(
            tx.sender,
            address!("a12e1462d0ceD572f396F58B6E2D03894cD7C8a4")
        );
        assert_eq!(tx.request.chain_id(), Some(1));
        assert_eq!(
            tx.request.to(),
            TxKind::Call(address!("7a250d5630B4cF539739dF2C5dAcb4c659F2488D"))
        );
        assert_eq!(hex::encode(tx.encode()), raw);
    }

    /// alloy-consensus test_decode_live_1559_tx: mainnet tx 0xce4dc6…b31.
    #[test]
    fn mainnet_1559_vector() {
        let raw = "02f86f0102843b9aca0085029e7822d68298f094d9e1459a7a482635700cbc20bbaf52d495ab9c9680841b55ba3ac080a0c199674fcb29f353693dd779c017823b954b3c69dffa3cd6b2a6ff7888798039a028ca912de909e7e6cdef9cdcaf24c54dd8c1032946dfa1d85c206b32a9064fe8";
        let tx = decode_hex(raw).unwrap();
        assert_eq!(
            tx.hash,
            b256!("ce4dc6d7a7549a98ee3b071b67e970879ff51b5b95d1c340bacd80fa1e1aab31")
        );
        assert_eq!(
            tx.sender,
            address!("001e2b7dE757bA469a57bF6b23d982458a07eFcE")
        );
        assert_eq!(tx.tx_type(), EIP1559_TX_TYPE);
        assert_eq!(tx.request.chain_id(), Some(1));
        assert_eq!(tx.request.nonce(), 2);
        assert_eq!(tx.request.max_priority_fee_per_gas(), 1_000_000_000);
        assert_eq!(tx.request.max_fee_per_gas(), 0x029e7822d6);
        assert_eq!(tx.request.gas_limit(), 0x98f0);
        assert_eq!(
            tx.request.to(),
            TxKind::Call(address!("D9e1459A7A482635700cBc20BBAF52D495Ab9C96"))
        );
        assert_eq!(tx.request.input().as_ref(), &hex!("1b55ba3a"));
        assert!(tx.request.access_list().is_empty());
        assert_eq!(tx.v(), U256::ZERO);
        assert_eq!(hex::encode(tx.encode()), raw);
    }

    /// geth core/types: `signedEip2718Tx` (TestEIP2718TransactionEncode).
    #[test]
    fn geth_2930_encoding_vector() {
        let raw = "01f8630103018261a894b94f5374fce5edbc8e2a8697c15331677e6ebf0b0a825544c001a0c9519f4f2b30335884581971573fadf60c6204f59a911df35ee8a540456b2660a032f1e8e2c5dd761f9e4f88f41c8310aeaba26a8bfcdacfedfa12ec3862d37521";
        let tx = decode_hex(raw).unwrap();
        let expected = TxRequest::Eip2930(Eip2930Tx {
            chain_id: 1,
            nonce: 3,
            gas_price: 1,
            gas_limit: 25_000,
            to: TxKind::Call(address!("b94f5374fce5edbc8e2a8697c15331677e6ebf0b")),
            value: U256::from(10u8),
            input: Bytes::from_static(&hex!("5544")),
            access_list: vec![],
        });
        assert_eq!(tx.request, expected);
        assert!(tx.signature.y_parity);
        assert_eq!(tx.v(), U256::from(1u8));
        assert_eq!(hex::encode(tx.encode()), raw);
    }

    /// geth core/types TestEIP2930Signer: `AccessListTx{ChainID: 1, Nonce: 1}` signed with
    /// geth's test key; RFC 6979 makes the resulting hash reproducible.
    #[test]
    fn geth_2930_signer_vector() {
        let signer = key("b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291");
        assert_eq!(
            address_of(&signer),
            address!("71562b71999873DB5b286dF957af199Ec94617F7")
        );
        let request = TxRequest::Eip2930(Eip2930Tx {
            chain_id: 1,
            nonce: 1,
            gas_price: 0,
            gas_limit: 0,
            to: TxKind::Create,
            value: U256::ZERO,
            input: Bytes::new(),
            access_list: vec![],
        });
        assert_eq!(
            request.signing_hash(),
            b256!("846ad7672f2a3a40c1f959cd4a8ad21786d620077084d84c8d7c077714caa139")
        );
        let tx = SignedTx::sign(request, &signer);
        assert_eq!(
            tx.hash,
            b256!("1ccd12d8bbdb96ea391af49a35ab641e219b2dd638dea375f2bc94dd290f2549")
        );
        assert_eq!(SignedTx::decode(&tx.encode()).unwrap(), tx);
    }

    #[test]
    fn round_trips_all_types() {
        let signer = key(DEV_KEY);
        let sender = address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E");
        for request in sample_requests() {
            let signed = SignedTx::sign(request.clone(), &signer);
            let raw = signed.encode();
            assert_eq!(signed.hash, keccak256(&raw));
            let decoded = SignedTx::decode(&raw).unwrap();
            assert_eq!(decoded, signed);
            assert_eq!(decoded.sender, sender);
            assert_eq!(decoded.request, request);
            assert_eq!(decoded.encode(), raw);
            assert_eq!(
                raw.first().map(|b| *b > 0x7f),
                Some(request.tx_type() == LEGACY_TX_TYPE)
            );
            if request.tx_type() != LEGACY_TX_TYPE {
                assert_eq!(raw[0], request.tx_type());
            }
            // Deterministic signing.
            assert_eq!(SignedTx::sign(request, &signer), signed);
        }
    }

    #[test]
    fn accessors() {
        let [legacy, _, _, al, dynamic]: [TxRequest; 5] = sample_requests().try_into().unwrap();
        assert_eq!(legacy.tx_type(), 0);
        assert_eq!(al.tx_type(), 1);
        assert_eq!(dynamic.tx_type(), 2);
        assert_eq!(legacy.chain_id(), None);
        assert_eq!(al.chain_id(), Some(CHAIN_ID));
        assert_eq!(legacy.to().to(), None);
        assert_eq!(al.to().to(), Some(Address::repeat_byte(0x11)));
        assert_eq!(al.value(), U256::MAX);
        assert_eq!(al.access_list(), sample_access_list().as_slice());
        assert!(legacy.access_list().is_empty());
        assert_eq!(legacy.gas_price(), Some(1));
        assert_eq!(dynamic.gas_price(), None);
        assert_eq!(dynamic.nonce(), u64::MAX);
        assert_eq!(dynamic.gas_limit(), 30_000_000);
    }

    /// geth TestEffectiveGasPrice.
    #[test]
    fn effective_gas_price() {
        let legacy = TxRequest::Legacy(LegacyTx {
            chain_id: Some(1),
            nonce: 0,
            gas_price: 1000,
            gas_limit: 0,
            to: TxKind::Create,
            value: U256::ZERO,
            input: Bytes::new(),
        });
        let dynamic = TxRequest::Eip1559(Eip1559Tx {
            chain_id: 1,
            nonce: 0,
            max_priority_fee_per_gas: 1000,
            max_fee_per_gas: 4000,
            gas_limit: 0,
            to: TxKind::Create,
            value: U256::ZERO,
            input: Bytes::new(),
            access_list: vec![],
        });
        assert_eq!(legacy.effective_gas_price(2000), 1000);
        assert_eq!(legacy.effective_gas_price(0), 1000);
        assert_eq!(dynamic.effective_gas_price(2000), 3000);
        assert_eq!(dynamic.effective_gas_price(0), 1000);
        assert_eq!(dynamic.effective_gas_price(3500), 4000);
        assert_eq!(dynamic.effective_gas_price(u128::MAX), 4000);
        assert_eq!(dynamic.max_fee_per_gas(), 4000);
        assert_eq!(legacy.max_fee_per_gas(), 1000);
        assert_eq!(legacy.max_priority_fee_per_gas(), 1000);
    }

    #[test]
    fn intrinsic_gas_rules() {
        let call = |input: &[u8], access_list: Vec<AccessListItem>| {
            TxRequest::Eip1559(Eip1559Tx {
                chain_id: 1,
                nonce: 0,
                max_priority_fee_per_gas: 0,
                max_fee_per_gas: 0,
                gas_limit: 0,
                to: TxKind::Call(Address::ZERO),
                value: U256::ZERO,
                input: Bytes::copy_from_slice(input),
                access_list,
            })
        };
        assert_eq!(intrinsic_gas(&call(&[], vec![])), 21_000);
        // geth TestIntrinsicGas-style data: 2 zero and 2 non-zero bytes.
        assert_eq!(
            intrinsic_gas(&call(&hex!("0000a6bc"), vec![])),
            21_000 + 2 * 4 + 2 * 16
        );
        // Two addresses and two keys.
        assert_eq!(
            intrinsic_gas(&call(&[], sample_access_list())),
            21_000 + 2 * 2_400 + 2 * 1_900
        );

        let create = |len: usize| {
            TxRequest::Legacy(LegacyTx {
                chain_id: None,
                nonce: 0,
                gas_price: 0,
                gas_limit: 0,
                to: TxKind::Create,
                value: U256::ZERO,
                input: Bytes::from(vec![0xff; len]),
            })
        };
        assert_eq!(intrinsic_gas(&create(0)), 53_000);
        assert_eq!(intrinsic_gas(&create(32)), 53_000 + 32 * 16 + 2);
        assert_eq!(intrinsic_gas(&create(33)), 53_000 + 33 * 16 + 2 * 2);
        // The EIP-155 example is a plain transfer.
        assert_eq!(intrinsic_gas(&eip155_request()), 21_000);
    }

    #[test]
    fn receipt_helpers() {
        // Examples from alloy-primitives' docs (mainnet deployments).
        let deployer = address!("b20a608c624Ca5003905aA834De7156C68b2E1d0");
        assert_eq!(
            contract_address(deployer, 0),
            address!("00000000219ab540356cBB839Cbe05303d7705Fa")
        );
        assert_eq!(
            contract_address(deployer, 1),
            address!("e33c6e89e69d085897f98e92b06ebd541d1daa99")
        );
        assert_eq!(
            create2_address(
                address!("5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f"),
                b256!("2b2f5776e38002e0c013d0d89828fdb06fee595ea2d5ed4b194e3883e823e350"),
                b256!("96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f"),
            ),
            address!("0d4a11d5EEaaC28EC3F61d100daF4d40471f1852")
        );

        assert_eq!(logs_bloom(&[]), Bloom::default());
        let log = Log {
            address: Address::repeat_byte(0x42),
            topics: vec![B256::repeat_byte(1), B256::repeat_byte(2)],
            data: Bytes::from_static(b"not in the bloom"),
        };
        let bloom = logs_bloom(std::slice::from_ref(&log));
        assert!(bloom.contains_raw_log(log.address, &log.topics));
        assert!(!bloom.contains_raw_log(Address::repeat_byte(0x43), &[]));
        // Each of the three inputs sets at most three bits.
        let bits: u32 = bloom.as_slice().iter().map(|b| b.count_ones()).sum();
        assert!((3..=9).contains(&bits), "{bits} bits set");
        let mut expected = Bloom::default();
        expected.m3_2048(log.address.as_slice());
        log.topics
            .iter()
            .for_each(|t| expected.m3_2048(t.as_slice()));
        assert_eq!(bloom, expected);
    }

    #[test]
    fn rejects_unsupported_types() {
        // alloy-consensus test_decode_live_4844_tx (Sepolia).
        let blob = "03f9011d83aa36a7820fa28477359400852e90edd0008252089411e9ca82a3a762b4b5bd264d4173a242e7a770648080c08504a817c800f8a5a0012ec3d6f66766bedb002a190126b3549fce0047de0d4c25cffce0dc1c57921aa00152d8e24762ff22b1cfd9f8c0683786a7ca63ba49973818b3d1e9512cd2cec4a0013b98c6c83e066d5b14af2b85199e3d4fc7d1e778dd53130d180f5077e2d1c7a001148b495d6e859114e670ca54fb6e2657f0cbae5b08063605093a4b3dc9f8f1a0011ac212f13c5dff2b2c6b600a79635103d6f580a4221079951181b25c7e654901a0c8de4cced43169f9aa3d36506363b2d2c44f6c49fc1fd91ea114c86f3757077ea01e11fdd0d1934eda0492606ee0bb80a7bf8f35cc5f86ec60fe5031ba48bfd544";
        let err = decode_hex(blob).unwrap_err();
        assert_eq!(err, TxError::TxTypeNotSupported(3));
        assert!(
            err.to_string()
                .starts_with("transaction type not supported: 0x03"),
            "{err}"
        );
        for ty in [0x00, 0x04, 0x05, 0x64, 0x6a, 0x7f] {
            assert_eq!(
                SignedTx::decode(&[ty, 0xc0]),
                Err(TxError::TxTypeNotSupported(ty))
            );
        }
        assert_eq!(SignedTx::decode(&[]), Err(TxError::ShortTypedTx));
        assert_eq!(SignedTx::decode(&[0x02]), Err(TxError::ShortTypedTx));
        assert_eq!(
            TxError::ShortTypedTx.to_string(),
            "typed transaction too short"
        );
    }

    #[test]
    fn rejects_high_s() {
        for raw in [hex::decode(EIP155_RAW).unwrap(), sign_sample(4)] {
            let tx = SignedTx::decode(&raw).unwrap();
            // (r, n - s) with the parity flipped is the same signature, mathematically.
            let mut malleated = tx.clone();
            malleated.signature.s = SECP256K1_N - tx.signature.s;
            malleated.signature.y_parity = !tx.signature.y_parity;
            let err = SignedTx::decode(&malleated.encode()).unwrap_err();
            assert!(
                matches!(err, TxError::InvalidSignature(m) if m.contains("EIP-2")),
                "{err}"
            );
            assert!(err
                .to_string()
                .starts_with("invalid transaction v, r, s values"));
        }
    }

    fn sign_sample(index: usize) -> Vec<u8> {
        SignedTx::sign(sample_requests().swap_remove(index), &key(DEV_KEY)).encode()
    }

    #[test]
    fn rejects_bad_signature_values() {
        let tx = decode_hex(EIP155_RAW).unwrap();
        let with = |f: &dyn Fn(&mut TxSignature)| {
            let mut bad = tx.clone();
            f(&mut bad.signature);
            SignedTx::decode(&bad.encode())
        };
        let invalid = |r: Result<SignedTx, TxError>| matches!(r, Err(TxError::InvalidSignature(_)));
        assert!(invalid(with(&|s| s.r = U256::ZERO)));
        assert!(invalid(with(&|s| s.s = U256::ZERO)));
        assert!(invalid(with(&|s| s.r = SECP256K1_N)));
        assert!(invalid(with(&|s| s.r = U256::MAX)));
        assert!(invalid(with(&|s| s.s = SECP256K1_N)));
        assert!(invalid(with(&|s| s.s = SECP256K1_HALF_N + U256::from(1u8))));
        // Valid-looking values that sign something else recover another address.
        let other = with(&|s| s.r = U256::from(12345u32));
        assert!(
            matches!(&other, Err(TxError::InvalidSignature(_)))
                || other.unwrap().sender != tx.sender
        );

        // Legacy v outside {27, 28, >= 35}.
        let mut items = eip155_items();
        for v in [0u8, 1, 26, 29, 34] {
            items[6] = alloy_rlp::encode(v);
            let err = SignedTx::decode(&list_of(&items)).unwrap_err();
            assert!(
                matches!(err, TxError::InvalidSignature(m) if m.contains("v must be")),
                "{err}"
            );
        }
        // v = 27 turns the example into an unprotected tx with a different signing hash.
        items[6] = alloy_rlp::encode(27u8);
        let unprotected = SignedTx::decode(&list_of(&items));
        assert!(
            matches!(&unprotected, Err(TxError::InvalidSignature(_)))
                || unprotected.unwrap().sender != tx.sender
        );
        // A chain id beyond u64.
        items[6] = alloy_rlp::encode(U256::from(u64::MAX) * U256::from(2u8) + U256::from(37u8));
        assert_eq!(
            SignedTx::decode(&list_of(&items)),
            Err(TxError::ChainIdTooLarge)
        );

        // Typed: y parity must be 0 or 1.
        let raw = sign_sample(4);
        let signed = SignedTx::decode(&raw).unwrap();
        let TxRequest::Eip1559(body) = &signed.request else {
            unreachable!()
        };
        let mut out = vec![EIP1559_TX_TYPE];
        rlp_list(&mut out, |p| {
            encode_1559_body(body, p);
            2u8.encode(p);
            signed.signature.r.encode(p);
            signed.signature.s.encode(p);
        });
        let err = SignedTx::decode(&out).unwrap_err();
        assert!(
            matches!(err, TxError::InvalidSignature(m) if m.contains("parity")),
            "{err}"
        );
    }

    #[test]
    fn rejects_trailing_bytes() {
        for raw in [
            hex::decode(EIP155_RAW).unwrap(),
            sign_sample(3),
            sign_sample(4),
        ] {
            for extra in [&[0x00][..], &[0x80], &[0xc0], &raw[..]] {
                let mut long = raw.clone();
                long.extend_from_slice(extra);
                assert_rlp_err(
                    SignedTx::decode(&long),
                    "input contains more than one value",
                );
            }
        }
    }

    #[test]
    fn rejects_truncated_input() {
        for raw in [
            hex::decode(EIP155_RAW).unwrap(),
            sign_sample(0),
            sign_sample(3),
            sign_sample(4),
        ] {
            for len in 0..raw.len() {
                assert!(
                    SignedTx::decode(&raw[..len]).is_err(),
                    "prefix of {len} bytes decoded"
                );
            }
        }
        assert_rlp_err(
            SignedTx::decode(&hex::decode(&EIP155_RAW[..EIP155_RAW.len() - 2]).unwrap()),
            "value size exceeds available input length",
        );
    }

    #[test]
    fn rejects_wrong_list_structure() {
        let items = eip155_items();
        assert_eq!(items.len(), 9);
        assert_rlp_err(SignedTx::decode(&list_of(&items[..8])), "too few elements");
        assert_rlp_err(SignedTx::decode(&list_of(&items[..0])), "too few elements");
        let mut more = items.clone();
        more.push(vec![0x80]);
        assert_rlp_err(
            SignedTx::decode(&list_of(&more)),
            "too many elements for LegacyTx",
        );
        // A list where the nonce should be.
        let mut nested = items.clone();
        nested[0] = vec![0xc1, 0x09];
        assert_rlp_err(
            SignedTx::decode(&list_of(&nested)),
            "expected input string or byte",
        );
        // A string where the list should be.
        assert_rlp_err(
            SignedTx::decode(&[0x83, 1, 2, 3]),
            "expected input list for LegacyTx",
        );
        // A 19-byte recipient.
        let mut short_to = items.clone();
        short_to[3] = alloy_rlp::encode(Bytes::from(vec![0x35; 19]));
        assert_rlp_err(
            SignedTx::decode(&list_of(&short_to)),
            "too short for Address",
        );
        // A nonce over 64 bits.
        let mut big_nonce = items.clone();
        big_nonce[0] = alloy_rlp::encode(Bytes::from(vec![0x01; 9]));
        assert_rlp_err(
            SignedTx::decode(&list_of(&big_nonce)),
            "too long for uint64",
        );
        // An element claiming more bytes than its list holds.
        let mut raw = hex::decode(EIP155_RAW).unwrap();
        raw[1] -= 1;
        raw.pop();
        assert_rlp_err(
            SignedTx::decode(&raw),
            "element is larger than containing list",
        );

        // Typed: malformed access lists.
        let raw = sign_sample(3);
        let signed = SignedTx::decode(&raw).unwrap();
        let TxRequest::Eip2930(body) = &signed.request else {
            unreachable!()
        };
        let reencode = |access_list: &[u8]| {
            let mut out = vec![EIP2930_TX_TYPE];
            rlp_list(&mut out, |p| {
                let mut fields = Vec::new();
                encode_2930_body(body, &mut fields);
                let al_len = {
                    let mut al = Vec::new();
                    encode_access_list(&body.access_list, &mut al);
                    al.len()
                };
                p.extend_from_slice(&fields[..fields.len() - al_len]);
                p.extend_from_slice(access_list);
                u8::from(signed.signature.y_parity).encode(p);
                signed.signature.r.encode(p);
                signed.signature.s.encode(p);
            });
            SignedTx::decode(&out)
        };
        // Sanity: the original access list re-encodes to a valid tx.
        let mut al = Vec::new();
        encode_access_list(&body.access_list, &mut al);
        assert_eq!(reencode(&al).unwrap(), signed);
        assert_rlp_err(
            reencode(&[0x80]),
            "expected input list, decoding into AccessListTx.accessList",
        );
        // A tuple without its key list.
        let mut tuple_short = Vec::new();
        rlp_list(&mut tuple_short, |p| {
            rlp_list(p, |t| Address::ZERO.encode(t))
        });
        assert_rlp_err(
            reencode(&tuple_short),
            "too few elements, decoding into AccessTuple.storageKeys",
        );
        // A 31-byte storage key.
        let mut short_key = Vec::new();
        rlp_list(&mut short_key, |p| {
            rlp_list(p, |t| {
                Address::ZERO.encode(t);
                rlp_list(t, |k| Bytes::from(vec![1u8; 31]).encode(k));
            })
        });
        assert_rlp_err(reencode(&short_key), "input string too short for [32]byte");
    }

    #[test]
    fn rejects_non_canonical_rlp() {
        let items = eip155_items();
        let cases: Vec<(usize, Vec<u8>, &str)> = vec![
            // nonce 9 as a one-byte string instead of the byte itself
            (0, vec![0x81, 0x09], "non-canonical size information"),
            // nonce with a leading zero
            (0, vec![0x82, 0x00, 0x09], "leading zero"),
            // value zero as 0x00 instead of 0x80
            (4, vec![0x00], "leading zero"),
            // value with a leading zero
            (
                4,
                hex::decode("8900 0de0b6b3a7640000".replace(' ', "")).unwrap(),
                "leading zero",
            ),
            // s padded to 33 bytes
            (
                8,
                [&[0xa1, 0x00][..], &items[8][1..]].concat(),
                "too long for uint256",
            ),
            // long-form length for a short string
            (5, vec![0xb8, 0x01, 0xff], "non-canonical size information"),
        ];
        for (index, item, needle) in cases {
            let mut bad = items.clone();
            bad[index] = item;
            assert_rlp_err(SignedTx::decode(&list_of(&bad)), needle);
        }
        // Long-form list header for a payload under 56 bytes.
        assert_rlp_err(
            SignedTx::decode(&[0xf8, 0x01, 0x80]),
            "non-canonical size information",
        );
        // A long-form length with a leading zero byte.
        let mut raw = hex::decode(EIP155_RAW).unwrap();
        raw.splice(0..1, [0xf9, 0x00]);
        assert_rlp_err(SignedTx::decode(&raw), "non-canonical size information");
    }

    #[test]
    fn rejects_oversized_fees() {
        let mut items = eip155_items();
        items[1] = alloy_rlp::encode(U256::from(u128::MAX) + U256::from(1u8));
        assert_eq!(
            SignedTx::decode(&list_of(&items)),
            Err(TxError::FeeCapVeryHigh)
        );
    }

    fn valid_samples() -> Vec<Vec<u8>> {
        let mut samples = vec![hex::decode(EIP155_RAW).unwrap()];
        samples.extend((0..5).map(sign_sample));
        samples
    }

    #[derive(Debug, Clone)]
    enum Mutation {
        Set(usize, u8),
        Insert(usize, u8),
        Remove(usize),
        Truncate(usize),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            4 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
            1 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
            1 => any::<usize>().prop_map(Mutation::Remove),
            1 => any::<usize>().prop_map(Mutation::Truncate),
        ]
    }

    fn check_decode(raw: &[u8]) {
        if let Ok(tx) = SignedTx::decode(raw) {
            // Only canonical encodings are accepted, so decoding loses nothing.
            assert_eq!(tx.encode(), raw);
            assert_eq!(tx.hash, keccak256(raw));
        }
    }

    fn arb_kind() -> impl Strategy<Value = TxKind> {
        prop_oneof![
            Just(TxKind::Create),
            any::<[u8; 20]>().prop_map(|a| TxKind::Call(a.into()))
        ]
    }

    fn arb_access_list() -> impl Strategy<Value = Vec<AccessListItem>> {
        proptest::collection::vec(
            (
                any::<[u8; 20]>(),
                proptest::collection::vec(any::<[u8; 32]>(), 0..3),
            )
                .prop_map(|(a, keys)| AccessListItem {
                    address: a.into(),
                    storage_keys: keys.into_iter().map(B256::from).collect(),
                }),
            0..3,
        )
    }

    fn arb_request() -> impl Strategy<Value = TxRequest> {
        let common = (
            any::<u64>(),
            any::<u128>(),
            any::<u64>(),
            arb_kind(),
            any::<[u8; 32]>().prop_map(U256::from_be_bytes),
            proptest::collection::vec(any::<u8>(), 0..80).prop_map(Bytes::from),
        );
        (
            0u8..3,
            any::<Option<u64>>(),
            any::<u128>(),
            arb_access_list(),
            common,
        )
            .prop_map(
                |(ty, chain_id, tip, access_list, (nonce, fee, gas_limit, to, value, input))| {
                    match ty {
                        0 => TxRequest::Legacy(LegacyTx {
                            chain_id,
                            nonce,
                            gas_price: fee,
                            gas_limit,
                            to,
                            value,
                            input,
                        }),
                        1 => TxRequest::Eip2930(Eip2930Tx {
                            chain_id: chain_id.unwrap_or(0),
                            nonce,
                            gas_price: fee,
                            gas_limit,
                            to,
                            value,
                            input,
                            access_list,
                        }),
                        _ => TxRequest::Eip1559(Eip1559Tx {
                            chain_id: chain_id.unwrap_or(0),
                            nonce,
                            max_priority_fee_per_gas: tip,
                            max_fee_per_gas: fee,
                            gas_limit,
                            to,
                            value,
                            input,
                            access_list,
                        }),
                    }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn decode_never_panics_on_random_bytes(
            prefix in prop_oneof![Just(vec![]), Just(vec![0x01]), Just(vec![0x02])],
            bytes in proptest::collection::vec(any::<u8>(), 0..300),
        ) {
            check_decode(&[prefix, bytes].concat());
        }

        #[test]
        fn decode_never_panics_on_mutations(
            sample in 0usize..6,
            mutations in proptest::collection::vec(mutation(), 1..4),
        ) {
            let mut raw = valid_samples().swap_remove(sample);
            for m in mutations {
                let len = raw.len();
                match m {
                    Mutation::Set(i, b) if len > 0 => raw[i % len] = b,
                    Mutation::Insert(i, b) => raw.insert(i % (len + 1), b),
                    Mutation::Remove(i) if len > 0 => { raw.remove(i % len); }
                    Mutation::Truncate(i) => raw.truncate(i % (len + 1)),
                    _ => {}
                }
            }
            check_decode(&raw);
        }

        #[test]
        fn sign_decode_round_trip(
            request in arb_request(),
            secret in any::<[u8; 32]>().prop_filter_map("not a valid key", |b| SigningKey::from_slice(&b).ok()),
        ) {
            let signed = SignedTx::sign(request.clone(), &secret);
            let raw = signed.encode();
            let decoded = SignedTx::decode(&raw).unwrap();
            prop_assert_eq!(&decoded.request, &request);
            prop_assert_eq!(decoded.sender, address_of(&secret));
            prop_assert_eq!(decoded.hash, keccak256(&raw));
            prop_assert_eq!(decoded, signed);
        }

        /// Recovery by libsecp256k1 (what decoding uses) gives what k256 gives, for real
        /// signatures under either parity and for arbitrary in-range (r, s), most of which
        /// recover some unrelated key and some none at all.
        #[test]
        fn libsecp256k1_recovers_as_k256(
            secret in any::<[u8; 32]>().prop_filter_map("not a valid key", |b| SigningKey::from_slice(&b).ok()),
            digest in any::<[u8; 32]>(),
            r in any::<[u8; 32]>(),
            s in any::<[u8; 32]>(),
            y_parity in any::<bool>(),
        ) {
            let prehash = B256::from(digest);
            let (sig, recid) = secret.sign_prehash_recoverable(&digest).unwrap();
            let bytes = sig.to_bytes();
            let real = TxSignature {
                r: U256::from_be_slice(&bytes[..32]),
                s: U256::from_be_slice(&bytes[32..]),
                y_parity: recid.is_y_odd(),
            };
            prop_assert_eq!(recover_address(&prehash, &real), Some(address_of(&secret)));
            let flipped = TxSignature { y_parity: !real.y_parity, ..real };
            prop_assert_eq!(recover_address(&prehash, &flipped), k256_recover(&prehash, &flipped));

            // r in [1, n), s in [1, n/2]: what `recover_sender` lets through.
            let arbitrary = TxSignature {
                r: U256::from_be_bytes(r) % (SECP256K1_N - U256::from(1)) + U256::from(1),
                s: U256::from_be_bytes(s) % SECP256K1_HALF_N + U256::from(1),
                y_parity,
            };
            prop_assert_eq!(recover_address(&prehash, &arbitrary), k256_recover(&prehash, &arbitrary));
        }
    }

    /// The recovery decoding used before libsecp256k1, kept as the reference.
    fn k256_recover(prehash: &B256, sig: &TxSignature) -> Option<Address> {
        use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
        let mut rs = [0u8; 64];
        rs[..32].copy_from_slice(&sig.r.to_be_bytes::<32>());
        rs[32..].copy_from_slice(&sig.s.to_be_bytes::<32>());
        let signature = Signature::from_slice(&rs).ok()?;
        let recid = RecoveryId::new(sig.y_parity, false);
        let key = VerifyingKey::recover_from_prehash(prehash.as_slice(), &signature, recid).ok()?;
        Some(Address::from_public_key(&key))
    }

    #[test]
    fn libsecp256k1_and_k256_agree_at_the_edges() {
        let prehash = keccak256(b"edge");
        let one = U256::from(1);
        for (r, s) in [
            (one, one),
            (SECP256K1_N - one, one),
            (one, SECP256K1_HALF_N),
            (SECP256K1_N - one, SECP256K1_HALF_N),
            // Small values.
            (U256::from(2), U256::from(3)),
        ] {
            for y_parity in [false, true] {
                let sig = TxSignature { r, s, y_parity };
                assert_eq!(recover_address(&prehash, &sig), k256_recover(&prehash, &sig), "{sig:?}");
            }
        }
        // The zero digest.
        let sig = TxSignature { r: U256::from(5), s: U256::from(7), y_parity: false };
        assert_eq!(recover_address(&B256::ZERO, &sig), k256_recover(&B256::ZERO, &sig));
    }
}
