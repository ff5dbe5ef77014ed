//! Ink metering, injected into the module the way Nitro does it.
//!
//! Nitro does not count instructions at run time: at activation it rewrites every function so
//! that each basic block first checks and subtracts its whole cost from a global
//! (`crates/prover/src/programs/meter.rs`), and `memory.fill`/`memory.copy` additionally pay
//! per byte (`dynamic.rs`); when the memory can grow, every `memory.grow` is preceded by a
//! call to `vm_hooks.pay_for_memory_grow` (`heap.rs`). Doing the same here makes the ink a
//! call uses independent of the wasm runtime that executes it, and equal to Nitro's for the
//! same opcode table.
//!
//! Nitro's depth checker (`depth.rs`) is injected too: every function subtracts its
//! worst-case frame (computed by `validate`) from a stack budget on entry and gives it back
//! before each `return`, so a call nests exactly as deep as on Nitro (`MaxStackDepth` words)
//! and ends the same way when it goes deeper (the program stops with all its gas consumed).
//!
//! The rewritten module exports four extra globals, which the host reads and writes:
//! [`INK_LEFT`] (i64), [`INK_STATUS`] (i32, 1 once out of ink), a scratch i32 and
//! [`STACK_LEFT`] (i32, the depth checker's budget). They are the first globals the module
//! defines, so without imported globals (Stylus programs import only functions) the ink is
//! global 0: wasmi keeps global 0 of the running instance at hand and reaches any other
//! through the store, and the ink is read twice and written once per basic block. The
//! module's own globals move up by four.

use wasm_encoder::{
    reencode::{self, Reencode},
    BlockType, CodeSection, ConstExpr, ExportKind, ExportSection, Function, GlobalSection,
    GlobalType, Instruction, Module, ValType,
};
use wasmparser::{Operator, Parser, Payload, TypeRef};

use super::pricing;

pub const INK_LEFT: &str = "stylus_ink_left";
pub const INK_STATUS: &str = "stylus_ink_status";
const SCRATCH: &str = "stylus_scratch";
/// depth.rs `STYLUS_STACK_LEFT`: words of stack the running call may still use; the host sets
/// it to `MaxStackDepth` before each call and finds it at 0 when the depth check stopped it.
pub const STACK_LEFT: &str = "stylus_stack_left";
/// The import Nitro's heap bound calls before `memory.grow`.
const PAY_FOR_MEMORY_GROW: &str = "pay_for_memory_grow";

#[derive(Debug, thiserror::Error)]
#[error("cannot instrument module: {0}")]
pub struct MeterError(String);

impl<E: std::fmt::Display> From<wasm_encoder::reencode::Error<E>> for MeterError {
    fn from(error: wasm_encoder::reencode::Error<E>) -> Self {
        Self(error.to_string())
    }
}

impl From<wasmparser::BinaryReaderError> for MeterError {
    fn from(error: wasmparser::BinaryReaderError) -> Self {
        Self(error.to_string())
    }
}

/// The module re-encoded as it is, except that its own (not imported) globals make room for
/// the meter's three, which come first.
struct Reencoder {
    imported_globals: u32,
}

/// The meter's globals, from the first index after the imported ones.
const METER_GLOBALS: u32 = 4;

impl Reencode for Reencoder {
    type Error = std::convert::Infallible;

    fn global_index(&mut self, global: u32) -> Result<u32, reencode::Error<Self::Error>> {
        Ok(if global < self.imported_globals { global } else { global + METER_GLOBALS })
    }
}

/// Section ids in the order a module must have them, for inserting the ones we add.
fn section_rank(id: u8) -> u8 {
    match id {
        1..=5 => id,
        13 => 6, // tag
        6 => 7,  // global
        7 => 8,  // export
        8 => 9,  // start
        9 => 10, // element
        12 => 11, // data count
        10 => 12, // code
        11 => 13, // data
        _ => 0,
    }
}

/// Rewrites a validated Stylus module with Nitro's static and dynamic ink meters and its depth
/// checker. `frames` holds each defined function's frame in words, in order
/// (`validate::ModuleInfo::frame_words`).
pub fn instrument(wasm: &[u8], frames: &[u32]) -> Result<Vec<u8>, MeterError> {
    let mut re = Reencoder { imported_globals: 0 };
    let mut out = Module::new();
    let mut types: Vec<(usize, usize)> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut imported_globals = 0u32;
    let mut globals_done = false;
    let mut exports_done = false;
    let mut code = CodeSection::new();
    let mut code_left = 0u32;
    let mut defined_func = 0usize;
    let mut imported_funcs = 0usize;
    // Nitro's heap bound (heap.rs): when the memory can grow (max != min), every `memory.grow`
    // is preceded by a call to the `vm_hooks.pay_for_memory_grow` import.
    let mut pay_import: Option<u32> = None;
    let mut memory_can_grow = false;

    // The meter's globals, to which the module's own are appended.
    let meter_globals = || {
        let mut section = GlobalSection::new();
        let mutable = |val_type| GlobalType { val_type, mutable: true, shared: false };
        section.global(mutable(ValType::I64), &ConstExpr::i64_const(0));
        section.global(mutable(ValType::I32), &ConstExpr::i32_const(0));
        section.global(mutable(ValType::I32), &ConstExpr::i32_const(0));
        section.global(mutable(ValType::I32), &ConstExpr::i32_const(0));
        section
    };
    let add_exports = |out: &mut Module, section: Option<ExportSection>, ink: u32| {
        let mut section = section.unwrap_or_default();
        section.export(INK_LEFT, ExportKind::Global, ink);
        section.export(INK_STATUS, ExportKind::Global, ink + 1);
        section.export(SCRATCH, ExportKind::Global, ink + 2);
        section.export(STACK_LEFT, ExportKind::Global, ink + 3);
        out.section(&section);
    };

    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        // Our globals and exports must exist before any later section is written.
        if let Some((id, _)) = payload.as_section() {
            let rank = section_rank(id);
            if !globals_done && rank > 7 {
                out.section(&meter_globals());
                globals_done = true;
            }
            if !exports_done && rank > 8 {
                add_exports(&mut out, None, imported_globals);
                exports_done = true;
            }
        }
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader.clone().into_iter_err_on_gc_types() {
                    let ty = group?;
                    types.push((ty.params().len(), ty.results().len()));
                }
                let mut section = wasm_encoder::TypeSection::new();
                re.parse_type_section(&mut section, reader)?;
                out.section(&section);
            }
            Payload::ImportSection(reader) => {
                for import in reader.clone().into_imports() {
                    let import = import?;
                    match import.ty {
                        TypeRef::Func(ty) => {
                            if import.module == "vm_hooks" && import.name == PAY_FOR_MEMORY_GROW {
                                pay_import = Some(imported_funcs as u32);
                            }
                            func_types.push(ty);
                            imported_funcs += 1;
                        }
                        TypeRef::Global(_) => imported_globals += 1,
                        _ => {}
                    }
                }
                re.imported_globals = imported_globals;
                let mut section = wasm_encoder::ImportSection::new();
                re.parse_import_section(&mut section, reader)?;
                out.section(&section);
            }
            Payload::FunctionSection(reader) => {
                for ty in reader.clone() {
                    func_types.push(ty?);
                }
                let mut section = wasm_encoder::FunctionSection::new();
                re.parse_function_section(&mut section, reader)?;
                out.section(&section);
            }
            Payload::TableSection(reader) => {
                let mut section = wasm_encoder::TableSection::new();
                re.parse_table_section(&mut section, reader)?;
                out.section(&section);
            }
            Payload::MemorySection(reader) => {
                for memory in reader.clone() {
                    let memory = memory?;
                    memory_can_grow |= memory.maximum != Some(memory.initial);
                }
                let mut section = wasm_encoder::MemorySection::new();
                re.parse_memory_section(&mut section, reader)?;
                out.section(&section);
            }
            Payload::GlobalSection(reader) => {
                let mut section = meter_globals();
                re.parse_global_section(&mut section, reader)?;
                out.section(&section);
                globals_done = true;
            }
            Payload::ExportSection(reader) => {
                let mut section = ExportSection::new();
                re.parse_export_section(&mut section, reader)?;
                add_exports(&mut out, Some(section), imported_globals);
                exports_done = true;
            }
            Payload::StartSection { func, .. } => {
                out.section(&wasm_encoder::StartSection { function_index: func });
            }
            Payload::ElementSection(reader) => {
                let mut section = wasm_encoder::ElementSection::new();
                re.parse_element_section(&mut section, reader)?;
                out.section(&section);
            }
            Payload::DataCountSection { count, .. } => {
                out.section(&wasm_encoder::DataCountSection { count });
            }
            Payload::CodeSectionStart { count, .. } => code_left = count,
            Payload::CodeSectionEntry(body) => {
                let sig = |ty: u32| types.get(ty as usize).copied().unwrap_or((0, 0));
                let func_sig = |func: u32| {
                    func_types.get(func as usize).map(|ty| sig(*ty)).unwrap_or((0, 0))
                };
                let frame = *frames.get(defined_func).ok_or_else(|| {
                    MeterError(format!("no frame size for function {}", imported_funcs + defined_func))
                })?;
                let pay = if memory_can_grow { pay_import } else { None };
                let function = meter_function(&mut re, &body, imported_globals, frame, pay, &sig, &func_sig)?;
                code.function(&function);
                defined_func += 1;
                code_left -= 1;
                if code_left == 0 {
                    out.section(&code);
                }
            }
            Payload::DataSection(reader) => {
                let mut section = wasm_encoder::DataSection::new();
                re.parse_data_section(&mut section, reader)?;
                out.section(&section);
            }
            // Names and other custom sections do not reach Nitro's runtime either.
            Payload::CustomSection(_) | Payload::Version { .. } | Payload::End(_) => {}
            other => {
                return Err(MeterError(format!("unsupported section {:?}", other.as_section())))
            }
        }
    }
    if !globals_done {
        out.section(&meter_globals());
    }
    if !exports_done {
        add_exports(&mut out, None, imported_globals);
    }
    Ok(out.finish())
}

fn meter_function(
    re: &mut Reencoder,
    body: &wasmparser::FunctionBody<'_>,
    ink: u32,
    frame: u32,
    pay_for_memory_grow: Option<u32>,
    sig: &dyn Fn(u32) -> (usize, usize),
    func_sig: &dyn Fn(u32) -> (usize, usize),
) -> Result<Function, MeterError> {
    let status = ink + 1;
    let scratch = ink + 2;
    let stack = ink + 3;
    let mut function = re.new_function_with_parsed_locals(body)?;
    // depth.rs: "if space <= size => panic with depth = 0", then "space -= size". Inserted
    // after the meters ran, so neither the check nor the credits below cost ink.
    let size = frame as i32;
    for instruction in [
        Instruction::GlobalGet(stack),
        Instruction::I32Const(size),
        Instruction::I32LeU,
        Instruction::If(BlockType::Empty),
        Instruction::I32Const(0),
        Instruction::GlobalSet(stack),
        Instruction::Unreachable,
        Instruction::End,
        Instruction::GlobalGet(stack),
        Instruction::I32Const(size),
        Instruction::I32Sub,
        Instruction::GlobalSet(stack),
    ] {
        function.instruction(&instruction);
    }
    // "space += size" before every `return`, and before the `return` Nitro adds ahead of the
    // body's final `end` "to match Arbitrator".
    let reclaim = [
        Instruction::GlobalGet(stack),
        Instruction::I32Const(size),
        Instruction::I32Add,
        Instruction::GlobalSet(stack),
    ];
    let mut block: Vec<Operator<'_>> = Vec::new();
    let mut block_cost = 0u64;
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        let op = reader.read()?;
        let end = pricing::ends_basic_block(&op);
        block_cost = block_cost.saturating_add(pricing::opcode_ink(&op, sig, func_sig));
        block.push(op);
        if end {
            let cost = block_cost.saturating_add(pricing::INK_HEADER_COST) as i64;
            for instruction in [
                Instruction::GlobalGet(ink),
                Instruction::I64Const(cost),
                Instruction::I64LtU,
                Instruction::If(BlockType::Empty),
                Instruction::I32Const(1),
                Instruction::GlobalSet(status),
                Instruction::Unreachable,
                Instruction::End,
                Instruction::GlobalGet(ink),
                Instruction::I64Const(cost),
                Instruction::I64Sub,
                Instruction::GlobalSet(ink),
            ] {
                function.instruction(&instruction);
            }
            let body_ends = reader.eof();
            let count = block.len();
            for (i, op) in block.drain(..).enumerate() {
                if matches!(op, Operator::Return) {
                    for instruction in &reclaim {
                        function.instruction(instruction);
                    }
                }
                if body_ends && i + 1 == count {
                    for instruction in &reclaim {
                        function.instruction(instruction);
                    }
                    function.instruction(&Instruction::Return);
                }
                let per_byte = match op {
                    Operator::MemoryFill { .. } => Some(pricing::MEMORY_FILL_INK_PER_BYTE),
                    Operator::MemoryCopy { .. } => Some(pricing::MEMORY_COPY_INK_PER_BYTE),
                    _ => None,
                };
                if let Some(per_byte) = per_byte {
                    for instruction in dynamic_charge(ink, status, scratch, per_byte as i64) {
                        function.instruction(&instruction);
                    }
                }
                // heap.rs `FuncHeapBound::feed`: the pages are paid for before every grow; the
                // inserted ops are not ink-metered (the ink meter ran before this middleware).
                if let (Operator::MemoryGrow { .. }, Some(pay)) = (&op, pay_for_memory_grow) {
                    for instruction in [
                        Instruction::GlobalSet(scratch),
                        Instruction::GlobalGet(scratch),
                        Instruction::GlobalGet(scratch),
                        Instruction::Call(pay),
                    ] {
                        function.instruction(&instruction);
                    }
                }
                function.instruction(&re.instruction(op)?);
            }
            block_cost = 0;
        }
    }
    Ok(function)
}

/// `dynamic.rs`'s charge for a byte count on top of the stack, leaving the stack unchanged.
fn dynamic_charge(ink: u32, status: u32, scratch: u32, per_byte: i64) -> [Instruction<'static>; 17] {
    [
        Instruction::GlobalSet(scratch),
        Instruction::GlobalGet(ink),
        Instruction::GlobalGet(ink),
        Instruction::GlobalGet(scratch),
        Instruction::I64ExtendI32U,
        Instruction::I64Const(per_byte),
        Instruction::I64Mul,
        Instruction::I64Sub,
        Instruction::GlobalSet(ink),
        Instruction::GlobalGet(ink),
        Instruction::I64LtU,
        Instruction::If(BlockType::Empty),
        Instruction::I32Const(1),
        Instruction::GlobalSet(status),
        Instruction::Unreachable,
        Instruction::End,
        Instruction::GlobalGet(scratch),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_encoder::reencode::RoundtripReencoder as RoundTrip;

    /// (index, type) of every global, imported ones first.
    type Globals = Vec<(u32, ValType)>;
    /// (name, global index) of every exported global.
    type GlobalExports = Vec<(String, u32)>;

    fn globals_and_exports(wasm: &[u8]) -> (Globals, GlobalExports) {
        let (mut globals, mut exports) = (Vec::new(), Vec::new());
        for payload in Parser::new(0).parse_all(wasm) {
            match payload.unwrap() {
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        if let TypeRef::Global(ty) = import.unwrap().ty {
                            globals.push((globals.len() as u32, RoundTrip.val_type(ty.content_type).unwrap()));
                        }
                    }
                }
                Payload::GlobalSection(reader) => {
                    for global in reader {
                        let ty = global.unwrap().ty.content_type;
                        globals.push((globals.len() as u32, RoundTrip.val_type(ty).unwrap()));
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export.unwrap();
                        if export.kind == wasmparser::ExternalKind::Global {
                            exports.push((export.name.to_string(), export.index));
                        }
                    }
                }
                _ => {}
            }
        }
        (globals, exports)
    }

    #[test]
    fn the_ink_is_global_zero_and_the_modules_globals_move_up() {
        let wasm = wat::parse_str(
            r#"(module
                (global $a (mut i32) (i32.const 7))
                (global $b i64 (i64.const 9))
                (memory 1 1)
                (func (export "get") (result i32) global.get $a)
                (func (export "set") (param i32) local.get 0 global.set $a)
                (export "a" (global $a))
                (export "b" (global $b)))"#,
        )
        .unwrap();
        let metered = instrument(&wasm, &[16, 16]).unwrap();
        let (globals, exports) = globals_and_exports(&metered);
        use ValType::{I32, I64};
        assert_eq!(globals, [(0, I64), (1, I32), (2, I32), (3, I32), (4, I32), (5, I64)]);
        let index = |name: &str| exports.iter().find(|(n, _)| n == name).map(|(_, i)| *i);
        assert_eq!(index(INK_LEFT), Some(0));
        assert_eq!(index(INK_STATUS), Some(1));
        assert_eq!(index(SCRATCH), Some(2));
        assert_eq!(index(STACK_LEFT), Some(3));
        assert_eq!((index("a"), index("b")), (Some(4), Some(5)));

        // The code follows its globals to their new indices.
        let engine = wasmi::Engine::default();
        let module = wasmi::Module::new(&engine, &metered).unwrap();
        let mut store = wasmi::Store::new(&engine, ());
        let instance = wasmi::Linker::new(&engine).instantiate_and_start(&mut store, &module).unwrap();
        let ink = instance.get_global(&store, INK_LEFT).unwrap();
        ink.set(&mut store, wasmi::Val::I64(1_000_000)).unwrap();
        let stack = instance.get_global(&store, STACK_LEFT).unwrap();
        stack.set(&mut store, wasmi::Val::I32(1_000)).unwrap();
        let get = instance.get_typed_func::<(), i32>(&store, "get").unwrap();
        let set = instance.get_typed_func::<i32, ()>(&store, "set").unwrap();
        assert_eq!(get.call(&mut store, ()).unwrap(), 7);
        set.call(&mut store, 5).unwrap();
        assert_eq!(get.call(&mut store, ()).unwrap(), 5);
        let a = instance.get_global(&store, "a").unwrap();
        assert!(matches!(a.get(&store), wasmi::Val::I32(5)));
        let b = instance.get_global(&store, "b").unwrap();
        assert!(matches!(b.get(&store), wasmi::Val::I64(9)));
        assert!(matches!(ink.get(&store), wasmi::Val::I64(left) if left < 1_000_000));
    }

    #[test]
    fn imported_globals_keep_their_indices() {
        let wasm = wat::parse_str(
            r#"(module
                (import "env" "g" (global $g i32))
                (global $a (mut i32) (global.get $g))
                (func (export "get") (result i32) global.get $a global.get $g i32.add)
                (export "a" (global $a)))"#,
        )
        .unwrap();
        let metered = instrument(&wasm, &[16]).unwrap();
        let (globals, exports) = globals_and_exports(&metered);
        use ValType::{I32, I64};
        assert_eq!(globals, [(0, I32), (1, I64), (2, I32), (3, I32), (4, I32), (5, I32)]);
        let index = |name: &str| exports.iter().find(|(n, _)| n == name).map(|(_, i)| *i);
        assert_eq!((index(INK_LEFT), index(INK_STATUS), index("a")), (Some(1), Some(2), Some(5)));

        let engine = wasmi::Engine::default();
        let module = wasmi::Module::new(&engine, &metered).unwrap();
        let mut store = wasmi::Store::new(&engine, ());
        let mut linker = wasmi::Linker::new(&engine);
        let g = wasmi::Global::new(&mut store, wasmi::Val::I32(40), wasmi::Mutability::Const);
        linker.define("env", "g", g).unwrap();
        let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
        let ink = instance.get_global(&store, INK_LEFT).unwrap();
        ink.set(&mut store, wasmi::Val::I64(1_000_000)).unwrap();
        let stack = instance.get_global(&store, STACK_LEFT).unwrap();
        stack.set(&mut store, wasmi::Val::I32(1_000)).unwrap();
        let get = instance.get_typed_func::<(), i32>(&store, "get").unwrap();
        assert_eq!(get.call(&mut store, ()).unwrap(), 80);
    }

    /// depth.rs: a frame enters only while `space > size`, and returns its words on the way
    /// out, through `return` or the body's end. A budget of 100 words and 10-word frames
    /// admit 9 nested frames (the 9th enters with 20 left); the 10th finds 10 <= 10 and stops
    /// the call with the budget set to 0.
    #[test]
    fn the_depth_checker_admits_frames_while_space_exceeds_their_size() {
        let wasm = wat::parse_str(
            r#"(module
                (func $f (export "f") (param i32) (result i32)
                    (if (i32.eqz (local.get 0)) (then (return (i32.const 0))))
                    (i32.add (i32.const 1) (call $f (i32.sub (local.get 0) (i32.const 1))))))"#,
        )
        .unwrap();
        let metered = instrument(&wasm, &[10]).unwrap();
        let engine = wasmi::Engine::default();
        let module = wasmi::Module::new(&engine, &metered).unwrap();
        let mut store = wasmi::Store::new(&engine, ());
        let instance = wasmi::Linker::new(&engine).instantiate_and_start(&mut store, &module).unwrap();
        let ink = instance.get_global(&store, INK_LEFT).unwrap();
        let stack = instance.get_global(&store, STACK_LEFT).unwrap();
        let f = instance.get_typed_func::<i32, i32>(&store, "f").unwrap();
        let run = |store: &mut wasmi::Store<()>, n: i32| {
            ink.set(&mut *store, wasmi::Val::I64(i64::MAX)).unwrap();
            stack.set(&mut *store, wasmi::Val::I32(100)).unwrap();
            let result = f.call(&mut *store, n);
            let left = match stack.get(&*store) {
                wasmi::Val::I32(left) => left,
                other => panic!("{other:?}"),
            };
            (result.ok(), left)
        };
        // f(8) opens 9 frames; every one gives its 10 words back (both exits).
        assert_eq!(run(&mut store, 8), (Some(8), 100));
        assert_eq!(run(&mut store, 0), (Some(0), 100));
        // f(9) needs a 10th frame: stopped, space 0.
        assert_eq!(run(&mut store, 9), (None, 0));
    }
}
