#!/usr/bin/env bash
# Whole-process relay benchmark: N streams of 4 Mbit/s MPEG-TS over UDP in, HLS + MPEG-TS out.
# Sluice (one host process) against ffmpeg -c copy (one process per stream). See docs/benchmarks.md.
# --dvr: each relay runs twice, without and with recording (Sluice: dvr PATH 1h; ffmpeg: a segment output).
#
#   bench/relay/relay-bench.sh [--n 10] [--seconds 30] [--warmup 15] [--mode sluice|ffmpeg|both] [--dvr]
#
# Needs: host/bin/Release/net10.0/sluice (dotnet build Plugins.sln -c Release), ffmpeg, python3, curl.
# Everything runs on 127.0.0.1; every child is killed on exit.
set -euo pipefail

N=10; SAMPLE=30; WARMUP=15; MODE=both; DVR=0
while [ $# -gt 0 ]; do
  case "$1" in
    --n) N=$2; shift 2 ;;
    --seconds) SAMPLE=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --mode) MODE=$2; shift 2 ;;
    --dvr) DVR=1; shift ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
case "$MODE" in sluice|ffmpeg|both) ;; *) echo "--mode must be sluice, ffmpeg or both" >&2; exit 2 ;; esac
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 200 ] || { echo "--n must be 1..200" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
HOST="$ROOT/host/bin/Release/net10.0/sluice"
TOOLS="$HERE/relay_tools.py"
CACHE="${RELAY_BENCH_CACHE:-${TMPDIR:-/tmp}/sluice-relay-bench}"
CLIP="$CACHE/clip-720p25-4mbit.ts"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/relay-bench.XXXXXX")
PIDS=()

cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. the clip (bench/relay/make-clip.sh): 60 s, 1280x720 25 fps H.264 (3.6 Mbit/s CBR, GOP 50, no B-frames)
#    + AAC 128k, muxed at a constant 4 Mbit/s (null-packet padding), made once.
"$HERE/make-clip.sh" "$CLIP"

# Ports: a random block of 127.0.0.1 ports; refuse when one of them is taken.
BASE=$(( 20000 + (RANDOM % 80) * 500 ))
IN_BASE=$BASE; OUT_BASE=$((BASE + 200)); HTTP_PORT=$((BASE + 499))
if ss -Huan | awk '{print $4}' | grep -qE ":($IN_BASE|$((IN_BASE + N))|$OUT_BASE|$((OUT_BASE + N)))\$" \
   || ss -Htln | awk '{print $4}' | grep -q ":$HTTP_PORT\$"; then
  echo "ports around $BASE are in use; run again" >&2; exit 1
fi
PORTS=$(seq -s, $((IN_BASE + 1)) $((IN_BASE + N)))
TOTAL=$((WARMUP + SAMPLE))

kill_now() { local p; for p in "$@"; do kill "$p" 2>/dev/null || true; done; sleep 0.3; for p in "$@"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }

# Sender, viewers and sampler for one relay; prints the figures as one JSON line.
measure() {  # measure LABEL MODE RELAY_PIDS(comma) [ARCHIVE_DIR]
  local label=$1 mode=$2 pids=$3 archive=${4:-} dir="$WORK/$1"
  python3 "$TOOLS" send --clip "$CLIP" --ports "$PORTS" --seconds $((TOTAL + 6)) --out "$dir/send.json" &
  local send_pid=$!; PIDS+=("$send_pid")
  sleep 3   # the relay sees its first datagrams before the viewers connect
  python3 "$TOOLS" view --mode "$mode" --n "$N" --http "$HTTP_PORT" --out-base "$OUT_BASE" --hls-dir "$dir/hls" \
    --warmup "$WARMUP" --seconds "$SAMPLE" --out "$dir/view.json" &
  local view_pid=$!; PIDS+=("$view_pid")
  python3 "$TOOLS" sample --pids "$pids" --warmup "$WARMUP" --seconds "$SAMPLE" --archive "$archive" --out "$dir/sample.json" &
  local sample_pid=$!; PIDS+=("$sample_pid")
  wait "$sample_pid"
  if [ "$mode" = sluice ]; then
    curl -s -m 5 "http://127.0.0.1:$HTTP_PORT/api/v1/streams" > "$dir/streams.json" || echo '{}' > "$dir/streams.json"
    if [ -n "$archive" ]; then
      local i; for i in $(seq 1 "$N"); do
        curl -s -m 5 "http://127.0.0.1:$HTTP_PORT/s$i/recording_status.json" || echo '{}'; echo
      done > "$dir/recording.jsonl"
    fi
  fi
  wait "$view_pid"
  wait "$send_pid"
}

run_sluice() {  # run_sluice LABEL DVR(0|1)
  local label=$1 dvr=$2 dir="$WORK/$1"; mkdir -p "$dir"
  [ -x "$HOST" ] || { echo "build first: dotnet build Plugins.sln -c Release ($HOST missing)" >&2; exit 1; }
  {
    echo "http 127.0.0.1:$HTTP_PORT;"
    echo "loglevel warning;"
    for i in $(seq 1 "$N"); do
      if [ "$dvr" = 1 ]; then echo "stream s$i { input udp://127.0.0.1:$((IN_BASE + i)); dvr $dir/archive 1h; }"
      else echo "stream s$i { input udp://127.0.0.1:$((IN_BASE + i)); }"; fi
    done
  } > "$dir/relay.conf"
  "$HOST" run -c "$dir/relay.conf" > "$dir/host.log" 2>&1 &
  local host_pid=$!; PIDS+=("$host_pid")
  local t
  for t in $(seq 1 60); do
    curl -s -m 1 -o /dev/null "http://127.0.0.1:$HTTP_PORT/api/v1/server" && break
    kill -0 "$host_pid" 2>/dev/null || { cat "$dir/host.log" >&2; exit 1; }
    sleep 0.5
  done
  measure "$label" sluice "$host_pid" "$([ "$dvr" = 1 ] && echo "$dir/archive")"
  kill_now "$host_pid"
}

run_ffmpeg() {  # run_ffmpeg LABEL DVR(0|1)
  local label=$1 dvr=$2 dir="$WORK/$1" i pids=() rec; mkdir -p "$dir"
  for i in $(seq 1 "$N"); do
    mkdir -p "$dir/hls/s$i"
    rec=""
    if [ "$dvr" = 1 ]; then
      # recording as ffmpeg does it: 2 s MPEG-TS segments cut at keyframes, timestamps kept
      mkdir -p "$dir/archive/s$i"
      rec="|[f=segment:segment_time=2:segment_format=mpegts:reset_timestamps=0]$dir/archive/s$i/%06d.ts"
    fi    # HLS files (2 s, 6 listed, old ones deleted) + continuous MPEG-TS to UDP: Sluice's two outputs
    ffmpeg -nostdin -v error -i "udp://127.0.0.1:$((IN_BASE + i))?fifo_size=50000&overrun_nonfatal=1&buffer_size=4194304" \
      -map 0 -c copy -f tee \
      "[f=hls:hls_time=2:hls_list_size=6:hls_flags=delete_segments]$dir/hls/s$i/index.m3u8|[f=mpegts]udp://127.0.0.1:$((OUT_BASE + i))?pkt_size=1316$rec" \
      > "$dir/ffmpeg-s$i.log" 2>&1 &
    pids+=($!); PIDS+=($!)
  done
  measure "$label" ffmpeg "$(IFS=,; echo "${pids[*]}")" "$([ "$dvr" = 1 ] && echo "$dir/archive")"
  kill_now "${pids[@]}"
}

summary() {  # summary LABEL MODE
  python3 - "$WORK/$1" "$2" "$N" "$1" <<'PY'
import json, sys, os
d, mode, n, label = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
s, v, x = (json.load(open(os.path.join(d, f))) for f in ("sample.json", "view.json", "send.json"))
extra = ""
if mode == "sluice":
    try:
        st = json.load(open(os.path.join(d, "streams.json"))).get("streams", [])
        running = sum(1 for t in st if t.get("state") == "running")
        extra = f" running={running}/{n} dropped_frames={sum(t.get('dropped_frames', 0) for t in st)}"
    except Exception as e:
        extra = f" streams api: {e}"
else:
    errs = sum(1 for i in range(1, n + 1) if os.path.getsize(os.path.join(d, f"ffmpeg-s{i}.log")) > 0)
    extra = f" ffmpeg_logs_with_errors={errs}"
if "archive_streams" in s:
    extra += (f" recorded: {s['archive_streams']} streams, {s['archive_fragments_min']}-{s['archive_fragments_max']} fragments"
              f" per stream in {s['seconds']} s, {s['archive_write_mbps']} Mbit/s written")
    rec = os.path.join(d, "recording.jsonl")
    if os.path.exists(rec):
        st = [json.loads(l) for l in open(rec) if l.strip().startswith("{")]
        st = [t for t in st if "ranges" in t]
        extra += (f"; dvr status: {len(st)} streams, {sum(len(t['ranges']) for t in st)} ranges (1 per stream = no gap),"
                  f" dvr dropped_frames={sum(t.get('dropped_frames', 0) for t in st)},"
                  f" write errors={sum(1 for t in st if t.get('write_error'))}")
print(f"| {label} | {n} | {s['cpu_pct']} | {s['rss_mb_avg']} / {s['rss_mb_max']} | {s['pss_mb_avg']} / {s['pss_mb_max']} "
      f"| {v['continuous_mbps_min']}-{v['continuous_mbps_max']} | {v['hls_seq_advance_min']}-{v['hls_seq_advance_max']} "
      f"| {v['hls_errors']} | {x['sent_mbps_per_stream']} ({x['max_lag_ms']} ms, {x['cpu_pct']}%) | {s['load_start']}-{s['load_end']} |{extra}")
PY
}

echo "N=$N warm-up ${WARMUP}s sample ${SAMPLE}s, clip $CLIP, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| relay | N | CPU % of one core | RSS MB avg / max | PSS MB avg / max | out Mbit/s per stream (min-max) | HLS seq advance (min-max) | HLS errors | sender Mbit/s (max lag, CPU) | load |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
if [ "$MODE" = sluice ] || [ "$MODE" = both ]; then
  run_sluice sluice 0; summary sluice sluice
  if [ "$DVR" = 1 ]; then run_sluice sluice+dvr 1; summary sluice+dvr sluice; fi
fi
if [ "$MODE" = ffmpeg ] || [ "$MODE" = both ]; then
  run_ffmpeg ffmpeg 0; summary ffmpeg ffmpeg
  if [ "$DVR" = 1 ]; then run_ffmpeg ffmpeg+segment 1; summary ffmpeg+segment ffmpeg; fi
fi
if [ -n "${RELAY_BENCH_KEEP:-}" ]; then cp -r "$WORK" "$RELAY_BENCH_KEEP"; fi
