using System.Text.RegularExpressions;
using Virtsim.VhostUser.Testing;

namespace Virtsim.Bench.VhostUser;

/// <summary>
/// One dpdk-testpmd process for the vhost-user benchmark (DpdkEal's arguments: no hugepages, no PCI, lcores 0 and 1)
/// with a chosen main lcore (the other one forwards); commands written to its stdin; killed and its EAL runtime
/// directory removed on dispose.
/// </summary>
internal sealed partial class TestpmdProcess : IDisposable
{
    private readonly PeerProcess _process;
    private readonly string _prefix;

    private TestpmdProcess(PeerProcess process, string prefix)
    {
        _process = process;
        _prefix = prefix;
    }

    /// <summary>True when dpdk-testpmd is installed.</summary>
    public static bool Available => DpdkEal.Testpmd != null;

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
        string prefix = DpdkEal.NewFilePrefix("bench");
        var arguments = DpdkEal.Arguments(prefix, vdev, memoryMb: 512, mainLcore)
            .Concat(["--", "--nb-cores=1", "--total-num-mbufs=8192", "--rxq=1", "--txq=1"])
            .Concat(appArgs);
        return new TestpmdProcess(PeerProcess.Start(DpdkEal.RequireTestpmd(), arguments, lineBuffered: true), prefix);
    }

    /// <summary>Everything printed so far.</summary>
    public string Output => _process.Output;

    /// <summary>True once it has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Waits until the output contains <paramref name="text"/> at or after character <paramref name="from"/>.</summary>
    public bool WaitFor(string text, int timeoutMs, int from = 0) => _process.WaitFor(text, timeoutMs, from);

    /// <summary>Writes one line to its stdin.</summary>
    public void Send(string line) => _process.Send(line);

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
        if (!_process.WaitForExit(timeoutMs)) _process.Kill();
    }

    /// <summary>Kills it if still running and removes its EAL runtime directory.</summary>
    public void Dispose()
    {
        _process.Dispose();
        DpdkEal.RemoveRuntimeDirectory(_prefix);
    }

    [GeneratedRegex(@"RX-packets:\s*(\d+)")]
    private static partial Regex RxPackets();
}
