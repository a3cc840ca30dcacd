using Virtsim.Experiments.Peers;

namespace Virtsim.Experiments.Interop;

/// <summary>How the matrix runs its cells (the matrix file's <c>requests</c> and <c>timeout</c>, the command's <c>--jobs</c>).</summary>
public sealed record InteropOptions
{
    /// <summary>blk: 4 KiB blocks written and read back; net: frames sent and received back (in-process cells and Virtsim's vhost-user driver).</summary>
    public int Requests { get; init; } = 64;

    /// <summary>Longest wait for progress in a cell with a real peer or a socket.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Cells run at once.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>Test hook: called with the process id of a real peer once it started (a test stops it to stall the cell).</summary>
    internal Action<int>? PeerStarted { get; init; }

    /// <summary>
    /// Test hook: wraps the device type of an in-process cell (a test-only device that breaks down or corrupts data
    /// behind the real transport), or null for the vendor profile's device as it is.
    /// </summary>
    internal Func<InteropCell, Virtsim.Virtio.Devices.IDeviceHandler, Virtsim.Virtio.Devices.IDeviceHandler>? WrapDevice { get; init; }

    /// <summary>Where dpdk-testpmd must be for its cells to run (a test points it elsewhere to see them unavailable).</summary>
    internal string TestpmdPath { get; init; } = DpdkEal.TestpmdPath;

    /// <summary>Where qemu-storage-daemon must be for its cells to run.</summary>
    internal string QsdPath { get; init; } = QsdPeer.Binary;
}
