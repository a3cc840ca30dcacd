namespace Virtsim.VhostUser.Backend;

/// <summary>What a serve run did; <see cref="Json"/> is the one JSON line the command prints.</summary>
/// <param name="Device">The device type.</param>
/// <param name="Connections">Front-end connections served.</param>
/// <param name="Requests">vhost-user requests handled.</param>
/// <param name="Features">Virtio features negotiated by the last front-end (transport bits removed).</param>
/// <param name="FeatureNames">Their names.</param>
/// <param name="ProtocolFeatures">Protocol features of the last front-end.</param>
/// <param name="Errors">
/// Why connections ended badly (protocol and socket errors): the last <see cref="SessionErrorLog.KeptReasons"/>,
/// oldest first.
/// </param>
/// <param name="ProtocolErrors">Connections closed because the front-end broke the protocol (all of them).</param>
/// <param name="IoErrors">Connections closed because the socket failed (all of them).</param>
/// <param name="Json">The summary as one JSON line.</param>
public sealed record VhostUserServeSummary(
    VhostUserDeviceKind Device, int Connections, long Requests, ulong Features, string FeatureNames,
    ulong ProtocolFeatures, IReadOnlyList<string> Errors, long ProtocolErrors, long IoErrors, string Json);
