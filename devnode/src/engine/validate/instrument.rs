//! What Nitro's instrumentation does to one function body, computed rather than emitted: the
//! operator count after all middlewares (the 65,536 limit and the activation gas apply to that)
//! and the depth checker's worst-case frame, which it measures on the body *after* the ink
//! meter and dynamic meter have inserted their code (`crates/prover/src/programs/`).

use wasmparser::{BlockType, FuncType, Operator};
use crate::engine::pricing::ends_basic_block;

/// Operators the ink meter puts before every basic block.
const METER_HEADER: usize = 12;
/// Operators the dynamic meter puts before `memory.fill`/`memory.copy`.
const DYNAMIC_METER: usize = 17;
/// The depth checker's prologue.
const DEPTH_PROLOGUE: usize = 12;
/// The depth checker's stack credit before every `return`.
const DEPTH_RECLAIM: usize = 4;
/// The heap bound's `pay_for_memory_grow` call before every `memory.grow`.
const HEAP_BOUND: usize = 4;

/// One function as Nitro's middlewares see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FuncFacts {
    /// Operators after instrumentation, the final `end` included.
    pub ops: u64,
    /// Most values on the stack at once (the depth checker's "contention").
    pub contention: u32,
    /// Frame size in words: contention + locals + 4.
    pub frame: u32,
}

/// Types Nitro's depth checker needs: every function's type index (imports first) and the
/// type section.
pub(super) struct Types<'t> {
    pub funcs: &'t [u32],
    pub types: &'t [FuncType],
}

impl Types<'_> {
    fn func(&self, index: u32) -> Result<&FuncType, String> {
        self.funcs
            .get(index as usize)
            .and_then(|t| self.types.get(*t as usize))
            .ok_or_else(|| format!("missing type for func {index}"))
    }

    fn sig(&self, index: u32) -> Result<&FuncType, String> {
        self.types
            .get(index as usize)
            .ok_or_else(|| format!("missing type for signature {index}"))
    }
}

/// The ink meter's header: check and deduct the block's cost.
fn meter_header<'a>() -> [Operator<'a>; METER_HEADER] {
    use Operator::*;
    let blockty = BlockType::Empty;
    [
        GlobalGet { global_index: 0 },
        I64Const { value: 0 },
        I64LtU,
        If { blockty },
        I32Const { value: 1 },
        GlobalSet { global_index: 0 },
        Unreachable,
        End,
        GlobalGet { global_index: 0 },
        I64Const { value: 0 },
        I64Sub,
        GlobalSet { global_index: 0 },
    ]
}

/// The dynamic meter's charge for `memory.fill`/`memory.copy` (size × per-byte ink).
fn dynamic_meter<'a>() -> [Operator<'a>; DYNAMIC_METER] {
    use Operator::*;
    let blockty = BlockType::Empty;
    [
        GlobalSet { global_index: 0 },
        GlobalGet { global_index: 0 },
        GlobalGet { global_index: 0 },
        GlobalGet { global_index: 0 },
        I64ExtendI32U,
        I64Const { value: 0 },
        I64Mul,
        I64Sub,
        GlobalSet { global_index: 0 },
        GlobalGet { global_index: 0 },
        I64LtU,
        If { blockty },
        I32Const { value: 1 },
        GlobalSet { global_index: 0 },
        Unreachable,
        End,
        GlobalGet { global_index: 0 },
    ]
}

/// Instruments `ops` (a whole body, final `end` included) as far as the depth checker sees
/// it, then measures it. `locals` excludes parameters, as in Nitro. `pays_for_growth`: the
/// heap bound is active (the memory may grow).
pub(super) fn analyse(
    ops: &[Operator<'_>],
    locals: u32,
    types: &Types,
    pays_for_growth: bool,
) -> Result<FuncFacts, String> {
    // Ink meter: a header before each basic block, the block's operators after it.
    let mut metered = Vec::with_capacity(ops.len() * 2);
    let mut block_start = 0;
    for (i, op) in ops.iter().enumerate() {
        if ends_basic_block(op) {
            metered.extend(meter_header());
            metered.extend_from_slice(&ops[block_start..=i]);
            block_start = i + 1;
        }
    }
    metered.extend_from_slice(&ops[block_start..]);

    // Dynamic meter: charge before the bulk-memory operators.
    let mut code = Vec::with_capacity(metered.len());
    for op in metered {
        if matches!(
            op,
            Operator::MemoryFill { .. } | Operator::MemoryCopy { .. }
        ) {
            code.extend(dynamic_meter());
        }
        code.push(op);
    }

    let contention = worst_case_depth(&code, types)?;
    let returns = code
        .iter()
        .filter(|op| matches!(op, Operator::Return))
        .count();
    let grows = ops
        .iter()
        .filter(|op| matches!(op, Operator::MemoryGrow { .. }))
        .count();
    let count = DEPTH_PROLOGUE
        + code.len()
        + 1 // the depth checker's extra `return` before the final `end`
        + DEPTH_RECLAIM * (returns + 1)
        + if pays_for_growth { HEAP_BOUND * grows } else { 0 };
    Ok(FuncFacts {
        ops: count as u64,
        contention,
        frame: contention.saturating_add(locals).saturating_add(4),
    })
}

/// Nitro's `FuncDepthChecker::worst_case_depth` before it adds locals: the most values on the
/// stack at once, with block results counted as allocated on entry.
fn worst_case_depth(code: &[Operator<'_>], types: &Types) -> Result<u32, String> {
    use Operator::*;

    let mut worst: u32 = 0;
    let mut stack: u32 = 0;
    let mut push = |stack: &mut u32, n: u32| {
        *stack = stack.saturating_add(n);
        worst = worst.max(*stack);
    };
    let pop = |stack: &mut u32, n: u32| *stack = stack.saturating_sub(n);
    let ins_and_outs = |ty: &FuncType| (ty.params().len() as u32, ty.results().len() as u32);

    let mut scopes = vec![stack];
    for op in code {
        let block_type = |blockty: &BlockType| -> Result<(u32, u32), String> {
            Ok(match blockty {
                BlockType::Empty => (0, 0),
                BlockType::Type(_) => (0, 1),
                BlockType::FuncType(id) => ins_and_outs(types.sig(*id)?),
            })
        };
        match op {
            Block { blockty } | Loop { blockty } => {
                let (ins, outs) = block_type(blockty)?;
                push(&mut stack, outs);
                pop(&mut stack, ins);
                scopes.push(stack);
            }
            If { blockty } => {
                pop(&mut stack, 1);
                let (ins, outs) = block_type(blockty)?;
                push(&mut stack, outs);
                pop(&mut stack, ins);
                scopes.push(stack);
            }
            Else => match scopes.last() {
                Some(scope) => stack = *scope,
                None => return Err("malformed if-else scope".into()),
            },
            End => match scopes.pop() {
                Some(scope) => stack = scope,
                None => return Err("malformed scoping detected at end of block".into()),
            },
            Call { function_index } => {
                let (ins, outs) = ins_and_outs(types.func(*function_index)?);
                push(&mut stack, outs);
                pop(&mut stack, ins);
            }
            CallIndirect { type_index, .. } => {
                let (ins, outs) = ins_and_outs(types.sig(*type_index)?);
                push(&mut stack, outs);
                pop(&mut stack, ins);
                pop(&mut stack, 1); // the table index
            }
            // Internal functions of type (i32, i32, i32) -> ().
            MemoryFill { .. } | MemoryCopy { .. } => {
                push(&mut stack, 0);
                pop(&mut stack, 3);
            }

            Nop
            | Unreachable
            | I32Eqz
            | I64Eqz
            | I32Clz
            | I32Ctz
            | I32Popcnt
            | I64Clz
            | I64Ctz
            | I64Popcnt
            | Br { .. }
            | Return
            | LocalTee { .. }
            | MemoryGrow { .. }
            | I32Load { .. }
            | I64Load { .. }
            | F32Load { .. }
            | F64Load { .. }
            | I32Load8S { .. }
            | I32Load8U { .. }
            | I32Load16S { .. }
            | I32Load16U { .. }
            | I64Load8S { .. }
            | I64Load8U { .. }
            | I64Load16S { .. }
            | I64Load16U { .. }
            | I64Load32S { .. }
            | I64Load32U { .. }
            | I32WrapI64
            | I64ExtendI32S
            | I64ExtendI32U
            | I32Extend8S
            | I32Extend16S
            | I64Extend8S
            | I64Extend16S
            | I64Extend32S
            | F32Abs
            | F32Neg
            | F32Ceil
            | F32Floor
            | F32Trunc
            | F32Nearest
            | F32Sqrt
            | F64Abs
            | F64Neg
            | F64Ceil
            | F64Floor
            | F64Trunc
            | F64Nearest
            | F64Sqrt
            | I32TruncF32S
            | I32TruncF32U
            | I32TruncF64S
            | I32TruncF64U
            | I64TruncF32S
            | I64TruncF32U
            | I64TruncF64S
            | I64TruncF64U
            | F32ConvertI32S
            | F32ConvertI32U
            | F32ConvertI64S
            | F32ConvertI64U
            | F32DemoteF64
            | F64ConvertI32S
            | F64ConvertI32U
            | F64ConvertI64S
            | F64ConvertI64U
            | F64PromoteF32
            | I32ReinterpretF32
            | I64ReinterpretF64
            | F32ReinterpretI32
            | F64ReinterpretI64
            | I32TruncSatF32S
            | I32TruncSatF32U
            | I32TruncSatF64S
            | I32TruncSatF64U
            | I64TruncSatF32S
            | I64TruncSatF32U
            | I64TruncSatF64S
            | I64TruncSatF64U => {}

            LocalGet { .. }
            | GlobalGet { .. }
            | MemorySize { .. }
            | I32Const { .. }
            | I64Const { .. }
            | F32Const { .. }
            | F64Const { .. } => push(&mut stack, 1),

            Drop
            | I32Eq
            | I32Ne
            | I32LtS
            | I32LtU
            | I32GtS
            | I32GtU
            | I32LeS
            | I32LeU
            | I32GeS
            | I32GeU
            | I64Eq
            | I64Ne
            | I64LtS
            | I64LtU
            | I64GtS
            | I64GtU
            | I64LeS
            | I64LeU
            | I64GeS
            | I64GeU
            | F32Eq
            | F32Ne
            | F32Lt
            | F32Gt
            | F32Le
            | F32Ge
            | F64Eq
            | F64Ne
            | F64Lt
            | F64Gt
            | F64Le
            | F64Ge
            | I32Add
            | I32Sub
            | I32Mul
            | I32DivS
            | I32DivU
            | I32RemS
            | I32RemU
            | I64Add
            | I64Sub
            | I64Mul
            | I64DivS
            | I64DivU
            | I64RemS
            | I64RemU
            | I32And
            | I32Or
            | I32Xor
            | I32Shl
            | I32ShrS
            | I32ShrU
            | I32Rotl
            | I32Rotr
            | I64And
            | I64Or
            | I64Xor
            | I64Shl
            | I64ShrS
            | I64ShrU
            | I64Rotl
            | I64Rotr
            | F32Add
            | F32Sub
            | F32Mul
            | F32Div
            | F32Min
            | F32Max
            | F32Copysign
            | F64Add
            | F64Sub
            | F64Mul
            | F64Div
            | F64Min
            | F64Max
            | F64Copysign
            | BrIf { .. }
            | BrTable { .. }
            | LocalSet { .. }
            | GlobalSet { .. } => pop(&mut stack, 1),

            Select
            | I32Store { .. }
            | I64Store { .. }
            | F32Store { .. }
            | F64Store { .. }
            | I32Store8 { .. }
            | I32Store16 { .. }
            | I64Store8 { .. }
            | I64Store16 { .. }
            | I64Store32 { .. } => pop(&mut stack, 2),

            // Everything else needs a proposal Nitro leaves off (validation refuses it first).
            other => return Err(format!("extension {other:?} not supported")),
        }
    }
    Ok(worst)
}
