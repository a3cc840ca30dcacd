using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.World;
using Virtsim.Hosting.Cluster.Admin;

namespace Virtsim.Hosting.Tests.Cluster;

public sealed class RunReportJsonTests
{
    [Fact]
    public void A_report_with_recoveries_and_failures_comes_back_whole()
    {
        var report = new RunReport
        {
            Scenario = "s", Seed = 7, TraceHash = 0xfedcba9876543210, Messages = 12, Completed = false, Requests = 34, Lost = 5, Duplicates = 1,
            IntegrityErrors = 2, VirtualTime = TimeSpan.FromMilliseconds(3.5), WallTime = TimeSpan.FromSeconds(1.25), AckedWritesLost = 3,
            UnflushedWritesLost = 4, FramesDroppedByCrash = 5,
            Recoveries = new RecoveryTimes(2, TimeSpan.FromTicks(40), TimeSpan.FromTicks(80), TimeSpan.FromMilliseconds(1.5), TimeSpan.FromMilliseconds(2)),
            Failures = [new DeviceFailure("h1/vm1/blk0", "driver gave up: \"quoted\" reason")],
            StoreFailures = [new StoreFailure("run/s/7/x/blk0", "persist", 9, "database is locked", TimeSpan.FromMilliseconds(1))],
            Counters = new Dictionary<string, long> { ["BlkRequests"] = 30, ["Doorbells"] = 8 },
        };

        var back = RunReportJson.Read(RunReportJson.Write(report));

        Assert.Equal(report.ToJson(), back.ToJson());
        Assert.Equal(report.Failures, back.Failures);
        Assert.Equal(report.StoreFailures, back.StoreFailures);
        Assert.Equal(report.Recoveries, back.Recoveries);
        Assert.Equal(report.Counters, back.Counters);
        Assert.Equal((report.Outcome, report.TraceHash, report.VirtualTime), (back.Outcome, back.TraceHash, back.VirtualTime));
    }

    // A run with migrations has the links' description and usage for the HTML report's charts: they made the report
    // unreadable on the client ("internal error" after a --local-nodes run with migrations); they are left out.
    [Fact]
    public void A_report_with_migrations_and_links_comes_back_without_the_link_charts()
    {
        var report = new RunReport
        {
            Scenario = "m", Seed = 3, TraceHash = 1, Messages = 1, Completed = true, Requests = 10, Lost = 0, Duplicates = 0, IntegrityErrors = 0,
            VirtualTime = TimeSpan.FromMilliseconds(1), WallTime = TimeSpan.FromMilliseconds(1), Counters = new Dictionary<string, long>(),
            Migrations = [new Fleet.Migration.MigrationResult { Vm = "h1/vm1", From = "h1", To = "h2", Mode = Fleet.Migration.MigrationMode.PreCopy,
                Outcome = Fleet.Migration.MigrationOutcome.Completed, Rounds = 2, MemoryBytesSent = 4096 }],
            Links = new Fleet.Migration.FleetLinks([1L << 30, 1L << 30]),
        };

        var back = RunReportJson.Read(RunReportJson.Write(report));

        Assert.Equal((report with { Links = null }).ToJson(), back.ToJson());
        Assert.Null(back.Links);
    }
}
