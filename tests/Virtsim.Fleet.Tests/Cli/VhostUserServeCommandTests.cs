using System.Diagnostics;
using System.Text.Json;

namespace Virtsim.Fleet.Tests.Cli;

/// <summary>
/// <c>virtsim vhost-user serve</c> as a real process: it listens on the socket, stops on SIGTERM, prints one JSON
/// summary line and removes the socket; bad arguments give a clear error and a non-zero exit.
/// </summary>
public class VhostUserServeCommandTests
{
    private static readonly string Virtsim = Path.Combine(AppContext.BaseDirectory, "virtsim.dll");

    [Fact]
    public void Serve_stops_on_sigterm_with_a_json_summary()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"virtsim-cli-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
        using var process = Start("vhost-user", "serve", "--socket", socket, "--device", "blk");
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!File.Exists(socket) && DateTime.UtcNow < deadline && !process.HasExited) Thread.Sleep(20);
            Assert.True(File.Exists(socket), "the socket never appeared");
            Assert.Equal(0, Kill(process.Id, 15)); // SIGTERM
            Assert.True(process.WaitForExit(20_000), "serve did not stop on SIGTERM");
            string stdout = process.StandardOutput.ReadToEnd();
            Assert.Equal(0, process.ExitCode);
            var summary = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;
            Assert.Equal("blk", summary.GetProperty("device").GetString());
            Assert.Equal(0, summary.GetProperty("requests").GetInt64());
            Assert.False(File.Exists(socket), "the socket was left behind");
        }
        finally
        {
            if (!process.HasExited) process.Kill();
            File.Delete(socket);
        }
    }

    [Fact]
    public void Serve_without_a_socket_is_refused()
    {
        using var process = Start("vhost-user", "serve", "--device", "net");
        Assert.True(process.WaitForExit(20_000));
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("--socket", process.StandardError.ReadToEnd());
    }

    [Fact]
    public void Serve_on_a_path_that_cannot_be_created_fails_clearly()
    {
        using var process = Start("vhost-user", "serve", "--socket", "/nonexistent-dir/virtsim.sock");
        Assert.True(process.WaitForExit(20_000));
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("virtsim:", process.StandardError.ReadToEnd());
    }

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Virtsim);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
