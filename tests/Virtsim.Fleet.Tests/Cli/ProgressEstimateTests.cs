using Virtsim.Cli;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Cli;

public class ProgressEstimateTests
{
    [Fact]
    public void The_share_done_is_the_part_that_lags_and_the_eta_scales_the_wall_time_so_far()
    {
        var p = new RunProgress(80, 100, 5000, TimeSpan.FromMilliseconds(3)) { Migrations = 400, MigrationsDone = 100 };
        Assert.Equal(0.25, ProgressEstimate.Done(p));
        Assert.Equal("eta 30s", ProgressEstimate.Eta(p, TimeSpan.FromSeconds(10)));
        Assert.Equal(", 100/400 migrations", ProgressEstimate.Migrations(p));
        Assert.Equal("eta 1m 30s", ProgressEstimate.Eta(p with { MigrationsDone = 40 }, TimeSpan.FromSeconds(10)));
        // Without migrations the workloads decide; nothing done yet: no estimate.
        Assert.Equal(0.8, ProgressEstimate.Done(p with { Migrations = 0 }));
        Assert.Equal("", ProgressEstimate.Migrations(p with { Migrations = 0 }));
        Assert.Null(ProgressEstimate.Eta(p with { WorkloadsDone = 0 }, TimeSpan.FromSeconds(5)));
    }
}
