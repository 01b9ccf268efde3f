#!/usr/bin/env bash
# HTTP/1.1 and gRPC through SimNet against the same app on real loopback Kestrel, in one run.
# The real run's traffic stays on the loopback of a network namespace made for it (BRIEF: never the
# machine's own interfaces), so this needs root (CI runs as root).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/SimNet.Http.Bench -c Release -v q -nologo
unshare -n bash -c 'ip link set lo up && dotnet bench/SimNet.Http.Bench/bin/Release/net10.0/SimNet.Http.Bench.dll "$@"' bench "$@"
