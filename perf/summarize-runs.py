#!/usr/bin/env python3
"""Summarise several run-perf.sh result folders into the markdown tables of docs/perf.md.

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


def throughput(folders):
    # class -> method -> list of (run, row)
    data = defaultdict(lambda: defaultdict(list))
    run_probe = {}
    for folder in folders:
        path = os.path.join(folder, "benchmarks", "results", "throughput.csv")
        if not os.path.exists(path):
            continue
        run = os.path.basename(folder.rstrip("/"))
        with open(path) as f:
            for row in csv.DictReader(f):
                data[row["class"]][row["method"]].append((run, row))
                run_probe[run] = (row["run_probe_before_rt_ns"], row["run_probe_after_rt_ns"])
    for cls, methods in data.items():
        print(f"\n### {cls.replace('Benchmarks', '')}\n")
        names = [m for m in methods if m != "Channel"]
        header = "| run | probe rt ns (start/end) | Channel events/s | " + " | ".join(
            f"{m} events/s (ratio)" for m in names) + " |"
        print(header)
        print("|" + "---|" * (3 + len(names)))
        ratios = defaultdict(list)
        rates = defaultdict(list)
        runs = sorted({run for rows in methods.values() for run, _ in rows})
        for run in runs:
            rows = {m: dict(methods[m]).get(run) for m in methods}
            ch = rows.get("Channel")
            cells = [run, "%s/%s" % tuple(f"{float(x):.0f}" for x in run_probe[run])]
            cells.append(fmt_rate(float(ch["events_per_s"])) + (f" (p {float(ch['probe_rt_ns']):.0f})" if ch and ch["probe_rt_ns"] else "") if ch and ch["events_per_s"] else "-")
            if ch and ch["events_per_s"]:
                rates["Channel"].append(float(ch["events_per_s"]))
            for m in names:
                r = rows.get(m)
                if r and r["events_per_s"]:
                    ratio = float(r["ratio_vs_channel"]) if r["ratio_vs_channel"] else float("nan")
                    ratios[m].append(ratio)
                    rates[m].append(float(r["events_per_s"]))
                    probe = f", p {float(r['probe_rt_ns']):.0f}" if r["probe_rt_ns"] else ""
                    cells.append(f"{fmt_rate(float(r['events_per_s']))} ({ratio:.2f}x{probe})")
                else:
                    cells.append("-")
            print("| " + " | ".join(cells) + " |")
        med = ["**median**", "", fmt_rate(statistics.median(rates["Channel"])) if rates["Channel"] else "-"]
        for m in names:
            med.append(f"{fmt_rate(statistics.median(rates[m]))} (**{statistics.median(ratios[m]):.2f}x**)" if ratios[m] else "-")
        print("| " + " | ".join(med) + " |")
        alloc = []
        for m in methods:
            vals = sorted({r["allocated_bytes_per_event"] for _, r in methods[m]})
            alloc.append(f"{m}: {'/'.join(vals)} B")
        print("\nAllocated per event: " + "; ".join(alloc))


def latency(folders):
    for folder in folders:
        path = os.path.join(folder, "latency", "latency.csv")
        if not os.path.exists(path):
            continue
        print(f"\n### {os.path.basename(folder.rstrip('/'))}\n")
        print("| scenario | rate/s | p50 us | p90 us | p99 us | p99.9 us | max us | p99 from intended us | late % | GC 0/1/2 | B/event | probe rt ns | load |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        with open(path) as f:
            for r in csv.DictReader(f):
                late = 100.0 * int(r["late_events"]) / max(1, int(r["count"]))
                us = lambda k: f"{int(r[k]) / 1000:,.1f}"
                print(f"| {r['scenario']} | {int(r['rate']):,} | {us('p50_ns')} | {us('p90_ns')} | {us('p99_ns')} | {us('p999_ns')} | {us('max_ns')} | {us('intended_p99_ns')} | {late:.2f} | {r['gen0']}/{r['gen1']}/{r['gen2']} | {float(r['allocated_bytes_per_event']):.2f} | {float(r['probe_rt_ns']):.0f} | {r['load1']} |")


if __name__ == "__main__":
    folders = sys.argv[1:]
    throughput(folders)
    latency(folders)
