using Virtsim.VhostUser.Native;

namespace Virtsim.VhostUser.Transport;

/// <summary>
/// A listening unix stream socket at a filesystem path. It never takes a path from anyone: a file that is not a
/// socket, or a socket another server answers on, is refused; only a stale socket (nobody listening) is replaced.
/// On dispose it removes the path only while it still names the socket file this listener created.
/// </summary>
public sealed unsafe class UnixSocketListener : IDisposable
{
    /// <summary>
    /// Connections the kernel queues until they are accepted (capped by net.core.somaxconn): front-ends that
    /// connect at once, or reconnect together after a restart, wait instead of getting EAGAIN.
    /// </summary>
    public const int Backlog = 128;

    private readonly PathEntry _created;
    private int _fd;

    private UnixSocketListener(int fd, string path, PathEntry created)
    {
        _fd = fd;
        Path = path;
        _created = created;
    }

    /// <summary>The socket path.</summary>
    public string Path { get; }

    /// <summary>
    /// Binds and listens at <paramref name="path"/>. A stale socket file there (its server is gone) is replaced;
    /// anything else that exists there is left alone and refused.
    /// </summary>
    /// <exception cref="IOException">
    /// The path holds a file that is not a socket, or a socket a server answers on; or socket, bind or listen failed.
    /// </exception>
    public static UnixSocketListener Listen(string path)
    {
        var address = UnixSocketAddress.Encode(path);
        RemoveStaleSocket(path, address);
        int fd = LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) throw new IOException($"socket failed: {LibC.ErrorText(LibC.Errno)}");
        fixed (byte* a = address)
        {
            if (LibC.bind(fd, a, address.Length) != 0 || LibC.listen(fd, Backlog) != 0)
            {
                int errno = LibC.Errno;
                LibC.close(fd);
                throw new IOException($"cannot listen on {path}: {LibC.ErrorText(errno)}");
            }
        }
        PathEntry created;
        try { created = PathEntry.Of(path); }
        catch
        {
            LibC.close(fd);
            throw;
        }
        return new UnixSocketListener(fd, path, created);
    }

    /// <summary>Refuses a path that is not a socket or that a server answers on; removes a stale socket file.</summary>
    private static void RemoveStaleSocket(string path, byte[] address)
    {
        var entry = PathEntry.Of(path);
        if (!entry.Exists) return;
        if (!entry.IsSocket) throw new IOException($"{path} exists and is not a socket; refusing to replace it");
        if (IsAnswered(path, address)) throw new IOException($"{path} is in use: another server is listening on it");
        try { File.Delete(path); }
        catch (UnauthorizedAccessException e) { throw new IOException($"cannot remove the stale socket {path}: {e.Message}", e); }
    }

    /// <summary>
    /// True when a server listens on the socket at <paramref name="path"/>: a non-blocking connect is taken (or
    /// finds the backlog full). The live server sees this probe as a connection that closes at once.
    /// </summary>
    private static bool IsAnswered(string path, byte[] address)
    {
        int fd = LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC | LibC.SOCK_NONBLOCK, 0);
        if (fd < 0) throw new IOException($"socket failed: {LibC.ErrorText(LibC.Errno)}");
        try
        {
            fixed (byte* a = address)
            {
                if (LibC.connect(fd, a, address.Length) == 0) return true;
            }
            int errno = LibC.Errno;
            return errno switch
            {
                LibC.EAGAIN => true,
                LibC.ECONNREFUSED or LibC.ENOENT => false,
                _ => throw new IOException($"cannot tell whether a server listens on {path}: {LibC.ErrorText(errno)}"),
            };
        }
        finally { LibC.close(fd); }
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for a front-end; null when none came.</summary>
    /// <exception cref="IOException">accept failed.</exception>
    public VhostUserConnection? Accept(int timeoutMs, TimeSpan? receiveTimeout = null)
    {
        var p = new PollFd { Fd = _fd, Events = LibC.POLLIN };
        int n = LibC.poll(&p, 1, timeoutMs);
        if (n <= 0 || (p.Revents & LibC.POLLIN) == 0) return null;
        int client = LibC.accept4(_fd, null, null, LibC.SOCK_CLOEXEC);
        if (client < 0)
        {
            int errno = LibC.Errno;
            if (errno is LibC.EINTR or LibC.EAGAIN) return null;
            throw new IOException($"accept failed: {LibC.ErrorText(errno)}");
        }
        return new VhostUserConnection(client, receiveTimeout);
    }

    /// <summary>Closes the socket and removes the path if it still names this listener's socket file.</summary>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd < 0) return;
        // Checked while the socket is still open: it pins its inode, so a socket another server bound at the path
        // since cannot carry the same inode number.
        try
        {
            if (PathEntry.Of(Path) == _created) File.Delete(Path);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        LibC.close(fd);
    }
}
