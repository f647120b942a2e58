#!/usr/bin/env bash
# PUBLISH throughput side by side with redis-server, for issue 5's
# benchmark (a benchmark, not a test). For each subscriber count N, both
# servers get N `redis-cli SUBSCRIBE` readers, then redis-benchmark sends
# PUBLISH at pipeline 1 and 16, alternating servers, ROUNDS times.
# Servers run on CPU 0; redis-benchmark and the subscribers on CPU 1.
# Besides requests per second it prints each server's CPU time per
# request (/proc/PID/stat): with 10 or 100 subscribers the client CPU is
# the bottleneck and throughput is noisy, CPU per request is not.
#
#   scripts/bench-pubsub.sh [ROUNDS] [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
requests=${2:-200000}
fport=7801
rport=7802
cargo build --release --quiet
taskset -c 0 target/release/ferrodis --port $fport --save '' >/dev/null 2>&1 &
fpid=$!
taskset -c 0 redis-server --port $rport --save '' --appendonly no >/dev/null 2>&1 &
rpid=$!
subs=()
cleanup() {
    kill "${subs[@]}" $fpid $rpid 2>/dev/null || true
}
trap cleanup EXIT
sleep 0.5
ticks() { # pid: user + system CPU time in clock ticks (1/100 s)
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}
run() { # port pid pipeline -> "rps us_per_request"
    local t0 t1 r
    t0=$(ticks "$2")
    r=$(taskset -c 1 redis-benchmark -p "$1" -n "$requests" -c 50 -P "$3" -q \
        publish ch hello 2>/dev/null | tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -1 | cut -d' ' -f1)
    t1=$(ticks "$2")
    echo "$r $(awk -v t=$((t1 - t0)) -v n="$requests" 'BEGIN { printf "%.2f", t * 10000 / n }')"
}
printf '%-5s %-3s %12s %12s %6s %10s %10s %6s\n' subs P redis ferrodis ratio 'redis us' 'ferro us' ratio
for n in 1 10 100; do
    kill "${subs[@]}" 2>/dev/null || true
    subs=()
    for port in $fport $rport; do
        for _ in $(seq "$n"); do
            taskset -c 1 redis-cli -p $port subscribe ch >/dev/null &
            subs+=($!)
        done
    done
    for port in $fport $rport; do
        until [ "$(redis-cli -p $port pubsub numsub ch | tail -1)" = "$n" ]; do sleep 0.1; done
    done
    for p in 1 16; do
        for r in $(seq "$rounds"); do
            if [ $((r % 2)) = 1 ]; then
                read -r ref refus < <(run $rport $rpid "$p"); read -r cand candus < <(run $fport $fpid "$p")
            else
                read -r cand candus < <(run $fport $fpid "$p"); read -r ref refus < <(run $rport $rpid "$p")
            fi
            ratio=$(awk -v a="$cand" -v b="$ref" 'BEGIN { printf "%.2f", a / b }')
            cratio=$(awk -v a="$candus" -v b="$refus" 'BEGIN { printf "%.2f", a / b }')
            printf '%-5s %-3s %12s %12s %6s %10s %10s %6s\n' "$n" "$p" "$ref" "$cand" "$ratio" "$refus" "$candus" "$cratio"
        done
    done
done
