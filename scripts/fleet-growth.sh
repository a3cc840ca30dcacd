#!/usr/bin/env bash
# How a simulated world's cost grows with its size: for each host count, runs a world of that many hosts once under
# the simulator with seed 42 and prints wall time, CPU time, peak RSS, the per-host figures and RSS per device (linear
# growth keeps them flat), and the run's trace hash; then runs it a second time with the same seed and says whether
# the trace hash came out the same (column same-hash: yes, or NO with the second hash; --once skips the second run). The world is written in the template form (docs/fleet.md, "Fleet
# scenarios"): 2 VMs per host, a blk and a net device per VM, 16 requests per device, vendors acme-vf and swift-vhost
# half and half. With --scenario FILE it runs FILE instead, with VIRTSIM_FLEET_HOSTS set to each host count (a template
# scenario whose count reads it, as scenarios/fleet-wave.conf does).
#
#   scripts/fleet-growth.sh [--scenario FILE] [--fidelity ring|flow] [--ring-sample SHARE] [--once] [HOSTS ...]
#                                                                     (default: ring, 100 300 1000)
#
# --fidelity flow runs every device at flow fidelity (docs/fleet.md, "Flow fidelity"); --ring-sample 0.01 then keeps
# 1% of them (chosen from the seed) at ring. Both apply to the generated world only. KEEP=DIR keeps the generated
# scenarios there.
#
# VIRTSIM names the command to run (default: the Release build of this tree, `dotnet .../virtsim.dll`); build it
# first with `dotnet build src/Virtsim.Cli -c Release`. Needs GNU time (/usr/bin/time, Debian package `time`).
#
# The runs use the GC settings docs/fleet.md recommends for long simulated runs (blocking collections, a 64 MiB gen0
# budget, ConserveMemory 9), given as DOTNET_ environment variables so that they apply to these runs only, not to
# cluster nodes, whose failure detector wants short pauses; a variable already set in the environment wins.
set -euo pipefail
export DOTNET_gcConcurrent=${DOTNET_gcConcurrent:-0}
export DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x4000000}
export DOTNET_GCConserveMemory=${DOTNET_GCConserveMemory:-9}
cd "$(dirname "$0")/.."
virtsim=${VIRTSIM:-dotnet src/Virtsim.Cli/bin/Release/net10.0/virtsim.dll}
[ -x /usr/bin/time ] || { echo "fleet-growth: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
given=
fidelity=ring
sample=0
again=yes
sizes=()
while [ $# -gt 0 ]; do
  case $1 in
    --scenario) [ $# -ge 2 ] && [ -f "$2" ] || { echo "fleet-growth: --scenario needs a scenario file" >&2; exit 2; }; given=$2; shift 2 ;;
    --fidelity) [[ ${2:-} =~ ^(ring|flow)$ ]] || { echo "fleet-growth: --fidelity takes ring or flow" >&2; exit 2; }; fidelity=$2; shift 2 ;;
    --once) again=no; shift ;;
    --ring-sample) [[ ${2:-} =~ ^(0|1|0?\.[0-9]+)$ ]] || { echo "fleet-growth: --ring-sample takes a share from 0 to 1" >&2; exit 2; }; sample=$2; shift 2 ;;
    *) sizes+=("$1"); shift ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(100 300 1000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

scenario() {
  cat <<EOF
scenario { name = fleet-growth, seed = 42, switch-latency = 1us, max-virtual-time = 10s, ring-sample = $sample }
defaults {
  device { fidelity = $fidelity }
  blk { requests = 16, block-size = 4096, queue-depth = 8, disk-sectors = 4096, queue-size = 128 }
  net { requests = 16, frame-size = 512, queue-depth = 8, queue-size = 128 }
}
vm-templates { vm { memory = 128MiB, devices = [
  { name = blk0, type = blk, transport = pci, vendor-mix = { acme-vf = 0.5, swift-vhost = 0.5 } }
  { name = net0, type = net, transport = pci, vendor-mix = { acme-vf = 0.5, swift-vhost = 0.5 } }
] } }
host-templates { host { vms = [ { template = vm, count = 2 } ] } }
hosts = [ { count = $1, template = host, name-prefix = h } ]
EOF
}

[ -n "$given" ] && echo "scenario $given" || echo "fidelity $fidelity, ring-sample $sample"
printf '%-7s %-9s %-9s %-10s %-12s %-12s %-13s %-18s %-10s %s\n' hosts wall-s cpu-s rss-MB cpu-ms/host rss-MB/host rss-KB/device trace-hash same-hash outcome
for n in "${sizes[@]}"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "fleet-growth: '$n' is not a host count" >&2; exit 2; }
  if [ -n "$given" ]; then file=$given; else file=$work/fleet-$n.conf; scenario "$n" > "$file"; fi
  [ -z "${KEEP:-}" ] || [ -n "$given" ] || cp "$file" "$KEEP/"
  VIRTSIM_FLEET_HOSTS=$n /usr/bin/time -f '%e %U %S %M' -o "$work/time" $virtsim run "$file" --json --quiet > "$work/out" 2> "$work/err" || true
  read -r wall user sys rss < "$work/time"
  # The run's outcome is the first "outcome" of the JSON line (migrations have their own after it). grep writes every
  # match to a file: piped into head, it died of SIGPIPE on a long line and pipefail added a "failed" line.
  tail -1 "$work/out" | grep -o '"outcome":"[a-z-]*"' > "$work/outcomes" || true
  outcome=$(head -1 "$work/outcomes")
  [ -n "$outcome" ] || outcome="failed: $(tail -1 "$work/err")"
  hash=$(tail -1 "$work/out" | grep -o '"traceHash":"[0-9a-f]*"' | cut -d'"' -f4 || true)
  same=-
  if [ "$again" = yes ]; then
    # The same world and seed again: the trace hash must repeat (only the hash is compared; time and RSS are the first run's).
    VIRTSIM_FLEET_HOSTS=$n $virtsim run "$file" --json --quiet > "$work/out2" 2> /dev/null || true
    hash2=$(tail -1 "$work/out2" | grep -o '"traceHash":"[0-9a-f]*"' | cut -d'"' -f4 || true)
    if [ -n "$hash" ] && [ "$hash" = "$hash2" ]; then same=yes; else same="NO:${hash2:--}"; fi
  fi
  awk -v n="$n" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v o="$outcome" -v h="${hash:--}" -v a="$same" \
    'BEGIN { printf "%-7d %-9.2f %-9.2f %-10.0f %-12.1f %-12.2f %-13.1f %-18s %-10s %s\n", n, w, u + s, r / 1024, (u + s) * 1000 / n, r / 1024 / n, r / (4 * n), h, a, o }'
done
