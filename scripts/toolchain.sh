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
