using System.Buffers.Binary;

namespace Virtsim.Virtio.Devices.Net;

/// <summary>
/// The receive filter the control queue programs (spec §5.1.6.5.1-3): RX modes, the unicast and multicast
/// MAC tables, and the VLAN table. Best effort as the spec allows. Starts promiscuous, as common devices do,
/// so that a driver which never programs the filter still receives everything.
/// </summary>
public sealed class NetRxFilter
{
    private readonly HashSet<ulong> _unicast = new();
    private readonly HashSet<ulong> _multicast = new();
    private readonly HashSet<ushort> _vlans = new();

    /// <summary>Receive every frame.</summary>
    public bool Promiscuous { get; set; } = true;
    /// <summary>Receive every multicast frame.</summary>
    public bool AllMulticast { get; set; }
    /// <summary>Receive every unicast frame.</summary>
    public bool AllUnicast { get; set; }
    /// <summary>Suppress multicast (not broadcast).</summary>
    public bool NoMulticast { get; set; }
    /// <summary>Suppress unicast.</summary>
    public bool NoUnicast { get; set; }
    /// <summary>Suppress broadcast.</summary>
    public bool NoBroadcast { get; set; }
    /// <summary>True when the VLAN table filters tagged frames (CTRL_VLAN negotiated).</summary>
    public bool VlanFiltering { get; set; }

    /// <summary>Unicast MAC table entries.</summary>
    public int UnicastCount => _unicast.Count;
    /// <summary>Multicast MAC table entries.</summary>
    public int MulticastCount => _multicast.Count;
    /// <summary>True when <paramref name="vlanId"/> is in the VLAN table.</summary>
    public bool HasVlan(ushort vlanId) => _vlans.Contains(vlanId);

    /// <summary>Replaces both MAC tables.</summary>
    public void SetTables(IEnumerable<ulong> unicast, IEnumerable<ulong> multicast)
    {
        _unicast.Clear();
        _unicast.UnionWith(unicast);
        _multicast.Clear();
        _multicast.UnionWith(multicast);
    }

    /// <summary>Adds a VLAN id to the table.</summary>
    public void AddVlan(ushort vlanId) => _vlans.Add(vlanId);

    /// <summary>Removes a VLAN id from the table.</summary>
    public void RemoveVlan(ushort vlanId) => _vlans.Remove(vlanId);

    /// <summary>Back to power-on: promiscuous, empty tables.</summary>
    public void Reset()
    {
        Promiscuous = true;
        AllMulticast = AllUnicast = NoMulticast = NoUnicast = NoBroadcast = VlanFiltering = false;
        _unicast.Clear();
        _multicast.Clear();
        _vlans.Clear();
    }

    /// <summary>A MAC address as a 48-bit number (first byte most significant).</summary>
    public static ulong MacKey(ReadOnlySpan<byte> mac) =>
        ((ulong)BinaryPrimitives.ReadUInt16BigEndian(mac) << 32) | BinaryPrimitives.ReadUInt32BigEndian(mac[2..]);

    /// <summary>True when a frame to the device's <paramref name="mac"/> passes the filter.</summary>
    public bool Accepts(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> mac)
    {
        if (frame.Length < 14) return true;
        if (VlanFiltering && BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) == 0x8100 && frame.Length >= 16)
        {
            ushort vid = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(frame[14..]) & 0x0FFF);
            if (!_vlans.Contains(vid)) return false;
        }
        if (Promiscuous) return true;
        var destination = frame[..6];
        ulong key = MacKey(destination);
        if (key == 0xFFFF_FFFF_FFFFUL) return !NoBroadcast;
        if ((destination[0] & 1) != 0)
            return !NoMulticast && (AllMulticast || _multicast.Contains(key));
        return !NoUnicast && (AllUnicast || destination.SequenceEqual(mac) || _unicast.Contains(key));
    }
}
