using System.Text.Json;
using Virtsim.Cli;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Cli;

public class RunCommandTests
{
    internal static string Quickstart => Path.Combine(RepoRoot(), "scenarios", "quickstart.conf");

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Actors.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr, stdoutIsTerminal: false);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Quickstart_json_prints_the_seed_first_and_a_json_summary_last_with_the_same_hash_as_an_in_process_run()
    {
        var (code, output, error) = Cli("run", Quickstart, "--seed", "7", "--json");
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("seed: 7", lines[0]);
        using var json = JsonDocument.Parse(lines[^1]);
        var root = json.RootElement;
        Assert.Equal(7, root.GetProperty("seed").GetInt32());
        Assert.Equal(0, root.GetProperty("integrityErrors").GetInt64());
        Assert.True(root.GetProperty("requests").GetInt64() > 10_000);
        foreach (var key in new[] { "bytes", "doorbells", "interrupts", "dma", "virtualTimeUs", "wallTimeMs", "traceHash" })
            Assert.True(root.TryGetProperty(key, out _), key);
        Assert.Contains("progress:", error); // plain progress lines go to stderr when stdout is not a terminal

        // The runner twice in-process: same hash as each other and as the command line.
        var spec = ScenarioLoader.LoadFile(Quickstart);
        var a = FleetRunner.Run(spec, 7);
        var b = FleetRunner.Run(spec, 7);
        Assert.Equal(a.TraceHash, b.TraceHash);
        Assert.Equal(a.TraceHashHex, root.GetProperty("traceHash").GetString());
        Assert.NotEqual(a.TraceHash, FleetRunner.Run(spec, 8).TraceHash);
    }

    [Fact]
    public void The_migration_scenario_reports_each_migration_in_the_json_and_the_table()
    {
        string scenario = Path.Combine(RepoRoot(), "scenarios", "migration.conf");
        var (code, output, error) = Cli("run", scenario, "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        var root = json.RootElement;
        Assert.Equal("passed", root.GetProperty("outcome").GetString());
        Assert.Equal(0, root.GetProperty("memoryMismatches").GetInt64());
        var migrations = root.GetProperty("migrations").EnumerateArray().ToDictionary(m => m.GetProperty("vm").GetString()!);
        string[] fields = ["vm", "from", "to", "mode", "outcome", "reason", "rounds", "memoryBytesSent", "pagesResent", "deviceStateBytes",
            "downtimeUs", "totalTimeUs", "postCopyFaults"];
        foreach (var m in migrations.Values.Where(m => m.GetProperty("mode").GetString() != "device-switch"))
            Assert.Equal(fields, m.EnumerateObject().Select(p => p.Name));
        // A device switch has the same fields and names its device and vendors after its mode.
        var s = migrations["host-b/vm-5"];
        Assert.Equal([.. fields[..4], "device", "fromVendor", "toVendor", .. fields[4..]], s.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("host-b", "host-b", "net0", "acme-vf", "swift-vhost", "completed"), (s.GetProperty("from").GetString(), s.GetProperty("to").GetString(),
            s.GetProperty("device").GetString(), s.GetProperty("fromVendor").GetString(), s.GetProperty("toVendor").GetString(), s.GetProperty("outcome").GetString()));
        string Outcome(string vm) => migrations[vm].GetProperty("outcome").GetString()!;
        Assert.Equal("completed", Outcome("host-a/vm-1")); // VF to software backend through the pool
        Assert.Equal("completed", Outcome("host-a/vm-2"));
        Assert.Equal("post-copy", migrations["host-a/vm-2"].GetProperty("mode").GetString());
        Assert.True(migrations["host-a/vm-2"].GetProperty("postCopyFaults").GetInt64() > 0);
        Assert.Equal("refused", Outcome("host-a/vm-3"));
        Assert.Contains("NOTIFICATION_DATA (bit 38)", migrations["host-a/vm-3"].GetProperty("reason").GetString());
        Assert.Equal("failed", Outcome("host-b/vm-4"));
        Assert.Contains("crashed", migrations["host-b/vm-4"].GetProperty("reason").GetString());

        var (tableCode, table, _) = Cli("run", scenario);
        Assert.Equal(0, tableCode);
        Assert.Contains("migrations", table);
        Assert.Contains("host-a -> host-c", table);
        Assert.Contains("host-a/vm-3 (refused): blk0: swift-vhost cannot present the negotiated feature NOTIFICATION_DATA (bit 38)", table);
    }

    [Fact]
    public void Device_switches_run_and_are_reported_in_the_json_and_the_table()
    {
        string file = Path.Combine(Path.GetTempPath(), $"virtsim-switch-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, """
            hosts = [ { name = h1, vms = [ { name = vm1, devices = [ { name = net0, type = net, vendor = acme-vf, migration-pool = [acme-vf, swift-vhost] } ] } ] } ]
            device-switches = [ { device = "h1/vm1/net0", vendor = swift-vhost, at = 1ms } ]
            """);
        try
        {
            var (code, output, error) = Cli("run", file, "--json");
            Assert.True(code == 0, error);
            using var json = JsonDocument.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
            var m = Assert.Single(json.RootElement.GetProperty("migrations").EnumerateArray().ToList());
            Assert.Equal(("h1/vm1", "h1", "h1", "device-switch", "net0", "acme-vf", "swift-vhost", "completed"),
                (m.GetProperty("vm").GetString(), m.GetProperty("from").GetString(), m.GetProperty("to").GetString(), m.GetProperty("mode").GetString(),
                 m.GetProperty("device").GetString(), m.GetProperty("fromVendor").GetString(), m.GetProperty("toVendor").GetString(), m.GetProperty("outcome").GetString()));

            var (tableCode, table, _) = Cli("run", file);
            Assert.Equal(0, tableCode);
            Assert.Contains("h1/vm1/net0", table);
            Assert.Contains("acme-vf -> swift-vhost", table);
            Assert.Contains("device-switch", table);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Without_json_the_summary_is_a_table()
    {
        var (code, output, _) = Cli("run", "quickstart", "--seed", "3");
        Assert.Equal(0, code);
        Assert.StartsWith("seed: 3", output);
        Assert.Contains("trace hash", output);
        Assert.Contains("DMA descriptor", output);
        Assert.Contains("virtual time", output);
    }

    [Fact]
    public void A_bad_scenario_file_reports_file_line_and_column_on_stderr_and_exits_2()
    {
        var path = Path.Combine(Path.GetTempPath(), $"virtsim-bad-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, "scenario { name = x }\nhosts = [ { name = h, vms = [ { name = v, devices = [\n  { name = d, type = blk, vendor = nobody }\n] } ] } ]\n");
        try
        {
            var (code, output, error) = Cli("run", path);
            Assert.Equal(2, code);
            Assert.Contains($"{Path.GetFileName(path)}:3:", error);
            Assert.Contains("unknown vendor profile 'nobody'", error);
            Assert.DoesNotContain("seed", output);

            File.WriteAllText(path, "hosts = [ { name = h\n vms = [ ");
            (code, _, error) = Cli("run", path);
            Assert.Equal(2, code);
            Assert.Matches(@":\d+:\d+", error);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Equal(2, Cli("run", "/no/such/file.conf").Code);
    }

    [Fact]
    public void An_empty_scenario_file_is_reported_in_that_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"virtsim-empty-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, "");
        try
        {
            var (code, _, error) = Cli("run", path);
            Assert.Equal(2, code);
            Assert.Contains($"{Path.GetFileName(path)}:1:1: no configuration setting found for path 'hosts'", error);
            Assert.DoesNotContain("reference.conf", error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Help_documents_every_option()
    {
        var (_, output, _) = Cli("run", "--help");
        Assert.Contains("--seed", output);
        Assert.Contains("--json", output);
        Assert.Contains("scenario", output);
        var (_, rootHelp, _) = Cli("--help");
        Assert.Contains("run", rootHelp);
        Assert.Contains("bench", rootHelp);
    }

    [Fact]
    public void Program_main_is_the_same_command()
    {
        var previous = Console.Out;
        var previousError = Console.Error;
        var stdout = new StringWriter();
        try
        {
            Console.SetOut(stdout);
            Console.SetError(new StringWriter());
            Assert.Equal(0, Program.Main(["run", "quickstart", "--seed", "7", "--json"]));
        }
        finally
        {
            Console.SetOut(previous);
            Console.SetError(previousError);
        }
        var last = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        using var json = JsonDocument.Parse(last);
        var spec = ScenarioLoader.LoadFile(Quickstart);
        Assert.Equal(FleetRunner.Run(spec, 7).TraceHashHex, json.RootElement.GetProperty("traceHash").GetString());
    }
}

/// <summary>
/// The seed alone decides a simulated run, whatever the process: <c>virtsim run</c> as separate processes gives the
/// same trace hash for the same seed (as an in-process run does) and another one for another seed.
/// </summary>
public class RunProcessDeterminismTests
{
    private static readonly string Virtsim = Path.Combine(AppContext.BaseDirectory, "virtsim.dll");

    private static string TraceHashOfProcess(int seed)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Virtsim, "run", "quickstart", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json" })
            info.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(300_000), "virtsim run did not finish");
        Assert.True(process.ExitCode == 0, stderr.Result);
        using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        return json.RootElement.GetProperty("traceHash").GetString()!;
    }

    [Fact]
    public void Two_processes_with_one_seed_agree_and_another_seed_differs()
    {
        string first = TraceHashOfProcess(11), second = TraceHashOfProcess(11), other = TraceHashOfProcess(12);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.Equal(FleetRunner.Run(ScenarioLoader.LoadFile(RunCommandTests.Quickstart), 11).TraceHashHex, first);
    }
}
