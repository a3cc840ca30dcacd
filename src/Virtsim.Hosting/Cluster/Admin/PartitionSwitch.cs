using Akka.Actor;
using Akka.Remote;
using Akka.Remote.Transport;

namespace Virtsim.Hosting.Cluster.Admin;

/// <summary>
/// Cuts a node off from named members, or heals the cut, through Akka.Remote's throttler adapter (the transport's
/// management command, as Akka's multi-node test conductor does): blackhole drops every message both ways while the
/// connections stay open, so the failure detector sees silence as it would behind a cut cable. Only on a node
/// with <c>virtsim.cluster.test.partition-control</c> on (the adapter is absent otherwise).
/// </summary>
public static class PartitionSwitch
{
    /// <summary>Applies <paramref name="command"/> on <paramref name="system"/>'s transport.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <param name="command">The members to cut off or heal.</param>
    /// <param name="enabled">Whether the node has partition control on.</param>
    public static async Task<PartitionResult> ApplyAsync(ActorSystem system, PartitionCommand command, bool enabled)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(command);
        var provider = (IRemoteActorRefProvider)((ExtendedActorSystem)system).Provider;
        string self = provider.DefaultAddress.ToString();
        if (!enabled) return new PartitionResult(self, "partition control is off on this node (virtsim.cluster.test.partition-control)");
        var peers = new List<Address>();
        foreach (string peer in command.Peers)
        {
            try
            {
                peers.Add(Address.Parse(peer));
            }
            catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
            {
                return new PartitionResult(self, $"'{peer}' is not an Akka address");
            }
        }
        ThrottleMode mode = command.Heal ? Unthrottled.Instance : Blackhole.Instance;
        foreach (var peer in peers)
        {
            if (!await provider.Transport.ManagementCommand(new SetThrottle(peer, ThrottleTransportAdapter.Direction.Both, mode)).ConfigureAwait(false))
                return new PartitionResult(self, $"the transport did not apply the throttle to {peer}");
        }
        return new PartitionResult(self, null);
    }
}
