#!/usr/bin/env bash
# A self-contained Sluice in one folder: the host (no .NET install needed on the target) with every plugin
# of the repository in its plugins/ folder, ready for docs/sluice.service.
#
#   scripts/publish.sh [OUT]        # default OUT: artifacts/sluice-linux-x64
#
# Then: OUT/sluice check -c /etc/sluice/sluice.conf && OUT/sluice run -c /etc/sluice/sluice.conf
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-artifacts/sluice-linux-x64}")
rid=linux-x64

# The plugins build into host/bin/Release/net10.0/plugins (one folder each) when the host builds.
dotnet build host/Sluice.Host.csproj -c Release -nologo -v q
rm -rf "$out"
# BuildProjectReferences=false: the plugins were built above (framework-dependent, sharing the host's runtime);
# built again with the runtime identifier they would each carry a whole runtime.
dotnet publish host/Sluice.Host.csproj -c Release -r "$rid" --self-contained true -p:BuildProjectReferences=false -nologo -v q -o "$out"
cp -r host/bin/Release/net10.0/plugins "$out/plugins"
cp host/default.conf "$out/sluice.conf.example"
echo "published to $out: $("$out/sluice" --version 2>/dev/null || echo sluice), plugins: $(ls "$out/plugins" | tr '\n' ' ')"
