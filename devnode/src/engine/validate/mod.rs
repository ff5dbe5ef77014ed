//! Nitro's activation-time checks of a Stylus module, and what activation computes from it
//! ([`ModuleInfo`]). Mirrors OffchainLabs/nitro `crates/prover/src/binary.rs` (`parse_user`,
//! `instrument`), `crates/prover/src/programs/` (start mover, ink meter, dynamic meter, depth
//! checker, heap bound) and `Module::from_binary` (imports, data and element segments, floats).
//! Each [`Rule`]'s message quotes Nitro's where it has one.
//!
//! Not modelled: the native (wasmer) compile that follows, the gas ArbOS charges on top
//! (`ActivationGas`, the data fee) and the remaining-gas check.

use std::fmt;

use wasmparser::{
    BinaryReader, DataKind, ElementItems, ElementKind, ExternalKind, FuncType, Name,
    NameSectionReader, Operator, Parser, Payload, TypeRef, ValType, Validator, WasmFeatures,
};

mod instrument;
mod nitro;

pub use nitro::{arbos, limits, HOST_FUNCTIONS};

/// The entry point Nitro calls: `user_entrypoint(calldata_len: i32) -> i32`.
pub const ENTRYPOINT: &str = "user_entrypoint";
/// The one memory's export name.
pub const MEMORY_EXPORT: &str = "memory";
/// The only import module.
pub const HOST_MODULE: &str = "vm_hooks";
/// The host function a growable memory must import.
pub const PAY_FOR_MEMORY_GROW: &str = "pay_for_memory_grow";
/// Bytes in a wasm page.
pub const PAGE_SIZE: u64 = 65_536;

/// The wasm features Nitro validates with at `arbos_version` (`parse_with_version`):
/// mutable-global, sign-extension, saturating float-to-int, bulk-memory and floats (whose
/// arithmetic activation refuses later), multi-value only before ArbOS 60. Off:
/// reference-types, SIMD, threads, tail-call, exceptions, memory64, multi-memory,
/// extended-const, GC and the rest.
pub fn nitro_features(arbos_version: u64) -> WasmFeatures {
    let mut features = WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::FLOATS
        | WasmFeatures::GC_TYPES;
    if arbos_version < arbos::STYLUS_NO_MULTI_VALUE {
        features |= WasmFeatures::MULTI_VALUE;
    }
    features
}

/// The chain parameters activation depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActivationParams {
    /// ArbOS version at activation: multi-value and the import limit depend on it.
    pub arbos_version: u64,
    /// Stylus version (`StylusParams.Version`): 1 folds the cached init cost into the init cost.
    pub stylus_version: u16,
    /// Pages the module may start with: `PageLimit` minus the pages already open.
    pub page_limit: u16,
}

impl Default for ActivationParams {
    /// The latest ArbOS, Stylus version 2, nothing open.
    fn default() -> Self {
        Self {
            arbos_version: arbos::LATEST,
            stylus_version: 2,
            page_limit: limits::PAGE_LIMIT,
        }
    }
}

/// What activation learns about a module that passes (Nitro's `StylusData` and the costs
/// `Module::activate` charges).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleInfo {
    /// Initial memory pages (Nitro's `footprint`): what each call opens.
    pub footprint_pages: u16,
    /// The memory's maximum, if any.
    pub max_pages: Option<u64>,
    /// Imports `vm_hooks.pay_for_memory_grow` (required unless the memory cannot grow).
    pub has_memory_grow_hostio: bool,
    /// Any function executes `memory.grow`.
    pub uses_memory_grow: bool,
    /// Functions defined in the module (imports excluded).
    pub func_count: u32,
    /// Imported host functions, in import order.
    pub host_functions: Vec<String>,
    /// Function index of `user_entrypoint` (imports included), Nitro's `user_main`.
    pub entrypoint: u32,
    /// Ink-independent cost units of a call (`init_cost`; ArbOS turns them into gas).
    pub init_cost: u16,
    /// The same when the program is in the init cache (`cached_init_cost`).
    pub cached_init_cost: u16,
    /// Nitro's canonical estimate of the native code size, in bytes.
    pub asm_estimate: u32,
    /// Gas `Module::activate` burns for this module (wasm, functions, data, elements, memory,
    /// instrumented code), before ArbOS' fixed activation gas and data fee.
    pub activation_gas: u64,
    /// Largest frame the depth checker charges for one call, in words.
    pub max_frame_words: u32,
    /// The frame the depth checker charges each defined function (imports excluded), in
    /// words, in function order: what the run-time depth check subtracts on entry.
    pub frame_words: Vec<u32>,
    /// Operators after Nitro's instrumentation, all functions.
    pub instrumented_ops: u64,
}

/// Which kind of float operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatKind {
    /// Refused at activation: no soft-float implementation is linked for user programs.
    Arithmetic,
    /// Refused at activation, as arithmetic.
    Comparison,
    /// Refused at activation, as arithmetic.
    Conversion,
    /// Load, store, const and reinterpret pass activation but cost u64::MAX ink, so any block
    /// containing one runs out of ink: only [`lint_for_deploy`] reports them.
    Unmeterable,
}

/// One broken activation rule. `func` fields are function indices, imports included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// wasmparser refused the module with Nitro's feature set.
    Invalid(String),
    /// A float operator.
    FloatOperator {
        func: u32,
        op: String,
        kind: FloatKind,
    },
    /// `memory.init` or `data.drop`: of bulk-memory, Nitro runs only `memory.copy`/`memory.fill`.
    BulkMemoryOperator { func: u32, op: String },
    /// `table.*` or `elem.drop`.
    TableOperator { func: u32, op: String },
    /// An operator the depth checker does not know (a proposal Nitro leaves off).
    UnsupportedOperator { func: u32, detail: String },
    /// A start function.
    StartFunction,
    /// A DataCount section.
    DataCountSection,
    /// Not exactly one memory.
    MemoryCount(usize),
    /// The memory is not exported as `memory`.
    MemoryExport(String),
    /// More initial pages than the heap bound (128).
    InitialPages(u64),
    /// More initial pages than the page limit left in the transaction.
    PageLimit { pages: u64, limit: u16 },
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
    /// The memory may grow (its maximum is not its initial size) but `pay_for_memory_grow` is
    /// not imported.
    MemoryGrowWithoutPayment,
    /// An export whose name (after its last `__`) starts with `stylus`.
    ReservedName(String),
    /// An import whose name starts with `stylus`.
    ReservedImport(String),
    /// The same module and name imported with different type indices.
    InconsistentImports { module: String, name: String },
    /// An export whose name (after its last `__`) is the name of an import.
    ExportsImportName(String),
    /// The name section's module name is longer than 512 bytes.
    NameTooLong(usize),
    /// The `name` custom section does not parse.
    MalformedNameSection(String),
    /// A global initialised by something other than a constant.
    NonConstantGlobal(u32),
    /// An active data segment outside the initial memory.
    DataOutOfBounds { offset: i32, len: usize },
    /// An active element segment outside its table.
    ElementOutOfBounds {
        offset: i32,
        len: usize,
        table_len: u64,
    },
    /// An active element segment given as expressions rather than function indices.
    ElementExpressions,
    /// A function's worst-case frame is over 10,240 words.
    FrameTooLarge { func: u32, words: u32 },
    /// A function holds over 4,096 values on the stack at once.
    StackContention { func: u32, values: u32 },
    /// A predicted cost does not fit its field.
    CostTooHigh(&'static str),
    /// Over one of Nitro's counts (`what` is Nitro's word for it).
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
            Rule::UnsupportedOperator { .. } => "unsupported-operator",
            Rule::StartFunction => "start-function",
            Rule::DataCountSection => "data-count-section",
            Rule::MemoryCount(_) => "one-memory",
            Rule::MemoryExport(_) => "memory-export",
            Rule::InitialPages(_) => "initial-pages",
            Rule::PageLimit { .. } => "page-limit",
            Rule::MissingEntrypoint => "entrypoint-export",
            Rule::EntrypointSignature(_) => "entrypoint-signature",
            Rule::ImportModule { .. } => "import-module",
            Rule::ImportKind { .. } => "import-kind",
            Rule::UnknownHostFunction(_) => "unknown-host-function",
            Rule::HostFunctionSignature { .. } => "host-function-signature",
            Rule::MemoryGrowWithoutPayment => "memory-grow-payment",
            Rule::ReservedName(_) => "reserved-name",
            Rule::ReservedImport(_) => "reserved-import",
            Rule::InconsistentImports { .. } => "inconsistent-imports",
            Rule::ExportsImportName(_) => "exports-import-name",
            Rule::NameTooLong(_) => "name-length",
            Rule::MalformedNameSection(_) => "name-section",
            Rule::NonConstantGlobal(_) => "non-constant-global",
            Rule::DataOutOfBounds { .. } => "data-bounds",
            Rule::ElementOutOfBounds { .. } => "element-bounds",
            Rule::ElementExpressions => "element-expressions",
            Rule::FrameTooLarge { .. } => "frame-size",
            Rule::StackContention { .. } => "stack-contention",
            Rule::CostTooHigh(_) => "cost",
            Rule::TooMany { .. } => "limit",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Invalid(e) => write!(f, "failed to validate user: {e}"),
            Rule::FloatOperator {
                func,
                op,
                kind: FloatKind::Unmeterable,
            } => write!(
                f,
                "float instruction `{op}` in function {func} costs u64::MAX ink: its block always \
                 runs out of ink"
            ),
            Rule::FloatOperator { func, op, .. } => write!(
                f,
                "No implementation for floating point operation `{op}` (function {func})"
            ),
            Rule::BulkMemoryOperator { func, op } => write!(
                f,
                "opcode not supported: `{op}` in function {func} (of bulk memory, only \
                 memory.copy and memory.fill run)"
            ),
            Rule::TableOperator { func, op } => {
                write!(
                    f,
                    "opcode not supported: table operator `{op}` in function {func}"
                )
            }
            Rule::UnsupportedOperator { func, detail } => write!(f, "{detail} (function {func})"),
            Rule::StartFunction => write!(f, "start functions not allowed"),
            Rule::DataCountSection => write!(f, "unsupported section type DataCountSection"),
            Rule::MemoryCount(0) => write!(f, "missing memory export with name {MEMORY_EXPORT}"),
            Rule::MemoryCount(_) => write!(f, "only one memory is allowed"),
            Rule::MemoryExport(detail) => write!(
                f,
                "missing memory with export name \"{MEMORY_EXPORT}\" ({detail})"
            ),
            Rule::InitialPages(n) => {
                write!(f, "memory size {n} exceeds bound {}", limits::INITIAL_PAGES)
            }
            Rule::PageLimit { pages, limit } => {
                write!(f, "memory exceeds limit: {pages} > {limit}")
            }
            Rule::MissingEntrypoint => write!(f, "missing export with name {ENTRYPOINT}"),
            Rule::EntrypointSignature(found) => write!(
                f,
                "wrong type for {ENTRYPOINT}: {found} (expected (i32) -> (i32))"
            ),
            Rule::ImportModule { module, name } => write!(
                f,
                "No such import {name} in {module} (only `{HOST_MODULE}` is linked)"
            ),
            Rule::ImportKind { name } => {
                write!(f, "unsupported import kind: `{name}` is not a function")
            }
            Rule::UnknownHostFunction(name) => write!(f, "No such import {name} in {HOST_MODULE}"),
            Rule::HostFunctionSignature {
                name,
                expected,
                found,
            } => write!(
                f,
                "Import {name} has different function signature than export: expected \
                 {expected} in {HOST_MODULE} but have {found}"
            ),
            Rule::MemoryGrowWithoutPayment => write!(
                f,
                "missing import {PAY_FOR_MEMORY_GROW} (the memory may grow: its maximum is not \
                 its initial size)"
            ),
            Rule::ReservedName(name) => write!(f, "binary exports reserved symbol {name}"),
            Rule::ReservedImport(name) => write!(f, "binary imports reserved symbol {name}"),
            Rule::InconsistentImports { module, name } => {
                write!(f, "inconsistent imports for {module} {name}")
            }
            Rule::ExportsImportName(name) => {
                write!(f, "binary exports an import with the same name {name}")
            }
            Rule::NameTooLong(len) => {
                write!(f, "wasm module name too long: {len} > {}", limits::NAME_LEN)
            }
            Rule::MalformedNameSection(e) => write!(f, "malformed name section: {e}"),
            Rule::NonConstantGlobal(index) => {
                write!(f, "Non-constant global initializer (global {index})")
            }
            Rule::DataOutOfBounds { offset, len } => write!(
                f,
                "Out-of-bounds data memory init with offset {offset} and size {len}"
            ),
            Rule::ElementOutOfBounds {
                offset,
                len,
                table_len,
            } => write!(
                f,
                "Out of bounds element segment at offset {offset} and length {len} for table of \
                 length {table_len}"
            ),
            Rule::ElementExpressions => {
                write!(f, "Non-constant element initializers are not supported")
            }
            Rule::FrameTooLarge { func, words } => write!(
                f,
                "frame too large: {words} > {}-word limit (function {func})",
                limits::FRAME_WORDS
            ),
            Rule::StackContention { func, values } => write!(
                f,
                "too many values on the stack at once in func {func}: {values} > {}",
                limits::FRAME_CONTENTION
            ),
            Rule::CostTooHigh(what) => write!(f, "{what}"),
            Rule::TooMany { what, count, limit } => {
                write!(f, "too many wasm {what}: {count} > {limit}")
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

impl ValidationErrors {
    /// `Ok` for no rules, else the rules attributed to `contract`.
    pub fn check(contract: &str, rules: Vec<Rule>) -> Result<(), ValidationErrors> {
        if rules.is_empty() {
            return Ok(());
        }
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

/// Activation failed: every rule the module breaks (Nitro stops at the first).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("program activation failed: {}", rules.iter().map(|r| r.to_string()).collect::<Vec<_>>().join("; "))]
pub struct ActivationError {
    pub rules: Vec<Rule>,
}

/// Checks `wasm` (the module of `contract`) against Nitro's activation rules at the latest
/// ArbOS and returns every rule it breaks, or `Ok(())`.
pub fn validate(contract: &str, wasm: &[u8]) -> Result<(), ValidationErrors> {
    ValidationErrors::check(contract, check(wasm))
}

/// The activation rules `wasm` breaks at the latest ArbOS (empty: none).
pub fn check(wasm: &[u8]) -> Vec<Rule> {
    check_with(wasm, &ActivationParams::default())
}

/// The activation rules `wasm` breaks under `params`.
pub fn check_with(wasm: &[u8], params: &ActivationParams) -> Vec<Rule> {
    match scan(wasm, params) {
        Ok(scan) => scan.rules,
        Err(rule) => vec![rule],
    }
}

/// Activates `wasm` as Nitro would at the latest ArbOS: its [`ModuleInfo`], or every rule it
/// breaks.
pub fn activate_check(wasm: &[u8]) -> Result<ModuleInfo, ActivationError> {
    activate_check_with(wasm, &ActivationParams::default())
}

/// [`activate_check`] under `params`.
pub fn activate_check_with(
    wasm: &[u8],
    params: &ActivationParams,
) -> Result<ModuleInfo, ActivationError> {
    let scan = scan(wasm, params).map_err(|rule| ActivationError { rules: vec![rule] })?;
    if !scan.rules.is_empty() {
        return Err(ActivationError { rules: scan.rules });
    }
    Ok(scan.info(wasm.len()))
}

/// What a deploy tool should refuse on top of activation: float operators that activate but
/// make their block run out of ink whenever it runs (load, store, const, reinterpret).
pub fn lint_for_deploy(wasm: &[u8]) -> Vec<Rule> {
    let mut rules = Vec::new();
    let mut imported = 0u32;
    let mut next = 0u32;
    let mut lint = || -> wasmparser::Result<()> {
        for payload in Parser::new(0).parse_all(wasm) {
            match payload? {
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        if matches!(import?.ty, TypeRef::Func(_)) {
                            imported += 1;
                        }
                    }
                }
                Payload::CodeSectionEntry(body) => {
                    let func = imported + next;
                    next += 1;
                    let mut ops = body.get_operators_reader()?;
                    while !ops.eof() {
                        let op = ops.read()?;
                        if float_kind(&op) == Some(FloatKind::Unmeterable) {
                            rules.push(Rule::FloatOperator {
                                func,
                                op: op_name(&op),
                                kind: FloatKind::Unmeterable,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    };
    match lint() {
        Ok(()) => rules,
        Err(e) => vec![Rule::Invalid(e.to_string())],
    }
}

/// Validates with Nitro's features, then walks the module once.
fn scan(wasm: &[u8], params: &ActivationParams) -> Result<Scan, Rule> {
    Validator::new_with_features(nitro_features(params.arbos_version))
        .validate_all(wasm)
        .map_err(|e| Rule::Invalid(e.to_string()))?;
    let mut scan = Scan {
        params: *params,
        ..Scan::default()
    };
    scan.run(wasm).map_err(|e| Rule::Invalid(e.to_string()))?;
    Ok(scan)
}

#[derive(Default)]
struct Scan {
    params: ActivationParams,
    rules: Vec<Rule>,
    types: Vec<FuncType>,
    /// Type index of every function, imports first.
    func_types: Vec<u32>,
    /// (module, name, type index) of every function import.
    imports: Vec<(String, String, u32)>,
    imported_funcs: u32,
    pays_for_memory: bool,
    grows_memory: bool,
    memories: usize,
    /// (initial, maximum) of the defined memory.
    memory: Option<(u64, Option<u64>)>,
    tables: Vec<u64>,
    globals: usize,
    exports: Vec<(String, ExternalKind, u32)>,
    next_code: u32,
    /// Bytes of the data segments' encodings and of their contents.
    data_range_bytes: u64,
    data_bytes: u64,
    element_range_bytes: u64,
    /// Parameters + results of every defined function's type (Nitro's `type_len`).
    type_len: u64,
    instrumented_ops: u64,
    max_frame: u32,
    frames: Vec<u32>,
}

impl Scan {
    fn run(&mut self, wasm: &[u8]) -> wasmparser::Result<()> {
        let mut module_name_len = 0;
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
                    if self.params.arbos_version >= arbos::STYLUS_CHARGING_FIXES {
                        self.limit("imports", count, limits::IMPORTS);
                    }
                }
                Payload::FunctionSection(reader) => {
                    let count = reader.count() as usize;
                    for ty in reader {
                        let ty = ty?;
                        self.func_types.push(ty);
                        if let Some(t) = self.types.get(ty as usize) {
                            self.type_len += (t.params().len() + t.results().len()) as u64;
                        }
                    }
                    self.limit("functions", count, limits::FUNCTIONS);
                }
                Payload::TableSection(reader) => {
                    for table in reader {
                        self.tables.push(table?.ty.initial);
                    }
                    let entries = self.tables.iter().fold(0u64, |a, b| a.saturating_add(*b));
                    self.limit_u64("table entries", entries, limits::TABLE_ENTRIES);
                }
                Payload::MemorySection(reader) => {
                    for memory in reader {
                        let memory = memory?;
                        self.memories += 1;
                        self.memory = Some((memory.initial, memory.maximum));
                    }
                }
                Payload::GlobalSection(reader) => {
                    for global in reader {
                        let mut init = global?.init_expr.get_operators_reader();
                        let constant = matches!(
                            (init.read()?, init.read()?, init.eof()),
                            (
                                Operator::I32Const { .. }
                                    | Operator::I64Const { .. }
                                    | Operator::F32Const { .. }
                                    | Operator::F64Const { .. },
                                Operator::End,
                                true
                            )
                        );
                        if !constant {
                            self.rules
                                .push(Rule::NonConstantGlobal(self.globals as u32));
                        }
                        self.globals += 1;
                    }
                    // Instrumentation adds its globals before Nitro counts.
                    let count = self.globals + limits::ADDED_GLOBALS;
                    self.limit("globals", count, limits::GLOBALS);
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export?;
                        self.exports
                            .push((export.name.to_owned(), export.kind, export.index));
                    }
                }
                Payload::StartSection { .. } => self.rules.push(Rule::StartFunction),
                Payload::ElementSection(reader) => {
                    let count = reader.count() as usize;
                    for element in reader {
                        self.element(element?)?;
                    }
                    self.limit("elements", count, limits::ELEMENT_SEGMENTS);
                    self.limit_u64(
                        "element entries",
                        self.element_range_bytes,
                        limits::ELEMENT_ENTRIES,
                    );
                }
                Payload::DataCountSection { .. } => self.rules.push(Rule::DataCountSection),
                Payload::DataSection(reader) => {
                    let count = reader.count() as usize;
                    for data in reader {
                        self.data(data?)?;
                    }
                    self.limit("datas", count, limits::DATA_SEGMENTS);
                }
                Payload::CodeSectionEntry(body) => {
                    let func = self.imported_funcs + self.next_code;
                    self.next_code += 1;
                    let mut locals = 0u64;
                    for local in body.get_locals_reader()? {
                        locals += u64::from(local?.0);
                    }
                    self.limit_u64("locals", locals, limits::LOCALS_PER_FUNCTION);
                    let mut reader = body.get_operators_reader()?;
                    let mut ops = Vec::new();
                    while !reader.eof() {
                        ops.push(reader.read()?);
                    }
                    self.code(func, &ops, locals as u32);
                }
                Payload::CustomSection(reader) if reader.name() == "name" => {
                    let names = NameSectionReader::new(BinaryReader::new(
                        reader.data(),
                        reader.data_offset(),
                    ));
                    let parse = || -> wasmparser::Result<()> {
                        for name in names {
                            match name? {
                                Name::Module { name, .. } => module_name_len = name.len(),
                                Name::Function(map) => {
                                    for naming in map {
                                        naming?;
                                    }
                                }
                                _ => {}
                            }
                        }
                        Ok(())
                    };
                    if let Err(e) = parse() {
                        self.rules.push(Rule::MalformedNameSection(e.to_string()));
                    }
                }
                _ => {}
            }
        }
        if module_name_len > limits::NAME_LEN {
            self.rules.push(Rule::NameTooLong(module_name_len));
        }
        self.finish(wasm.len());
        Ok(())
    }

    fn import(&mut self, module: &str, name: &str, ty: TypeRef) {
        if name.starts_with("stylus") {
            self.rules.push(Rule::ReservedImport(name.to_owned()));
        }
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
        if let Some((.., prior)) = self
            .imports
            .iter()
            .find(|(m, n, _)| m == module && n == name)
        {
            if *prior != type_index
                && !self.rules.iter().any(|r| {
                    matches!(r, Rule::InconsistentImports { module: m, name: n } if m == module && n == name)
                })
            {
                self.rules.push(Rule::InconsistentImports {
                    module: module.to_owned(),
                    name: name.to_owned(),
                });
            }
        }
        self.imports
            .push((module.to_owned(), name.to_owned(), type_index));
        if module != HOST_MODULE {
            return;
        }
        if name == PAY_FOR_MEMORY_GROW {
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

    /// `Module::from_binary`: active segments must be constant function lists inside their
    /// table.
    fn element(&mut self, element: wasmparser::Element) -> wasmparser::Result<()> {
        self.element_range_bytes += element.range.len() as u64;
        let ElementKind::Active {
            table_index,
            offset_expr,
        } = element.kind
        else {
            return Ok(());
        };
        let mut init = offset_expr.get_operators_reader();
        let (Operator::I32Const { value: offset }, Operator::End, true) =
            (init.read()?, init.read()?, init.eof())
        else {
            return Ok(());
        };
        let ElementItems::Functions(items) = element.items else {
            self.rules.push(Rule::ElementExpressions);
            return Ok(());
        };
        let len = items.count() as usize;
        let Some(&table_len) = self.tables.get(table_index.unwrap_or(0) as usize) else {
            return Ok(());
        };
        // Nitro converts the i32 with `as usize`, so negative offsets are huge.
        if (offset as usize).saturating_add(len) as u64 > table_len {
            self.rules.push(Rule::ElementOutOfBounds {
                offset,
                len,
                table_len,
            });
        }
        Ok(())
    }

    /// `Module::from_binary`: active data must fit in the initial memory.
    fn data(&mut self, data: wasmparser::Data) -> wasmparser::Result<()> {
        self.data_range_bytes += data.range.len() as u64;
        self.data_bytes += data.data.len() as u64;
        let DataKind::Active { offset_expr, .. } = data.kind else {
            return Ok(());
        };
        let mut init = offset_expr.get_operators_reader();
        let (Operator::I32Const { value: offset }, Operator::End, true) =
            (init.read()?, init.read()?, init.eof())
        else {
            return Ok(());
        };
        let Some((initial, _)) = self.memory else {
            return Ok(());
        };
        let fits = (offset as usize)
            .checked_add(data.data.len())
            .is_some_and(|end| end as u64 <= initial.saturating_mul(PAGE_SIZE));
        if !fits {
            self.rules.push(Rule::DataOutOfBounds {
                offset,
                len: data.data.len(),
            });
        }
        Ok(())
    }

    fn code(&mut self, func: u32, ops: &[Operator], locals: u32) {
        let before = self.rules.len();
        for op in ops {
            self.operator(func, op);
        }
        let refused_ops = self.rules[before..].iter().any(|r| {
            matches!(
                r,
                Rule::BulkMemoryOperator { .. } | Rule::TableOperator { .. }
            )
        });
        let types = instrument::Types {
            funcs: &self.func_types,
            types: &self.types,
        };
        let growable = self.memory.is_some_and(|(min, max)| max != Some(min));
        match instrument::analyse(ops, locals, &types, growable && self.pays_for_memory) {
            Ok(facts) => {
                if facts.contention > limits::FRAME_CONTENTION {
                    self.rules.push(Rule::StackContention {
                        func,
                        values: facts.contention,
                    });
                } else if facts.frame > limits::FRAME_WORDS {
                    self.rules.push(Rule::FrameTooLarge {
                        func,
                        words: facts.frame,
                    });
                }
                self.limit_u64(
                    "opcodes in func body",
                    facts.ops,
                    limits::OPERATORS_PER_FUNCTION as u64,
                );
                self.instrumented_ops = self.instrumented_ops.saturating_add(facts.ops);
                self.max_frame = self.max_frame.max(facts.frame);
                self.frames.push(facts.frame);
            }
            // The dynamic meter already refused these operators.
            Err(_) if refused_ops => {}
            Err(detail) => self.rules.push(Rule::UnsupportedOperator { func, detail }),
        }
    }

    fn operator(&mut self, func: u32, op: &Operator) {
        let name = || op_name(op);
        if let Some(kind) = float_kind(op) {
            if kind != FloatKind::Unmeterable {
                self.rules.push(Rule::FloatOperator {
                    func,
                    op: name(),
                    kind,
                });
            }
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

    fn finish(&mut self, wasm_len: usize) {
        // Export names are checked on their part after the last `__`, as Nitro does.
        let mut seen: Vec<&str> = Vec::new();
        for (name, ..) in &self.exports {
            let last = name.rsplit("__").next().unwrap_or(name);
            if seen.contains(&last) {
                continue;
            }
            seen.push(last);
            if self.imports.iter().any(|(_, n, _)| n == last) {
                self.rules.push(Rule::ExportsImportName(last.to_owned()));
            }
            if last.starts_with("stylus") {
                self.rules.push(Rule::ReservedName(last.to_owned()));
            }
        }

        // The heap bound's `memory_info`, then the page limits and the growth payment.
        if self.memories != limits::MEMORIES {
            self.rules.push(Rule::MemoryCount(self.memories));
        } else {
            match self.exports.iter().find(|(n, ..)| n == MEMORY_EXPORT) {
                Some((_, ExternalKind::Memory, 0)) => {}
                Some((_, kind, _)) => self.rules.push(Rule::MemoryExport(format!(
                    "\"{MEMORY_EXPORT}\" is a {kind:?} export"
                ))),
                None => self.rules.push(Rule::MemoryExport(
                    "the memory is not exported as \"memory\"".into(),
                )),
            }
        }
        if let Some((initial, maximum)) = self.memory {
            if initial > limits::INITIAL_PAGES {
                self.rules.push(Rule::InitialPages(initial));
            } else if initial > u64::from(self.params.page_limit) {
                self.rules.push(Rule::PageLimit {
                    pages: initial,
                    limit: self.params.page_limit,
                });
            }
            if maximum != Some(initial) && !self.pays_for_memory {
                self.rules.push(Rule::MemoryGrowWithoutPayment);
            }
        }

        // Non-function exports are dropped before Nitro looks for the entry point.
        match self.entrypoint() {
            None => self.rules.push(Rule::MissingEntrypoint),
            Some(index) => {
                let ty = self
                    .func_types
                    .get(index as usize)
                    .and_then(|t| self.types.get(*t as usize));
                match ty {
                    Some(t) if t.params() == [ValType::I32] && t.results() == [ValType::I32] => {}
                    Some(t) => self.rules.push(Rule::EntrypointSignature(signature(
                        t.params(),
                        t.results(),
                    ))),
                    None => self
                        .rules
                        .push(Rule::EntrypointSignature("an unknown type".to_owned())),
                }
            }
        }

        let (init, cached, asm) = self.costs(wasm_len);
        if u16::try_from(init).is_err() {
            self.rules.push(Rule::CostTooHigh("init cost too high"));
        }
        if u16::try_from(cached).is_err() {
            self.rules.push(Rule::CostTooHigh("cached cost too high"));
        }
        if u32::try_from(asm).is_err() {
            self.rules.push(Rule::CostTooHigh("asm estimate too large"));
        }
    }

    fn entrypoint(&self) -> Option<u32> {
        self.exports
            .iter()
            .find(|(n, kind, _)| n == ENTRYPOINT && *kind == ExternalKind::Func)
            .map(|(.., index)| *index)
    }

    /// Nitro's `instrument` cost predictions: (init cost, cached init cost, asm estimate).
    fn costs(&self, wasm_len: usize) -> (u64, u64, u64) {
        let facts = super::pricing::ActivationFacts {
            wasm_len: wasm_len as u64,
            funcs: u64::from(self.next_code),
            type_len: self.type_len,
            globals: (self.globals + limits::ADDED_GLOBALS) as u64,
            data_range_len: self.data_range_bytes,
            data_payload_len: self.data_bytes,
            elem_range_len: self.element_range_bytes,
            footprint: self.memory.map_or(0, |(initial, _)| initial as u16),
            instrumented_ops: self.instrumented_ops,
        };
        super::pricing::predicted_costs(&facts, self.params.stylus_version)
    }

    /// `Module::activate`'s charges, converted from microseconds to gas as Nitro does.
    fn activation_gas(&self, wasm_len: usize) -> u64 {
        if self.params.arbos_version == 0 {
            return 0;
        }
        let us_to_gas = |us: u64| us.saturating_mul(2 * 7_000_000) / (1_000_000 / 2);
        let pages = self.memory.map_or(0, |(initial, _)| initial);
        let mut gas: u64 = 0;
        if self.params.arbos_version >= arbos::STYLUS_CHARGING_FIXES {
            gas = gas.saturating_add(us_to_gas(
                (wasm_len as u64).saturating_mul(31_733) / 100_000,
            ));
        }
        for us in [
            u64::from(self.next_code).saturating_mul(17_263) / 100_000,
            self.data_bytes.saturating_mul(17_376) / 100_000,
            self.element_range_bytes.saturating_mul(17_376) / 100_000,
            pages.saturating_mul(2217),
            self.instrumented_ops.saturating_mul(535) / 1000,
        ] {
            gas = gas.saturating_add(us_to_gas(us));
        }
        gas
    }

    /// The facts of a module that broke no rule.
    fn info(&self, wasm_len: usize) -> ModuleInfo {
        let (init, cached, asm) = self.costs(wasm_len);
        let (initial, max_pages) = self.memory.unwrap_or_default();
        ModuleInfo {
            footprint_pages: initial as u16,
            max_pages,
            has_memory_grow_hostio: self.pays_for_memory,
            uses_memory_grow: self.grows_memory,
            func_count: self.next_code,
            host_functions: self
                .imports
                .iter()
                .map(|(_, name, _)| name.clone())
                .collect(),
            entrypoint: self.entrypoint().unwrap_or_default(),
            init_cost: init as u16,
            cached_init_cost: cached as u16,
            asm_estimate: asm as u32,
            activation_gas: self.activation_gas(wasm_len),
            max_frame_words: self.max_frame,
            frame_words: self.frames.clone(),
            instrumented_ops: self.instrumented_ops,
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
