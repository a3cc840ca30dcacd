using Akka.Actor;
using Virtsim.Fleet.Messages.Flow;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Migration;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.Tests.Migrating;
using Virtsim.Fleet.World;
using Virtsim.Simulation.Tracing;
using static Virtsim.Fleet.Tests.Migrating.MigrationWorlds;

namespace Virtsim.Fleet.Tests.Flow;

public class FlowWorldTests
{
    // Two hosts, blk and net on each VM, every transport and ring kind, three vendors; `fidelity` per device.
    private static string World(string a, string b, string c, string d) => $$"""
        scenario { name = flow-test, max-virtual-time = 5s }
        defaults { blk { requests = 300, queue-depth = 8, disk-sectors = 8192 }, net { requests = 300, frame-size = 300 } }
        hosts = [
          { name = h1, vms = [ { name = v1, devices = [
            { name = blk0, type = blk, vendor = acme-vf, transport = pci, fidelity = {{a}} }
            { name = net0, type = net, vendor = acme-vf, transport = mmio, packed = true, fidelity = {{b}} }
          ] } ] }
          { name = h2, vms = [ { name = v2, devices = [
            { name = blk0, type = blk, vendor = swift-vhost, transport = mmio, packed = true, driver = poll, fidelity = {{c}} }
            { name = net0, type = net, vendor = qemu-emu, transport = pci, fidelity = {{d}} }
          ] } ] }
        ]
        """;

    private static void AssertCompleteAndDurable(RunReport report, FleetWorld world)
    {
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.Equal((0L, 0L, 0L, 0L), (report.Lost, report.Duplicates, report.IntegrityErrors, report.AckedWritesLost));
        foreach (var d in world.Devices)
        {
            Assert.True(d.Workload.Done, d.Path);
            if (d.Spec.Kind == Devices.DeviceKind.Blk)
            {
                Assert.Equal(d.Workload.Issued, d.Workload.Completed);
                Assert.NotEmpty(d.Workload.Blocks);
                AckedWrites.AssertDurable(world.Disk(d.Path), d.Spec, d.Workload.Blocks);
            }
            else Assert.Equal(300, d.Workload.Completed); // every frame meant for it arrived, once
        }
    }

    [Fact]
    public void A_flow_world_completes_with_nothing_lost_or_doubled_and_no_ring_traffic()
    {
        var counter = new MessageCounter();
        var report = FleetRunner.Run(ScenarioLoader.Parse(World("flow", "flow", "flow", "flow")), 3,
            new RunOptions { Inspect = (_, sim) => sim.Observe(counter) }, out var world);

        AssertCompleteAndDurable(report, world);
        // No ring in guest memory: no descriptor or ring DMA, no doorbell or interrupt message; batches instead.
        Assert.Equal(0, report[FleetCounter.DmaDescriptor] + report[FleetCounter.DmaRingIndex] + report[FleetCounter.DmaRingEntry]);
        Assert.Equal(0, counter.Count("DoorbellMessage") + counter.Count("InterruptMessage") + counter.Count("BackendRequest"));
        long completions = counter.Count(nameof(FlowCompleted));
        // Fewer completion events than requests completed: they are batched.
        Assert.True(completions < report.Requests, $"{completions} completion events for {report.Requests} requests");
        // Determinism.
        var again = FleetRunner.Run(ScenarioLoader.Parse(World("flow", "flow", "flow", "flow")), 3);
        Assert.Equal(report.TraceHash, again.TraceHash);
    }

    [Fact]
    public void Ring_and_flow_devices_mix_in_one_world_and_exchange_frames()
    {
        var report = FleetRunner.Run(ScenarioLoader.Parse(World("ring", "flow", "flow", "ring")), 4, new RunOptions(), out var world);
        AssertCompleteAndDurable(report, world);
        Assert.True(report[FleetCounter.DmaDescriptor] > 0, "the ring devices did no ring DMA");
    }

    [Fact]
    public void A_flow_device_migrates_pre_copy_with_its_state_and_its_dirty_pages()
    {
        var states = new MessageCounter();
        var spec = ScenarioLoader.Parse(Scenario("acme-vf", blk: ", fidelity = flow", net: ", fidelity = flow", frames: 3000));
        var report = FleetRunner.Run(spec, 5, new RunOptions { Inspect = (_, sim) => sim.Observe(states) }, out var world);

        Assert.True(report.PassedChecks, report.ToJson());
        var m = Assert.Single(report.Migrations);
        Assert.Equal(MigrationOutcome.Completed, m.Outcome);
        Assert.Equal(0, report.MemoryMismatches); // destination memory equals the source's
        Assert.True(m.PagesResent > 0, "no page dirtied during round 0");
        Assert.True(m.DeviceStateBytes > 0);
        // The snapshot carries the flow queues' positions: everything accepted was completed, and there was traffic.
        var snapshot = states.Images.Single(i => i.Path.Equals("/user/h1/vm1-blk0/state", StringComparison.Ordinal)).Image;
        var queue = snapshot.Model.Queues[0].Queue!;
        Assert.True(queue.NextAvail > 0 && queue.NextAvail == queue.NextUsed && queue.InFlight.IsEmpty, $"{queue.NextAvail} / {queue.NextUsed}");
        // The destination's devices served.
        Assert.True(states.To("/user/h2/h1.vm1-blk0", nameof(FlowSubmit)) > 0, "the blk device never served at the destination");
        Assert.True(states.To("/user/h2/h1.vm1-net0", nameof(FlowSubmit)) > 0, "the net device never served at the destination");
        // Receive buffers the driver posted at the source move with the queue's state (in flight: popped, not used).
        var rx = states.Images.Single(i => i.Path.Equals("/user/h1/vm1-net0/state", StringComparison.Ordinal)).Image.Model.Queues[0].Queue!;
        Assert.NotEmpty(rx.InFlight);
        Assert.Equal(rx.InFlight.Length, (ushort)(rx.NextAvail - rx.NextUsed));
        Assert.All(rx.InFlight, b => Assert.True(b.Segments.Length == 1 && b.Segments[0].IsWritable && b.Segments[0].Length == 2048));
        Assert.True(states.ReceivedFrom("/user/h2/h1.vm1-net0") > 0, "no frame was received at the destination");
        var blk = world.Devices.Single(d => d.Path == "h1/vm1/blk0");
        Assert.True(blk.Workload.Done);
        AckedWrites.AssertDurable(world.Disk("h1/vm1/blk0"), blk.Spec, blk.Workload.Blocks);
        Assert.Equal(report[FleetCounter.FramesLostByMigration], report.Lost);

        // Its DMA writes are what the migration moves: a flow device that does not mark the dirty log leaves pages that differ.
        var untracked = FleetRunner.Run(ScenarioLoader.Parse(Scenario("acme-vf", blk: ", fidelity = flow, dirty-tracking = false", net: ", fidelity = flow")), 5);
        Assert.True(untracked.MemoryMismatches > 0, "the flow device's read data never reached guest memory");
    }

    /// <summary>Counts delivered messages by type name (and by receiver), and keeps migration snapshots.</summary>
    private sealed class MessageCounter : IDeliveryObserver
    {
        private readonly Dictionary<string, long> _byType = new(StringComparer.Ordinal);
        private readonly Dictionary<(string, string), long> _byReceiver = [];

        public List<(string Path, DeviceImage Image)> Images { get; } = [];

        public long Count(string type) => _byType.GetValueOrDefault(type);

        public long To(string path, string type) => _byReceiver.GetValueOrDefault((path, type));

        /// <summary>Frames a device at <paramref name="path"/> handed to its driver.</summary>
        public long ReceivedFrom(string path) => _received.GetValueOrDefault(path);

        private readonly Dictionary<string, long> _received = new(StringComparer.Ordinal);

        public void OnDelivered(TimeSpan at, IActorRef sender, IActorRef receiver, object message)
        {
            string type = message.GetType().Name;
            _byType[type] = _byType.GetValueOrDefault(type) + 1;
            var key = (receiver.Path.ToStringWithoutAddress(), type);
            _byReceiver[key] = _byReceiver.GetValueOrDefault(key) + 1;
            if (message is DeviceImage { MigrationSnapshot: true } image) Images.Add((key.Item1, image));
            if (message is FlowCompleted { Queue: 0 } c && sender.Path.ToStringWithoutAddress().EndsWith("-net0", StringComparison.Ordinal))
            {
                string from = sender.Path.ToStringWithoutAddress();
                _received[from] = _received.GetValueOrDefault(from) + c.Completions.Count;
            }
        }
    }
}
