using System.Text.Json;
using Virtsim.Cli;

namespace Virtsim.Experiments.Tests.Conformance;

/// <summary><c>virtsim conformance</c> run in process: bad arguments exit 2 with a message, the list, the table and the JSON.</summary>
public class ConformanceCommandTests
{
    private static (int Code, string Stdout, string Stderr) Conformance(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var run = Task.Run(() => CliApp.Run(["conformance", .. args], TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), false));
        Assert.True(run.Wait(120_000), "conformance did not return");
        return (run.Result, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData(new[] { "--peer", "qemu" }, "unknown peer 'qemu' (one of virtsim-device, virtsim-driver, dpdk-vhost, dpdk-virtio-user, qsd-blk)")]
    [InlineData(new[] { "--peer", "virtsim-device", "--case", "split.nope" }, "no case is called 'split.nope'")]
    [InlineData(new[] { "--peer", "virtsim-device", "--html", "/nonexistent-folder-of-virtsim/r.html" }, "the folder of --html")]
    [InlineData(new[] { "--peer" }, "--peer")]
    public void A_bad_argument_exits_2_with_the_reason(string[] args, string reason)
    {
        var (code, _, stderr) = Conformance(args);
        Assert.Equal(2, code);
        Assert.Contains(reason, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void The_list_names_every_case_with_its_section()
    {
        var (code, stdout, _) = Conformance("--list");
        Assert.Equal(0, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Virtsim.Experiments.Conformance.ConformanceCatalogue.All.Count, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("split.desc-loop\tdriver\tsplit\t", StringComparison.Ordinal) && l.Contains("2.7"));
    }

    [Fact]
    public void The_table_and_the_json_give_a_verdict_per_case_and_peer()
    {
        var (code, table, _) = Conformance("--peer", "virtsim-device", "--peer", "virtsim-driver", "--case", "split.desc-loop", "--case", "device.split.used-id-stale");
        Assert.Equal(0, code);
        Assert.Matches(@"split\.desc-loop\s+REJECTED\s+-", table);
        Assert.Matches(@"device\.split\.used-id-stale\s+-\s+REJECTED", table);
        Assert.Contains("virtsim-device: 1 REJECTED", table);

        var (jsonCode, json, _) = Conformance("--peer", "virtsim-device", "--case", "split.desc-loop", "--json");
        Assert.Equal(0, jsonCode);
        using var doc = JsonDocument.Parse(json);
        Assert.True(doc.RootElement.GetProperty("virtsimRejectsAll").GetBoolean());
        var result = Assert.Single(doc.RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal("split.desc-loop", result.GetProperty("case").GetString());
        Assert.Equal("REJECTED", result.GetProperty("verdict").GetString());
        Assert.StartsWith("2.7", result.GetProperty("section").GetString());
    }
}
