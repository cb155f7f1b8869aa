#!/usr/bin/env bash
# The whole pipeline on `redress dev` (the four services in one process, on
# SQLite, e-mails written as files): intake's accept rate with the pipeline
# running, then the pipeline at FRACTION (default 0.8) of it, or at RATE, for
# DURATION s: the lag until each acknowledgment is delivered, each case is
# opened and each analytics event is stored. RATE with SKIP_ACCEPT=1 skips
# the accept-rate step and its backlog.
#
#   tests/bench/dev.sh BIN_DIR [FRACTION]
#
# BIN_DIR holds a release `redress` (cargo build --release -p redress).
set -euo pipefail
bin=$1 fraction=${2:-0.8}
duration=${DURATION:-60}
data=$(mktemp -d /tmp/bench-dev.XXXX)
"$bin/redress" dev --data-dir "$data" >"$data/dev.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 100); do grep -q '^Development tokens' "$data/dev.log" && break; sleep 0.1; done
token=$(awk '$1 == "admin" {print $2}' "$data/dev.log")
intake=http://127.0.0.1:50051 notification=http://127.0.0.1:50053

if [[ -n ${RATE:-} && -n ${SKIP_ACCEPT:-} ]]; then
  # Step 2 on an empty pipeline (see platform.sh).
  target=$RATE
else
  echo "# 1. intake's accept rate with the pipeline running (closed loop, c=32, 10 s)"
  out=$("$bin/redress" bench submit --target $intake --token "$token" --concurrency 32 --duration-secs 10 --warmup-secs 2)
  echo "$out"
  rate=$(awk '/^throughput/ {print $2}' <<<"$out")
  target=${RATE:-$(python3 -c "print(max(1, int(float('$rate') * $fraction)))")}
  echo "# settling the backlog the closed loop left (60 s at most)"
  "$bin/redress" bench pipeline --target $intake --notification $notification --token "$token" \
    --rate 1 --duration-secs 1 --warmup-secs 0 --settle-secs 60 >/dev/null 2>&1 || true
fi

echo "# 2. the pipeline: $target complaints/s for $duration s"
"$bin/redress" bench pipeline --target $intake --notification $notification --token "$token" \
  --rate "$target" --duration-secs "$duration" --warmup-secs 0 --concurrency 64 --settle-secs 60 \
  --feedback-db "sqlite://$data/feedback.db"
