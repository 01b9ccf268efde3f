#!/usr/bin/env python3
"""Per-method cache misses per datagram, from two callgrind runs of one workload at two lengths.

Used by bench/cache-by-method.sh. Each run leaves a callgrind profile (--dump-instr=yes, so costs are per
instruction address) and the runtime's perf map (DOTNET_PerfMapEnabled=1: JIT-compiled method -> address
range). Costs are summed per method in each run and the two runs' difference is divided by the difference in
datagrams carried, so start-up, the JIT and building the world cancel out, as in bench/cache-misses.sh.
Addresses in no method of the map (the runtime's native code, its stubs) are summed as "(native code and stubs)".
"""
import bisect
import collections
import re
import sys

EVENTS = ["Ir", "Dr", "Dw", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw"]


def costs_by_address(path):
    costs = collections.defaultdict(lambda: [0] * len(EVENTS))
    address = 0
    after_calls = False
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line or line[0] in "#\n":
                continue
            if line[0].isalpha():
                after_calls = line.startswith("calls=")
                continue
            parts = line.split()
            position = parts[0]
            if position.startswith("0x"):
                address = int(position, 16)
            elif position[0] == "+":
                address += int(position[1:], 16)
            elif position[0] == "-":
                address -= int(position[1:], 16)
            if after_calls:
                # The line after calls= is the call's inclusive cost: the callee's own lines count it already.
                after_calls = False
                continue
            row = costs[address]
            for i, value in enumerate(parts[2:]):
                row[i] += int(value)
    return costs


def methods(map_path):
    entries = []
    with open(map_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            start, size, name = line.rstrip("\n").split(" ", 2)
            entries.append((int(start, 16), int(size, 16), name))
    entries.sort()
    return entries


def by_method(profile, map_path):
    entries = methods(map_path)
    starts = [e[0] for e in entries]
    totals = collections.defaultdict(lambda: [0] * len(EVENTS))
    for address, row in costs_by_address(profile).items():
        i = bisect.bisect_right(starts, address) - 1
        name = "(native code and stubs)"
        if i >= 0 and address < entries[i][0] + entries[i][1]:
            name = entries[i][2]
        total = totals[name]
        for k, value in enumerate(row):
            total[k] += value
    return totals


def short(name):
    if name.startswith("("):
        return name
    name = re.sub(r"\[[^\]]*\]", "", name)
    name = re.sub(r"\(.*\)", "", name)
    name = re.sub(r"^(instance |static )?(class |valuetype )?\S+\s+", "", name.strip())
    return name.strip()


def main():
    short_profile, short_map, short_count, long_profile, long_map, long_count = sys.argv[1:7]
    top = int(sys.argv[7]) if len(sys.argv) > 7 else 30
    by_instructions = len(sys.argv) > 8 and sys.argv[8] == "instructions"
    datagrams = int(long_count) - int(short_count)
    a = by_method(short_profile, short_map)
    b = by_method(long_profile, long_map)
    zero = [0] * len(EVENTS)
    rows = []
    for name in set(a) | set(b):
        d = [(b.get(name, zero)[k] - a.get(name, zero)[k]) / datagrams for k in range(len(EVENTS))]
        rows.append((d[7] + d[8], d[4] + d[5], d[0], short(name)))
    rows.sort(key=lambda r: (-r[2], r[3]) if by_instructions else (-r[0], -r[2], r[3]))
    total = [sum(r[i] for r in rows) for i in range(3)]
    print(f"| method | L2 (1 MiB) misses per datagram | L1d misses | instructions |")
    print("|---|---:|---:|---:|")
    print(f"| **all** | **{total[0]:.1f}** | **{total[1]:.1f}** | **{total[2]:,.0f}** |")
    for ll, d1, ir, name in rows[:top]:
        if ll < 0.05 and ir < 1:
            continue
        print(f"| `{name}` | {ll:.2f} | {d1:.2f} | {ir:,.0f} |")


if __name__ == "__main__":
    main()
