using Virtsim.Experiments.Peers;

namespace Virtsim.Experiments.Interop;

/// <summary>Whether the real peers a cell needs are installed; the reason and the way to install them when not.</summary>
internal static class PeerAvailability
{
    /// <summary>Why <paramref name="cell"/> cannot run on this machine, or null when it can.</summary>
    public static string? Missing(InteropCell cell, InteropOptions options)
    {
        bool testpmd = cell.Driver.Kind == InteropDriverKind.DpdkVirtioUser || cell.Device.Kind == InteropDeviceKind.DpdkVhost;
        if (testpmd && !File.Exists(options.TestpmdPath))
            return $"{options.TestpmdPath} is not installed (Debian package dpdk; `bash scripts/test.sh` installs it)";
        if (cell.Device.Kind == InteropDeviceKind.QsdBlk && !File.Exists(options.QsdPath))
            return $"{options.QsdPath} is not installed (Debian package qemu-system-common; `bash scripts/test.sh` installs it)";
        return null;
    }
}
