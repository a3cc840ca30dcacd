using System.Diagnostics;
using System.Text;

namespace Virtsim.VhostUser.Tests.Frontend;

/// <summary>
/// One qemu-storage-daemon exporting a raw image file as a vhost-user-blk device on a unix socket; killed in
/// <see cref="Dispose"/> if still running.
/// </summary>
internal sealed class StorageDaemon : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private StorageDaemon(Process process) => _process = process;

    /// <summary>The binary, or null when qemu-system-common is not installed.</summary>
    public static string? Binary => File.Exists("/usr/bin/qemu-storage-daemon") ? "/usr/bin/qemu-storage-daemon" : null;

    public static StorageDaemon Start(string image, string socket)
    {
        string binary = Binary ?? throw new InvalidOperationException("qemu-storage-daemon is not installed");
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
        {
            "--blockdev", $"driver=file,node-name=file0,filename={image}",
            "--export", $"type=vhost-user-blk,id=exp0,node-name=file0,addr.type=unix,addr.path={socket},writable=on",
        }) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        var run = new StorageDaemon(process);
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

    private void Append(string? line)
    {
        if (line == null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>Stops the daemon (SIGKILL: the image is a plain file and every write was completed, so nothing is lost).</summary>
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
}
