# Sourced by the scripts: makes sure the toolchain rust-toolchain.toml pins is installed.
# This machine class sets RUSTUP_AUTO_INSTALL=0, so a missing toolchain would make every cargo
# call fail; `rustup toolchain install` with no argument installs exactly what the file names.
if ! command -v rustup >/dev/null 2>&1; then
    echo "rigshare: rustup is not installed; get it from https://rustup.rs, then run this again" >&2
    exit 1
fi
if ! rustup run "$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)" rustc --version >/dev/null 2>&1 \
    || ! rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown \
    || ! rustup component list --installed 2>/dev/null | grep -q rust-src; then
    echo "rigshare: installing the pinned toolchain (rust-toolchain.toml)..." >&2
    rustup toolchain install >&2
fi
# binaryen's wasm-opt, pinned: the contracts' bytes depend on its version (deploy/src/pipeline/wasm_opt.rs
# checks it before every WASM build). Debian's and Ubuntu's package of that release.
WASM_OPT_VERSION=108
if ! wasm-opt --version 2>/dev/null | grep -qx "wasm-opt version $WASM_OPT_VERSION"; then
    echo "rigshare: installing binaryen $WASM_OPT_VERSION (wasm-opt) with apt-get..." >&2
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "rigshare: no apt-get here; install binaryen version $WASM_OPT_VERSION (wasm-opt) and run this again" >&2
        exit 1
    fi
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq >&2 || true
    $SUDO apt-get install -y "binaryen=$WASM_OPT_VERSION-*" >&2 || {
        echo "rigshare: could not install binaryen $WASM_OPT_VERSION; install it (wasm-opt) and run this again" >&2
        exit 1
    }
fi
