#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine with only the Rust toolchain:
# installs the reference peers the tests talk to (Debian's redis-server,
# redis-cli, redis-benchmark) when they are missing, then runs the checks.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=0
for prog in redis-server redis-cli redis-benchmark; do
    command -v "$prog" >/dev/null 2>&1 || missing=1
done
if [ "$missing" = 1 ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "installing Debian's redis-server and redis-tools (test peers)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server redis-tools >/dev/null
fi

cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo test
