//! Where `up` deploys: the embedded dev node, a named network, or any RPC URL.

use std::{path::Path, sync::Arc, time::Duration};

use anyhow::{anyhow, bail, Context, Result};
use ethers::prelude::*;

use super::Client;

/// A network `--network` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Named {
    pub name: &'static str,
    pub chain_id: u64,
    pub rpc_url: &'static str,
}

/// The dev node's chain id (`rigshare up`'s embedded node, `scripts/devnode`, Nitro's dev node).
pub use devnode::dev::CHAIN_ID as DEVNODE_CHAIN_ID;

/// Where the operating commands look when neither `--network` nor `--rpc-url` is given: the
/// node `rigshare up` serves.
pub const DEFAULT_RPC_URL: &str = "http://127.0.0.1:8547";

pub const NETWORKS: &[Named] = &[
    Named { name: "devnode", chain_id: DEVNODE_CHAIN_ID, rpc_url: DEFAULT_RPC_URL },
    Named { name: "arbitrum-sepolia", chain_id: 421_614, rpc_url: "https://sepolia-rollup.arbitrum.io/rpc" },
];

/// The port the embedded node tries first: Nitro's dev node's, so wallets set up for it work.
pub const EMBEDDED_PORT: u16 = 8547;

/// The resolved target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Start a dev node in this process (no `--network`, no `--rpc-url`).
    Embedded,
    /// Talk to `url`; refuse to send when `expect_chain_id` is set and differs.
    Remote { url: String, network: Option<Named> },
}

pub fn lookup(name: &str) -> Result<Named> {
    match NETWORKS.iter().find(|n| n.name == name) {
        Some(n) => Ok(*n),
        None => {
            let known: Vec<_> = NETWORKS.iter().map(|n| n.name).collect();
            bail!("unknown network '{name}'; use one of {} or --rpc-url URL", known.join(", "))
        }
    }
}

pub fn resolve(network: Option<&str>, rpc_url: Option<&str>) -> Result<Target> {
    let named = network.map(lookup).transpose()?;
    Ok(match (named, rpc_url) {
        (None, None) => Target::Embedded,
        (named, Some(url)) => Target::Remote { url: url.to_owned(), network: named },
        (Some(n), None) => Target::Remote { url: n.rpc_url.to_owned(), network: Some(n) },
    })
}

/// The one-line refusal when the endpoint is on another chain than the named network.
pub fn check_chain(network: Option<Named>, url: &str, found: u64) -> Result<()> {
    if let Some(n) = network {
        if n.chain_id != found {
            bail!(
                "{url} is on chain id {found}, but network {} is chain id {}; nothing was sent (fix --rpc-url or --network)",
                n.name,
                n.chain_id
            );
        }
    }
    Ok(())
}

/// A provider for `url` and the chain id it answers with, refused when `network` names another
/// chain. Polls every 10 ms on this machine, every second elsewhere. `unreachable` says what to
/// do when nothing answers (it ends the one-line error).
pub async fn provider(url: &str, network: Option<Named>, unreachable: &str) -> Result<(Provider<Http>, u64)> {
    let local = url.contains("127.0.0.1") || url.contains("localhost");
    let provider = Provider::<Http>::try_from(url)
        .map_err(|_| anyhow!("'{url}' is not a usable RPC URL; pass --rpc-url http(s)://HOST:PORT"))?
        .interval(Duration::from_millis(if local { 10 } else { 1000 }));
    let chain_id = provider
        .get_chainid()
        .await
        .map_err(|e| anyhow!("cannot reach the RPC at {url} ({e}); {unreachable}"))?
        .as_u64();
    check_chain(network, url, chain_id)?;
    Ok((provider, chain_id))
}

/// `provider` signing with `key` (hex, without `0x`) for `chain_id`.
pub fn client(provider: Provider<Http>, key: &str, chain_id: u64) -> Result<Arc<Client>> {
    let wallet: LocalWallet =
        key.parse::<LocalWallet>().map_err(|_| anyhow!("the private key is not 32 bytes of hex"))?.with_chain_id(chain_id);
    Ok(Arc::new(SignerMiddleware::new(provider, wallet)))
}

/// The signing key as hex without `0x`, never echoed: from `--private-key`, else an encrypted
/// JSON keystore (`--keystore`, the format of geth and `cast wallet`; its password from
/// `--password-file` or `RIGSHARE_KEYSTORE_PASSWORD`), else `PRIVATE_KEY`. `None` when none is
/// given.
pub fn signing_key(flag: Option<&str>, keystore: Option<&Path>, password_file: Option<&Path>) -> Result<Option<String>> {
    let hex = |k: &str| Some(k.trim().trim_start_matches("0x").to_owned()).filter(|k| !k.is_empty());
    match (flag, keystore) {
        (Some(_), Some(_)) => bail!("give one key: --private-key or --keystore, not both"),
        (Some(key), None) => Ok(hex(key)),
        (None, Some(path)) => {
            let password = match password_file {
                Some(file) => std::fs::read_to_string(file)
                    .with_context(|| format!("reading the keystore password from {}", file.display()))?
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
                None => std::env::var("RIGSHARE_KEYSTORE_PASSWORD").map_err(|_| {
                    anyhow!("the keystore {} needs its password: pass --password-file FILE or set RIGSHARE_KEYSTORE_PASSWORD", path.display())
                })?,
            };
            let wallet = LocalWallet::decrypt_keystore(path, password).map_err(|e| {
                anyhow!("cannot open the keystore {} ({e}); check the file and its password", path.display())
            })?;
            Ok(Some(ethers::utils::hex::encode(wallet.signer().to_bytes())))
        }
        (None, None) => Ok(std::env::var("PRIVATE_KEY").ok().as_deref().and_then(hex)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_targets() {
        assert_eq!(resolve(None, None).unwrap(), Target::Embedded);
        let Target::Remote { url, network } = resolve(Some("arbitrum-sepolia"), None).unwrap() else { panic!() };
        assert_eq!((url.as_str(), network.unwrap().chain_id), ("https://sepolia-rollup.arbitrum.io/rpc", 421_614));
        let Target::Remote { url, network } = resolve(None, Some("http://x")).unwrap() else { panic!() };
        assert_eq!((url.as_str(), network), ("http://x", None));
        assert!(resolve(Some("mainnet"), None).unwrap_err().to_string().contains("unknown network 'mainnet'"));
    }

    #[test]
    fn wrong_chain_names_both_ids() {
        let err = check_chain(Some(lookup("arbitrum-sepolia").unwrap()), "http://x", DEVNODE_CHAIN_ID).unwrap_err().to_string();
        assert!(err.contains(&DEVNODE_CHAIN_ID.to_string()) && err.contains("421614"), "{err}");
        check_chain(None, "http://x", 1).unwrap();
    }

    #[test]
    fn reads_the_key_from_an_encrypted_keystore() {
        let dir = std::env::temp_dir().join(format!("rigshare-keystore-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (wallet, name) = LocalWallet::new_keystore(&dir, &mut ethers::core::rand::thread_rng(), "hunter2", None).unwrap();
        let keystore = dir.join(name);
        let password = dir.join("password");
        std::fs::write(&password, "hunter2\n").unwrap();
        let key = signing_key(None, Some(&keystore), Some(&password)).unwrap().unwrap();
        assert_eq!(key, ethers::utils::hex::encode(wallet.signer().to_bytes()));

        std::fs::write(&password, "wrong\n").unwrap();
        let err = signing_key(None, Some(&keystore), Some(&password)).unwrap_err().to_string();
        assert!(err.contains("cannot open the keystore") && !err.contains("hunter2"), "{err}");
        let err = signing_key(Some("01"), Some(&keystore), None).unwrap_err().to_string();
        assert!(err.contains("not both"), "{err}");
        assert_eq!(signing_key(Some(" 0xab "), None, None).unwrap().as_deref(), Some("ab"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
