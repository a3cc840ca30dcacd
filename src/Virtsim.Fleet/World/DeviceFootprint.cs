using System.Globalization;
using System.Text;
using Akka.Actor;
using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Configuration;
using Virtsim.Fleet.Flow;
using Virtsim.Simulation.Engine;

namespace Virtsim.Fleet.World;

/// <summary>
/// What a device keeps in memory, measured as retained bytes (the live heap after full collections), not allocations:
/// a world of one host with <c>vms</c> VMs of one blk and one net device at one fidelity is built and brought up under
/// the simulator (every driver reaches DRIVER_OK; no load), the heap is measured, then every device actor and net
/// backend is stopped and the heap measured again. <see cref="Result.DeviceBytes"/> is what went away per device: the
/// device actor with its model, queues, DMA view, journal-less state and backend. <see cref="Result.WorldBytes"/> is the
/// whole world's growth per device (drivers, workloads, VMs and their guest pages touched included). The heap is the
/// process's: measure where nothing else runs (the bench command, a test collection that runs alone).
/// </summary>
public static class DeviceFootprint
{
    /// <summary>Retained bytes per device.</summary>
    /// <param name="DeviceBytes">The device alone: what stopping its device actor and backends frees.</param>
    /// <param name="WorldBytes">Everything the world keeps per device.</param>
    public sealed record Result(long DeviceBytes, long WorldBytes);

    /// <summary>Measures worlds of <paramref name="vms"/> VMs (2 devices each) at <paramref name="fidelity"/>.</summary>
    public static Result Measure(int vms, Fidelity fidelity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vms, 1);
        string f = fidelity == Fidelity.Flow ? "flow" : "ring";
        var text = new StringBuilder($"scenario {{ name = footprint }}\ndefaults {{ device {{ fidelity = {f}, requests = 0 }} }}\nhosts = [ {{ name = h, vms = [\n");
        for (var v = 0; v < vms; v++)
            text.Append(CultureInfo.InvariantCulture, $"  {{ name = vm{v}, devices = [ {{ name = blk0, type = blk, vendor = acme-vf }}, {{ name = net0, type = net, vendor = swift-vhost }} ] }}\n");
        text.Append("] } ]\n");
        var spec = ScenarioLoader.Parse(text.ToString());
        using var sim = new Simulator(1);
        var system = sim.CreateSystem("fleet", FleetReference.Akka);
        sim.RunUntilIdle();
        long before = LiveBytes();
        var world = FleetWorld.Build(system, spec);
        sim.RunFor(TimeSpan.FromMilliseconds(5)); // bring-up: every driver reaches DRIVER_OK and goes idle
        long built = LiveBytes();
        var host = system.ResolveLocal(system.UserGuardianPath().Child("h"));
        var stopped = new List<IActorRef>();
        foreach (var d in world.Devices)
        {
            string name = $"{d.Path.Split('/')[1]}-{d.Spec.Name}";
            stopped.Add(system.ResolveLocal(host.Path.Child(name)));
            if (d.Spec.Kind == Devices.DeviceKind.Net) stopped.Add(system.ResolveLocal(host.Path.Child(NetBackendActor.NameFor(name))));
        }
        foreach (var a in stopped) system.Stop(a);
        sim.RunFor(TimeSpan.FromMilliseconds(1));
        stopped.Clear();
        long without = LiveBytes();
        GC.KeepAlive(world);
        int n = world.Devices.Count;
        return new Result((built - without) / n, (built - before) / n);
    }

    private static long LiveBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
