//! Ethereum's Merkle-Patricia state root and EIP-1186 proofs over the node's state, built with
//! alloy-trie's `HashBuilder` (reth's trie builder): accounts keyed by keccak(address), each
//! leaf RLP([nonce, balance, storageRoot, codeHash]); storage tries keyed by keccak(slot), each
//! leaf the RLP of the slot's nonzero value.
//!
//! The node keeps plain maps, not a trie, so a root is built from sorted leaves when it is asked
//! for. The caller says where storage roots come from (`storage_root_of`), so that it can serve
//! the roots of unchanged accounts from a cache and a root costs one pass over the accounts.
//!
//! Accounts that EIP-161 calls empty (no nonce, balance or code) are not in the trie: geth (and
//! so Nitro) deletes them at the end of the transaction that touched them, while this node's
//! maps may keep them.

use std::collections::HashMap;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_trie::{
    proof::{ProofNodes, ProofRetainer},
    HashBuilder, Nibbles, TrieAccount,
};

use super::state::{Account, Snapshot, EMPTY_CODE_HASH};

/// The root of an empty trie, keccak256(rlp("")).
pub const EMPTY_ROOT: B256 = alloy_trie::EMPTY_ROOT_HASH;

/// One slot's EIP-1186 proof: the trie nodes from the storage root down to the slot's leaf, or
/// to where its path leaves the trie (an absent slot, value zero).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageProof {
    pub key: B256,
    pub value: U256,
    pub proof: Vec<Bytes>,
}

/// An account's EIP-1186 proof (eth_getProof), against `state_root`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountProof {
    pub state_root: B256,
    pub address: Address,
    pub balance: U256,
    pub nonce: u64,
    /// keccak256("") for an account without code, and for an absent one (as geth and anvil).
    pub code_hash: B256,
    /// [`EMPTY_ROOT`] for an account without storage, and for an absent one.
    pub storage_hash: B256,
    pub account_proof: Vec<Bytes>,
    pub storage_proof: Vec<StorageProof>,
}

/// A storage map's root.
pub fn storage_root(slots: Option<&HashMap<B256, B256>>) -> B256 {
    build(&storage_leaves(slots), &[]).0
}

/// The state root of `snapshot`; `storage_root_of` gives each account's storage root (e.g.
/// [`storage_root`] of its slots, or a cached one).
pub fn state_root(snapshot: &Snapshot, storage_root_of: impl FnMut(&Address) -> B256) -> B256 {
    build(&account_leaves(snapshot, storage_root_of), &[]).0
}

/// The EIP-1186 proof of `address` and its slots `keys` in `snapshot`.
pub fn prove(
    snapshot: &Snapshot,
    address: Address,
    keys: &[B256],
    mut storage_root_of: impl FnMut(&Address) -> B256,
) -> AccountProof {
    let account = snapshot.accounts.get(&address).filter(|a| !a.is_empty());
    let slots = snapshot.storage.get(&address);
    let (storage_hash, storage_proof) = if account.is_some() {
        let hashed: Vec<B256> = keys.iter().map(keccak256).collect();
        let (root, nodes) = build(&storage_leaves(slots), &hashed);
        let proofs = keys
            .iter()
            .zip(&hashed)
            .map(|(key, hashed)| StorageProof {
                key: *key,
                value: slot_value(slots, key),
                proof: path(&nodes, hashed),
            })
            .collect();
        (root, proofs)
    } else {
        // Absent: every slot is proven absent by the empty storage trie.
        let empty = vec![Bytes::from_static(&[alloy_rlp::EMPTY_STRING_CODE])];
        let proofs = keys
            .iter()
            .map(|key| StorageProof {
                key: *key,
                value: U256::ZERO,
                proof: empty.clone(),
            })
            .collect();
        (EMPTY_ROOT, proofs)
    };
    let hashed_address = keccak256(address);
    let leaves = account_leaves(snapshot, |a| {
        if *a == address {
            storage_hash
        } else {
            storage_root_of(a)
        }
    });
    let (state_root, nodes) = build(&leaves, &[hashed_address]);
    AccountProof {
        state_root,
        address,
        balance: account.map_or(U256::ZERO, |a| a.balance),
        nonce: account.map_or(0, |a| a.nonce),
        code_hash: account.map_or(EMPTY_CODE_HASH, |a| a.code_hash),
        storage_hash,
        account_proof: path(&nodes, &hashed_address),
        storage_proof,
    }
}

/// An account's leaf value: RLP([nonce, balance, storageRoot, codeHash]).
pub fn account_leaf(account: &Account, storage_root: B256) -> Vec<u8> {
    alloy_rlp::encode(TrieAccount {
        nonce: account.nonce,
        balance: account.balance,
        storage_root,
        code_hash: account.code_hash,
    })
}

fn slot_value(slots: Option<&HashMap<B256, B256>>, key: &B256) -> U256 {
    slots
        .and_then(|s| s.get(key))
        .map_or(U256::ZERO, |v| U256::from_be_bytes(v.0))
}

/// (keccak(slot), RLP(value)) of the nonzero slots, sorted by hashed key.
fn storage_leaves(slots: Option<&HashMap<B256, B256>>) -> Vec<(B256, Vec<u8>)> {
    let mut leaves: Vec<(B256, Vec<u8>)> = slots
        .into_iter()
        .flatten()
        .filter(|(_, value)| !value.is_zero())
        .map(|(key, value)| {
            (
                keccak256(key),
                alloy_rlp::encode(U256::from_be_bytes(value.0)),
            )
        })
        .collect();
    leaves.sort_unstable_by_key(|leaf| leaf.0);
    leaves
}

/// (keccak(address), account leaf) of the non-empty accounts, sorted by hashed key.
fn account_leaves(
    snapshot: &Snapshot,
    mut storage_root_of: impl FnMut(&Address) -> B256,
) -> Vec<(B256, Vec<u8>)> {
    let mut leaves: Vec<(B256, Vec<u8>)> = snapshot
        .accounts
        .iter()
        .filter(|(_, account)| !account.is_empty())
        .map(|(address, account)| {
            (
                keccak256(address),
                account_leaf(account, storage_root_of(address)),
            )
        })
        .collect();
    leaves.sort_unstable_by_key(|leaf| leaf.0);
    leaves
}

/// Builds a trie from sorted leaves; keeps the nodes on the paths to `targets` (hashed keys).
fn build(leaves: &[(B256, Vec<u8>)], targets: &[B256]) -> (B256, ProofNodes) {
    let mut builder = HashBuilder::default();
    if !targets.is_empty() {
        builder = builder.with_proof_retainer(ProofRetainer::new(
            targets.iter().map(Nibbles::unpack).collect(),
        ));
    }
    for (key, value) in leaves {
        builder.add_leaf(Nibbles::unpack(key), value);
    }
    let root = builder.root();
    (root, builder.take_proof_nodes())
}

/// The proof of one hashed key: the nodes from the root along its path, as geth lists them.
/// Nodes shorter than 32 bytes are left out (but for the root): they sit inline in their
/// parent, which the proof already has.
fn path(nodes: &ProofNodes, hashed_key: &B256) -> Vec<Bytes> {
    nodes
        .matching_nodes_sorted(&Nibbles::unpack(hashed_key))
        .into_iter()
        .filter(|(prefix, node)| prefix.is_empty() || node.len() >= 32)
        .map(|(_, node)| node)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{b256, hex};
    use alloy_trie::proof::verify_proof;

    fn slots(entries: &[(u8, u8)]) -> HashMap<B256, B256> {
        entries
            .iter()
            .map(|(k, v)| (B256::with_last_byte(*k), B256::with_last_byte(*v)))
            .collect()
    }

    #[test]
    fn the_empty_tries() {
        assert_eq!(EMPTY_ROOT, keccak256([alloy_rlp::EMPTY_STRING_CODE]));
        assert_eq!(storage_root(None), EMPTY_ROOT);
        assert_eq!(
            storage_root(Some(&slots(&[(1, 0)]))),
            EMPTY_ROOT,
            "zero slots are not in the trie"
        );
        assert_eq!(state_root(&Snapshot::default(), |_| EMPTY_ROOT), EMPTY_ROOT);
        let mut snapshot = Snapshot::default();
        snapshot
            .accounts
            .insert(Address::with_last_byte(1), Account::default());
        assert_eq!(
            state_root(&snapshot, |_| EMPTY_ROOT),
            EMPTY_ROOT,
            "EIP-161 empty accounts are not in the trie"
        );
    }

    /// One slot, worked by hand: the root is a lone leaf node, RLP([hex-prefix path, RLP(value)]).
    #[test]
    fn a_one_slot_trie_by_hand() {
        let one = slots(&[(0, 0x2a)]);
        let key = keccak256(B256::ZERO);
        // Leaf with an even path of 64 nibbles: prefix byte 0x20, then the 32 key bytes.
        let mut path = vec![0x20];
        path.extend_from_slice(key.as_slice());
        // RLP list of 35 payload bytes (0xe3): the path as a 33-byte string (0xa1 ‖ path),
        // then the value RLP(42) = 0x2a, a single byte below 0x80 that encodes as itself.
        let mut node = vec![0xe3, 0xa1];
        node.extend_from_slice(&path);
        node.push(0x2a);
        assert_eq!(node.len(), 36);
        assert_eq!(storage_root(Some(&one)), keccak256(&node));
    }

    /// Two accounts whose hashed keys differ in the first nibble: a root branch with two leaves.
    #[test]
    fn a_two_account_trie_by_hand() {
        let a = Address::with_last_byte(1);
        let b = Address::with_last_byte(2);
        let (ka, kb) = (keccak256(a), keccak256(b));
        assert_ne!(
            ka[0] >> 4,
            kb[0] >> 4,
            "the vector relies on different first nibbles"
        );
        let mut snapshot = Snapshot::default();
        let account = |n: u64| Account {
            nonce: n,
            balance: U256::from(n * 1000),
            ..Account::default()
        };
        snapshot.accounts.insert(a, account(1));
        snapshot.accounts.insert(b, account(2));

        let leaf = |key: B256, acct: &Account| {
            // Odd path of 63 nibbles after the branch: hex-prefix 0x3 then the 63 nibbles.
            let mut encoded_path = vec![0x30 | (key[0] & 0x0f)];
            encoded_path.extend_from_slice(&key[1..]);
            let mut out = Vec::new();
            alloy_rlp::encode_list::<_, [u8]>(
                &[&encoded_path[..], &account_leaf(acct, EMPTY_ROOT)[..]],
                &mut out,
            );
            out
        };
        let (la, lb) = (leaf(ka, &account(1)), leaf(kb, &account(2)));
        let mut children: Vec<Vec<u8>> = vec![vec![0x80]; 17];
        children[usize::from(ka[0] >> 4)] = alloy_rlp::encode(keccak256(&la));
        children[usize::from(kb[0] >> 4)] = alloy_rlp::encode(keccak256(&lb));
        let payload: Vec<u8> = children.concat();
        let mut branch = Vec::new();
        alloy_rlp::Header {
            list: true,
            payload_length: payload.len(),
        }
        .encode(&mut branch);
        branch.extend_from_slice(&payload);
        assert_eq!(state_root(&snapshot, |_| EMPTY_ROOT), keccak256(&branch));

        let proof = prove(&snapshot, a, &[], |_| EMPTY_ROOT);
        assert_eq!(
            proof.account_proof,
            vec![Bytes::from(branch), Bytes::from(la)]
        );
    }

    /// The account leaf of an EOA as geth and anvil encode it (anvil's proof of a prefunded
    /// 10,000 ETH account, nonce 0).
    #[test]
    fn account_leaf_matches_anvils() {
        let account = Account {
            balance: U256::from(10_000u128 * 10u128.pow(18)),
            ..Account::default()
        };
        assert_eq!(
            hex::encode(account_leaf(&account, EMPTY_ROOT)),
            "f84e808a021e19e0c9bab2400000a056e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421a0c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
    }

    #[test]
    fn proofs_verify_for_present_and_absent_keys() {
        let mut snapshot = Snapshot::default();
        for n in 1..=40u8 {
            let address = Address::with_last_byte(n);
            snapshot.accounts.insert(
                address,
                Account {
                    nonce: u64::from(n),
                    ..Account::default()
                },
            );
        }
        let contract = Address::with_last_byte(7);
        snapshot.storage.insert(
            contract,
            (1..=30u8)
                .map(|k| (B256::with_last_byte(k), B256::with_last_byte(k)))
                .collect(),
        );
        let roots = |a: &Address| storage_root(snapshot.storage.get(a));
        let root = state_root(&snapshot, roots);
        let keys = [B256::with_last_byte(3), B256::with_last_byte(200)];
        let proof = prove(&snapshot, contract, &keys, roots);
        assert_eq!(proof.state_root, root);
        assert_eq!(
            proof.storage_hash,
            storage_root(snapshot.storage.get(&contract))
        );
        let leaf = account_leaf(&snapshot.accounts[&contract], proof.storage_hash);
        verify_proof(
            root,
            Nibbles::unpack(keccak256(contract)),
            Some(leaf),
            &proof.account_proof,
        )
        .unwrap();
        assert_eq!(proof.storage_proof[0].value, U256::from(3));
        verify_proof(
            proof.storage_hash,
            Nibbles::unpack(keccak256(keys[0])),
            Some(alloy_rlp::encode(U256::from(3))),
            &proof.storage_proof[0].proof,
        )
        .unwrap();
        assert_eq!(proof.storage_proof[1].value, U256::ZERO);
        verify_proof(
            proof.storage_hash,
            Nibbles::unpack(keccak256(keys[1])),
            None,
            &proof.storage_proof[1].proof,
        )
        .unwrap();

        let absent = prove(&snapshot, Address::with_last_byte(99), &keys, roots);
        assert_eq!(
            (
                absent.balance,
                absent.nonce,
                absent.code_hash,
                absent.storage_hash
            ),
            (U256::ZERO, 0, EMPTY_CODE_HASH, EMPTY_ROOT)
        );
        verify_proof(
            root,
            Nibbles::unpack(keccak256(Address::with_last_byte(99))),
            None,
            &absent.account_proof,
        )
        .unwrap();
        assert_eq!(
            absent.storage_proof[0].proof,
            vec![Bytes::from_static(&[0x80])]
        );
    }

    /// A known root: anvil 1.7.1 with `--hardfork shanghai --disable-default-create2-deployer`
    /// holds exactly the test mnemonic's first 10 accounts, 10,000 ETH each, and gives its
    /// (empty) block 1 this `stateRoot`.
    #[test]
    fn ten_prefunded_accounts_give_anvils_root() {
        let mut snapshot = Snapshot::default();
        for account in crate::dev::accounts::derive_accounts(crate::dev::TEST_MNEMONIC, 10).unwrap()
        {
            let balance = U256::from(10_000u128 * 10u128.pow(18));
            snapshot.accounts.insert(
                account.address,
                Account {
                    balance,
                    ..Account::default()
                },
            );
        }
        assert_eq!(
            state_root(&snapshot, |_| EMPTY_ROOT),
            b256!("e914d7e6a70676d0aecddd6b3e1110d78639f4e45a167334b8ba589316f48632")
        );
    }

    #[test]
    fn empty_code_hash_is_keccak_of_nothing() {
        assert_eq!(EMPTY_CODE_HASH, keccak256([]));
        assert_eq!(
            EMPTY_CODE_HASH,
            b256!("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        );
    }
}
