using Virtsim.Fleet.MessageFaults;
using Virtsim.Fleet.Migration;
using Virtsim.Fleet.World;
using static Virtsim.Fleet.Tests.Migrating.MigrationWorlds;

namespace Virtsim.Fleet.Tests.Migrating;

/// <summary>
/// <c>migration-stream</c> message faults (docs/migration.md, "Faults of the migration stream"): h1/vm1 (128 MiB, a blk
/// device under load) migrates pre-copy to the empty h3 while each action hits the chunks of its stream; each test
/// checks the action's counted effect, the migration's outcome, and that every invariant held (the destination's
/// memory equals the source's, nothing acknowledged lost, the VM on at the source when the stream broke).
/// </summary>
public class MigrationStreamFaultTests
{
    private const long MemoryPages = 128L * 1024 * 1024 / GuestPages.PageSize;

    private static RunReport RunWith(string fault, int seed = 5, string migration = "") =>
        Run(Scenario("swift-vhost", to: "h3", withNet: false, migration: migration,
            extra: $"faults = [ {{ kind = message, class = migration-stream, {fault} }} ]"), seed, out _, out _);

    // Bytes the link carried beyond the pages the migration sent (each page counted once per time it was sent).
    private static long StreamExtraBytes(MigrationResult m) => m.MemoryBytesSent - (m.PagesResent + MemoryPages) * GuestPages.PageSize;

    private static long Count(RunReport report, MessageFaultAction action) => report.MessageFaults![MessageClass.MigrationStream, action];

    [Theory]
    [InlineData("drop", MessageFaultAction.Drop)]
    [InlineData("corrupt", MessageFaultAction.Corrupt)]
    public void Lost_or_corrupted_chunks_are_resent_and_the_migration_completes(string action, MessageFaultAction expected)
    {
        var report = RunWith($"action = {action}, probability = 0.05");

        var m = Assert.Single(report.Migrations);
        Assert.Equal(MigrationOutcome.Completed, m.Outcome);
        Assert.True(m.StreamChunksResent > 0, "no chunk was resent");
        Assert.Equal(m.StreamChunksResent, Count(report, expected)); // each loss resent (none lost 3 times in a row here)
        long extra = StreamExtraBytes(m);
        Assert.InRange(extra, m.StreamChunksResent * GuestPages.PageSize, m.StreamChunksResent * MigrationStreamFaults.ChunkBytes);
        Assert.True(report.PassedChecks, report.ToJson()); // memory-equal-after-migration among them
    }

    [Fact]
    public void A_chunk_lost_three_times_aborts_the_migration_and_the_vm_runs_on_at_the_source()
    {
        var report = RunWith("action = drop");

        var m = Assert.Single(report.Migrations);
        Assert.Equal(MigrationOutcome.Failed, m.Outcome);
        Assert.Equal("migration stream: chunk 0 lost 3 times; aborted, the VM runs on at the source", m.Reason);
        Assert.Equal(MigrationStreamFaults.MaxLosses, Count(report, MessageFaultAction.Drop));
        Assert.Equal(TimeSpan.Zero, m.Downtime); // broken in round 0: the VM never stopped
        Assert.Empty(report.LostVms);
        Assert.True(report.PassedChecks, report.ToJson());
    }

    [Fact]
    public void A_stream_broken_in_the_stop_and_copy_resumes_the_vm_and_its_devices_at_the_source()
    {
        // The run is the same as without the fault until the window opens, just after the VM stopped.
        var clean = RunWith("action = drop, probability = 0").Migrations.Single();
        var stoppedAt = TimeSpan.FromMilliseconds(1) + clean.TotalTime - clean.Downtime;
        var report = Run(Scenario("swift-vhost", to: "h3", withNet: false,
            extra: $"faults = [ {{ kind = message, class = migration-stream, action = corrupt, from = {(stoppedAt.Ticks + 1) * 100}ns }} ]"), 5, out var world, out _);

        var m = Assert.Single(report.Migrations);
        Assert.Equal(MigrationOutcome.Failed, m.Outcome);
        Assert.Matches("^migration stream: chunk [1-9][0-9]* lost 3 times; aborted, the VM runs on at the source$", m.Reason);
        Assert.True(m.Downtime > TimeSpan.Zero, "the VM never stopped: the stream broke before the stop-and-copy");
        Assert.Equal(MigrationStreamFaults.MaxLosses, Count(report, MessageFaultAction.Corrupt));
        Assert.Empty(report.LostVms);
        Assert.True(world.Devices.All(d => d.Workload.Done)); // the devices resumed at the source and served the rest
        Assert.True(report.PassedChecks, report.ToJson());
    }

    [Fact]
    public void With_on_link_failure_retry_a_broken_stream_sends_the_transfer_again()
    {
        // Round 0 crosses from 1 ms to about 4 ms; only its first chunks fall in the window, the second try is after it.
        var report = RunWith("action = drop, until = 1500us", migration: ", on-link-failure = retry");

        var m = Assert.Single(report.Migrations);
        Assert.Equal(MigrationOutcome.Completed, m.Outcome);
        Assert.Contains("migration stream: chunk 0 lost 3 times; the transfer was sent again", m.Reason);
        Assert.True(StreamExtraBytes(m) >= MemoryPages * GuestPages.PageSize, $"round 0 was not sent twice: {StreamExtraBytes(m)} extra bytes");
        Assert.True(report.PassedChecks, report.ToJson());
    }

    [Fact]
    public void Delayed_chunks_make_each_transfer_complete_later()
    {
        var clean = RunWith("action = reorder, probability = 0").Migrations.Single();
        var report = RunWith("action = delay, delay = 2ms");

        var m = Assert.Single(report.Migrations);
        Assert.Equal(MigrationOutcome.Completed, m.Outcome);
        // Every transfer (each round, then the stop-and-copy with the device state) waits for its latest chunk.
        Assert.True(m.TotalTime >= clean.TotalTime + TimeSpan.FromMilliseconds(2 * (m.Rounds + 1)), $"{m.TotalTime} vs {clean.TotalTime}, {m.Rounds} rounds");
        Assert.True(m.Downtime >= TimeSpan.FromMilliseconds(2), $"downtime {m.Downtime}"); // the stop-and-copy was delayed too
        Assert.True(Count(report, MessageFaultAction.Delay) >= MemoryPages * GuestPages.PageSize / MigrationStreamFaults.ChunkBytes);
        Assert.Equal(0, StreamExtraBytes(m));
        Assert.True(report.PassedChecks, report.ToJson());
    }

    [Fact]
    public void Duplicated_chunks_are_discarded_by_their_sequence_number_and_their_bytes_counted()
    {
        var report = RunWith("action = duplicate, probability = 0.1");

        var m = Assert.Single(report.Migrations);
        Assert.Equal(MigrationOutcome.Completed, m.Outcome);
        Assert.True(m.StreamChunksDiscarded > 0);
        Assert.Equal(m.StreamChunksDiscarded, Count(report, MessageFaultAction.Duplicate));
        Assert.Equal(0, m.StreamChunksResent);
        Assert.InRange(StreamExtraBytes(m), m.StreamChunksDiscarded * GuestPages.PageSize, m.StreamChunksDiscarded * MigrationStreamFaults.ChunkBytes);
        Assert.True(report.PassedChecks, report.ToJson());
    }

    [Fact]
    public void Reordered_chunks_are_reassembled_by_their_sequence_number_at_no_cost()
    {
        var report = RunWith("action = reorder, probability = 0.1");

        var m = Assert.Single(report.Migrations);
        Assert.Equal(MigrationOutcome.Completed, m.Outcome);
        Assert.True(m.StreamChunksReordered > 0);
        Assert.Equal(m.StreamChunksReordered, Count(report, MessageFaultAction.Reorder));
        Assert.Equal(0, StreamExtraBytes(m));
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.Contains("\"streamChunksReordered\":" + m.StreamChunksReordered, report.ToJson());
    }

    [Fact]
    public void A_seed_replays_the_stream_faults_bit_for_bit()
    {
        var first = RunWith("action = corrupt, probability = 0.05", seed: 11);
        var second = RunWith("action = corrupt, probability = 0.05", seed: 11);

        Assert.Equal(first.TraceHash, second.TraceHash);
        var (a, b) = (first.Migrations.Single(), second.Migrations.Single());
        Assert.True(a.StreamChunksResent > 0);
        Assert.Equal((a.Outcome, a.MemoryBytesSent, a.StreamChunksResent, a.TotalTime, a.Downtime), (b.Outcome, b.MemoryBytesSent, b.StreamChunksResent, b.TotalTime, b.Downtime));
        Assert.Equal(first.MessageFaults!.Total, second.MessageFaults!.Total);
    }

    [Fact]
    public void A_fault_whose_hosts_are_not_the_migration_s_leaves_the_stream_alone()
    {
        var report = RunWith("action = drop, hosts = [h2]");

        var m = Assert.Single(report.Migrations);
        Assert.Equal(MigrationOutcome.Completed, m.Outcome);
        Assert.Equal(0, report.MessageFaults!.Total);
        Assert.Equal(0, StreamExtraBytes(m));
    }

    [Fact]
    public void The_shipped_scenario_resends_lost_chunks_and_passes()
    {
        string path = Path.Combine(Virtsim.Hocon.Tests.RepositoryConfigs.Root(), "scenarios", "migration-stream.conf");
        var (code, output, error) = Virtsim.Fleet.Tests.Cli.CrashRecoveryCommandTests.Cli("run", path, "--json", "--seed", "42");
        Assert.True(code == 0, error);
        Assert.Contains("\"outcome\":\"passed\"", output);
        Assert.Contains("\"migration-stream\":{\"drop\":", output);
        Assert.Contains("\"streamChunksResent\":", output);
    }
}
