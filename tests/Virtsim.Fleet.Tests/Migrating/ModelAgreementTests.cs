using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Migrating;

/// <summary>
/// The actors' transfers against the link model: concurrent migrations share a NIC max-min fairly. (The actors'
/// pre-copy against the analytical model is the in-world sweep: <see cref="InWorldSweepTests"/>.)
/// </summary>
public class ModelAgreementTests
{
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
