using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Virtsim.VhostUser.Tests.Dpdk;

/// <summary>
/// One bounded dpdk-testpmd run with a virtio-user port (the DPDK virtio driver) connected to a vhost-user socket:
/// no hugepages, no PCI, two lcores, a unique file prefix, killed in <see cref="Dispose"/> if still running.
/// </summary>
internal sealed partial class Testpmd : IDisposable
{
    private static int s_counter;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _prefix;

    private Testpmd(Process process, string prefix)
    {
        _process = process;
        _prefix = prefix;
    }

    /// <summary>The testpmd binary, or null when DPDK is not installed.</summary>
    public static string? Binary => File.Exists("/usr/bin/dpdk-testpmd") ? "/usr/bin/dpdk-testpmd" : null;

    public static Testpmd Start(string socket, string forwardMode, bool packed, bool inOrder, bool mergeable, int queues = 1)
    {
        string prefix = $"virtsim-vu-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}";
        string binary = Binary ?? throw new InvalidOperationException("dpdk-testpmd is not installed");
        // testpmd's stdout is a pipe here: stdbuf makes it line-buffered so "Press enter to exit" arrives when printed.
        bool stdbuf = File.Exists("/usr/bin/stdbuf");
        var info = new ProcessStartInfo(stdbuf ? "/usr/bin/stdbuf" : binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (stdbuf) { info.ArgumentList.Add("-oL"); info.ArgumentList.Add(binary); }
        foreach (var a in new[]
        {
            "--no-huge", "-m", "512", "--no-pci", "--no-telemetry", $"--file-prefix={prefix}", "-l", "0,1", "--log-level=lib.eal:error",
            $"--vdev=net_virtio_user0,path={socket},queues={queues},packed_vq={(packed ? 1 : 0)},in_order={(inOrder ? 1 : 0)},mrg_rxbuf={(mergeable ? 1 : 0)}",
            "--", $"--forward-mode={forwardMode}", "--auto-start", "--nb-cores=1", "--total-num-mbufs=8192", $"--rxq={queues}", $"--txq={queues}",
        }) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        var run = new Testpmd(process, prefix);
        process.OutputDataReceived += (_, e) => run.Append(e.Data);
        process.ErrorDataReceived += (_, e) => run.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    /// <summary>
    /// testpmd with DPDK's vhost-user device (net_vhost) listening on <paramref name="socket"/>, io-forwarding
    /// what the driver transmits back to it (one port pairs with itself).
    /// </summary>
    public static Testpmd StartVhost(string socket)
    {
        string prefix = $"virtsim-vh-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}";
        string binary = Binary ?? throw new InvalidOperationException("dpdk-testpmd is not installed");
        bool stdbuf = File.Exists("/usr/bin/stdbuf");
        var info = new ProcessStartInfo(stdbuf ? "/usr/bin/stdbuf" : binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (stdbuf) { info.ArgumentList.Add("-oL"); info.ArgumentList.Add(binary); }
        foreach (var a in new[]
        {
            "--no-huge", "-m", "1024", "--no-pci", "--no-telemetry", $"--file-prefix={prefix}", "-l", "0,1", "--log-level=lib.eal:error",
            $"--vdev=net_vhost0,iface={socket},queues=1",
            "--", "--forward-mode=io", "--auto-start", "--nb-cores=1", "--total-num-mbufs=8192",
        }) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        var run = new Testpmd(process, prefix);
        process.OutputDataReceived += (_, e) => run.Append(e.Data);
        process.ErrorDataReceived += (_, e) => run.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private void Append(string? line)
    {
        if (line == null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>Waits until testpmd has started forwarding (it then waits for Enter).</summary>
    public bool WaitForwarding(int timeoutMs = 15_000)
    {
        var watch = Stopwatch.StartNew();
        while (watch.ElapsedMilliseconds < timeoutMs)
        {
            if (Output.Contains("Press enter to exit")) return true;
            if (_process.HasExited) return false;
            Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>Presses Enter: testpmd stops forwarding, prints its statistics and exits.</summary>
    public bool Quit(int timeoutMs = 15_000)
    {
        try
        {
            _process.StandardInput.WriteLine();
            _process.StandardInput.Flush();
        }
        catch (IOException) { }
        if (!_process.WaitForExit(timeoutMs)) return false;
        _process.WaitForExit(); // drains the output readers
        return true;
    }

    /// <summary>Kills testpmd at once (SIGKILL), as a crashing front-end.</summary>
    public void Crash()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(5000);
    }

    /// <summary>(RX-packets, TX-packets) from the accumulated forward statistics.</summary>
    public (long Rx, long Tx) Totals()
    {
        string text = Output;
        int at = text.IndexOf("Accumulated forward statistics", StringComparison.Ordinal);
        if (at < 0) throw new InvalidOperationException("testpmd printed no statistics:\n" + text);
        string tail = text[at..];
        return (long.Parse(RxPackets().Match(tail).Groups[1].Value), long.Parse(TxPackets().Match(tail).Groups[1].Value));
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        // EAL's runtime directory: /var/run/dpdk for root, else $XDG_RUNTIME_DIR/dpdk or /tmp/dpdk.
        string? xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        foreach (var root in new[] { "/var/run/dpdk", xdg == null ? null : Path.Combine(xdg, "dpdk"), "/tmp/dpdk" })
        {
            if (root == null) continue;
            try { Directory.Delete(Path.Combine(root, _prefix), recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    [GeneratedRegex(@"RX-packets:\s*(\d+)")]
    private static partial Regex RxPackets();

    [GeneratedRegex(@"TX-packets:\s*(\d+)")]
    private static partial Regex TxPackets();
}
