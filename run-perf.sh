#!/usr/bin/env bash
# Release build of the perf projects, then the throughput micro-benchmarks (BenchmarkDotNet) and the latency
# harness. Results go to perf/results/<UTC timestamp>/ (git-ignored); their paths are printed at the end.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: ./run-perf.sh [options] [-- extra BenchmarkDotNet arguments]

  --filter GLOB        BenchmarkDotNet --filter (default '*'), e.g. '*OneToOne*'; repeat for several globs
  --quick              short run: BDN 1 warm-up + 3 iterations of 100 ms; latency 0.5 s warm-up + 1 s runs
  --rates LIST         latency harness rates, events/s, comma separated (default 100000,1000000)
  --duration SECONDS   latency harness measured run per scenario and rate (default 3)
  --scenario TEXT      latency harness: only scenarios whose name contains TEXT (e.g. Yielding, Channel)
  --bench-only         skip the latency harness
  --latency-only       skip the micro-benchmarks
  --out DIR            results folder (default perf/results/<UTC timestamp>)
  --wait-quiet SECONDS before each part, wait up to SECONDS for the machine to be quiet (< 15% CPU busy
                       over 2 s and Linux CPU pressure some avg10 < 10%); the run goes on, noted in the
                       log, if it never is
  --help               this text

Every run records the cache-line handoff probe (ns per round trip between the two cores) next to its results:
on this shared VM it flips between fast and slow periods and throughput follows it.
USAGE
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
filters=()
quick=0
rates=''
duration=''
scenario=''
run_bench=1
run_latency=1
out=''
wait_quiet=0
bdn_extra=()

while [ $# -gt 0 ]; do
  case "$1" in
    --filter) filters+=("${2:?--filter needs a value}"); shift 2 ;;
    --quick) quick=1; shift ;;
    --rates) rates="${2:?--rates needs a value}"; shift 2 ;;
    --duration) duration="${2:?--duration needs a value}"; shift 2 ;;
    --scenario) scenario="${2:?--scenario needs a value}"; shift 2 ;;
    --bench-only) run_latency=0; shift ;;
    --latency-only) run_bench=0; shift ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    --wait-quiet) wait_quiet="${2:?--wait-quiet needs a value}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; bdn_extra=("$@"); break ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

# CPU busy percentage of the whole machine over 2 s, from /proc/stat.
cpu_busy_percent() {
  local a b
  read -r -a a < <(grep '^cpu ' /proc/stat)
  sleep 2
  read -r -a b < <(grep '^cpu ' /proc/stat)
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) ))
  local total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
  echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}

# Linux CPU pressure: % of the last 10 s in which some runnable thread waited for a core (0 if unknown).
cpu_pressure() {
  local p
  p=$(sed -n 's/^some avg10=\([0-9]*\).*/\1/p' /proc/pressure/cpu 2>/dev/null || true)
  echo "${p:-0}"
}

wait_for_quiet() {
  [ "$wait_quiet" -gt 0 ] || return 0
  local waited=0 busy pressure
  while :; do
    busy=$(cpu_busy_percent)
    pressure=$(cpu_pressure)
    if [ "$busy" -lt 15 ] && [ "$pressure" -lt 10 ]; then
      echo "machine quiet (${busy}% busy, CPU pressure ${pressure}%) after ${waited}s"
      return 0
    fi
    if [ "$waited" -ge "$wait_quiet" ]; then
      echo "WARNING: machine still ${busy}% busy (CPU pressure ${pressure}%) after ${waited}s; running anyway (results may be disturbed)"
      return 0
    fi
    waited=$((waited + 2))
  done
}

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="${out:-$root/perf/results/$stamp}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

echo "== build (Release)"
dotnet build "$root/perf/Pipeline.Benchmarks/Pipeline.Benchmarks.csproj" -c Release -nologo -v quiet
dotnet build "$root/perf/Pipeline.LatencyHarness/Pipeline.LatencyHarness.csproj" -c Release -nologo -v quiet
git -C "$root" log -1 --format='commit %H %s' > "$out/commit.txt" 2>/dev/null || true

if [ "$run_bench" -eq 1 ]; then
  [ ${#filters[@]} -gt 0 ] || filters=('*')
  echo "== micro-benchmarks (filter: ${filters[*]})"
  wait_for_quiet
  bench_args=(--filter "${filters[@]}" --artifacts "$out/benchmarks")
  [ "$quick" -eq 1 ] && bench_args+=(--quick)
  # Run from the project folder: BenchmarkDotNet builds its generated host project next to it.
  (cd "$root/perf/Pipeline.Benchmarks" && \
    dotnet "bin/Release/net10.0/Pipeline.Benchmarks.dll" "${bench_args[@]}" ${bdn_extra[@]+"${bdn_extra[@]}"}) \
    2>&1 | tee "$out/benchmarks.log"
fi

if [ "$run_latency" -eq 1 ]; then
  echo "== latency harness"
  wait_for_quiet
  latency_args=(--out "$out/latency")
  [ "$quick" -eq 1 ] && latency_args+=(--quick)
  [ -n "$rates" ] && latency_args+=(--rates "$rates")
  [ -n "$duration" ] && latency_args+=(--duration "$duration")
  [ -n "$scenario" ] && latency_args+=(--filter "$scenario")
  dotnet "$root/perf/Pipeline.LatencyHarness/bin/Release/net10.0/Pipeline.LatencyHarness.dll" "${latency_args[@]}" \
    2>&1 | tee "$out/latency.log"
fi

echo
echo "== results in $out"
[ -f "$out/benchmarks/results/throughput.csv" ] && echo "  throughput table   $out/benchmarks/results/throughput.csv"
[ -d "$out/benchmarks/results" ] && echo "  BDN reports        $out/benchmarks/results/"
[ -f "$out/benchmarks/handoff-probes.csv" ] && echo "  handoff probes     $out/benchmarks/handoff-probes.csv"
[ -f "$out/latency/latency.csv" ] && echo "  latency (CSV)      $out/latency/latency.csv"
[ -f "$out/latency/latency.json" ] && echo "  latency (JSON)     $out/latency/latency.json"
echo "  logs               $out/*.log"
