//! Layer 3, the catalogue: everything the command line knows about each of the system's
//! contracts, one entry (one file) per contract: its crate, its ABI and bindings, how its
//! constructor arguments are made from named inputs, the contracts it needs deployed first,
//! the wiring it needs once everything is deployed, and hints for its errors.
//!
//! The build, `up`, the operating commands, `status`, revert decoding and the tests all read
//! [`ENTRIES`]. Adding a contract to the system is its crate plus one entry file here and its
//! line in [`ENTRIES`]; `tests/catalogue.rs` walks the list and deploys and wires every entry.

pub mod demo_token;
pub mod erc20;
pub mod extensions;
pub mod purchase_order;
pub mod revenue_splitter;
pub mod rig_card;
pub mod rig_deed;
pub mod rig_shares;
pub mod share_sale;

use std::{collections::BTreeMap, future::Future, pin::Pin, sync::{Arc, OnceLock}};

use anyhow::{bail, Context, Result};
use ethers::{
    abi::{Abi, Token},
    prelude::*,
};

use crate::{
    chain::{deployments::ContractRecord, revert::Decoder, Client},
    pipeline::workspace::Contract,
};

/// Every contract, in deployment order: the system `up` deploys, then the tools it builds only.
pub const ENTRIES: &[&Entry] =
    &[
        &extensions::RIG_DEED_ENTRY,
        &rig_deed::ENTRY,
        &rig_card::ENTRY,
        &extensions::RIG_SHARES_ENTRY,
        &rig_shares::ENTRY,
        &extensions::REVENUE_SPLITTER_ENTRY,
        &revenue_splitter::ENTRY,
        &extensions::PURCHASE_ORDERS_ENTRY,
        &purchase_order::ENTRY,
        &demo_token::ENTRY,
        &share_sale::ENTRY,
    ];

/// Holder revenue vests over a week unless chosen otherwise. Without a window, revenue is
/// paid the moment it is deposited, so anyone who buys shares just before a scheduled payout
/// and sells just after takes a full share of revenue the pool earned before they held it; a
/// week of vesting pays that buyer only for the time it held. `--stream-seconds 0` pays at once.
pub const DEFAULT_STREAM_SECONDS: u64 = 7 * 24 * 60 * 60;

/// Most accounts one deployment excludes: each is one transaction before and one after
/// adoption, and a wiring step may take at most this many calls.
pub const MAX_EXCLUSIONS: usize = 32;

/// A future a wiring check returns.
pub type Check<'a> = Pin<Box<dyn Future<Output = Result<Option<ContractCall<Client, ()>>>> + Send + 'a>>;

/// What the command line knows about one contract.
pub struct Entry {
    /// The crate and its `#[entrypoint]` struct (the name is also `abi/<Name>.json`'s stem).
    pub contract: Contract,
    /// `abi/<Name>.json`, as `rigshare abi` generates it.
    pub abi: &'static str,
    /// Whether `rigshare up` deploys it (the system) or it is only built (a dev tool).
    pub deployed_by_up: bool,
    /// Contracts whose addresses its constructor takes: deployed before it.
    pub depends_on: &'static [&'static str],
    /// The value of each constructor parameter, by its ABI name in lower case without
    /// underscores (`initialsupply`), so the ABI alone fixes the order.
    pub constructor_input: fn(&str, &Inputs) -> Option<Token>,
    /// What `up` sets up once every contract is deployed, in order.
    pub wiring: &'static [Wiring],
    /// What to do about one of its errors, by error name.
    pub hints: fn(&str) -> Option<&'static str>,
}

/// The choices behind a deployment of the system (`up`'s flags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemConfig {
    pub deed_name: String,
    pub deed_symbol: String,
    pub pool_name: String,
    pub pool_symbol: String,
    /// Shares minted to the deployer, in base units.
    pub pool_supply: U256,
    /// The first splitter's payout asset (zero = ETH).
    pub payout_asset: Address,
    /// Holder revenue vests over this many seconds (0 = at once); [`DEFAULT_STREAM_SECONDS`]
    /// unless chosen.
    pub stream_seconds: u64,
    /// Accounts that hold shares but must not earn (an AMM pair, a vault): declared on the
    /// splitter before the share token adopts it, applied right after, so no deposit ever
    /// credits them. At most [`MAX_EXCLUSIONS`].
    pub exclusions: Vec<Address>,
    /// The splitter's payees; none leaves them as they are.
    pub payees: Vec<Payee>,
    /// The terms of a raise, for a ShareSale deployment.
    pub sale: SaleTerms,
}

/// A ShareSale's terms (see contracts/share-sale): amounts in base units, times in seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleTerms {
    /// Payment asset (zero = ETH).
    pub asset: Address,
    /// Payment base units per whole share.
    pub price: U256,
    pub start: u64,
    pub end: u64,
    /// Minimum raise, in payment base units.
    pub soft_cap: U256,
    /// Most shares sold, in share base units.
    pub hard_cap: U256,
    pub min_per_account: U256,
    pub max_per_account: U256,
    /// Receives the proceeds (default: the deploying account).
    pub treasury: Option<Address>,
}

impl Default for SaleTerms {
    /// 100,000 shares at 0.001 ETH each, a 10 ETH soft cap, 1 to 25,000 shares an account, open
    /// for a week from time 0 (the command that deploys a sale sets real times).
    fn default() -> Self {
        let share = U256::exp10(18);
        Self {
            asset: Address::zero(),
            price: U256::exp10(15),
            start: 0,
            end: 7 * 24 * 3600,
            soft_cap: U256::exp10(19),
            hard_cap: share * 100_000,
            min_per_account: share,
            max_per_account: share * 25_000,
            treasury: None,
        }
    }
}

impl Default for SystemConfig {
    fn default() -> Self {
        Self {
            deed_name: "rigshare Rig Deed".into(),
            deed_symbol: "RIGD".into(),
            pool_name: "rigshare Pool 1".into(),
            pool_symbol: "RSP1".into(),
            pool_supply: U256::exp10(24),
            payout_asset: Address::zero(),
            stream_seconds: DEFAULT_STREAM_SECONDS,
            exclusions: Vec::new(),
            payees: Vec::new(),
            sale: SaleTerms::default(),
        }
    }
}

/// What constructor arguments are made from.
pub struct Inputs<'a> {
    /// The deploying account (admin, issuer, operator).
    pub signer: Address,
    /// Addresses of the contracts deployed so far, by name.
    pub deployed: &'a BTreeMap<String, Address>,
    pub system: &'a SystemConfig,
}

impl Inputs<'_> {
    /// The address of `name`, which the entry lists in `depends_on`.
    pub fn address_of(&self, name: &str) -> Option<Token> {
        self.deployed.get(name).map(|a| Token::Address(*a))
    }
}

/// One wiring step: `pending` reads the chain and returns the next call still to send, or
/// `None` when the step is in place. A step that needs several calls (one per exclusion) is
/// asked again after each is mined, at most [`MAX_EXCLUSIONS`] times.
pub struct Wiring {
    /// The step's name in the deployments file and the summary (`RigShares.setRevenueSplitter`).
    pub name: &'static str,
    /// Whether this deployment needs the step at all (payees only when some are given).
    pub applies: fn(&SystemConfig) -> bool,
    pub pending: for<'a> fn(&'a Wire<'a>) -> Check<'a>,
}

/// What a wiring step works with.
pub struct Wire<'a> {
    pub client: &'a Arc<Client>,
    pub addresses: &'a BTreeMap<String, Address>,
    pub signer: Address,
    pub system: &'a SystemConfig,
}

impl Wire<'_> {
    /// The deployed address of `name`.
    pub fn address(&self, name: &str) -> Result<Address> {
        self.addresses.get(name).copied().with_context(|| format!("wiring needs {name}, which is not deployed"))
    }
}

/// A fixed cut of every revenue deposit: `[label=]ADDRESS:BPS`, e.g. `hosting=0xabc…:1000`
/// for 10%. The label is only for people; the splitter stores address and basis points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payee {
    pub label: Option<String>,
    pub account: Address,
    pub bps: u16,
}

impl std::str::FromStr for Payee {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> Result<Self> {
        let (label, rest) = match text.split_once('=') {
            Some((label, rest)) => (Some(label.trim().to_owned()), rest),
            None => (None, text),
        };
        let (account, bps) = rest
            .rsplit_once(':')
            .with_context(|| format!("payee '{text}' is not [label=]ADDRESS:BPS (e.g. hosting=0xabc…:1000 for 10%)"))?;
        let account: Address =
            account.trim().parse().map_err(|_| anyhow::anyhow!("payee '{text}': '{account}' is not an address"))?;
        let bps: u16 = bps
            .trim()
            .parse()
            .ok()
            .filter(|b| *b <= 10_000)
            .with_context(|| format!("payee '{text}': '{bps}' is not basis points from 0 to 10000"))?;
        Ok(Self { label, account, bps })
    }
}

impl Entry {
    pub fn name(&self) -> &'static str {
        self.contract.name
    }

    /// The parsed ABI.
    pub fn abi(&self) -> Abi {
        serde_json::from_str(self.abi).expect("abi/*.json parses (checked by `rigshare abi --check`)")
    }

    /// The constructor's parameter names, in ABI order.
    pub fn constructor_params(&self) -> Vec<String> {
        self.abi().constructor.map(|c| c.inputs.into_iter().map(|p| p.name).collect()).unwrap_or_default()
    }

    /// The constructor arguments, in ABI order, each from its named input.
    pub fn constructor_args(&self, inputs: &Inputs) -> Result<Vec<Token>> {
        self.constructor_params()
            .iter()
            .map(|param| {
                (self.constructor_input)(&param_key(param), inputs).with_context(|| {
                    format!("the catalogue has no value for {}'s constructor parameter '{param}'", self.name())
                })
            })
            .collect()
    }

    /// The recorded constructor argument called `param` (as the deployments file wrote it).
    pub fn recorded_arg<'r>(&self, record: &'r ContractRecord, param: &str) -> Option<&'r str> {
        let index = self.constructor_params().iter().position(|p| param_key(p) == param_key(param))?;
        record.constructor_args.get(index).map(String::as_str)
    }
}

/// A parameter name as entries match it: lower case, no underscores (`initial_supply` and
/// `initialSupply` are both `initialsupply`).
pub fn param_key(name: &str) -> String {
    name.chars().filter(|c| *c != '_').flat_map(char::to_lowercase).collect()
}

/// The entry called `name` (`RigShares`).
pub fn entry(name: &str) -> Result<&'static Entry> {
    match ENTRIES.iter().find(|e| e.name() == name) {
        Some(e) => Ok(e),
        None => bail!("no contract called {name} in the catalogue"),
    }
}

/// The system `up` deploys, in deployment order.
pub fn system() -> impl Iterator<Item = &'static Entry> {
    ENTRIES.iter().copied().filter(|e| e.deployed_by_up)
}

/// Every contract crate, for the build and the ABI generator.
pub fn contracts() -> Vec<Contract> {
    ENTRIES.iter().map(|e| e.contract).collect()
}

/// The revert decoder for every contract's errors.
pub fn decoder() -> &'static Decoder {
    static DECODER: OnceLock<Decoder> = OnceLock::new();
    DECODER.get_or_init(|| {
        let abis: Vec<&str> = ENTRIES.iter().map(|e| e.abi).collect();
        Decoder::new(&abis, hint)
    })
}

/// A hint from the entry that knows the error, else one for the standard errors all share.
fn hint(error: &str) -> Option<&'static str> {
    ENTRIES.iter().find_map(|e| (e.hints)(error)).or(match error {
        "AccessControlUnauthorizedAccount" => Some("the signing account lacks that role: sign with --private-key of an account that has it, or have the admin grant it"),
        "ERC20InsufficientBalance" => Some("the account holds less than that"),
        "ERC20InsufficientAllowance" => Some("approve the spender first"),
        "EnforcedPause" => Some("the contract is paused"),
        _ => None,
    })
}

/// `OPERATOR_ROLE`'s id.
pub fn operator_role() -> [u8; 32] {
    ethers::utils::keccak256("OPERATOR_ROLE")
}

/// RigShares' MINTER_ROLE (a share sale mints buyers' shares with it).
pub fn minter_role() -> [u8; 32] {
    ethers::utils::keccak256("MINTER_ROLE")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_comes_first_and_dependencies_before_dependents() {
        let names: Vec<&str> = ENTRIES.iter().map(|e| e.name()).collect();
        let system: Vec<&str> = system().map(Entry::name).collect();
        assert_eq!(&names[..system.len()], system.as_slice(), "up deploys a prefix of the catalogue");
        for (i, e) in ENTRIES.iter().enumerate() {
            for dep in e.depends_on {
                let at = names.iter().position(|n| n == dep).unwrap_or_else(|| panic!("{} depends on unknown {dep}", e.name()));
                assert!(at < i, "{} depends on {dep}, which comes later", e.name());
                assert!(!e.deployed_by_up || entry(dep).unwrap().deployed_by_up, "{} needs {dep} deployed by up", e.name());
            }
        }
    }

    #[test]
    fn every_constructor_parameter_has_a_value() {
        let config = SystemConfig::default();
        let deployed: BTreeMap<String, Address> =
            ENTRIES.iter().enumerate().map(|(i, e)| (e.name().to_owned(), Address::from_low_u64_be(i as u64 + 1))).collect();
        let inputs = Inputs { signer: Address::repeat_byte(9), deployed: &deployed, system: &config };
        for e in ENTRIES {
            let params = e.constructor_params();
            let args = e.constructor_args(&inputs).unwrap();
            assert_eq!(args.len(), params.len(), "{}", e.name());
            let abi = e.abi();
            let kinds: Vec<_> = abi.constructor.unwrap().inputs.into_iter().map(|p| p.kind).collect();
            assert!(ethers::abi::Token::types_check(&args, &kinds), "{}: {args:?} do not fit {kinds:?}", e.name());
        }
    }

    #[test]
    fn recorded_arguments_are_read_by_name() {
        let record = ContractRecord {
            address: "0xaa".into(),
            codehash: String::new(),
            tx: String::new(),
            block: 0,
            gas_used: 0,
            stored_size: 0,
            data_fee_wei: "0".into(),
            constructor_args: ["rigshare Pool 1", "RSP1", "1", "0x01", "0x02", "0x01"].map(str::to_owned).to_vec(),
            abi: String::new(),
            activation_version: 1,
        };
        assert_eq!(rig_shares::ENTRY.recorded_arg(&record, "symbol"), Some("RSP1"));
        assert_eq!(rig_shares::ENTRY.recorded_arg(&record, "initialSupply"), Some("1"));
        assert_eq!(rig_shares::ENTRY.recorded_arg(&record, "nothing"), None);
    }

    #[test]
    fn parses_payees() {
        let p: Payee = "hosting=0x00000000000000000000000000000000000000aa:1000".parse().unwrap();
        assert_eq!((p.label.as_deref(), p.account.0[19], p.bps), (Some("hosting"), 0xaa, 1000));
        let p: Payee = "0x00000000000000000000000000000000000000bb:0".parse().unwrap();
        assert_eq!((p.label.as_deref(), p.bps), (None, 0));
        for bad in ["hosting", "x=0x12:5", "0x00000000000000000000000000000000000000aa:10001", "0x00000000000000000000000000000000000000aa:ten"] {
            let err = bad.parse::<Payee>().unwrap_err().to_string();
            assert!(err.contains(bad), "{err}");
        }
    }

    #[test]
    fn errors_of_every_contract_are_named_with_hints() {
        let d = decoder();
        let who = Address::repeat_byte(0x22);
        let mut data = ethers::utils::id("SplitterNothingToClaim(address)").to_vec();
        data.extend(ethers::abi::encode(&[Token::Address(who)]));
        assert_eq!(d.describe(&data), format!("SplitterNothingToClaim({who:?}) (nothing is claimable for this account yet)"));
        assert_eq!(d.error_name(&ethers::utils::id("EnforcedPause()")), Some("EnforcedPause"));
    }
}
