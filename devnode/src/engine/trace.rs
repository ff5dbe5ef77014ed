//! Call traces (geth's `callTracer`): the tree of call and create frames a transaction or call
//! runs, EVM and Stylus frames alike, each with its inputs, gas, output and failure. Alongside, Nitro's `stylusTracer`
//! ([`HostioTracer`]): every host call of every program, which `cargo stylus trace` replays.
//!
//! Bounded: a trace keeps at most [`MAX_TRACE_FRAMES`] frames (and as many host-call records);
//! deeper or later ones are counted but not kept, and the trace says it was truncated.

use alloy_primitives::{Address, Bytes, B256, U256};

use super::exec::{CallKind, CallResult, Outcome};

/// Most frames one trace keeps.
pub const MAX_TRACE_FRAMES: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    Call,
    CallCode,
    StaticCall,
    DelegateCall,
    Create,
    Create2,
}

impl FrameKind {
    pub fn of_call(kind: CallKind, is_static: bool) -> Self {
        match kind {
            CallKind::Call if is_static => FrameKind::StaticCall,
            CallKind::Call => FrameKind::Call,
            CallKind::CallCode => FrameKind::CallCode,
            CallKind::DelegateCall => FrameKind::DelegateCall,
            CallKind::StaticCall => FrameKind::StaticCall,
        }
    }

    /// geth's name for it.
    pub fn name(self) -> &'static str {
        match self {
            FrameKind::Call => "CALL",
            FrameKind::CallCode => "CALLCODE",
            FrameKind::StaticCall => "STATICCALL",
            FrameKind::DelegateCall => "DELEGATECALL",
            FrameKind::Create => "CREATE",
            FrameKind::Create2 => "CREATE2",
        }
    }
}

/// One frame of a call trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallFrame {
    pub kind: FrameKind,
    pub from: Address,
    /// The callee, or the created contract (`None` if creation failed).
    pub to: Option<Address>,
    pub value: U256,
    pub gas: u64,
    pub gas_used: u64,
    pub input: Bytes,
    pub output: Bytes,
    /// Why the frame failed ("execution reverted", "out of gas", ...).
    pub error: Option<String>,
    pub calls: Vec<CallFrame>,
}

/// A trace: the top frame, and whether frames were left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallTrace {
    pub root: CallFrame,
    /// Frames left out past [`MAX_TRACE_FRAMES`].
    pub dropped_frames: usize,
    /// The host calls (stylusTracer), recorded alongside.
    pub hostio: Option<HostioTrace>,
    /// The EVM opcode steps (geth's default struct logger), recorded alongside; `None` once
    /// the node has let them go (see [`StructLogs`]).
    pub struct_logs: Option<StructLogs>,
}

/// Most EVM steps one struct-logger trace keeps: a trace past it is refused rather than cut.
pub const MAX_STRUCT_LOGS: usize = 200_000;

/// One EVM opcode step as geth's struct logger records it (`logger.StructLog`), before the
/// opcode runs: its cost is what the step took (for calls and creates, the gas handed on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructLog {
    pub pc: u64,
    pub op: u8,
    pub gas: u64,
    pub gas_cost: u64,
    /// 1 for the transaction's top frame; Stylus frames between EVM ones count too.
    pub depth: usize,
    pub stack: Vec<U256>,
    pub refund: u64,
    /// At SLOAD and SSTORE: the contract's storage as the trace has seen it so far.
    pub storage: Option<Vec<(B256, B256)>>,
    pub error: Option<String>,
}

/// The EVM steps of a transaction or call (Stylus frames run WASM and add none, as on Nitro).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StructLogs {
    pub steps: Vec<StructLog>,
    /// Steps past [`MAX_STRUCT_LOGS`], not kept.
    pub dropped: usize,
}

/// Records EVM steps as frames run them (engine::interp).
#[derive(Debug, Default)]
pub struct StructLogger {
    logs: StructLogs,
    /// Storage seen per contract (geth's logger keeps it per contract address).
    storage: std::collections::HashMap<Address, std::collections::BTreeMap<B256, B256>>,
}

impl StructLogger {
    /// Whether one more step would be kept.
    pub fn has_room(&mut self) -> bool {
        if self.logs.steps.len() < MAX_STRUCT_LOGS {
            return true;
        }
        self.logs.dropped += 1;
        false
    }

    /// A storage slot the step read or wrote; returns the contract's storage seen so far.
    pub fn saw_slot(&mut self, contract: Address, key: B256, value: B256) -> Vec<(B256, B256)> {
        let slots = self.storage.entry(contract).or_default();
        slots.insert(key, value);
        slots.iter().map(|(k, v)| (*k, *v)).collect()
    }

    pub fn push(&mut self, step: StructLog) {
        self.logs.steps.push(step);
    }

    pub fn finish(self) -> StructLogs {
        self.logs
    }
}

/// Records frames as the engine enters and leaves them.
#[derive(Debug, Default)]
pub struct CallTracer {
    /// Open frames, outermost first; `None` for a frame past the limit (not kept).
    stack: Vec<Option<CallFrame>>,
    root: Option<CallFrame>,
    kept: usize,
    dropped: usize,
}

impl CallTracer {
    pub fn enter(&mut self, kind: FrameKind, from: Address, to: Option<Address>, value: U256, gas: u64, input: &[u8]) {
        if self.kept >= MAX_TRACE_FRAMES {
            self.dropped += 1;
            self.stack.push(None);
            return;
        }
        self.kept += 1;
        self.stack.push(Some(CallFrame {
            kind,
            from,
            to,
            value,
            gas,
            gas_used: 0,
            input: Bytes::copy_from_slice(input),
            output: Bytes::new(),
            error: None,
            calls: Vec::new(),
        }));
    }

    /// Closes the innermost frame with its result (`created`: a create's new contract and
    /// code).
    pub fn exit(&mut self, result: &CallResult, created: Option<(Address, Bytes)>) {
        let Some(frame) = self.stack.pop() else { return };
        let Some(mut frame) = frame else { return };
        frame.gas_used = frame.gas.saturating_sub(result.gas_left);
        match &result.outcome {
            Outcome::Success => {
                frame.output = match created {
                    Some((address, code)) => {
                        frame.to = Some(address);
                        code
                    }
                    None => result.output.clone(),
                };
            }
            Outcome::Revert => {
                frame.output = result.output.clone();
                frame.error = Some("execution reverted".into());
            }
            Outcome::Failure(failure) => frame.error = Some(failure.to_string()),
        }
        match self.stack.iter_mut().rev().find_map(Option::as_mut) {
            Some(parent) => parent.calls.push(frame),
            None => self.root = Some(frame),
        }
    }

    /// The finished trace, if a frame was traced.
    pub fn finish(self) -> Option<CallTrace> {
        self.root.map(|root| CallTrace { root, dropped_frames: self.dropped, hostio: None, struct_logs: None })
    }
}

/// One host call as Nitro's `stylusTracer` records it (`HostioTraceInfo` in nitro's
/// `execution/gethexec/stylus_tracer.go`): `args` and `outs` are the bytes the `trace!` macro of
/// `arbitrator/wasm-libraries/user-host-trait/src/lib.rs` concatenates (big-endian numbers);
/// calls carry the callee and its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostioRecord {
    pub name: String,
    pub args: Vec<u8>,
    pub outs: Vec<u8>,
    pub start_ink: u64,
    pub end_ink: u64,
    /// For calls out (and Nitro's `evm_*` frame records): the callee and what it ran.
    pub nested: Option<(Address, Vec<HostioRecord>)>,
}

/// Records host calls per frame, nesting them as Nitro's stylusTracer does: entering a frame
/// below the top opens an `evm_call_contract`-style record whose steps collect the callee's
/// records; a program's call hostio then takes that record's callee and steps (`OnEnter`,
/// `CaptureStylusHostio`). Creates keep their `evm_create1/2` record before the `create1/2`
/// one, as Nitro. Bounded by [`MAX_TRACE_FRAMES`] records; past it the trace is marked
/// truncated.
#[derive(Debug, Default)]
pub struct HostioTracer {
    /// The open lists: the top frame's first, then one per entered frame below it.
    open: Vec<Vec<HostioRecord>>,
    /// Per open list below the top: whether its `evm_*` record was kept (not past the bound),
    /// so that a dropped frame's steps are not given to another record.
    owned: Vec<bool>,
    /// Frames entered and not yet left (the top frame opens no record, as in Nitro).
    depth: usize,
    kept: usize,
    dropped: usize,
}

/// Nitro's hostios that take their callee's frame record (`nestsHostios`).
fn nests(name: &str) -> bool {
    matches!(name, "call_contract" | "delegate_call_contract" | "static_call_contract")
}

impl HostioTracer {
    /// A frame starts; `name` is Nitro's `evm_*` name for it.
    pub fn enter(&mut self, name: &'static str, to: Address) {
        self.depth += 1;
        if self.open.is_empty() {
            self.open.push(Vec::new());
        }
        if self.depth == 1 {
            return;
        }
        let kept = self.push(HostioRecord { name: name.into(), args: Vec::new(), outs: Vec::new(), start_ink: 0, end_ink: 0, nested: Some((to, Vec::new())) });
        self.open.push(Vec::new());
        self.owned.push(kept);
    }

    /// The innermost frame ends (`created`: a create's new address, known only now here).
    pub fn exit(&mut self, created: Option<Address>) {
        if self.depth == 0 {
            return;
        }
        self.depth -= 1;
        if self.depth == 0 || self.open.len() < 2 {
            return;
        }
        let steps = self.open.pop().unwrap_or_default();
        if !self.owned.pop().unwrap_or(false) {
            return;
        }
        if let Some(Some((to, inner))) = self.open.last_mut().and_then(|list| list.last_mut()).map(|r| r.nested.as_mut()) {
            *inner = steps;
            if let Some(address) = created {
                *to = address;
            }
        }
    }

    /// A host call of the running program.
    pub fn record(&mut self, name: &str, args: Vec<u8>, outs: Vec<u8>, start_ink: u64, end_ink: u64) {
        let mut record = HostioRecord { name: name.into(), args, outs, start_ink, end_ink, nested: None };
        if nests(name) {
            let list = self.open.last_mut();
            let frame = list.and_then(|list| match list.last() {
                Some(last) if last.name.strip_prefix("evm_") == Some(name) => list.pop(),
                _ => None,
            });
            match frame {
                // Takes the place (and the count) of its frame's record.
                Some(frame) => {
                    record.nested = frame.nested;
                    if let Some(list) = self.open.last_mut() {
                        list.push(record);
                    }
                    return;
                }
                // The call never entered a frame (it failed before), or its frame's record
                // was past the bound: no steps, as an EVM callee.
                None => {
                    let to = record.args.get(..20).map(Address::from_slice).unwrap_or_default();
                    record.nested = Some((to, Vec::new()));
                }
            }
        }
        self.push(record);
    }

    /// Adds a record to the innermost open list; false if past the bound (only counted).
    fn push(&mut self, record: HostioRecord) -> bool {
        if self.kept >= MAX_TRACE_FRAMES {
            self.dropped += 1;
            return false;
        }
        self.kept += 1;
        if self.open.is_empty() {
            self.open.push(Vec::new());
        }
        if let Some(list) = self.open.last_mut() {
            list.push(record);
        }
        true
    }

    /// The top frame's records, and how many were left out past the bound.
    pub fn finish(mut self) -> HostioTrace {
        while self.open.len() > 1 {
            self.exit(None);
            if self.depth == 0 {
                break;
            }
        }
        HostioTrace { steps: self.open.into_iter().next().unwrap_or_default(), dropped_records: self.dropped }
    }
}

/// A finished stylusTracer trace.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostioTrace {
    pub steps: Vec<HostioRecord>,
    /// Records left out past [`MAX_TRACE_FRAMES`].
    pub dropped_records: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::exec::Failure;

    #[test]
    fn frames_nest_and_the_limit_holds() {
        let mut tracer = CallTracer::default();
        let a = Address::repeat_byte(1);
        tracer.enter(FrameKind::Call, a, Some(a), U256::ZERO, 100, &[1]);
        tracer.enter(FrameKind::StaticCall, a, Some(a), U256::ZERO, 50, &[2]);
        tracer.exit(&CallResult { outcome: Outcome::Revert, output: Bytes::from_static(&[9]), gas_left: 20 }, None);
        tracer.enter(FrameKind::Create2, a, None, U256::from(1u8), 30, &[3]);
        let created = Address::repeat_byte(2);
        tracer.exit(&CallResult::success(Bytes::new(), 10), Some((created, Bytes::from_static(&[0xef]))));
        tracer.exit(&CallResult { outcome: Outcome::Failure(Failure::OutOfGas), output: Bytes::new(), gas_left: 0 }, None);
        let trace = tracer.finish().unwrap();
        assert_eq!(trace.dropped_frames, 0);
        let root = trace.root;
        assert_eq!((root.gas_used, root.error.as_deref()), (100, Some(Failure::OutOfGas.to_string().as_str())));
        assert_eq!(root.calls.len(), 2);
        assert_eq!((root.calls[0].gas_used, root.calls[0].error.as_deref()), (30, Some("execution reverted")));
        assert_eq!((root.calls[1].to, root.calls[1].output.as_ref()), (Some(created), &[0xef][..]));

        let mut tracer = CallTracer::default();
        for _ in 0..MAX_TRACE_FRAMES + 5 {
            tracer.enter(FrameKind::Call, a, Some(a), U256::ZERO, 1, &[]);
        }
        for _ in 0..MAX_TRACE_FRAMES + 5 {
            tracer.exit(&CallResult::success(Bytes::new(), 0), None);
        }
        let trace = tracer.finish().unwrap();
        assert_eq!(trace.dropped_frames, 5);
    }

    fn names(steps: &[HostioRecord]) -> Vec<&str> {
        steps.iter().map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn host_calls_nest_as_nitro_nests_them() {
        let (a, b, c) = (Address::repeat_byte(1), Address::repeat_byte(2), Address::repeat_byte(3));
        let mut tracer = HostioTracer::default();
        tracer.enter("evm_call_contract", a);
        tracer.record("user_entrypoint", vec![0, 0, 0, 1], vec![], 100, 100);
        // A call out of the program: the callee's records go under the call hostio.
        tracer.enter("evm_call_contract", b);
        tracer.record("user_entrypoint", vec![0, 0, 0, 0], vec![], 50, 50);
        tracer.enter("evm_static_call_contract", c);
        tracer.exit(None);
        tracer.record("static_call_contract", c.to_vec(), vec![0, 0, 0, 0, 0], 49, 40);
        tracer.exit(None);
        tracer.record("call_contract", b.to_vec(), vec![0, 0, 0, 0, 0], 90, 60);
        // A create keeps its evm_create1 record, with the new address, before create1.
        tracer.enter("evm_create1", Address::ZERO);
        tracer.exit(Some(c));
        tracer.record("create1", vec![], c.to_vec(), 60, 30);
        // A call hostio that never entered a frame: its callee from the args, no steps.
        tracer.record("delegate_call_contract", a.to_vec(), vec![0, 0, 0, 0, 2], 30, 20);
        tracer.exit(None);
        let trace = tracer.finish();
        assert_eq!(trace.dropped_records, 0);
        let steps = &trace.steps;
        assert_eq!(names(steps), ["user_entrypoint", "call_contract", "evm_create1", "create1", "delegate_call_contract"]);
        let (to, inner) = steps[1].nested.as_ref().unwrap();
        assert_eq!((*to, names(inner)), (b, vec!["user_entrypoint", "static_call_contract"]));
        assert_eq!(inner[1].nested, Some((c, Vec::new())), "an EVM callee: no steps");
        assert_eq!(steps[2].nested, Some((c, Vec::new())));
        assert_eq!(steps[3].nested, None);
        assert_eq!(steps[4].nested, Some((a, Vec::new())));
    }

    #[test]
    fn host_call_records_are_bounded() {
        let mut tracer = HostioTracer::default();
        tracer.enter("evm_call_contract", Address::ZERO);
        for _ in 0..MAX_TRACE_FRAMES + 3 {
            tracer.record("msg_sender", vec![], vec![0; 20], 1, 1);
        }
        // A frame past the bound: its steps go nowhere, not into the last kept record.
        tracer.enter("evm_call_contract", Address::repeat_byte(9));
        tracer.record("user_entrypoint", vec![0; 4], vec![], 1, 1);
        tracer.exit(None);
        tracer.exit(None);
        let trace = tracer.finish();
        assert_eq!((trace.steps.len(), trace.dropped_records), (MAX_TRACE_FRAMES, 5));
        assert!(trace.steps.iter().all(|r| r.nested.is_none()));
    }
}
