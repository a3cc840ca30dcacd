using Virtsim.Fleet.MessageFaults;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.World;
using static Virtsim.Fleet.Tests.MessageFaults.MessageFaultWorlds;

namespace Virtsim.Fleet.Tests.MessageFaults;

/// <summary>Each message fault action, end to end: what the run shows when it acts, and that it acted.</summary>
public class MessageFaultActionTests
{
    private const string DropBlkInterrupts = """
        faults = [ { kind = message, class = interrupt, action = drop, devices = ["host-a/vm-1/blk0"] } ]
        """;

    [Fact]
    public void Dropping_every_interrupt_of_a_device_stalls_it_and_the_run_names_the_broken_invariants()
    {
        var report = Run(DropBlkInterrupts);

        Assert.True(report.MessageFaults![MessageClass.Interrupt, MessageFaultAction.Drop] > 0);
        Assert.False(report.PassedChecks, report.ToJson());
        Assert.Contains("host-a/vm-1/blk0", report.Unfinished);
        var completes = Invariant(report, RunInvariants.EveryRequestCompletesOrNeedsReset);
        Assert.False(completes.Held);
        Assert.Contains("host-a/vm-1/blk0 did not finish and reported no reason", completes.Reason);
        Assert.False(Invariant(report, RunInvariants.DriverRecovers).Held);
        // The other devices are not selected and finish.
        Assert.Single(report.Unfinished);
    }

    [Fact]
    public void A_write_that_landed_while_its_completion_was_lost_is_no_acknowledged_write_lost()
    {
        // A software blk device stalls on a lost interrupt with writes on the disk whose completions never came (seed 2
        // of this world had one such block reported lost before the workload told the check about writes in flight).
        const string text = "scenario { name = stall, max-virtual-time = 5s }\n" +
            "defaults.blk { requests = 300, queue-depth = 16, disk-sectors = 16384 }\n" +
            "hosts = [ { name = host-a, vms = [ { name = vm-1, devices = [ { name = blk0, type = blk, vendor = swift-vhost } ] } ] } ]\n" +
            "faults = [ { kind = message, class = interrupt, action = drop, probability = 0.05 } ]\n";
        var spec = ScenarioLoader.Parse(text, "stall.conf");
        foreach (int seed in new[] { 1, 2, 3 })
        {
            var report = FleetRunner.Run(spec, seed);
            Assert.True(report.Lost > 0, report.ToJson()); // it did stall
            Assert.Equal(0, report.AckedWritesLost);
            Assert.True(Invariant(report, RunInvariants.NoAckedWriteLost).Held);
        }
    }

    [Fact]
    public void Dropping_every_interrupt_of_a_device_is_survived_through_the_drivers_interrupt_timeout()
    {
        var report = Run("defaults.device.interrupt-timeout = 100us\n" + DropBlkInterrupts);

        Assert.True(report.PassedChecks, report.ToJson());
        Assert.True(report.MessageFaults![MessageClass.Interrupt, MessageFaultAction.Drop] > 0);
        Assert.True(report[FleetCounter.InterruptTimeouts] > 0);
        Assert.All(report.Invariants, i => Assert.True(i.Held, i.Name + ": " + i.Reason));
        Assert.Empty(report.Unfinished);
    }

    [Fact]
    public void Duplicating_every_doorbell_changes_nothing_acknowledged()
    {
        var plain = Run("");
        var report = Run("faults = [ { kind = message, class = doorbell, action = duplicate } ]");

        // Every doorbell any driver rang arrived twice.
        Assert.Equal(report[FleetCounter.Doorbells], report.MessageFaults![MessageClass.Doorbell, MessageFaultAction.Duplicate]);
        Assert.True(report[FleetCounter.Doorbells] > 0);
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(0, report.AckedWritesLost);
        Assert.NotEqual(plain.TraceHash, report.TraceHash);
    }

    [Fact]
    public void Corrupted_frames_are_caught_by_the_workloads_checksums_and_reported()
    {
        var report = Run("faults = [ { kind = message, class = frame, action = corrupt, probability = 0.05 } ]");

        Assert.True(report.FramesCorrupted > 0, report.ToJson());
        Assert.Equal(report.FramesCorrupted, report.IntegrityErrors);
        Assert.Equal(report.FramesCorrupted, report.Lost); // arrived damaged: not delivered
        var integrity = Invariant(report, RunInvariants.DataIntegrity);
        Assert.True(integrity.Held);
        Assert.Contains($"all {report.FramesCorrupted} corrupted frames were caught", integrity.Reason);
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.Contains("\"frame\":{\"corrupt\":", report.ToJson());
    }

    [Fact]
    public void Frames_dropped_on_the_wire_are_reported_lost_to_their_workloads()
    {
        var report = Run("faults = [ { kind = message, class = frame, action = drop, probability = 0.05 } ]");

        Assert.True(report.FramesDroppedByFaults > 0, report.ToJson());
        Assert.Equal(report.MessageFaults![MessageClass.Frame, MessageFaultAction.Drop], report.FramesDroppedByFaults);
        Assert.Equal(report.FramesDroppedByFaults, report.Lost);
        Assert.True(report.PassedChecks, report.ToJson());
    }

    [Fact]
    public void Delayed_dma_completions_slow_the_run_down_and_lose_nothing()
    {
        var plain = Run("");
        var report = Run("faults = [ { kind = message, class = dma-completion, action = delay, delay = 20us } ]");

        Assert.True(report.MessageFaults![MessageClass.DmaCompletion, MessageFaultAction.Delay] > 0);
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.True(report.VirtualTime > plain.VirtualTime, $"{report.VirtualTime} vs {plain.VirtualTime}");
    }

    [Fact]
    public void Reordered_interrupts_lose_nothing()
    {
        var report = Run("faults = [ { kind = message, class = interrupt, action = reorder, probability = 0.2 } ]");

        Assert.True(report.MessageFaults![MessageClass.Interrupt, MessageFaultAction.Reorder] > 0);
        Assert.True(report.PassedChecks, report.ToJson());
    }

    [Fact]
    public void A_window_limits_a_fault_to_its_time_and_a_seed_replays_the_faults_bit_for_bit()
    {
        const string faults = """
            defaults.device.interrupt-timeout = 100us
            faults = [ { kind = message, class = interrupt, action = drop, probability = 0.3, from = 1ms, until = 1500us } ]
            """;
        var first = Run(faults, seed: 9);
        var again = Run(faults, seed: 9);
        var other = Run(faults, seed: 10);

        Assert.Equal(first.TraceHash, again.TraceHash);
        Assert.Equal(first.MessageFaults![MessageClass.Interrupt, MessageFaultAction.Drop], again.MessageFaults![MessageClass.Interrupt, MessageFaultAction.Drop]);
        Assert.NotEqual(first.TraceHash, other.TraceHash);
        Assert.True(first.MessageFaults[MessageClass.Interrupt, MessageFaultAction.Drop] > 0);
        // Only within the window: far fewer than 30% of all interrupts.
        Assert.True(first.MessageFaults[MessageClass.Interrupt, MessageFaultAction.Drop] < first[FleetCounter.MsixInterrupts] / 10, first.ToJson());
        Assert.True(first.PassedChecks, first.ToJson());
    }

    [Fact]
    public void A_fault_that_never_fires_leaves_the_run_as_it_was()
    {
        // The interceptor classifies every message and draws from its own random source, not the scheduler's.
        var plain = Run("");
        var report = Run("faults = [ { kind = message, class = doorbell, action = drop, probability = 0 } ]");

        Assert.Equal(plain.TraceHash, report.TraceHash);
        Assert.Equal(0, report.MessageFaults!.Total);
        Assert.Null(plain.MessageFaults);
    }
}
