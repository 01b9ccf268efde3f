#!/usr/bin/env bash
# Reruns every row of issue 13's benchmark table in one run, SimNet beside real loopback in the same
# process (real traffic inside a network namespace of its own), and prints markdown tables ready for
# docs/benchmarks.md and README. About 5 minutes on a quiet 2-core machine (longer under load).
#   bash scripts/bench-table.sh            # the whole table
#   bash scripts/bench-table.sh --quick    # 1k/10k hosts, 128 MiB TCP: about 1-2 minutes
# Extra arguments go to the harness (see bench/SimNet.Benchmarks/Scaling/ScalingHarness.cs); each part runs in its own process.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release bench/SimNet.Benchmarks -v q -nologo >/dev/null
dll=bench/SimNet.Benchmarks/bin/Release/net10.0/SimNet.Benchmarks.dll
echo "# $(date -u '+%Y-%m-%d %H:%M') UTC, $(git rev-parse --abbrev-ref HEAD) at $(git rev-parse --short HEAD), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
# Each part runs in a process of its own: in one process, the parts after the 100,000-host worlds ran on
# their leftover heap and measured up to 3x slower (heartbeats of 100 hosts: 278 ms after them, 88 ms alone).
# An --only in the arguments replaces the list.
parts="build unicast routed heartbeat scenarios udp tcp"
case " $* " in *" --only "*) parts="" ;; esac
run() {
  if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
    unshare -n sh -c "ip link set lo up && dotnet $dll scale $*"
  else
    echo "# not root: real loopback runs on the machine's own lo" >&2
    dotnet "$dll" scale "$@"
  fi
}
if [ -z "$parts" ]; then
  run "$@"
else
  for part in $parts; do run --only "$part" "$@"; done
fi
