#!/usr/bin/env bash
# SubmitComplaint side by side: two builds of intake (e.g. the previous main
# and this one) against fresh databases, alternated, on PostgreSQL and SQLite,
# with pgbench running the same rows beside them. Prints one line per run.
#
#   tests/bench/submit.sh BASE_DIR NEW_DIR [ROUNDS]
#
# BASE_DIR and NEW_DIR each hold a release `redress-intake` and `redress`
# (cargo build --release -p redress-intake -p redress, copied aside).
# BACKENDS=sqlite runs SQLite only (no pgbench): for a base too old for the
# seeder's schema, with NEW_DIR's `redress` copied beside its intake.
#
# Every PostgreSQL database starts with SEED (default 100000) complaints of
# the same tenant from `redress bench seed`, ANALYZEd, as a live database is:
# on an empty table PostgreSQL caches generic plans for the pooled prepared
# statements that it keeps after the table has grown (a sequential scan for
# the player's complaints, 2.8 ms a submission at 5,000 rows), until
# autovacuum's first ANALYZE replans them; a 10 s run measures only that.
#
# Each run also prints the CPU intake and its PostgreSQL backends spent per
# request, and each round ends with the no-op RPC (`bench health`) against
# NEW_DIR's intake: the ceiling of the transport and the load generator on
# this machine, with no database.
set -euo pipefail
base=$1 new=$2 rounds=${3:-2}
here=$(cd "$(dirname "$0")" && pwd)
secret=bench-secret-0123456789
pg=postgres://postgres@127.0.0.1:5432
port=50171
duration=${DURATION:-10}
backends=${BACKENDS:-pg sqlite}
source "$here/cpu.sh"

fresh_pg() { # database: migrated, seeded, analyzed
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
  "$new/redress" bench seed --intake-db "$pg/$1" --complaints "${SEED:-100000}" --tenant bench >/dev/null 2>&1
  psql -h 127.0.0.1 -U postgres -d "$1" -qc "ANALYZE"
}

run() { # label dir backend [scenario]
  local label=$1 dir=$2 backend=$3 scenario=${4:-submit} url
  if [[ $backend == pg ]]; then
    fresh_pg bench_submit
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
  local before="$(ticks_of $pid) $(db_ticks bench_submit)"
  local out; out=$("$dir/redress" bench "$scenario" --target http://127.0.0.1:$port --token "$token" \
    --concurrency 32 --duration-secs "$duration" --warmup-secs 2)
  local after="$(ticks_of $pid) $(db_ticks bench_submit)" svc0 db0 svc1 db1
  kill "$pid"; wait "$pid" 2>/dev/null || true
  read -r svc0 db0 <<<"$before"; read -r svc1 db1 <<<"$after"
  local ok; ok=$(sed -n 's/^requests .*(ok \([0-9]*\),.*/\1/p' <<<"$out")
  printf '%-5s %-6s %-7s %s | %s | cpu ms/req %s\n' "$label" "$backend" "$scenario" "$(grep throughput <<<"$out")" \
    "$(grep 'latency ms' <<<"$out")" "$(cpu_per_op "intake $svc0 $svc1" "pg $db0 $db1" "${ok:-0}" $((duration + 2)) "$duration")"
}

pgbench_run() { # script
  fresh_pg bench_pgbench
  local out; out=$(pgbench -h 127.0.0.1 -U postgres -n -M prepared -c 32 -j 2 -T "$duration" -f "$here/pgbench/$1.sql" bench_pgbench 2>&1)
  printf '%-22s %s | %s\n' "pgbench $1" "$(grep -E '^tps' <<<"$out" | cut -d' ' -f1-3)" "$(grep 'latency average' <<<"$out")"
}

for round in $(seq "$rounds"); do
  echo "# round $round"
  for backend in $backends; do
    run base "$base" $backend
    run new "$new" $backend
  done
  [[ $backends == *pg* ]] || continue
  run new "$new" pg health
  for script in submit-before submit-statements submit-cte submit submit-pipelined; do pgbench_run $script; done
done
