#!/usr/bin/env bash
# Regenerates every src/*/PublicAPI.Unshipped.txt from the build's own diagnostics, so the declared public API
# matches the code after a merge. RS0016 (public symbol not declared) adds a line; RS0017 (declared symbol gone)
# removes one. Shipped files are never touched: moving lines to PublicAPI.Shipped.txt is a release decision.
#   bash scripts/public-api.sh          # rewrite the Unshipped files, then prove the build is clean
#   bash scripts/public-api.sh --check  # only check: fail if any project's declared API differs from the code
set -euo pipefail
cd "$(dirname "$0")/.."
check=false; [ "${1:-}" = "--check" ] && check=true

# The core first, so the others find its build output (each project builds without its dependencies).
projects="src/SimNet/SimNet.csproj $(ls src/*/*.csproj | grep -v '^src/SimNet/SimNet.csproj$')"
dotnet build src/SimNet/SimNet.csproj -c Release -p:TreatWarningsAsErrors=false -v:q -clp:NoSummary >/dev/null 2>&1 || true
for proj in $projects; do
  dir=$(dirname "$proj")
  [ -f "$dir/PublicAPI.Unshipped.txt" ] || continue
  log=$(mktemp)
  # --no-incremental: analyzers must see every file; warnings stay warnings so the build lists them all.
  dotnet build "$proj" -c Release --no-incremental --no-dependencies -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= -clp:NoSummary -v:q >"$log" 2>&1 || true
  python3 - "$log" "$dir" "$check" <<'PY'
import re, sys
log, d, check = sys.argv[1], sys.argv[2], sys.argv[3] == "true"
proj_dir = d.rstrip("/") + "/"
added, removed = set(), set()
for line in open(log, encoding="utf-8", errors="replace"):
    if proj_dir not in line.replace("\\", "/"):
        continue
    m = re.search(r"warning RS0016: Symbol '(.*)' is not part of the declared public API", line)
    if m:
        added.add(m.group(1))
    m = re.search(r"warning RS0017: Symbol '(.*)' is part of the declared API, but is either not public or could not be found", line)
    if m:
        removed.add(m.group(1))
path = d + "/PublicAPI.Unshipped.txt"
lines = [l.rstrip("\n") for l in open(path, encoding="utf-8") if l.strip() and not l.startswith("#nullable")]
new = sorted((set(lines) - removed) | added, key=lambda s: (s.lstrip("~*"), s))
if check:
    if added or removed:
        print("%s: public API differs from %s (+%d -%d); run bash scripts/public-api.sh" % (d, path, len(added), len(removed)))
        for s in sorted(added)[:20]: print("  + " + s)
        for s in sorted(removed)[:20]: print("  - " + s)
        sys.exit(1)
    sys.exit(0)
with open(path, "w", encoding="utf-8", newline="\n") as f:
    f.write("#nullable enable\n")
    for s in new:
        f.write(s + "\n")
print("%s: %d declared (+%d -%d)" % (path, len(new), len(added), len(removed)))
PY
  rm -f "$log"
done

# The ordinary build (warnings are errors) is the proof: an undeclared or vanished symbol fails it.
