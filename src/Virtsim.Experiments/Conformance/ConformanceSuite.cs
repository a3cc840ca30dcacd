using Virtsim.Experiments.Peers;
using Virtsim.VhostUser.Backend;

namespace Virtsim.Experiments.Conformance;

/// <summary>
/// Runs the catalogue against the chosen peers: every case that applies to a peer (its side, a device kind it has) in a
/// fresh instance of the peer, one after the other.
/// </summary>
public static class ConformanceSuite
{
    /// <summary>The cases <paramref name="options"/> select (all when it names none).</summary>
    /// <exception cref="ArgumentException">A case id names no case.</exception>
    public static IReadOnlyList<ConformanceCase> Select(ConformanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.CaseIds is not { Count: > 0 } ids) return ConformanceCatalogue.All;
        foreach (var id in ids)
            if (!ConformanceCatalogue.All.Any(c => c.Id == id))
                throw new ArgumentException($"no case is called '{id}' (see the case list in docs/conformance.md)");
        return ConformanceCatalogue.All.Where(c => ids.Contains(c.Id)).ToList();
    }

    /// <summary>Runs the selected cases against each peer; <paramref name="progress"/> gets one line per result.</summary>
    public static ConformanceReport Run(ConformanceOptions options, Action<CaseResult>? progress = null)
    {
        var cases = Select(options);
        var results = new List<CaseResult>();
        foreach (var peer in options.Peers)
        {
            foreach (var c in cases)
            {
                if (!c.AppliesTo(peer)) continue;
                var result = c.Side == ViolationSide.Driver
                    ? DriverCaseRunner.Run(c, peer, kind => StartDevice(peer, kind), options)
                    : DeviceCaseRunner.Run(c, peer, options);
                results.Add(result);
                progress?.Invoke(result);
            }
        }
        return new ConformanceReport(cases, options.Peers, results);
    }

    private static IDevicePeer StartDevice(ConformancePeer peer, VhostUserDeviceKind kind) => peer switch
    {
        ConformancePeer.VirtsimDevice => DevicePeers.Virtsim(kind),
        ConformancePeer.DpdkVhost => DevicePeers.DpdkVhost(),
        ConformancePeer.QsdBlk => DevicePeers.QemuStorageDaemon(),
        _ => throw new ArgumentOutOfRangeException(nameof(peer), peer, "not a device"),
    };
}
