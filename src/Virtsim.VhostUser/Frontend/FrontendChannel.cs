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
            throw new VhostUserProtocolException(message.Request, $"could not send the request: {e.Message}");
        }
    }

    private VhostUserMessage Receive(VhostUserRequest expected)
    {
        if (!_connection.WaitReadable((int)Math.Min(int.MaxValue, Timeout.TotalMilliseconds)))
            throw new VhostUserProtocolException(expected, $"no reply within {Timeout.TotalSeconds:0.###} s");
        var reply = ReceiveAny(expected);
        if (reply.Request != expected)
            throw new VhostUserProtocolException(expected, $"the reply is for request {(uint)reply.Request} ({reply.Request})");
        return reply;
    }

    private VhostUserMessage ReceiveAny(VhostUserRequest expected)
    {
        VhostUserMessage? message;
        try { message = _connection.ReceiveReply(); }
        catch (IOException e) { throw new VhostUserProtocolException(expected, e.Message); }
        catch (VhostUserProtocolException e) when (e.Request == VhostUserRequest.None && expected != VhostUserRequest.None)
        {
            throw new VhostUserProtocolException(expected, "bad reply: " + e.Message);
        }
        if (message == null) throw new VhostUserProtocolException(expected, "the device closed the connection");
        if (message.FdCount > 0)
        {
            message.CloseFds();
            throw new VhostUserProtocolException(expected, $"the reply carries {message.FdCount} file descriptors");
        }
        return message;
    }
}
