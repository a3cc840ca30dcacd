namespace Virtsim.Virtio.Devices.Net;

/// <summary>
/// Control queue command classes, commands and ack values (spec §5.1.6.5). A command is
/// <c>class u8 · command u8 · data</c> (readable) followed by <c>ack u8</c> (the first writable byte).
/// </summary>
public static class NetControl
{
    /// <summary>ack: command succeeded.</summary>
    public const byte Ok = 0;
    /// <summary>ack: command failed.</summary>
    public const byte Err = 1;

    /// <summary>Class: receive filtering modes (CTRL_RX).</summary>
    public const byte ClassRx = 0;
    /// <summary>RX command: promiscuous on/off (1 data byte).</summary>
    public const byte RxPromisc = 0;
    /// <summary>RX command: all-multicast on/off.</summary>
    public const byte RxAllMulti = 1;
    /// <summary>RX command: all-unicast on/off (CTRL_RX_EXTRA).</summary>
    public const byte RxAllUni = 2;
    /// <summary>RX command: suppress multicast (CTRL_RX_EXTRA).</summary>
    public const byte RxNoMulti = 3;
    /// <summary>RX command: suppress unicast (CTRL_RX_EXTRA).</summary>
    public const byte RxNoUni = 4;
    /// <summary>RX command: suppress broadcast (CTRL_RX_EXTRA).</summary>
    public const byte RxNoBcast = 5;

    /// <summary>Class: MAC address filtering.</summary>
    public const byte ClassMac = 1;
    /// <summary>MAC command: set the unicast and multicast filter tables (CTRL_RX).</summary>
    public const byte MacTableSet = 0;
    /// <summary>MAC command: set the default MAC address (CTRL_MAC_ADDR).</summary>
    public const byte MacAddrSet = 1;

    /// <summary>Class: VLAN filtering (CTRL_VLAN).</summary>
    public const byte ClassVlan = 2;
    /// <summary>VLAN command: add a VLAN id (le16) to the filter.</summary>
    public const byte VlanAdd = 0;
    /// <summary>VLAN command: remove a VLAN id.</summary>
    public const byte VlanDel = 1;

    /// <summary>Class: gratuitous packet announcement (GUEST_ANNOUNCE).</summary>
    public const byte ClassAnnounce = 3;
    /// <summary>ANNOUNCE command: the driver saw the ANNOUNCE status bit; the device clears it.</summary>
    public const byte AnnounceAck = 0;

    /// <summary>Class: multiqueue.</summary>
    public const byte ClassMq = 4;
    /// <summary>MQ command: number of queue pairs in use (le16, 1..max_virtqueue_pairs) (MQ).</summary>
    public const byte MqVqPairsSet = 0;
    /// <summary>MQ command: RSS configuration (RSS; not supported here).</summary>
    public const byte MqRssConfig = 1;
    /// <summary>MQ command: hash types and key for hash reporting (HASH_REPORT).</summary>
    public const byte MqHashConfig = 2;

    /// <summary>Class: guest receive offloads (CTRL_GUEST_OFFLOADS).</summary>
    public const byte ClassGuestOffloads = 5;
    /// <summary>GUEST_OFFLOADS command: le64 bitmap of the GUEST_* offload feature bits to enable.</summary>
    public const byte GuestOffloadsSet = 0;
}
