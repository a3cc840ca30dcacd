namespace Virtsim.Fleet.World;

/// <summary>
/// Hosts in racks (scenario block <c>racks</c>): hosts in world order fill racks of <see cref="HostsPerRack"/>, each
/// behind a top-of-rack switch whose uplink to the spine carries <see cref="TorBandwidth"/> each way; the spine carries
/// <see cref="SpineBandwidth"/> between racks in all. Migration streams share these links with the hosts' NICs.
/// </summary>
/// <param name="HostsPerRack">Hosts in each rack (the last rack may hold fewer).</param>
/// <param name="TorBandwidth">A top-of-rack uplink's capacity each way, bytes per second.</param>
/// <param name="SpineBandwidth">The spine's capacity, bytes per second.</param>
public sealed record RackLayout(int HostsPerRack, long TorBandwidth, long SpineBandwidth)
{
    /// <summary>The rack of the host at <paramref name="hostIndex"/> in world order.</summary>
    public int RackOf(int hostIndex) => hostIndex / HostsPerRack;

    /// <summary>Racks needed for <paramref name="hosts"/> hosts.</summary>
    public int Racks(int hosts) => (hosts + HostsPerRack - 1) / HostsPerRack;
}
