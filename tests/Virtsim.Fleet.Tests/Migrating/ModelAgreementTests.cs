using Virtsim.Fleet.Migration;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Migrating;

/// <summary>
/// The actors' pre-copy against the analytical model of the same workload (docs/migration.md, "Pre-copy model"): a
/// 1 GiB VM without devices on an otherwise idle link, cells of the sweep's table; rounds equal, bytes sent and
/// downtime within 5%.
/// </summary>
public class ModelAgreementTests
{
    [Theory]
    [InlineData(64, 8, 128)]
    [InlineData(64, 128, 128)]
    [InlineData(256, 32, 256)]
    [InlineData(256, 128, 256)]
    public void The_world_runs_the_rounds_the_model_predicts(int workingSetMiB, int dirtyMiBs, int bandwidthMiBs)
    {
        var spec = ScenarioLoader.Parse($$"""
            scenario { name = model, max-virtual-time = 120s }
            hosts = [
              { name = h1, bandwidth = 10GiB/s, vms = [ { name = vm1, memory = 1GiB, working-set = {{workingSetMiB}}MiB, dirty-rate = {{dirtyMiBs}}MiB/s } ] }
              { name = h2, bandwidth = 10GiB/s }
            ]
            migrations = [ { vm = "h1/vm1", to = h2, bandwidth = {{bandwidthMiBs}}MiB/s } ]
            """);
        var report = FleetRunner.Run(spec, seed: 3);
        var m = Assert.Single(report.Migrations);
        var model = PreCopyModel.Run(new GuestWorkload(1L << 30, (long)workingSetMiB << 20, (long)dirtyMiBs << 20),
            new MigrationSettings { Bandwidth = (long)bandwidthMiBs << 20 });

        Assert.Equal(MigrationOutcome.Completed, m.Outcome);
        Assert.Equal(model.Rounds, m.Rounds);
        Assert.InRange(m.MemoryBytesSent / model.BytesSent, 0.95, 1.05);
        Assert.InRange(m.Downtime / model.Downtime, 0.95, 1.05);
        Assert.Equal(0, report.MemoryMismatches);
    }

    [Fact]
    public void Concurrent_migrations_share_the_source_nic_fairly()
    {
        // Each migration may go at 1 GiB/s, but h1's NIC carries 256 MiB/s: alone 128 MiB take 0.5 s, two at once 1 s each.
        static string World(string migrations) => $$"""
            scenario { name = share, max-virtual-time = 60s }
            defaults { vm { memory = 128MiB, working-set = 1MiB, dirty-rate = 1MiB/s } }
            hosts = [
              { name = h1, bandwidth = 256MiB/s, vms = [ { name = a }, { name = b } ] }
              { name = h2, bandwidth = 10GiB/s }
              { name = h3, bandwidth = 10GiB/s }
            ]
            migration-defaults { bandwidth = 1GiB/s }
            migrations = [ {{migrations}} ]
            """;
        var alone = Assert.Single(FleetRunner.Run(ScenarioLoader.Parse(World("""{ vm = "h1/a", to = h2 }""")), seed: 1).Migrations);
        Assert.InRange(alone.TotalTime.TotalSeconds, 0.5, 0.5 * 1.05);

        var both = FleetRunner.Run(ScenarioLoader.Parse(World("""{ vm = "h1/a", to = h2 }, { vm = "h1/b", to = h3 }""")), seed: 1).Migrations;
        Assert.Equal(2, both.Count);
        Assert.All(both, m => Assert.InRange(m.TotalTime.TotalSeconds, 1.0, 1.0 * 1.05));
    }
}
