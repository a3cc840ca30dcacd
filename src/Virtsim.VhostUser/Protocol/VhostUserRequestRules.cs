namespace Virtsim.VhostUser.Protocol;

/// <summary>
/// What each front-end request may carry: the payload shape, the exact payload sizes allowed, and how many file
/// descriptors may ride along. <see cref="Check"/> enforces them before any payload is decoded.
/// </summary>
public static class VhostUserRequestRules
{
    /// <summary>Most regions a SET_MEM_TABLE carries (the fd array of the C message is 8 long).</summary>
    public const int MaxMemoryRegions = 8;

    /// <summary>Encoded size of one memory region description.</summary>
    public const int RegionSize = 32;

    /// <summary>Largest device config access.</summary>
    public const int MaxConfigSize = 256;

    /// <summary>True for a request number the protocol defines (front-end to back-end).</summary>
    public static bool IsKnown(VhostUserRequest request) =>
        request is >= VhostUserRequest.GetFeatures and <= VhostUserRequest.CheckDeviceState;

    /// <summary>The payload shape of <paramref name="request"/>.</summary>
    public static PayloadKind KindOf(VhostUserRequest request) => request switch
    {
        VhostUserRequest.GetFeatures or VhostUserRequest.SetOwner or VhostUserRequest.ResetOwner or
        VhostUserRequest.GetProtocolFeatures or VhostUserRequest.GetQueueNum or VhostUserRequest.ResetDevice or
        VhostUserRequest.GetMaxMemSlots or VhostUserRequest.GetStatus or VhostUserRequest.SetLogFd or
        VhostUserRequest.SetBackendReqFd or VhostUserRequest.PostcopyAdvise or VhostUserRequest.PostcopyListen or
        VhostUserRequest.PostcopyEnd or VhostUserRequest.GpuSetSocket => PayloadKind.None,
        VhostUserRequest.SetFeatures or VhostUserRequest.SetProtocolFeatures or VhostUserRequest.SetVringKick or
        VhostUserRequest.SetVringCall or VhostUserRequest.SetVringErr or VhostUserRequest.SetStatus or
        VhostUserRequest.SendRarp or VhostUserRequest.NetSetMtu or VhostUserRequest.CloseCryptoSession => PayloadKind.U64,
        VhostUserRequest.SetVringNum or VhostUserRequest.SetVringBase or VhostUserRequest.GetVringBase or
        VhostUserRequest.SetVringEnable or VhostUserRequest.SetVringEndian or VhostUserRequest.VringKick => PayloadKind.VringState,
        VhostUserRequest.SetVringAddr => PayloadKind.VringAddress,
        VhostUserRequest.SetMemTable => PayloadKind.MemoryTable,
        VhostUserRequest.AddMemReg or VhostUserRequest.RemMemReg => PayloadKind.SingleRegion,
        VhostUserRequest.SetLogBase => PayloadKind.Log,
        VhostUserRequest.GetConfig or VhostUserRequest.SetConfig => PayloadKind.Config,
        VhostUserRequest.GetInflightFd or VhostUserRequest.SetInflightFd => PayloadKind.Inflight,
        _ => PayloadKind.Opaque,
    };

    /// <summary>Most file descriptors <paramref name="request"/> may carry.</summary>
    public static int MaxFds(VhostUserRequest request) => request switch
    {
        VhostUserRequest.SetMemTable => MaxMemoryRegions,
        VhostUserRequest.AddMemReg or VhostUserRequest.RemMemReg or VhostUserRequest.SetLogBase or
        VhostUserRequest.SetLogFd or VhostUserRequest.SetVringKick or VhostUserRequest.SetVringCall or
        VhostUserRequest.SetVringErr or VhostUserRequest.SetBackendReqFd or VhostUserRequest.SetInflightFd or
        VhostUserRequest.GpuSetSocket or VhostUserRequest.SetDeviceStateFd => 1,
        _ => 0,
    };

    /// <summary>
    /// Checks the payload size and descriptor count of a request whose header was already parsed.
    /// </summary>
    /// <exception cref="VhostUserProtocolException">The size or the descriptor count is not allowed.</exception>
    public static void Check(VhostUserHeader header, ReadOnlySpan<byte> payload, int fdCount)
    {
        var request = header.Request;
        if (payload.Length != header.Size)
            throw new VhostUserProtocolException(request, $"payload is {payload.Length} bytes but the header says {header.Size}");
        int maxFds = MaxFds(request);
        if (fdCount > maxFds)
            throw new VhostUserProtocolException(request, $"{fdCount} file descriptors attached, at most {maxFds} allowed");
        int size = payload.Length;
        switch (KindOf(request))
        {
            case PayloadKind.None:
                if (size is not (0 or 8)) throw Size(request, size, "0");
                break;
            case PayloadKind.U64:
                if (size != 8) throw Size(request, size, "8");
                break;
            case PayloadKind.VringState:
                if (size != VringState.EncodedSize) throw Size(request, size, "8");
                break;
            case PayloadKind.VringAddress:
                if (size != VringAddress.EncodedSize) throw Size(request, size, "40");
                break;
            case PayloadKind.MemoryTable:
                MemoryTable.CheckSize(payload, fdCount);
                break;
            case PayloadKind.SingleRegion:
                if (size != 8 + RegionSize) throw Size(request, size, "40");
                break;
            case PayloadKind.Log:
                if (size != LogDescription.EncodedSize) throw Size(request, size, "16");
                break;
            case PayloadKind.Config:
                ConfigAccess.CheckSize(request, payload);
                break;
            case PayloadKind.Inflight:
                if (size is not (20 or 24)) throw Size(request, size, "24");
                break;
        }
    }

    private static VhostUserProtocolException Size(VhostUserRequest request, int size, string expected) =>
        new(request, $"payload is {size} bytes, expected {expected}");
}
