using Virtsim.Fleet.Tests.Cli;
using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Fleet.Tests.Placement;

/// <summary>
/// The <c>{ kind = node-crash, role, at }</c> fault: read into <see cref="WorldSpec.NodeCrashes"/>; a role whose node
/// cannot be killed is an error at its position; <c>virtsim run</c> refuses it without nodes, or when no node of the
/// role runs a placed device, before starting anything (exit 2).
/// </summary>
public class NodeCrashFaultTests
{
    private const string World = """
        scenario { name = crash, persistence = true }
        hosts = [ { name = h1, vms = [ { name = vm1, memory = 128MiB, devices = [
          { name = blk0, type = blk, vendor = acme-vf, requests = 10 } ] } ] } ]
        """;

    [Fact]
    public void A_node_crash_is_read_with_its_role_time_and_position()
    {
        var spec = ScenarioLoader.Parse(World + "\nfaults = [ { at = 2s, kind = node-crash, role = devices } ]\n", "s.conf");
        var crash = Assert.Single(spec.NodeCrashes);
        Assert.Equal(TimeSpan.FromSeconds(2), crash.At);
        Assert.Equal("devices", crash.Role);
        Assert.Equal("s.conf:4:30", crash.Position);
        Assert.Empty(spec.Faults);
    }

    [Theory]
    [InlineData("hosts", "the hosts node runs the world")]
    [InlineData("gpus", "is not one whose node can be killed")]
    
    public void A_role_whose_node_cannot_be_killed_is_an_error_at_the_role(string role, string message)
    {
        var e = Assert.Throws<HoconException>(() => ScenarioLoader.Parse(World + $"\nfaults = [ {{ at = 2s, kind = node-crash, role = {role} }} ]\n", "s.conf"));
        Assert.StartsWith("s.conf:4:49:", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", new string[0], "run with --local-nodes N")]
    [InlineData("", new[] { "--local-nodes", "3" }, "the scenario's placement puts no device or blk backend there")]
    [InlineData("placement { default-device-role = devices }", new[] { "--local-nodes", "1" }, "--local-nodes 1 starts no node with it")]
    public void Run_refuses_a_node_crash_it_cannot_carry_out_before_starting_anything(string placement, string[] options, string message)
    {
        string file = Path.Combine(Path.GetTempPath(), $"node-crash-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, World + "\nfaults = [ { at = 2s, kind = node-crash, role = devices } ]\n" + placement + "\n");
        try
        {
            var (code, output, errors) = CliHarness.Run(["run", file, .. options]);
            Assert.Equal(2, code);
            Assert.Contains($"{Path.GetFileName(file)}:4:30:", errors, StringComparison.Ordinal);
            Assert.Contains(message, errors, StringComparison.Ordinal);
            Assert.DoesNotContain("local nodes: starting", errors, StringComparison.Ordinal);
            Assert.Equal("", output);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
