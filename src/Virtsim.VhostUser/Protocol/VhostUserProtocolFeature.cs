namespace Virtsim.VhostUser.Protocol;

/// <summary>Protocol feature bit numbers (GET/SET_PROTOCOL_FEATURES).</summary>
public enum VhostUserProtocolFeature
{
    /// <summary>Multiple queues (GET_QUEUE_NUM).</summary>
    Mq = 0,
    /// <summary>Dirty log shared through an fd.</summary>
    LogShmfd = 1,
    /// <summary>SEND_RARP.</summary>
    Rarp = 2,
    /// <summary>NEED_REPLY on any request.</summary>
    ReplyAck = 3,
    /// <summary>NET_SET_MTU.</summary>
    NetMtu = 4,
    /// <summary>Back-end request channel.</summary>
    BackendReq = 5,
    /// <summary>Cross-endian rings.</summary>
    CrossEndian = 6,
    /// <summary>Crypto sessions.</summary>
    CryptoSession = 7,
    /// <summary>Postcopy page faults.</summary>
    Pagefault = 8,
    /// <summary>GET/SET_CONFIG.</summary>
    Config = 9,
    /// <summary>Back-end may send fds.</summary>
    BackendSendFd = 10,
    /// <summary>Host notifiers.</summary>
    HostNotifier = 11,
    /// <summary>Shared in-flight tracking.</summary>
    InflightShmfd = 12,
    /// <summary>RESET_DEVICE.</summary>
    ResetDevice = 13,
    /// <summary>In-band kicks and calls.</summary>
    InbandNotifications = 14,
    /// <summary>ADD/REM_MEM_REG.</summary>
    ConfigureMemSlots = 15,
    /// <summary>SET/GET_STATUS.</summary>
    Status = 16,
    /// <summary>Xen foreign mappings.</summary>
    XenMmap = 17,
    /// <summary>Shared objects.</summary>
    SharedObject = 18,
    /// <summary>Device state transfer.</summary>
    DeviceState = 19,
}
