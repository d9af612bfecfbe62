#!/usr/bin/env bash
# The perf suite: Release build, machine probes, then micro-benchmarks (BenchmarkDotNet), end-to-end load runs
# and recovery timing (Pipeline.LoadGen), then one report (Pipeline.PerfReport summarize) in
# perf/results/<UTC timestamp>/ (git-ignored); also the consumers stage (subscriptions, issue 15): catch-up reads of a
# filled store, closed-loop ingest with and without subscribers, live delivery latency. A failed run is recorded and the suite goes on; the script exits
# non-zero at the end if any run failed. --compare A B prints the differences between two such folders.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: ./run-perf.sh [options] [-- extra BenchmarkDotNet arguments]
       ./run-perf.sh --compare perf/results/A perf/results/B

Stages (all by default): micro (BenchmarkDotNet, then the ring latency harness: a paced producer per wait
strategy and a Channel, HdrHistogram), load (end to end over TCP), recovery (restart with replay), consumers
(subscriptions: one subscriber reading a filled store from the start (catch-up), closed loop Batch with 0, 1 and
100 subscribers interleaved, open loop at 100k/s Batch with 1 subscriber timing live delivery), peers (the same
workloads against Pipeline and against Marten on PostgreSQL, Redis Streams and NATS JetStream, each a real server
started on a free port with its data in the run's folder: durable appends closed loop (8 connections) and open
loop at fixed rates, one 1,000-event stream read out of a filled store and a full catch-up read, live delivery to
one subscriber; systems interleaved within each workload; a peer that is not installed is skipped, with the
reason, in the log and the summary).

  --quick              within ~3 minutes: micro = Channel vs Ring_Yielding_Batch64 (OneToOne), the PUBLISH frame
                       decode, the ledger JSON decode and the journal append (durability None), BDN's quick job,
                       in-process; load = open 50k and 200k Batch, open 100k None, closed Batch, 3 s each
                       (1 s warm-up); recovery = 200k events with and without a snapshot; consumers = catch-up of
                       200k commands, the consumers load runs 3 s each (1 s warm-up)
                       (default: full suite within ~20 minutes: every micro-benchmark on the short job; open loop
                       at 50k,100k,200k,400k for Batch and None plus closed loop for Batch and None, 10 s each
                       after 3 s warm-up; recovery = 2M events with and without a snapshot; consumers = catch-up
                       of 2M commands (3 reads each way), closed Batch with 0, 1, 100 subscribers and open 100k
                       Batch with 1, 10 s each after 3 s warm-up)
  --only STAGES        run only these stages: micro, load, recovery, consumers, peers (repeat or comma separate)
  --rates LIST         open-loop rates, comma separated (e.g. 50k,100k,200k); with --quick it replaces the
                       quick run list by rates x durabilities
  --durability LIST    durability modes of the load runs, comma separated (default Batch,None)
  --duration SECONDS   measured seconds per load run (default 10, quick 3)
  --connections N      client connections per load run (default 8)
  --pacing MODE        open-loop runs: shared (default: one pacer writes every connection's due commands at
                       once, about every 1 ms) or spread (each connection at its own phase of the millisecond,
                       as unsynchronised clients); same intended send times, see docs/perf.md
  --event-store MODES  load runs with the event store on, off, or both interleaved (on,off): the cost of storing
                       every command's events, measured against the same build in one run (default on)
  --streams MODES      load runs with the application's stream-processing flows (the ledger's windows) on, off, or
                       both interleaved (on,off): their cost, measured against the same build in one run
                       (default on, as the service runs)
  --validation MODES   load runs with the schema check of command payloads (Pipeline:Schemas:Validation) all,
                       rejections or off, several interleaved (all,off): its cost, measured against the same build
                       in one run (default all, as the service runs)
  --rounds N           repeat the load run list N times, interleaved (names get -r1, -r2, ...; default 1);
                       the consumers stage's load runs too
  --subscribers LIST   consumers stage: the closed-loop runs' subscriber counts, comma separated (default 0,1,100;
                       the summary sets each against 0)
  --filter GLOB        BenchmarkDotNet --filter; repeat for several globs (default '*', quick: see above)
  --events N           recovery: events journaled before the restart; consumers: commands in the store the
                       catch-up reads (default 2000000, quick 200000)
  --peers LIST         peers stage: the systems besides Pipeline, comma separated (default
                       marten,marten-batch,redis,nats,nats-sync; see Pipeline.Peers systems)
  --peer-rates LIST    peers stage: the open-loop append rates (default 1k,10k; quick 1k)
  --peer-subscribe-rate RATE  peers stage: the subscribe workload's rate (default 5k)
  --peer-events N      peers stage: events in the store the read workload fills (default 1000000, quick 100000)
  --out DIR            results folder (default perf/results/<UTC timestamp>)
  --wait-quiet SECONDS before each stage, wait up to SECONDS for the machine to be quiet (< 15% CPU busy
                       over 2 s and Linux CPU pressure some avg10 < 10%); the run goes on, noted in the
                       log, if it never is
  --compare A B        compare two results folders (their summary.json): ratios B/A per run, regressions
                       marked, a warning when the probes say the machine was in different states; no run
  --help               this text

Results folder: probes.json (machine, git commit, core-to-core handoff probe, disk-flush probe, disk stall watch),
micro/ (BenchmarkDotNet reports in micro/results/), load/<run>.json + <run>.hgrm + <run>.log,
recovery/<run>.json + <run>.log, consumers/<run>.json + <run>.log (+ <run>.hgrm, and <run>.subscribe.hgrm: live
delivery, durable -> received, for runs with subscribers), summary.json, summary.md, latency.png, run-perf.log.
Exit code: 0 all runs passed; 1 a run failed (it is marked FAILED in the summary); 2 bad options or build failure.
USAGE
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
filters=()
quick=0
only=''
rates=''
durabilities=''
duration=''
connections=8
pacing=shared
event_store=on
streams=on
validation=all
rounds=1
events=''
subscriber_counts='0,1,100'
peers_list='marten,marten-batch,redis,nats,nats-sync'
peer_rates=''
peer_subscribe_rate=5k
peer_events=''
consumer_rate=100k
out=''
wait_quiet=0
compare=()
bdn_extra=()

need() { [ $# -ge 2 ] && [ -n "$2" ] || { echo "$1 needs a value" >&2; exit 2; }; }

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --only) need "$@"; only="$only,$2"; shift 2 ;;
    --rates) need "$@"; rates="$2"; shift 2 ;;
    --durability) need "$@"; durabilities="$2"; shift 2 ;;
    --duration) need "$@"; duration="$2"; shift 2 ;;
    --connections) need "$@"; connections="$2"; shift 2 ;;
    --pacing) need "$@"; pacing="$2"; shift 2 ;;
    --event-store) need "$@"; event_store="$2"; shift 2 ;;
    --streams) need "$@"; streams="$2"; shift 2 ;;
    --validation) need "$@"; validation="$2"; shift 2 ;;
    --rounds) need "$@"; rounds="$2"; shift 2 ;;
    --filter) need "$@"; filters+=("$2"); shift 2 ;;
    --events) need "$@"; events="$2"; shift 2 ;;
    --subscribers) need "$@"; subscriber_counts="$2"; shift 2 ;;
    --peers) need "$@"; peers_list="$2"; shift 2 ;;
    --peer-rates) need "$@"; peer_rates="$2"; shift 2 ;;
    --peer-subscribe-rate) need "$@"; peer_subscribe_rate="$2"; shift 2 ;;
    --peer-events) need "$@"; peer_events="$2"; shift 2 ;;
    --out) need "$@"; out="$2"; shift 2 ;;
    --wait-quiet) need "$@"; wait_quiet="$2"; shift 2 ;;
    --compare)
      [ $# -ge 3 ] || { echo "--compare needs two results folders" >&2; exit 2; }
      compare=("$2" "$3"); shift 3 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; bdn_extra=("$@"); break ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }
for pair in "duration:${duration:-1}" "connections:$connections" "events:${events:-1}" "wait-quiet:$wait_quiet" "peer-events:${peer_events:-1}"; do
  is_uint "${pair#*:}" || { echo "--${pair%%:*} must be a whole number, got '${pair#*:}'" >&2; exit 2; }
done

IFS=',' read -r -a sublist <<< "$subscriber_counts"
[ ${#sublist[@]} -gt 0 ] || { echo "--subscribers needs at least one count" >&2; exit 2; }
for n in "${sublist[@]}"; do
  { is_uint "$n" && [ "$n" -le 1000 ]; } || { echo "--subscribers takes whole numbers from 0 to 1000, comma separated (got '$n')" >&2; exit 2; }
done

case "$pacing" in
  shared|spread) ;;
  *) echo "--pacing must be shared or spread, got '$pacing'" >&2; exit 2 ;;
esac

run_micro=1 run_load=1 run_recovery=1 run_consumers=1 run_peers=1
if [ -n "$only" ]; then
  run_micro=0 run_load=0 run_recovery=0 run_consumers=0 run_peers=0
  IFS=',' read -r -a stages <<< "${only#,}"
  for stage in "${stages[@]}"; do
    case "$stage" in
      micro) run_micro=1 ;;
      load) run_load=1 ;;
      recovery) run_recovery=1 ;;
      consumers) run_consumers=1 ;;
      peers) run_peers=1 ;;
      '') ;;
      *) echo "--only: unknown stage '$stage' (micro, load, recovery, consumers, peers)" >&2; exit 2 ;;
    esac
  done
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
release="bin/Release/net10.0"
report_dll="$root/perf/Pipeline.PerfReport/$release/Pipeline.PerfReport.dll"
loadgen_dll="$root/perf/Pipeline.LoadGen/$release/Pipeline.LoadGen.dll"
peers_dll="$root/perf/Pipeline.Peers/$release/Pipeline.Peers.dll"
bench_dir="$root/perf/Pipeline.Benchmarks"
suite_start=$SECONDS

build() {
  local project="$1" start=$SECONDS log
  log=$(mktemp)
  if ! dotnet build "$root/$project" -c Release -nologo -v quiet > "$log" 2>&1; then
    cat "$log"
    rm -f "$log"
    echo "build of $project failed" >&2
    exit 2
  fi
  rm -f "$log"
  echo "  built $project ($((SECONDS - start)) s)"
}

if [ ${#compare[@]} -eq 2 ]; then
  [ -f "$report_dll" ] || build perf/Pipeline.PerfReport/Pipeline.PerfReport.csproj >&2
  exec dotnet "$report_dll" compare "${compare[0]}" "${compare[1]}"
fi

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
      echo "  machine quiet (${busy}% busy, CPU pressure ${pressure}%) after ${waited}s"
      return 0
    fi
    if [ "$waited" -ge "$wait_quiet" ]; then
      echo "  WARNING: machine still ${busy}% busy (CPU pressure ${pressure}%) after ${waited}s; running anyway (results may be disturbed)"
      return 0
    fi
    waited=$((waited + 2))
  done
}

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="${out:-$root/perf/results/$stamp}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
# Everything the terminal shows is also kept next to the results.
exec > >(tee -a "$out/run-perf.log") 2>&1
echo "./run-perf.sh $*" > "$out/command.txt"

failures=()
fail() { failures+=("$1"); echo "  FAILED: $1"; }

clock() { printf '%dm%02ds' $(( (SECONDS - suite_start) / 60 )) $(( (SECONDS - suite_start) % 60 )); }
stage() { echo; echo "== [$(clock)] $*"; }

# run_logged LABEL LOG CMD...: runs CMD with its output in LOG, printing a progress line every 15 s (the last
# line of LOG that matches $progress_pattern); returns CMD's exit code.
progress_pattern='.'
run_logged() {
  local label="$1" log="$2" start=$SECONDS pid rc=0 next=5 line
  shift 2
  # In a subshell, so that a crash's "Aborted" lands in LOG, not on the terminal.
  ( "$@" || exit $? ) > "$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if [ $((SECONDS - start)) -ge "$next" ]; then
      line=$(grep -E "$progress_pattern" "$log" 2>/dev/null | tail -n 1 | cut -c1-110 || true)
      echo "    ... $label $((SECONDS - start)) s${line:+: $line}"
      next=$((next + 5))
    fi
  done
  wait "$pid" || rc=$?
  return "$rc"
}

# "throughput": 123.4 -> 123 (whatever LoadGen's JSON layout); empty when absent.
json_number() {
  sed -n "s/.*\"$2\" *: *\([-0-9.eE+]*\).*/\1/p" "$1" | head -n 1 | awk '{ if ($1 != "") printf "%.0f", $1 }'
}

# Text as a JSON string body: backslashes and quotes escaped, control characters dropped.
json_text() {
  local t
  t=$(printf '%s' "$1" | tr -d '\000-\037')
  t=${t//\\/\\\\}
  printf '%s' "${t//\"/\\\"}"
}

# Writes a failed-run JSON for a run that ended without writing its own, so the summary shows it FAILED with
# the first error line of its log. EXTRA: more JSON members describing the run ("mode": "open", ...).
write_stub() {
  local file="$1" name="$2" kind="$3" rc="$4" log="$5" extra="$6" first
  first=$(grep -m 1 -E 'Unhandled|[Ee]rror|[Ee]xception' "$log" 2>/dev/null | cut -c1-200 || true)
  printf '{"name": "%s", "kind": "%s", %s"failed": true, "failure": "%s"}\n' "$name" "$kind" "$extra" \
    "$(json_text "LoadGen exited with code $rc without writing results${first:+: $first} (see $(basename "$(dirname "$log")")/$(basename "$log"))")" > "$file"
}

# After a LoadGen run of KIND (load, recovery, catchup) started at $start, its files in FOLDER (default: KIND): a
# failed-run JSON if it wrote none, then FAILED or the run's headline figure (FIELD of its JSON, followed by UNIT).
finish_run() {
  local kind="$1" name="$2" rc="$3" extra="$4" field="$5" unit="$6" folder="${7:-$1}"
  local json="$out/$folder/$name.json"
  [ -f "$json" ] || write_stub "$json" "$name" "$kind" "$rc" "$out/$folder/$name.log" "$extra"
  if [ "$rc" -ne 0 ] || grep -q '"failed" *: *true' "$json"; then
    fail "$folder $name (exit code $rc; see $folder/$name.log)"
  else
    echo "    ok in $((SECONDS - start)) s: $(json_number "$json" "$field") $unit"
  fi
}

# 50k -> 50000, 2M -> 2000000 (LoadGen's rate syntax as a number for the stub JSON); null when not a number.
rate_number() {
  case "$1" in
    *[kK]) is_uint "${1%?}" && echo $(( ${1%?} * 1000 )) || echo null ;;
    *[mM]) is_uint "${1%?}" && echo $(( ${1%?} * 1000000 )) || echo null ;;
    *) is_uint "$1" && echo "$1" || echo null ;;
  esac
}

# 50000 -> 50k, 2000000 -> 2M (run names); other text is kept.
short_count() {
  local n="$1"
  if is_uint "$n" && [ "$n" -ge 1000000 ] && [ $((n % 1000000)) -eq 0 ]; then echo "$((n / 1000000))M"
  elif is_uint "$n" && [ "$n" -ge 1000 ] && [ $((n % 1000)) -eq 0 ]; then echo "$((n / 1000))k"
  else echo "$n"; fi
}

echo "== perf suite$([ "$quick" -eq 1 ] && echo ' (quick)') -> $out"
stage "build (Release)"
build perf/Pipeline.PerfReport/Pipeline.PerfReport.csproj
[ "$run_micro" -eq 1 ] && build perf/Pipeline.Benchmarks/Pipeline.Benchmarks.csproj
[ "$run_micro" -eq 1 ] && build perf/Pipeline.LatencyHarness/Pipeline.LatencyHarness.csproj
# LoadGen references Pipeline.Server and starts the server from its own output folder.
{ [ "$run_load" -eq 1 ] || [ "$run_recovery" -eq 1 ] || [ "$run_consumers" -eq 1 ] || [ "$run_peers" -eq 1 ]; } && build perf/Pipeline.LoadGen/Pipeline.LoadGen.csproj
[ "$run_peers" -eq 1 ] && build perf/Pipeline.Peers/Pipeline.Peers.csproj

stage "probes (handoff, disk flush, disk stall watch, machine)"
# The stall watch syncs back to back for a while: a disk that stalls an fsync now and then shows it here, and every
# durable load run's tail moves with it.
stall_seconds=10
[ "$quick" -eq 1 ] && stall_seconds=2
if ! (cd "$root" && dotnet "$report_dll" probe --out "$out/probes.json" --dir "$out" --stall-seconds "$stall_seconds") | sed 's/^/  /'; then
  fail "probe"
fi

if [ "$run_micro" -eq 1 ]; then
  if [ ${#filters[@]} -eq 0 ]; then
    if [ "$quick" -eq 1 ]; then filters=('*OneToOneBenchmarks.Channel' '*OneToOneBenchmarks.Ring_Yielding_Batch64' '*CodecBenchmarks.Decode_Publish' '*LedgerDecodeBenchmarks.Decode_Mix' '*JournalBenchmarks.Append_None'); else filters=('*'); fi
  fi
  stage "micro-benchmarks (BenchmarkDotNet, filter: ${filters[*]})"
  wait_for_quiet
  mkdir -p "$out/micro"
  bench_args=(--filter "${filters[@]}" --artifacts "$out/micro")
  # Quick: BDN's quick job, in this process (no generated project to build: saves a minute on 2 cores).
  [ "$quick" -eq 1 ] && bench_args+=(--quick --inProcess)
  start=$SECONDS
  progress_pattern='Remained|// Benchmark: '
  rc=0
  # Run from the project folder: BenchmarkDotNet builds its generated host project next to it.
  (cd "$bench_dir" && run_logged micro "$out/micro/micro.log" \
    dotnet "$release/Pipeline.Benchmarks.dll" "${bench_args[@]}" ${bdn_extra[@]+"${bdn_extra[@]}"}) || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "BenchmarkDotNet exited with code $rc; see micro/micro.log" > "$out/micro/failed.txt"
    fail "micro: BenchmarkDotNet exited with code $rc"
  elif ! compgen -G "$out/micro/results/*-report.csv" > /dev/null; then
    echo "no BenchmarkDotNet report written (the filter matched nothing, or the benchmarks failed); see micro/micro.log" > "$out/micro/failed.txt"
    fail "micro: no report written"
  else
    echo "  done in $((SECONDS - start)) s: $(ls "$out"/micro/results/*-report.csv | wc -l) report(s) in micro/results/"
  fi

  # The ring's own latency under a paced producer (HdrHistogram, coordinated-omission corrected), per wait
  # strategy, against a Channel; BenchmarkDotNet measures throughput only.
  stage "ring latency harness (paced producer, HdrHistogram)"
  latency_args=(--out "$out/micro/latency")
  [ "$quick" -eq 1 ] && latency_args+=(--quick --rates 100000)
  start=$SECONDS
  progress_pattern='scenario|rate'
  rc=0
  run_logged latency "$out/micro/latency.log" \
    dotnet "$root/perf/Pipeline.LatencyHarness/bin/Release/net10.0/Pipeline.LatencyHarness.dll" "${latency_args[@]}" || rc=$?
  if [ "$rc" -ne 0 ]; then
    fail "micro: the latency harness exited with code $rc; see micro/latency.log"
  else
    echo "  done in $((SECONDS - start)) s: micro/latency/ (latency.csv, latency.json, .hgrm per run)"
  fi
fi

if [ "$run_load" -eq 1 ]; then
  duration="${duration:-$([ "$quick" -eq 1 ] && echo 3 || echo 10)}"
  warmup=$([ "$quick" -eq 1 ] && echo 1 || echo 3)
  # One run per line: mode durability rate (rate '-' for the closed loop).
  runs=()
  if [ "$quick" -eq 1 ] && [ -z "$rates" ] && [ -z "$durabilities" ]; then
    runs=("open Batch 50k" "open Batch 200k" "open None 100k" "closed Batch -")
  else
    IFS=',' read -r -a dlist <<< "${durabilities:-Batch,None}"
    IFS=',' read -r -a rlist <<< "${rates:-50k,100k,200k,400k}"
    for d in "${dlist[@]}"; do for r in "${rlist[@]}"; do runs+=("open $d $r"); done; done
    for d in "${dlist[@]}"; do runs+=("closed $d -"); done
  fi
  # Each run once per event-store mode and round, interleaved, so that the machine's drift hits every variant alike.
  IFS=',' read -r -a eslist <<< "$event_store"
  for m in "${eslist[@]}"; do
    case "$m" in on|off) ;; *) echo "--event-store takes on, off or on,off (got '$m')" >&2; exit 2 ;; esac
  done
  IFS=',' read -r -a stlist <<< "$streams"
  for m in "${stlist[@]}"; do
    case "$m" in on|off) ;; *) echo "--streams takes on, off or on,off (got '$m')" >&2; exit 2 ;; esac
  done
  IFS=',' read -r -a valist <<< "$validation"
  for m in "${valist[@]}"; do
    case "$m" in all|rejections|off) ;; *) echo "--validation takes all, rejections or off, comma separated (got '$m')" >&2; exit 2 ;; esac
  done
  case "$rounds" in ''|*[!0-9]*|0) echo "--rounds takes a positive integer (got '$rounds')" >&2; exit 2 ;; esac
  base_runs=("${runs[@]}")
  runs=()
  for ((k = 1; k <= rounds; k++)); do
    for spec in "${base_runs[@]}"; do for m in "${eslist[@]}"; do for s in "${stlist[@]}"; do for v in "${valist[@]}"; do
      runs+=("$spec $m $k $s $v")
    done; done; done; done
  done
  stage "load (${#runs[@]} runs, ${duration} s each after ${warmup} s warm-up, $connections connections, pacing $pacing, event store $event_store, streams $streams, validation $validation)"
  wait_for_quiet
  mkdir -p "$out/load"
  i=0
  for spec in "${runs[@]}"; do
    i=$((i + 1))
    read -r mode durability rate es round st va <<< "$spec"
    if [ "$mode" = open ]; then
      name="open-$(short_count "$rate")-$durability"
      args=(load --mode open --rate "$rate" --pacing "$pacing")
    else
      name="closed-$durability"
      args=(load --mode closed --window 1024 --batch 64)
    fi
    server_args=""
    if [ "$es" = off ]; then
      name="$name-es-off"
      server_args="--Pipeline:EventStore:Enabled=false"
    fi
    if [ "$st" = off ]; then
      name="$name-streams-off"
      server_args="$server_args --Pipeline:Streams:Enabled=false"
    fi
    if [ "$va" != all ]; then
      name="$name-validation-$va"
      server_args="$server_args --Pipeline:Schemas:Validation=$va"
    fi
    if [ -n "$server_args" ]; then args+=(--server-args "${server_args# }"); fi
    if [ "$rounds" -gt 1 ]; then name="$name-r$round"; fi
    args+=(--durability "$durability" --connections "$connections" --duration "$duration" --warmup "$warmup"
      --out "$out/load" --name "$name")
    echo "  [$(clock)] load $i/${#runs[@]} $name"
    start=$SECONDS
    rm -f "$out/load/$name.json"
    progress_pattern='.'
    rc=0
    run_logged "$name" "$out/load/$name.log" dotnet "$loadgen_dll" "${args[@]}" || rc=$?
    target=$([ "$mode" = open ] && rate_number "$rate" || echo null)
    pacing_json=$([ "$mode" = open ] && echo "\"$pacing\"" || echo null)
    finish_run load "$name" "$rc" \
      "\"mode\": \"$mode\", \"durability\": \"$durability\", \"targetRate\": $target, \"pacing\": $pacing_json, \"connections\": $connections, \"eventStore\": $([ "$es" = on ] && echo true || echo false), \"streams\": $([ "$st" = on ] && echo true || echo false), \"validation\": \"$va\", " \
      throughput "commands/s acknowledged"
  done
fi

if [ "$run_recovery" -eq 1 ]; then
  events="${events:-$([ "$quick" -eq 1 ] && echo 200000 || echo 2000000)}"
  stage "recovery ($events events, with and without a snapshot)"
  wait_for_quiet
  mkdir -p "$out/recovery"
  for snapshot in true false; do
    name="recovery-$(short_count "$events")-$([ "$snapshot" = true ] && echo snapshot || echo nosnapshot)"
    echo "  [$(clock)] $name"
    start=$SECONDS
    rm -f "$out/recovery/$name.json"
    progress_pattern='.'
    rc=0
    run_logged "$name" "$out/recovery/$name.log" dotnet "$loadgen_dll" recovery --events "$events" --snapshot "$snapshot" \
      --out "$out/recovery" --name "$name" || rc=$?
    finish_run recovery "$name" "$rc" "\"events\": $events, \"snapshot\": $snapshot, " replayEventsPerSecond "events/s replayed"
  done
fi

if [ "$run_consumers" -eq 1 ]; then
  duration="${duration:-$([ "$quick" -eq 1 ] && echo 3 || echo 10)}"
  warmup=$([ "$quick" -eq 1 ] && echo 1 || echo 3)
  catchup_events="${events:-$([ "$quick" -eq 1 ] && echo 200000 || echo 2000000)}"
  case "$rounds" in ''|*[!0-9]*|0) echo "--rounds takes a positive integer (got '$rounds')" >&2; exit 2 ;; esac
  # One run per line: mode subscribers (the closed-loop counts, then the open-loop latency run), each round interleaved.
  cruns=()
  for ((k = 1; k <= rounds; k++)); do
    for n in "${sublist[@]}"; do cruns+=("closed $n $k"); done
    cruns+=("open 1 $k")
  done
  stage "consumers (catch-up of $(short_count "$catchup_events") commands; ${#cruns[@]} load runs: closed Batch with ${subscriber_counts} subscribers, open $consumer_rate Batch with 1; ${duration} s each after ${warmup} s warm-up)"
  wait_for_quiet
  mkdir -p "$out/consumers"
  name="catchup-$(short_count "$catchup_events")"
  echo "  [$(clock)] $name"
  start=$SECONDS
  rm -f "$out/consumers/$name.json"
  progress_pattern='.'
  rc=0
  run_logged "$name" "$out/consumers/$name.log" dotnet "$loadgen_dll" catchup --events "$catchup_events" --repeat 3 \
    --connections "$connections" --out "$out/consumers" --name "$name" || rc=$?
  finish_run catchup "$name" "$rc" "\"commands\": $catchup_events, " eventsPerSecond "events/s read by one subscriber from the start (median of 3)" consumers
  i=0
  for spec in "${cruns[@]}"; do
    i=$((i + 1))
    read -r mode subs round <<< "$spec"
    if [ "$mode" = open ]; then
      name="open-$(short_count "$consumer_rate")-Batch-subs$subs"
      args=(load --mode open --rate "$consumer_rate" --pacing "$pacing")
    else
      name="closed-Batch-subs$subs"
      args=(load --mode closed --window 1024 --batch 64)
    fi
    if [ "$rounds" -gt 1 ]; then name="$name-r$round"; fi
    args+=(--subscribers "$subs" --durability Batch --connections "$connections" --duration "$duration" --warmup "$warmup"
      --out "$out/consumers" --name "$name")
    echo "  [$(clock)] consumers $i/${#cruns[@]} $name"
    start=$SECONDS
    rm -f "$out/consumers/$name.json"
    progress_pattern='.'
    rc=0
    run_logged "$name" "$out/consumers/$name.log" dotnet "$loadgen_dll" "${args[@]}" || rc=$?
    target=$([ "$mode" = open ] && rate_number "$consumer_rate" || echo null)
    finish_run load "$name" "$rc" \
      "\"mode\": \"$mode\", \"durability\": \"Batch\", \"targetRate\": $target, \"connections\": $connections, " \
      throughput "commands/s acknowledged" consumers
    if [ "$subs" -gt 0 ] && ! grep -q '"failed" *: *true' "$out/consumers/$name.json"; then
      echo "    subscribers: $(json_number "$out/consumers/$name.json" eventsPerSecond) events/s received in all, slowest lag at the end $(json_number "$out/consumers/$name.json" maxLagAtEnd) events"
    fi
  done
fi

if [ "$run_peers" -eq 1 ]; then
  duration="${duration:-$([ "$quick" -eq 1 ] && echo 3 || echo 10)}"
  warmup=$([ "$quick" -eq 1 ] && echo 1 || echo 3)
  peer_events="${peer_events:-$([ "$quick" -eq 1 ] && echo 100000 || echo 1000000)}"
  peer_rates="${peer_rates:-$([ "$quick" -eq 1 ] && echo 1k || echo 1k,10k)}"
  case "$rounds" in ''|*[!0-9]*|0) echo "--rounds takes a positive integer (got '$rounds')" >&2; exit 2 ;; esac
  IFS=',' read -r -a plist <<< "$peers_list"
  IFS=',' read -r -a prlist <<< "$peer_rates"
  mkdir -p "$out/peers"
  stage "peers (Pipeline against ${peers_list}: append closed and open at ${peer_rates}/s, subscribe at ${peer_subscribe_rate}/s, read of $(short_count "$peer_events"); ${duration} s each after ${warmup} s warm-up, $connections connections, $rounds round(s))"
  # Said before anything runs, so a missing peer is never a silent gap: its runs are skipped (and the summary says why).
  for p in "${plist[@]}"; do
    dotnet "$peers_dll" check --system "$p" | sed 's/^/  /' || true
  done
  wait_for_quiet
  # One run per line: workload system rate round; within a workload every system runs before the next workload, so the
  # machine's drift hits them alike. pipeline = journal durability Batch (fsync before ACK), pipeline-none = None.
  pruns=()
  for ((k = 1; k <= rounds; k++)); do
    for sys in pipeline pipeline-none "${plist[@]}"; do pruns+=("append-closed $sys - $k"); done
    for r in "${prlist[@]}"; do
      for sys in pipeline pipeline-none "${plist[@]}"; do pruns+=("append-open $sys $r $k"); done
    done
    for sys in pipeline "${plist[@]}"; do pruns+=("subscribe $sys $peer_subscribe_rate $k"); done
    # Marten's reads are the same tables and queries whichever way its events were appended, and filling a store one
    # event per transaction takes minutes: with marten-batch in the list, marten's read workload is left to it.
    for sys in pipeline "${plist[@]}"; do
      if [ "$sys" = marten ] && [[ ",$peers_list," == *,marten-batch,* ]]; then continue; fi
      pruns+=("read $sys - $k")
    done
  done
  i=0
  for spec in "${pruns[@]}"; do
    i=$((i + 1))
    read -r workload sys rate round <<< "$spec"
    case "$workload" in
      append-closed) name="$sys-append-closed" ;;
      append-open) name="$sys-append-open-$rate" ;;
      subscribe) name="$sys-subscribe-$rate" ;;
      read) name="$sys-read" ;;
    esac
    if [ "$rounds" -gt 1 ]; then name="$name-r$round"; fi
    echo "  [$(clock)] peers $i/${#pruns[@]} $name"
    start=$SECONDS
    rm -f "$out/peers/$name.json"
    progress_pattern='.'
    rc=0
    if [ "${sys%%-*}" = pipeline ]; then
      durability=$([ "$sys" = pipeline-none ] && echo None || echo Batch)
      common=(--durability "$durability" --connections "$connections" --out "$out/peers" --name "$name")
      case "$workload" in
        append-closed) args=(load --mode closed --window 1024 --batch 64 --duration "$duration" --warmup "$warmup") ;;
        append-open) args=(load --mode open --rate "$rate" --pacing "$pacing" --duration "$duration" --warmup "$warmup") ;;
        subscribe) args=(load --mode open --rate "$rate" --pacing "$pacing" --subscribers 1 --duration "$duration" --warmup "$warmup") ;;
        read) args=(catchup --events "$peer_events" --repeat 3 --fetch false --stream-reads 50) ;;
      esac
      run_logged "$name" "$out/peers/$name.log" dotnet "$loadgen_dll" "${args[@]}" "${common[@]}" || rc=$?
      if [ "$workload" = read ]; then
        finish_run catchup "$name" "$rc" "\"commands\": $peer_events, " eventsPerSecond "events/s caught up" peers
      else
        finish_run load "$name" "$rc" "\"durability\": \"$durability\", \"connections\": $connections, " throughput "commands/s acknowledged" peers
      fi
    else
      case "$workload" in
        append-closed) args=(--workload append --mode closed --duration "$duration" --warmup "$warmup") ;;
        append-open) args=(--workload append --mode open --rate "$rate" --duration "$duration" --warmup "$warmup") ;;
        subscribe) args=(--workload subscribe --rate "$rate" --duration "$duration" --warmup "$warmup") ;;
        read) args=(--workload read --events "$peer_events") ;;
      esac
      run_logged "$name" "$out/peers/$name.log.console" dotnet "$peers_dll" run --system "$sys" "${args[@]}" \
        --connections "$connections" --out "$out/peers" --name "$name" || rc=$?
      # The server's data is not kept (a PostgreSQL cluster is hundreds of MB); its log is, in NAME.log.
      rm -rf "$out/peers/$name.data"
      if [ "$rc" -eq 3 ]; then
        echo "    skipped: $(tail -n 1 "$out/peers/$name.log.console" | sed 's/^[^:]*: skipped: //')"
      else
        [ -f "$out/peers/$name.json" ] || write_stub "$out/peers/$name.json" "$name" peer "$rc" "$out/peers/$name.log.console" "\"system\": \"$sys\", "
        if [ "$rc" -ne 0 ] || grep -q '"failed" *: *true' "$out/peers/$name.json"; then
          fail "peers $name (exit code $rc; see peers/$name.log and peers/$name.log.console)"
        else
          echo "    ok in $((SECONDS - start)) s: $(tail -n 1 "$out/peers/$name.log.console" | cut -c1-160)"
        fi
      fi
    fi
  done
fi

stage "summary"
rc=0
dotnet "$report_dll" summarize "$out" || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
  fail "summarize exited with code $rc"
fi

echo
echo "== [$(clock)] report: $out/summary.md"
if [ ${#failures[@]} -gt 0 ] || [ "$rc" -ne 0 ]; then
  echo "== FAILED: ${#failures[@]} stage run(s) failed:"
  for f in "${failures[@]}"; do echo "   $f"; done
  exit 1
fi
echo "== all runs passed"
