using Virtsim.VhostUser.Native;
using Virtsim.Virtio.Memory;

namespace Virtsim.VhostUser.Tests.Harness;

/// <summary>
/// A front-end's guest memory: a memfd mapped here, seen by the driver side as guest-physical
/// [<see cref="GuestBase"/>, +size) and announced to the back-end with user addresses at <see cref="UserBase"/>.
/// </summary>
public sealed class GuestRam : IDisposable
{
    public const ulong GuestBase = 0x4000_0000;
    public const ulong UserBase = 0x7f00_0000_0000;

    public GuestRam(ulong size = 4 << 20)
    {
        File = SharedMemoryFile.Create("virtsim-test-guest", size);
        Size = size;
        Memory = new GuestMemory(new ExternalMemoryRegion(GuestBase, File.Mapping.Address, size));
    }

    public SharedMemoryFile File { get; }
    public ulong Size { get; }
    public GuestMemory Memory { get; }

    public ulong UserOf(ulong gpa) => UserBase + (gpa - GuestBase);

    public void Dispose() => File.Dispose();
}
