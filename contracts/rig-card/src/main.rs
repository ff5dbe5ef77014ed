//! Prints the contract's ABI with `--features export-abi` (`rigshare abi` runs it); an empty
//! stub in every other build.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

rigshare_common::export_abi_main!(rig_card);
