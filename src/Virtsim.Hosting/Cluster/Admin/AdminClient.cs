using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Virtsim.Fleet.Configuration;

namespace Virtsim.Hosting.Cluster.Admin;

/// <summary>
/// A client of a running cluster (<c>virtsim cluster ...</c>, <c>virtsim run --local-nodes</c>): an actor system
/// with remoting only, on a free port, with the node file's transport and TLS certificate, that asks a node's
/// <see cref="NodeAdmin"/>. It never joins: a short-lived member would add and remove a member for every command
/// (gossip, the split-brain resolver counting it), while a remote client leaves the membership alone and is still
/// admitted only with a certificate of the cluster's CA.
/// </summary>
public sealed class AdminClient : IAsyncDisposable
{
    private readonly ClusterSettings _settings;

    private AdminClient(ClusterSettings settings, ActorSystem system)
    {
        _settings = settings;
        System = system;
    }

    /// <summary>The client's actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>Starts a client for the cluster of <paramref name="settings"/>.</summary>
    /// <exception cref="ClusterNodeException">The TLS files cannot be used.</exception>
    public static AdminClient Start(ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var tls = settings.Tls is null ? null : ClusterTls.Load(settings.Tls);
        var config = ClusterAkkaConfig.ClientConfig(settings)
            .WithFallback(ConfigurationFactory.ParseString("""
                akka {
                  loglevel = ERROR
                  stdout-loglevel = ERROR
                  loggers = ["Virtsim.Simulation.Logging.StandardErrorLogger, Virtsim.Simulation"]
                  stdout-logger-class = "Virtsim.Simulation.Logging.StandardErrorLogger, Virtsim.Simulation"
                  log-dead-letters = off
                  log-dead-letters-during-shutdown = off
                  coordinated-shutdown.run-by-clr-shutdown-hook = off
                }
                """))
            .WithFallback(FleetReference.Akka);
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config));
        if (tls is not null) setup = setup.And(tls.Setup);
        return new AdminClient(settings, ActorSystem.Create("virtsim-client", setup));
    }

    /// <summary>The node admin at <paramref name="node"/>.</summary>
    public ActorSelection Admin(SeedNode node) => System.ActorSelection($"{_settings.AddressOf(node)}/user/{NodeAdmin.Name}");

    /// <summary>
    /// Asks the first of <paramref name="contacts"/> that answers within <paramref name="timeout"/> each.
    /// </summary>
    /// <exception cref="ClusterNodeException">None answered.</exception>
    public async Task<(T Answer, SeedNode Contact)> AskAnyAsync<T>(IEnumerable<SeedNode> contacts, object message, TimeSpan timeout)
    {
        var tried = new List<string>();
        foreach (var contact in contacts)
        {
            try
            {
                return (await Admin(contact).Ask<T>(message, timeout).ConfigureAwait(false), contact);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or ActorNotFoundException)
            {
                tried.Add(contact.ToString());
            }
        }
        throw new ClusterNodeException($"no node answered at {string.Join(", ", tried)} within {timeout.TotalSeconds:0} s each " +
                                       $"(is the cluster running{(_settings.Tls is null ? " without TLS" : ", and is this certificate from its CA")}?)");
    }

    /// <summary>The cluster's status as the first answering contact sees it.</summary>
    public async Task<ClusterStatus> StatusAsync(IEnumerable<SeedNode> contacts) =>
        (await AskAnyAsync<ClusterStatus>(contacts, new StatusQuery(), NodeAdmin.QueryTimeout * 3).ConfigureAwait(false)).Answer;

    /// <summary>
    /// Runs <paramref name="run"/> on the node at <paramref name="node"/>, passing its updates to
    /// <paramref name="progress"/>; cancelling <paramref name="cancellation"/> stops the run (its report still comes).
    /// </summary>
    public async Task<RunFinished> RunAsync(SeedNode node, RunScenario run, Action<RunUpdate> progress, CancellationToken cancellation)
    {
        var finished = new TaskCompletionSource<RunFinished>(TaskCreationOptions.RunContinuationsAsynchronously);
        IActorRef admin;
        try
        {
            admin = await Admin(node).ResolveOne(NodeAdmin.QueryTimeout * 3).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ActorNotFoundException or AskTimeoutException or TaskCanceledException)
        {
            throw new ClusterNodeException($"the node at {node} did not answer", e);
        }
        string address = _settings.AddressOf(node);
        var receiver = System.ActorOf(Props.Create(() => new RunReceiver(admin, address, progress, finished)));
        try
        {
            admin.Tell(run, receiver);
            await using (cancellation.Register(() => admin.Tell(new CancelRun(), receiver)).ConfigureAwait(false))
                return await finished.Task.ConfigureAwait(false);
        }
        finally
        {
            System.Stop(receiver);
        }
    }

    /// <summary>Stops the client's actor system.</summary>
    public async ValueTask DisposeAsync() => await System.Terminate().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);

    private sealed class RunReceiver : ReceiveActor
    {
        public RunReceiver(IActorRef admin, string node, Action<RunUpdate> progress, TaskCompletionSource<RunFinished> finished)
        {
            // The node dying mid-run must end the wait, not hang it.
            Context.Watch(admin);
            Receive<Terminated>(_ => finished.TrySetResult(new RunFinished(node, null, $"the node {node} went away during the run")));
            Receive<RunUpdate>(progress);
            Receive<RunFinished>(f => finished.TrySetResult(f));
        }
    }
}
