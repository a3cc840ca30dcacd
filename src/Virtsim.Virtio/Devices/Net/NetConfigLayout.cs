namespace Virtsim.Virtio.Devices.Net;

/// <summary>Byte offsets of <c>struct virtio_net_config</c> fields (spec §5.1.4) and the status bits.</summary>
public static class NetConfigLayout
{
    /// <summary>mac, u8[6].</summary>
    public const int Mac = 0;
    /// <summary>status, le16 (with STATUS).</summary>
    public const int Status = 6;
    /// <summary>max_virtqueue_pairs, le16 (with MQ or RSS).</summary>
    public const int MaxVirtqueuePairs = 8;
    /// <summary>mtu, le16 (with MTU).</summary>
    public const int Mtu = 10;
    /// <summary>speed, le32 in Mbit/s (with SPEED_DUPLEX).</summary>
    public const int Speed = 12;
    /// <summary>duplex, u8: 0 half, 1 full, 0xff unknown (with SPEED_DUPLEX).</summary>
    public const int Duplex = 16;
    /// <summary>rss_max_key_size, u8 (with RSS or HASH_REPORT).</summary>
    public const int RssMaxKeySize = 17;
    /// <summary>rss_max_indirection_table_length, le16 (with RSS).</summary>
    public const int RssMaxIndirectionTableLength = 18;
    /// <summary>supported_hash_types, le32 (with RSS or HASH_REPORT).</summary>
    public const int SupportedHashTypes = 20;
    /// <summary>Size of the config space this device exposes.</summary>
    public const int Size = 24;

    /// <summary>status bit VIRTIO_NET_S_LINK_UP.</summary>
    public const ushort StatusLinkUp = 1;
    /// <summary>status bit VIRTIO_NET_S_ANNOUNCE.</summary>
    public const ushort StatusAnnounce = 2;
}
