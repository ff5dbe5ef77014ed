// Writes the dev node's genesis contracts (devnode/genesis/*.hex) from the pinned npm packages
// (package.json / package-lock.json), so that what the dev node predeploys is published
// bytecode, not a stand-in:
// - Multicall3 at 0xcA11bde05977b3631167028862bE2a173976CA11: viem's `multicall3Bytecode`
//   (mds1's Multicall3, MIT), deployed on the pinned anvil and read back as runtime code;
// - the deterministic CREATE2 deployer at 0x4e59b44847b379578588920ca78fbf26c0b4956c: the
//   runtime code the pinned anvil predeploys there (Arachnid's deterministic-deployment-proxy).
// - Arbitrum's CacheManager (@arbitrum/nitro-contracts' build, BUSL-1.1: non-production use,
//   which a dev node is) and the ERC1967Proxy it is deployed behind, as creation code: the
//   dev node runs both constructors at genesis (devnode/src/engine/genesis.rs).
// `node vendor-genesis.js` rewrites the files; `--check` exits 1 if they differ from what the
// packages give (devnode/tests/genesis.rs runs it when anvil is installed).
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'devnode', 'genesis');
const anvilBin = path.join(__dirname, 'node_modules', '@foundry-rs', 'anvil-linux-amd64', 'bin', 'anvil');
const CREATE2_DEPLOYER = '0x4e59b44847b379578588920ca78fbf26c0b4956c';

async function rpc(url, method, params) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await response.json();
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

async function main() {
  const check = process.argv.includes('--check');
  // Not among viem's package exports: read from its build directly.
  const { multicall3Bytecode } = require(path.join(__dirname, 'node_modules', 'viem', '_cjs', 'constants', 'contracts.js'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const anvil = spawn(anvilBin, ['--port', String(port), '--silent'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      try {
        await rpc(url, 'eth_chainId', []);
        break;
      } catch (e) {
        if (i > 100) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const [from] = await rpc(url, 'eth_accounts', []);
    const hash = await rpc(url, 'eth_sendTransaction', [{ from, data: multicall3Bytecode, gas: '0x1000000' }]);
    let receipt = null;
    for (let i = 0; !receipt; i++) {
      if (i > 100) throw new Error('anvil mined no receipt for the Multicall3 deployment');
      receipt = await rpc(url, 'eth_getTransactionReceipt', [hash]);
      if (!receipt) await new Promise((r) => setTimeout(r, 50));
    }
    const files = {
      'multicall3.hex': await rpc(url, 'eth_getCode', [receipt.contractAddress, 'latest']),
      'create2-deployer.hex': await rpc(url, 'eth_getCode', [CREATE2_DEPLOYER, 'latest']),
    };
    const nitro = path.join(__dirname, 'node_modules', '@arbitrum', 'nitro-contracts', 'build', 'contracts');
    const creation = (file) => JSON.parse(fs.readFileSync(path.join(nitro, file), 'utf8')).bytecode;
    files['cache-manager-creation.hex'] = creation('src/chain/CacheManager.sol/CacheManager.json');
    files['erc1967-proxy-creation.hex'] = creation('@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol/ERC1967Proxy.json');
    let stale = false;
    for (const [name, code] of Object.entries(files)) {
      if (!/^0x[0-9a-fA-F]{100,}$/.test(code)) {
        throw new Error(`${name}: no code came back (${code.slice(0, 20)}...)`);
      }
      const file = path.join(outDir, name);
      const text = code.toLowerCase().slice(2) + '\n';
      if (check) {
        const have = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
        if (have !== text) {
          console.error(`${path.relative(root, file)} is not what the pinned packages give: run node tools/vendor-genesis.js`);
          stale = true;
        }
      } else {
        fs.mkdirSync(outDir, { recursive: true });
        fs.writeFileSync(file, text);
        console.log(`wrote ${path.relative(root, file)} (${(text.length - 1) / 2} bytes)`);
      }
    }
    if (stale) process.exitCode = 1;
  } finally {
    anvil.kill();
  }
}

main().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
