using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Virtsim.Hosting.Cluster.Local;

/// <summary>
/// A <c>virtsim node --config FILE</c> child process: its output lines kept and watched, so that a caller waits for
/// events (the node's "up" line, its exit) instead of sleeping; stopped with SIGTERM (coordinated shutdown: a
/// graceful leave) or killed with SIGKILL.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _watches = [];
    private readonly object _gate = new();

    private NodeProcess(Process process, string config)
    {
        _process = process;
        Config = config;
    }

    /// <summary>The node file.</summary>
    public string Config { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code (after exit).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Everything written to stdout so far.</summary>
    public string Output
    {
        get
        {
            lock (_gate) return _stdout.ToString();
        }
    }

    /// <summary>Everything written to stderr so far.</summary>
    public string Errors
    {
        get
        {
            lock (_gate) return _stderr.ToString();
        }
    }

    /// <summary>Starts <c>virtsim node --config <paramref name="config"/></c> with <paramref name="virtsim"/>.</summary>
    /// <param name="virtsim">How to run virtsim.</param>
    /// <param name="config">The node file.</param>
    /// <param name="environment">Extra environment variables (e.g. the store's connection).</param>
    public static NodeProcess Start(VirtsimCommand virtsim, string config, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(virtsim);
        var info = new ProcessStartInfo(virtsim.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in virtsim.Prefix) info.ArgumentList.Add(a);
        foreach (string a in new[] { "node", "--config", config }) info.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (key, value) in environment) info.Environment[key] = value;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var node = new NodeProcess(process, config);
        process.OutputDataReceived += (_, e) => node.Line(e.Data, node._stdout);
        process.ErrorDataReceived += (_, e) => node.Line(e.Data, node._stderr);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>
    /// The first line (stdout or stderr, already written or to come) that <paramref name="match"/> accepts; fails when
    /// the process exits first or <paramref name="timeout"/> passes.
    /// </summary>
    /// <exception cref="TimeoutException">No such line in time.</exception>
    /// <exception cref="InvalidOperationException">The process exited first.</exception>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(match);
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            foreach (string line in (_stdout.ToString() + _stderr.ToString()).Split('\n'))
            {
                if (line.Length > 0 && match(line.TrimEnd('\r'))) return line.TrimEnd('\r');
            }
            _watches.Add((match, found));
        }
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(found.Task, exited, Task.Delay(timeout)).ConfigureAwait(false);
        if (first == found.Task) return await found.Task.ConfigureAwait(false);
        lock (_gate) _watches.RemoveAll(w => w.Found == found);
        if (found.Task.IsCompleted) return await found.Task.ConfigureAwait(false);
        if (first == exited)
            throw new InvalidOperationException($"node {Config} exited with {_process.ExitCode} before the awaited line: {Errors.Trim()}");
        throw new TimeoutException($"node {Config}: no awaited line within {timeout.TotalSeconds:0} s; stderr: {Errors.Trim()}");
    }

    /// <summary>Waits for the node's <c>node NAME up: ADDRESS ...</c> line and returns the address.</summary>
    public async Task<string> WaitUpAsync(TimeSpan timeout)
    {
        string line = await WaitForLineAsync(l => l.StartsWith("node ", StringComparison.Ordinal) && l.Contains(" up: ", StringComparison.Ordinal), timeout).ConfigureAwait(false);
        string rest = line[(line.IndexOf(" up: ", StringComparison.Ordinal) + 5)..];
        return rest.Split(' ')[0];
    }

    /// <summary>Sends SIGTERM (a graceful leave through coordinated shutdown).</summary>
    public void Terminate() => Signal(15);

    /// <summary>Sends SIGKILL: the node dies without a word to the cluster.</summary>
    public void Kill() => Signal(9);

    /// <summary>Waits for the exit; true when it came within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        if (await Task.WhenAny(exited, Task.Delay(timeout)).ConfigureAwait(false) != exited) return false;
        _process.WaitForExit(); // the end of the redirected output
        return true;
    }

    /// <summary>SIGTERM, then SIGKILL if the node has not exited within <paramref name="grace"/>; true when it left by itself.</summary>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return true;
        Terminate();
        if (await WaitForExitAsync(grace).ConfigureAwait(false)) return true;
        Kill();
        await WaitForExitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return false;
    }

    /// <summary>Kills the process if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            await WaitForExitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        _process.Dispose();
    }

    private void Line(string? line, StringBuilder into)
    {
        if (line is null) return;
        lock (_gate)
        {
            into.Append(line).Append('\n');
            for (int i = _watches.Count - 1; i >= 0; i--)
            {
                if (!_watches[i].Match(line)) continue;
                _watches[i].Found.TrySetResult(line);
                _watches.RemoveAt(i);
            }
        }
    }

    private void Signal(int signal)
    {
        if (_process.HasExited) return;
        _ = SendSignal(_process.Id, signal);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
