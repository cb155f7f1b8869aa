#!/usr/bin/env bash
# ListComplaints or ListCases for every documented filter against one seeded
# database, with the given build's release redress-intake or
# redress-resolution:
#
#   tests/bench/list.sh complaints|cases BIN_DIR DATABASE_URL
#
# (seed first: redress bench seed --intake-db URL --complaints N, or
# --resolution-db URL --cases N). Each filter
# runs twice, closed loop at concurrency 4 over 2 connections, 1 s warm-up and
# DURATION (4) s measured: first pages only, then whole walks (each worker
# follows the page tokens to the end of the list and starts again, so the
# last pages count too). Prints one line per run: filter, pages, req/s,
# p50 / p99 ms. The service runs the build's migrations on start.
set -euo pipefail
list=$1 bin=$2 url=$3
case $list in
  complaints) svc=intake filters=(none category=account_closure channel=post jurisdiction=SE player=bench-player-7) ;;
  cases) svc=resolution filters=(none category=account_closure jurisdiction=SE player=bench-player-7 assignee=agent-3
    queue=accounts follow-up=true) ;;
  *) echo "usage: $0 complaints|cases BIN_DIR DATABASE_URL" >&2; exit 2 ;;
esac
up=${svc^^}
duration=${DURATION:-4}
secret=bench-secret-0123456789
port=50262
work=$(mktemp -d /tmp/bench-list.XXXX)
env "REDRESS_${up}__SERVER__LISTEN=127.0.0.1:$port" "REDRESS_${up}__AUTH__HS256_SECRET=$secret" \
  "REDRESS_${up}__DATABASE__URL=$url" RUST_LOG=warn "$bin/redress-$svc" >"$work/$svc.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 300); do (: </dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
token=$("$bin/redress" token --secret $secret --tenant bench-casino --subject bench-agent --role agent)
for filter in "${filters[@]}"; do
  args=()
  [[ $filter != none ]] && args=(--filter "$filter")
  for pages in 1 100000; do
    out=$("$bin/redress" bench "list-$list" --target http://127.0.0.1:$port --token "$token" "${args[@]}" \
      --pages $pages --concurrency 4 --connections 2 --warmup-secs 1 --duration-secs "$duration")
    awk -v f="$filter" -v p="$([[ $pages == 1 ]] && echo first || echo walk)" '
      /^throughput/ { rate = $2 }
      /^latency/ { for (i = 1; i < NF; i++) { if ($i == "p50") p50 = $(i + 1); if ($i == "p99") p99 = $(i + 1) } }
      END { printf "%-26s %-5s %8s req/s  p50 %6s  p99 %6s ms\n", f, p, rate, p50, p99 }' <<<"$out"
  done
done
