using System.Buffers.Binary;
using Virtsim.VhostUser.Native;
using Virtsim.VhostUser.Protocol;
using Virtsim.VhostUser.Transport;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Status;

namespace Virtsim.VhostUser.Tests.Frontend;

/// <summary>How the fake device breaks the reply it was told to break.</summary>
public enum ReplyFault
{
    WrongSize,
    WrongRequest,
    Silence,
    CloseMidMessage,
    Close,
    NoReplyFlag,
    WithDescriptor,
    Oversized,
}

/// <summary>
/// A scripted vhost-user device on a socketpair: answers every request correctly (it never touches the rings)
/// except the <c>faultAt</c>-th message that expects a reply, which it breaks as told.
/// </summary>
internal sealed class FakeDevice : IDisposable
{
    private readonly VhostUserConnection _connection;
    private readonly int _faultAt;
    private readonly ReplyFault _fault;
    private readonly Task _serving;
    private ulong _status;

    public FakeDevice(VhostUserConnection connection, int faultAt, ReplyFault fault)
    {
        _connection = connection;
        _faultAt = faultAt;
        _fault = fault;
        _serving = Task.Factory.StartNew(Serve, TaskCreationOptions.LongRunning);
    }

    public ulong Offered { get; init; } = (1UL << FeatureBit.Version1) | (1UL << FeatureBit.EventIdx) | (1UL << FeatureBit.RingPacked) |
                                          (1UL << BlkFeatureBit.Flush) | (1UL << VhostUserFeatures.ProtocolFeatures);

    public ulong ProtocolOffered { get; init; } = 0x1_0209; // MQ, REPLY_ACK, CONFIG, STATUS

    /// <summary>GET_STATUS reports the status set without FEATURES_OK (the device refuses the features).</summary>
    public bool RefuseFeatures { get; init; }

    /// <summary>The request whose reply was broken (None when the fault was never reached).</summary>
    public VhostUserRequest Broken { get; private set; }

    private void Serve()
    {
        int replies = 0;
        try
        {
            while (_connection.WaitReadable(10_000) && _connection.Receive() is { } request)
            {
                request.CloseFds();
                var reply = Answer(request);
                if (reply == null) continue;
                if (replies++ != _faultAt)
                {
                    _connection.Send(reply);
                    continue;
                }
                Broken = request.Request;
                if (Break(request, reply)) return;
            }
        }
        catch (IOException) { }
        catch (VhostUserProtocolException) { }
    }

    /// <summary>Sends the broken reply; true when the connection is gone afterwards.</summary>
    private bool Break(VhostUserMessage request, VhostUserMessage reply)
    {
        var r = request.Request;
        const VhostUserHeaderFlags replyFlags = VhostUserHeaderFlags.Version1 | VhostUserHeaderFlags.Reply;
        switch (_fault)
        {
            case ReplyFault.WrongSize:
                _connection.Send(new VhostUserMessage(new VhostUserHeader(r, replyFlags, 3), [1, 2, 3]));
                return false;
            case ReplyFault.WrongRequest:
                _connection.Send(new VhostUserMessage(new VhostUserHeader(r == VhostUserRequest.GetFeatures ? VhostUserRequest.GetStatus : VhostUserRequest.GetFeatures, replyFlags, (uint)reply.Payload.Length), reply.Payload));
                return false;
            case ReplyFault.Silence:
                return false;
            case ReplyFault.CloseMidMessage:
                _connection.Send(new VhostUserMessage(new VhostUserHeader(r, replyFlags, 8), [1, 2, 3]));
                _connection.Shutdown();
                return true;
            case ReplyFault.Close:
                _connection.Shutdown();
                return true;
            case ReplyFault.NoReplyFlag:
                _connection.Send(new VhostUserMessage(new VhostUserHeader(r, VhostUserHeaderFlags.Version1, (uint)reply.Payload.Length), reply.Payload));
                return false;
            case ReplyFault.WithDescriptor:
                using (var fd = EventFd.Create())
                    _connection.Send(new VhostUserMessage(reply.Header, reply.Payload, [fd.Fd]));
                return false;
            default:
                _connection.Send(new VhostUserMessage(new VhostUserHeader(r, replyFlags, 100_000), new byte[16]));
                return false;
        }
    }

    private VhostUserMessage? Answer(VhostUserMessage request)
    {
        var r = request.Request;
        switch (r)
        {
            case VhostUserRequest.GetFeatures: return VhostUserMessage.ReplyU64(r, Offered);
            case VhostUserRequest.GetProtocolFeatures: return VhostUserMessage.ReplyU64(r, ProtocolOffered);
            case VhostUserRequest.GetQueueNum: return VhostUserMessage.ReplyU64(r, 1);
            case VhostUserRequest.GetStatus: return VhostUserMessage.ReplyU64(r, RefuseFeatures ? _status & ~(ulong)DeviceStatus.FeaturesOk : _status);
            case VhostUserRequest.GetVringBase: return VhostUserMessage.Reply(r, new VringState(BinaryPrimitives.ReadUInt32LittleEndian(request.Payload), 0).ToBytes());
            case VhostUserRequest.GetConfig:
                var access = ConfigAccess.Parse(r, request.Payload);
                var data = new byte[access.Data.Length];
                if (data.Length >= 8) BinaryPrimitives.WriteUInt64LittleEndian(data, 64); // 32 KiB
                return VhostUserMessage.Reply(r, (access with { Data = data }).ToBytes());
            case VhostUserRequest.SetStatus:
                _status = request.ReadU64();
                break;
        }
        return request.Header.NeedsReply ? VhostUserMessage.ReplyU64(r, 0) : null;
    }

    public void Dispose()
    {
        _connection.Shutdown();
        _serving.Wait(5000);
        _connection.Dispose();
    }
}
