#!/usr/bin/env bash
# Cache misses per datagram, counted by a simulated cache (valgrind's cachegrind) instead of a stopwatch: on a
# shared virtual machine the wall time of memory-bound runs moves by up to 3x minutes apart, the counts do not
# (the same code gives the same counts). The cache is this machine's per core: L1d 48 KiB 12-way, L2 1 MiB 8-way
# ("LL" below), 64-byte lines. The JIT runs without tiering (DOTNET_TieredCompilation=0) so that every run
# compiles the same code (instruction counts are therefore higher than the tiered code's), and the GC without its
# background thread and with a fixed 64 MiB gen0 budget, so that every run collects at the same points and lays the
# heap out the same way: with the defaults, two runs of one commit read 32 and 65 misses per datagram.
# Each workload runs at two lengths and the table gives the difference divided by the extra datagrams, which
# leaves out start-up, the JIT and building the world.
#   bash bench/cache-misses.sh                  # this checkout (about 6 minutes on 2 cores)
#   bash bench/cache-misses.sh --base 3aa6d4a   # the same table for an earlier commit's library too (in a temporary
#                                               # worktree, driven by this checkout's bench/SimNet.Benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
base=""
if [ "${1:-}" = "--base" ]; then base="$2"; fi

build() { dotnet build -c Release "$1/bench/SimNet.Benchmarks" -v q -nologo >/dev/null; }

# measure DIR WORKLOAD HOSTS AMOUNT -> "carried instructions data-refs d1-misses ll-misses"
measure() {
  DOTNET_TieredCompilation=0 DOTNET_EnableWriteXorExecute=0 DOTNET_gcConcurrent=0 DOTNET_GCgen0size=0x4000000 \
  valgrind --tool=cachegrind --cache-sim=yes --D1=49152,12,64 --LL=1048576,8,64 --smc-check=all \
    --cachegrind-out-file=/dev/null \
    dotnet "$1/bench/SimNet.Benchmarks/bin/Release/net10.0/SimNet.Benchmarks.dll" cache-run "$2" "$3" "$4" 2>&1 |
  awk '/^carried/{c=$2} /I +refs:/{gsub(",","",$4); i=$4} /D +refs:/{gsub(",","",$4); d=$4}
       /D1 +misses:/{gsub(",","",$4); d1=$4} /LLd misses:/{gsub(",","",$4); ll=$4} END{print c, i, d, d1, ll}'
}

# row DIR LABEL WORKLOAD HOSTS SHORT LONG
row() {
  read -r c1 i1 r1 a1 l1 <<<"$(measure "$1" "$3" "$4" "$5")"
  read -r c2 i2 r2 a2 l2 <<<"$(measure "$1" "$3" "$4" "$6")"
  awk -v label="$2" -v w="$3" -v h="$4" -v c="$((c2 - c1))" -v i="$((i2 - i1))" -v r="$((r2 - r1))" -v a="$((a2 - a1))" -v l="$((l2 - l1))" \
    'BEGIN { printf "| %s | %s | %\047d | %\047d | %\047.0f | %\047.0f | %.1f | %.1f |\n", label, w, h, c, i / c, r / c, a / c, l / c }'
}

table() {
  local dir="$1" label="$2"
  build "$dir"
  row "$dir" "$label" heartbeat 1000 6 18
  row "$dir" "$label" heartbeat 10000 6 18
  row "$dir" "$label" unicast 1000 20000 60000
  row "$dir" "$label" unicast 100000 20000 60000
  row "$dir" "$label" routed 1000 20000 60000
  row "$dir" "$label" routed 100000 20000 60000
}

echo "# $(date -u '+%Y-%m-%d %H:%M') UTC, $(git rev-parse --short HEAD)$( [ -n "$base" ] && echo " against $base"), valgrind $(valgrind --version | sed 's/valgrind-//')"
echo "| code | workload | hosts | datagrams counted | instructions per datagram | data reads+writes per datagram | L1d misses per datagram | L2 (1 MiB) misses per datagram |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
if [ -n "$base" ]; then
  tmp=$(mktemp -d)
  git worktree add -q --detach "$tmp" "$base"
  trap 'git worktree remove --force "$tmp"' EXIT
  # The earlier library under this checkout's workloads: the driver (cache-run) may be newer than the base.
  rm -rf "$tmp/bench/SimNet.Benchmarks"
  (cd bench && tar --exclude=bin --exclude=obj -cf - SimNet.Benchmarks) | (cd "$tmp/bench" && tar -xf -)
  table "$tmp" "$base"
fi
table . "$(git rev-parse --short HEAD)"
