using System.Diagnostics;
using System.Text;
using Virtsim.VhostUser.Native;

namespace Virtsim.TestSupport;

/// <summary>
/// A real peer (dpdk-testpmd, qemu-storage-daemon, a <c>virtsim</c> process) run as a child process for tests and
/// benchmarks: stdout and stderr collected line by line in memory, stdin writable, signals on request, and killed
/// with its process tree on <see cref="Dispose"/> if still running.
/// </summary>
public sealed class PeerProcess : IDisposable
{
    private const string StdbufPath = "/usr/bin/stdbuf";
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PeerProcess(Process process) => _process = process;

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="arguments"/>. <paramref name="lineBuffered"/> runs it
    /// under <c>stdbuf -oL</c> (when installed): a C program writing to a pipe otherwise holds its output back, and
    /// callers wait for lines such as testpmd's "Press enter to exit".
    /// </summary>
    public static PeerProcess Start(string fileName, IEnumerable<string> arguments, bool lineBuffered = false)
    {
        bool stdbuf = lineBuffered && File.Exists(StdbufPath);
        var info = new ProcessStartInfo(stdbuf ? StdbufPath : fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (stdbuf) { info.ArgumentList.Add("-oL"); info.ArgumentList.Add(fileName); }
        foreach (var a in arguments) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        var peer = new PeerProcess(process);
        process.OutputDataReceived += (_, e) => peer.Append(e.Data);
        process.ErrorDataReceived += (_, e) => peer.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    /// <summary>Everything it printed so far (stdout and stderr interleaved by line).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>True once it has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Its exit code (after it exited).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Its process id.</summary>
    public int Id => _process.Id;

    /// <summary>
    /// Waits until the output contains <paramref name="text"/> at or after character <paramref name="from"/>; false on
    /// timeout or when the process exits first.
    /// </summary>
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

    /// <summary>Writes one line to its stdin (ignored when it already closed it).</summary>
    public void Send(string line)
    {
        try
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }
        catch (IOException) { }
    }

    /// <summary>Waits for it to exit on its own, and then for its output to be read to the end.</summary>
    public bool WaitForExit(int timeoutMs)
    {
        if (!_process.WaitForExit(timeoutMs)) return false;
        _process.WaitForExit(); // drains the output readers
        return true;
    }

    /// <summary>Sends <paramref name="signal"/> (e.g. 9 SIGKILL, 15 SIGTERM) to it alone; false when it is gone or kill(2) failed.</summary>
    public bool Signal(int signal) => !_process.HasExited && LibC.kill(_process.Id, signal) == 0;

    /// <summary>Kills it and its children at once (SIGKILL) and waits up to <paramref name="timeoutMs"/> for the exit.</summary>
    public void Kill(int timeoutMs = 5000)
    {
        try
        {
            if (_process.HasExited) return;
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(timeoutMs);
        }
        catch (InvalidOperationException) { } // exited meanwhile
    }

    /// <summary>Kills it if still running and releases the process handle.</summary>
    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line == null) return;
        lock (_output) _output.AppendLine(line);
    }
}
