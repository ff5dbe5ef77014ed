// Compiles every Solidity file named on the command line with the pinned solc-js (package.json)
// and prints, as JSON, each contract's ABI and method identifiers (selector by signature), or
// every compiler error and exits 1. Used by deploy/tests/abi.rs. With `--bytecode` it also
// prints each contract's creation bytecode, compiled with the optimizer at 200 runs (the
// setting OpenZeppelin's reference figures use); imports such as `@openzeppelin/contracts/...`
// resolve in node_modules. Used by the end-to-end tests (tests/support/solidity.rs).
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const args = process.argv.slice(2);
const bytecode = args.includes('--bytecode');
const sources = {};
for (const file of args.filter((a) => a !== '--bytecode')) {
  sources[path.basename(file)] = { content: fs.readFileSync(file, 'utf8') };
}
const selection = ['abi', 'evm.methodIdentifiers'];
if (bytecode) selection.push('evm.bytecode.object');
const input = {
  language: 'Solidity',
  sources,
  settings: {
    outputSelection: { '*': { '*': selection } },
    ...(bytecode ? { optimizer: { enabled: true, runs: 200 } } : {}),
  },
};
function findImports(name) {
  const file = path.join(__dirname, 'node_modules', name);
  if (!fs.existsSync(file)) return { error: `not found in tools/node_modules: ${name}` };
  return { contents: fs.readFileSync(file, 'utf8') };
}
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
if (errors.length > 0) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}
const contracts = {};
for (const file of Object.keys(output.contracts || {})) {
  if (!sources[file]) continue;
  for (const [name, c] of Object.entries(output.contracts[file])) {
    contracts[name] = { abi: c.abi, methodIdentifiers: c.evm.methodIdentifiers };
    if (bytecode) contracts[name].bytecode = c.evm.bytecode.object;
  }
}
console.log(JSON.stringify({ version: solc.version(), warnings: (output.errors || []).length, contracts }));
