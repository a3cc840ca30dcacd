using Virtsim.Experiments.Peers;
using System.Text.RegularExpressions;

namespace Virtsim.TestSupport;

/// <summary>
/// One dpdk-testpmd process for tests and benchmarks: <see cref="DpdkEal"/>'s arguments (no hugepages, no PCI,
/// lcores 0 and 1, a file prefix of its own), one forwarding core and 8192 mbufs; killed if still running and its
/// EAL runtime directory removed on <see cref="Dispose"/>. Callers choose the virtual device and the forwarding.
/// </summary>
public sealed partial class TestpmdRun : IDisposable
{
    private const string AccumulatedHeader = "Accumulated forward statistics";
    private const string PortHeader = "NIC statistics for port ";
    private const string BlockEnd = "########";
    private readonly string _prefix;

    private TestpmdRun(PeerProcess process, string prefix)
    {
        Process = process;
        _prefix = prefix;
    }

    /// <summary>The running testpmd: its output, stdin, exit and kill.</summary>
    public PeerProcess Process { get; }

    /// <summary>Everything testpmd printed so far.</summary>
    public string Output => Process.Output;

    /// <summary>
    /// Starts testpmd (line-buffered) with the virtual device <paramref name="vdev"/> (a whole <c>--vdev=...</c>
    /// argument), <paramref name="queues"/> rx and tx queues per port and then <paramref name="appArguments"/>
    /// (forward mode, <c>--auto-start</c> or <c>-i</c>). <paramref name="tag"/> names the file prefix;
    /// <paramref name="mainLcore"/> picks the main lcore of the two (the other forwards).
    /// </summary>
    /// <exception cref="InvalidOperationException">dpdk-testpmd is not installed.</exception>
    public static TestpmdRun Start(string tag, string vdev, IEnumerable<string> appArguments, int queues = 1, int memoryMb = 512, int? mainLcore = null)
    {
        string prefix = DpdkEal.NewFilePrefix(tag);
        var arguments = DpdkEal.Arguments(prefix, vdev, memoryMb, mainLcore)
            .Concat(["--", "--nb-cores=1", "--total-num-mbufs=8192", $"--rxq={queues}", $"--txq={queues}"])
            .Concat(appArguments);
        return new TestpmdRun(PeerProcess.Start(DpdkEal.RequireTestpmd(), arguments, lineBuffered: true), prefix);
    }

    /// <summary>
    /// The RX-packets and TX-packets of the first accumulated forward statistics printed at or after character
    /// <paramref name="from"/> of the output; each null when that block, or its line, is not (yet) there.
    /// </summary>
    public (long? Rx, long? Tx) ReadAccumulated(int from = 0)
    {
        string text = Output;
        int at = from < text.Length ? text.IndexOf(AccumulatedHeader, from, StringComparison.Ordinal) : -1;
        if (at < 0) return (null, null);
        string tail = text[at..];
        return (Counter(RxPackets().Match(tail)), Counter(TxPackets().Match(tail)));
    }

    /// <summary>
    /// The port counters (what the driver itself counted: frames flushed at forwarding start included) of the last
    /// complete "NIC statistics" block testpmd printed, as <c>--stats-period</c> does every period; null before the
    /// first one.
    /// </summary>
    public PortStatistics? ReadPortStatistics()
    {
        string text = Output;
        for (int at = text.LastIndexOf(PortHeader, StringComparison.Ordinal); at >= 0;
             at = at == 0 ? -1 : text.LastIndexOf(PortHeader, at - 1, StringComparison.Ordinal))
        {
            // The block runs from the end of its header line to its closing line of '#'.
            int start = text.IndexOf('\n', at);
            int end = start < 0 ? -1 : text.IndexOf(BlockEnd, start, StringComparison.Ordinal);
            if (end < 0) continue; // still being written: take the one before
            string block = text[start..end];
            var rx = PortRx().Match(block);
            var tx = PortTx().Match(block);
            if (rx.Success && tx.Success) return new PortStatistics(Value(rx, 1), Value(rx, 2), Value(tx, 1), Value(tx, 2));
        }
        return null;
    }

    /// <summary>Kills testpmd if still running and removes its EAL runtime directory.</summary>
    public void Dispose()
    {
        Process.Dispose();
        DpdkEal.RemoveRuntimeDirectory(_prefix);
    }

    private static long? Counter(Match match) => match.Success ? Value(match, 1) : null;

    private static long Value(Match match, int group) => long.Parse(match.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"RX-packets:\s*(\d+)\s+RX-missed:\s*\d+\s+RX-bytes:\s*(\d+)")]
    private static partial Regex PortRx();

    [GeneratedRegex(@"TX-packets:\s*(\d+)\s+TX-errors:\s*\d+\s+TX-bytes:\s*(\d+)")]
    private static partial Regex PortTx();

    [GeneratedRegex(@"RX-packets:\s*(\d+)")]
    private static partial Regex RxPackets();

    [GeneratedRegex(@"TX-packets:\s*(\d+)")]
    private static partial Regex TxPackets();
}
