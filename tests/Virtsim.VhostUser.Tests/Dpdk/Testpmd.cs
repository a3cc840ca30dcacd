using System.Text.RegularExpressions;
using Virtsim.VhostUser.Testing;

namespace Virtsim.VhostUser.Tests.Dpdk;

/// <summary>
/// One bounded dpdk-testpmd run (DpdkEal's arguments: no hugepages, no PCI, two lcores, a unique file prefix):
/// either DPDK's virtio driver (net_virtio_user) connected to a Virtsim back-end, or DPDK's vhost-user device
/// (net_vhost) for a Virtsim front-end. Killed in <see cref="Dispose"/> if still running.
/// </summary>
internal sealed partial class Testpmd : IDisposable
{
    private readonly PeerProcess _process;
    private readonly string _prefix;

    private Testpmd(PeerProcess process, string prefix)
    {
        _process = process;
        _prefix = prefix;
    }

    /// <summary>The testpmd binary, or null when DPDK is not installed.</summary>
    public static string? Binary => DpdkEal.Testpmd;

    /// <summary>DPDK's virtio driver on <paramref name="socket"/> in <paramref name="forwardMode"/>, auto-started.</summary>
    public static Testpmd Start(string socket, string forwardMode, bool packed, bool inOrder, bool mergeable, int queues = 1) =>
        Launch("vu",
            $"--vdev=net_virtio_user0,path={socket},queues={queues},packed_vq={(packed ? 1 : 0)},in_order={(inOrder ? 1 : 0)},mrg_rxbuf={(mergeable ? 1 : 0)}",
            memoryMb: 512,
            [$"--forward-mode={forwardMode}", "--auto-start", "--nb-cores=1", "--total-num-mbufs=8192", $"--rxq={queues}", $"--txq={queues}"]);

    /// <summary>
    /// testpmd with DPDK's vhost-user device (net_vhost) listening on <paramref name="socket"/>, io-forwarding
    /// what the driver transmits back to it (one port pairs with itself).
    /// </summary>
    public static Testpmd StartVhost(string socket, int queues = 1) =>
        Launch("vh", $"--vdev=net_vhost0,iface={socket},queues={queues}", memoryMb: 1024,
            ["--forward-mode=io", "--auto-start", "--nb-cores=1", "--total-num-mbufs=8192", $"--rxq={queues}", $"--txq={queues}"]);

    private static Testpmd Launch(string tag, string vdev, int memoryMb, string[] appArguments)
    {
        string prefix = DpdkEal.NewFilePrefix(tag);
        var arguments = DpdkEal.Arguments(prefix, vdev, memoryMb).Append("--").Concat(appArguments);
        return new Testpmd(PeerProcess.Start(DpdkEal.RequireTestpmd(), arguments, lineBuffered: true), prefix);
    }

    /// <summary>Everything testpmd printed so far.</summary>
    public string Output => _process.Output;

    /// <summary>Waits until testpmd has started forwarding (it then waits for Enter).</summary>
    public bool WaitForwarding(int timeoutMs = 15_000) => _process.WaitFor("Press enter to exit", timeoutMs);

    /// <summary>Presses Enter: testpmd stops forwarding, prints its statistics and exits.</summary>
    public bool Quit(int timeoutMs = 15_000)
    {
        _process.Send("");
        return _process.WaitForExit(timeoutMs);
    }

    /// <summary>Kills testpmd at once (SIGKILL), as a crashing front-end.</summary>
    public void Crash() => _process.Kill();

    /// <summary>(RX-packets, TX-packets) from the accumulated forward statistics.</summary>
    public (long Rx, long Tx) Totals()
    {
        string text = Output;
        int at = text.IndexOf("Accumulated forward statistics", StringComparison.Ordinal);
        if (at < 0) throw new InvalidOperationException("testpmd printed no statistics:\n" + text);
        string tail = text[at..];
        return (long.Parse(RxPackets().Match(tail).Groups[1].Value), long.Parse(TxPackets().Match(tail).Groups[1].Value));
    }

    /// <summary>Kills it if still running and removes its EAL runtime directory.</summary>
    public void Dispose()
    {
        _process.Dispose();
        DpdkEal.RemoveRuntimeDirectory(_prefix);
    }

    [GeneratedRegex(@"RX-packets:\s*(\d+)")]
    private static partial Regex RxPackets();

    [GeneratedRegex(@"TX-packets:\s*(\d+)")]
    private static partial Regex TxPackets();
}
