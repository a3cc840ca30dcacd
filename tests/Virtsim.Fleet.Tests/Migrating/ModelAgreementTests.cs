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
}
