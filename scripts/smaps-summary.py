#!/usr/bin/env python3
"""Sums the PSS of smaps files (from `APP_BENCH_SMAPS=DIR cargo bench -p gatehouse-e2e --bench app`)
by process and mapping: where the app's memory goes.

usage: scripts/smaps-summary.py DIR [LABEL] [TOP]   (LABEL e.g. start1 or after; TOP rows per process)
"""
import collections
import os
import re
import sys

HEADER = re.compile(r'^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$')


def summarise(path):
    by = collections.Counter()
    current = '[anon]'
    for line in open(path, errors='replace'):
        m = HEADER.match(line)
        if m:
            name = m.group(1).strip() or '[anon]'
            current = name
        elif line.startswith('Pss:'):
            by[current] += int(line.split()[1])
    return by


def main():
    d = sys.argv[1]
    label = sys.argv[2] if len(sys.argv) > 2 else ''
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    total = 0
    for f in sorted(os.listdir(d)):
        if not f.endswith('.smaps') or not f.startswith(label):
            continue
        by = summarise(os.path.join(d, f))
        s = sum(by.values())
        total += s
        print(f'{f}: {s / 1024:.1f} MB')
        for name, kb in by.most_common(top):
            print(f'    {kb / 1024:8.1f} MB  {name}')
    print(f'total {total / 1024:.1f} MB')


main()
