#!/usr/bin/env bash
# How a simulated world's cost grows with its size: for each host count, runs a world of that many hosts once under
# the simulator with seed 42 and prints wall time, CPU time, peak RSS and the per-host figures (linear growth keeps
# them flat). The world is written in the template form (docs/fleet.md, "Fleet scenarios"): 2 VMs per host, a blk and
# a net device per VM, 16 requests per device, every ring in guest memory, vendors acme-vf and swift-vhost half and
# half. With --scenario FILE it runs FILE instead, with VIRTSIM_FLEET_HOSTS set to each host count (a template
# scenario whose count reads it, as scenarios/fleet-wave.conf does).
#
#   scripts/fleet-growth.sh [--scenario FILE] [HOSTS ...]        (default: 100 300 1000)
#
# VIRTSIM names the command to run (default: the Release build of this tree, `dotnet .../virtsim.dll`); build it
# first with `dotnet build src/Virtsim.Cli -c Release`. Needs GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
virtsim=${VIRTSIM:-dotnet src/Virtsim.Cli/bin/Release/net10.0/virtsim.dll}
[ -x /usr/bin/time ] || { echo "fleet-growth: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
given=
if [ "${1:-}" = --scenario ]; then
  [ $# -ge 2 ] && [ -f "$2" ] || { echo "fleet-growth: --scenario needs a scenario file" >&2; exit 2; }
  given=$2
  shift 2
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 300 1000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

scenario() {
  cat <<EOF
scenario { name = fleet-growth, seed = 42, switch-latency = 1us, max-virtual-time = 10s }
defaults {
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

printf '%-7s %-9s %-9s %-10s %-12s %-12s %s\n' hosts wall-s cpu-s rss-MB cpu-ms/host rss-MB/host outcome
for n in "${sizes[@]}"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "fleet-growth: '$n' is not a host count" >&2; exit 2; }
  if [ -n "$given" ]; then file=$given; else file=$work/fleet-$n.conf; scenario "$n" > "$file"; fi
  VIRTSIM_FLEET_HOSTS=$n /usr/bin/time -f '%e %U %S %M' -o "$work/time" $virtsim run "$file" --json --quiet > "$work/out" 2> "$work/err" || true
  read -r wall user sys rss < "$work/time"
  outcome=$(tail -1 "$work/out" | grep -o '"outcome":"[a-z-]*"' | head -1 || echo "failed: $(tail -1 "$work/err")")
  awk -v n="$n" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v o="$outcome" \
    'BEGIN { printf "%-7d %-9.2f %-9.2f %-10.0f %-12.1f %-12.2f %s\n", n, w, u + s, r / 1024, (u + s) * 1000 / n, r / 1024 / n, o }'
done
