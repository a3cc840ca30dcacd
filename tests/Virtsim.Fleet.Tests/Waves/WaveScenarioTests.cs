using System.Text.Json;
using Virtsim.Fleet.Migration;
using Virtsim.Fleet.Tests.Cli;
using Virtsim.Fleet.Waves;
using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Fleet.Tests.Waves;

public sealed class WaveScenarioTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("virtsim-wave-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // 8 hosts in 2 racks of 4, 2 VMs each (blk by a two-vendor mix, net); h1 and h2 are evacuated, at most 3 VMs per
    // destination: h3 and h4 (same rack) take one each, the other two cross the spine.
    public const string Small = """
        scenario { name = wave, seed = 5, max-virtual-time = 10s }
        defaults {
          host { bandwidth = 80GiB/s }
          vm { memory = 128MiB, dirty-rate = 16MiB/s, working-set = 8MiB }
          blk { requests = 40, queue-depth = 4, disk-sectors = 4096 }
          net { requests = 40 }
        }
        vm-templates { small { devices = [
          { name = blk0, type = blk, vendor-mix = { acme-vf = 0.5, swift-vhost = 0.5 } }
          { name = net0, type = net, vendor = swift-vhost }
        ] } }
        host-templates { node { vms = [ { template = small, count = 2 } ] } }
        hosts = [ { template = node, count = 8, name-prefix = h } ]
        racks { hosts-per-rack = 4, tor-bandwidth = 20GiB/s, spine-bandwidth = 20GiB/s }
        vm-placement { max-vms-per-host = 3 }
        migration-defaults { bandwidth = 20GiB/s }
        waves = [ { kind = evacuate, hosts = "h1..h2", at = 1ms, limits { per-host = 1, per-rack = 2, total = 3 } } ]
        """;

    [Fact]
    public void The_planner_places_same_rack_first_then_across_the_spine()
    {
        var spec = ScenarioLoader.Parse(Small);
        var wave = Assert.Single(spec.Waves);
        Assert.Empty(wave.Plan.Unplaced);
        Assert.Equal(4, wave.Migrations.Count);
        Assert.Equal(["h3", "h4"], wave.Migrations.Take(2).Select(m => m.To));
        Assert.All(wave.Migrations.Skip(2), m => Assert.Contains(m.To, new[] { "h5", "h6", "h7", "h8" }));
        Assert.Equal(["h1/vm1", "h1/vm2", "h2/vm1", "h2/vm2"], wave.Migrations.Select(m => m.VmPath));
        Assert.True(spec.Persistent);
    }

    [Fact]
    public void A_wave_runs_end_to_end_through_virtsim_run_and_reports_its_figures()
    {
        string file = Path.Combine(_folder, "wave.conf");
        File.WriteAllText(file, Small);
        var (code, output, error) = CliHarness.Run("run", file, "--json");
        Assert.True(code == 0, $"exit {code}\n{error}\n{output}");
        Assert.Contains("scenario: 8 hosts, 16 VMs, 32 devices, 1 waves of 4 migrations, loaded and planned in", error);
        Assert.Contains(", 4/4 migrations, eta 0s", error); // the last progress line: all done
        var (quietCode, _, quietError) = CliHarness.Run("run", file, "--json", "--quiet");
        Assert.Equal(0, quietCode);
        Assert.DoesNotContain("progress:", quietError);
        using var json = JsonDocument.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        var root = json.RootElement;
        Assert.Equal("passed", root.GetProperty("outcome").GetString());
        var waves = root.GetProperty("waves");
        Assert.Equal(1, waves.GetArrayLength());
        var w = waves[0];
        Assert.Equal("evacuate", w.GetProperty("kind").GetString());
        Assert.Equal((4, 4, 0), (w.GetProperty("planned").GetInt32(), w.GetProperty("moved").GetInt32(), w.GetProperty("failed").GetInt32()));
        Assert.True(w.GetProperty("bytes").GetInt64() >= 4L * (128 << 20), "every VM sends its memory at least once");
        Assert.True(w.GetProperty("timeUs").GetDouble() > 0);
        Assert.True(w.GetProperty("startUs").GetDouble() >= 1000);
        var migrations = root.GetProperty("migrations").EnumerateArray().ToList();
        Assert.Equal(4, migrations.Count);
        Assert.All(migrations, m => Assert.Equal("completed", m.GetProperty("outcome").GetString()));
        // Evacuated: no VM of the wave is left on h1 or h2.
        Assert.All(migrations, m => Assert.DoesNotContain(m.GetProperty("to").GetString(), new[] { "h1", "h2" }));
    }

    [Fact]
    public void The_gate_keeps_the_limits_in_the_running_world()
    {
        var spec = ScenarioLoader.Parse(Small);
        var report = FleetRunner.Run(spec, 5);
        Assert.Equal(RunOutcome.Passed, report.Outcome);
        // per-host = 1: migrations touching a host never overlap in time (h1's two VMs go one after the other).
        var spans = report.Migrations.Select((m, i) => (m, Start: report.MigrationStarts[i], End: report.MigrationStarts[i] + m.TotalTime)).ToList();
        foreach (var a in spans)
            foreach (var b in spans)
                if (!ReferenceEquals(a.m, b.m) && (a.m.From == b.m.From || a.m.To == b.m.To || a.m.From == b.m.To))
                    Assert.True(a.End <= b.Start || b.End <= a.Start, $"{a.m.Vm} and {b.m.Vm} overlap on a host");
        // The cross-rack moves put bytes on the spine; the link usage saw them.
        Assert.NotNull(report.Links);
        Assert.True(report.LinkUsage!.Total(report.Links!.Spine) >= 2.0 * (128 << 20));
    }

    [Fact]
    public void A_rolling_upgrade_moves_batch_after_batch_and_a_later_wave_reports_what_it_cannot_move()
    {
        // h1..h4 upgraded one host at a time (batch = 1, any limits): each batch starts when the one before ended. A
        // second wave evacuates h5, where the first put VMs: those cannot move again and are reported with the reason.
        var text = Small.Replace("waves = [ { kind = evacuate, hosts = \"h1..h2\", at = 1ms, limits { per-host = 1, per-rack = 2, total = 3 } } ]", """
            waves = [
              { kind = rolling-upgrade, hosts = "h1..h4", batch = 1, at = 1ms, limits { per-host = 4, per-rack = 8, total = 8 } }
              { kind = evacuate, hosts = h5, at = 80ms }
            ]
            vm-placement { max-vms-per-host = 4 }
            """, StringComparison.Ordinal);
        var spec = ScenarioLoader.Parse(text);
        Assert.Equal([0, 0, 1, 1, 2, 2, 3, 3], spec.Waves[0].Plan.Moves.Select(m => m.Stage));
        var report = FleetRunner.Run(spec, 5);
        var first = report.Migrations.Select((m, i) => (m, Start: report.MigrationStarts[i])).Where(x => x.m.From is "h1" or "h2" or "h3" or "h4").ToList();
        Assert.Equal(8, first.Count(x => x.m.Outcome == MigrationOutcome.Completed));
        foreach (var later in first)
            foreach (var earlier in first.Where(x => string.CompareOrdinal(x.m.From, later.m.From) < 0))
                Assert.True(earlier.Start + earlier.m.TotalTime <= later.Start, $"{later.m.Vm} started before {earlier.m.Vm} ended: " +
                    string.Join("; ", first.Select(x => $"{x.m.Vm} {x.m.From}->{x.m.To} at {x.Start.TotalMicroseconds} for {x.m.TotalTime.TotalMicroseconds}")));
        Assert.Equal((8, 0), (report.Waves[0].Moved, report.Waves[0].Failed));
        var second = report.Waves[1];
        int arrived = spec.Waves[0].Plan.Moves.Count(m => m.To == 4);
        Assert.Equal(2 + arrived, second.Planned);
        Assert.Equal((2, arrived), (second.Moved, second.Failed));
        var refused = report.Migrations.Where(m => m.Reason.Contains("a VM migrates at most once", StringComparison.Ordinal)).ToList();
        Assert.Equal(arrived, refused.Count);
        Assert.All(refused, m => Assert.Equal(("h5", "h5", MigrationOutcome.Failed), (m.From, m.To, m.Outcome)));
    }

    [Fact]
    public void Messages_per_device_stay_flat_when_the_fleet_with_its_wave_grows_four_times()
    {
        // The same templates at 8 and 32 hosts (racks of 4, a quarter of the hosts evacuated): a switch that flooded,
        // a planner or a coordinator that touched every host per migration would grow per device with the fleet.
        static (double PerDevice, RunReport Report) Run(int hosts)
        {
            var text = Small.Replace("count = 8", $"count = {hosts}", StringComparison.Ordinal)
                .Replace("hosts = \"h1..h2\"", "hosts = \"25%\"", StringComparison.Ordinal)
                .Replace("total = 3", "total = 1000", StringComparison.Ordinal);
            var spec = ScenarioLoader.Parse(text);
            var report = FleetRunner.Run(spec, 5);
            Assert.Equal(RunOutcome.Passed, report.Outcome);
            Assert.Equal(hosts / 2, report.Waves[0].Moved); // a quarter of the hosts, 2 VMs each
            return ((double)report.Messages / spec.AllDevices().Count(), report);
        }
        var (small, _) = Run(8);
        var (large, _) = Run(32);
        Assert.InRange(large / small, 0.6, 1.5);
    }

    [Theory]
    [InlineData("limits { per-host = 0 }", "limits.per-host 0 is outside 1..1000000")]
    [InlineData("limits { total = 0 }", "limits.total 0 is outside 1..1000000")]
    [InlineData("hosts = \"h1..h99\"", "no host 'h99'")]
    [InlineData("hosts = \"h5..h2\"", "runs backwards")]
    [InlineData("hosts = \"0%\"", "must be above 0%")]
    [InlineData("kind = shuffle", "unknown wave kind 'shuffle'")]
    [InlineData("kind = rolling-upgrade, batch = 0", "batch '0' must be a share")]
    public void Bad_waves_are_errors_with_a_position(string change, string expected)
    {
        var text = Small.Replace("kind = evacuate, hosts = \"h1..h2\", at = 1ms, limits { per-host = 1, per-rack = 2, total = 3 }", "at = 1ms, " + change, StringComparison.Ordinal);
        var ex = Assert.Throws<HoconException>(() => ScenarioLoader.Parse(text, "w.conf"));
        Assert.Contains(expected, ex.Message);
        Assert.StartsWith("w.conf:", ex.Message);
    }
}
