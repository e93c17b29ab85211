#!/usr/bin/env bash
# Runs a test command N times in a row while CPU burners keep every core busy, and reports how
# many runs passed: proof that the tests do not depend on how fast the machine is.
#
#   scripts/stress-tests.sh [N] [command…]         default: 5 runs of `npm test`
#   scripts/stress-tests.sh 5                       the whole suite (build + typecheck + vitest), 5 times
#   scripts/stress-tests.sh 30 npx vitest run src/clock/virtual-clock.test.ts
#
# Environment: BURNERS (default: the number of cores) busy-loop processes; LOG_DIR (default: a new
# temporary folder) keeps each run's output as run-<i>.log. Exit code 0 only when every run passed.
# The burners are this script's own children, killed by their process ids when it ends (also on
# Ctrl-C); nothing else is touched.
set -u

n=${1:-5}
case "$n" in '' | *[!0-9]* | 0) echo "usage: $0 [N≥1] [command…]" >&2; exit 2 ;; esac
shift $(($# > 0 ? 1 : 0))
if [ $# -eq 0 ]; then set -- npm test; fi

cores=$(node -p 'require("node:os").availableParallelism()')
burners=${BURNERS:-$cores}
log_dir=${LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/ucsp-stress-XXXXXX")}
mkdir -p "$log_dir"

pids=()
stop_burners() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  pids=()
}
trap stop_burners EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for _ in $(seq 1 "$burners"); do
  node -e 'for (;;) {}' &
  pids+=("$!")
done
echo "stress: $burners CPU burner(s) on $cores core(s) (pids ${pids[*]}); $n run(s) of: $*; logs in $log_dir"

passed=0
failed=0
for i in $(seq 1 "$n"); do
  started=$(date +%s)
  if "$@" >"$log_dir/run-$i.log" 2>&1; then
    passed=$((passed + 1))
    verdict=PASS
  else
    failed=$((failed + 1))
    verdict=FAIL
  fi
  summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log_dir/run-$i.log" | grep -aE '^ +(Test Files|Tests) ' | sed 's/^ *//; s/  */ /g' | tr '\n' ' ')
  echo "run $i/$n: $verdict in $(($(date +%s) - started)) s ${summary:+— $summary}(load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null))"
done

echo "stress: $passed passed, $failed failed of $n"
[ "$failed" -eq 0 ]
