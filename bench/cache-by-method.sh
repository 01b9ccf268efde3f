#!/usr/bin/env bash
# Where a workload's cache misses are, by method: callgrind's cache simulation (this machine's L1d and L2, as
# bench/cache-misses.sh), with costs per instruction address, summed per JIT-compiled method through the
# runtime's perf map, as the difference of two run lengths per datagram carried. Slower than cache-misses.sh
# (about 2 minutes for the defaults); needs valgrind and python3.
#   bash bench/cache-by-method.sh unicast 100000          # random pairs among 100,000 hosts
#   bash bench/cache-by-method.sh heartbeat 10000 6 18    # 10,000 heartbeating hosts, 6 and 18 simulated seconds
# Arguments: workload (unicast | routed | heartbeat | async), hosts, then the two lengths (datagrams for unicast, simulated
# seconds for heartbeat; default 20000 60000 and 6 18), then how many methods to list (default 30), then
# "instructions" to list them by instructions instead of by L2 misses (for a workload that fits in the caches).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
what="${1:-unicast}"; hosts="${2:-100000}"
if [ "$what" = heartbeat ]; then n1="${3:-6}"; n2="${4:-18}"; else n1="${3:-20000}"; n2="${4:-60000}"; fi
top="${5:-30}"; order="${6:-misses}"
dotnet build -c Release bench/SimNet.Benchmarks -v q -nologo >/dev/null
dll=bench/SimNet.Benchmarks/bin/Release/net10.0/SimNet.Benchmarks.dll
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
profile() { # length -> "$tmp/$1.out", "$tmp/$1.map"; prints the datagrams carried
  DOTNET_PerfMapEnabled=1 DOTNET_PerfMapJitDumpPath="$tmp" DOTNET_PerfMapShowOptimizationTiers=0 \
  DOTNET_TieredCompilation=0 DOTNET_EnableWriteXorExecute=0 DOTNET_gcConcurrent=0 DOTNET_GCgen0size=0x4000000 \
  TMPDIR="$tmp" valgrind --tool=callgrind --cache-sim=yes --D1=49152,12,64 --LL=1048576,8,64 --smc-check=all \
    --dump-instr=yes --callgrind-out-file="$tmp/$1.out" \
    dotnet "$dll" cache-run "$what" "$hosts" "$1" 2>/dev/null | awk '/^carried/{print $2}'
  mv "$(ls -t "$tmp"/perf-*.map | head -1)" "$tmp/$1.map"
}
c1=$(profile "$n1"); c2=$(profile "$n2")
echo "# $(date -u '+%Y-%m-%d %H:%M') UTC, $(git rev-parse --short HEAD), $what among $hosts hosts, $((c2 - c1)) datagrams counted, valgrind $(valgrind --version | sed 's/valgrind-//')"
python3 bench/cache_by_method.py "$tmp/$n1.out" "$tmp/$n1.map" "$c1" "$tmp/$n2.out" "$tmp/$n2.map" "$c2" "$top" "$order"
