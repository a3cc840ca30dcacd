namespace Virtsim.Experiments.Peers;

/// <summary>
/// dpdk-testpmd as a conformance peer, started the way that works on a machine without hugepages or PCI devices: no
/// hugepages, no PCI, no telemetry, lcores 0 and 1, a file prefix of its own (removed afterwards), one forwarding core.
/// </summary>
internal static class Testpmd
{
    /// <summary>Starts testpmd with <paramref name="vdev"/> in io forwarding, auto-started; returns it with its file prefix.</summary>
    public static (PeerProcess Process, string Prefix) Start(string vdev, int memoryMb)
    {
        string prefix = DpdkEal.NewFilePrefix("conf");
        string[] testpmd = ["--", "--nb-cores=1", "--total-num-mbufs=8192", "--rxq=1", "--txq=1", "--forward-mode=io", "--auto-start"];
        return (PeerProcess.Start(DpdkEal.TestpmdPath, [.. DpdkEal.Arguments(prefix, vdev, memoryMb), .. testpmd], "dpdk"), prefix);
    }

    /// <summary>Removes the EAL runtime directory of <paramref name="prefix"/>.</summary>
    public static void Clean(string prefix) => DpdkEal.RemoveRuntimeDirectory(prefix);
}
