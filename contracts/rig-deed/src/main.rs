//! The `rig-deed` binary exists only to print the contract's ABI (`--features export-abi`); in a
//! wasm build it is an empty stub, as in OpenZeppelin's examples. `rigshare abi` runs it.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn main() {}

/// `rig-deed events` prints [`rig_deed::ABI_EVENTS`], one per line (export-abi leaves events out);
/// anything else goes to the SDK's printer (`rig-deed` for the interface, `rig-deed constructor`).
#[cfg(feature = "export-abi")]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() == 1 && args[0] == "events" {
        for event in rig_deed::ABI_EVENTS {
            println!("{event}");
        }
        return;
    }
    rig_deed::print_from_args();
}
