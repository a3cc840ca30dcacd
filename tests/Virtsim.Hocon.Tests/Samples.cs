namespace Virtsim.Hocon.Tests;

/// <summary>Realistic Virtsim configurations used by sample and property tests.</summary>
internal static class Samples
{
    public const string ClusterNode = """
        # Virtsim cluster node
        virtsim {
          node {
            name = "host-17"
            roles = [ compute, "migration-source" ]
            address { host = 10.0.3.17, port = 2552 }
            seed-nodes = [
              "virtsim://fleet@10.0.3.1:2552"
              "virtsim://fleet@10.0.3.2:2552",
            ]
          }
          dispatcher {
            mode = simulation      // or "threaded"
            seed = 424242
            throughput = 32
            tick = 1ms
          }
          persistence.journal {
            plugin = sqlite
            path = ${?VIRTSIM_DATA}"/journal.db"
            max-size = 512 MiB
          }
          mailbox.capacity = 10000
        }
        virtsim.dispatcher.throughput = 64
        """;

    public const string VendorCommon = """
        defaults {
          dma-latency = 800ns
          descriptors-in-parallel = 4
          features = [ VERSION_1, RING_PACKED ]
        }
        """;

    public const string VendorProfiles = """
        include "vendor-common.conf"
        vendors {
          acme-vf = ${defaults} {
            kind = hardware-vf
            device-types = [ net, blk ]
            features = ${defaults.features} [ NOTIFICATION_DATA ]
            quirks = [ "no-event-idx" ]
            interrupt-coalescing { usecs = 50, frames = 32 }
          }
          soft-vhost = ${defaults} {
            kind = vhost-user
            dma-latency = 2us
            socket = ${?XDG_RUNTIME_DIR}/virtsim/soft.sock
          }
          soft-vhost.features += EVENT_IDX
        }
        profile-order = [ acme-vf, soft-vhost ]
        """;

    public const string Scenario = """
        scenario {
          name = "wave migration with faults"
          seed = 7
          hosts = 2000
          vms-per-host = 12
          waves = [
            { at = 0s,   fraction = 0.1, from = acme-vf, to = soft-vhost }
            { at = 10 minutes, fraction = 0.5 }
            { at = 25m, fraction = 1.0, max-downtime = 300 ms }
          ]
          faults {
            doorbell { drop = 0.001, delay = 50us }
            crash-backend = [ { at = 12m, host = "host-17" } ]
          }
          report {
            title = Migration of ${scenario.hosts} hosts
            include-histograms = yes
            formats = [ json ]
            formats += html
          }
        }
        """;

    public static readonly string[] All = [ClusterNode, VendorProfiles, Scenario, VendorCommon];
}
