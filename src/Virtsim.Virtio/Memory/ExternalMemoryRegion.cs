namespace Virtsim.Virtio.Memory;

/// <summary>
/// A region over memory owned elsewhere (for example a shared memfd mapped by a vhost-user peer).
/// The owner keeps the memory mapped for as long as the region is part of a <see cref="GuestMemory"/>.
/// </summary>
public sealed unsafe class ExternalMemoryRegion : IGuestMemoryRegion
{
    private readonly byte* _base;

    /// <summary>Wraps <paramref name="size"/> bytes at <paramref name="hostAddress"/> as guest-physical <paramref name="guestAddress"/>.</summary>
    public ExternalMemoryRegion(ulong guestAddress, nint hostAddress, ulong size)
    {
        if (hostAddress == 0) throw new ArgumentException("host address is null", nameof(hostAddress));
        ArgumentOutOfRangeException.ThrowIfZero(size);
        GuestAddress = guestAddress;
        Size = size;
        _base = (byte*)hostAddress;
    }

    /// <inheritdoc />
    public ulong GuestAddress { get; }

    /// <inheritdoc />
    public ulong Size { get; }

    /// <summary>Where the region's first byte is mapped in this process.</summary>
    public nint HostAddress => (nint)_base;

    /// <inheritdoc />
    public Span<byte> GetSpan(ulong offset, int maxLength) =>
        new(_base + offset, (int)Math.Min((ulong)maxLength, Size - offset));
}
