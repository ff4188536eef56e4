#!/usr/bin/env bash
# Whole-process RTMP benchmark: N streams published over RTMP (ffmpeg -re -c copy, the same paced publisher
# for both servers), each with one HLS viewer and one RTMP player; Sluice (HLS + RTMP out) against nginx with
# libnginx-mod-rtmp (hls on, 2 s fragments, served by the same nginx over HTTP), in the same run.
# See docs/benchmarks.md ("RTMP, side by side with nginx-rtmp").
#
#   bench/relay/rtmp-bench.sh [--n 10] [--seconds 30] [--warmup 15] [--mode sluice|nginx|both]
#   bench/relay/rtmp-bench.sh --latency 7 [--mode ...]   # start-up latency instead (rtmp_latency.py):
#       publish -> first HLS segment, RTMP play -> first video frame / first keyframe, medians of 7 trials
#
# Needs: host/bin/Release/net10.0/sluice (dotnet build Plugins.sln -c Release), ffmpeg, nginx +
# libnginx-mod-rtmp (scripts/install-deps.sh), python3, curl. Everything on 127.0.0.1; children killed on exit.
set -euo pipefail

N=10; SAMPLE=30; WARMUP=15; MODE=both; LATENCY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --n) N=$2; shift 2 ;;
    --seconds) SAMPLE=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --mode) MODE=$2; shift 2 ;;
    --latency) LATENCY=$2; shift 2 ;;
    -h|--help) sed -n 2,13p "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
case "$MODE" in sluice|nginx|both) ;; *) echo "--mode must be sluice, nginx or both" >&2; exit 2 ;; esac
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 200 ] || { echo "--n must be 1..200" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
HOST="$ROOT/host/bin/Release/net10.0/sluice"
TOOLS="$HERE/relay_tools.py"
CACHE="${RELAY_BENCH_CACHE:-${TMPDIR:-/tmp}/sluice-relay-bench}"
CLIP="$CACHE/clip-720p25-4mbit.ts"
FLV="$CACHE/clip-720p25-4mbit.flv"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rtmp-bench.XXXXXX")
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

# The relay benchmark's clip (60 s, 720p25 H.264 3.6 Mbit/s, GOP 50, no B-frames, AAC 128k), as FLV.
if [ ! -s "$FLV" ]; then
  mkdir -p "$CACHE"
  if [ ! -s "$CLIP" ]; then
    echo "making $CLIP (about a minute)..." >&2
    ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=1280x720:rate=25 \
      -f lavfi -i sine=frequency=440:sample_rate=48000 -t 60 -pix_fmt yuv420p \
      -c:v libx264 -preset veryfast -b:v 3600k -maxrate 3600k -bufsize 1800k -g 50 -bf 0 \
      -c:a aac -b:a 128k -f mpegts -muxrate 4000k "$CLIP.part"
    mv "$CLIP.part" "$CLIP"
  fi
  ffmpeg -nostdin -v error -y -i "$CLIP" -c copy -f flv "$FLV.part" && mv "$FLV.part" "$FLV"
fi

BASE=$(( 20000 + (RANDOM % 80) * 500 ))
RTMP_PORT=$BASE; HTTP_PORT=$((BASE + 1))
if ss -Htln | awk '{print $4}' | grep -qE ":($RTMP_PORT|$HTTP_PORT)\$"; then echo "ports $BASE+ are in use; run again" >&2; exit 1; fi
TOTAL=$((WARMUP + SAMPLE))

kill_now() { local p; for p in "$@"; do kill "$p" 2>/dev/null || true; done; sleep 0.3; for p in "$@"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }

# Publishers, then per stream one RTMP player and one HLS viewer; the sampler watches SERVER_PIDS only.
measure() {  # measure NAME SERVER_PIDS HLS_URL_TEMPLATE
  local name=$1 pids=$2 hls=$3 dir="$WORK/$1" i pubs=() players=()
  mkdir -p "$dir/logs"
  for i in $(seq 1 "$N"); do
    ffmpeg -nostdin -v error -re -stream_loop -1 -i "$FLV" -c copy -f flv "rtmp://127.0.0.1:$RTMP_PORT/live/s$i" > "$dir/logs/pub-s$i.log" 2>&1 &
    pubs+=($!); PIDS+=($!)
  done
  # Players come once every stream is published (Sluice refuses to play a stream nobody publishes yet;
  # nginx-rtmp lets the player wait): the API's stream count, or nginx's first HLS playlist of each stream.
  local t up
  for t in $(seq 1 120); do
    if [ "$name" = sluice ]; then
      up=$(curl -s -m 2 "http://127.0.0.1:$HTTP_PORT/api/v1/streams" | python3 -c 'import json,sys; print(sum(1 for s in json.load(sys.stdin).get("streams", []) if s.get("state") == "running"))' 2>/dev/null || echo 0)
    else
      up=$(find "$dir/hls" -name index.m3u8 2>/dev/null | wc -l)
    fi
    [ "$up" -ge "$N" ] && break
    sleep 0.5
  done
  echo "$up of $N streams published after $((t / 2)) s" >&2
  for i in $(seq 1 "$N"); do
    # -c copy to nothing: the player's own CPU stays small; it reads as fast as the server sends.
    ffmpeg -nostdin -v error -i "rtmp://127.0.0.1:$RTMP_PORT/live/s$i" -c copy -f null - > "$dir/logs/play-s$i.log" 2>&1 &
    players+=($!); PIDS+=($!)
  done
  python3 "$TOOLS" view --mode hls --hls-url "$hls" --n "$N" --warmup "$WARMUP" --seconds "$SAMPLE" --out "$dir/view.json" &
  local view_pid=$!; PIDS+=("$view_pid")
  python3 "$TOOLS" sample --pids "$pids" --warmup "$WARMUP" --seconds "$SAMPLE" --out "$dir/sample.json" &
  local sample_pid=$!; PIDS+=("$sample_pid")
  wait "$sample_pid"
  if [ "$name" = sluice ]; then
    curl -s -m 5 "http://127.0.0.1:$HTTP_PORT/api/v1/streams" > "$dir/streams.json" || echo '{}' > "$dir/streams.json"
  fi
  local alive=0 p
  for p in "${players[@]}"; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
  echo "$alive" > "$dir/players_alive"
  wait "$view_pid"
  kill_now "${players[@]}" "${pubs[@]}"
}

latency() {  # latency NAME HLS_URL_TEMPLATE: one stream at a time, fresh per trial
  mkdir -p "$WORK/$1"
  python3 "$HERE/rtmp_latency.py" --rtmp "rtmp://127.0.0.1:$RTMP_PORT/live" --hls-url "$2" --flv "$FLV" --trials "$LATENCY" --out "$WORK/$1/latency.json"
}

latency_summary() {  # latency_summary NAME
  python3 - "$WORK/$1/latency.json" "$1" <<'PY'
import json, sys
r, name = json.load(open(sys.argv[1])), sys.argv[2]
f = lambda k: "n/a" if not r[k] else f"{r[k]['median']} ({r[k]['min']}-{r[k]['max']})"
print(f"| {name} | {r['trials']} | {f('publish_to_hls_ms')} | {f('play_to_first_frame_ms')} | {f('play_to_first_keyframe_ms')} | {r['failures']} | {r['load']:.1f} |")
PY
}

run_sluice() {
  local dir="$WORK/sluice"; mkdir -p "$dir"
  [ -x "$HOST" ] || { echo "build first: dotnet build Plugins.sln -c Release ($HOST missing)" >&2; exit 1; }
  printf 'http 127.0.0.1:%s;\nrtmp 127.0.0.1:%s;\nloglevel warning;\nlive live { }\n' "$HTTP_PORT" "$RTMP_PORT" > "$dir/rtmp.conf"
  "$HOST" run -c "$dir/rtmp.conf" > "$dir/host.log" 2>&1 &
  local host_pid=$!; PIDS+=("$host_pid")
  local t
  for t in $(seq 1 60); do
    curl -s -m 1 -o /dev/null "http://127.0.0.1:$HTTP_PORT/api/v1/server" && break
    kill -0 "$host_pid" 2>/dev/null || { cat "$dir/host.log" >&2; exit 1; }
    sleep 0.5
  done
  if [ "$LATENCY" -gt 0 ]; then latency sluice "http://127.0.0.1:$HTTP_PORT/live/{name}/index.m3u8"
  else measure sluice "$host_pid" "http://127.0.0.1:$HTTP_PORT/live/s{i}/"; fi
  kill_now "$host_pid"
}

run_nginx() {
  local dir="$WORK/nginx"; mkdir -p "$dir/logs" "$dir/hls"
  cat > "$dir/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
daemon off;
master_process off;
worker_processes 1;
error_log $dir/logs/error.log warn;
pid $dir/logs/nginx.pid;
events { worker_connections 4096; }
rtmp {
  server {
    listen 127.0.0.1:$RTMP_PORT;
    application live { live on; hls on; hls_path $dir/hls; hls_fragment 2s; hls_playlist_length 12s; hls_nested on; }
  }
}
http {
  access_log off;
  server {
    listen 127.0.0.1:$HTTP_PORT;
    location /hls/ { alias $dir/hls/; types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; } add_header Cache-Control no-cache; }
  }
}
CONF
  /usr/sbin/nginx -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" > "$dir/nginx.out" 2>&1 &
  local ngx_pid=$!; PIDS+=("$ngx_pid")
  sleep 1
  kill -0 "$ngx_pid" 2>/dev/null || { cat "$dir/nginx.out" "$dir/logs/error.log" >&2; exit 1; }
  if [ "$LATENCY" -gt 0 ]; then latency nginx "http://127.0.0.1:$HTTP_PORT/hls/{name}/index.m3u8"
  else measure nginx "$ngx_pid" "http://127.0.0.1:$HTTP_PORT/hls/s{i}/"; fi
  kill_now "$ngx_pid"
}

summary() {  # summary NAME
  python3 - "$WORK/$1" "$1" "$N" <<'PY'
import json, sys, os
d, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
s, v = (json.load(open(os.path.join(d, f))) for f in ("sample.json", "view.json"))
alive = open(os.path.join(d, "players_alive")).read().strip()
logs = os.path.join(d, "logs")
errs = sum(1 for f in os.listdir(logs) if os.path.getsize(os.path.join(logs, f)) > 0)
extra = ""
if name == "sluice":
    try:
        st = json.load(open(os.path.join(d, "streams.json"))).get("streams", [])
        running = sum(1 for t in st if t.get("state") == "running")
        extra = f" running={running}/{n} dropped_frames={sum(t.get('dropped_frames', 0) for t in st)}"
    except Exception as e:
        extra = f" streams api: {e}"
print(f"| {name} | {n} | {s['cpu_pct']} | {s['rss_mb_avg']} / {s['rss_mb_max']} | {s['pss_mb_avg']} / {s['pss_mb_max']} "
      f"| {v['hls_seq_advance_min']}-{v['hls_seq_advance_max']} | {v['hls_errors']} | {alive}/{n} | {errs} | {s['load_start']}-{s['load_end']} |{extra}")
PY
}

if [ "$LATENCY" -gt 0 ]; then
  echo "start-up latency, $LATENCY trials a server, clip $FLV, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "| server | trials | publish -> first HLS segment, ms median (min-max) | play -> first video frame, ms | play -> first keyframe, ms | failures | load |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  if [ "$MODE" = sluice ] || [ "$MODE" = both ]; then run_sluice; latency_summary sluice; fi
  if [ "$MODE" = nginx ] || [ "$MODE" = both ]; then run_nginx; latency_summary nginx; fi
else
  echo "N=$N warm-up ${WARMUP}s sample ${SAMPLE}s, clip $FLV, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "| server | N | CPU % of one core | RSS MB avg / max | PSS MB avg / max | HLS seq advance (min-max) | HLS errors | RTMP players alive | peer logs with errors | load |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  if [ "$MODE" = sluice ] || [ "$MODE" = both ]; then run_sluice; summary sluice; fi
  if [ "$MODE" = nginx ] || [ "$MODE" = both ]; then run_nginx; summary nginx; fi
fi
if [ -n "${RELAY_BENCH_KEEP:-}" ]; then cp -r "$WORK" "$RELAY_BENCH_KEEP"; fi
