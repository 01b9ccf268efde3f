#!/usr/bin/env python3
"""Fails unless every src/ project packed a complete package: description, licence expression and LICENSE file,
repository commit, packed README, tags, XML docs, and a .snupkg beside it.

The repository URL: the project has no public repository yet, so none is written in the build. When
SIMNET_REPOSITORY_URL is set (a publisher sets it, docs/releasing.md), every package must carry exactly that URL as its
repository and project URL. With --release it must be set. Without either, a package must carry no repository URL
other than its git remote's (no placeholder), and the check says so in one line.
Usage: scripts/check-packages.py [--release] DIR"""
import glob
import os
import re
import sys
import zipfile

args = [a for a in sys.argv[1:] if a != "--release"]
release = "--release" in sys.argv[1:]
out = args[0]
expected_url = os.environ.get("SIMNET_REPOSITORY_URL", "").strip()
if release and not expected_url:
    print("A release needs SIMNET_REPOSITORY_URL=https://github.com/OWNER/REPO (the public repository): the packages' repository and project URL come from it (docs/releasing.md).")
    sys.exit(1)
if expected_url and not re.fullmatch(r"https://\S+", expected_url):
    print("SIMNET_REPOSITORY_URL must be an https address, not %r." % expected_url)
    sys.exit(1)
remote = ""
try:
    import subprocess
    remote = subprocess.run(["git", "remote", "get-url", "origin"], capture_output=True, text=True).stdout.strip()
except OSError:
    pass
if expected_url:
    print("repository URL expected in every package: %s (SIMNET_REPOSITORY_URL)" % expected_url)
else:
    print("repository URL: none expected (SIMNET_REPOSITORY_URL is unset%s); a release sets it, see docs/releasing.md"
          % (", git remote origin: " + remote if remote else ", no git remote"))
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
        "repository commit": re.search(r'<repository type="git"[^>]* commit="[0-9a-f]{40}"', spec),
        "tags": re.search(r"<tags>[^<]+</tags>", spec),
        "XML docs": "lib/net10.0/%s.xml" % project in names,
        "symbols (.snupkg)": os.path.exists(nupkg[:-6] + ".snupkg"),
    }
    url = re.search(r'<repository type="git" url="([^"]*)"', spec)
    project_url = re.search(r"<projectUrl>([^<]*)</projectUrl>", spec)
    if expected_url:
        need["repository URL " + expected_url] = url is not None and url.group(1) == expected_url
        need["project URL " + expected_url] = project_url is not None and project_url.group(1) == expected_url
    else:
        # Nothing invented: a URL may only come from the clone's own remote.
        need["no placeholder repository URL"] = url is None or (remote != "" and url.group(1).rstrip("/").removesuffix(".git") == remote.rstrip("/").removesuffix(".git"))
    for what, ok in need.items():
        if not ok:
            problems.append("%s: %s missing" % (os.path.basename(nupkg), what))
    print("%s: complete" % os.path.basename(nupkg) if not any(p.startswith(os.path.basename(nupkg)) for p in problems) else "")
if problems:
    print("\n".join(problems))
    sys.exit(1)
