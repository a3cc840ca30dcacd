using Akka.Actor;
using Virtsim.Fleet.Configuration;
using Virtsim.Simulation.Environment;
using Virtsim.Simulation.Engine;
using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Vendors;

namespace Virtsim.Fleet.Tests.Backends;

/// <summary>One net backend between a probe "device" and a probe "switch", on the simulation dispatcher.</summary>
public class NetBackendActorTests
{
    private static readonly VendorTiming Timing = new()
    {
        PerRequestCost = TimeSpan.FromMicroseconds(10),
        PerKibCost = TimeSpan.FromTicks(100),
        BackendWakeupCost = TimeSpan.FromMicroseconds(8),
        ParallelTransactions = 4,
    };

    private const int FrameBytes = 512;

    private sealed class Probe : ReceiveActor
    {
        public Probe(List<(long Ticks, object Message, IActorRef Sender)> inbox) =>
            ReceiveAny(m => inbox.Add((Context.Clock().Elapsed.Ticks, m, Sender)));
    }

    private sealed class Rig : IDisposable
    {
        public readonly Simulator Sim = new(1);
        public readonly ActorSystem System;
        public readonly FleetMetrics Metrics = new();
        public readonly List<(long Ticks, object Message, IActorRef Sender)> AtSwitch = [];
        public readonly List<(long Ticks, object Message, IActorRef Sender)> AtDevice = [];
        public readonly IActorRef Switch, Device, Backend;

        public Rig(BackendKind kind)
        {
            System = Sim.CreateSystem("t", FleetReference.Akka);
            Switch = System.ActorOf(Props.Create(() => new Probe(AtSwitch)), "switch");
            Device = System.ActorOf(Props.Create(() => new Probe(AtDevice)), "device");
            var device = Device.Path;
            Backend = System.ActorOf(Props.Create(() => new NetBackendActor(kind, Timing, Switch, device, Metrics)), "backend");
        }

        public void RunUntil(Func<bool> done) => Sim.RunUntil(done, TimeSpan.FromMilliseconds(10));

        public void Dispose() => Sim.Dispose();
    }

    private static FrameMessage Frame(byte id)
    {
        var f = new byte[FrameBytes];
        f[14] = id;
        return new FrameMessage(f);
    }

    private static long Service => new BackendServiceModel(BackendKind.InHypervisor, Timing).ServiceTicks(FrameBytes);

    [Fact]
    public void In_hypervisor_forwards_device_frames_to_the_switch_one_after_another_as_the_same_objects()
    {
        using var rig = new Rig(BackendKind.InHypervisor);
        var frames = new[] { Frame(1), Frame(2), Frame(3) };
        foreach (var f in frames) rig.Backend.Tell(f, rig.Device);
        rig.RunUntil(() => rig.AtSwitch.Count == 3);

        Assert.Equal([Service, 2 * Service, 3 * Service], rig.AtSwitch.Select(m => m.Ticks));
        for (int i = 0; i < 3; i++)
        {
            Assert.Same(frames[i], rig.AtSwitch[i].Message);          // forwarded, not copied
            Assert.Equal(rig.Backend, rig.AtSwitch[i].Sender);          // the switch sees the backend as the port
        }
        Assert.Empty(rig.AtDevice);
    }

    [Fact]
    public void Frames_from_the_switch_go_to_the_device_and_share_the_worker_with_transmits()
    {
        using var rig = new Rig(BackendKind.InHypervisor);
        var tx = Frame(1);
        var rx = Frame(2);
        rig.Backend.Tell(tx, rig.Device);
        rig.Backend.Tell(rx, rig.Switch);
        rig.RunUntil(() => rig.AtSwitch.Count == 1 && rig.AtDevice.Count == 1);

        Assert.Same(tx, rig.AtSwitch.Single().Message);
        Assert.Same(rx, rig.AtDevice.Single().Message);
        Assert.Equal(rig.Backend, rig.AtDevice.Single().Sender);
        // One worker thread: the received frame waits for the transmitted one.
        Assert.Equal(Service, rig.AtSwitch.Single().Ticks);
        Assert.Equal(2 * Service, rig.AtDevice.Single().Ticks);
    }

    [Fact]
    public void Vhost_user_pays_the_wakeup_when_idle_and_a_vf_serves_frames_in_parallel()
    {
        long wake = Timing.BackendWakeupCost.Ticks;
        using (var vhost = new Rig(BackendKind.VhostUser))
        {
            vhost.Backend.Tell(Frame(1), vhost.Device);
            vhost.Backend.Tell(Frame(2), vhost.Device);
            vhost.RunUntil(() => vhost.AtSwitch.Count == 2);
            Assert.Equal([wake + Service, wake + 2 * Service], vhost.AtSwitch.Select(m => m.Ticks));
        }
        using (var vf = new Rig(BackendKind.HardwareVf))
        {
            for (byte i = 0; i < 5; i++) vf.Backend.Tell(Frame(i), vf.Device);
            vf.RunUntil(() => vf.AtSwitch.Count == 5);
            Assert.Equal([Service, Service, Service, Service, 2 * Service], vf.AtSwitch.Select(m => m.Ticks).Order());
        }
    }

    [Fact]
    public void A_crash_drops_and_counts_the_held_frames_and_the_restarted_backend_forwards_again()
    {
        using var rig = new Rig(BackendKind.InHypervisor);
        rig.Backend.Tell(Frame(1), rig.Device);
        rig.Backend.Tell(Frame(2), rig.Switch);
        rig.Backend.Tell(new CrashBackend("test"), null);
        // Already in the mailbox behind the crash: served by the fresh incarnation, not lost.
        var after = Frame(3);
        rig.Backend.Tell(after, rig.Device);
        rig.RunUntil(() => rig.AtSwitch.Count == 1);
        rig.Sim.RunFor(TimeSpan.FromMicroseconds(200)); // nothing else comes

        Assert.Equal(1, rig.Metrics[FleetCounter.BackendCrashes]);
        Assert.Equal(2, rig.Metrics[FleetCounter.NetBackendFramesDropped]);
        Assert.Same(after, rig.AtSwitch.Single().Message);
        Assert.Empty(rig.AtDevice);
    }
}
