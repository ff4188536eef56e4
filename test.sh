#!/usr/bin/env bash
# Builds everything and runs the whole test suite (what CI runs).
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
dotnet build Plugins.sln -c Release -nologo -v q
dotnet test Plugins.sln -c Release --no-build -nologo "$@"
