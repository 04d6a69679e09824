#!/usr/bin/env bash
# Instruction counts of the speed benchmarks, from valgrind's callgrind: the same binary on the
# same input gives the same count whatever else the machine is doing, where wall-clock figures on
# a shared machine move by ±20% (README, "Speed"). Give two binaries to compare builds side by
# side; each run's output is compared too (`cmp`), since a change meant to be faster only must
# leave every figure of the report as it was.
#
#   cargo build --release && bash benches/instructions.sh                     # this build
#   cp target/release/callwright /tmp/before   # ... change, rebuild ...
#   bash benches/instructions.sh /tmp/before target/release/callwright        # side by side
#
# Prints, per binary: M/M/50 instructions per call (a 200,000-call run less a 10,000-call one, so
# start-up does not count), the acme x100 day's whole run, and the ratios the growth goals are
# about (10 -> 10,000 agents and 1 -> 100 skills, 200,000 calls each). Takes ~10 minutes per
# binary; runs two valgrinds at a time. Counts repeat to within a few thousand instructions (the
# environment and the binary's path move them that much), so compare builds in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is missing (apt-get install valgrind)" >&2; exit 2; }
bins=("$@")
[[ ${#bins[@]} -gt 0 ]] || bins=(target/release/callwright)
for b in "${bins[@]}"; do
  [[ -x $b ]] || { echo "no binary at $b: cargo build --release" >&2; exit 2; }
done
out=target/bench/instructions
mkdir -p "$out"
for n in 1 100; do python3 benches/skills_scenario.py "$n" "target/bench/skills/$n" >/dev/null; done

runs=(
  "mmc200|simulate flows/bench/mmc.yaml --calls 200000 --agents 50 --arrival-rate 45/s --aht 1s --format json"
  "mmc10|simulate flows/bench/mmc.yaml --calls 10000 --agents 50 --arrival-rate 45/s --aht 1s --format json"
  "acme|simulate flows/acme/scale100.yaml --format json"
  "agents10|simulate flows/bench/mmc.yaml --calls 200000 --agents 10 --arrival-rate 9/s --aht 1s --format json"
  "agents10000|simulate flows/bench/mmc.yaml --calls 200000 --agents 10000 --arrival-rate 9000/s --aht 1s --format json"
  "skills1|simulate target/bench/skills/1/scenario.yaml --calls 200000 --format json"
  "skills100|simulate target/bench/skills/100/scenario.yaml --calls 200000 --format json"
)

# One callgrind run: BINARY-INDEX NAME ARGS...; its count goes to $out/INDEX-NAME.count.
measure() {
  local i=$1 name=$2
  shift 2
  valgrind --tool=callgrind --callgrind-out-file="$out/$i-$name.cg" "${bins[$i]}" "$@" >"$out/$i-$name.json" 2>/dev/null
  grep -m1 '^summary:' "$out/$i-$name.cg" | awk '{print $2}' >"$out/$i-$name.count"
}

jobs=()
for i in "${!bins[@]}"; do
  for r in "${runs[@]}"; do jobs+=("$i|$r"); done
done
for ((j = 0; j < ${#jobs[@]}; j += 2)); do
  for k in $j $((j + 1)); do
    [[ $k -lt ${#jobs[@]} ]] || continue
    IFS='|' read -r i name args <<<"${jobs[$k]}"
    # shellcheck disable=SC2086 # the arguments are words
    measure "$i" "$name" $args &
  done
  wait
done

count() { cat "$out/$1-$2.count"; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
for i in "${!bins[@]}"; do
  per_call=$(( ($(count "$i" mmc200) - $(count "$i" mmc10)) / 190000 ))
  agents=$(div "$(count "$i" agents10000)" "$(count "$i" agents10)")
  skills=$(div "$(count "$i" skills100)" "$(count "$i" skills1)")
  echo "${bins[$i]}:"
  echo "  M/M/50: $per_call instructions per call"
  echo "  acme x100: $(count "$i" acme) instructions for the whole run"
  echo "  10 -> 10,000 agents: $(count "$i" agents10) -> $(count "$i" agents10000) (x$agents; goal x1.5)"
  echo "  1 -> 100 skills: $(count "$i" skills1) -> $(count "$i" skills100) (x$skills; goal x1.5)"
done
if [[ ${#bins[@]} -eq 2 ]]; then
  echo "side by side (second / first), outputs compared:"
  for r in "${runs[@]}"; do
    name=${r%%|*}
    ratio=$(div "$(count 1 "$name")" "$(count 0 "$name")")
    same=$(cmp -s "$out/0-$name.json" "$out/1-$name.json" && echo "same output" || echo "OUTPUT DIFFERS")
    echo "  $name: x$ratio, $same"
  done
fi
