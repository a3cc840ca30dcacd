using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Virtsim.Bench.VhostUser;

/// <summary>
/// One dpdk-testpmd process for the vhost-user benchmark: no hugepages, no PCI, lcores 0 and 1 with a chosen main
/// lcore (the other one forwards), a unique file prefix, line-buffered output kept in memory, commands written to
/// its stdin, killed and its EAL runtime directory removed on dispose.
/// </summary>
internal sealed partial class TestpmdProcess : IDisposable
{
    private const string Binary = "/usr/bin/dpdk-testpmd";
    private static int s_counter;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _prefix;

    private TestpmdProcess(Process process, string prefix)
    {
        _process = process;
        _prefix = prefix;
    }

    /// <summary>True when dpdk-testpmd is installed.</summary>
    public static bool Available => File.Exists(Binary);

    /// <summary>
    /// The txonly driver: DPDK's virtio PMD (net_virtio_user) on <paramref name="socket"/>, forwarding on lcore 0
    /// (main lcore 1), auto-started; Enter stops it.
    /// </summary>
    public static TestpmdProcess StartTxonlyDriver(string socket, bool packed) =>
        Start(mainLcore: 1, $"--vdev=net_virtio_user0,path={socket},queues=1,packed_vq={(packed ? 1 : 0)}",
            ["--forward-mode=txonly", "--auto-start"]);

    /// <summary>
    /// DPDK's own vhost-user back-end (net_vhost) listening on <paramref name="socket"/>, rxonly, forwarding on lcore 1
    /// (main lcore 0), interactive: <c>start</c>, <c>show fwd stats all</c> and <c>quit</c> are sent by the caller.
    /// </summary>
    public static TestpmdProcess StartVhostBackEnd(string socket) =>
        Start(mainLcore: 0, $"--vdev=net_vhost0,iface={socket},queues=1", ["-i", "--forward-mode=rxonly"]);

    private static TestpmdProcess Start(int mainLcore, string vdev, string[] appArgs)
    {
        string prefix = $"virtsim-bench-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}";
        // testpmd's stdout is a pipe here: stdbuf makes it line-buffered so each line arrives when printed.
        bool stdbuf = File.Exists("/usr/bin/stdbuf");
        var info = new ProcessStartInfo(stdbuf ? "/usr/bin/stdbuf" : Binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (stdbuf) { info.ArgumentList.Add("-oL"); info.ArgumentList.Add(Binary); }
        foreach (var a in new[]
        {
            "--no-huge", "-m", "512", "--no-pci", "--no-telemetry", $"--file-prefix={prefix}", "-l", "0,1",
            $"--main-lcore={mainLcore}", "--log-level=lib.eal:error", "--log-level=lib.vhost.config:error", vdev,
            "--", "--nb-cores=1", "--total-num-mbufs=8192", "--rxq=1", "--txq=1",
        }) info.ArgumentList.Add(a);
        foreach (var a in appArgs) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        var run = new TestpmdProcess(process, prefix);
        process.OutputDataReceived += (_, e) => run.Append(e.Data);
        process.ErrorDataReceived += (_, e) => run.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Everything printed so far.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>True once it has exited.</summary>
    public bool HasExited => _process.HasExited;

    private void Append(string? line)
    {
        if (line == null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>Waits until the output contains <paramref name="text"/> at or after character <paramref name="from"/>.</summary>
    public bool WaitFor(string text, int timeoutMs, int from = 0)
    {
        var watch = Stopwatch.StartNew();
        while (watch.ElapsedMilliseconds < timeoutMs)
        {
            string output = Output;
            if (output.Length > from && output.IndexOf(text, from, StringComparison.Ordinal) >= 0) return true;
            if (_process.HasExited) return false;
            Thread.Sleep(10);
        }
        return false;
    }

    /// <summary>Writes one line to its stdin.</summary>
    public void Send(string line)
    {
        try
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }
        catch (IOException) { }
    }

    /// <summary>
    /// Sends <c>show fwd stats all</c> and returns the accumulated RX-packets it prints, or -1 when nothing came
    /// within the timeout.
    /// </summary>
    public long ReadForwardRxPackets(int timeoutMs = 5000)
    {
        int from = Output.Length;
        Send("show fwd stats all");
        if (!WaitFor("Accumulated forward statistics", timeoutMs, from) || !WaitFor("RX-total", timeoutMs, Output.IndexOf("Accumulated forward statistics", from, StringComparison.Ordinal)))
            return -1;
        string text = Output;
        string tail = text[text.IndexOf("Accumulated forward statistics", from, StringComparison.Ordinal)..];
        var match = RxPackets().Match(tail);
        return match.Success ? long.Parse(match.Groups[1].Value) : -1;
    }

    /// <summary>Sends <paramref name="line"/> (Enter or <c>quit</c>) and waits for the exit; kills it if it does not.</summary>
    public void Stop(string line, int timeoutMs = 15_000)
    {
        Send(line);
        if (!_process.WaitForExit(timeoutMs)) Kill();
        else _process.WaitForExit(); // drains the output readers
    }

    private void Kill()
    {
        try
        {
            if (_process.HasExited) return;
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException) { }
    }

    /// <summary>Kills it if still running and removes its EAL runtime directory.</summary>
    public void Dispose()
    {
        Kill();
        _process.Dispose();
        string? xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        foreach (var root in new[] { "/var/run/dpdk", xdg == null ? null : Path.Combine(xdg, "dpdk"), Path.Combine(Path.GetTempPath(), "dpdk") })
        {
            if (root == null) continue;
            try { Directory.Delete(Path.Combine(root, _prefix), recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    [GeneratedRegex(@"RX-packets:\s*(\d+)")]
    private static partial Regex RxPackets();
}
