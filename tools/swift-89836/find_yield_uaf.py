#!/usr/bin/env python3
"""Flags uses of a begin_apply's yielded address (or a projection of it) after its end_apply,
in SIL printed after LoadableByAddress -- the pattern of this miscompile.

    swiftc -Onone -wmo -parse-as-library -module-name M -emit-ir FILES... -o /dev/null \\
        -Xllvm -sil-print-after=loadable-address > M.sil 2>&1
    python3 find_yield_uaf.py M.sil

A linear scan per function (enough for the straight-line shape the bug has); prints
"function | instruction" for each hit, nothing when clean.
"""
import re
import subprocess
import sys


def scan(name, body, hits):
    derived = {}  # address value -> token of the begin_apply it comes from
    ended = set()
    for line in body:
        code = line.split('//')[0]
        m = re.match(r'\s*\((%\d+), (%\d+)\) = begin_apply .*@yields @in_guaranteed', code)
        if m:
            derived[m.group(1)] = m.group(2)
            continue
        m = re.match(r'\s*(%\d+) = (?:struct_element_addr|tuple_element_addr) (%\d+)', code)
        if m and m.group(2) in derived:
            derived[m.group(1)] = derived[m.group(2)]
            continue
        m = re.match(r'\s*(?:%\d+ = )?(?:end_apply|abort_apply) (%\d+)', code)
        if m:
            ended.add(m.group(1))
            continue
        if any(v in derived and derived[v] in ended for v in re.findall(r'%\d+', code)):
            hits.append((name, line.strip()))


def main(path):
    hits, name, body = [], None, []
    for line in open(path):
        m = re.match(r'sil .*@(\S+) :', line)
        if m:
            name, body = m.group(1), []
        elif line.startswith('}') and name:
            scan(name, body, hits)
            name = None
        elif name:
            body.append(line)
    for name, inst in hits:
        demangled = subprocess.run(['swift-demangle', '-compact', name], capture_output=True, text=True)
        print(f'{demangled.stdout.strip() or name} | {inst}')


if __name__ == '__main__':
    main(sys.argv[1])
