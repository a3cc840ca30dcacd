using Virtsim.Experiments.Peers;
using Virtsim.TestSupport;

namespace Virtsim.Bench.VhostUser;

/// <summary>
/// One dpdk-testpmd process for the vhost-user benchmark (<see cref="TestpmdRun"/>: no hugepages, no PCI, lcores 0 and 1)
/// with a chosen main lcore (the other one forwards); commands written to its stdin; killed and its EAL runtime
/// directory removed on dispose.
/// </summary>
internal sealed class TestpmdProcess : IDisposable
{
    private readonly TestpmdRun _run;

    private TestpmdProcess(TestpmdRun run) => _run = run;

    /// <summary>True when dpdk-testpmd is installed.</summary>
    public static bool Available => DpdkEal.Testpmd != null;

    /// <summary>
    /// The txonly driver: DPDK's virtio PMD (net_virtio_user) on <paramref name="socket"/>, forwarding on lcore 0
    /// (main lcore 1), auto-started; Enter stops it.
    /// </summary>
    public static TestpmdProcess StartTxonlyDriver(string socket, bool packed) =>
        new(TestpmdRun.Start("bench", $"--vdev=net_virtio_user0,path={socket},queues=1,packed_vq={(packed ? 1 : 0)}",
            ["--forward-mode=txonly", "--auto-start"], mainLcore: 1));

    /// <summary>
    /// DPDK's own vhost-user back-end (net_vhost) listening on <paramref name="socket"/>, rxonly, forwarding on lcore 1
    /// (main lcore 0), interactive: <c>start</c>, <c>show fwd stats all</c> and <c>quit</c> are sent by the caller.
    /// </summary>
    public static TestpmdProcess StartVhostBackEnd(string socket) =>
        new(TestpmdRun.Start("bench", $"--vdev=net_vhost0,iface={socket},queues=1", ["-i", "--forward-mode=rxonly"], mainLcore: 0));

    /// <summary>Everything printed so far.</summary>
    public string Output => _run.Output;

    /// <summary>True once it has exited.</summary>
    public bool HasExited => _run.Process.HasExited;

    /// <summary>Waits until the output contains <paramref name="text"/> at or after character <paramref name="from"/>.</summary>
    public bool WaitFor(string text, int timeoutMs, int from = 0) => _run.Process.WaitFor(text, timeoutMs, from);

    /// <summary>Writes one line to its stdin.</summary>
    public void Send(string line) => _run.Process.Send(line);

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
        return _run.ReadAccumulated(from).Rx ?? -1;
    }

    /// <summary>Sends <paramref name="line"/> (Enter or <c>quit</c>) and waits for the exit; kills it if it does not.</summary>
    public void Stop(string line, int timeoutMs = 15_000)
    {
        Send(line);
        if (!_run.Process.WaitForExit(timeoutMs)) _run.Process.Kill();
    }

    /// <summary>Kills it if still running and removes its EAL runtime directory.</summary>
    public void Dispose() => _run.Dispose();
}
