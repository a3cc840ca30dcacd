namespace Virtsim.VhostUser.Native;

/// <summary>
/// An anonymous shared memory file (memfd) of a fixed size, mapped into this process: what a front-end hands a
/// back-end as guest memory, or a back-end hands out for in-flight tracking.
/// </summary>
public sealed class SharedMemoryFile : IDisposable
{
    private int _fd;

    private SharedMemoryFile(int fd, MappedMemory mapping)
    {
        _fd = fd;
        Mapping = mapping;
    }

    /// <summary>Creates a memfd of <paramref name="size"/> bytes and maps it.</summary>
    /// <exception cref="IOException">memfd_create, ftruncate or mmap failed.</exception>
    public static SharedMemoryFile Create(string name, ulong size)
    {
        int fd = LibC.memfd_create(name, LibC.MFD_CLOEXEC);
        if (fd < 0) throw new IOException($"memfd_create failed: {LibC.ErrorText(LibC.Errno)}");
        if (LibC.ftruncate(fd, (long)size) != 0)
        {
            int errno = LibC.Errno;
            LibC.close(fd);
            throw new IOException($"ftruncate to {size} failed: {LibC.ErrorText(errno)}");
        }
        try { return new SharedMemoryFile(fd, MappedMemory.Map(fd, 0, size)); }
        catch { LibC.close(fd); throw; }
    }

    /// <summary>The descriptor (send it; the receiver gets its own copy).</summary>
    public int Fd => _fd;

    /// <summary>The mapping in this process.</summary>
    public MappedMemory Mapping { get; }

    /// <summary>The mapped bytes.</summary>
    public unsafe Span<byte> Span => new((void*)Mapping.Address, (int)Math.Min(Mapping.Length, int.MaxValue));

    /// <summary>Unmaps and closes.</summary>
    public void Dispose()
    {
        Mapping.Dispose();
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) LibC.close(fd);
    }
}
