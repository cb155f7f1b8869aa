#!/usr/bin/env bash
# SubmitComplaint side by side: two builds of intake (e.g. the previous main
# and this one) against fresh databases, alternated, on PostgreSQL and SQLite,
# with pgbench running the same rows beside them. Prints one line per run.
#
#   tests/bench/submit.sh BASE_DIR NEW_DIR [ROUNDS]
#
# BASE_DIR and NEW_DIR each hold a release `redress-intake` and `redress`
# (cargo build --release -p redress-intake -p redress, copied aside).
set -euo pipefail
base=$1 new=$2 rounds=${3:-2}
here=$(cd "$(dirname "$0")" && pwd)
secret=bench-secret-0123456789
pg=postgres://postgres@127.0.0.1:5432
port=50171
duration=${DURATION:-10}

run() { # label dir backend
  local label=$1 dir=$2 backend=$3 url
  if [[ $backend == pg ]]; then
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS bench_submit" -c "CREATE DATABASE bench_submit"
    url=$pg/bench_submit
  else
    rm -rf /tmp/bench-submit && mkdir -p /tmp/bench-submit
    url="sqlite:///tmp/bench-submit/intake.db?mode=rwc"
  fi
  REDRESS_INTAKE__SERVER__LISTEN=127.0.0.1:$port REDRESS_INTAKE__AUTH__HS256_SECRET=$secret \
    REDRESS_INTAKE__DATABASE__URL=$url RUST_LOG=warn "$dir/redress-intake" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 100); do
    "$dir/redress" complaints list --intake http://127.0.0.1:$port \
      --token "$("$dir/redress" token --secret $secret --tenant bench --role backend)" >/dev/null 2>&1 && break
    sleep 0.1
  done
  local token; token=$("$dir/redress" token --secret $secret --tenant bench --role backend)
  local out; out=$("$dir/redress" bench submit --target http://127.0.0.1:$port --token "$token" \
    --concurrency 32 --duration-secs "$duration" --warmup-secs 2)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  printf '%-5s %-6s %s | %s\n' "$label" "$backend" "$(grep throughput <<<"$out")" "$(grep 'latency ms' <<<"$out")"
}

pgbench_run() { # script
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS bench_pgbench" -c "CREATE DATABASE bench_pgbench"
  REDRESS_INTAKE__DATABASE__URL=$pg/bench_pgbench REDRESS_INTAKE__AUTH__HS256_SECRET=$secret RUST_LOG=error \
    "$new/redress-intake" migrate >/dev/null
  local out; out=$(pgbench -h 127.0.0.1 -U postgres -n -M prepared -c 32 -j 2 -T "$duration" -f "$here/pgbench/$1.sql" bench_pgbench 2>&1)
  printf '%-22s %s | %s\n' "pgbench $1" "$(grep -E '^tps' <<<"$out" | cut -d' ' -f1-3)" "$(grep 'latency average' <<<"$out")"
}

for round in $(seq "$rounds"); do
  echo "# round $round"
  for backend in pg sqlite; do
    run base "$base" $backend
    run new "$new" $backend
  done
  for script in submit-before submit-statements submit submit-pipelined; do pgbench_run $script; done
done
