using System.Text.Json;
using Virtsim.VhostUser.Tests.Harness;
using Virtsim.VhostUser.Tests.Restart;
using Xunit.Abstractions;

namespace Virtsim.VhostUser.Tests.Frontend;

/// <summary>
/// SIGTERM, the signal that reaches a background process of a non-interactive shell (which ignores SIGINT there),
/// stops <c>virtsim vhost-user serve</c> and <c>drive</c> mid-traffic, each a separate process, and each prints its
/// JSON summary line with what it counted.
/// </summary>
public sealed class SigtermTests(ITestOutputHelper output)
{
    private const int ExitTimeoutMs = 20_000;
    private const int TrafficTimeoutMs = 60_000;

    [Fact]
    public void Sigterm_stops_drive_mid_run_with_a_summary_of_what_it_verified_and_serve_keeps_serving()
    {
        string socket = DriveAgainstServeTests.SocketPath();
        using var serve = ServeProcess.Start("vhost-user", "serve", "--socket", socket, "--device", "net", "--loopback");
        try
        {
            Wait.ForSocket(socket, serve);
            using var drive = StartEndlessDrive(socket);
            Assert.True(drive.Signal(15), "drive could not be sent SIGTERM");
            Assert.True(drive.WaitForExit(ExitTimeoutMs), "drive did not stop on SIGTERM:\n" + drive.Output);
            output.WriteLine(drive.Output);
            Assert.Equal(1, drive.ExitCode); // the run did not complete; the device did nothing wrong
            Assert.Contains("virtsim: stopped by a signal before the run completed", drive.Output);
            var driven = JsonDocument.Parse(ServeProcess.LastJsonLine(drive.Output)).RootElement;
            Assert.True(driven.GetProperty("stopped").GetBoolean());
            Assert.False(driven.GetProperty("ok").GetBoolean());
            Assert.Equal(JsonValueKind.Null, driven.GetProperty("error").ValueKind);
            long verified = driven.GetProperty("framesVerified").GetInt64();
            Assert.True(verified > 0, "the summary lost the frames verified before the signal");
            Assert.Equal(0, driven.GetProperty("mismatches").GetInt64());
            Assert.Equal(0, driven.GetProperty("duplicates").GetInt64());

            // The driver's hang-up ended only its connection: serve still runs until its own SIGTERM.
            Assert.False(serve.HasExited, "serve ended with the driver:\n" + serve.Output);
            Assert.True(serve.Stop(), "serve did not stop on SIGTERM");
            Assert.Equal(0, serve.ExitCode);
            var served = JsonDocument.Parse(ServeProcess.LastJsonLine(serve.Output)).RootElement;
            Assert.Equal(1, served.GetProperty("connections").GetInt32());
            Assert.Empty(served.GetProperty("errors").EnumerateArray());
            Assert.True(served.GetProperty("framesToDriver").GetInt64() >= verified);
        }
        finally
        {
            File.Delete(socket);
        }
    }

    [Fact]
    public void Sigterm_stops_serve_mid_run_with_its_summary_and_the_driver_reports_the_device_gone()
    {
        string socket = DriveAgainstServeTests.SocketPath();
        using var serve = ServeProcess.Start("vhost-user", "serve", "--socket", socket, "--device", "net", "--loopback");
        try
        {
            Wait.ForSocket(socket, serve);
            using var drive = StartEndlessDrive(socket);
            Assert.True(serve.Stop(), "serve did not stop on SIGTERM while a driver was connected:\n" + serve.Output);
            output.WriteLine(serve.Output);
            Assert.Equal(0, serve.ExitCode);
            var served = JsonDocument.Parse(ServeProcess.LastJsonLine(serve.Output)).RootElement;
            Assert.Equal(1, served.GetProperty("connections").GetInt32());
            Assert.True(served.GetProperty("framesFromDriver").GetInt64() > 0, "the summary lost the frames served before the signal");
            Assert.True(served.GetProperty("framesToDriver").GetInt64() > 0);
            Assert.False(File.Exists(socket), "serve left its socket behind");

            // The driver finds the device gone (at the latest after its 5 s progress timeout) and says so.
            Assert.True(drive.WaitForExit(TrafficTimeoutMs), "drive did not notice the device went away:\n" + drive.Output);
            output.WriteLine(drive.Output);
            Assert.Equal(3, drive.ExitCode);
            var driven = JsonDocument.Parse(ServeProcess.LastJsonLine(drive.Output)).RootElement;
            Assert.False(driven.GetProperty("stopped").GetBoolean());
            Assert.Equal(JsonValueKind.String, driven.GetProperty("error").ValueKind);
            Assert.True(driven.GetProperty("framesVerified").GetInt64() > 0);
        }
        finally
        {
            File.Delete(socket);
        }
    }

    // A drive with far more frames than the test lets it send, returned once it reported progress: traffic flows.
    private static ServeProcess StartEndlessDrive(string socket)
    {
        var drive = ServeProcess.Start("vhost-user", "drive", "--socket", socket, "--device", "net", "--frames", "50000000", "--timeout", "5");
        if (drive.WaitForOutput("virtsim: net sent", TrafficTimeoutMs)) return drive;
        string text = drive.Output;
        drive.Dispose();
        Assert.Fail("drive never reported traffic:\n" + text);
        return null!;
    }
}
