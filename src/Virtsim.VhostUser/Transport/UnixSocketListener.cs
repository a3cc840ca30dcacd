using Virtsim.VhostUser.Native;

namespace Virtsim.VhostUser.Transport;

/// <summary>A listening unix stream socket at a filesystem path (removed again on dispose).</summary>
public sealed unsafe class UnixSocketListener : IDisposable
{
    private int _fd;

    private UnixSocketListener(int fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    /// <summary>The socket path.</summary>
    public string Path { get; }

    /// <summary>Binds and listens at <paramref name="path"/>, replacing a stale socket file there.</summary>
    /// <exception cref="IOException">socket, bind or listen failed.</exception>
    public static UnixSocketListener Listen(string path)
    {
        var address = UnixSocketAddress.Encode(path);
        if (File.Exists(path)) File.Delete(path);
        int fd = LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) throw new IOException($"socket failed: {LibC.ErrorText(LibC.Errno)}");
        fixed (byte* a = address)
        {
            if (LibC.bind(fd, a, address.Length) != 0 || LibC.listen(fd, 1) != 0)
            {
                int errno = LibC.Errno;
                LibC.close(fd);
                throw new IOException($"cannot listen on {path}: {LibC.ErrorText(errno)}");
            }
        }
        return new UnixSocketListener(fd, path);
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

    /// <summary>Closes the socket and removes the path.</summary>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd < 0) return;
        LibC.close(fd);
        try { File.Delete(Path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
