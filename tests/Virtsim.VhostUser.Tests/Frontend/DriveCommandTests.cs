using System.Text.Json;
using Virtsim.VhostUser.Tests.Harness;
using Virtsim.VhostUser.Tests.Restart;
using Xunit.Abstractions;

namespace Virtsim.VhostUser.Tests.Frontend;

/// <summary><c>virtsim vhost-user drive --queues N</c> as a user runs it: real processes on both sides of the socket.</summary>
public sealed class DriveCommandTests(ITestOutputHelper output)
{
    [Fact]
    public void Drive_over_two_queue_pairs_against_a_serve_process_verifies_every_frame()
    {
        string socket = DriveAgainstServeTests.SocketPath();
        using var serve = ServeProcess.Start("vhost-user", "serve", "--socket", socket, "--device", "net", "--queues", "2", "--loopback");
        try
        {
            Wait.ForSocket(socket, serve);
            using var drive = ServeProcess.Start("vhost-user", "drive", "--socket", socket, "--queues", "2", "--frames", "4001", "--packed");
            Assert.True(drive.WaitForExit(60_000), "drive did not finish");
            output.WriteLine(drive.Output);
            Assert.Equal(0, drive.ExitCode);
            var json = JsonDocument.Parse(ServeProcess.LastJsonLine(drive.Output)).RootElement;
            Assert.True(json.GetProperty("ok").GetBoolean());
            Assert.Equal(2, json.GetProperty("queuePairs").GetInt32());
            Assert.Equal(4001, json.GetProperty("framesVerified").GetInt64());
            Assert.Equal([2001L, 2000L], json.GetProperty("framesReceivedPerPair").EnumerateArray().Select(e => e.GetInt64()));
            Assert.True(serve.Stop(), "serve did not stop on SIGTERM");
            var served = JsonDocument.Parse(ServeProcess.LastJsonLine(serve.Output)).RootElement;
            Assert.Equal(4001, served.GetProperty("framesFromDriver").GetInt64());
            Assert.Equal(4001, served.GetProperty("framesToDriver").GetInt64());
        }
        finally
        {
            File.Delete(socket);
        }
    }

    [Fact]
    public void A_queue_size_above_the_ring_maximum_exits_2_with_the_reason()
    {
        using var drive = ServeProcess.Start("vhost-user", "drive", "--socket", "/nonexistent/socket", "--packed", "--queue-size", "40000");
        Assert.True(drive.WaitForExit(60_000), "drive did not finish");
        Assert.Equal(2, drive.ExitCode);
        Assert.Contains("queue size 40000 is outside 1..32768", drive.Output);
    }

    [Theory]
    [InlineData("--inject-frame-size", "59", "the injected frame size must be 60..65535 (got 59)")]
    [InlineData("--inject-frame-size", "65536", "the injected frame size must be 60..65535 (got 65536)")]
    [InlineData("--inject-frames", "-1", "inject-frames must be 0 or more (got -1)")]
    public void Serve_with_a_bad_injection_setting_exits_2_with_the_reason(string option, string value, string reason)
    {
        using var serve = ServeProcess.Start("vhost-user", "serve", "--socket", "/nonexistent/socket", option, value);
        Assert.True(serve.WaitForExit(60_000), "serve did not finish");
        Assert.Equal(2, serve.ExitCode);
        Assert.Contains(reason, serve.Output);
    }

    [Theory]
    [InlineData("0", "queue pairs must be 1..64 (got 0)")]
    [InlineData("65", "queue pairs must be 1..64 (got 65)")]
    public void A_bad_queue_pair_count_exits_2_with_the_reason(string pairs, string reason)
    {
        using var drive = ServeProcess.Start("vhost-user", "drive", "--socket", "/nonexistent/socket", "--queues", pairs);
        Assert.True(drive.WaitForExit(60_000), "drive did not finish");
        Assert.Equal(2, drive.ExitCode);
        Assert.Contains(reason, drive.Output);
    }
}
