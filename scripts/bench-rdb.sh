#!/usr/bin/env bash
# RDB side by side with redis-server, for issue 6's benchmark (a benchmark,
# not a test). Both servers get the same 1,000,000 keys of mixed types,
# then for ROUNDS rounds, alternating which server goes first:
#   - SAVE: wall time of the command;
#   - load: a restart on the saved file, timed from the server's own
#     "DB loaded from disk" log line, and the CPU time the process had
#     used once it answered (less sensitive to a noisy machine);
#   - file size;
#   - BGSAVE: latest_fork_usec;
#   - p99 of redis-benchmark SET (50 clients, pipeline 1) while BGSAVEs
#     run back to back (a loop starts the next as soon as one ends),
#     beside the p99 of the same run without any.
# Servers run on CPU 0, clients on CPU 1.
#
#   scripts/bench-rdb.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
fport=7811
rport=7812
work=$(mktemp -d /tmp/bench-rdb.XXXXXX)
mkdir -p "$work/f" "$work/r"
cargo build --release --quiet
fbin=$PWD/target/release/ferrodis
pids=()
cleanup() {
    local code=$?
    if [ $code != 0 ]; then
        echo "failed ($code); server logs:" >&2
        tail -n 5 "$work/f/log" "$work/r/log" >&2 || true
    fi
    redis-cli -p $fport shutdown nosave >/dev/null 2>&1 || true
    redis-cli -p $rport shutdown nosave >/dev/null 2>&1 || true
    kill "${pids[@]}" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

start() { # kind -> starts it in its dir, waits until it answers
    local kind=$1
    if [ "$kind" = f ]; then
        (cd "$work/f" && exec taskset -c 0 "$fbin" --port $fport --save '' \
            --dir "$work/f" >"$work/f/log" 2>&1) &
    else
        (cd "$work/r" && exec taskset -c 0 redis-server --port $rport --save '' \
            --appendonly no --dir "$work/r" >"$work/r/log" 2>&1) &
    fi
    pids+=($!)
    local port=$([ "$kind" = f ] && echo $fport || echo $rport)
    until [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; do sleep 0.05; done
}
stop() { # kind
    local port=$([ "$1" = f ] && echo $fport || echo $rport)
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
    while redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.05; done
}
port_of() { [ "$1" = f ] && echo $fport || echo $rport; }

# The dataset: 400k strings (ints, short, 100-byte), 150k small hashes,
# 150k small lists, 100k intsets, 100k small zsets, and 100k keys of large
# collections' worth spread as 50 big hashes/lists/sets/zsets; 10% with TTLs.
gen() {
    python3 - <<'EOF'
import sys
out = sys.stdout.buffer
def cmd(*args):
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    out.write(b"".join(parts))
n = 0
for i in range(400000):
    k = "s:%d" % i
    if i % 3 == 0:
        cmd("SET", k, i * 7)
    elif i % 3 == 1:
        cmd("SET", k, "value-%d" % i)
    else:
        cmd("SET", k, ("%d-" % i) * (100 // len("%d-" % i)))
    if i % 10 == 0:
        cmd("EXPIRE", k, 100000)
for i in range(150000):
    cmd("HSET", "h:%d" % i, "name", "user%d" % i, "age", i % 90, "city", "c%d" % (i % 50), "score", i * 3)
for i in range(150000):
    cmd("RPUSH", "l:%d" % i, *["item%d" % j for j in range(10)])
for i in range(100000):
    cmd("SADD", "si:%d" % i, *[i + j * 13 for j in range(8)])
for i in range(100000):
    cmd("ZADD", "z:%d" % i, *sum([[j * 1.5, "m%d" % j] for j in range(8)], []))
for i in range(99800):
    cmd("SET", "t:%d" % i, "x")
for b in range(50):
    cmd("HSET", "bh:%d" % b, *sum([["f%d" % j, "v%d" % j] for j in range(1000)], []))
    cmd("RPUSH", "bl:%d" % b, *["e%d" % j for j in range(1000)])
    cmd("SADD", "bs:%d" % b, *["m%d" % j for j in range(1000)])
    cmd("ZADD", "bz:%d" % b, *sum([[j, "m%d" % j] for j in range(1000)], []))
EOF
}

start f
start r
gen >"$work/data.resp"
for kind in f r; do
    taskset -c 1 redis-cli -p "$(port_of $kind)" --pipe <"$work/data.resp" >/dev/null
done
echo "keys: ferrodis $(redis-cli -p $fport dbsize), redis $(redis-cli -p $rport dbsize)"
echo "digest equal: $([ "$(redis-cli -p $fport debug digest 2>/dev/null)" = "$(redis-cli -p $rport debug digest 2>/dev/null)" ] && echo yes || echo 'n/a (DEBUG off or differs)')"

save_ms() { # kind -> ms of SAVE
    local t0 t1
    t0=$(date +%s%N)
    redis-cli -p "$(port_of "$1")" save >/dev/null
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000000))
}
load_s() { # kind -> "wall cpu": seconds from the log line of a restart,
           # and the CPU seconds (user + system) the process used by then
    stop "$1"
    : >"$work/$1/log"
    start "$1"
    local pid wall
    pid=$(redis-cli -p "$(port_of "$1")" info server | tr -d '\r' | grep '^process_id:' | cut -d: -f2)
    wall=$(grep -o 'DB loaded from disk: [0-9.]*' "$work/$1/log" | tail -1 | awk '{ print $5 }')
    echo "$wall $(awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$pid/stat")"
}
fork_us() { # kind -> latest_fork_usec of a BGSAVE
    local port
    port=$(port_of "$1")
    redis-cli -p "$port" bgsave >/dev/null
    until [ "$(redis-cli -p "$port" info persistence | tr -d '\r' | grep '^rdb_bgsave_in_progress' | cut -d: -f2)" = 0 ]; do sleep 0.05; done
    redis-cli -p "$port" info stats | tr -d '\r' | grep '^latest_fork_usec' | cut -d: -f2
}
p99() { # port -> p99 ms of a SET run
    taskset -c 1 redis-benchmark -p "$1" -n 200000 -c 50 -P 1 -t set -r 100000 --csv 2>/dev/null |
        tail -1 | tr -d '"' | cut -d, -f7
}
p99_bgsave() { # kind -> p99 ms of a SET run while BGSAVEs run back to back
    local port loop
    port=$(port_of "$1")
    (while :; do redis-cli -p "$port" bgsave >/dev/null 2>&1; sleep 0.02; done) &
    loop=$!
    p99 "$port"
    kill $loop
    wait $loop 2>/dev/null || true
    until [ "$(redis-cli -p "$port" info persistence | tr -d '\r' | grep '^rdb_bgsave_in_progress' | cut -d: -f2)" = 0 ]; do sleep 0.1; done
}

printf '%-5s %9s %9s %9s %9s %11s %11s %8s %8s %9s %9s\n' round 'save ref' 'save cand' 'load ref' 'load cand' 'size ref' 'size cand' 'fork ref' 'fork cand' 'p99 ref' 'p99 cand'
for r in $(seq "$rounds"); do
    order="r f"
    [ $((r % 2)) = 0 ] && order="f r"
    declare -A save load lcpu size fork p99n p99b
    for kind in $order; do save[$kind]=$(save_ms $kind); done
    for kind in $order; do size[$kind]=$(stat -c %s "$work/$kind/dump.rdb"); done
    for kind in $order; do read -r load[$kind] lcpu[$kind] < <(load_s $kind); done
    for kind in $order; do fork[$kind]=$(fork_us $kind); done
    for kind in $order; do p99n[$kind]=$(p99 "$(port_of $kind)"); done
    for kind in $order; do p99b[$kind]=$(p99_bgsave $kind); done
    printf '%-5s %7sms %7sms %8ss %8ss %11s %11s %6sus %6sus %4s/%-4s %4s/%-4s\n' "$r" \
        "${save[r]}" "${save[f]}" "${load[r]}" "${load[f]}" "${size[r]}" "${size[f]}" \
        "${fork[r]}" "${fork[f]}" "${p99n[r]}" "${p99b[r]}" "${p99n[f]}" "${p99b[f]}"
    echo "      ratios cand/ref: save $(awk -v a="${save[f]}" -v b="${save[r]}" 'BEGIN{printf "%.2f", a/b}')" \
        " load $(awk -v a="${load[f]}" -v b="${load[r]}" 'BEGIN{printf "%.2f", a/b}')" \
        " load-cpu ${lcpu[r]}s/${lcpu[f]}s $(awk -v a="${lcpu[f]}" -v b="${lcpu[r]}" 'BEGIN{printf "%.2f", a/b}')" \
        " size $(awk -v a="${size[f]}" -v b="${size[r]}" 'BEGIN{printf "%.3f", a/b}')" \
        " fork $(awk -v a="${fork[f]}" -v b="${fork[r]}" 'BEGIN{printf "%.2f", a/b}')" \
        " p99-under-bgsave $(awk -v a="${p99b[f]}" -v b="${p99b[r]}" 'BEGIN{printf "%.2f", a/b}')"
done
echo "p99 columns: without BGSAVE / during BGSAVE (ms)"
