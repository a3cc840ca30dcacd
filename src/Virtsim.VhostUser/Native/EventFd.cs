namespace Virtsim.VhostUser.Native;

/// <summary>An eventfd (kick, call or error notifier) owned by this object: <see cref="Signal"/> adds 1, <see cref="TryConsume"/> reads and clears.</summary>
public sealed unsafe class EventFd : IDisposable
{
    private int _fd;

    /// <summary>Takes ownership of an existing descriptor (one received from a front-end).</summary>
    public EventFd(int fd)
    {
        if (fd < 0) throw new ArgumentOutOfRangeException(nameof(fd));
        _fd = fd;
    }

    /// <summary>Creates a new non-blocking eventfd.</summary>
    /// <exception cref="IOException">eventfd failed.</exception>
    public static EventFd Create()
    {
        int fd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (fd < 0) throw new IOException($"eventfd failed: {LibC.ErrorText(LibC.Errno)}");
        return new EventFd(fd);
    }

    /// <summary>The descriptor (-1 after dispose).</summary>
    public int Fd => _fd;

    /// <summary>Adds 1 to the counter (wakes a reader). Returns false if the write failed.</summary>
    public bool Signal()
    {
        ulong one = 1;
        return LibC.write(_fd, &one, 8) == 8;
    }

    /// <summary>Reads and clears the counter if it is non-zero, without blocking (polls first). Returns the count, 0 if none.</summary>
    public ulong TryConsume()
    {
        var p = new PollFd { Fd = _fd, Events = LibC.POLLIN };
        if (LibC.poll(&p, 1, 0) <= 0 || (p.Revents & LibC.POLLIN) == 0) return 0;
        return ConsumeReady();
    }

    /// <summary>
    /// Reads and clears the counter of an eventfd that <c>poll</c> just reported readable (one syscall instead of two);
    /// 0 when it was drained meanwhile or the read failed.
    /// </summary>
    public ulong ConsumeReady()
    {
        ulong value = 0;
        return LibC.read(_fd, &value, 8) == 8 ? value : 0;
    }

    /// <summary>Closes the descriptor.</summary>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) LibC.close(fd);
    }
}
