//! eth_sendTransaction: the node completes a transaction for one of its own accounts and signs
//! it, filling what the wallet left out as geth does (the next nonce counting queued
//! transactions, an estimated gas limit, fees from the base fee).

use super::{DevNode, NodeError};
use crate::engine::{
    chain::CallRequest,
    tx::{self, AccessListItem, SignedTx, TxKind, TxRequest},
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
    /// Completes `request` + `fields` and signs it with the key of `request.from`. Legacy if
    /// asked for (type 0, or a gas price without a fee cap), EIP-1559 otherwise: tip 0, fee cap
    /// twice the base fee.
    pub fn sign_for_dev_account(&mut self, request: CallRequest, fields: TxFields) -> Result<SignedTx, NodeError> {
        let Some(account) = self.accounts.iter().find(|a| a.address == request.from) else {
            return Err(NodeError::UnknownAccount(request.from));
        };
        let key = account.key.clone();
        let chain_id = self.engine.config().chain_id;
        let base_fee = self.engine.config().base_fee;
        let nonce = fields.nonce.unwrap_or_else(|| self.next_nonce(&request.from));
        let gas_limit = match request.gas {
            Some(gas) => gas,
            None => self.estimate_gas(&request)?,
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
        Ok(SignedTx::sign(body, &key))
    }
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

    #[test]
    fn refuses_accounts_without_a_key() {
        let mut node = node();
        let stranger = Address::repeat_byte(1);
        let request = CallRequest { from: stranger, ..CallRequest::default() };
        assert_eq!(node.sign_for_dev_account(request, TxFields::default()).unwrap_err(), NodeError::UnknownAccount(stranger));
    }
}
