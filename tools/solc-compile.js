// Compiles every Solidity file named on the command line with the pinned solc-js (package.json)
// and prints, as JSON, each contract's ABI and method identifiers (selector by signature), or
// every compiler error and exits 1. Used by deploy/tests/abi.rs.
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const sources = {};
for (const file of process.argv.slice(2)) {
  sources[path.basename(file)] = { content: fs.readFileSync(file, 'utf8') };
}
const input = {
  language: 'Solidity',
  sources,
  settings: { outputSelection: { '*': { '*': ['abi', 'evm.methodIdentifiers'] } } },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
if (errors.length > 0) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}
const contracts = {};
for (const file of Object.keys(output.contracts || {})) {
  for (const [name, c] of Object.entries(output.contracts[file])) {
    contracts[name] = { abi: c.abi, methodIdentifiers: c.evm.methodIdentifiers };
  }
}
console.log(JSON.stringify({ version: solc.version(), warnings: (output.errors || []).length, contracts }));
