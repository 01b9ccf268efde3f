#!/usr/bin/env python3
"""Fails unless every src/ project packed a complete package: description, licence expression and LICENSE file,
repository URL and commit, packed README, tags, XML docs, and a .snupkg beside it.
Usage: scripts/check-packages.py DIR"""
import glob
import os
import re
import sys
import zipfile

out = sys.argv[1]
projects = sorted(os.path.basename(p)[:-7] for p in glob.glob("src/*/*.csproj"))
problems = []
for project in projects:
    found = [p for p in glob.glob(os.path.join(out, project + ".*.nupkg")) if re.fullmatch(re.escape(project) + r"\.\d[^/]*\.nupkg", os.path.basename(p))]
    if not found:
        problems.append("%s: no package" % project)
        continue
    nupkg = max(found, key=os.path.getmtime)
    z = zipfile.ZipFile(nupkg)
    names = z.namelist()
    spec = z.read(project + ".nuspec").decode("utf-8-sig")
    need = {
        "description": re.search(r"<description>(?!Package Description)[^<]{20,}</description>", spec),
        "licence expression": '<license type="expression">' in spec,
        "LICENSE file": "LICENSE" in names,
        "README": "<readme>README.md</readme>" in spec and "README.md" in names,
        "repository URL": re.search(r'<repository type="git" url="https://', spec),
        "tags": re.search(r"<tags>[^<]+</tags>", spec),
        "XML docs": "lib/net10.0/%s.xml" % project in names,
        "symbols (.snupkg)": os.path.exists(nupkg[:-6] + ".snupkg"),
    }
    for what, ok in need.items():
        if not ok:
            problems.append("%s: %s missing" % (os.path.basename(nupkg), what))
    print("%s: complete" % os.path.basename(nupkg) if not any(p.startswith(os.path.basename(nupkg)) for p in problems) else "")
if problems:
    print("\n".join(problems))
    sys.exit(1)
