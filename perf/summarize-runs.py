#!/usr/bin/env python3
"""Summarise several run-perf.sh result folders into the markdown tables of docs/perf.md (the medians there;
the per-run rows of the runs2 series are kept in perf/results/archive/perf-md-run-dumps-2026-12.md).

Usage: perf/summarize-runs.py perf/results/runs/linear-1 perf/results/runs/linear-2 ...

For each benchmark class it prints one row per run (events/s of each ring variant and of Channels, the
ring/Channels ratio taken within that run, bytes per event, the handoff probe) and the median ratio across
runs. Latency folders (with latency/latency.csv) are printed as percentile tables.
"""
import csv
import os
import statistics
import sys
from collections import defaultdict


def fmt_rate(v):
    return f"{v / 1e6:,.1f}M"


LIMIT_NS = 10000.0  # probes are bimodal: < 3 us when both threads had a core, ~8 ms (a scheduler quantum) when time-sliced


def probe_ok(row):
    for k in ("probe_setup_rt_ns", "probe_cleanup_rt_ns"):
        if not row.get(k) or float(row[k]) > LIMIT_NS:
            return False
    return True


def probe_text(row):
    a, b = row.get("probe_setup_rt_ns"), row.get("probe_cleanup_rt_ns")
    f = lambda v: (f"{float(v):.0f}" if float(v) < 1e5 else f"{float(v) / 1e6:.0f}ms") if v else "?"
    return f"{f(a)}/{f(b)}"


def throughput(folders):
    # class -> method -> {run: row}
    data = defaultdict(lambda: defaultdict(dict))
    for folder in folders:
        path = os.path.join(folder, "benchmarks", "results", "throughput.csv")
        if not os.path.exists(path):
            continue
        run = "/".join(folder.rstrip("/").split("/")[-2:])
        with open(path) as f:
            for row in csv.DictReader(f):
                data[row["class"]][row["method"]][run] = row
    for cls, methods in data.items():
        print(f"\n### {cls.replace('Benchmarks', '')}\n")
        baseline = next(m for m in methods if any(r["baseline"] == "true" for r in methods[m].values()))
        names = [m for m in methods if m != baseline]
        print(f"Events/s per run; ratio = {baseline}'s mean time / the ring's, same run; probe = handoff round trip (ns) measured in that "
              "benchmark's own process at set-up/clean-up. A run is *clean* when every probe of the class is < 10 us; ✓ marks a ring result "
              "whose own probes and the same run's Channels probes are all < 10 us (a clean pair). The last row gives, per variant, the "
              "median over clean pairs of the ring's events/s, Channels' events/s and the ratio.\n")
        print("| run | clean | " + baseline + " | " + " | ".join(names) + " |")
        print("|" + "---|" * (3 + len(names)))
        runs = sorted({run for rows in methods.values() for run in rows}, key=lambda r: (r.rsplit("-", 1)[0], int(r.rsplit("-", 1)[1]) if r.rsplit("-", 1)[1].isdigit() else 0))
        stats = {True: defaultdict(list), False: defaultdict(list)}
        pairs = defaultdict(list)
        for run in runs:
            rows = {m: methods[m].get(run) for m in methods}
            clean = all(probe_ok(r) for r in rows.values() if r)
            ch = rows.get(baseline)
            cells = [run, "yes" if clean else "no"]
            if ch and ch["events_per_s"]:
                cells.append(f"{fmt_rate(float(ch['events_per_s']))} (probe {probe_text(ch)})")
                for bucket in ({True, False} if clean else {False}):
                    stats[bucket][baseline].append((float(ch["events_per_s"]), 1.0))
            else:
                cells.append("-")
            for m in names:
                r = rows.get(m)
                if r and r["events_per_s"]:
                    ratio = float(r["ratio_vs_channel"]) if r["ratio_vs_channel"] else float("nan")
                    for bucket in ({True, False} if clean else {False}):
                        stats[bucket][m].append((float(r["events_per_s"]), ratio))
                    pair_clean = probe_ok(r) and ch is not None and probe_ok(ch)
                    if pair_clean:
                        pairs[m].append((float(r["events_per_s"]), ratio, float(ch["events_per_s"])))
                    mark = " ✓" if pair_clean else ""
                    cells.append(f"{fmt_rate(float(r['events_per_s']))} ({ratio:.2f}x; probe {probe_text(r)}){mark}")
                else:
                    cells.append("-")
            print("| " + " | ".join(cells) + " |")
        for bucket, label in ((True, "median of clean runs"), (False, "median of all runs")):
            st = stats[bucket]
            n = len(st[baseline])
            cells = [f"**{label}** (n={n})", ""]
            for m in [baseline] + names:
                if st[m]:
                    rate = statistics.median(v for v, _ in st[m])
                    ratio = statistics.median(r for _, r in st[m])
                    cells.append(fmt_rate(rate) + ("" if m == baseline else f" (**{ratio:.2f}x**)"))
                else:
                    cells.append("-")
            print("| " + " | ".join(cells) + " |")
        cells = ["**median of clean pairs** ✓", ""]
        chs = [c for m in names for _, _, c in pairs[m]]
        cells.append("-")
        for m in names:
            if pairs[m]:
                cells.append(f"{fmt_rate(statistics.median(v for v, _, _ in pairs[m]))} vs {fmt_rate(statistics.median(c for _, _, c in pairs[m]))} (**{statistics.median(r for _, r, _ in pairs[m]):.2f}x**, n={len(pairs[m])})")
            else:
                cells.append("- (n=0)")
        print("| " + " | ".join(cells) + " |")
        alloc = []
        for m in methods:
            vals = sorted({r["allocated_bytes_per_event"] for r in methods[m].values()})
            alloc.append(f"{m} {'/'.join(vals)} B")
        print("\nAllocated bytes per event (all runs): " + "; ".join(alloc))


def latency_summary(folders):
    rows = defaultdict(list)
    for folder in folders:
        path = os.path.join(folder, "latency", "latency.csv")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            for r in csv.DictReader(f):
                if float(r["probe_rt_ns"]) <= LIMIT_NS and float(r["probe_after_rt_ns"]) <= LIMIT_NS:
                    rows[(int(r["rate"]), r["scenario"])].append(r)
    if not rows:
        return
    print("\n### Latency: median over clean runs (probes before and after the run < 10 us)\n")
    print("| scenario | rate/s | clean runs | p50 us | p90 us | p99 us | p99.9 us | max us | p99 from intended us | p99 vs Channels |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    med = lambda rs, k: statistics.median(int(r[k]) for r in rs) / 1000
    for rate in sorted({k[0] for k in rows}):
        channel = rows.get((rate, "OneToOne_Channel"))
        for (rt, scenario), rs in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1] != "OneToOne_Channel", kv[0][1])):
            if rt != rate:
                continue
            versus = "baseline" if scenario == "OneToOne_Channel" else (
                f"{med(channel, 'p99_ns') / med(rs, 'p99_ns'):,.1f}x lower" if channel and med(rs, "p99_ns") > 0 else "-")
            print(f"| {scenario} | {rate:,} | {len(rs)} | {med(rs, 'p50_ns'):,.1f} | {med(rs, 'p90_ns'):,.1f} | {med(rs, 'p99_ns'):,.1f} | "
                  f"{med(rs, 'p999_ns'):,.1f} | {med(rs, 'max_ns'):,.1f} | {med(rs, 'intended_p99_ns'):,.1f} | {versus} |")


def latency(folders):
    for folder in folders:
        path = os.path.join(folder, "latency", "latency.csv")
        if not os.path.exists(path):
            continue
        print(f"\n#### {'/'.join(folder.rstrip('/').split('/')[-2:])}\n")
        print("| scenario | rate/s | p50 us | p90 us | p99 us | p99.9 us | max us | p99 from intended us | late % | GC 0/1/2 | B/event | probe rt ns before/after | CPU pressure % |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        with open(path) as f:
            for r in csv.DictReader(f):
                late = 100.0 * int(r["late_events"]) / max(1, int(r["count"]))
                us = lambda k: f"{int(r[k]) / 1000:,.1f}"
                print(f"| {r['scenario']} | {int(r['rate']):,} | {us('p50_ns')} | {us('p90_ns')} | {us('p99_ns')} | {us('p999_ns')} | {us('max_ns')} | {us('intended_p99_ns')} | {late:.2f} | {r['gen0']}/{r['gen1']}/{r['gen2']} | {float(r['allocated_bytes_per_event']):.2f} | {float(r['probe_rt_ns']):.0f}/{float(r['probe_after_rt_ns']):.0f} | {r['cpu_pressure_some10']} |")


if __name__ == "__main__":
    folders = sys.argv[1:]
    throughput(folders)
    latency_summary(folders)
    latency(folders)
