#!/usr/bin/env bash
# Resolution's transitions alone: redress-resolution as the only service, on
# a fresh PostgreSQL database and then a fresh SQLite file, its cases opened
# straight through the internal OpenCase (`bench case-workflow
# --open-cases`), then a closed loop working each case through assign →
# respond → propose → resolve at each concurrency of CONCURRENCY, every step
# timed. No peer is configured, so the outbox rows the transitions write wait
# (as they do while a peer is down): this is resolution's own cost, and after
# each run the CPU resolution and its database spent per transition.
#
#   tests/bench/resolution.sh BIN_DIR
#
# BIN_DIR holds the release binaries redress-resolution and redress.
# DURATION (default 20) seconds per run, CASES (default 6000) cases opened
# per run, CONCURRENCY (default "4 16") the closed loops' sizes, BACKENDS (default
# "postgres sqlite") which databases.
set -euo pipefail
bin=$1
duration=${DURATION:-20} cases=${CASES:-6000}
secret=bench-secret-0123456789
port=20262
work=$(mktemp -d /tmp/bench-resolution.XXXX)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

token=$("$bin/redress" token --secret $secret --tenant bench --subject bench-lead --role agent,supervisor,service)
source "$(dirname "$0")/cpu.sh"

for backend in ${BACKENDS:-postgres sqlite}; do
  for c in ${CONCURRENCY:-4 16}; do
    if [[ $backend == postgres ]]; then
      psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS bench_resolution_alone" \
        -c "CREATE DATABASE bench_resolution_alone"
      url=postgres://postgres@127.0.0.1:5432/bench_resolution_alone
    else
      rm -f "$work"/resolution.db*
      url="sqlite://$work/resolution.db?mode=rwc"
    fi
    REDRESS_RESOLUTION__SERVER__LISTEN=127.0.0.1:$port REDRESS_RESOLUTION__AUTH__HS256_SECRET=$secret \
      REDRESS_RESOLUTION__DATABASE__URL=$url RUST_LOG=warn "$bin/redress-resolution" >"$work/$backend-$c.log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do (: </dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done

    echo "# $backend, closed loop c=$c, $duration s"
    "$bin/redress" bench case-workflow --open-cases --resolution http://127.0.0.1:$port --token "$token" \
      --cases "$cases" --concurrency "$c" --duration-secs "$duration" --warmup-secs 2 >"$work/out" 2>&1 &
    bench=$!
    # The timed phase starts when the cases are ready.
    until grep -q 'cases prepared' "$work/out" || ! kill -0 $bench 2>/dev/null; do sleep 0.05; done
    before="$(ticks_of $pid) $(db_ticks bench_resolution_alone)"
    wait $bench || true
    after="$(ticks_of $pid) $(db_ticks bench_resolution_alone)"
    cat "$work/out"
    n=$(awk '/^transitions/ {print $2}' "$work/out")
    read -r svc0 db0 <<<"$before"; read -r svc1 db1 <<<"$after"
    echo "cpu ms per transition  $(cpu_per_op "resolution $svc0 $svc1" "database $db0 $db1" "${n:-0}" $((duration + 2)) "$duration")"
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  done
done
