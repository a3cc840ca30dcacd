using Akka.Actor;
using Virtsim.Hosting.Persistence;

namespace Virtsim.Hosting.Tests.Persistence;

/// <summary>
/// One actor system over <see cref="PersistenceSettings"/> (the store prepared first, as a node does), with a
/// TestKit to talk to its actors. Disposing terminates the system, as a node stopping would.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    /// <summary>Generous: the machine is shared and a first start creates tables.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private TestNode(Akka.TestKit.Xunit2.TestKit kit) => Kit = kit;

    /// <summary>The TestKit over the node's system (its TestActor is the default sender).</summary>
    public Akka.TestKit.Xunit2.TestKit Kit { get; }

    /// <summary>The actor system.</summary>
    public ActorSystem System => Kit.Sys;

    /// <summary>Prepares the store and starts a system named <paramref name="name"/>.</summary>
    public static async Task<TestNode> StartAsync(PersistenceSettings settings, string name = "node")
    {
        await PersistenceStore.PrepareAsync(settings);
        var setup = AkkaPersistenceConfig.ToActorSystemSetup(settings, Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        return new TestNode(new Akka.TestKit.Xunit2.TestKit(ActorSystem.Create(name, setup)));
    }

    /// <summary>Starts an <see cref="EventLogActor"/> reporting failures to the TestActor.</summary>
    public IActorRef EventLog(string persistenceId) => System.ActorOf(EventLogActor.Props(persistenceId, Kit.TestActor));

    /// <summary>Asks <paramref name="actor"/> and waits (at most <paramref name="timeout"/>, else <see cref="Timeout"/>) for the answer of type <typeparamref name="T"/>.</summary>
    public T Ask<T>(IActorRef actor, object message, TimeSpan? timeout = null)
    {
        actor.Tell(message, Kit.TestActor);
        return Kit.ExpectMsg<T>(timeout ?? Timeout);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await System.Terminate().WaitAsync(Timeout);
        Kit.Dispose();
    }
}
