# CPU time helpers for the bench scripts (sourced). Ticks are utime + stime,
# /proc/<pid>/stat fields 14 and 15, in units of `getconf CLK_TCK`.

# ticks_of PID: the process's ticks so far (0 once it is gone).
ticks_of() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# db_ticks DATABASE: the ticks so far of the PostgreSQL backends connected to
# DATABASE (a service's pooled backends live as long as the service).
db_ticks() {
  local sum=0 p
  for p in $(psql -h 127.0.0.1 -U postgres -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$1'"); do
    sum=$((sum + $(ticks_of "$p")))
  done
  echo $sum
}

# cpu_per_op "LABEL BEFORE AFTER" … N WINDOW MEASURED: milliseconds of CPU per
# operation for each label, when the ticks span WINDOW seconds (warm-up and
# measured window) and N operations were counted in the MEASURED seconds.
cpu_per_op() {
  local args=("$@") n=${args[-3]} window=${args[-2]} measured=${args[-1]}
  unset 'args[-1]' 'args[-1]' 'args[-1]'
  printf '%s\n' "${args[@]}" | awk -v n="$n" -v w="$window" -v m="$measured" -v hz="$(getconf CLK_TCK)" '
    { ops = n * w / m; if (ops > 0) printf "%s%s %.3f", sep, $1, ($3 - $2) * 1000 / hz / ops; sep = "  " }
    END { print "" }'
}
