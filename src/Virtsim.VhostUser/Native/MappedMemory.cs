namespace Virtsim.VhostUser.Native;

/// <summary>
/// A shared mapping of part of a file descriptor (a memory region or a log), unmapped on dispose. The mapping
/// starts at the page below the requested offset, so any offset works.
/// </summary>
public sealed class MappedMemory : IDisposable
{
    private const long PageSize = 4096;
    private nint _mapping;
    private readonly nuint _mappingLength;

    private MappedMemory(nint mapping, nuint mappingLength, nint address, ulong length)
    {
        _mapping = mapping;
        _mappingLength = mappingLength;
        Address = address;
        Length = length;
    }

    /// <summary>Host address of the first requested byte.</summary>
    public nint Address { get; }

    /// <summary>Requested length.</summary>
    public ulong Length { get; }

    /// <summary>True until disposed.</summary>
    public bool IsMapped => _mapping != 0;

    /// <summary>Maps <paramref name="length"/> bytes of <paramref name="fd"/> from <paramref name="offset"/>, read-write and shared.</summary>
    /// <exception cref="IOException">mmap failed (the message says why).</exception>
    public static MappedMemory Map(int fd, ulong offset, ulong length)
    {
        if (length == 0) throw new ArgumentOutOfRangeException(nameof(length), "cannot map 0 bytes");
        ulong aligned = offset & ~(ulong)(PageSize - 1);
        ulong lead = offset - aligned;
        if (aligned > long.MaxValue || length > long.MaxValue - lead) throw new IOException($"cannot map 0x{length:x} bytes at offset 0x{offset:x}");
        // Touching a page past the end of the file raises SIGBUS and would take the process down: refuse instead.
        long fileSize = LibC.FileSize(fd);
        if (fileSize >= 0 && (offset > (ulong)fileSize || length > (ulong)fileSize - offset))
            throw new IOException($"0x{length:x} bytes at offset 0x{offset:x} run past the end of fd {fd} (0x{fileSize:x} bytes)");
        nuint total = (nuint)(length + lead);
        nint mapping = LibC.mmap(0, total, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, (long)aligned);
        if (mapping == LibC.MapFailed)
        {
            int errno = LibC.Errno;
            throw new IOException($"mmap of 0x{length:x} bytes at offset 0x{offset:x} of fd {fd} failed: {LibC.ErrorText(errno)}");
        }
        return new MappedMemory(mapping, total, mapping + (nint)lead, length);
    }

    /// <summary>Unmaps.</summary>
    public void Dispose()
    {
        nint mapping = Interlocked.Exchange(ref _mapping, 0);
        if (mapping != 0) LibC.munmap(mapping, _mappingLength);
    }
}
