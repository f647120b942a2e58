#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine with only the Rust toolchain:
# installs the reference peers the tests talk to (Debian's redis-server,
# redis-cli, redis-benchmark; ss for a keepalive check) when they are
# missing, then runs the checks.
set -euo pipefail
cd "$(dirname "$0")/.."

# program -> Debian package that provides it
packages=()
command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || packages+=(redis-tools)
command -v redis-benchmark >/dev/null 2>&1 || packages+=(redis-tools)
command -v ss >/dev/null 2>&1 || packages+=(iproute2)
if [ "${#packages[@]}" -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "installing test peers: ${packages[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}" >/dev/null
fi

cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo test
