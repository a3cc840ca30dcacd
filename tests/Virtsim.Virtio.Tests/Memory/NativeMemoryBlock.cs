using System.Runtime.InteropServices;
using Virtsim.Virtio.Memory;

namespace Virtsim.Virtio.Tests.Memory;

/// <summary>Zeroed unmanaged memory for a test (as a vhost-user peer's mapping is), freed once on dispose.</summary>
internal sealed unsafe class NativeMemoryBlock : IDisposable
{
    private nint _address;

    public NativeMemoryBlock(ulong size)
    {
        _address = (nint)NativeMemory.AllocZeroed((nuint)size);
        Size = size;
    }

    public nint Address => _address;
    public ulong Size { get; }

    /// <summary>The whole block as an external region at <paramref name="guestAddress"/>.</summary>
    public ExternalMemoryRegion Region(ulong guestAddress = 0) => new(guestAddress, _address, Size);

    public void Dispose()
    {
        if (_address == 0) return;
        NativeMemory.Free((void*)_address);
        _address = 0;
    }
}
