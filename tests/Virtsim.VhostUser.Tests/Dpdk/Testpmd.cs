using Virtsim.Experiments.Peers;
using Virtsim.TestSupport;

namespace Virtsim.VhostUser.Tests.Dpdk;

/// <summary>
/// One bounded dpdk-testpmd run (<see cref="TestpmdRun"/>: no hugepages, no PCI, two lcores, a unique file prefix):
/// either DPDK's virtio driver (net_virtio_user) connected to a Virtsim back-end, or DPDK's vhost-user device
/// (net_vhost) for a Virtsim front-end. Killed in <see cref="Dispose"/> if still running.
/// </summary>
internal sealed class Testpmd : IDisposable
{
    private readonly TestpmdRun _run;

    private Testpmd(TestpmdRun run) => _run = run;

    /// <summary>The testpmd binary, or null when DPDK is not installed.</summary>
    public static string? Binary => DpdkEal.Testpmd;

    /// <summary>DPDK's virtio driver on <paramref name="socket"/> in <paramref name="forwardMode"/>, auto-started; it forwards until Enter (<see cref="Quit"/>).</summary>
    public static Testpmd Start(string socket, string forwardMode, bool packed, bool inOrder, bool mergeable, int queues = 1) =>
        new(TestpmdRun.Start("vu", VirtioUser(socket, packed, inOrder, mergeable, queues),
            [$"--forward-mode={forwardMode}", "--auto-start"], queues, memoryMb: 512));

    /// <summary>
    /// As <see cref="Start"/>, but with <c>--stats-period 1</c>: testpmd prints its port counters every second
    /// (<see cref="PortStatistics"/>) and forwards until a signal (<see cref="Interrupt"/>), whatever its stdin.
    /// </summary>
    public static Testpmd StartPeriodic(string socket, string forwardMode, bool packed, bool inOrder, bool mergeable) =>
        new(TestpmdRun.Start("vu", VirtioUser(socket, packed, inOrder, mergeable, 1),
            // --no-flush-rx: testpmd drains the receive queues when forwarding starts, and the frames it drains there
            // may miss its port counters, which the volume tests read.
            [$"--forward-mode={forwardMode}", "--stats-period=1", "--no-flush-rx"], 1, memoryMb: 512));

    private static string VirtioUser(string socket, bool packed, bool inOrder, bool mergeable, int queues) =>
        $"--vdev=net_virtio_user0,path={socket},queues={queues},packed_vq={(packed ? 1 : 0)},in_order={(inOrder ? 1 : 0)},mrg_rxbuf={(mergeable ? 1 : 0)}";

    /// <summary>
    /// testpmd with DPDK's vhost-user device (net_vhost) listening on <paramref name="socket"/>, io-forwarding
    /// what the driver transmits back to it (one port pairs with itself).
    /// </summary>
    public static Testpmd StartVhost(string socket, int queues = 1) =>
        new(TestpmdRun.Start("vh", $"--vdev=net_vhost0,iface={socket},queues={queues}", ["--forward-mode=io", "--auto-start"], queues, memoryMb: 1024));

    /// <summary>Everything testpmd printed so far.</summary>
    public string Output => _run.Output;

    /// <summary>Waits until testpmd has started forwarding (it then waits for Enter).</summary>
    public bool WaitForwarding(int timeoutMs = 15_000) => _run.Process.WaitFor("Press enter to exit", timeoutMs);

    /// <summary>Presses Enter: testpmd stops forwarding, prints its statistics and exits.</summary>
    public bool Quit(int timeoutMs = 15_000)
    {
        _run.Process.Send("");
        return _run.Process.WaitForExit(timeoutMs);
    }

    /// <summary>SIGINT: testpmd stops forwarding, prints its statistics and exits.</summary>
    public bool Interrupt(int timeoutMs = 15_000)
    {
        _run.Process.Signal(2);
        return _run.Process.WaitForExit(timeoutMs);
    }

    /// <summary>The port counters of the last complete statistics block (<see cref="StartPeriodic"/>), or null before the first.</summary>
    public PortStatistics? PortStatistics() => _run.ReadPortStatistics();

    /// <summary>Kills testpmd at once (SIGKILL), as a crashing front-end.</summary>
    public void Crash() => _run.Process.Kill();

    /// <summary>(RX-packets, TX-packets) from the accumulated forward statistics.</summary>
    public (long Rx, long Tx) Totals() =>
        _run.ReadAccumulated() is (long rx, long tx) ? (rx, tx) : throw new InvalidOperationException("testpmd printed no statistics:\n" + Output);

    /// <summary>Kills it if still running and removes its EAL runtime directory.</summary>
    public void Dispose() => _run.Dispose();
}
