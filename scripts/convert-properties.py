#!/usr/bin/env python3
"""Converts xunit facts that run an FsCheck property by hand into SimNet's one convention,
[SimNetProperty] methods returning FsCheck's Property (FsCheck.Xunit runs and replays them).

  [Fact] void X() { ...; Prop.ForAll(a, f).Check(Quick(20)); }   ->  [SimNetProperty(MaxTest = 20)] Property X() { ...; return Prop.ForAll(a, f); }
  Check.One(config, Prop.ForAll(...));                           ->  return Prop.ForAll(...);
  Holds.For(gen, rule[, n]);                                     ->  return Prop.ForAll(Arb.From(gen), rule);
  SeedProperty.ForAll(n, seed => ...);                           ->  return Seeds.ForAll(seed => ...);

Only a property run that is the method's last statement is converted; anything else is listed for a human.
Usage: scripts/convert-properties.py FILE.cs...   (rewrites in place, prints what it could not convert)
"""
import re
import sys

STARTS = ["Prop.ForAll(", "Check.One(", "FsCheck.Check.One(", "Holds.For(", "SeedProperty.ForAll("]


def skip_code(s, i, stop_chars):
    """Scans from i, returning the index of the first char in stop_chars at nesting depth 0 (strings/comments skipped)."""
    depth = 0
    n = len(s)
    while i < n:
        c = s[i]
        if s.startswith("//", i):
            i = s.index("\n", i)
            continue
        if s.startswith("/*", i):
            i = s.index("*/", i) + 2
            continue
        if c == '"':
            verbatim = i > 0 and s[i - 1] == "@" or (i > 1 and s[i - 2] == "@")
            i += 1
            while i < n:
                if s[i] == "\\" and not verbatim:
                    i += 2
                    continue
                if s[i] == '"':
                    if verbatim and i + 1 < n and s[i + 1] == '"':
                        i += 2
                        continue
                    break
                i += 1
            i += 1
            continue
        if c == "'":
            j = i + 1
            if s[j] == "\\":
                j += 1
            j += 1
            if j < n and s[j] == "'":
                i = j + 1
                continue
        if depth == 0 and c in stop_chars:
            return i
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth < 0:
                return i
        i += 1
    return -1


def code_start(s, i, end):
    """Skips whitespace and // comments from i; the statement's code starts there (just after the line break)."""
    while True:
        j = i
        while j < end and s[j] in " \t\r\n":
            j += 1
        if s.startswith("//", j):
            i = s.index("\n", j) + 1
            continue
        return i


def split_args(s):
    args, i = [], 0
    while True:
        j = skip_code(s, i, ",")
        if j < 0:
            args.append(s[i:])
            return args
        args.append(s[i:j])
        i = j + 1


def max_test(config, text):
    m = re.search(r"(?:WithMaxTest|Quick|Cases)\(\s*([\d_]+)\s*\)", config)
    if m:
        return int(m.group(1).replace("_", ""))
    if re.search(r"\bQuick\(\s*\)", config):
        return 40
    if config.strip() == "Quick":
        m = re.search(r"Quick\s*=\s*Config\.QuickThrowOnFailure\.WithMaxTest\(\s*([\d_]+)\s*\)", text)
        if m:
            return int(m.group(1).replace("_", ""))
    if "QuickThrowOnFailure" in config:
        return 100
    raise ValueError("unknown config: " + config)


def convert_call(call):
    """call: the statement text without the trailing ';'. Returns (new expression, max test)."""
    call = call.strip()
    if call.startswith("Prop.ForAll("):
        end = skip_code(call, len("Prop.ForAll("), ")")
        prop = call[: end + 1]
        rest = call[end + 1:].strip()
        if rest == ".QuickCheckThrowOnFailure()":
            return prop, 100
        m = re.fullmatch(r"\.Check\((.*)\)", rest, re.S)
        if m:
            return prop, m.group(1)
        raise ValueError("unknown tail: " + rest)
    for head in ("Check.One(", "FsCheck.Check.One("):
        if call.startswith(head):
            inner = call[len(head):-1]
            args = split_args(inner)
            if len(args) != 2:
                raise ValueError("Check.One with %d args" % len(args))
            return args[1].strip(), args[0].strip()
    if call.startswith("Holds.For("):
        args = split_args(call[len("Holds.For("):-1])
        n = int(args[2].strip().replace("maxTest:", "").strip()) if len(args) == 3 else 100
        return "Prop.ForAll(Arb.From(%s), %s)" % (args[0].strip(), args[1].strip()), n
    if call.startswith("SeedProperty.ForAll("):
        args = split_args(call[len("SeedProperty.ForAll("):-1])
        return "Seeds.ForAll(%s)" % args[1].strip(), int(args[0].strip())
    raise ValueError("not a property run")


def convert(path):
    text = open(path).read()
    problems = []
    original = text
    pos = 0
    fact = re.compile(r"\[Fact\]\s*\n(\s*)public (static )?void (\w+)\(\)")
    while True:
        m = fact.search(text, pos)
        if m is None:
            break
        pos = m.end()
        name = m.group(3)
        after = m.end()
        k = after
        while text[k] in " \t\r\n":
            k += 1
        if text.startswith("=>", k):
            body_start = k + 2
            end = skip_code(text, body_start, ";")
            stmt_start, stmt_end, expression = body_start, end, True
        elif text[k] == "{":
            close = skip_code(text, k + 1, "")
            body = text[k + 1: close]
            # the last statement: scan statements at depth 0
            i, last, run = 0, None, None
            while True:
                j = skip_code(body, i, ";")
                if j < 0:
                    break
                i = code_start(body, i, j)
                last = (i, j)
                if run is None and any(body[i:j].strip().startswith(x) for x in STARTS):
                    run = (i, j)
                i = j + 1
            if last is None:
                problems.append(name)
                continue
            if run is not None and run != last:
                # Example assertions after the property run become a fact of their own, NAME_examples.
                tail = body[run[1] + 1:]
                indent = m.group(1)
                text = text[: k + 1 + run[1] + 1] + "\n" + indent + "}\n\n" + indent + "[Fact]\n" + indent \
                    + "public void " + name + "_examples()\n" + indent + "{" + tail + text[close:]
                last = run
            stmt_start, stmt_end, expression = k + 1 + last[0], k + 1 + last[1], False
        else:
            problems.append(name)
            continue
        stmt = text[stmt_start:stmt_end]
        lead = len(stmt) - len(stmt.lstrip())
        if not any(stmt.strip().startswith(s) for s in STARTS):
            if any(s in stmt for s in STARTS) or any(s in text[after:stmt_start] for s in STARTS):
                problems.append(name)
            continue
        try:
            expr, config = convert_call(stmt)
            n = config if isinstance(config, int) else max_test(config, text)
        except ValueError as e:
            problems.append("%s (%s)" % (name, e))
            continue
        attr = "[SimNetProperty]" if n == 100 else "[SimNetProperty(MaxTest = %d)]" % n
        head = "%s\n%spublic %sProperty %s()" % (attr, m.group(1), m.group(2) or "", name)
        text = text[: m.start()] + head + text[m.end(): stmt_start] + stmt[:lead] + ("" if expression else "return ") + expr + text[stmt_end:]
        pos = m.start() + len(head)
    new = text
    if new != original:
        new = add_usings(new)
        open(path, "w").write(new)
    for p in problems:
        print("%s: not converted: %s" % (path, p))


def add_usings(text):
    """Adds the usings the converted code needs, each where it sorts, touching no other line."""
    text = text.replace("using SimNet.Properties.Support;\n", "using SimNet.Testing;\n")
    lines = text.split("\n")
    for u in ("using FsCheck;", "using FsCheck.Fluent;", "using SimNet.Testing;"):
        if u in lines:
            continue
        k = 0
        while k < len(lines) and lines[k].startswith("using ") and not lines[k].startswith("using static") \
                and "=" not in lines[k] and (lines[k].startswith("using System") or lines[k].rstrip(";") < u.rstrip(";")):
            k += 1
        lines.insert(k, u)
    return "\n".join(lines)


if __name__ == "__main__":
    for f in sys.argv[1:]:
        convert(f)
