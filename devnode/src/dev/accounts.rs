//! The node's prefunded dev accounts: Nitro's published dev key first, then the accounts of
//! the standard test mnemonic (anvil's and hardhat's) along `m/44'/60'/0'/0/i`.
//!
//! BIP-39 seed (PBKDF2-HMAC-SHA512) and BIP-32 private derivation are implemented here on
//! `hmac`, `sha2` and `k256` so that no wallet crate is needed. Only what deriving keys from
//! a mnemonic needs is here: no wordlist or checksum check (BIP-39's seed does not depend on
//! either), no extended public keys, no serialisation.

use alloy_primitives::{Address, B256};
use hmac::{Hmac, Mac};
use k256::{ecdsa::SigningKey, elliptic_curve::PrimeField, FieldBytes, Scalar};
use sha2::Sha512;

use super::{DEV_KEY, TEST_MNEMONIC};

/// BIP-32's offset of hardened child indices (`i'` or `iH` in a path).
pub const HARDENED: u32 = 1 << 31;

/// BIP-44's `m/44'/60'/0'/0`: account `i` is its normal child `i`.
pub const ETH_ACCOUNTS_PATH: [u32; 4] = [44 | HARDENED, 60 | HARDENED, HARDENED, 0];

/// BIP-39's PBKDF2 iteration count.
const BIP39_ROUNDS: u32 = 2048;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountsError {
    /// BIP-39 normalises the mnemonic and passphrase to Unicode NFKD, which is not
    /// implemented; for ASCII text NFKD is the identity, so ASCII is all that is accepted
    /// rather than deriving a seed that other wallets would not.
    #[error("the mnemonic and passphrase must be ASCII (Unicode NFKD normalisation is not implemented)")]
    NotAscii,
    #[error("the mnemonic is empty")]
    EmptyMnemonic,
    /// BIP-32: the master key is invalid if the seed's HMAC gives zero or a number not below
    /// the curve order (probability about 2^-127).
    #[error("the seed gives an invalid BIP-32 master key")]
    InvalidMasterKey,
    /// BIP-32: child `path` is invalid (probability about 2^-127). The spec says to proceed
    /// with the next index; wallets disagree on what that means for an account list, so this
    /// refuses instead of silently renumbering.
    #[error("BIP-32 derivation of {path} gives an invalid key; use another index")]
    InvalidChild { path: String },
    /// Account indices are normal (non-hardened) BIP-32 indices, below 2^31.
    #[error("too many accounts: {count} (indices must be below 2^31)")]
    TooManyAccounts { count: usize },
}

/// A funded account the node can sign for.
#[derive(Clone)]
pub struct DevAccount {
    pub key: SigningKey,
    pub address: Address,
}

impl DevAccount {
    pub fn from_key(key: SigningKey) -> Self {
        let address = Address::from_private_key(&key);
        Self { key, address }
    }

    /// From a 32-byte private key; `None` if it is zero or not below the curve order.
    pub fn from_private_key(key: &B256) -> Option<Self> {
        SigningKey::from_slice(key.as_slice()).ok().map(Self::from_key)
    }

    /// The private key's big-endian bytes.
    pub fn private_key(&self) -> B256 {
        B256::from_slice(&self.key.to_bytes())
    }
}

impl std::fmt::Debug for DevAccount {
    /// The address only: the key stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevAccount").field("address", &self.address).finish_non_exhaustive()
    }
}

/// Nitro's dev account, then accounts `0..count` of [`TEST_MNEMONIC`].
pub fn dev_accounts(count: usize) -> Vec<DevAccount> {
    let nitro = DevAccount::from_private_key(&DEV_KEY).expect("Nitro's dev key is a valid key");
    let mut accounts = Vec::with_capacity(count + 1);
    accounts.push(nitro);
    accounts.extend(derive_accounts(TEST_MNEMONIC, count).expect("the test mnemonic derives its accounts"));
    accounts
}

/// Accounts `m/44'/60'/0'/0/i` for `i` in `0..count` of `mnemonic` with an empty passphrase.
pub fn derive_accounts(mnemonic: &str, count: usize) -> Result<Vec<DevAccount>, AccountsError> {
    derive_accounts_with_passphrase(mnemonic, "", count)
}

/// [`derive_accounts`] with a BIP-39 passphrase.
pub fn derive_accounts_with_passphrase(
    mnemonic: &str,
    passphrase: &str,
    count: usize,
) -> Result<Vec<DevAccount>, AccountsError> {
    if count > HARDENED as usize {
        return Err(AccountsError::TooManyAccounts { count });
    }
    let seed = bip39_seed(mnemonic, passphrase)?;
    let parent = ExtendedKey::master(&seed)?.derive(&ETH_ACCOUNTS_PATH)?;
    (0..count as u32)
        .map(|index| {
            let child = parent.child(index).map_err(|_| AccountsError::InvalidChild {
                path: format_path(&[&ETH_ACCOUNTS_PATH[..], &[index]].concat()),
            })?;
            Ok(DevAccount::from_key(child.signing_key()))
        })
        .collect()
}

/// BIP-39's seed: PBKDF2-HMAC-SHA512 of the mnemonic, salt `"mnemonic" + passphrase`, 2048
/// rounds, 64 bytes. Words are rejoined with single spaces (surrounding and repeated
/// whitespace is dropped); the words themselves are not checked against the wordlist.
pub fn bip39_seed(mnemonic: &str, passphrase: &str) -> Result<[u8; 64], AccountsError> {
    if !mnemonic.is_ascii() || !passphrase.is_ascii() {
        return Err(AccountsError::NotAscii);
    }
    let words: Vec<&str> = mnemonic.split_whitespace().collect();
    if words.is_empty() {
        return Err(AccountsError::EmptyMnemonic);
    }
    let salt = format!("mnemonic{passphrase}");
    Ok(pbkdf2_hmac_sha512(words.join(" ").as_bytes(), salt.as_bytes(), BIP39_ROUNDS))
}

/// RFC 8018 PBKDF2 with HMAC-SHA512 for a 64-byte key: one block, `T_1 = U_1 ^ ... ^ U_c`.
fn pbkdf2_hmac_sha512(password: &[u8], salt: &[u8], rounds: u32) -> [u8; 64] {
    let prf = Hmac::<Sha512>::new_from_slice(password).expect("HMAC accepts keys of any length");
    let mut mac = prf.clone();
    mac.update(salt);
    mac.update(&1u32.to_be_bytes());
    let mut u: [u8; 64] = mac.finalize().into_bytes().into();
    let mut t = u;
    for _ in 1..rounds {
        let mut mac = prf.clone();
        mac.update(&u);
        u = mac.finalize().into_bytes().into();
        for (t, u) in t.iter_mut().zip(u) {
            *t ^= u;
        }
    }
    t
}

fn hmac_sha512(key: &[u8], parts: &[&[u8]]) -> [u8; 64] {
    let mut mac = Hmac::<Sha512>::new_from_slice(key).expect("HMAC accepts keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// `IL` of a BIP-32 HMAC as a scalar; `None` if it is not below the curve order.
fn parse256(bytes: &[u8; 32]) -> Option<Scalar> {
    Scalar::from_repr(FieldBytes::from(*bytes)).into()
}

/// A BIP-32 extended private key: a non-zero secret and its chain code.
#[derive(Clone)]
pub struct ExtendedKey {
    key: Scalar,
    chain_code: [u8; 32],
}

impl ExtendedKey {
    /// BIP-32's master key: `HMAC-SHA512("Bitcoin seed", seed)` split into key and chain code.
    pub fn master(seed: &[u8]) -> Result<Self, AccountsError> {
        let i = hmac_sha512(b"Bitcoin seed", &[seed]);
        let key = parse256(i[..32].try_into().expect("32 bytes"))
            .filter(|k| !bool::from(k.is_zero()))
            .ok_or(AccountsError::InvalidMasterKey)?;
        Ok(Self { key, chain_code: i[32..].try_into().expect("32 bytes") })
    }

    /// `CKDpriv`: hardened if `index >= HARDENED` (HMAC over `0x00 || key`), normal otherwise
    /// (HMAC over the compressed public key). The error's path is relative: `m/<index>`.
    pub fn child(&self, index: u32) -> Result<Self, AccountsError> {
        let index_bytes = index.to_be_bytes();
        let i = if index >= HARDENED {
            hmac_sha512(&self.chain_code, &[&[0u8], &self.key.to_bytes(), &index_bytes])
        } else {
            let public = self.signing_key().verifying_key().to_encoded_point(true);
            hmac_sha512(&self.chain_code, &[public.as_bytes(), &index_bytes])
        };
        let key = parse256(i[..32].try_into().expect("32 bytes"))
            .map(|il| il + self.key)
            .filter(|k| !bool::from(k.is_zero()))
            .ok_or_else(|| AccountsError::InvalidChild { path: format_path(&[index]) })?;
        Ok(Self { key, chain_code: i[32..].try_into().expect("32 bytes") })
    }

    /// Follows `path` (indices below the key, `HARDENED`-or'd where hardened).
    pub fn derive(&self, path: &[u32]) -> Result<Self, AccountsError> {
        let mut key = self.clone();
        for (depth, index) in path.iter().enumerate() {
            key = key.child(*index).map_err(|_| AccountsError::InvalidChild { path: format_path(&path[..=depth]) })?;
        }
        Ok(key)
    }

    /// The private key's big-endian bytes.
    pub fn secret(&self) -> B256 {
        B256::from_slice(&self.key.to_bytes())
    }

    pub fn chain_code(&self) -> B256 {
        B256::from(self.chain_code)
    }

    pub fn signing_key(&self) -> SigningKey {
        SigningKey::from_bytes(&self.key.to_bytes()).expect("extended keys are non-zero and reduced")
    }
}

/// `m/44'/60'/0'/0/3` notation.
pub fn format_path(path: &[u32]) -> String {
    let mut out = String::from("m");
    for index in path {
        if *index >= HARDENED {
            out.push_str(&format!("/{}'", index - HARDENED));
        } else {
            out.push_str(&format!("/{index}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dev::DEV_ADDRESS;
    use alloy_primitives::{address, b256, hex};

    #[test]
    fn nitro_dev_key_is_its_published_address() {
        let accounts = dev_accounts(2);
        assert_eq!(accounts.len(), 3);
        assert_eq!(accounts[0].address, DEV_ADDRESS);
        assert_eq!(accounts[0].private_key(), DEV_KEY);
        assert_eq!(accounts[1].address, address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
        assert_eq!(dev_accounts(0).len(), 1);
    }

    /// anvil's default accounts.
    #[test]
    fn test_mnemonic_gives_anvils_accounts() {
        let accounts = derive_accounts(TEST_MNEMONIC, 10).unwrap();
        assert_eq!(accounts.len(), 10);
        assert_eq!(accounts[0].address, address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
        assert_eq!(
            accounts[0].private_key(),
            b256!("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
        );
        assert_eq!(accounts[1].address, address!("70997970C51812dc3A010C7d01b50e0d17dc79C8"));
        assert_eq!(
            accounts[1].private_key(),
            b256!("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")
        );
        assert_eq!(accounts[9].address, address!("a0Ee7A142d267C1f36714E4a8F75612F20a79720"));
        assert_eq!(
            accounts[9].private_key(),
            b256!("2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6")
        );
        // Whitespace is normalised; a prefix of the list is the same list.
        let spaced = format!("  {}\n", TEST_MNEMONIC.replace(' ', "   "));
        assert_eq!(derive_accounts(&spaced, 2).unwrap()[1].address, accounts[1].address);
        // A passphrase changes everything.
        let other = derive_accounts_with_passphrase(TEST_MNEMONIC, "x", 1).unwrap();
        assert_ne!(other[0].address, accounts[0].address);
    }

    /// BIP-39's first English test vector (passphrase "TREZOR").
    #[test]
    fn bip39_seed_vector() {
        let mnemonic = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
        let seed = bip39_seed(mnemonic, "TREZOR").unwrap();
        assert_eq!(
            hex::encode(seed),
            "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04"
        );
        assert_eq!(bip39_seed(" \t", ""), Err(AccountsError::EmptyMnemonic));
        assert_eq!(bip39_seed(mnemonic, "TRÉZOR"), Err(AccountsError::NotAscii));
    }

    /// RFC 6070-style check of the PBKDF2 loop itself with one and two rounds against HMAC.
    #[test]
    fn pbkdf2_rounds() {
        let one = pbkdf2_hmac_sha512(b"password", b"salt", 1);
        let u1 = hmac_sha512(b"password", &[b"salt", &1u32.to_be_bytes()]);
        assert_eq!(one, u1);
        let two = pbkdf2_hmac_sha512(b"password", b"salt", 2);
        let u2 = hmac_sha512(b"password", &[&u1]);
        let xor: Vec<u8> = u1.iter().zip(u2).map(|(a, b)| a ^ b).collect();
        assert_eq!(two.to_vec(), xor);
        // The published PBKDF2-HMAC-SHA512 vector (password/salt, 1 iteration), first bytes.
        assert_eq!(hex::encode(&one[..8]), "867f70cf1ade02cf");
    }

    /// BIP-32 test vector 1 (seed 000102...0f): the master key and chain m/0H/1, both a
    /// hardened and a normal step.
    #[test]
    fn bip32_vector_1() {
        let seed = hex::decode("000102030405060708090a0b0c0d0e0f").unwrap();
        let master = ExtendedKey::master(&seed).unwrap();
        assert_eq!(master.secret(), b256!("e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35"));
        assert_eq!(master.chain_code(), b256!("873dff81c02f525623fd1fe5167eac3a55a049de3d314bb42ee227ffed37d508"));
        let key = master.derive(&[HARDENED, 1]).unwrap();
        assert_eq!(key.secret(), b256!("3c6cb8d0f6a264c91ea8b5030fadaa8e538b020f0a387421a12de9319dc93368"));
        assert_eq!(key.chain_code(), b256!("2a7857631386ba23dacac34180dd1983734e444fdbf774041578e9b6adb37c19"));
        // Stepwise is the same as a path.
        assert_eq!(master.child(HARDENED).unwrap().child(1).unwrap().secret(), key.secret());
    }

    #[test]
    fn paths_and_limits() {
        assert_eq!(format_path(&ETH_ACCOUNTS_PATH), "m/44'/60'/0'/0");
        assert_eq!(format_path(&[]), "m");
        assert!(derive_accounts(TEST_MNEMONIC, 0).unwrap().is_empty());
        assert_eq!(
            derive_accounts(TEST_MNEMONIC, HARDENED as usize + 1).unwrap_err(),
            AccountsError::TooManyAccounts { count: HARDENED as usize + 1 }
        );
        let debug = format!("{:?}", dev_accounts(0)[0]);
        assert!(debug.to_lowercase().contains("3f1eae7d46d88f08fc2f8ed27fcb2ab183eb2d0e"), "{debug}");
        assert!(!debug.to_lowercase().contains("b6b15c8c"), "{debug}");
    }
}
