using Akka.Actor;
using Virtsim.Fleet.Messages.Doorbell;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Fleet.World;
using Virtsim.Simulation.Tracing;

namespace Virtsim.Fleet.Tests.Migrating;

/// <summary>
/// Small worlds with a live migration, written as scenarios (the keys `virtsim run` reads): h1/vm1 with a blk and a net
/// device migrates to h2 (or to the empty h3) while its workloads run; h2/vm2's net device exchanges frames with it. The hosts' NICs and the
/// migration's bandwidth are fast so that 128 MiB move in about 3 ms of virtual time, inside the workloads.
/// </summary>
internal static class MigrationWorlds
{
    public static string Scenario(string vendor, string transport = "pci", bool packed = false, string migration = "",
        string extra = "", string blk = "", string net = "", int blkRequests = 1500, int frames = 800, string dirtyRate = "16MiB/s",
        string to = "h2", string workingSet = "4MiB", bool withNet = true) => $$"""
        scenario { name = migration-test, max-virtual-time = 5s }
        hosts = [
          { name = h1, bandwidth = 80GiB/s, vms = [
            { name = vm1, memory = 128MiB, dirty-rate = {{dirtyRate}}, working-set = {{workingSet}}, devices = [
              { name = blk0, type = blk, vendor = {{vendor}}, transport = {{transport}}, packed = {{(packed ? "true" : "false")}}, requests = {{blkRequests}}, queue-depth = 4 {{blk}} }
              {{(withNet ? $"{{ name = net0, type = net, vendor = {vendor}, transport = {transport}, packed = {(packed ? "true" : "false")}, requests = {frames} {net} }}" : "")}}
            ] }
          ] }
          { name = h2, bandwidth = 80GiB/s, vms = [ {{(withNet ? $"{{ name = vm2, devices = [ {{ name = net0, type = net, vendor = swift-vhost, requests = {frames} }} ] }}" : "{ name = vm2 }")}} ] }
          { name = h3, bandwidth = 80GiB/s }
        ]
        migrations = [ { vm = "h1/vm1", to = {{to}}, at = 1ms, bandwidth = 40GiB/s {{migration}} } ]
        {{extra}}
        """;

    public static RunReport Run(string scenario, int seed, out FleetWorld world, out ArrivalCounter arrivals)
    {
        var spec = ScenarioLoader.Parse(scenario);
        var counter = new ArrivalCounter();
        arrivals = counter;
        return FleetRunner.Run(spec, seed, new RunOptions { Inspect = (_, sim) => sim.Observe(counter) }, out world);
    }
}

/// <summary>Counts doorbells and frames each device endpoint (by actor path below /user) received.</summary>
internal sealed class ArrivalCounter : IDeliveryObserver
{
    public Dictionary<string, int> Doorbells { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> Frames { get; } = new(StringComparer.Ordinal);

    public void OnDelivered(TimeSpan at, IActorRef sender, IActorRef receiver, object message)
    {
        var counts = message switch
        {
            DoorbellMessage => Doorbells,
            FrameMessage => Frames,
            _ => null,
        };
        if (counts is null) return;
        string path = receiver.Path.ToStringWithoutAddress();
        counts[path] = counts.GetValueOrDefault(path) + 1;
    }
}
