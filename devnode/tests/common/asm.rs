#![allow(dead_code)]
//! A tiny EVM assembler for hand-made test contracts: opcodes, pushes and jump labels.

use std::collections::HashMap;

use alloy_primitives::{Address, U256};

pub mod op {
    pub const STOP: u8 = 0x00;
    pub const ADD: u8 = 0x01;
    pub const SUB: u8 = 0x03;
    pub const MUL: u8 = 0x02;
    pub const ISZERO: u8 = 0x15;
    pub const EQ: u8 = 0x14;
    pub const AND: u8 = 0x16;
    pub const SHL: u8 = 0x1b;
    pub const SHR: u8 = 0x1c;
    pub const ADDRESS: u8 = 0x30;
    pub const BALANCE: u8 = 0x31;
    pub const CALLER: u8 = 0x33;
    pub const CALLVALUE: u8 = 0x34;
    pub const CALLDATALOAD: u8 = 0x35;
    pub const CALLDATASIZE: u8 = 0x36;
    pub const CALLDATACOPY: u8 = 0x37;
    pub const CODECOPY: u8 = 0x39;
    pub const EXTCODESIZE: u8 = 0x3b;
    pub const RETURNDATASIZE: u8 = 0x3d;
    pub const RETURNDATACOPY: u8 = 0x3e;
    pub const NUMBER: u8 = 0x43;
    pub const CHAINID: u8 = 0x46;
    pub const POP: u8 = 0x50;
    pub const MLOAD: u8 = 0x51;
    pub const MSTORE: u8 = 0x52;
    pub const MSTORE8: u8 = 0x53;
    pub const SLOAD: u8 = 0x54;
    pub const SSTORE: u8 = 0x55;
    pub const JUMP: u8 = 0x56;
    pub const JUMPI: u8 = 0x57;
    pub const GAS: u8 = 0x5a;
    pub const JUMPDEST: u8 = 0x5b;
    pub const TLOAD: u8 = 0x5c;
    pub const TSTORE: u8 = 0x5d;
    pub const DUP1: u8 = 0x80;
    pub const DUP2: u8 = 0x81;
    pub const DUP3: u8 = 0x82;
    pub const SWAP1: u8 = 0x90;
    pub const LOG0: u8 = 0xa0;
    pub const LOG1: u8 = 0xa1;
    pub const CREATE: u8 = 0xf0;
    pub const CALL: u8 = 0xf1;
    pub const CALLCODE: u8 = 0xf2;
    pub const RETURN: u8 = 0xf3;
    pub const DELEGATECALL: u8 = 0xf4;
    pub const CREATE2: u8 = 0xf5;
    pub const STATICCALL: u8 = 0xfa;
    pub const REVERT: u8 = 0xfd;
    pub const INVALID: u8 = 0xfe;
    pub const SELFDESTRUCT: u8 = 0xff;
}

#[derive(Default)]
pub struct Asm {
    code: Vec<u8>,
    labels: HashMap<&'static str, usize>,
    fixups: Vec<(usize, &'static str)>,
}

impl Asm {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn op(&mut self, op: u8) -> &mut Self {
        self.code.push(op);
        self
    }

    pub fn ops(&mut self, ops: &[u8]) -> &mut Self {
        self.code.extend_from_slice(ops);
        self
    }

    /// The shortest PUSH of `value` (PUSH0 for zero).
    pub fn push(&mut self, value: impl Into<U256>) -> &mut Self {
        let value: U256 = value.into();
        let bytes = value.to_be_bytes_trimmed_vec();
        if bytes.is_empty() {
            return self.op(0x5f);
        }
        self.code.push(0x5f + bytes.len() as u8);
        self.code.extend_from_slice(&bytes);
        self
    }

    pub fn push_u64(&mut self, value: u64) -> &mut Self {
        self.push(U256::from(value))
    }

    pub fn push_address(&mut self, address: Address) -> &mut Self {
        self.code.push(0x73);
        self.code.extend_from_slice(address.as_slice());
        self
    }

    /// Marks a jump target here.
    pub fn label(&mut self, name: &'static str) -> &mut Self {
        self.labels.insert(name, self.code.len());
        self.op(op::JUMPDEST)
    }

    /// PUSH2 of a label's offset, filled in by [`Self::build`].
    pub fn push_label(&mut self, name: &'static str) -> &mut Self {
        self.code.push(0x61);
        self.fixups.push((self.code.len(), name));
        self.code.extend_from_slice(&[0, 0]);
        self
    }

    pub fn jump_if(&mut self, name: &'static str) -> &mut Self {
        self.push_label(name).op(op::JUMPI)
    }

    pub fn jump(&mut self, name: &'static str) -> &mut Self {
        self.push_label(name).op(op::JUMP)
    }

    pub fn build(&self) -> Vec<u8> {
        let mut code = self.code.clone();
        for (at, name) in &self.fixups {
            let target = self.labels[name];
            code[*at..*at + 2].copy_from_slice(&(target as u16).to_be_bytes());
        }
        code
    }
}

/// Init code that deploys `runtime` (the same shape as solc's: copy, then return).
pub fn deployer(runtime: &[u8]) -> Vec<u8> {
    let mut asm = Asm::new();
    // PUSH2 len, DUP1, PUSH2 offset, PUSH0, CODECOPY, PUSH0, RETURN: 11 bytes.
    asm.code.push(0x61);
    asm.code.extend_from_slice(&(runtime.len() as u16).to_be_bytes());
    asm.op(op::DUP1);
    asm.code.push(0x61);
    asm.code.extend_from_slice(&11u16.to_be_bytes());
    asm.ops(&[0x5f, op::CODECOPY, 0x5f, op::RETURN]);
    let mut init = asm.build();
    assert_eq!(init.len(), 11);
    init.extend_from_slice(runtime);
    init
}

/// The EVM twin of the Stylus RECORDER (same calldata `[flags:1][value:32]`, same output
/// `msg_sender ++ msg_value ++ contract_address`, same flags).
pub fn evm_recorder() -> Vec<u8> {
    use op::*;
    let mut a = Asm::new();
    // flags on the stack bottom
    a.push_u64(0).op(CALLDATALOAD).push_u64(248).op(SHR);
    // if !(flags & 8) sstore(0, value)
    a.op(DUP1).push_u64(8).op(AND).jump_if("no_store");
    a.push_u64(1).op(CALLDATALOAD).push_u64(0).op(SSTORE);
    a.label("no_store");
    // if !(flags & 16) log1(0, 0, value)
    a.op(DUP1).push_u64(16).op(AND).jump_if("no_log");
    a.push_u64(1).op(CALLDATALOAD).push_u64(0).push_u64(0).op(LOG1);
    a.label("no_log");
    // if flags & 32 tstore(0, value)
    a.op(DUP1).push_u64(32).op(AND).op(ISZERO).jump_if("no_transient");
    a.push_u64(1).op(CALLDATALOAD).push_u64(0).op(TSTORE);
    a.label("no_transient");
    // if flags & 2 loop forever
    a.op(DUP1).push_u64(2).op(AND).op(ISZERO).jump_if("no_loop");
    a.label("forever").jump("forever");
    a.label("no_loop");
    // if flags & 64 invalid
    a.op(DUP1).push_u64(64).op(AND).op(ISZERO).jump_if("no_trap");
    a.op(INVALID);
    a.label("no_trap");
    // memory: caller (20) ++ callvalue (32) ++ address (20)
    a.op(CALLER).push_u64(96).op(SHL).push_u64(0).op(MSTORE);
    a.op(CALLVALUE).push_u64(20).op(MSTORE);
    a.op(ADDRESS).push_u64(96).op(SHL).push_u64(52).op(MSTORE);
    a.push_u64(1).op(AND).jump_if("revert");
    a.push_u64(72).push_u64(0).op(RETURN);
    a.label("revert");
    a.push_u64(72).push_u64(0).op(REVERT);
    a.build()
}

/// The EVM twin of the Stylus PROXY: calldata `[kind:1][target:20][value:32][data..]`, the same
/// kinds and flags (`kind & 3`: 0 call, 1 delegate call, 2 static call, 3 CALLCODE; 0x40 writes
/// slot 0 = 1 and logs the target first; 0x80 reverts after the call). Output:
/// `[status:1][return data..]`, status 0 for success and 2 otherwise, as the Stylus proxy's.
pub fn evm_proxy() -> Vec<u8> {
    use op::*;
    let mut a = Asm::new();
    // calldatacopy(0, 53, calldatasize - 53)
    a.push_u64(53).op(CALLDATASIZE).op(SUB).push_u64(53).push_u64(0).op(CALLDATACOPY);
    // kind
    a.push_u64(0).op(CALLDATALOAD).push_u64(248).op(SHR);
    a.op(DUP1).push_u64(0x40).op(AND).op(ISZERO).jump_if("no_writes");
    a.push_u64(1).push_u64(0).op(SSTORE);
    a.push_u64(1).op(CALLDATALOAD).push_u64(0x1000).op(MSTORE);
    a.push_u64(20).push_u64(0x1000).op(LOG0);
    a.label("no_writes");
    // stack: kind
    a.op(DUP1).push_u64(3).op(AND);
    a.op(DUP1).push_u64(0).op(EQ).jump_if("call");
    a.op(DUP1).push_u64(1).op(EQ).jump_if("delegate");
    a.op(DUP1).push_u64(2).op(EQ).jump_if("static");
    // callcode(gas, target, value, 0, n, 0, 0)
    a.push_u64(0).push_u64(0).push_u64(53).op(CALLDATASIZE).op(SUB).push_u64(0)
        .push_u64(21).op(CALLDATALOAD).push_u64(1).op(CALLDATALOAD).push_u64(96).op(SHR).op(GAS).op(CALLCODE);
    a.jump("called");
    a.label("call");
    a.push_u64(0).push_u64(0).push_u64(53).op(CALLDATASIZE).op(SUB).push_u64(0)
        .push_u64(21).op(CALLDATALOAD).push_u64(1).op(CALLDATALOAD).push_u64(96).op(SHR).op(GAS).op(CALL);
    a.jump("called");
    a.label("delegate");
    a.push_u64(0).push_u64(0).push_u64(53).op(CALLDATASIZE).op(SUB).push_u64(0)
        .push_u64(1).op(CALLDATALOAD).push_u64(96).op(SHR).op(GAS).op(DELEGATECALL);
    a.jump("called");
    a.label("static");
    a.push_u64(0).push_u64(0).push_u64(53).op(CALLDATASIZE).op(SUB).push_u64(0)
        .push_u64(1).op(CALLDATALOAD).push_u64(96).op(SHR).op(GAS).op(STATICCALL);
    a.label("called");
    // stack: kind, kind&3, success -> status byte = (1 - success) * 2 at 0x2000
    a.push_u64(1).op(SUB).op(ISZERO).op(ISZERO).push_u64(2).op(MUL).push_u64(0x2000).op(MSTORE8);
    a.op(RETURNDATASIZE).push_u64(0).push_u64(0x2001).op(RETURNDATACOPY);
    a.op(POP);
    a.push_u64(0x80).op(AND).jump_if("revert");
    a.op(RETURNDATASIZE).push_u64(1).op(ADD).push_u64(0x2000).op(RETURN);
    a.label("revert");
    a.op(RETURNDATASIZE).push_u64(1).op(ADD).push_u64(0x2000).op(REVERT);
    a.build()
}

pub const CALLCODE_KIND: u8 = 3;

/// `(status, return data)` from an EVM proxy's output.
pub fn evm_proxy_output(output: &[u8]) -> (u8, Vec<u8>) {
    assert!(!output.is_empty(), "empty EVM proxy output");
    (output[0], output[1..].to_vec())
}
