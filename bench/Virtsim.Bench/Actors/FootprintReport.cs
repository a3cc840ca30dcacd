using System.Globalization;
using System.Text;
using Akka.Actor;
using Virtsim.Fleet.Configuration;
using Virtsim.Fleet.Flow;
using Virtsim.Fleet.World;
using Virtsim.Simulation.Engine;

namespace Virtsim.Bench.Actors;

/// <summary>
/// <c>dotnet run -c Release --project bench/Virtsim.Bench -- footprint</c>: the memory an idle actor and an idle
/// device (with every actor the world gives it: endpoint, backend, driver, workload, its share of host and VM) keep,
/// measured as the growth of the live heap after a full collection, divided by the count. Retained bytes, not
/// allocations: what a fleet of idle devices costs.
/// </summary>
public static class FootprintReport
{
    /// <summary>Measures and prints both figures.</summary>
    public static void Print(TextWriter output)
    {
        const int actors = 100_000;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"idle actor, simulated: ActorBase {IdleActorBytes(Props.Create<Ponger>(), actors):N0} bytes, ReceiveActor {IdleActorBytes(Props.Create<ReceivePonger>(), actors):N0} bytes each ({actors:N0} actors)"));
        const int vms = 100;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"idle device (blk + net per VM, all their actors, rings and guest pages touched): {IdleDeviceBytes(vms):N0} bytes each ({2 * vms} devices)"));
        foreach (var fidelity in new[] { Fidelity.Ring, Fidelity.Flow })
        {
            var r = DeviceFootprint.Measure(vms, fidelity);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"device at {fidelity.ToString().ToLowerInvariant()}: {r.DeviceBytes:N0} bytes the device keeps (device actor, model, queues, backends), {r.WorldBytes:N0} bytes with its driver, workload and VM share ({2 * vms} devices)"));
        }
    }

    /// <summary>Retained bytes per idle actor made from <paramref name="props"/> that received one message.</summary>
    public static long IdleActorBytes(Props props, int count)
    {
        using var sim = new Simulator(1);
        var system = sim.CreateSystem("mem");
        sim.RunUntilIdle();
        var before = LiveBytes();
        var refs = new IActorRef[count];
        for (var i = 0; i < count; i++)
        {
            refs[i] = system.ActorOf(props, "a" + i);
            refs[i].Tell(Ball.Instance, ActorRefs.NoSender);
        }
        sim.RunUntilIdle();
        var after = LiveBytes();
        GC.KeepAlive(refs);
        return (after - before) / count;
    }

    /// <summary>Retained bytes per idle device: a world of one host with <paramref name="vms"/> VMs of one blk and one net device, brought up, no load.</summary>
    public static long IdleDeviceBytes(int vms)
    {
        var text = new StringBuilder("scenario { name = footprint }\nhosts = [ { name = h, vms = [\n");
        for (var v = 0; v < vms; v++)
            text.Append(CultureInfo.InvariantCulture, $"  {{ name = vm{v}, devices = [ {{ name = blk0, type = blk, vendor = acme-vf, requests = 0 }}, {{ name = net0, type = net, vendor = swift-vhost, requests = 0 }} ] }}\n");
        text.Append("] } ]\n");
        var spec = ScenarioLoader.Parse(text.ToString());
        using var sim = new Simulator(1);
        var system = sim.CreateSystem("fleet", FleetReference.Akka);
        sim.RunUntilIdle();
        var before = LiveBytes();
        var world = FleetWorld.Build(system, spec);
        sim.RunFor(TimeSpan.FromMilliseconds(5)); // bring-up: every driver reaches DRIVER_OK and goes idle
        var after = LiveBytes();
        GC.KeepAlive(world);
        return (after - before) / world.Devices.Count;
    }

    /// <summary>A ReceiveActor answering every ball, as the world's actors are built.</summary>
    private sealed class ReceivePonger : ReceiveActor
    {
        public ReceivePonger() => Receive<Ball>(b => Sender.Tell(b));
    }

    private static long LiveBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
