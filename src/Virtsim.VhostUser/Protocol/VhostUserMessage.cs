using System.Buffers.Binary;

namespace Virtsim.VhostUser.Protocol;

/// <summary>
/// One received or to-be-sent message: header, payload bytes, and the file descriptors that came with it. The
/// receiver owns the descriptors: whoever takes one sets its slot to -1; <see cref="CloseFds"/> closes the rest.
/// </summary>
public sealed class VhostUserMessage
{
    /// <summary>Creates a message.</summary>
    public VhostUserMessage(VhostUserHeader header, byte[] payload, int[]? fds = null)
    {
        Header = header;
        Payload = payload;
        Fds = fds ?? [];
    }

    /// <summary>The header.</summary>
    public VhostUserHeader Header { get; }

    /// <summary>The request number.</summary>
    public VhostUserRequest Request => Header.Request;

    /// <summary>The payload (exactly <see cref="VhostUserHeader.Size"/> bytes).</summary>
    public byte[] Payload { get; }

    /// <summary>Attached descriptors; -1 marks one already taken.</summary>
    public int[] Fds { get; }

    /// <summary>Number of descriptors attached when received.</summary>
    public int FdCount => Fds.Length;

    /// <summary>The payload as a u64.</summary>
    /// <exception cref="VhostUserProtocolException">The payload is not 8 bytes.</exception>
    public ulong ReadU64()
    {
        if (Payload.Length != 8) throw new VhostUserProtocolException(Request, $"payload is {Payload.Length} bytes, not 8");
        return BinaryPrimitives.ReadUInt64LittleEndian(Payload);
    }

    /// <summary>Takes ownership of descriptor <paramref name="index"/> (or -1 if absent).</summary>
    public int TakeFd(int index)
    {
        if (index >= Fds.Length) return -1;
        int fd = Fds[index];
        Fds[index] = -1;
        return fd;
    }

    /// <summary>Closes every descriptor not taken.</summary>
    public void CloseFds()
    {
        for (int i = 0; i < Fds.Length; i++)
        {
            if (Fds[i] >= 0) Native.LibC.close(Fds[i]);
            Fds[i] = -1;
        }
    }

    /// <summary>A reply to <paramref name="request"/> carrying <paramref name="payload"/> and the descriptors <paramref name="fds"/> (none when null).</summary>
    public static VhostUserMessage Reply(VhostUserRequest request, byte[] payload, int[]? fds = null) =>
        new(new VhostUserHeader(request, VhostUserHeaderFlags.Version1 | VhostUserHeaderFlags.Reply, (uint)payload.Length), payload, fds);

    /// <summary>A reply carrying a u64.</summary>
    public static VhostUserMessage ReplyU64(VhostUserRequest request, ulong value)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(payload, value);
        return Reply(request, payload);
    }

    /// <summary>A front-end request (used by tests and front-end harnesses).</summary>
    public static VhostUserMessage ForRequest(VhostUserRequest request, byte[] payload, bool needReply = false, int[]? fds = null) =>
        new(new VhostUserHeader(request, VhostUserHeaderFlags.Version1 | (needReply ? VhostUserHeaderFlags.NeedReply : 0), (uint)payload.Length), payload, fds);

    /// <summary>A front-end request carrying a u64.</summary>
    public static VhostUserMessage ForRequestU64(VhostUserRequest request, ulong value, bool needReply = false, int[]? fds = null)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(payload, value);
        return ForRequest(request, payload, needReply, fds);
    }
}
