namespace Virtsim.VhostUser.Protocol;

/// <summary>Front-end request numbers (QEMU docs/interop/vhost-user.rst, "Front-end message types").</summary>
public enum VhostUserRequest : uint
{
    /// <summary>Not a request (0 is never sent).</summary>
    None = 0,
    /// <summary>Reply: the back-end's feature bits (u64).</summary>
    GetFeatures = 1,
    /// <summary>The front-end's accepted feature bits (u64).</summary>
    SetFeatures = 2,
    /// <summary>Session start.</summary>
    SetOwner = 3,
    /// <summary>Deprecated: disables every ring.</summary>
    ResetOwner = 4,
    /// <summary>The memory regions with one fd each.</summary>
    SetMemTable = 5,
    /// <summary>The dirty-log shared memory (u64 payload or log description, one fd).</summary>
    SetLogBase = 6,
    /// <summary>An eventfd signalled when the log changed.</summary>
    SetLogFd = 7,
    /// <summary>Ring size (vring state).</summary>
    SetVringNum = 8,
    /// <summary>Ring addresses (vring address).</summary>
    SetVringAddr = 9,
    /// <summary>Next available index (vring state).</summary>
    SetVringBase = 10,
    /// <summary>Stops the ring; reply: next available index (vring state).</summary>
    GetVringBase = 11,
    /// <summary>Kick eventfd (u64 with index and NOFD).</summary>
    SetVringKick = 12,
    /// <summary>Call eventfd (u64 with index and NOFD).</summary>
    SetVringCall = 13,
    /// <summary>Error eventfd (u64 with index and NOFD).</summary>
    SetVringErr = 14,
    /// <summary>Reply: protocol feature bits (u64).</summary>
    GetProtocolFeatures = 15,
    /// <summary>Accepted protocol feature bits (u64).</summary>
    SetProtocolFeatures = 16,
    /// <summary>Reply: number of queues (u64).</summary>
    GetQueueNum = 17,
    /// <summary>Enables or disables a ring (vring state).</summary>
    SetVringEnable = 18,
    /// <summary>Broadcast a RARP for a MAC (u64).</summary>
    SendRarp = 19,
    /// <summary>Host MTU (u64).</summary>
    NetSetMtu = 20,
    /// <summary>Back-end request channel (one fd).</summary>
    SetBackendReqFd = 21,
    /// <summary>IOTLB update or invalidate.</summary>
    IotlbMsg = 22,
    /// <summary>Legacy ring endianness (vring state).</summary>
    SetVringEndian = 23,
    /// <summary>Reads device config space (config payload).</summary>
    GetConfig = 24,
    /// <summary>Writes device config space (config payload).</summary>
    SetConfig = 25,
    /// <summary>Crypto session creation.</summary>
    CreateCryptoSession = 26,
    /// <summary>Crypto session close.</summary>
    CloseCryptoSession = 27,
    /// <summary>Postcopy advise.</summary>
    PostcopyAdvise = 28,
    /// <summary>Postcopy listen.</summary>
    PostcopyListen = 29,
    /// <summary>Postcopy end.</summary>
    PostcopyEnd = 30,
    /// <summary>Reply: the shared in-flight tracking buffer (inflight description, one fd).</summary>
    GetInflightFd = 31,
    /// <summary>The shared in-flight tracking buffer (inflight description, one fd).</summary>
    SetInflightFd = 32,
    /// <summary>GPU socket.</summary>
    GpuSetSocket = 33,
    /// <summary>Disables every ring and resets the device.</summary>
    ResetDevice = 34,
    /// <summary>In-band kick (vring state).</summary>
    VringKick = 35,
    /// <summary>Reply: number of memory slots (u64).</summary>
    GetMaxMemSlots = 36,
    /// <summary>Adds one memory region (single region description, one fd).</summary>
    AddMemReg = 37,
    /// <summary>Removes one memory region (single region description).</summary>
    RemMemReg = 38,
    /// <summary>Device status (u64).</summary>
    SetStatus = 39,
    /// <summary>Reply: device status (u64).</summary>
    GetStatus = 40,
    /// <summary>Shared object lookup.</summary>
    GetSharedObject = 41,
    /// <summary>Device state transfer fd.</summary>
    SetDeviceStateFd = 42,
    /// <summary>Device state transfer check.</summary>
    CheckDeviceState = 43,
}
