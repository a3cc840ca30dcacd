using System.Globalization;

namespace Virtsim.Experiments.Peers;

/// <summary>
/// dpdk-testpmd as a conformance peer, started the way that works on a machine without hugepages or PCI devices: no
/// hugepages, no PCI, no telemetry, lcores 0 and 1, a file prefix of its own (removed afterwards), one forwarding core.
/// </summary>
internal static class Testpmd
{
    /// <summary>Where the Debian package dpdk installs it.</summary>
    public const string Binary = "/usr/bin/dpdk-testpmd";

    private static int s_counter;

    /// <summary>Starts testpmd with <paramref name="vdev"/> in io forwarding, auto-started; returns it with its file prefix.</summary>
    public static (PeerProcess Process, string Prefix) Start(string vdev, int memoryMb)
    {
        string prefix = $"virtsim-conf-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}";
        string[] arguments =
        [
            "--no-huge", "-m", memoryMb.ToString(CultureInfo.InvariantCulture), "--no-pci", "--no-telemetry",
            $"--file-prefix={prefix}", "-l", "0,1", "--log-level=lib.eal:error", vdev,
            "--", "--nb-cores=1", "--total-num-mbufs=8192", "--rxq=1", "--txq=1", "--forward-mode=io", "--auto-start",
        ];
        return (PeerProcess.Start(Binary, arguments, "dpdk"), prefix);
    }

    /// <summary>Removes the EAL runtime directory of <paramref name="prefix"/>.</summary>
    public static void Clean(string prefix)
    {
        foreach (var root in new[] { "/var/run/dpdk", Path.Combine(Path.GetTempPath(), "dpdk"),
                     Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { } xdg ? Path.Combine(xdg, "dpdk") : null })
        {
            if (root == null) continue;
            try { Directory.Delete(Path.Combine(root, prefix), recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
