using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Virtsim.Fleet.Tests.Cli;

/// <summary>
/// A real-time <c>virtsim run</c> as a process, stopped by SIGTERM mid-run: the hosted node shuts down (Akka.NET's
/// coordinated shutdown), and the run still prints its summary and JSON line for what it did so far.
/// </summary>
public class RealTimeSignalTests
{
    private static readonly string Virtsim = Path.Combine(AppContext.BaseDirectory, "virtsim.dll");

    // Long enough that it is still running when the signal comes (a minute or more of real time on its own).
    private const string Scenario = """
        scenario { name = long-real-time, seed = 1, max-virtual-time = 600s }
        defaults { blk { requests = 2000000, queue-depth = 8, disk-sectors = 65536 } }
        hosts = [ { name = h, vms = [ { name = vm, devices = [ { name = blk0, type = blk, vendor = qemu-emu } ] } ] } ]
        virtsim.actors.dispatcher.type = threaded
        """;

    [Fact]
    public async Task Sigterm_stops_a_real_time_run_with_its_report()
    {
        string folder = Path.Combine(Path.GetTempPath(), "virtsim-sig-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        string scenario = Path.Combine(folder, "long.conf");
        File.WriteAllText(scenario, Scenario);
        var stderr = new StringBuilder();
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Virtsim, "run", scenario, "--json" }) info.ArgumentList.Add(a);
        using var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            // Requests are flowing: the world is up and busy.
            if (e.Data.StartsWith("progress: ", StringComparison.Ordinal) && !e.Data.Contains(" 0 requests", StringComparison.Ordinal))
                running.TrySetResult();
        };
        try
        {
            process.Start();
            process.BeginErrorReadLine();
            var stdout = process.StandardOutput.ReadToEndAsync();
            Assert.True(await Within(running.Task, TimeSpan.FromSeconds(120)), $"the run never got going: {Text(stderr)}");
            Assert.Equal(0, Kill(process.Id, 15)); // SIGTERM
            Assert.True(await Within(process.WaitForExitAsync(), TimeSpan.FromSeconds(60)), $"SIGTERM did not stop the run: {Text(stderr)}");
            string output = await stdout;
            process.WaitForExit();
            string error = Text(stderr);
            Assert.Contains("stopped by a signal", error);
            var summary = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
            Assert.False(summary.GetProperty("completed").GetBoolean());
            long requests = summary.GetProperty("requests").GetInt64();
            Assert.InRange(requests, 1, 2_000_000 - 1);
            Assert.Equal(1, process.ExitCode); // not completed: the checks did not pass, and nothing crashed
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            Directory.Delete(folder, recursive: true);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static async Task<bool> Within(Task task, TimeSpan limit) => await Task.WhenAny(task, Task.Delay(limit)) == task;

    private static string Text(StringBuilder b)
    {
        lock (b) return b.ToString();
    }
}
