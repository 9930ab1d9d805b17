#!/usr/bin/env bash
# Record throughput with many writers at once: J jobs each run R `flowbench record`s one after
# another (a CI job's steps), all J at the same time, into one history: a PostgreSQL server and
# a SQLite file, alternated, N runs each. Prints per run the wall time, the records per second and
# how many of the J x R results the history then holds; then the median of each and their ratio.
#   bench/history_record_concurrent.sh [--runs N] [--jobs J] [--records R] [--bin build/bin] [--url URL]
# --url: the server (default: tools/postgres-local url, after tools/postgres-local up). Each run
# records into a fresh database it makes and drops (the role needs CREATEDB) and a fresh file.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5 jobs=8 records=50 bin=build/bin url=
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --records) records=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --url) url=$2; shift 2 ;;
    *) sed -n '2,8p' "$0"; exit 2 ;;
  esac
done
url=${url:-$(tools/postgres-local url)}
flowbench=$(realpath "$bin/flowbench")
work=$(mktemp -d)
base=${url%/*}
database() { echo "${base}/$1"; }
psql_base() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 "$(database flowbench)" -c "$1" >/dev/null; }
cleanup() { psql_base "DROP DATABASE IF EXISTS fbbench WITH (FORCE)" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# One Google Benchmark JSON per record, each a different result.
mkdir -p "$work/data"
for ((j = 0; j < jobs; j++)); do
  for ((i = 0; i < records; i++)); do
    printf '{"context": {"date": "2026-01-01", "host_name": "bench", "executable": "b", "num_cpus": 2, "mhz_per_cpu": 1,
 "cpu_scaling_enabled": false, "caches": [], "library_build_type": "release"},
 "benchmarks": [{"name": "BM_Job%d", "run_name": "BM_Job%d", "run_type": "iteration", "repetitions": 1,
 "repetition_index": 0, "threads": 1, "iterations": 1, "real_time": %d.%02d, "cpu_time": 1, "time_unit": "ms"}]}\n' \
      "$j" "$j" "$((10 + j))" "$i" >"$work/data/j$j-$i.json"
  done
done

one_run() {  # one_run DB: prints "seconds results"
  local db=$1 start end j
  start=$(date +%s.%N)
  for ((j = 0; j < jobs; j++)); do
    (for ((i = 0; i < records; i++)); do
      "$flowbench" record "$work/data/j$j-$i.json" --db "$db" --commit "job$j-$i" --branch "job$j" --parents '' \
        --commit-time 1700000000 --clean >/dev/null || echo "job $j record $i failed" >&2
    done) &
  done
  wait
  end=$(date +%s.%N)
  local kept
  kept=$("$flowbench" history export --db "$db" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["results"]))')
  echo "$(python3 -c "print(f'{$end - $start:.2f}')") $kept"
}

declare -a pg_s sq_s
total=$((jobs * records))
echo "# $jobs jobs x $records records at once; $(nproc) CPUs; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for ((r = 1; r <= runs; r++)); do
  psql_base "DROP DATABASE IF EXISTS fbbench WITH (FORCE)"
  psql_base "CREATE DATABASE fbbench"
  read -r s kept < <(one_run "$(database fbbench)")
  pg_s+=("$s")
  echo "run $r postgresql: ${s} s, $(python3 -c "print(f'{$total / $s:.1f}')") records/s, $kept of $total kept"
  rm -f "$work/history.db"*
  read -r s kept < <(one_run "$work/history.db")
  sq_s+=("$s")
  echo "run $r sqlite:     ${s} s, $(python3 -c "print(f'{$total / $s:.1f}')") records/s, $kept of $total kept"
done
python3 - "$total" "${pg_s[*]}" "${sq_s[*]}" <<'EOF'
import statistics, sys
total = int(sys.argv[1])
pg = statistics.median(float(x) for x in sys.argv[2].split())
sq = statistics.median(float(x) for x in sys.argv[3].split())
print(f"median: postgresql {pg:.2f} s ({total / pg:.1f} records/s), sqlite {sq:.2f} s ({total / sq:.1f} records/s); "
      f"postgresql/sqlite time {pg / sq:.2f}")
EOF
