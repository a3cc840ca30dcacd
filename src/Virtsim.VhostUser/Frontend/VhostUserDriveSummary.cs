namespace Virtsim.VhostUser.Frontend;

/// <summary>What a drive run did; <see cref="Json"/> is the one JSON line the command prints.</summary>
/// <param name="Ok">Every check held and no error occurred.</param>
/// <param name="Error">The error that ended the run (protocol, socket, ring or timeout), or null.</param>
/// <param name="Net">Net counters (null for blk).</param>
/// <param name="Blk">Blk counters (null for net).</param>
/// <param name="Features">Negotiated virtio features (vhost-user bits removed).</param>
/// <param name="FeatureNames">Their names.</param>
/// <param name="ProtocolFeatures">Negotiated protocol features.</param>
/// <param name="Requests">vhost-user requests sent.</param>
/// <param name="Json">The summary as one JSON line.</param>
public sealed record VhostUserDriveSummary(
    bool Ok, string? Error, NetDriveResult? Net, BlkDriveResult? Blk, ulong Features, string FeatureNames,
    ulong ProtocolFeatures, long Requests, string Json)
{
    /// <summary>True when the run was cancelled (SIGINT or SIGTERM for the command) before it completed; <see cref="Error"/> is then null.</summary>
    public bool Stopped { get; init; }
}
