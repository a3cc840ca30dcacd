using System.Text.Json;
using Virtsim.Fleet.Tests.Cli;
using Virtsim.Hocon.Tests;

namespace Virtsim.Fleet.Tests.MessageFaults;

/// <summary><c>virtsim run scenarios/fault-plan.conf --json</c>: faults injected, counted, and every invariant held.</summary>
public class MessageFaultScenarioTests
{
    private static string Scenario => Path.Combine(RepositoryConfigs.Root(), "scenarios", "fault-plan.conf");

    [Fact]
    public void The_fault_plan_scenario_injects_its_faults_and_holds_every_invariant()
    {
        var (code, output, error) = CrashRecoveryCommandTests.Cli("run", Scenario, "--json");

        Assert.True(code == 0, error + output);
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("passed", root.GetProperty("outcome").GetString());
        var faults = root.GetProperty("messageFaults");
        long Count(string messageClass, string action) =>
            faults.TryGetProperty(messageClass, out var c) && c.TryGetProperty(action, out var n) ? n.GetInt64() : 0;
        Assert.True(Count("doorbell", "delay") > 0, line);
        Assert.True(Count("doorbell", "duplicate") > 0, line);
        Assert.True(Count("dma-completion", "delay") > 0, line);
        Assert.True(Count("interrupt", "reorder") > 0, line);
        Assert.True(Count("interrupt", "drop") > 0, line);
        Assert.True(Count("frame", "corrupt") > 0, line);
        // Every corrupted frame was caught by its workload's checksum, and counts as arrived.
        Assert.Equal(faults.GetProperty("framesCorrupted").GetInt64(), root.GetProperty("integrityErrors").GetInt64());
        Assert.Equal(faults.GetProperty("framesCorrupted").GetInt64() + faults.GetProperty("framesDropped").GetInt64(),
            root.GetProperty("lost").GetInt64());
        var invariants = root.GetProperty("invariants").EnumerateArray().ToList();
        Assert.Equal(Virtsim.Fleet.World.RunInvariants.Names, invariants.Select(i => i.GetProperty("name").GetString()));
        Assert.All(invariants, i => Assert.True(i.GetProperty("held").GetBoolean(), i.GetProperty("reason").GetString()));
    }

    [Fact]
    public void A_scenario_without_message_faults_keeps_its_trace_hash_and_has_no_fault_counts()
    {
        var quickstart = Path.Combine(RepositoryConfigs.Root(), "scenarios", "quickstart.conf");
        var (code, output, error) = CrashRecoveryCommandTests.Cli("run", quickstart, "--seed", "42", "--json");

        Assert.True(code == 0, error);
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        using var json = JsonDocument.Parse(line);
        Assert.Equal("92d3ff1cfc6e57ac", json.RootElement.GetProperty("traceHash").GetString());
        Assert.False(json.RootElement.TryGetProperty("messageFaults", out _));
        Assert.Equal(7, json.RootElement.GetProperty("invariants").GetArrayLength());
    }
}
