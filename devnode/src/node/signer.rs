//! eth_sendTransaction: the node completes a transaction for one of its own accounts and signs
//! it, filling what the wallet left out as geth does (the next nonce counting queued
//! transactions, an estimated gas limit, fees from the base fee).

use alloy_primitives::{keccak256, Address, B256, U256};

use super::{eip712, DevNode, NodeError};
use crate::engine::{
    chain::CallRequest,
    tx::{self, AccessListItem, SignedTx, TxKind, TxRequest, TxSignature},
};

/// The fields of a transaction object that a call does not have; each is filled in if absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TxFields {
    pub nonce: Option<u64>,
    pub gas_price: Option<u128>,
    pub max_fee_per_gas: Option<u128>,
    pub max_priority_fee_per_gas: Option<u128>,
    pub access_list: Vec<AccessListItem>,
    pub tx_type: Option<u64>,
}

impl DevNode {
    /// Signs a 32-byte digest with the key of one of the node's accounts: `r ‖ s ‖ v`, v 27 or
    /// 28, as eth_sign returns it (deterministic RFC 6979 nonces, low s).
    pub fn sign_digest(&self, signer: &Address, digest: &B256) -> Result<[u8; 65], NodeError> {
        let account = self.accounts.iter().find(|a| a.address == *signer).ok_or(NodeError::NoSigner(*signer))?;
        let (signature, recovery) = account
            .key
            .sign_prehash_recoverable(digest.as_slice())
            .expect("RFC 6979 signing of a 32-byte digest cannot fail");
        let mut out = [0u8; 65];
        out[..64].copy_from_slice(&signature.to_bytes());
        out[64] = 27 + recovery.is_y_odd() as u8;
        Ok(out)
    }

    /// eth_sign and personal_sign: EIP-191's `"\x19Ethereum Signed Message:\n" ‖ len ‖ message`.
    pub fn sign_message(&self, signer: &Address, message: &[u8]) -> Result<[u8; 65], NodeError> {
        self.sign_digest(signer, &personal_message_hash(message))
    }

    /// eth_signTypedData_v4: EIP-712's signing hash of `typed`, signed.
    pub fn sign_typed_data(&self, signer: &Address, typed: &serde_json::Value) -> Result<[u8; 65], NodeError> {
        // Which account first, as anvil: an unknown one is refused before the data is read.
        self.accounts.iter().find(|a| a.address == *signer).ok_or(NodeError::NoSigner(*signer))?;
        let digest = eip712::signing_hash(typed).map_err(NodeError::InvalidTypedData)?;
        self.sign_digest(signer, &digest)
    }

    /// eth_sendTransaction's transaction: signed with the key of `request.from` if the node
    /// holds it, or, from an account impersonated with anvil_impersonateAccount, accepted
    /// unsigned as anvil does (see [`impersonated`]). Either way completed as
    /// [`Self::complete_request`] does.
    pub fn transaction_from(&mut self, request: CallRequest, fields: TxFields) -> Result<SignedTx, NodeError> {
        // As anvil: impersonation comes first, even for an account the node holds a key for.
        if self.is_impersonated(&request.from) {
            let from = request.from;
            let body = self.complete_request(request, fields)?;
            return Ok(impersonated(body, from));
        }
        self.sign_for_dev_account(request, fields)
    }

    /// Completes `request` + `fields` and signs it with the key of `request.from`.
    pub fn sign_for_dev_account(&mut self, request: CallRequest, fields: TxFields) -> Result<SignedTx, NodeError> {
        let Some(account) = self.accounts.iter().find(|a| a.address == request.from) else {
            return Err(NodeError::UnknownAccount(request.from));
        };
        let key = account.key.clone();
        let body = self.complete_request(request, fields)?;
        Ok(SignedTx::sign(body, &key))
    }

    /// Fills what the wallet left out: the next nonce (counting queued transactions), an
    /// estimated gas limit, fees. Legacy if asked for (type 0, or a gas price without a fee
    /// cap), EIP-1559 otherwise: tip 0, fee cap twice the base fee.
    pub fn complete_request(&mut self, request: CallRequest, fields: TxFields) -> Result<TxRequest, NodeError> {
        let chain_id = self.engine.config().chain_id;
        let base_fee = self.engine.config().base_fee;
        let nonce = fields.nonce.unwrap_or_else(|| self.next_nonce(&request.from));
        let gas_limit = match request.gas {
            Some(gas) => gas,
            None => self.estimate_gas(&request, crate::engine::query::BlockId::Latest)?,
        };
        let to = request.to.map_or(TxKind::Create, TxKind::Call);
        let legacy = fields.tx_type == Some(0) || (fields.gas_price.is_some() && fields.max_fee_per_gas.is_none());
        let body = if legacy {
            TxRequest::Legacy(tx::LegacyTx {
                chain_id: Some(chain_id),
                nonce,
                gas_price: fields.gas_price.unwrap_or(base_fee),
                gas_limit,
                to,
                value: request.value,
                input: request.input,
            })
        } else {
            TxRequest::Eip1559(tx::Eip1559Tx {
                chain_id,
                nonce,
                max_priority_fee_per_gas: fields.max_priority_fee_per_gas.unwrap_or(0),
                max_fee_per_gas: fields.max_fee_per_gas.unwrap_or(2 * base_fee),
                gas_limit,
                to,
                value: request.value,
                input: request.input,
                access_list: fields.access_list,
            })
        };
        Ok(body)
    }
}

/// A transaction from an impersonated account, as anvil builds one: signature r = s = 1
/// (clients refuse zero scalars), the sender given rather than recovered, and a hash that
/// also covers the sender, keccak256(network encoding ‖ sender), so the same request from two
/// impersonated accounts has two hashes.
pub fn impersonated(request: TxRequest, sender: Address) -> SignedTx {
    let signature = TxSignature { r: U256::from(1u8), s: U256::from(1u8), y_parity: false };
    let mut tx = SignedTx { request, signature, hash: B256::ZERO, sender };
    let raw = tx.encode();
    let mut preimage = Vec::with_capacity(raw.len() + 24);
    if tx.request.tx_type() != 0 {
        alloy_rlp::Header { list: false, payload_length: raw.len() }.encode(&mut preimage);
    }
    preimage.extend_from_slice(&raw);
    preimage.extend_from_slice(sender.as_slice());
    tx.hash = keccak256(preimage);
    tx
}

/// EIP-191 version 0x45: the hash eth_sign and personal_sign sign.
pub fn personal_message_hash(message: &[u8]) -> B256 {
    let mut preimage = format!("\x19Ethereum Signed Message:\n{}", message.len()).into_bytes();
    preimage.extend_from_slice(message);
    keccak256(preimage)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        dev::accounts::dev_accounts,
        engine::chain::{ChainConfig, Engine},
    };
    use alloy_primitives::{Address, U256};

    fn node() -> DevNode {
        let accounts = dev_accounts(0);
        let alloc = [(accounts[0].address, U256::from(10u128.pow(20)))];
        DevNode::new(Engine::new(ChainConfig::default(), &alloc), accounts, false, true)
    }

    #[test]
    fn fills_what_the_wallet_left_out() {
        let mut node = node();
        let from = node.accounts[0].address;
        let to = Some(Address::repeat_byte(0x42));
        let request = CallRequest { from, to, value: U256::from(5u64), ..CallRequest::default() };
        let tx = node.sign_for_dev_account(request.clone(), TxFields::default()).unwrap();
        assert_eq!(tx.sender, from);
        assert_eq!(tx.request.tx_type(), 2);
        assert_eq!((tx.request.nonce(), tx.request.gas_limit()), (0, 21_000));
        assert_eq!(tx.request.max_fee_per_gas(), 2 * node.engine.config().base_fee);
        node.submit(tx).unwrap();

        // The queued transaction counts for the next nonce; a gas price alone means legacy.
        let fields = TxFields { gas_price: Some(300_000_000), ..TxFields::default() };
        let legacy = node.sign_for_dev_account(request, fields).unwrap();
        assert_eq!((legacy.request.tx_type(), legacy.request.nonce()), (0, 1));
        assert_eq!(legacy.request.chain_id(), Some(crate::dev::CHAIN_ID));
    }

    /// EIP-712's own example, signed with its key (keccak256("cow")): the signature the EIP
    /// gives.
    #[test]
    fn typed_data_signatures_match_the_eip() {
        let cow = crate::dev::accounts::DevAccount::from_private_key(&keccak256("cow")).unwrap();
        assert_eq!(cow.address, alloy_primitives::address!("CD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"));
        let mut node = node();
        node.accounts.push(cow.clone());
        let signature = node.sign_typed_data(&cow.address, &super::eip712::tests_support::mail()).unwrap();
        let expected = alloy_primitives::hex!(
            "4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d"
            "07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562"
            "1c"
        );
        assert_eq!(signature, expected);
        let stranger = Address::repeat_byte(7);
        assert_eq!(node.sign_message(&stranger, b"hi").unwrap_err(), NodeError::NoSigner(stranger));
    }

    /// geth's personal_sign vector: "hello" hashed per EIP-191.
    #[test]
    fn personal_messages_are_prefixed() {
        assert_eq!(
            personal_message_hash(b"hello"),
            alloy_primitives::b256!("50b2c43fd39106bafbba0da34fc430e1f91e3c96ea2acee2bc34119f92b37750")
        );
    }

    #[test]
    fn refuses_accounts_without_a_key() {
        let mut node = node();
        let stranger = Address::repeat_byte(1);
        let request = CallRequest { from: stranger, ..CallRequest::default() };
        assert_eq!(node.sign_for_dev_account(request, TxFields::default()).unwrap_err(), NodeError::UnknownAccount(stranger));
    }
}
