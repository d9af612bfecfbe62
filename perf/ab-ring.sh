#!/usr/bin/env bash
# A/B of the ring's shapes between two git revisions of this repository, in one run with the builds' processes
# alternated round by round, so that the machine's drift (handoff period, other load) hits both alike. Each process
# runs every shape for SECONDS (perf/Pipeline.RingShapes, built from this checkout's copy against each revision's
# Pipeline.Core), then the medians and min-max over the rounds are printed, with B/A.
#   ./perf/ab-ring.sh REV_A REV_B [ROUNDS=5] [SECONDS=1.5] [SHAPES=all]     e.g. ./perf/ab-ring.sh 7eb6947 HEAD
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,6p' "$0" >&2; exit 2; }
rev_a=$1 rev_b=$2 rounds=${3:-5} seconds=${4:-1.5} shapes=${5:-}
top=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'for l in A B; do git -C "$top" worktree remove --force "$work/$l" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
for label in A B; do
  rev=$rev_a; [ "$label" = B ] && rev=$rev_b
  git -C "$top" worktree add --detach -q "$work/$label" "$rev"
  rm -rf "$work/$label/perf/Pipeline.RingShapes"
  cp -r "$top/perf/Pipeline.RingShapes" "$work/$label/perf/"
  rm -rf "$work/$label/perf/Pipeline.RingShapes/bin" "$work/$label/perf/Pipeline.RingShapes/obj"
  dotnet build "$work/$label/perf/Pipeline.RingShapes" -c Release -v q -nologo > "$work/build-$label.log" 2>&1 \
    || { cat "$work/build-$label.log" >&2; exit 2; }
  echo "$label = $rev ($(git -C "$top" rev-parse --short "$rev"))"
done
results="$work/results.tsv"
for round in $(seq 1 "$rounds"); do
  for label in A B; do
    dotnet "$work/$label/perf/Pipeline.RingShapes/bin/Release/net10.0/Pipeline.RingShapes.dll" "$label" "$seconds" $shapes \
      | sed "s/^/$round\t/" >> "$results"
  done
  echo "round $round of $rounds done" >&2
done
python3 - "$results" <<'PY'
import sys, statistics, collections
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.count('\t') == 3]
runs = collections.defaultdict(list)
shapes = []
for _, label, shape, rate in rows:
    runs[(shape, label)].append(float(rate))
    if shape not in shapes:
        shapes.append(shape)
print(f"{'shape':16} {'A median (min-max)':>24} {'B median (min-max)':>24} {'B/A':>6}   M events/s")
for shape in shapes:
    a, b = runs[(shape, 'A')], runs[(shape, 'B')]
    cell = lambda v: f"{statistics.median(v):.1f} ({min(v):.1f}-{max(v):.1f})"
    print(f"{shape:16} {cell(a):>24} {cell(b):>24} {statistics.median(b) / statistics.median(a):6.2f}")
PY
