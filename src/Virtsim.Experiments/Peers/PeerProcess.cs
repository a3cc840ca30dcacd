using System.Diagnostics;

namespace Virtsim.Experiments.Peers;

/// <summary>
/// A real peer (dpdk-testpmd, qemu-storage-daemon) as a child process: its output (stdout and stderr by line) kept in a
/// <see cref="TailLog"/>, stdin held open (testpmd stops forwarding at end of file), killed on <see cref="Dispose"/>.
/// </summary>
internal sealed class PeerProcess : IDisposable
{
    private const string Stdbuf = "/usr/bin/stdbuf";
    private readonly Process _process;

    private PeerProcess(Process process, TailLog log, string command)
    {
        _process = process;
        Log = log;
        Command = command;
    }

    /// <summary>The command line it was started with (for a report: how to run the peer again).</summary>
    public string Command { get; }

    /// <summary>What a report keeps: the command line, then the last <paramref name="lines"/> lines of output.</summary>
    public IReadOnlyList<string> Output(int lines) => ["$ " + Command, .. Log.Last(lines)];

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Its output, the last lines.</summary>
    public TailLog Log { get; }

    /// <summary>Starts <paramref name="binary"/> line-buffered (under stdbuf when installed).</summary>
    /// <exception cref="InvalidOperationException">The binary is not installed.</exception>
    public static PeerProcess Start(string binary, IEnumerable<string> arguments, string package)
    {
        if (!File.Exists(binary)) throw new InvalidOperationException($"{binary} is not installed (Debian package {package})");
        bool stdbuf = File.Exists(Stdbuf);
        var info = new ProcessStartInfo(stdbuf ? Stdbuf : binary)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (stdbuf) { info.ArgumentList.Add("-oL"); info.ArgumentList.Add(binary); }
        var list = arguments.ToList();
        foreach (var a in list) info.ArgumentList.Add(a);
        var log = new TailLog();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => log.Add(e.Data);
        process.ErrorDataReceived += (_, e) => log.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string command = string.Join(' ', list.Prepend(binary));
        return new PeerProcess(process, log, command);
    }

    /// <summary>True (with how) once the process has exited.</summary>
    public bool Exited(out string how)
    {
        how = "";
        if (!_process.HasExited) return false;
        int code = _process.ExitCode;
        // .NET reports a process killed by signal N as 128 + N.
        how = code > 128 && code < 160 ? $"killed by signal {code - 128} ({SignalName(code - 128)})" : $"exited with code {code}";
        return true;
    }

    /// <summary>Waits until the output has a line containing <paramref name="text"/>; false on timeout or exit.</summary>
    public bool WaitFor(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Log.Last(400).Any(l => l.Contains(text, StringComparison.Ordinal))) return true;
            if (_process.HasExited) return false;
            Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>Waits until <paramref name="path"/> exists; false on timeout or exit.</summary>
    public bool WaitForFile(string path, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (File.Exists(path)) return true;
            if (_process.HasExited) return false;
            Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>Kills it (and its children) if still running.</summary>
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
    }

    private static string SignalName(int signal) => signal switch
    {
        6 => "SIGABRT", 7 => "SIGBUS", 9 => "SIGKILL", 11 => "SIGSEGV", 15 => "SIGTERM", 4 => "SIGILL", 8 => "SIGFPE", _ => "signal",
    };
}
