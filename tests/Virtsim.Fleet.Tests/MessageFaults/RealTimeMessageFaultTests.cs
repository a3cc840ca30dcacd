using Virtsim.Fleet.Tests.Cli;
using Virtsim.Fleet.World;
using static Virtsim.Fleet.Tests.MessageFaults.MessageFaultWorlds;

namespace Virtsim.Fleet.Tests.MessageFaults;

/// <summary>
/// A real-time run cannot inject message faults (Akka.NET's mailboxes have no interception point): a scenario with
/// them is refused at its first fault's file:line:col with exit 2, on a threaded node and with --local-nodes, before
/// any node starts, instead of running with its faults silently left out. Under the simulator the same file runs them.
/// </summary>
public class RealTimeMessageFaultTests : IDisposable
{
    // On Text's 14th line; the first fault's `message` is at column 21.
    private const string Faults = """
        faults = [ { kind = message, class = doorbell, action = duplicate, probability = 0.05 }, { kind = message, class = interrupt, action = delay, delay = 5us, probability = 0.05 } ]
        """;

    private const string Refusal = "message faults (kind = message) (and 1 more) run only under the simulator: a real-time run";

    private readonly string _folder = Directory.CreateTempSubdirectory("virtsim-rt-faults-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string text)
    {
        string path = Path.Combine(_folder, $"s{Guid.NewGuid():N}.conf");
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_threaded_run_refuses_message_faults_at_the_first_faults_position()
    {
        string file = File(Text(Faults + "\nvirtsim.actors.dispatcher.type = threaded", requests: 50));
        var (code, output, error) = CrashRecoveryCommandTests.Cli("run", file, "--json");
        Assert.Equal(2, code);
        Assert.Contains($"error: {Path.GetFileName(file)}:14:21: {Refusal}", error);
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("cluster:", error); // refused before the node started
        Assert.Equal("", output);
    }

    [Fact]
    public void A_local_nodes_run_refuses_them_before_starting_its_nodes()
    {
        string file = File(Text(Faults, requests: 50));
        var (code, output, error) = CrashRecoveryCommandTests.Cli("run", file, "--local-nodes", "2");
        Assert.Equal(2, code);
        Assert.Contains($"error: {Path.GetFileName(file)}:14:21: {Refusal}", error);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("{ at = 1ms, kind = iommu-unmap, device = \"host-a/vm-1/blk0\", duration = 100us }", "iommu-unmap")]
    [InlineData("{ at = 1ms, kind = corrupt-memory, device = \"host-a/vm-1/blk0\", target = descriptor }", "corrupt-memory")]
    [InlineData("{ kind = clock-skew, hosts = [host-a], drift = 2 }", "clock-skew")]
    public void A_threaded_run_refuses_the_faults_only_the_simulator_carries_out(string fault, string kind)
    {
        string file = File(Text("faults = [ " + fault + " ]\nvirtsim.actors.dispatcher.type = threaded", requests: 50));
        var (code, output, error) = CrashRecoveryCommandTests.Cli("run", file, "--json");
        Assert.Equal(2, code);
        Assert.Contains($"error: faults of kind {kind} run only under the simulator", error);
        Assert.DoesNotContain("cluster:", error); // refused before the node started
        Assert.Equal("", output);
        // The same faults under the simulator are accepted and run.
        var (simulated, _, simulatedError) = CrashRecoveryCommandTests.Cli("run", File(Text("faults = [ " + fault + " ]", requests: 50)), "--json");
        Assert.True(simulated is 0 or 1, simulatedError);
    }

    [Fact]
    public void The_same_file_under_the_simulator_injects_them()
    {
        var (code, output, error) = CrashRecoveryCommandTests.Cli("run", File(Text(Faults, requests: 50)), "--json");
        Assert.True(code == 0, error);
        Assert.Contains("\"messageFaults\":{\"total\":", output);
    }

    [Fact]
    public void The_real_time_runner_does_not_start_a_world_whose_faults_it_would_ignore()
    {
        var e = Assert.Throws<ArgumentException>(() => FleetRunner.RunThreaded(Spec(Faults, requests: 50), 1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), out _));
        Assert.Contains("faults.conf:14:21: " + Refusal, e.Message);
    }
}
