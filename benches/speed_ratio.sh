#!/usr/bin/env bash
# Side-by-side speed of the M/M/50 benchmark (ρ = 0.9): callwright, the bare floor
# (examples/mmc_floor.rs) and SimPy (benches/simpy_mmc.py), in interleaved rounds so the shared
# machine's noise falls on all three alike; then the cost per call as the center grows, 10 to
# 10,000 agents at the same load, as the skills grow from 1 to 100 (benches/skills_scenario.py), and
# 2 replications on 2 cores against one.
#
#   cargo build --release --examples && pip install simpy && bash benches/speed_ratio.sh [ROUNDS]
#
# Prints each round's calls/s and the ratios' min / median / max.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
cw=target/release/callwright
floor=target/release/examples/mmc_floor
[[ -x $cw && -x $floor ]] || { echo "build first: cargo build --release --examples" >&2; exit 2; }
python3 -c 'import simpy' 2>/dev/null || { echo "SimPy is missing: pip install simpy" >&2; exit 2; }

# calls/s from the last number before "calls/s" on a line of the given output.
rate() { grep -o '[0-9.]* calls/s' | tail -1 | cut -d' ' -f1; }
stats() { sort -g | awk '{a[NR]=$1} END {printf "min %.2f  median %.2f  max %.2f\n", a[1], a[int((NR+1)/2)], a[NR]}'; }

mmc=(simulate flows/bench/mmc.yaml --calls 1000000 --agents 50 --arrival-rate 45/s --aht 1s)
vs_simpy=(); vs_floor=()
for r in $(seq "$rounds"); do
  c=$($cw "${mmc[@]}" 2>&1 >/dev/null | rate)
  f=$($floor 10000000 | rate)
  p=$(python3 benches/simpy_mmc.py 200000 | rate)
  echo "round $r: callwright $c calls/s, floor $f calls/s, SimPy $p calls/s"
  vs_simpy+=("$(echo "$c / $p" | bc -l)"); vs_floor+=("$(echo "$f / $c" | bc -l)")
done
echo "callwright / SimPy:   $(printf '%s\n' "${vs_simpy[@]}" | stats)"
echo "floor / callwright:   $(printf '%s\n' "${vs_floor[@]}" | stats)"

echo
echo "cost per call as the center grows (ρ = 0.9, AHT 1 s, 1M calls; min of $rounds rounds):"
for n in 10 100 1000 10000; do
  best=0
  for r in $(seq "$rounds"); do
    c=$($cw simulate flows/bench/mmc.yaml --calls 1000000 --agents "$n" --arrival-rate "$(echo "0.9 * $n" | bc -l)/s" --aht 1s 2>&1 >/dev/null | rate)
    best=$(echo "if ($c > $best) $c else $best" | bc -l)
  done
  printf '  %6d agents: %10.0f calls/s  %6.3f µs per call\n' "$n" "$best" "$(echo "1000000 / $best" | bc -l)"
done

echo
echo "replications on every core (4 × 500k calls of M/M/50):"
TIMEFORMAT=%R
# The same model with 500k calls per replication (clap refuses `--calls` given twice).
reps=(simulate flows/bench/mmc.yaml --calls 500000 --agents 50 --arrival-rate 45/s --aht 1s --replications 4)
for r in $(seq "$rounds"); do
  one=$( { time $cw "${reps[@]}" --threads 1 >/dev/null 2>&1; } 2>&1 )
  two=$( { time $cw "${reps[@]}" --threads 2 >/dev/null 2>&1; } 2>&1 )
  echo "  round $r: 1 thread $one s, 2 threads $two s: ×$(echo "$one / $two" | bc -l | cut -c1-4)"
done

echo
echo "cost per call as the skills grow (100 agents with 3 skills each, rho = 0.9, 1M calls; min of $rounds rounds):"
skills_dir=target/bench/skills
for n in 1 10 30 100; do
  python3 benches/skills_scenario.py "$n" "$skills_dir/$n"
  best=0
  for r in $(seq "$rounds"); do
    c=$($cw simulate "$skills_dir/$n/scenario.yaml" 2>&1 >/dev/null | rate)
    best=$(echo "if ($c > $best) $c else $best" | bc -l)
  done
  printf '  %6d skills: %10.0f calls/s  %6.3f µs per call\n' "$n" "$best" "$(echo "1000000 / $best" | bc -l)"
done
