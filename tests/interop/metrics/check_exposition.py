#!/usr/bin/env python3
"""Checks a Prometheus text exposition the way a scraper and promtool would.

usage: check_exposition.py FILE

1. Parses it with the official Python client's parser
   (prometheus_client.parser, Debian's python3-prometheus-client): a
   syntax error fails.
2. Lints it with the rules `promtool check metrics` applies to our kind of
   output: every family has HELP and TYPE before its samples, counters end
   in _total and nothing else does, no camelCase or colons in names, no
   family or series twice, no sample without a family.
Prints "ok: N families, M samples" or one line per problem; exit 1 on any.
"""
import re
import sys

from prometheus_client.parser import text_string_to_metric_families

NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def lint(text):
    problems = []
    help_seen, type_seen, series = {}, {}, set()
    current = None
    for n, line in enumerate(text.splitlines(), 1):
        if not line:
            problems.append(f"line {n}: empty line")
            continue
        if line.startswith("# HELP "):
            name = line.split(" ", 3)[2]
            if name in help_seen:
                problems.append(f"line {n}: second HELP for {name}")
            help_seen[name] = n
            if len(line.split(" ", 3)) < 4 or not line.split(" ", 3)[3].strip():
                problems.append(f"line {n}: {name} has no help text")
            current = name
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            if name in type_seen:
                problems.append(f"line {n}: second TYPE for {name}")
            if name not in help_seen:
                problems.append(f"line {n}: TYPE before HELP for {name}")
            type_seen[name] = kind
            if kind == "counter" and not name.endswith("_total"):
                problems.append(f"line {n}: counter {name} does not end in _total")
            if kind != "counter" and name.endswith("_total"):
                problems.append(f"line {n}: {kind} {name} ends in _total")
            if not NAME.match(name):
                problems.append(f"line {n}: {name}: not lowercase snake_case")
            if not name.startswith("ratatoskr_"):
                problems.append(f"line {n}: {name}: no ratatoskr_ prefix")
            continue
        if line.startswith("#"):
            continue
        m = re.match(r"^([a-zA-Z_][a-zA-Z0-9_]*)(\{.*\})? (\S+)$", line)
        if not m:
            problems.append(f"line {n}: not a sample: {line!r}")
            continue
        name = m.group(1)
        if name != current or name not in type_seen:
            problems.append(f"line {n}: sample of {name} outside its family")
        key = name + (m.group(2) or "")
        if key in series:
            problems.append(f"line {n}: series twice: {key}")
        series.add(key)
    return problems, len(type_seen), len(series)


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    problems, families, samples = lint(text)
    try:
        parsed = list(text_string_to_metric_families(text))
        if len(parsed) != families:
            problems.append(f"the parser saw {len(parsed)} families, the lint {families}")
    except Exception as e:  # the parser's errors are plain exceptions
        problems.append(f"prometheus_client parser: {e}")
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"ok: {families} families, {samples} samples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
