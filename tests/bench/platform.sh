#!/usr/bin/env bash
# The four services as four processes on PostgreSQL (fresh databases), the
# notification service sending real e-mail to an SMTP server on loopback
# (aiosmtpd, accepting and discarding), and the platform scenarios against
# them, one after the other:
#
#   1. bench submit: intake's accept rate with the whole pipeline running;
#   2. bench pipeline at FRACTION (default 0.8) of that rate for DURATION s:
#      the lag until each acknowledgment is delivered over SMTP, each case
#      is opened and each analytics event is stored, and whether the backlog
#      stays bounded;
#   3. bench case-workflow: resolution's transitions, each timed.
#
#   tests/bench/platform.sh BIN_DIR [FRACTION]
#
# RATE=N offers N complaints/s in step 2 instead of FRACTION of step 1's rate
# (to search for the highest sustainable one); with SKIP_ACCEPT=1 too, step 1
# is skipped (its backlog, larger the faster intake accepts, would otherwise
# weigh on step 2 when the settle time is too short for it). SKIP_WORKFLOW=1
# skips step 3.
# After step 2 it prints the CPU time each part of the platform spent per
# complaint filed in that step (the four services, PostgreSQL, the SMTP
# server, and the rest of the machine: the load generator and anything else).
#
# BIN_DIR holds the release binaries redress-intake, redress-resolution,
# redress-notification, redress-feedback and redress (cargo build --release
# -p redress-intake -p redress-resolution -p redress-notification
# -p redress-feedback -p redress). aiosmtpd comes from PyPI into a venv.
set -euo pipefail
bin=$1 fraction=${2:-0.8}
duration=${DURATION:-60}
secret=bench-secret-0123456789
pg=postgres://postgres@127.0.0.1:5432
smtp_port=2525
# Below the ephemeral range (32768–60999): a peer that is not listening yet
# could otherwise meet a client socket that took its port (a self-connect).
declare -A port=([intake]=20251 [resolution]=20252 [notification]=20253 [feedback]=20254)
work=$(mktemp -d /tmp/bench-platform.XXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

venv=${SMTP_VENV:-/tmp/smtp-venv}
[[ -x $venv/bin/aiosmtpd ]] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q aiosmtpd; }
"$venv/bin/aiosmtpd" -n -l 127.0.0.1:$smtp_port -c aiosmtpd.handlers.Sink >"$work/smtp.log" 2>&1 &
pids+=($!)
declare -A svc_pid=([smtp]=$!)

for svc in intake resolution notification feedback; do
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS bench_$svc" -c "CREATE DATABASE bench_$svc"
done
peer() { echo "http://127.0.0.1:${port[$1]}"; }
start() { # service, then NAME=VALUE settings
  local svc=$1; shift
  local up=${svc^^}
  env "REDRESS_${up}__SERVER__LISTEN=127.0.0.1:${port[$svc]}" "REDRESS_${up}__AUTH__HS256_SECRET=$secret" \
    "REDRESS_${up}__DATABASE__URL=$pg/bench_$svc" RUST_LOG=warn "$@" "$bin/redress-$svc" >"$work/$svc.log" 2>&1 &
  pids+=($!)
  svc_pid[$svc]=$!
}
# CPU clock ticks (utime + stime, /proc/<pid>/stat fields 14 and 15) spent so
# far by each part, one "part ticks" line each. PostgreSQL's backends are
# summed per database ("pg:bench_intake", …; the services' pooled backends
# live through a run), its other processes (WAL writer, checkpointer,
# autovacuum, …) as "pg:server".
source "$(dirname "$0")/cpu.sh"
cpu_ticks() {
  local part pid
  declare -A db_of=() pg=()
  for part in intake resolution notification feedback smtp; do echo "$part $(ticks_of "${svc_pid[$part]}")"; done
  while IFS='|' read -r pid db; do db_of[$pid]=$db; done < <(psql -h 127.0.0.1 -U postgres -Atc \
    "SELECT pid, datname FROM pg_stat_activity WHERE datname LIKE 'bench\_%'")
  for pid in $(pgrep -x postgres); do
    part=pg:${db_of[$pid]:-server}
    pg[$part]=$(( ${pg[$part]:-0} + $(ticks_of "$pid") ))
  done
  for part in pg:server pg:bench_intake pg:bench_resolution pg:bench_notification pg:bench_feedback; do
    echo "$part ${pg[$part]:-0}"
  done
  awk '/^cpu / {print "machine", $2 + $3 + $4 + $7 + $8}' /proc/stat
}
filed() { psql -h 127.0.0.1 -U postgres -d bench_intake -Atc "SELECT count(*) FROM complaints"; }
start intake REDRESS_INTAKE__OUTBOX__PEERS__RESOLUTION__URL="$(peer resolution)" \
  REDRESS_INTAKE__OUTBOX__PEERS__NOTIFICATION__URL="$(peer notification)" \
  REDRESS_INTAKE__OUTBOX__PEERS__FEEDBACK__URL="$(peer feedback)"
start resolution REDRESS_RESOLUTION__OUTBOX__PEERS__INTAKE__URL="$(peer intake)" \
  REDRESS_RESOLUTION__OUTBOX__PEERS__NOTIFICATION__URL="$(peer notification)" \
  REDRESS_RESOLUTION__OUTBOX__PEERS__FEEDBACK__URL="$(peer feedback)"
start notification REDRESS_NOTIFICATION__EMAIL__TRANSPORT=smtp REDRESS_NOTIFICATION__EMAIL__SMTP_HOST=127.0.0.1 \
  REDRESS_NOTIFICATION__EMAIL__SMTP_PORT=$smtp_port REDRESS_NOTIFICATION__EMAIL__SMTP_TLS=none
start feedback REDRESS_FEEDBACK__OUTBOX__PEERS__RESOLUTION__URL="$(peer resolution)" \
  REDRESS_FEEDBACK__OUTBOX__PEERS__NOTIFICATION__URL="$(peer notification)"

token=$("$bin/redress" token --secret $secret --tenant bench --subject bench-lead \
  --role backend,agent,supervisor,analyst,admin)
for svc in intake resolution notification feedback; do
  for _ in $(seq 100); do
    (: </dev/tcp/127.0.0.1/"${port[$svc]}") 2>/dev/null && break
    sleep 0.1
  done
done

if [[ -n ${RATE:-} && -n ${SKIP_ACCEPT:-} ]]; then
  # Step 2 on an empty pipeline: no closed-loop backlog to settle, so two
  # builds at one RATE start alike.
  target=$RATE
else
  echo "# 1. intake's accept rate with the pipeline running (closed loop, c=32, 20 s)"
  out=$("$bin/redress" bench submit --target "$(peer intake)" --token "$token" --concurrency 32 \
    --duration-secs 20 --warmup-secs 2)
  echo "$out"
  rate=$(awk '/^throughput/ {print $2}' <<<"$out")
  target=${RATE:-$(python3 -c "print(max(1, int(float('$rate') * $fraction)))")}
  # One complaint at the back of the closed loop's backlog: its acknowledgment
  # arrives once the relays have worked through everything before it.
  echo "# settling the backlog the closed loop left (60 s at most)"
  "$bin/redress" bench pipeline --target "$(peer intake)" --notification "$(peer notification)" --token "$token" \
    --rate 1 --duration-secs 1 --warmup-secs 0 --settle-secs 60 >/dev/null 2>&1 || true
fi

echo "# 2. the pipeline: $target complaints/s for $duration s"
before_ticks=$(cpu_ticks) before_filed=$(filed)
"$bin/redress" bench pipeline --target "$(peer intake)" --notification "$(peer notification)" --token "$token" \
  --rate "$target" --duration-secs "$duration" --warmup-secs 0 --concurrency 64 --settle-secs 60 \
  --feedback-db "$pg/bench_feedback" || true
after_ticks=$(cpu_ticks) after_filed=$(filed)
echo "# CPU per complaint filed in step 2 ($((after_filed - before_filed)) complaints, ms; ticks of $(getconf CLK_TCK)/s)"
join <(sort <<<"$before_ticks") <(sort <<<"$after_ticks") | awk -v n=$((after_filed - before_filed)) -v hz="$(getconf CLK_TCK)" -v cpus="$(nproc)" '
  { spent[$1] = ($3 - $2) * 1000 / hz; if ($1 != "machine") parts += spent[$1] }
  END {
    for (p in spent) if (p != "machine") printf "%-22s %7.2f\n", p, spent[p] / n
    printf "%-22s %7.2f\n", "rest", (spent["machine"] - parts) / n
    printf "%-22s %7.2f (the machine has %d CPU ms per second)\n", "all", spent["machine"] / n, 1000 * cpus
  }'

[[ -n ${SKIP_WORKFLOW:-} ]] && exit 0
echo "# 3. resolution's transitions (closed loop, c=16, 20 s)"
"$bin/redress" bench case-workflow --target "$(peer intake)" --resolution "$(peer resolution)" --token "$token" \
  --cases "${CASES:-3000}" --concurrency 16 --duration-secs 20 --warmup-secs 2 || true
echo "# e-mails accepted by the SMTP server: see $work/smtp.log; service logs in $work"
