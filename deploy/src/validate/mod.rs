//! Step 3: check a module the way Nitro does when it activates a program, as far as that can
//! be done without Nitro (reference/stylus-host.md, "Activation-time validation").
//!
//! Not checked here: the worst-case stack frame (10,240 words) and the ink a call costs.

use std::fmt;

use wasmparser::{
    ElementItems, ExternalKind, FuncType, Operator, Parser, Payload, TypeRef, ValType, Validator,
    WasmFeatures,
};

/// The wasm features Nitro turns on when it validates a program: mutable-global,
/// sign-extension, saturating float-to-int, bulk-memory and multi-value, on top of the MVP
/// (whose floats Nitro's validator accepts: float operators are rejected below instead).
/// Off: reference-types, SIMD, threads, tail-call, exceptions, memory64, multi-memory,
/// extended-const, GC and the rest.
pub fn nitro_features() -> WasmFeatures {
    WasmFeatures::MVP
        | WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::MULTI_VALUE
}

mod nitro;

pub use nitro::{limits, HOST_FUNCTIONS};

/// The entry point Nitro calls: `user_entrypoint(calldata_len: i32) -> i32`.
pub const ENTRYPOINT: &str = "user_entrypoint";
/// The one memory's export name.
pub const MEMORY_EXPORT: &str = "memory";
/// The only import module.
pub const HOST_MODULE: &str = "vm_hooks";

/// Which kind of float operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatKind {
    Arithmetic,
    Comparison,
    Conversion,
    /// Load, store, const and reinterpret pass activation but cost u64::MAX ink, so any
    /// block containing one runs out of gas: refused too.
    Unmeterable,
}

/// One broken activation rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// wasmparser refused the module with Nitro's feature set.
    Invalid(String),
    /// A float operator (`func` is the function index, imports included).
    FloatOperator {
        func: u32,
        op: String,
        kind: FloatKind,
    },
    /// `memory.init` or `data.drop`: of bulk-memory, Nitro runs only `memory.copy`/`memory.fill`.
    BulkMemoryOperator { func: u32, op: String },
    /// `table.*` or `elem.drop`.
    TableOperator { func: u32, op: String },
    /// A start function.
    StartFunction,
    /// A DataCount section.
    DataCountSection,
    /// Not exactly one memory.
    MemoryCount(usize),
    /// The memory is not exported as `memory` (or is exported under other names too).
    MemoryExport(String),
    /// More initial pages than Nitro's page limit.
    InitialPages(u64),
    /// No `user_entrypoint` function export.
    MissingEntrypoint,
    /// `user_entrypoint` is not `(i32) -> i32`.
    EntrypointSignature(String),
    /// An import from another module than `vm_hooks`.
    ImportModule { module: String, name: String },
    /// An import that is not a function.
    ImportKind { name: String },
    /// A `vm_hooks` import Nitro does not provide.
    UnknownHostFunction(String),
    /// A host function imported with the wrong signature.
    HostFunctionSignature {
        name: String,
        expected: String,
        found: String,
    },
    /// `memory.grow` without importing `pay_for_memory_grow`.
    MemoryGrowWithoutPayment,
    /// An import or export whose name starts with `stylus` (reserved for Nitro).
    ReservedName(String),
    /// A name longer than 512 bytes.
    NameTooLong(usize),
    /// Over one of Nitro's counts.
    TooMany {
        what: &'static str,
        count: u64,
        limit: u64,
    },
}

impl Rule {
    /// A short, stable identifier of the rule.
    pub fn id(&self) -> &'static str {
        match self {
            Rule::Invalid(_) => "invalid-module",
            Rule::FloatOperator { .. } => "float-operator",
            Rule::BulkMemoryOperator { .. } => "bulk-memory-operator",
            Rule::TableOperator { .. } => "table-operator",
            Rule::StartFunction => "start-function",
            Rule::DataCountSection => "data-count-section",
            Rule::MemoryCount(_) => "one-memory",
            Rule::MemoryExport(_) => "memory-export",
            Rule::InitialPages(_) => "initial-pages",
            Rule::MissingEntrypoint => "entrypoint-export",
            Rule::EntrypointSignature(_) => "entrypoint-signature",
            Rule::ImportModule { .. } => "import-module",
            Rule::ImportKind { .. } => "import-kind",
            Rule::UnknownHostFunction(_) => "unknown-host-function",
            Rule::HostFunctionSignature { .. } => "host-function-signature",
            Rule::MemoryGrowWithoutPayment => "memory-grow-payment",
            Rule::ReservedName(_) => "reserved-name",
            Rule::NameTooLong(_) => "name-length",
            Rule::TooMany { .. } => "limit",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Invalid(e) => write!(f, "not valid wasm with Nitro's features: {e}"),
            Rule::FloatOperator { func, op, kind } => {
                let what = match kind {
                    FloatKind::Arithmetic => "float arithmetic",
                    FloatKind::Comparison => "float comparison",
                    FloatKind::Conversion => "float conversion",
                    FloatKind::Unmeterable => "float instruction that costs u64::MAX ink",
                };
                write!(f, "{what} `{op}` in function {func}")
            }
            Rule::BulkMemoryOperator { func, op } => {
                write!(
                    f,
                    "`{op}` in function {func} (only memory.copy and memory.fill run)"
                )
            }
            Rule::TableOperator { func, op } => {
                write!(f, "table operator `{op}` in function {func}")
            }
            Rule::StartFunction => write!(f, "has a start function"),
            Rule::DataCountSection => write!(f, "has a DataCount section"),
            Rule::MemoryCount(n) => write!(f, "has {n} memories, not exactly 1"),
            Rule::MemoryExport(e) => write!(f, "memory export: {e}"),
            Rule::InitialPages(n) => {
                write!(
                    f,
                    "memory starts at {n} pages, over the limit of {}",
                    limits::INITIAL_PAGES
                )
            }
            Rule::MissingEntrypoint => write!(f, "exports no function `{ENTRYPOINT}`"),
            Rule::EntrypointSignature(found) => {
                write!(f, "`{ENTRYPOINT}` is {found}, not (i32) -> i32")
            }
            Rule::ImportModule { module, name } => {
                write!(
                    f,
                    "imports `{module}.{name}`: only `{HOST_MODULE}` may be imported from"
                )
            }
            Rule::ImportKind { name } => write!(f, "imports `{name}`, which is not a function"),
            Rule::UnknownHostFunction(name) => write!(
                f,
                "imports `{HOST_MODULE}.{name}`, which Nitro does not provide"
            ),
            Rule::HostFunctionSignature {
                name,
                expected,
                found,
            } => {
                write!(
                    f,
                    "imports `{HOST_MODULE}.{name}` as {found}, Nitro provides {expected}"
                )
            }
            Rule::MemoryGrowWithoutPayment => {
                write!(
                    f,
                    "uses memory.grow but does not import `{HOST_MODULE}.pay_for_memory_grow`"
                )
            }
            Rule::ReservedName(name) => write!(
                f,
                "imports or exports `{name}`: names starting with `stylus` are reserved"
            ),
            Rule::NameTooLong(len) => write!(f, "has a {len}-byte name, over {}", limits::NAME_LEN),
            Rule::TooMany { what, count, limit } => {
                write!(f, "has {count} {what}, over the limit of {limit}")
            }
        }
    }
}

/// A contract's module breaks an activation rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub contract: String,
    pub rule: Rule,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: [{}] {}", self.contract, self.rule.id(), self.rule)
    }
}

impl std::error::Error for ValidationError {}

/// Every rule a module breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} activation rule(s) broken", self.0.len())?;
        for e in &self.0 {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Checks `wasm` (the module of `contract`) against Nitro's activation rules and returns every
/// rule it breaks, or `Ok(())`.
pub fn validate(contract: &str, wasm: &[u8]) -> Result<(), ValidationErrors> {
    let rules = check(wasm);
    if rules.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors(
            rules
                .into_iter()
                .map(|rule| ValidationError {
                    contract: contract.to_owned(),
                    rule,
                })
                .collect(),
        ))
    }
}

/// The rules `wasm` breaks (empty: none).
pub fn check(wasm: &[u8]) -> Vec<Rule> {
    if let Err(e) = Validator::new_with_features(nitro_features()).validate_all(wasm) {
        return vec![Rule::Invalid(e.to_string())];
    }
    match Scan::default().run(wasm) {
        Ok(rules) => rules,
        Err(e) => vec![Rule::Invalid(e.to_string())],
    }
}

#[derive(Default)]
struct Scan {
    rules: Vec<Rule>,
    types: Vec<FuncType>,
    /// Type index of every function, imports first.
    func_types: Vec<u32>,
    imported_funcs: u32,
    pays_for_memory: bool,
    grows_memory: bool,
    memories: usize,
    exports: Vec<(String, ExternalKind, u32)>,
    next_code: u32,
}

impl Scan {
    fn run(mut self, wasm: &[u8]) -> wasmparser::Result<Vec<Rule>> {
        for payload in Parser::new(0).parse_all(wasm) {
            match payload? {
                Payload::TypeSection(reader) => {
                    for ty in reader.into_iter_err_on_gc_types() {
                        self.types.push(ty?);
                    }
                }
                Payload::ImportSection(reader) => {
                    let mut count = 0;
                    for import in reader.into_imports() {
                        let import = import?;
                        count += 1;
                        self.import(import.module, import.name, import.ty);
                    }
                    self.limit("imports", count, limits::IMPORTS);
                }
                Payload::FunctionSection(reader) => {
                    let count = reader.count() as usize;
                    for ty in reader {
                        self.func_types.push(ty?);
                    }
                    self.limit("functions", count, limits::FUNCTIONS);
                }
                Payload::TableSection(reader) => {
                    let mut entries = 0;
                    for table in reader {
                        entries += table?.ty.initial;
                    }
                    self.limit_u64("table entries", entries, limits::TABLE_ENTRIES);
                }
                Payload::MemorySection(reader) => {
                    for memory in reader {
                        let memory = memory?;
                        self.memories += 1;
                        if memory.initial > limits::INITIAL_PAGES {
                            self.rules.push(Rule::InitialPages(memory.initial));
                        }
                    }
                }
                Payload::GlobalSection(reader) => {
                    self.limit("globals", reader.count() as usize, limits::GLOBALS);
                }
                Payload::ExportSection(reader) => {
                    self.limit("exports", reader.count() as usize, limits::EXPORTS);
                    for export in reader {
                        let export = export?;
                        self.name(export.name);
                        self.exports
                            .push((export.name.to_owned(), export.kind, export.index));
                    }
                }
                Payload::StartSection { .. } => self.rules.push(Rule::StartFunction),
                Payload::ElementSection(reader) => {
                    self.limit(
                        "element segments",
                        reader.count() as usize,
                        limits::ELEMENT_SEGMENTS,
                    );
                    let mut entries = 0u64;
                    for element in reader {
                        entries += u64::from(match element?.items {
                            ElementItems::Functions(items) => items.count(),
                            ElementItems::Expressions(_, items) => items.count(),
                        });
                    }
                    self.limit_u64("element entries", entries, limits::ELEMENT_ENTRIES);
                }
                Payload::DataCountSection { .. } => self.rules.push(Rule::DataCountSection),
                Payload::DataSection(reader) => {
                    self.limit(
                        "data segments",
                        reader.count() as usize,
                        limits::DATA_SEGMENTS,
                    );
                }
                Payload::CodeSectionEntry(body) => {
                    let func = self.imported_funcs + self.next_code;
                    self.next_code += 1;
                    let mut locals = 0u64;
                    for local in body.get_locals_reader()? {
                        locals += u64::from(local?.0);
                    }
                    self.limit_u64(
                        "locals in one function",
                        locals,
                        limits::LOCALS_PER_FUNCTION,
                    );
                    let mut ops = body.get_operators_reader()?;
                    let mut count = 0usize;
                    while !ops.eof() {
                        let op = ops.read()?;
                        count += 1;
                        self.operator(func, &op);
                    }
                    self.limit(
                        "operators in one function",
                        count,
                        limits::OPERATORS_PER_FUNCTION,
                    );
                }
                _ => {}
            }
        }
        self.finish();
        Ok(self.rules)
    }

    fn import(&mut self, module: &str, name: &str, ty: TypeRef) {
        self.name(name);
        if module != HOST_MODULE {
            self.rules.push(Rule::ImportModule {
                module: module.to_owned(),
                name: name.to_owned(),
            });
        }
        let TypeRef::Func(type_index) = ty else {
            self.rules.push(Rule::ImportKind {
                name: format!("{module}.{name}"),
            });
            if let TypeRef::Memory(_) = ty {
                self.memories += 1;
            }
            return;
        };
        self.func_types.push(type_index);
        self.imported_funcs += 1;
        if module != HOST_MODULE {
            return;
        }
        if name == "pay_for_memory_grow" {
            self.pays_for_memory = true;
        }
        let Some((_, params, results)) = HOST_FUNCTIONS.iter().find(|(n, ..)| *n == name) else {
            self.rules.push(Rule::UnknownHostFunction(name.to_owned()));
            return;
        };
        let found = self.types.get(type_index as usize);
        if found.is_none_or(|t| t.params() != *params || t.results() != *results) {
            self.rules.push(Rule::HostFunctionSignature {
                name: name.to_owned(),
                expected: signature(params, results),
                found: found.map_or_else(
                    || "an unknown type".to_owned(),
                    |t| signature(t.params(), t.results()),
                ),
            });
        }
    }

    fn name(&mut self, name: &str) {
        if name.starts_with("stylus") {
            self.rules.push(Rule::ReservedName(name.to_owned()));
        }
        if name.len() > limits::NAME_LEN {
            self.rules.push(Rule::NameTooLong(name.len()));
        }
    }

    fn operator(&mut self, func: u32, op: &Operator) {
        let name = || op_name(op);
        if let Some(kind) = float_kind(op) {
            self.rules.push(Rule::FloatOperator {
                func,
                op: name(),
                kind,
            });
        } else if matches!(op, Operator::MemoryInit { .. } | Operator::DataDrop { .. }) {
            self.rules
                .push(Rule::BulkMemoryOperator { func, op: name() });
        } else if matches!(
            op,
            Operator::TableInit { .. }
                | Operator::ElemDrop { .. }
                | Operator::TableCopy { .. }
                | Operator::TableFill { .. }
                | Operator::TableGet { .. }
                | Operator::TableSet { .. }
                | Operator::TableGrow { .. }
                | Operator::TableSize { .. }
        ) {
            self.rules.push(Rule::TableOperator { func, op: name() });
        } else if matches!(op, Operator::MemoryGrow { .. }) {
            self.grows_memory = true;
        }
    }

    fn finish(&mut self) {
        if self.memories != limits::MEMORIES {
            self.rules.push(Rule::MemoryCount(self.memories));
        }
        let memory_exports: Vec<&str> = self
            .exports
            .iter()
            .filter(|(_, kind, _)| *kind == ExternalKind::Memory)
            .map(|(n, ..)| n.as_str())
            .collect();
        if memory_exports != [MEMORY_EXPORT] {
            let found = if memory_exports.is_empty() {
                "the memory is not exported".to_owned()
            } else {
                format!("exported as {memory_exports:?}, expected only \"{MEMORY_EXPORT}\"")
            };
            self.rules.push(Rule::MemoryExport(found));
        }

        match self.exports.iter().find(|(name, ..)| name == ENTRYPOINT) {
            None => self.rules.push(Rule::MissingEntrypoint),
            Some((_, kind, index)) if *kind == ExternalKind::Func => {
                let ty = self
                    .func_types
                    .get(*index as usize)
                    .and_then(|t| self.types.get(*t as usize));
                match ty {
                    Some(t) if t.params() == [ValType::I32] && t.results() == [ValType::I32] => {}
                    Some(t) => self.rules.push(Rule::EntrypointSignature(signature(
                        t.params(),
                        t.results(),
                    ))),
                    None => self
                        .rules
                        .push(Rule::EntrypointSignature("of unknown type".to_owned())),
                }
            }
            Some((_, kind, _)) => self
                .rules
                .push(Rule::EntrypointSignature(format!("a {kind:?} export"))),
        }

        if self.grows_memory && !self.pays_for_memory {
            self.rules.push(Rule::MemoryGrowWithoutPayment);
        }
    }

    fn limit(&mut self, what: &'static str, count: usize, limit: usize) {
        self.limit_u64(what, count as u64, limit as u64);
    }

    fn limit_u64(&mut self, what: &'static str, count: u64, limit: u64) {
        if count > limit {
            self.rules.push(Rule::TooMany { what, count, limit });
        }
    }
}

/// Classifies float operators; `None` for everything else.
pub fn float_kind(op: &Operator) -> Option<FloatKind> {
    use Operator::*;
    Some(match op {
        F32Abs | F32Neg | F32Ceil | F32Floor | F32Trunc | F32Nearest | F32Sqrt | F32Add
        | F32Sub | F32Mul | F32Div | F32Min | F32Max | F32Copysign | F64Abs | F64Neg | F64Ceil
        | F64Floor | F64Trunc | F64Nearest | F64Sqrt | F64Add | F64Sub | F64Mul | F64Div
        | F64Min | F64Max | F64Copysign => FloatKind::Arithmetic,
        F32Eq | F32Ne | F32Lt | F32Gt | F32Le | F32Ge | F64Eq | F64Ne | F64Lt | F64Gt | F64Le
        | F64Ge => FloatKind::Comparison,
        I32TruncF32S | I32TruncF32U | I32TruncF64S | I32TruncF64U | I64TruncF32S | I64TruncF32U
        | I64TruncF64S | I64TruncF64U | I32TruncSatF32S | I32TruncSatF32U | I32TruncSatF64S
        | I32TruncSatF64U | I64TruncSatF32S | I64TruncSatF32U | I64TruncSatF64S
        | I64TruncSatF64U | F32ConvertI32S | F32ConvertI32U | F32ConvertI64S | F32ConvertI64U
        | F32DemoteF64 | F64ConvertI32S | F64ConvertI32U | F64ConvertI64S | F64ConvertI64U
        | F64PromoteF32 => FloatKind::Conversion,
        F32Load { .. }
        | F64Load { .. }
        | F32Store { .. }
        | F64Store { .. }
        | F32Const { .. }
        | F64Const { .. }
        | I32ReinterpretF32
        | I64ReinterpretF64
        | F32ReinterpretI32
        | F64ReinterpretI64 => FloatKind::Unmeterable,
        _ => return None,
    })
}

/// `F32Add`, `MemoryInit`, ... (the operator's variant name).
fn op_name(op: &Operator) -> String {
    let debug = format!("{op:?}");
    debug
        .split([' ', '{', '('])
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn signature(params: &[ValType], results: &[ValType]) -> String {
    let list = |tys: &[ValType]| {
        tys.iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("({}) -> ({})", list(params), list(results))
}

#[cfg(test)]
mod tests;
