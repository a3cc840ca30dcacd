using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Virtsim.Fleet.Configuration;
using Virtsim.Hosting.Persistence;

namespace Virtsim.Hosting.Node;

/// <summary>
/// A node's actor system in real time, hosted the way .NET services are: Microsoft.Extensions.Hosting with
/// Akka.Hosting, on Akka.NET's own dispatchers, with the node's journal and snapshot store (Akka.Persistence.Sql or
/// Akka's in-memory plug-ins). Stopping the host runs Akka.NET's coordinated shutdown. The store is checked and
/// prepared before the actor system starts, so a store that cannot be used is one clear error, not a hang.
/// </summary>
public sealed class RealTimeNode : IAsyncDisposable
{
    private readonly IHost _host;

    private RealTimeNode(IHost host, ActorSystem system)
    {
        _host = host;
        System = system;
    }

    /// <summary>How long a node waits for its journal and snapshot store to answer a first recovery.</summary>
    public static TimeSpan StoreCheckTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>The running actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>
    /// The Akka.NET configuration of a node: the world's message serializers, the node's persistence, its throughput
    /// and seed, warnings and errors on standard error.
    /// </summary>
    public static Config AkkaConfig(NodeSettings node, int seed)
    {
        ArgumentNullException.ThrowIfNull(node);
        var own = ConfigurationFactory.ParseString(string.Create(CultureInfo.InvariantCulture, $$"""
            virtsim.actors.seed = {{node.Seed ?? seed}}
            akka {
              loglevel = WARNING
              stdout-loglevel = WARNING
              loggers = ["Virtsim.Simulation.Logging.StandardErrorLogger, Virtsim.Simulation"]
              stdout-logger-class = "Virtsim.Simulation.Logging.StandardErrorLogger, Virtsim.Simulation"
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              actor.default-dispatcher.throughput = {{node.Dispatcher.Throughput}}
              coordinated-shutdown.run-by-clr-shutdown-hook = off
            }
            """));
        return own.WithFallback(AkkaPersistenceConfig.ToConfig(node.Persistence)).WithFallback(FleetReference.Akka);
    }

    /// <summary>
    /// Prepares the store, starts the node's actor system under a host, and waits until its journal and snapshot
    /// store answer (<see cref="StoreCheck"/>).
    /// </summary>
    /// <exception cref="PersistenceStoreException">The store cannot be used (one line naming it and the store's error).</exception>
    public static Task<RealTimeNode> StartAsync(NodeSettings settings, int seed, CancellationToken cancellationToken = default) =>
        StartAsync(settings, seed, settings?.Name!, null, null, cancellationToken);

    /// <summary>
    /// As <see cref="StartAsync(NodeSettings, int, CancellationToken)"/>, with the actor system named
    /// <paramref name="systemName"/>, <paramref name="extra"/> configuration above the node's, and
    /// <paramref name="configure"/> adding to the Akka.Hosting builder (a cluster member's remoting, sharding, actors).
    /// </summary>
    internal static async Task<RealTimeNode> StartAsync(NodeSettings settings, int seed, string systemName, Config? extra,
        Action<AkkaConfigurationBuilder>? configure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await PersistenceStore.PrepareAsync(settings.Persistence, cancellationToken).ConfigureAwait(false);
        var config = AkkaConfig(settings, seed);
        if (extra is not null) config = extra.WithFallback(config);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddAkka(systemName, akka =>
        {
            akka.AddHocon(config, HoconAddMode.Prepend);
            foreach (var setup in AkkaPersistenceConfig.ToSetups(settings.Persistence)) akka.AddSetup(setup);
            configure?.Invoke(akka);
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        var node = new RealTimeNode(host, host.Services.GetRequiredService<ActorSystem>());
        try
        {
            await StoreCheck.VerifyAsync(node.System, settings.Persistence.Plugin, StoreCheckTimeout).ConfigureAwait(false);
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return node;
    }

    /// <summary>Stops the host: coordinated shutdown of the actor system.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(timeout.Token).ConfigureAwait(false);
        _host.Dispose();
    }
}
