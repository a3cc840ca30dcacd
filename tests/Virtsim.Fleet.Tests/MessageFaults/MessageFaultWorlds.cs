using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.MessageFaults;

/// <summary>Small scenario texts with message faults, read through the scenario loader as a user's file would be.</summary>
internal static class MessageFaultWorlds
{
    /// <summary>
    /// Two hosts, each a VM with a blk and a net device (the nets exchange frames): host-a's are acme-vf (PCI),
    /// host-b's swift-vhost; then <paramref name="extra"/> (faults, defaults).
    /// </summary>
    public static string Text(string extra, int requests = 300) => $$"""
        scenario { name = message-faults, max-virtual-time = 5s }
        defaults {
          blk { requests = {{requests}}, queue-depth = 16, disk-sectors = 16384 }
          net { requests = {{requests}}, frame-size = 256, queue-depth = 16 }
        }
        hosts = [
          { name = host-a, vms = [ { name = vm-1, devices = [
              { name = blk0, type = blk, transport = pci, vendor = acme-vf }
              { name = net0, type = net, transport = pci, vendor = acme-vf } ] } ] }
          { name = host-b, vms = [ { name = vm-2, devices = [
              { name = blk0, type = blk, transport = pci, vendor = swift-vhost }
              { name = net0, type = net, transport = pci, vendor = swift-vhost } ] } ] }
        ]
        {{extra}}
        """;

    public static WorldSpec Spec(string extra, int requests = 300) => ScenarioLoader.Parse(Text(extra, requests), "faults.conf");

    public static RunReport Run(string extra, int seed = 5, int requests = 300) => FleetRunner.Run(Spec(extra, requests), seed);

    public static RunInvariant Invariant(RunReport report, string name) => report.Invariants.Single(i => i.Name == name);
}
