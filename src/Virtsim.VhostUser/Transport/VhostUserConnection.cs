using Virtsim.VhostUser.Native;
using Virtsim.VhostUser.Protocol;

namespace Virtsim.VhostUser.Transport;

/// <summary>
/// One end of a vhost-user unix stream socket: whole messages with SCM_RIGHTS descriptors in and out. Receiving
/// is strict (header rules, payload size rules, descriptor count) and bounded in time: a peer that stops in the
/// middle of a message makes <see cref="Receive"/> throw after the receive timeout instead of hanging.
/// </summary>
public sealed unsafe class VhostUserConnection : IDisposable
{
    private const int MaxReceivedFds = 16; // room to notice "too many"; a request carries at most 8
    private int _fd;

    /// <summary>Takes ownership of a connected socket descriptor.</summary>
    /// <param name="fd">The socket.</param>
    /// <param name="receiveTimeout">Longest wait for the rest of a message once its first byte arrived.</param>
    public VhostUserConnection(int fd, TimeSpan? receiveTimeout = null)
    {
        if (fd < 0) throw new ArgumentOutOfRangeException(nameof(fd));
        _fd = fd;
        var timeout = receiveTimeout ?? TimeSpan.FromSeconds(5);
        long* tv = stackalloc long[2];
        tv[0] = (long)timeout.TotalSeconds;
        tv[1] = (long)(timeout.TotalMicroseconds % 1_000_000);
        LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, tv, 16);
        LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_SNDTIMEO, tv, 16);
    }

    /// <summary>A connected pair (for tests and in-process front-ends).</summary>
    /// <exception cref="IOException">socketpair failed.</exception>
    public static (VhostUserConnection A, VhostUserConnection B) CreatePair(TimeSpan? receiveTimeout = null)
    {
        int* fds = stackalloc int[2];
        if (LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, fds) != 0)
            throw new IOException($"socketpair failed: {LibC.ErrorText(LibC.Errno)}");
        return (new VhostUserConnection(fds[0], receiveTimeout), new VhostUserConnection(fds[1], receiveTimeout));
    }

    /// <summary>Connects to a listening socket at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The connection failed.</exception>
    public static VhostUserConnection Connect(string path, TimeSpan? receiveTimeout = null)
    {
        int fd = LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) throw new IOException($"socket failed: {LibC.ErrorText(LibC.Errno)}");
        var address = UnixSocketAddress.Encode(path);
        fixed (byte* a = address)
        {
            if (LibC.connect(fd, a, address.Length) != 0)
            {
                int errno = LibC.Errno;
                LibC.close(fd);
                throw new IOException($"connect to {path} failed: {LibC.ErrorText(errno)}");
            }
        }
        return new VhostUserConnection(fd, receiveTimeout);
    }

    /// <summary>The socket descriptor (for polling).</summary>
    public int Fd => _fd;

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> for the next message to start; true when bytes (or a hang-up) are waiting.
    /// </summary>
    public bool WaitReadable(int timeoutMs)
    {
        var p = new PollFd { Fd = _fd, Events = LibC.POLLIN };
        int n = LibC.poll(&p, 1, timeoutMs);
        return n > 0 && p.Revents != 0;
    }

    /// <summary>
    /// Reads one front-end request. Returns null when the peer closed the connection cleanly between messages.
    /// </summary>
    /// <exception cref="VhostUserProtocolException">The message breaks the protocol (its descriptors are closed).</exception>
    /// <exception cref="IOException">The socket failed or the peer stopped mid-message.</exception>
    public VhostUserMessage? Receive() => ReceiveCore(reply: false);

    /// <summary>Reads one back-end reply (for front-end harnesses). Null when the peer closed.</summary>
    /// <exception cref="VhostUserProtocolException">The reply is malformed.</exception>
    public VhostUserMessage? ReceiveReply() => ReceiveCore(reply: true);

    private VhostUserMessage? ReceiveCore(bool reply)
    {
        Span<byte> headerBytes = stackalloc byte[VhostUserHeader.EncodedSize];
        List<int> fds;
        int got;
        byte* control = stackalloc byte[ControlMessage.Space(MaxReceivedFds)];
        fixed (byte* h = headerBytes)
        {
            var iov = new IoVector { Base = h, Length = (nuint)headerBytes.Length };
            var msg = new MessageHeader { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)ControlMessage.Space(MaxReceivedFds) };
            nint n;
            do n = LibC.recvmsg(_fd, &msg, LibC.MSG_CMSG_CLOEXEC);
            while (n < 0 && LibC.Errno == LibC.EINTR);
            if (n < 0) throw new IOException($"recvmsg failed: {LibC.ErrorText(LibC.Errno)}");
            fds = ControlMessage.ReadRights(control, (int)msg.ControlLength);
            if (n == 0) { CloseAll(fds); return null; }
            if ((msg.Flags & LibC.MSG_CTRUNC) != 0)
            {
                CloseAll(fds);
                throw new VhostUserProtocolException($"more than {MaxReceivedFds} file descriptors attached (control data truncated)");
            }
            got = (int)n;
        }
        try
        {
            if (got < headerBytes.Length) ReadExactly(headerBytes[got..]);
            var header = reply ? VhostUserHeader.ParseReply(headerBytes) : VhostUserHeader.ParseRequest(headerBytes);
            var payload = new byte[header.Size];
            ReadExactly(payload);
            if (!reply) VhostUserRequestRules.Check(header, payload, fds.Count);
            else if (fds.Count > VhostUserRequestRules.MaxMemoryRegions) throw new VhostUserProtocolException(header.Request, "too many descriptors on a reply");
            return new VhostUserMessage(header, payload, [.. fds]);
        }
        catch
        {
            CloseAll(fds);
            throw;
        }
    }

    /// <summary>Sends <paramref name="message"/> with its descriptors (which stay owned by the caller).</summary>
    /// <exception cref="IOException">The socket failed.</exception>
    public void Send(VhostUserMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var bytes = new byte[VhostUserHeader.EncodedSize + message.Payload.Length];
        message.Header.Write(bytes);
        message.Payload.CopyTo(bytes, VhostUserHeader.EncodedSize);
        int fdCount = message.Fds.Count(f => f >= 0);
        byte* control = stackalloc byte[ControlMessage.Space(Math.Max(fdCount, 1))];
        int sent = 0;
        fixed (byte* b = bytes)
        {
            while (sent < bytes.Length)
            {
                var iov = new IoVector { Base = b + sent, Length = (nuint)(bytes.Length - sent) };
                var msg = new MessageHeader { Iov = &iov, IovLength = 1 };
                if (sent == 0 && fdCount > 0)
                {
                    msg.Control = control;
                    msg.ControlLength = (nuint)ControlMessage.WriteRights(control, message.Fds.Where(f => f >= 0).ToArray());
                }
                nint n = LibC.sendmsg(_fd, &msg, LibC.MSG_NOSIGNAL);
                if (n < 0)
                {
                    int errno = LibC.Errno;
                    if (errno == LibC.EINTR) continue;
                    throw new IOException($"sendmsg failed: {LibC.ErrorText(errno)}");
                }
                sent += (int)n;
            }
        }
    }

    /// <summary>Shuts the socket down both ways (wakes a blocked reader) without closing it.</summary>
    public void Shutdown()
    {
        int fd = _fd;
        if (fd >= 0) LibC.shutdown(fd, LibC.SHUT_RDWR);
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) LibC.close(fd);
    }

    private void ReadExactly(Span<byte> destination)
    {
        fixed (byte* d = destination)
        {
            int done = 0;
            while (done < destination.Length)
            {
                nint n = LibC.read(_fd, d + done, (nuint)(destination.Length - done));
                if (n < 0)
                {
                    int errno = LibC.Errno;
                    if (errno == LibC.EINTR) continue;
                    if (errno == LibC.EAGAIN) throw new IOException("the peer stopped in the middle of a message (receive timed out)");
                    throw new IOException($"read failed: {LibC.ErrorText(errno)}");
                }
                if (n == 0) throw new IOException($"the peer closed the connection in the middle of a message ({done} of {destination.Length} bytes)");
                done += (int)n;
            }
        }
    }

    private static void CloseAll(List<int> fds)
    {
        foreach (int fd in fds) LibC.close(fd);
    }
}
