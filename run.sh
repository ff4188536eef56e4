#!/usr/bin/env bash
# Starts the Sluice demo on the embedded default configuration (http://127.0.0.1:8080).
# Extra arguments go to `sluice run` (e.g. ./run.sh -c my.conf).
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
dotnet build Plugins.sln -c Release -nologo -v q
exec host/bin/Release/net10.0/sluice run "$@"
