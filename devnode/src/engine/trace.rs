//! Call traces (geth's `callTracer`): the tree of call and create frames a transaction or call
//! runs, each with its inputs, gas, output and failure. Stylus programs run WASM, so there is
//! no opcode-level trace (geth's default struct logger) to give; the call tree is what Nitro's
//! callTracer shows for Stylus calls too.
//!
//! Bounded: a trace keeps at most [`MAX_TRACE_FRAMES`] frames; deeper or later frames are
//! counted but not kept, and the trace says it was truncated.

use alloy_primitives::{Address, Bytes, U256};

use super::exec::{CallKind, CallResult, Outcome};

/// Most frames one trace keeps.
pub const MAX_TRACE_FRAMES: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    Call,
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
            CallKind::DelegateCall => FrameKind::DelegateCall,
            CallKind::StaticCall => FrameKind::StaticCall,
        }
    }

    /// geth's name for it.
    pub fn name(self) -> &'static str {
        match self {
            FrameKind::Call => "CALL",
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
        self.root.map(|root| CallTrace { root, dropped_frames: self.dropped })
    }
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
}
