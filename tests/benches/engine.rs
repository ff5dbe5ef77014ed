//! `cargo bench -p rigshare-e2e --bench engine`: throughput of the dev node's engine on the
//! real compiled contracts, printed as Markdown.
//!
//! - RigShares.transfer as signed raw transactions through `Engine::send_raw_transaction`
//!   (decode, signature recovery, checks, execution, block sealing, receipt), one thread,
//!   with and without the revenue splitter wired in; plus a breakdown by phase.
//! - OpenZeppelin's Solidity ERC-20 transfer the same way: the engine on EVM bytecode (needs
//!   `npm ci --prefix tools`; left out without it).
//! - Activation (brotli decompression, validation, ink instrumentation, wasmi compilation) of
//!   each contract, from a fresh runtime every time so nothing is cached.
//!
//! `BENCH_TXS` sets the number of transfers (default 20,000), `BENCH_REPS` the activation
//! repetitions (default 9).
//!
//! Timings on a shared machine vary from run to run; instruction counts do not. To count the
//! instructions of the two timed `send_raw_transaction` loops (one profile per loop):
//! `BENCH_TXS=300 BENCH_REPS=1 valgrind --tool=callgrind --toggle-collect=engine::send_all
//! --dump-after=engine::send_all target/release/deps/engine-<hash> --bench`, then
//! `callgrind_annotate --inclusive=yes callgrind.out.<pid>.1`.

use std::time::{Duration, Instant};

use alloy_primitives::{keccak256, Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolValue};
use devnode::engine::{
    chain::CallRequest,
    code,
    program::Runtime,
    testing::Bench,
    tx::{Eip1559Tx, SignedTx, TxKind, TxRequest},
    validate,
};
use k256::ecdsa::SigningKey;
use rigshare_e2e::*;

const SUPPLY: u128 = 1_000_000 * ETH;
const SENDERS: u8 = 16;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

struct TransferRun {
    txs: usize,
    total: Duration,
    gas: u64,
    /// Phases, each over the same transactions: decode + recovery; check + execute + seal
    /// of already decoded transactions; the transfer alone as an eth_call; an empty block.
    decode: Duration,
    send_decoded: Duration,
    call_only: Duration,
    seal: Duration,
}

/// Executes a call with a fixed, ample gas limit (not `Chain::exec`'s exact estimate, which a
/// splitter-wired transfer can outgrow when the next block's timestamp differs).
fn exec(chain: &mut Chain, from: &SigningKey, to: Address, call: impl SolCall) {
    let receipt = chain.send_with_gas(from, Some(to), U256::ZERO, call.abi_encode().into(), 2_000_000);
    assert!(receipt.status, "setup call failed: {:?}", receipt.failure);
}

fn transfer_run(with_splitter: bool, txs: usize) -> TransferRun {
    let mut chain = Chain::new();
    let dev = chain.dev.clone();
    let admin = chain.dev_address();
    let deed = chain.deploy_deed();
    let shares = chain.deploy_shares("Pool Shares", "POOL", U256::from(SUPPLY), admin, deed, admin);
    if with_splitter {
        let splitter = chain.deploy_splitter(shares, Address::ZERO, 0u64, admin);
        exec(&mut chain, &dev, shares, RigShares::setRevenueSplitterCall { splitter });
    }

    // Several funded holders, each sending 1 unit to the next one round-robin.
    let keys: Vec<SigningKey> = (1..=SENDERS).map(account).collect();
    let addresses: Vec<Address> = keys.iter().map(address_of).collect();
    for to in &addresses {
        chain.fund(*to, U256::from(10 * ETH));
        exec(&mut chain, &dev, shares, RigShares::transferCall { to: *to, value: U256::from(SUPPLY / 100) });
    }
    let transfer = |i: usize| RigShares::transferCall {
        to: addresses[(i + 1) % addresses.len()],
        value: U256::from(1),
    };
    let estimate = chain
        .engine
        .estimate_gas(&CallRequest {
            from: addresses[0],
            to: Some(shares),
            input: transfer(0).abi_encode().into(),
            ..CallRequest::default()
        })
        .expect("transfer succeeds");
    let config = chain.engine.config().clone();
    let nonces: Vec<u64> = addresses.iter().map(|a| chain.engine.state().nonce(a)).collect();
    let signed: Vec<SignedTx> = (0..txs)
        .map(|i| {
            let k = i % keys.len();
            let request = TxRequest::Eip1559(Eip1559Tx {
                chain_id: config.chain_id,
                nonce: nonces[k] + (i / keys.len()) as u64,
                max_priority_fee_per_gas: 0,
                max_fee_per_gas: 2 * config.base_fee,
                gas_limit: estimate * 2,
                to: TxKind::Call(shares),
                value: U256::ZERO,
                input: Bytes::from(transfer(k).abi_encode()),
                access_list: Vec::new(),
            });
            SignedTx::sign(request, &keys[k])
        })
        .collect();
    let raws: Vec<Vec<u8>> = signed.iter().map(SignedTx::encode).collect();
    let engine = &mut chain.engine;
    let start_state = engine.snapshot();

    // The measurement: raw bytes in, receipts out.
    let started = Instant::now();
    let gas = send_all(engine, &raws);
    let total = started.elapsed();

    // Phases.
    let started = Instant::now();
    for raw in &raws {
        std::hint::black_box(SignedTx::decode(raw).expect("decodes"));
    }
    let decode = started.elapsed();

    engine.revert_to_snapshot(start_state.clone());
    let started = Instant::now();
    for tx in &signed {
        let receipt = engine.send_transaction(tx.clone()).expect("accepted");
        assert!(receipt.status);
    }
    let send_decoded = started.elapsed();

    engine.revert_to_snapshot(start_state.clone());
    let requests: Vec<CallRequest> = signed
        .iter()
        .map(|tx| CallRequest {
            from: tx.sender,
            to: Some(shares),
            gas: Some(estimate * 2),
            value: U256::ZERO,
            input: tx.request.input().clone(),
            ..CallRequest::default()
        })
        .collect();
    let started = Instant::now();
    for request in &requests {
        assert!(engine.call(request).success());
    }
    let call_only = started.elapsed();

    let started = Instant::now();
    for _ in 0..txs {
        std::hint::black_box(engine.mine());
    }
    let seal = started.elapsed();
    engine.revert_to_snapshot(start_state);

    TransferRun { txs, total, gas, decode, send_decoded, call_only, seal }
}

/// The timed loop, out of line so that a profiler can select it (see the module's doc).
/// Returns the gas of the last receipt.
#[inline(never)]
fn send_all(engine: &mut devnode::engine::chain::Engine, raws: &[Vec<u8>]) -> u64 {
    let mut gas = 0;
    for raw in raws {
        let receipt = engine.send_raw_transaction(raw).expect("accepted");
        assert!(receipt.status, "transfer failed: {:?}", receipt.failure);
        gas = receipt.gas_used;
    }
    gas
}

/// OpenZeppelin's ERC-20 (Solidity, EVM) transferred the same way as [`transfer_run`]: the
/// engine's speed on EVM bytecode. `None` without the npm packages.
fn evm_transfer_run(txs: usize) -> Option<(Duration, u64)> {
    rigshare_e2e::solidity::node_modules()?;
    let mut chain = Chain::new();
    let dev = chain.dev.clone();
    let creation = rigshare_e2e::solidity::compile(rigshare_e2e::versus::OZ_SOURCE, "OzToken");
    let token = chain.deploy_evm(&creation, &U256::from(SUPPLY).abi_encode());
    let keys: Vec<SigningKey> = (1..=SENDERS).map(account).collect();
    let addresses: Vec<Address> = keys.iter().map(address_of).collect();
    for to in &addresses {
        chain.fund(*to, U256::from(10 * ETH));
        exec(&mut chain, &dev, token, RigShares::transferCall { to: *to, value: U256::from(SUPPLY / 100) });
    }
    let config = chain.engine.config().clone();
    let nonces: Vec<u64> = addresses.iter().map(|a| chain.engine.state().nonce(a)).collect();
    let raws: Vec<Vec<u8>> = (0..txs)
        .map(|i| {
            let k = i % keys.len();
            let input = RigShares::transferCall { to: addresses[(k + 1) % addresses.len()], value: U256::from(1) };
            let request = TxRequest::Eip1559(Eip1559Tx {
                chain_id: config.chain_id,
                nonce: nonces[k] + (i / keys.len()) as u64,
                max_priority_fee_per_gas: 0,
                max_fee_per_gas: 2 * config.base_fee,
                gas_limit: 100_000,
                to: TxKind::Call(token),
                value: U256::ZERO,
                input: Bytes::from(input.abi_encode()),
                access_list: Vec::new(),
            });
            SignedTx::sign(request, &keys[k]).encode()
        })
        .collect();
    let started = Instant::now();
    let gas = send_all(&mut chain.engine, &raws);
    Some((started.elapsed(), gas))
}

struct Activation {
    package: &'static str,
    wasm_bytes: usize,
    stored_bytes: usize,
    total: Duration,
    decompress: Duration,
    validate: Duration,
    compile: Duration,
}

fn activation(package: &'static str, reps: usize) -> Activation {
    let stored = stored_code(package);
    let wasm = code::decode_stylus_code(&stored, code::MAX_WASM_SIZE).expect("stored code decodes");
    let at = Address::with_last_byte(0xaa);
    let code_hash = keccak256(&stored);
    let (mut total, mut decompress, mut check, mut compile) = (vec![], vec![], vec![], vec![]);
    for _ in 0..reps {
        // ArbWasm.activateProgram end to end, on a fresh runtime (no compiled-module cache).
        let mut bench = Bench::new();
        bench.evm.state.set_code(at, stored.clone().into());
        bench.commit();
        let started = Instant::now();
        let result = bench.activate(at);
        total.push(started.elapsed());
        assert!(result.is_success(), "activating {package}: {:?}", result.outcome);

        // Its parts.
        let started = Instant::now();
        std::hint::black_box(code::decode_stylus_code(&stored, code::MAX_WASM_SIZE).unwrap());
        decompress.push(started.elapsed());
        let started = Instant::now();
        let info = std::hint::black_box(validate::activate_check(&wasm).expect("valid"));
        check.push(started.elapsed());
        let runtime = Runtime::new();
        let started = Instant::now();
        std::hint::black_box(runtime.compile(code_hash, &wasm, &info.frame_words).expect("compiles"));
        compile.push(started.elapsed());
    }
    Activation {
        package,
        wasm_bytes: wasm.len(),
        stored_bytes: stored.len(),
        total: median(total),
        decompress: median(decompress),
        validate: median(check),
        compile: median(compile),
    }
}

/// A line of the figure this benchmark prints and records in `figures/` (see `record`).
macro_rules! say {
    ($out:ident) => {
        $out.push('\n')
    };
    ($out:ident, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        writeln!($out, $($arg)*).expect("writing to a String");
    }};
}

fn main() {
    let mut out = String::new();
    // `cargo bench` passes `--bench`; a filter argument is not supported, everything runs.
    let txs = env_usize("BENCH_TXS", 20_000);
    let reps = env_usize("BENCH_REPS", 9);
    // Builds the contracts (once) before anything is timed.
    for package in ["rig-deed", "rig-shares", "revenue-splitter"] {
        stored_code(package);
    }

    let runs = [("splitter not set", transfer_run(false, txs)), ("splitter set", transfer_run(true, txs))];
    let evm = evm_transfer_run(txs);
    let activations: Vec<Activation> =
        ["rig-deed", "rig-shares", "revenue-splitter"].into_iter().map(|p| activation(p, reps)).collect();

    say!(out);
    let profile = if cfg!(debug_assertions) { "debug build" } else { "release build" };
    say!(out, "### rigshare dev node engine ({profile}, one thread)");
    say!(out);
    say!(out, "| Benchmark | Result |");
    say!(out, "|---|---|");
    for (label, run) in &runs {
        let per_tx = micros(run.total) / run.txs as f64;
        say!(out, 
            "| RigShares.transfer, {label}: `send_raw_transaction` incl. signature recovery ({} txs) | **{:.0} tx/s**, {:.1} µs/tx |",
            run.txs,
            run.txs as f64 / run.total.as_secs_f64(),
            per_tx
        );
    }
    if let Some((total, _)) = evm {
        say!(out,
            "| OpenZeppelin ERC20Permit.transfer (Solidity, EVM): `send_raw_transaction` incl. signature recovery ({txs} txs) | **{:.0} tx/s**, {:.1} µs/tx |",
            txs as f64 / total.as_secs_f64(),
            micros(total) / txs as f64
        );
    }
    for (label, run) in &runs {
        say!(out, "| Gas of one RigShares.transfer, {label} (receipt `gasUsed`) | {} |", run.gas);
    }
    if let Some((_, gas)) = evm {
        say!(out, "| Gas of one OpenZeppelin ERC20Permit.transfer (receipt `gasUsed`) | {gas} |");
    }
    for a in &activations {
        say!(out, 
            "| Activation of {} ({} B wasm, {} B stored): ArbWasm.activateProgram, fresh runtime, median of {reps} | {:.2} ms |",
            a.package,
            a.wasm_bytes,
            a.stored_bytes,
            a.total.as_secs_f64() * 1e3
        );
    }
    say!(out);
    say!(out, "#### Where a transfer's time goes (mean µs per transaction)");
    say!(out);
    say!(out, "| Phase | splitter not set | splitter set |");
    say!(out, "|---|---|---|");
    let per = |d: Duration, run: &TransferRun| micros(d) / run.txs as f64;
    let (a, b) = (&runs[0].1, &runs[1].1);
    let rows: [(&str, fn(&TransferRun) -> Duration); 5] = [
        ("`send_raw_transaction` (everything)", |r| r.total),
        ("decode + signature recovery (`SignedTx::decode`)", |r| r.decode),
        ("checks + execution + block sealing + receipt (`send_transaction`, pre-decoded)", |r| r.send_decoded),
        ("execution alone (the same transfer as `eth_call`)", |r| r.call_only),
        ("sealing an empty block (`mine`)", |r| r.seal),
    ];
    for (label, f) in rows {
        say!(out, "| {label} | {:.1} | {:.1} |", per(f(a), a), per(f(b), b));
    }
    say!(out);
    say!(out, "#### Activation by phase (median ms)");
    say!(out);
    say!(out, "| Contract | brotli decompression | validation | instrumentation + wasmi compilation | activateProgram total |");
    say!(out, "|---|---|---|---|---|");
    for a in &activations {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        say!(out, 
            "| {} | {:.2} | {:.2} | {:.2} | {:.2} |",
            a.package,
            ms(a.decompress),
            ms(a.validate),
            ms(a.compile),
            ms(a.total)
        );
    }
    rigshare_e2e::figures::record("speed-engine", "cargo bench -p rigshare-e2e --bench engine", &out);
}
