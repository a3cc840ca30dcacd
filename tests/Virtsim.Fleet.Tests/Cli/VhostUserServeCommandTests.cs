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
        Assert.Equal(2, process.ExitCode);
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

    [Fact]
    public void Serve_refuses_a_path_that_is_not_a_socket_and_keeps_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"virtsim-cli-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "precious");
        try
        {
            var (code, stderr) = InProcessCli.Run("vhost-user", "serve", "--socket", path);
            Assert.Equal(2, code);
            Assert.Contains("not a socket", stderr);
            Assert.DoesNotContain("   at ", stderr);
            Assert.Equal("precious", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_second_serve_on_a_live_socket_is_refused_and_the_first_keeps_its_socket()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"virtsim-cli-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
        using var first = Start("vhost-user", "serve", "--socket", socket);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!File.Exists(socket) && DateTime.UtcNow < deadline && !first.HasExited) Thread.Sleep(20);
            Assert.True(File.Exists(socket), "the socket never appeared");

            using (var second = Start("vhost-user", "serve", "--socket", socket))
            {
                try
                {
                    Assert.True(second.WaitForExit(20_000), "the second serve did not give up");
                    string error = second.StandardError.ReadToEnd();
                    Assert.Equal(2, second.ExitCode);
                    Assert.Contains("in use", error);
                    Assert.DoesNotContain("   at ", error);
                }
                finally
                {
                    if (!second.HasExited) second.Kill();
                }
            }

            // The first still owns the path: a client reaches it, and it removes its socket when it stops.
            Assert.False(first.HasExited);
            using (var client = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
                client.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(socket));
            Assert.Equal(0, Kill(first.Id, 15));
            Assert.True(first.WaitForExit(20_000), "serve did not stop on SIGTERM");
            Assert.Equal(0, first.ExitCode);
            Assert.False(File.Exists(socket), "the socket was left behind");
        }
        finally
        {
            if (!first.HasExited) first.Kill();
            File.Delete(socket);
        }
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
