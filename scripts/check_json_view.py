#!/usr/bin/env python3
"""The json view parses with Python's json and agrees with the text views of
the same state, number for number. Usage: check_json_view.py DUMP_VIEWS_BINARY
(tests/views/dump_views writes every view of one busy state into a directory)."""
import json
import re
import subprocess
import sys
import tempfile

ZONE_ROW = re.compile(r"^Node\s+(\d+), zone\s+(\S+?)(?:,|\s)(.*)$")
problems = []


def check(what, got, want):
    if got != want:
        problems.append(f"{what}: json {got!r}, text {want!r}")


def numbers(s):
    return [float(x) if "." in x else int(x) for x in re.findall(r"-?\d+(?:\.\d+)?", s)]


def zone_rows(text):
    rows = []
    for line in text.splitlines():
        m = ZONE_ROW.match(line)
        if m:
            rows.append((int(m.group(1)), m.group(2), m.group(3)))
    return rows


def main():
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([sys.argv[1], d], check=True)
        text = {v: open(f"{d}/{v}").read() for v in
                ("buddyinfo", "pagetypeinfo", "zoneinfo", "vmstat", "extfrag_index", "unusable_index")}
        doc = json.load(open(f"{d}/json"))  # parses, or the test fails here

    for view, key in (("buddyinfo", "free"), ("extfrag_index", "index"), ("unusable_index", "index")):
        rows = zone_rows(text[view])
        check(f"{view} rows", len(doc[view]), len(rows))
        for obj, (node, zone, rest) in zip(doc[view], rows):
            check(f"{view} {node}/{zone}", (obj["node"], obj["zone"], obj[key]), (node, zone, numbers(rest)))

    vm = dict(line.split() for line in text["vmstat"].splitlines())
    check("vmstat", doc["vmstat"], {k: int(v) for k, v in vm.items()})

    pti = doc["pagetypeinfo"]
    lines = text["pagetypeinfo"].splitlines()
    check("page_block_order", pti["page_block_order"], int(lines[0].split()[-1]))
    free_rows = [l for l in lines if ", type " in l]
    check("pagetypeinfo free rows", len(pti["free"]), len(free_rows))
    for obj, line in zip(pti["free"], free_rows):
        m = re.match(r"Node\s+(\d+), zone\s+(\S+), type\s+(\S+)(.*)", line)
        check(f"pagetypeinfo {line[:40]}", (obj["node"], obj["zone"], obj["type"], obj["free"]),
              (int(m.group(1)), m.group(2), m.group(3), numbers(m.group(4))))
    head = next(i for i, l in enumerate(lines) if l.startswith("Number of blocks type"))
    types = lines[head].split()[4:]
    block_rows = zone_rows("\n".join(l for l in lines[head + 1:] if ", type " not in l))
    check("pagetypeinfo block rows", len(pti["blocks"]), len(block_rows))
    for obj, (node, zone, rest) in zip(pti["blocks"], block_rows):
        check(f"blocks {node}/{zone}", obj, dict(node=node, zone=zone, **dict(zip(types, numbers(rest)))))

    # zoneinfo: every "key value" line of a zone's text is a number somewhere in its object
    zones = re.split(r"(?m)^(?=Node \d+, zone)", text["zoneinfo"])[1:]
    check("zoneinfo zones", len(doc["zoneinfo"]), len(zones))
    for obj, ztext in zip(doc["zoneinfo"], zones):
        flat = {}
        for k, v in obj.items():
            if isinstance(v, dict):
                flat.update({(k, kk): vv for kk, vv in v.items()})
            elif k != "pagesets":
                flat[k] = v
        name = f"zoneinfo {obj['node']}/{obj['zone']}"
        check(f"{name} protection", obj["protection"], numbers(re.search(r"protection: \((.*)\)", ztext).group(1)))
        check(f"{name} pages_free", obj["pages_free"], int(re.search(r"pages free\s+(\d+)", ztext).group(1)))
        cpus = re.findall(r"cpu: (\d+)\n((?:\s{14}\S+:\s+\d+\n)+)", ztext)
        check(f"{name} pagesets", len(obj.get("pagesets", [])), len(cpus))
        for ps, (cpu, body) in zip(obj.get("pagesets", []), cpus):
            want = {"cpu": int(cpu), **{k: int(v) for k, v in re.findall(r"(\S+):\s+(\d+)", body)}}
            got = {k: v for k, v in ps.items() if k != "vm_stats_threshold"}
            check(f"{name} cpu {cpu}", got, want)
        for k, v in re.findall(r"(?m)^\s{6}(\w+) (\d+)$", ztext):
            section = "per_node_stats" if ("per_node_stats", k) in flat and ("stats", k) not in flat else "stats"
            if (section, k) not in flat:
                problems.append(f"{name}: {k} missing from the json")
        for k, v in re.findall(r"(?m)^\s{8}(\w+)\s+(\d+)$", ztext):
            check(f"{name} {k}", flat.get(k), int(v))
        for k, v in re.findall(r"(?m)^  (node_unreclaimable|start_pfn):\s+(\d+)$", ztext):
            check(f"{name} {k}", flat.get(k), int(v))

    for p in problems[:20]:
        print(p)
    if problems:
        print(f"{len(problems)} disagreements")
        return 1
    print(f"json view agrees with the text views: {len(doc['zoneinfo'])} zones, {len(doc['vmstat'])} vmstat counters")
    return 0


sys.exit(main())
