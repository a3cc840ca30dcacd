namespace Virtsim.Virtio.Memory;

/// <summary>A region backed by one managed array: simple and fast, for tests, benchmarks and small guests.</summary>
public sealed class ArrayMemoryRegion : IGuestMemoryRegion
{
    private readonly byte[] _bytes;

    /// <summary>Creates a zero-filled region of <paramref name="size"/> bytes at <paramref name="guestAddress"/>.</summary>
    public ArrayMemoryRegion(ulong guestAddress, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        GuestAddress = guestAddress;
        _bytes = new byte[size];
    }

    /// <inheritdoc />
    public ulong GuestAddress { get; }

    /// <inheritdoc />
    public ulong Size => (ulong)_bytes.Length;

    /// <inheritdoc />
    public Span<byte> GetSpan(ulong offset, int maxLength) =>
        _bytes.AsSpan((int)offset, (int)Math.Min((ulong)maxLength, Size - offset));
}
