#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60) on the nightly toolchain, starting from the
# project's own flows and YAML files as seeds; prints what each found. Needs `cargo install
# cargo-fuzz`. A crash leaves its input in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-60}"
seed() { mkdir -p "corpus/$1"; shift; for f in "$@"; do cp -f "$f" "corpus/${target}/" 2>/dev/null || true; done; }
for target in parse_flow check_project center_yaml scenario_yaml test_file_yaml; do
  case "$target" in
    parse_flow|check_project) seed "$target" ../flows/*/*.flow ../tests/fixtures/diagnostics/*/main.flow ;;
    center_yaml) seed "$target" ../flows/*/center.yaml ;;
    scenario_yaml) seed "$target" ../flows/*/scenario.yaml ../flows/bench/*.yaml ;;
    test_file_yaml) seed "$target" ../flows/*/*.test.yaml ;;
  esac
  echo "== $target: ${secs}s"
  if cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$secs" -rss_limit_mb=4096 2>&1 | tail -4; then
    echo "== $target: no crash"
  else
    echo "== $target: CRASH (see fuzz/artifacts/$target/)"
  fi
done
