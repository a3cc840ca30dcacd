using Virtsim.VhostUser.Protocol;
using Virtsim.VhostUser.Transport;

namespace Virtsim.VhostUser.Frontend;

/// <summary>
/// The front-end's side of the vhost-user socket: sends requests, waits (bounded) for replies and checks them.
/// A reply that is late, for another request, of the wrong size, carries descriptors, or a connection closed or
/// broken in the middle of one becomes a <see cref="VhostUserProtocolException"/> naming the request; nothing
/// here can hang.
/// </summary>
public sealed class FrontendChannel : IDisposable
{
    private readonly VhostUserConnection _connection;

    /// <summary>Wraps <paramref name="connection"/> (owned from now on); replies must start within <paramref name="timeout"/>.</summary>
    public FrontendChannel(VhostUserConnection connection, TimeSpan timeout)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        Timeout = timeout;
    }

    /// <summary>Longest wait for a reply to start (the connection bounds the rest of the message).</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The socket descriptor (polled to notice a device that hangs up mid-run).</summary>
    public int Fd => _connection.Fd;

    /// <summary>Requests sent.</summary>
    public long Requests { get; private set; }

    /// <summary>REPLY_ACK was negotiated: requests without a reply of their own ask for an ack and check it.</summary>
    public bool ReplyAck { get; set; }

    /// <summary>Sends a request that has no reply of its own (acknowledged when <see cref="ReplyAck"/> is on).</summary>
    /// <exception cref="VhostUserProtocolException">Sending failed, or the ack is missing, malformed or non-zero.</exception>
    public void Send(VhostUserRequest request, byte[] payload, params int[] fds)
    {
        Transmit(VhostUserMessage.ForRequest(request, payload, ReplyAck, fds));
        if (!ReplyAck) return;
        ulong ack = ReceiveU64(request);
        if (ack != 0) throw new VhostUserProtocolException(request, $"the device refused the request (REPLY_ACK status {ack})");
    }

    /// <summary>Sends a request carrying a u64 (see <see cref="Send"/>).</summary>
    public void SendU64(VhostUserRequest request, ulong value, params int[] fds) =>
        Send(request, VhostUserMessage.ForRequestU64(request, value).Payload, fds);

    /// <summary>Sends a request that has a reply and returns the reply's payload, checked to be <paramref name="expectedSize"/> bytes (any when -1).</summary>
    /// <exception cref="VhostUserProtocolException">Sending failed or the reply is missing or malformed.</exception>
    public byte[] Ask(VhostUserRequest request, byte[] payload, int expectedSize)
    {
        Transmit(VhostUserMessage.ForRequest(request, payload));
        var reply = Receive(request);
        if (expectedSize >= 0 && reply.Payload.Length != expectedSize)
            throw new VhostUserProtocolException(request, $"reply payload is {reply.Payload.Length} bytes, expected {expectedSize}");
        return reply.Payload;
    }

    /// <summary>
    /// Sends a request whose reply carries exactly one file descriptor (GET_INFLIGHT_FD); returns the payload,
    /// checked to be <paramref name="expectedSize"/> bytes (any when -1), and the descriptor, which the caller then owns.
    /// </summary>
    /// <exception cref="VhostUserProtocolException">Sending failed or the reply is missing, malformed or without exactly one descriptor.</exception>
    public byte[] AskWithFd(VhostUserRequest request, byte[] payload, int expectedSize, out int fd)
    {
        Transmit(VhostUserMessage.ForRequest(request, payload));
        var reply = Receive(request, allowFd: true);
        if (reply.FdCount != 1 || (expectedSize >= 0 && reply.Payload.Length != expectedSize))
        {
            reply.CloseFds();
            throw new VhostUserProtocolException(request, $"reply has {reply.Payload.Length} payload bytes and {reply.FdCount} file descriptors, expected {expectedSize} and 1");
        }
        fd = reply.TakeFd(0);
        return reply.Payload;
    }

    /// <summary>Sends a request with an empty payload and returns its u64 reply.</summary>
    /// <exception cref="VhostUserProtocolException">Sending failed or the reply is missing or malformed.</exception>
    public ulong AskU64(VhostUserRequest request)
    {
        Transmit(VhostUserMessage.ForRequest(request, []));
        return ReceiveU64(request);
    }

    /// <summary>Throws when the device has sent anything or hung up while no reply was expected.</summary>
    /// <exception cref="VhostUserProtocolException">It has.</exception>
    public void CheckQuiet()
    {
        if (!_connection.WaitReadable(0)) return;
        var message = ReceiveAny(VhostUserRequest.None);
        throw new VhostUserProtocolException(message.Request, "the device sent a message nobody asked for");
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose() => _connection.Dispose();

    private ulong ReceiveU64(VhostUserRequest request)
    {
        var reply = Receive(request);
        if (reply.Payload.Length != 8) throw new VhostUserProtocolException(request, $"reply payload is {reply.Payload.Length} bytes, expected 8");
        return reply.ReadU64();
    }

    private void Transmit(VhostUserMessage message)
    {
        try
        {
            _connection.Send(message);
            Requests++;
        }
        catch (IOException e)
        {
            throw new VhostUserProtocolException(message.Request, $"could not send the request: {e.Message}") { ConnectionLost = true };
        }
    }

    private VhostUserMessage Receive(VhostUserRequest expected, bool allowFd = false)
    {
        if (!_connection.WaitReadable((int)Math.Min(int.MaxValue, Timeout.TotalMilliseconds)))
            throw new VhostUserProtocolException(expected, $"no reply within {Timeout.TotalSeconds:0.###} s");
        var reply = ReceiveAny(expected, allowFd);
        if (reply.Request != expected)
        {
            reply.CloseFds();
            throw new VhostUserProtocolException(expected, $"the reply is for request {(uint)reply.Request} ({reply.Request})");
        }
        return reply;
    }

    private VhostUserMessage ReceiveAny(VhostUserRequest expected, bool allowFd = false)
    {
        VhostUserMessage? message;
        try { message = _connection.ReceiveReply(); }
        catch (IOException e) { throw new VhostUserProtocolException(expected, e.Message) { ConnectionLost = true }; }
        catch (VhostUserProtocolException e) when (e.Request == VhostUserRequest.None && expected != VhostUserRequest.None)
        {
            throw new VhostUserProtocolException(expected, "bad reply: " + e.Message);
        }
        if (message == null) throw new VhostUserProtocolException(expected, "the device closed the connection") { ConnectionLost = true };
        if (message.FdCount > 0 && !allowFd)
        {
            message.CloseFds();
            throw new VhostUserProtocolException(expected, $"the reply carries {message.FdCount} file descriptors");
        }
        return message;
    }
}
