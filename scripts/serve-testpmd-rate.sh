#!/usr/bin/env bash
# Frames per second of `virtsim vhost-user serve` (its own process) against DPDK's virtio driver in dpdk-testpmd
# (net_virtio_user), for each forward mode (txonly, rxonly, io) and ring format (split, packed).
#
#   scripts/serve-testpmd-rate.sh [RUNS [SECONDS]]        (defaults: 3 runs of 6 s each)
#
# VIRTSIM names the command to run (default: the Release build of this tree, `dotnet .../virtsim.dll`); MODES the
# forward modes (default "txonly rxonly io"; rxonly and io need serve's --inject-frames).
# testpmd runs with --stats-period 1, so it forwards until SIGINT whatever its stdin (without it and without -i,
# testpmd stops forwarding as soon as it reads end of file on stdin), and prints its own per-second rates. A run's
# rate is the mean of testpmd's per-second rates after 2 s of warm-up: Tx-pps for txonly (frames serve took) and io
# (frames that went to the driver and came back), Rx-pps for rxonly (frames serve delivered). Printed per mode and
# format: each run's rate and the median.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
seconds=${2:-6}
virtsim=${VIRTSIM:-dotnet src/Virtsim.Cli/bin/Release/net10.0/virtsim.dll}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One run: prints the mean rate.
run_once() {
  local mode=$1 packed=$2 socket=$work/v.sock inject=()
  [ "$mode" != txonly ] && inject=(--inject-frames 1000000000000)
  rm -f "$socket"
  $virtsim vhost-user serve --socket "$socket" --device net "${inject[@]}" >"$work/serve.out" 2>&1 &
  local serve=$!
  for _ in $(seq 600); do [ -S "$socket" ] && break; sleep 0.05; done
  timeout -s INT $((seconds + 3)) dpdk-testpmd -l 0,1 --main-lcore 1 --file-prefix="virtsim-rate-$$" --no-huge -m 1024 \
    --no-pci --no-telemetry --vdev "net_virtio_user0,path=$socket,queues=1,packed_vq=$packed" \
    -- --forward-mode="$mode" --nb-cores=1 --stats-period 1 </dev/null >"$work/testpmd.out" 2>&1 || true
  kill -TERM "$serve"; wait "$serve" || true
  local field=Tx-pps; [ "$mode" = rxonly ] && field=Rx-pps
  awk -v f="$field:" '$1 == f { n++; if (n > 2) { s += $2; k++ } } END { printf "%d\n", k ? s / k : 0 }' "$work/testpmd.out"
}

for mode in ${MODES:-txonly rxonly io}; do
  for packed in 0 1; do
    rates=()
    for _ in $(seq "$runs"); do rates+=("$(run_once "$mode" "$packed")"); done
    median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    format=split; [ "$packed" = 1 ] && format=packed
    printf '%-7s %-7s runs: %-40s median: %s frames/s\n' "$mode" "$format" "${rates[*]}" "$median"
  done
done
