namespace Virtsim.Fleet.Migration;

/// <summary>
/// The links migration streams cross in a fleet, numbered for <see cref="LinkShares"/> and <see cref="TransferSchedule"/>:
/// host i's NIC is link 2i out and 2i + 1 in (as before racks existed); with racks of <c>hostsPerRack</c> hosts, rack r's
/// top-of-rack uplink is link 2H + 2r towards the spine and 2H + 2r + 1 back, and the spine is link 2H + 2R (H hosts,
/// R racks). A stream within a rack crosses the two NICs (the top-of-rack switch is non-blocking); between racks also
/// the source rack's uplink, the spine and the destination rack's downlink. Pure: numbers in, numbers out.
/// </summary>
public sealed class FleetLinks
{
    private readonly IReadOnlyList<long> _hostBandwidths;
    private readonly int _hostsPerRack;
    private readonly double _tor;
    private readonly double _spine;

    /// <summary>The links of hosts with <paramref name="hostBandwidths"/> (bytes per second each way), in racks when <paramref name="hostsPerRack"/> is above 0.</summary>
    /// <param name="hostBandwidths">Each host's NIC bandwidth, in world order.</param>
    /// <param name="hostsPerRack">Hosts per rack; 0: no racks (every host on one switch).</param>
    /// <param name="torBandwidth">A top-of-rack uplink's capacity each way.</param>
    /// <param name="spineBandwidth">The spine's capacity.</param>
    public FleetLinks(IReadOnlyList<long> hostBandwidths, int hostsPerRack = 0, double torBandwidth = 0, double spineBandwidth = 0)
    {
        ArgumentNullException.ThrowIfNull(hostBandwidths);
        ArgumentOutOfRangeException.ThrowIfNegative(hostsPerRack);
        _hostBandwidths = hostBandwidths;
        _hostsPerRack = hostsPerRack;
        _tor = torBandwidth;
        _spine = spineBandwidth;
        Racks = hostsPerRack == 0 ? 0 : (hostBandwidths.Count + hostsPerRack - 1) / hostsPerRack;
    }

    /// <summary>Hosts.</summary>
    public int Hosts => _hostBandwidths.Count;

    /// <summary>Racks (0 without racks).</summary>
    public int Racks { get; }

    /// <summary>The spine's link number (only with racks).</summary>
    public int Spine => 2 * Hosts + 2 * Racks;

    /// <summary>The rack of host <paramref name="host"/>, or -1 without racks.</summary>
    public int RackOf(int host) => _hostsPerRack == 0 ? -1 : host / _hostsPerRack;

    /// <summary>Every link with its capacity (bytes per second).</summary>
    public IEnumerable<(int Link, double Capacity)> Capacities()
    {
        for (int i = 0; i < Hosts; i++)
        {
            yield return (2 * i, _hostBandwidths[i]);
            yield return (2 * i + 1, _hostBandwidths[i]);
        }
        if (Racks == 0) yield break;
        for (int r = 0; r < Racks; r++)
        {
            yield return (2 * Hosts + 2 * r, _tor);
            yield return (2 * Hosts + 2 * r + 1, _tor);
        }
        yield return (Spine, _spine);
    }

    /// <summary>The links a stream from host <paramref name="from"/> to host <paramref name="to"/> crosses.</summary>
    public int[] Path(int from, int to)
    {
        int a = RackOf(from), b = RackOf(to);
        if (a == b) return [2 * from, 2 * to + 1];
        return [2 * from, 2 * Hosts + 2 * a, Spine, 2 * Hosts + 2 * b + 1, 2 * to + 1];
    }

    /// <summary>A link's name for reports: "h00001 out", "rack 3 up", "spine".</summary>
    /// <param name="link">The link.</param>
    /// <param name="hostName">Host i's name.</param>
    public string Name(int link, Func<int, string> hostName)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        if (link < 2 * Hosts) return $"{hostName(link / 2)} {(link % 2 == 0 ? "out" : "in")}";
        if (link == Spine) return "spine";
        int rack = (link - 2 * Hosts) / 2;
        return $"rack {rack + 1} {((link - 2 * Hosts) % 2 == 0 ? "up" : "down")}";
    }
}
