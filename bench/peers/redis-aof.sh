#!/bin/sh
# The durable-append peer of `Sluice.Benchmarks spool-bench`: Debian's redis-server with an append-only
# file synced before every answer (appendfsync always: its own group commit, one fsync per event-loop
# turn), XADD of an event-sized entry, on the same disk, same run. Loopback only.
# Usage: bench/peers/redis-aof.sh [EVENTS] [FOLDER]
set -eu
n=${1:-200000}
dir=${2:-/tmp/sluice-spool-bench}/redis-$$
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$dir"
redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --appendonly yes --appendfsync always \
  --save '' --daemonize no --loglevel warning > "$dir/redis.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
i=0; until redis-cli -p "$port" ping >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.1; done
# ~200 bytes, like a Sluice event's JSON
payload='{"event":"stream_started","id":"0001fa3b2c4d5e6f","utc_ms":1764590000000,"server":"bench","level":"info","media":"cam7","n":12345,"synthetic":true}'
# --csv ends each line with "rps","avg","min","p50","p95","p99","max" (ms); the payload has commas, so count from the end.
row() { tr '\r' '\n' | grep -v 'rps=' | grep -v '^"test"' | grep XADD | tr -d '"' |
  awk -F, '{printf "  %s events/s, latency p50 %s ms, p95 %s ms, p99 %s ms\n", $(NF-6), $(NF-3), $(NF-2), $(NF-1)}'; }
echo "redis $(redis-server --version | cut -d' ' -f3) appendfsync always, XADD MAXLEN ~ 1000000"
echo "sustained (16 clients, pipeline 64):"
redis-benchmark -p "$port" -n "$n" -c 16 -P 64 --csv XADD events MAXLEN '~' 1000000 '*' e "$payload" 2>&1 | row
echo "durable accept, 1 client:"
redis-benchmark -p "$port" -n 4000 -c 1 --csv XADD events MAXLEN '~' 1000000 '*' e "$payload" 2>&1 | row
echo "durable accept, 16 clients:"
redis-benchmark -p "$port" -n 4000 -c 16 --csv XADD events MAXLEN '~' 1000000 '*' e "$payload" 2>&1 | row
