using System.Buffers.Binary;
using Virtsim.VhostUser.Native;
using Virtsim.VhostUser.Protocol;
using Virtsim.VhostUser.Transport;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.VhostUser.Tests.Harness;

/// <summary>A minimal vhost-user front-end for tests: sends requests, reads replies, sets rings up over <see cref="GuestRam"/>.</summary>
public sealed class FrontEnd : IDisposable
{
    private readonly List<EventFd> _fds = new();

    public FrontEnd(VhostUserConnection connection, GuestRam ram)
    {
        Connection = connection;
        Ram = ram;
    }

    public VhostUserConnection Connection { get; }
    public GuestRam Ram { get; }
    public ulong ProtocolFeatures { get; private set; }
    public Dictionary<int, EventFd> Kicks { get; } = new();
    public Dictionary<int, EventFd> Calls { get; } = new();

    public void Send(VhostUserRequest request, byte[] payload, bool needReply = false, params int[] fds) =>
        Connection.Send(VhostUserMessage.ForRequest(request, payload, needReply, fds));

    public void SendU64(VhostUserRequest request, ulong value, bool needReply = false, params int[] fds) =>
        Connection.Send(VhostUserMessage.ForRequestU64(request, value, needReply, fds));

    public VhostUserMessage Reply(VhostUserRequest expected)
    {
        var reply = Connection.ReceiveReply() ?? throw new IOException("the back-end closed the connection");
        Assert.Equal(expected, reply.Request);
        reply.CloseFds();
        return reply;
    }

    public ulong GetU64(VhostUserRequest request)
    {
        Send(request, []);
        return Reply(request).ReadU64();
    }

    /// <summary>Sends with NEED_REPLY and checks the ack is 0.</summary>
    public void Acked(VhostUserRequest request, byte[] payload, params int[] fds)
    {
        Send(request, payload, needReply: true, fds);
        Assert.Equal(0UL, Reply(request).ReadU64());
    }

    public ulong Negotiate(ulong wantedVirtio, ulong protocol = ulong.MaxValue)
    {
        Send(VhostUserRequest.SetOwner, []);
        ulong offered = GetU64(VhostUserRequest.GetFeatures);
        Assert.NotEqual(0UL, offered & (1UL << VhostUserFeatures.ProtocolFeatures));
        ulong protocolOffered = GetU64(VhostUserRequest.GetProtocolFeatures);
        ProtocolFeatures = protocolOffered & protocol;
        SendU64(VhostUserRequest.SetProtocolFeatures, ProtocolFeatures);
        ulong features = (offered & wantedVirtio) | (1UL << VhostUserFeatures.ProtocolFeatures);
        SendU64(VhostUserRequest.SetFeatures, features);
        return features;
    }

    public byte[] MemTablePayload(ulong gpaOffset = 0)
    {
        var table = new MemoryTable([new MemoryRegionDescription(GuestRam.GuestBase + gpaOffset, Ram.Size, GuestRam.UserBase, 0)]);
        return table.ToBytes();
    }

    public void SetMemTable() => Acked(VhostUserRequest.SetMemTable, MemTablePayload(), Ram.File.Fd);

    /// <summary>Programs ring <paramref name="index"/> for <paramref name="config"/> (GPA addresses) and enables it.</summary>
    public void SetupRing(int index, QueueConfig config, uint? baseValue = null)
    {
        // A fresh packed ring starts with both wrap counters at 1.
        uint value = baseValue ?? (config.Format == QueueFormat.Packed ? PackedVringBase.Fresh : 0u);
        var call = EventFd.Create();
        var kick = EventFd.Create();
        _fds.Add(call);
        _fds.Add(kick);
        Calls[index] = call;
        Kicks[index] = kick;
        SendU64(VhostUserRequest.SetVringCall, (ulong)index, false, call.Fd);
        Send(VhostUserRequest.SetVringNum, new VringState((uint)index, config.Size).ToBytes());
        Send(VhostUserRequest.SetVringBase, new VringState((uint)index, value).ToBytes());
        Send(VhostUserRequest.SetVringAddr, new VringAddress((uint)index, 0, Ram.UserOf(config.DescriptorArea),
            Ram.UserOf(config.DeviceArea), Ram.UserOf(config.DriverArea), 0).ToBytes());
        SendU64(VhostUserRequest.SetVringKick, (ulong)index, false, kick.Fd);
        Acked(VhostUserRequest.SetVringEnable, new VringState((uint)index, 1).ToBytes());
    }

    public uint GetVringBase(int index)
    {
        Send(VhostUserRequest.GetVringBase, new VringState((uint)index, 0).ToBytes());
        var reply = Reply(VhostUserRequest.GetVringBase);
        Assert.Equal((uint)index, BinaryPrimitives.ReadUInt32LittleEndian(reply.Payload));
        return BinaryPrimitives.ReadUInt32LittleEndian(reply.Payload.AsSpan(4));
    }

    public void Dispose()
    {
        foreach (var fd in _fds) fd.Dispose();
        Connection.Dispose();
    }

    /// <summary>Ring layout helper: a queue of <paramref name="size"/> at <paramref name="gpa"/> in guest RAM.</summary>
    public static QueueConfig RingAt(QueueFormat format, ushort size, ulong gpa, ulong features) =>
        format == QueueFormat.Split
            ? new QueueConfig(format, size, gpa, gpa + 0x1000, gpa + 0x2000, new FeatureSet(features & ~VhostUserFeatures.TransportMask, 0))
            : new QueueConfig(format, size, gpa, gpa + 0x1000, gpa + 0x1100, new FeatureSet(features & ~VhostUserFeatures.TransportMask, 0));
}
