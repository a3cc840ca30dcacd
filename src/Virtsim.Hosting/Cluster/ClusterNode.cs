using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Virtsim.Hosting.Cluster.Admin;
using Virtsim.Hosting.Cluster.Probe;
using Virtsim.Hosting.Node;
using Virtsim.Hosting.Persistence;

namespace Virtsim.Hosting.Cluster;

/// <summary>
/// One cluster member in real time (<c>virtsim node</c>): a <see cref="RealTimeNode"/> (Microsoft.Extensions.Hosting,
/// Akka.Hosting, the checked store) with Akka.Remote, Akka.Cluster (Akka.Cluster.Hosting), the split-brain resolver,
/// the diagnostic probe's shard region and the node's control actor (<see cref="NodeAdmin"/>). Started, it is Up in
/// the cluster; disposing it stops the host, whose coordinated shutdown leaves the cluster gracefully (shards hand
/// off) before the actor system ends.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly RealTimeNode _node;

    private ClusterNode(RealTimeNode node, Akka.Cluster.Cluster cluster)
    {
        _node = node;
        Cluster = cluster;
    }

    /// <summary>The running actor system.</summary>
    public ActorSystem System => _node.System;

    /// <summary>The member.</summary>
    public Akka.Cluster.Cluster Cluster { get; }

    /// <summary>This member's address.</summary>
    public Address Address => Cluster.SelfAddress;

    /// <summary>Completes when the actor system has terminated (left, downed, or stopped).</summary>
    public Task Terminated => System.WhenTerminated;

    /// <summary>
    /// Checks the port and the certificates, prepares the store, starts the member and waits until it is Up (at most
    /// <see cref="ClusterSettings.JoinTimeout"/>).
    /// </summary>
    /// <exception cref="ClusterNodeException">The port is taken, a certificate cannot be used, or no seed admitted the node in time.</exception>
    /// <exception cref="PersistenceStoreException">The store cannot be used.</exception>
    public static async Task<ClusterNode> StartAsync(NodeSettings settings, int seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var cluster = settings.Cluster;
        var tls = cluster.Tls is null ? null : ClusterTls.Load(cluster.Tls);
        CheckPortFree(cluster);
        RealTimeNode node;
        try
        {
            node = await RealTimeNode.StartAsync(settings, seed, cluster.Name, ClusterAkkaConfig.ToConfig(cluster), akka =>
            {
                if (tls is not null) akka.AddSetup(tls.Setup);
                akka.WithClustering();
                akka.WithShardRegion<ProbeEntity>(ProbeEntity.TypeName, ProbeEntity.Props, new ProbeMessageExtractor(cluster.Sharding.Shards), new ShardOptions
                {
                    Role = cluster.Sharding.ProbeRole,
                    RememberEntities = cluster.Sharding.RememberEntities,
                    RememberEntitiesStore = Akka.Cluster.Sharding.RememberEntitiesStore.Eventsourced,
                    StateStoreMode = Akka.Cluster.Sharding.StateStoreMode.DData,
                });
                akka.WithActors((system, _) =>
                {
                    system.ActorOf(NodeAdmin.Props(settings), NodeAdmin.Name);
                    system.ActorOf(Placement.PlacementHost.Props(), Placement.PlacementHost.Name);
                });
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not PersistenceStoreException and not OperationCanceledException)
        {
            throw new ClusterNodeException($"the node could not start on {cluster.Hostname}:{cluster.Port}: {e.GetBaseException().Message}", e);
        }
        var member = Akka.Cluster.Cluster.Get(node.System);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        member.RegisterOnMemberUp(() => up.TrySetResult());
        try
        {
            await up.Task.WaitAsync(cluster.JoinTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            await node.DisposeAsync().ConfigureAwait(false);
            if (e is OperationCanceledException) throw;
            string seeds = string.Join(", ", cluster.EffectiveSeeds);
            throw new ClusterNodeException(
                $"the node was not admitted to the cluster within {cluster.JoinTimeout.TotalSeconds:0} s through the seed nodes {seeds} " +
                $"(is the first seed running and reachable, with cluster name '{cluster.Name}'" +
                (cluster.Tls is null ? ", and without TLS?)" : " and TLS certificates from the same CA?)"), e);
        }
        return new ClusterNode(node, member);
    }

    /// <summary>Leaves the cluster and stops the host (coordinated shutdown).</summary>
    public ValueTask DisposeAsync() => _node.DisposeAsync();

    // DotNetty's own bind error reaches the host as a generic start failure; say it plainly first.
    private static void CheckPortFree(ClusterSettings cluster)
    {
        if (cluster.Port == 0) return;
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(cluster.Hostname, out var ip) ? [ip] : Dns.GetHostAddresses(cluster.Hostname);
        }
        catch (SocketException e)
        {
            throw new ClusterNodeException($"hostname {cluster.Hostname} does not resolve: {e.Message}", e);
        }
        if (addresses.Length == 0) throw new ClusterNodeException($"hostname {cluster.Hostname} does not resolve to an address");
        var listener = new TcpListener(addresses[0], cluster.Port) { ExclusiveAddressUse = true };
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            throw new ClusterNodeException($"cannot listen on {cluster.Hostname}:{cluster.Port}: {e.Message} (another node or program uses the port?)", e);
        }
        finally
        {
            listener.Stop();
        }
    }
}
