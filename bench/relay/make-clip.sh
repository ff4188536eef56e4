#!/usr/bin/env bash
# The benchmarks' input, made once: 60 s, 1280x720 25 fps H.264 (3.6 Mbit/s CBR, GOP 50, no B-frames)
# + AAC 128k, muxed at a constant 4 Mbit/s (null-packet padding).   bench/relay/make-clip.sh CLIP.ts
set -euo pipefail
CLIP=$1
[ -s "$CLIP" ] && exit 0
mkdir -p "$(dirname "$CLIP")"
echo "making $CLIP (about a minute)..." >&2
ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=1280x720:rate=25 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t 60 -pix_fmt yuv420p \
  -c:v libx264 -preset veryfast -b:v 3600k -maxrate 3600k -bufsize 1800k -g 50 -bf 0 \
  -c:a aac -b:a 128k -f mpegts -muxrate 4000k "$CLIP.part"
mv "$CLIP.part" "$CLIP"
