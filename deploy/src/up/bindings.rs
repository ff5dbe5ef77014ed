//! Bindings generated from abi/ (so `up` proves the ABIs import into ethers) and the two
//! Arbitrum precompiles `up` talks to.

#![allow(clippy::all, missing_docs)]

use ethers::contract::abigen;

abigen!(RigDeed, "$CARGO_MANIFEST_DIR/../abi/RigDeed.json");
abigen!(RigShares, "$CARGO_MANIFEST_DIR/../abi/RigShares.json");
abigen!(RevenueSplitter, "$CARGO_MANIFEST_DIR/../abi/RevenueSplitter.json");
abigen!(
    StylusDeployer,
    r#"[
        function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address)
        event ContractDeployed(address deployedContract)
    ]"#
);
abigen!(
    ArbWasm,
    r#"[
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee)
        function programVersion(address program) external view returns (uint16 version)
    ]"#
);
