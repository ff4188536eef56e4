#!/usr/bin/env bash
# Whole-process DVR benchmark (docs/benchmarks.md, "DVR"): an MP4 export of one hour of 4 Mbit/s from
# the real host (GET /cam/archive-FROM-3600.mp4) against ffmpeg's concat + -c copy + faststart of the same
# fragments, and the re-index of a 10,000-fragment archive at start against ffprobe opening each file.
# Recording (50 streams with and without dvr, against ffmpeg's segment muxer) is
# bench/relay/relay-bench.sh --dvr.
#
#   bench/dvr/dvr-bench.sh [--hours 1] [--fragments 10000]
#
# Needs: host/bin/Release/net10.0/sluice (dotnet build Plugins.sln -c Release), ffmpeg, ffprobe, python3, curl.
# Everything on 127.0.0.1; the host is killed on exit. About 3 GB of disk per hour under $TMPDIR.
set -euo pipefail

HOURS=1; FRAGMENTS=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --hours) HOURS=$2; shift 2 ;;
    --fragments) FRAGMENTS=$2; shift 2 ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ "$HOURS" =~ ^[1-9]$ ]] || { echo "--hours must be 1..9" >&2; exit 2; }
[[ "$FRAGMENTS" =~ ^[0-9]+$ ]] && [ "$FRAGMENTS" -ge 100 ] || { echo "--fragments must be >= 100" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
HOST="$ROOT/host/bin/Release/net10.0/sluice"
[ -x "$HOST" ] || { echo "build first: dotnet build Plugins.sln -c Release ($HOST missing)" >&2; exit 1; }
CACHE="${DVR_BENCH_CACHE:-${TMPDIR:-/tmp}/sluice-dvr-bench}"
CLIP="${RELAY_BENCH_CACHE:-${TMPDIR:-/tmp}/sluice-relay-bench}/clip-720p25-4mbit.ts"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dvr-bench.XXXXXX")
HOST_PID=""
cleanup() {
  [ -n "$HOST_PID" ] && { kill "$HOST_PID" 2>/dev/null || true; sleep 0.5; kill -9 "$HOST_PID" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. The clip of the relay benchmark (60 s, 720p25 H.264 GOP 2 s + AAC, 4 Mbit/s), made once.
"$ROOT/bench/relay/make-clip.sh" "$CLIP"

# 2. An archive of HOURS hours in the DVR's layout, made once: the clip looped (-c copy, timestamps continue),
#    cut by ffmpeg's segment muxer at the 2 s keyframes, each segment renamed to PATH/cam/YYYY/MM/DD/HH/MM-SS-mmm_D.ts
#    from the times ffmpeg lists; the archive ends 10 minutes before the run starts.
ARCHIVE="$CACHE/archive-${HOURS}h"
if [ ! -s "$ARCHIVE/done" ]; then
  rm -rf "$ARCHIVE"; mkdir -p "$ARCHIVE/segments"
  echo "making $ARCHIVE ($HOURS h of fragments, a few minutes)..." >&2
  ffmpeg -nostdin -v error -stream_loop $((HOURS * 60 - 1)) -i "$CLIP" -map 0 -c copy -f segment -segment_time 2 \
    -segment_format mpegts -reset_timestamps 0 -segment_list "$ARCHIVE/segments.csv" -segment_list_type csv \
    "$ARCHIVE/segments/%06d.ts"
  python3 - "$ARCHIVE" <<'PY'
import csv, os, sys, time
root = sys.argv[1]
rows = list(csv.reader(open(os.path.join(root, "segments.csv"))))
span = float(rows[-1][2])
base = (int(time.time() * 1000) - int(span * 1000) - 600_000)
for name, start, end in rows:
    s = base + round(float(start) * 1000)
    d = base + round(float(end) * 1000) - s
    t = time.gmtime(s // 1000)
    folder = os.path.join(root, "cam", time.strftime("%Y/%m/%d/%H", t))
    os.makedirs(folder, exist_ok=True)
    os.rename(os.path.join(root, "segments", name), os.path.join(folder, f"{t.tm_min:02}-{t.tm_sec:02}-{s % 1000:03}_{d}.ts"))
os.rmdir(os.path.join(root, "segments"))
open(os.path.join(root, "done"), "w").write(f"{base} {round(span * 1000)}\n")
PY
fi
read -r BASE_MS SPAN_MS < "$ARCHIVE/done"
FROM=$(( (BASE_MS + 999) / 1000 )); DURATION=$(( HOURS * 3600 - 2 ))
mapfile -t FILES < <(find "$ARCHIVE/cam" -name '*.ts' | sort)
BYTES=$(du -sb "$ARCHIVE/cam" | cut -f1)

PORT=$(( 20000 + RANDOM % 20000 ))
start_host() {  # start_host ARCHIVE_ROOT; the stream is ondemand without viewers: it serves its archive and records nothing
  cat > "$WORK/dvr.conf" <<CONF
http 127.0.0.1:$PORT;
ondemand cam { input fake://cam; dvr $1 3650d; }
CONF
  "$HOST" run -c "$WORK/dvr.conf" > "$WORK/host.log" 2>&1 &
  HOST_PID=$!
  local t; for t in $(seq 1 120); do
    grep -q "fragments (.*) indexed from" "$WORK/host.log" && return 0
    kill -0 "$HOST_PID" 2>/dev/null || { cat "$WORK/host.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "the archive was not indexed in 60 s" >&2; cat "$WORK/host.log" >&2; exit 1
}
stop_host() { kill "$HOST_PID"; wait "$HOST_PID" 2>/dev/null || true; HOST_PID=""; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
probe() {  # probe FILE: codecs, duration, first video packet a keyframe, video dts increasing
  ffprobe -v error -show_entries stream=codec_name:format=duration -of default=nw=1:nk=1 "$1" | tr '\n' ' '
  ffprobe -v error -select_streams v -show_entries packet=dts,flags -of csv=p=0 "$1" | python3 -c '
import sys
rows = [l.strip().split(",") for l in sys.stdin if l.strip()]
d = [int(r[0]) for r in rows if r[0] not in ("", "N/A")]
key = rows[0][1].startswith("K")
mono = all(b > a for a, b in zip(d, d[1:]))
print(f"keyframe_first={key} dts_increasing={mono} video_packets={len(rows)}")'
}

echo "archive: ${#FILES[@]} fragments, $((BYTES / 1000000)) MB, $((SPAN_MS / 1000)) s; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| export | wall s | CPU s | MB/s | real time | MB | memory |"
echo "|---|---:|---:|---:|---:|---:|---|"

# 3. MP4 export through the host: wall time, the host's CPU, its RSS (sampled every 0.2 s), the file checked by ffprobe.
start_host "$ARCHIVE"
cat "$ARCHIVE/cam"/*/*/*/*/*.ts > /dev/null   # the same warm page cache for both exporters
RSS0=$(awk '/VmRSS/{print $2}' "/proc/$HOST_PID/status")
( while kill -0 "$HOST_PID" 2>/dev/null; do awk '/VmRSS/{print $2}' "/proc/$HOST_PID/status"; sleep 0.2; done ) > "$WORK/rss.txt" 2>/dev/null &
RSS_PID=$!
C0=$(cpu_ticks "$HOST_PID")
read -r WALL SIZE < <(curl -s -o "$WORK/sluice.mp4" -w '%{time_total} %{size_download}\n' "http://127.0.0.1:$PORT/cam/archive-$FROM-$DURATION.mp4")
C1=$(cpu_ticks "$HOST_PID")
kill "$RSS_PID" 2>/dev/null || true; wait "$RSS_PID" 2>/dev/null || true
RSS1=$(sort -n "$WORK/rss.txt" | tail -1)
HZ=$(getconf CLK_TCK)
python3 - "$WALL" "$SIZE" "$((C1 - C0))" "$HZ" "$DURATION" "$RSS0" "$RSS1" <<'PY'
import sys
wall, size, ticks, hz, dur, rss0, rss1 = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
print(f"| Sluice GET archive-FROM-{dur}.mp4 | {wall:.1f} | {ticks / hz:.1f} | {size / 1e6 / wall:.0f} | {dur / wall:.0f}x | {size / 1e6:.0f} | RSS {rss0 // 1024} MB before, {rss1 // 1024} MB max during |")
PY
echo "  sluice.mp4: $(probe "$WORK/sluice.mp4")"
stop_host
rm -f "$WORK/sluice.mp4"

# 4. The peer: ffmpeg's concat demuxer over the same fragments, -c copy, moov moved to the front.
printf "file '%s'\n" "${FILES[@]}" > "$WORK/list.txt"
python3 - "$WORK/list.txt" "$WORK/ffmpeg.mp4" "$DURATION" <<'PY'
import resource, subprocess, sys, time, os
lst, out, dur = sys.argv[1], sys.argv[2], int(sys.argv[3])
t = time.monotonic()
r = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "concat", "-safe", "0", "-i", lst, "-map", "0", "-c", "copy",
                    "-movflags", "+faststart", out], capture_output=True, text=True)
wall = time.monotonic() - t
if r.returncode != 0:
    sys.exit(r.stderr)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
size = os.path.getsize(out)
print(f"| ffmpeg -f concat -c copy -movflags +faststart | {wall:.1f} | {u.ru_utime + u.ru_stime:.1f} | {size / 1e6 / wall:.0f} | {dur / wall:.0f}x | {size / 1e6:.0f} | maxrss {u.ru_maxrss // 1024} MB |")
PY
echo "  ffmpeg.mp4: $(probe "$WORK/ffmpeg.mp4")"
rm -f "$WORK/ffmpeg.mp4"

# 5. Re-index at start: FRAGMENTS fragments (hard links to the fragments above, 2 s apart) in a fresh folder.
python3 - "$WORK/big" "$FRAGMENTS" "${FILES[@]}" <<'PY'
import os, sys, time
root, n, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
base = int(time.time() * 1000) - n * 2000 - 600_000
for i in range(n):
    s = base + i * 2000
    t = time.gmtime(s // 1000)
    folder = os.path.join(root, "cam", time.strftime("%Y/%m/%d/%H", t))
    os.makedirs(folder, exist_ok=True)
    os.link(files[i % len(files)], os.path.join(folder, f"{t.tm_min:02}-{t.tm_sec:02}-{s % 1000:03}_2000.ts"))
PY
for run in 1 2; do
  start_host "$WORK/big"
  echo "| Sluice re-index at start, run $run | $(grep -o '[0-9]* fragments ([0-9]* bytes) indexed from [^ ]* in [0-9]* ms' "$WORK/host.log" | sed 's/ indexed from [^ ]*//') |"
  stop_host
done
mapfile -t SOME < <(find "$WORK/big/cam" -name '*.ts' | sort | head -100)
START=$(date +%s.%N)
for f in "${SOME[@]}"; do ffprobe -v error -show_entries format=start_time,duration -of csv=p=0 "$f" > /dev/null; done
END=$(date +%s.%N)
python3 -c "import sys; per = (float(sys.argv[2]) - float(sys.argv[1])) / 100; print(f'| ffprobe of each fragment (100 timed) | {per * 1000:.0f} ms per fragment, {per * int(sys.argv[3]):.0f} s for {sys.argv[3]} |')" "$START" "$END" "$FRAGMENTS"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
