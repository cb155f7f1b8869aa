#!/usr/bin/env bash
# SubmitComplaint with the complaint-frequency rule on (the shipped policy)
# and off (the same policy with `complaints = 0`), alternated, each run on a
# fresh PostgreSQL database: what the rule costs a submission.
#
#   tests/bench/frequency.sh BIN_DIR [ROUNDS]
#
# BIN_DIR holds release `redress-intake` and `redress`.
set -euo pipefail
bin=$1 rounds=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
secret=bench-secret-0123456789 port=50171 duration=${DURATION:-12}
work=$(mktemp -d /tmp/bench-frequency.XXXX)
cp "$here/../../libs/policy/jurisdictions.toml" "$work/policy-on.toml"
sed 's/^complaints = [0-9]*/complaints = 0/' "$work/policy-on.toml" >"$work/policy-off.toml"
for round in $(seq "$rounds"); do
  for mode in on off; do
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS bench_frequency" -c "CREATE DATABASE bench_frequency"
    REDRESS_INTAKE__SERVER__LISTEN=127.0.0.1:$port REDRESS_INTAKE__AUTH__HS256_SECRET=$secret \
      REDRESS_INTAKE__POLICY_FILE="$work/policy-$mode.toml" RUST_LOG=warn \
      REDRESS_INTAKE__DATABASE__URL=postgres://postgres@127.0.0.1:5432/bench_frequency "$bin/redress-intake" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 100); do (: </dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
    token=$("$bin/redress" token --secret $secret --tenant bench --role backend)
    # 2,000 players: about three complaints each per run, so the count has
    # rows to count and some players reach the rule.
    out=$("$bin/redress" bench submit --target http://127.0.0.1:$port --token "$token" --concurrency 32 \
      --duration-secs "$duration" --warmup-secs 2 --players 2000)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    printf 'round %s rule %-3s %s | %s\n' "$round" $mode "$(grep throughput <<<"$out")" "$(grep 'latency ms' <<<"$out")"
  done
done
