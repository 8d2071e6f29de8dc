#!/usr/bin/env python3
"""buddy-replay end to end: crafted traces with each kind of bad input, the
committed trace with fixed counts, the JSON keys, --strict, compressed input.
usage: test_replay_tool.py BUDDY_REPLAY TESTDATA_DIR"""
import gzip, json, os, shutil, subprocess, sys, tempfile

TOOL, DATA = sys.argv[1], sys.argv[2]
TMP = tempfile.mkdtemp(prefix="replay-test-")
failures = []


def check(name, got, want):
    if got != want:
        failures.append(f"{name}: got {got!r}, expected {want!r}")


def run(args, trace_text=None, path=None, expect_rc=0):
    if path is None:
        path = os.path.join(TMP, "trace.txt")
        with open(path, "w") as f:
            f.write(trace_text)
    out = os.path.join(TMP, "out.json")
    if os.path.exists(out):
        os.unlink(out)
    p = subprocess.run([TOOL, "--json", out] + args + [path], capture_output=True, text=True)
    if p.returncode != expect_rc:
        failures.append(f"{args} {path}: exit {p.returncode}, expected {expect_rc}\n{p.stderr}")
    # The JSON must parse with python3 -m json.tool too.
    if os.path.exists(out):
        subprocess.run([sys.executable, "-m", "json.tool", out], check=True, capture_output=True)
        with open(out) as f:
            return json.load(f), p.stderr
    return None, p.stderr


REQUIRED = ["events", "allocs", "frees", "unmatched_frees", "failed_allocs", "unknown_gfp_names", "seconds",
            "ns_per_event", "kernel", "libbuddy", "snapshots"]
SIDE = ["pcp_refills", "pcpu_drains", "extfrag_events", "allocs_by_order", "allocs_by_migratetype"]


def check_keys(j):
    for k in REQUIRED:
        if k not in j:
            failures.append(f"JSON key {k} missing")
    for side in ("kernel", "libbuddy"):
        for k in SIDE:
            if k not in j.get(side, {}):
                failures.append(f"JSON key {side}.{k} missing")


L = "a 1 [000] 1.{:06d}: kmem:{}: {}\n"
B = "b 2 [001] 1.{:06d}: kmem:{}: {}\n"
CRAFTED = "".join([
    "# a perf script header comment\n",
    L.format(1, "mm_page_alloc", "page=0x1000 pfn=0x1000 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP"),
    L.format(2, "mm_page_alloc", "page=0x2000 pfn=8192 order=3 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_BOGUS|__GFP_COMP"),
    L.format(5, "mm_page_free", "page=0x1000 pfn=0x1000 order=0"),
    L.format(6, "mm_page_free_batched", "page=0x1000 pfn=0x1000 order=0"),  # after its mm_page_free: no-op
    L.format(7, "mm_page_free", "page=0x1000 pfn=4096 order=0"),  # double free, decimal pfn
    L.format(8, "mm_page_free", "page=0x9999 pfn=0x9999 order=0"),  # never allocated: unmatched
    L.format(20, "mm_page_alloc", "page=0x5000 pfn=0x5000 order=2 migratetype=0 gfp_flags=GFP_KERNEL"),
    L.format(21, "mm_page_free", "page=0x5001 pfn=0x5001 order=0"),  # split_page'd block freed page by page
    L.format(22, "mm_page_free", "page=0x5000 pfn=0x5000 order=0"),
    L.format(23, "mm_page_free", "page=0x5002 pfn=0x5002 order=0"),
    L.format(24, "mm_page_free", "page=0x5003 pfn=0x5003 order=0"),
    # CPU 1's buffer printed after CPU 0's: earlier timestamps, and a free of CPU 0's page
    B.format(3, "mm_page_alloc", "page=0x3000 pfn=0x3000 order=1 migratetype=2 gfp_flags=GFP_KERNEL|__GFP_RECLAIMABLE"),
    B.format(4, "mm_page_free", "page=0x2000 pfn=0x2000 order=3"),
    B.format(9, "mm_page_free", "page=0x3000 pfn=0x3000 order=1"),
    B.format(10, "mm_page_alloc_zone_locked", "page=0x3000 pfn=0x3000 order=0 migratetype=1 percpu_refill=1"),
    B.format(11, "mm_page_alloc_zone_locked", "page=0x3001 pfn=0x3001 order=0 migratetype=1 percpu_refill=1"),
    B.format(12, "mm_page_pcpu_drain", "page=0x3000 pfn=0x3000 order=0 migratetype=1"),
    B.format(13, "mm_page_alloc_extfrag", "page=0x3000 pfn=0x3000 alloc_order=0 fallback_order=9 alloc_migratetype=1 "
             "fallback_migratetype=0 fragmenting=0 change_ownership=1"),
    "garbage without a cpu\n",
    L.format(30, "mm_page_alloc", "page=0x4000 pfn=0x4000 ord"),  # truncated
    L.format(31, "mm_page_alloc", "page=0x4000 pfn=0x4000 order=0 migratetype=1"),  # gfp_flags missing
    L.format(32, "mm_page_free", "page=0x4000 pfn=0xfoo order=0"),  # bad hex
    L.format(33, "sched_switch", "prev_comm=a"),  # another event
    L.format(34, "mm_page_alloc", "page=(nil) pfn=0xffffffffffffffff order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE"),
    "a 1 [000] 1.000035: kmem:mm_page_alloc: page=0x6000 pfn=0x6000 order=0 migr",  # truncated last line, no newline
])

j, err = run(["--conf", "arena_size:64M,dma_limit:0,dma32_limit:0"], CRAFTED)
check_keys(j)
check("crafted events", j["events"], 19)
check("crafted allocs", j["allocs"], 4)
check("crafted frees", j["frees"], 7)
check("crafted unmatched_frees", j["unmatched_frees"], 1)
check("crafted double_frees", j["double_frees"], 1)
check("crafted batched_after_free", j["batched_after_free"], 1)
check("crafted split_blocks", j["split_blocks"], 1)
check("crafted failed_allocs", j["failed_allocs"], 0)
check("crafted kernel_failed_allocs", j["kernel_failed_allocs"], 1)
check("crafted unknown_gfp_names", j["unknown_gfp_names"], 1)
check("crafted unknown name", j["unknown_gfp_name_list"], {"__GFP_BOGUS": 1})
check("crafted malformed", j["input"]["malformed_lines"], 5)
check("crafted unknown events", j["input"]["unknown_events"], 1)
check("crafted reordered", j["input"]["reordered_events"], 7)
check("crafted live at end", j["live_pages_at_end"], 0)
check("crafted kernel refills", j["kernel"]["pcp_refills"], 2)
check("crafted kernel refill batches", j["kernel"]["pcp_refill_batches"], 1)
check("crafted kernel drains", j["kernel"]["pcpu_drains"], 1)
check("crafted kernel extfrag", j["kernel"]["extfrag_events"], 1)
check("crafted kernel orders", j["kernel"]["allocs_by_order"][:4], [1, 1, 1, 1])
check("crafted kernel mts", [j["kernel"]["allocs_by_migratetype"][k] for k in ("Unmovable", "Movable", "Reclaimable")],
      [2, 1, 1])
check("crafted check", j["check_problems"], 0)
if "double free in the trace" not in err or "malformed (missing field)" not in err:
    failures.append("crafted: stderr lacks the double-free or malformed reports:\n" + err)

# --cpu-mode pin follows the traced CPU (CPU c on allowed CPU c mod n): the same counts.
j, _ = run(["--cpu-mode", "pin", "--conf", "arena_size:64M,dma_limit:0,dma32_limit:0"], CRAFTED)
check("pin events", j and j["events"], 19)
check("pin frees", j and j["frees"], 7)
if not j or j["cpu_switches"] < 1:
    failures.append(f"pin: cpu_switches {j and j['cpu_switches']}")

# --strict: the first malformed line stops the replay with status 3.
run(["--strict", "--conf", "arena_size:64M,dma_limit:0,dma32_limit:0"], CRAFTED, expect_rc=3)

# A small arena: order-10 allocations fail, are counted and summarised.
BIG = "".join(L.format(i, "mm_page_alloc", f"page=0x{i:x}000 pfn=0x{i*1024:x} order=10 migratetype=1 "
                       "gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP") for i in range(1, 9))
j, _ = run(["--conf", "arena_size:8M,dma_limit:0,dma32_limit:0"], BIG)
if not j or j["failed_allocs"] < 6 or j["failed_summary"][0]["order"] != 10:
    failures.append(f"small arena: failed_allocs {j and j['failed_allocs']}, summary {j and j['failed_summary']}")

# Snapshots every N events carry buddyinfo, the order-9 unusable index and free pages per migratetype.
j, _ = run(["--conf", "arena_size:64M,dma_limit:0,dma32_limit:0", "--snapshot-events", "5"], CRAFTED)
check("snapshots", len(j["snapshots"]), 4)
s = j["snapshots"][0]
for k in ("trace_seconds", "unusable_index_order9", "free_pages_by_migratetype", "buddyinfo"):
    if k not in s:
        failures.append(f"snapshot key {k} missing")

# Compressed input: gzip through zlib, zstd through libzstd or the zstd program.
gz = os.path.join(TMP, "trace.txt.gz")
with gzip.open(gz, "wt") as f:
    f.write(CRAFTED)
j, _ = run(["--conf", "arena_size:64M,dma_limit:0,dma32_limit:0"], path=gz)
check("gzip events", j and j["events"], 19)
if shutil.which("zstd"):
    subprocess.run(["zstd", "-q", "-f", os.path.join(TMP, "trace.txt"), "-o", os.path.join(TMP, "trace.txt.zst")],
                   check=True)
    j, _ = run(["--conf", "arena_size:64M,dma_limit:0,dma32_limit:0"], path=os.path.join(TMP, "trace.txt.zst"))
    check("zstd events", j and j["events"], 19)

# --like-this-machine from a 6.18 zoneinfo: managed pages per zone, rounded up to pageblocks.
golden = os.path.join(DATA, "..", "..", "tests", "golden", "linux-6.18-proc", "zoneinfo")
j, _ = run(["--like-this-machine", "--zoneinfo", golden], CRAFTED)
check("like-this-machine conf", j and j["conf"],
      "arena_size:4157440K,dma_limit:16384K,dma32_limit:3108864K,movablecore:0K")
check("like-this-machine kernel zones", j and j["kernel"]["pages_by_zone"]["DMA32"], 1 + 8 + 2 + 4)
j, _ = run(["--like-this-machine", "--scale", "0.5", "--zoneinfo", golden], CRAFTED)
check("like-this-machine scaled", j and j["conf"],
      "arena_size:2080768K,dma_limit:8192K,dma32_limit:1554432K,movablecore:0K")

# --allocator: the same sequence through a malloc peer (buddy-replay-glibc is always built).
if os.access(os.path.join(os.path.dirname(TOOL), "buddy-replay-glibc"), os.X_OK):
    j, _ = run(["--allocator", "glibc"], CRAFTED)
    check("glibc allocator", j and j["allocator"], "glibc")
    check("glibc allocs", j and j["allocs"], 4)
    check("glibc frees", j and j["frees"], 7)
    check("glibc libbuddy object", j and j["libbuddy"], None)
run(["--allocator", "no-such-allocator"], CRAFTED, expect_rc=1)

# The committed trace (a build of this project on Linux 6.18, 2 CPUs): fixed counts, single-CPU replay.
j, _ = run([], path=os.path.join(DATA, "build-6.18.perf.txt.xz"))
check_keys(j)
check("trace events", j["events"], 250000)
check("trace allocs", j["allocs"], 88217)
check("trace frees", j["frees"], 73559)
check("trace batched_after_free", j["batched_after_free"], 71631)
check("trace unmatched_frees", j["unmatched_frees"], 3523)
check("trace double_frees", j["double_frees"], 52)
check("trace failed_allocs", j["failed_allocs"], 0)
check("trace unknown_gfp_names", j["unknown_gfp_names"], 0)
check("trace malformed", j["input"]["malformed_lines"], 0)
check("trace kernel pcp_refills", j["kernel"]["pcp_refills"], 12874)
check("trace kernel refill batches", j["kernel"]["pcp_refill_batches"], 125)
check("trace kernel orders", j["kernel"]["allocs_by_order"][:7], [87604, 185, 151, 133, 93, 48, 3])
check("trace libbuddy orders", j["libbuddy"]["allocs_by_order"], j["kernel"]["allocs_by_order"])
check("trace check", j["check_problems"], 0)

shutil.rmtree(TMP)
if failures:
    print("\n".join(failures))
    sys.exit(1)
print("test_replay_tool: all checks passed")
