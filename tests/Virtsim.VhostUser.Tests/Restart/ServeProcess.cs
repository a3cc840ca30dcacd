using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Virtsim.VhostUser.Tests.Restart;

/// <summary>
/// A <c>virtsim</c> command (<c>vhost-user serve</c> or <c>drive</c>) as a real child process (the CLI built next
/// to the tests), its stdout and stderr collected, killed with SIGKILL on request and in <see cref="Dispose"/> if
/// still running.
/// </summary>
internal sealed class ServeProcess : IDisposable
{
    private static readonly string Virtsim = Path.Combine(AppContext.BaseDirectory, "virtsim.dll");
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServeProcess(Process process) => _process = process;

    public static ServeProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Virtsim);
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        var run = new ServeProcess(process);
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

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Waits for the process to end on its own (and its output to be read to the end).</summary>
    public bool WaitForExit(int milliseconds)
    {
        if (!_process.WaitForExit(milliseconds)) return false;
        _process.WaitForExit();
        return true;
    }

    /// <summary>SIGKILL: no GET_VRING_BASE, no flush, no cleanup; waits until the process is gone.</summary>
    public void KillHard()
    {
        Assert.Equal(0, Kill(_process.Id, 9));
        Assert.True(_process.WaitForExit(20_000), "serve did not die on SIGKILL");
        _process.WaitForExit(); // and its output is read to the end
    }

    /// <summary>SIGTERM, then the exit (the serve loop ends and prints its summary).</summary>
    public bool Stop()
    {
        if (_process.HasExited) return true;
        Kill(_process.Id, 15);
        if (!_process.WaitForExit(20_000)) return false;
        _process.WaitForExit(); // and its output is read to the end
        return true;
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
    }

    private void Append(string? line)
    {
        if (line == null) return;
        lock (_output) _output.AppendLine(line);
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
