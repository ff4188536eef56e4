#!/usr/bin/env bash
# Installs what Sluice's demo and tests use from Debian's packages, only when missing:
# ffmpeg/ffprobe (media tests, ffmpeg sources), python3-aiosmtpd (a real SMTP server for mail sinks),
# fonts-dejavu-core (the clock of fake:// streams), lua5.4 (not needed by the host, handy to check scripts by hand),
# nginx + libnginx-mod-rtmp (the RTMP tests' push target and pull source, the relay benchmark's peer),
# GStreamer's rtmp2sink/rtmp2src (plugins-bad) with flvmux/flvdemux (good) and gst-launch-1.0 (tools).
# etcd-server (a real etcd for the cluster tests and the chaos benchmark of the etcd strategy).
# nats-server and redis-server (the nats:// and redis:// sinks' tests).
set -euo pipefail

missing=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
# fake:// draws its clock with DejaVu; Debian's ffmpeg normally brings it (fontconfig-config depends on it).
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || missing+=(fonts-dejavu-core)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ] || missing+=(libnginx-mod-rtmp)
command -v gst-launch-1.0 >/dev/null 2>&1 || missing+=(gstreamer1.0-tools)
gst_has() { command -v gst-inspect-1.0 >/dev/null 2>&1 && gst-inspect-1.0 --exists "$1" 2>/dev/null; }
gst_has rtmp2sink || missing+=(gstreamer1.0-plugins-bad)
gst_has flvmux || missing+=(gstreamer1.0-plugins-good)
gst_has typefind || missing+=(gstreamer1.0-plugins-base)
[ -x /usr/bin/etcd ] || missing+=(etcd-server)
# The nats:// and redis:// sinks' tests start a real nats-server (JetStream) and redis-server.
[ -x /usr/sbin/nats-server ] || missing+=(nats-server)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
# The operator surface's tests: promtool (Debian's prometheus) checks /metrics, curl talks HTTPS,
# node + npm run redocly (tools/node) on the OpenAPI document.
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
# The dashboard's tests drive Debian's chromium through Playwright (ExecutablePath, no browser download).
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v dotnet >/dev/null 2>&1 || { echo "install-deps: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Test-time tools from the npm registry, pinned by tools/node/package-lock.json (never used at run time).
tools_node="$(cd "$(dirname "$0")/.." && pwd)/tools/node"
if [ ! -x "$tools_node/node_modules/.bin/redocly" ]; then
  echo "install-deps: npm ci in tools/node"
  npm ci --prefix "$tools_node" --no-audit --no-fund --loglevel=error >/dev/null
fi
