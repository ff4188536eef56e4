#!/usr/bin/env bash
# CPU of thumbnails: one host process with N streams of a 720p25 H.264 clip (file://, looped in real time),
# run once without and once with `thumbnails interval=I;` in every stream; the host's CPU time (its own plus
# its reaped ffmpeg decoders', from /proc/PID/stat) over S seconds after a warm-up. See docs/benchmarks.md.
#
#   bench/thumbnails/thumbnails-cpu.sh [--n 4] [--seconds 60] [--warmup 15] [--interval 5s]
#
# Needs: host/bin/Release/net10.0/sluice (dotnet build Plugins.sln -c Release), ffmpeg, curl. 127.0.0.1 only.
set -euo pipefail

N=4; SAMPLE=60; WARMUP=15; INTERVAL=5s
while [ $# -gt 0 ]; do
  case "$1" in
    --n) N=$2; shift 2 ;;
    --seconds) SAMPLE=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --interval) INTERVAL=$2; shift 2 ;;
    -h|--help) sed -n 2,8p "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 100 ] || { echo "--n must be 1..100" >&2; exit 2; }

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HOST="$ROOT/host/bin/Release/net10.0/sluice"
[ -x "$HOST" ] || { echo "build the host first: dotnet build Plugins.sln -c Release" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-thumbs-bench.XXXXXX")
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=1280x720:rate=25 -t 20 \
  -c:v libx264 -preset veryfast -b:v 3M -g 25 -bf 0 -pix_fmt yuv420p "$WORK/clip.mp4"
TICKS=$(getconf CLK_TCK)
PORT=$(( 20000 + RANDOM % 20000 ))

cpu_ticks() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat"; }

run() { # $1: thumbnails directive or empty
  local conf="$WORK/sluice.conf"
  echo "http 127.0.0.1:$PORT;" > "$conf"
  for i in $(seq 1 "$N"); do echo "stream s$i { input file://clip.mp4; $1 }" >> "$conf"; done
  (cd "$WORK" && exec "$HOST" run -c "$conf" > "$WORK/host.log" 2>&1) &
  PID=$!
  sleep "$WARMUP"
  local before; before=$(cpu_ticks "$PID")
  sleep "$SAMPLE"
  local after; after=$(cpu_ticks "$PID")
  local thumbs=0
  for i in $(seq 1 "$N"); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/s$i/preview.jpg" && thumbs=$((thumbs + 1))
  done
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  awk -v t=$((after - before)) -v hz="$TICKS" -v s="$SAMPLE" -v n="$N" -v th="$thumbs" -v what="${1:-no thumbnails}" \
    'BEGIN { printf "%-36s %3d streams: %6.1f%% of a core (%5.2f%% per stream), previews served: %d\n", what, n, 100*t/hz/s, 100*t/hz/s/n, th }'
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
run ""
run "thumbnails interval=$INTERVAL;"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
