using System.Collections.Concurrent;
using Virtsim.Actors.Actors;
using Virtsim.Actors.Addressing;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Events;
using Virtsim.Actors.Randomness;
using Virtsim.Actors.Refs;
using Virtsim.Actors.Supervision;
using Virtsim.Actors.Time;
using Virtsim.Actors.Tracing;
using Virtsim.Actors.Wire;

namespace Virtsim.Actors.Hosting;

/// <summary>
/// One node of actors: the root of the actor tree (<c>/user</c> for application actors, <c>/temp</c> for ask
/// refs), the dispatcher that runs them, the event stream, the seeded random source and the message trace hooks.
/// </summary>
public sealed class ActorSystem : IActorRefResolver, IDisposable
{
    private readonly ActorCell _root;
    private readonly ActorCell _user;
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, ActorRefBase> _temp = new(StringComparer.Ordinal);
    private readonly Lock _traceLock = new();
    private long _uid;
    private long _tempCounter;

    private ActorSystem(string nodeName, ActorSystemOptions options)
    {
        NodeName = nodeName;
        var rootPath = ActorPath.Root(nodeName);
        Dispatcher = options.Dispatcher ?? new ThreadedDispatcher();
        Seed = options.Seed ?? (Dispatcher is SimulationDispatcher sim ? sim.Seed : System.Random.Shared.Next());
        Random = new SeededRandomSource(Seed);
        EventStream = new EventStream();
        DeadLetters = new DeadLetterActorRef(this, rootPath.Child("deadLetters"), 0);
        TempPath = rootPath.Child("temp");

        var guardianStrategy = options.GuardianStrategy ?? SupervisorStrategy.Default;
        _root = new ActorCell(this, Props.Create(() => new GuardianActor(SupervisorStrategy.StoppingStrategy)), null, rootPath, NextUid());
        _root.Start();
        _user = (LocalActorRefCell(_root.ActorOf(Props.Create(() => new GuardianActor(guardianStrategy)), "user")));
    }

    /// <summary>Creates a node.</summary>
    /// <param name="nodeName">The node's name in actor paths (letters, digits, '-', '_', '.', ':').</param>
    /// <param name="options">Settings; defaults when null.</param>
    public static ActorSystem Create(string nodeName, ActorSystemOptions? options = null) =>
        new(nodeName, options ?? new ActorSystemOptions());

    /// <summary>The node's name, the first part of every local actor path.</summary>
    public string NodeName { get; }

    /// <summary>The dispatcher running this node's actors.</summary>
    public Dispatcher Dispatcher { get; }

    /// <summary>The dispatcher's clock.</summary>
    public IClock Clock => Dispatcher.Clock;

    /// <summary>The dispatcher's scheduler.</summary>
    public IScheduler Scheduler => Dispatcher.Scheduler;

    /// <summary>The seed of <see cref="Random"/>.</summary>
    public int Seed { get; }

    /// <summary>The node's seeded random source, shared by its actors.</summary>
    public IRandomSource Random { get; }

    /// <summary>Publish/subscribe of dead letters, unhandled messages, errors and application events.</summary>
    public EventStream EventStream { get; }

    /// <summary>The ref whose messages are published as <see cref="DeadLetter"/>; the Sender when there is none.</summary>
    public IActorRef DeadLetters { get; }

    /// <summary>The ref of the user guardian, <c>/user</c>, parent of every actor made with <see cref="ActorOf"/>.</summary>
    public IActorRef UserGuardian => _user.Self;

    /// <summary>Completes once every actor of the node has stopped after <see cref="Terminate"/>.</summary>
    public Task WhenTerminated => _terminated.Task;

    internal ActorPath TempPath { get; }

    internal volatile IMessageTrace[]? Traces;

    /// <summary>Creates a top-level actor under <c>/user</c>.</summary>
    /// <exception cref="InvalidActorNameException">The name is invalid or taken.</exception>
    public IActorRef ActorOf(Props props, string? name = null) => _user.ActorOf(props, name);

    /// <summary>Stops an actor (asynchronously; watch it to know when it is gone).</summary>
    public void Stop(IActorRef actor)
    {
        if (actor is ActorRefBase r) r.SendSystem(new Terminate());
    }

    /// <summary>Registers a hook that observes every delivered message in order.</summary>
    public void AddTrace(IMessageTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        lock (_traceLock) Traces = [.. Traces ?? [], trace];
    }

    /// <summary>Removes a trace hook.</summary>
    public void RemoveTrace(IMessageTrace trace)
    {
        lock (_traceLock)
        {
            var left = (Traces ?? []).Where(t => !ReferenceEquals(t, trace)).ToArray();
            Traces = left.Length == 0 ? null : left;
        }
    }

    /// <summary>
    /// Stops every actor, children before parents. Under simulation the returned task completes once the
    /// simulation has run the stops (e.g. <see cref="SimulationDispatcher.RunUntilIdle"/>).
    /// </summary>
    public Task Terminate()
    {
        _root.SelfRef.SendSystem(new Terminate());
        return _terminated.Task;
    }

    /// <summary>Terminates the system and, under the threaded dispatcher, waits up to 10 seconds for it.</summary>
    public void Dispose()
    {
        var t = Terminate();
        if (Dispatcher is SimulationDispatcher sim) sim.RunUntil(() => t.IsCompleted, TimeSpan.FromMinutes(1));
        else t.Wait(TimeSpan.FromSeconds(10));
    }

    /// <inheritdoc />
    public IActorRef ResolveActorRef(ActorPath path, long uid)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Node == NodeName)
        {
            if (path.Depth == 2 && path.Elements[0] == "temp" && _temp.TryGetValue(path.Name, out var temp)) return temp;
            if (path.Depth == 1 && path.Name == "deadLetters") return DeadLetters;
            var cell = _root;
            foreach (var element in path.Elements)
            {
                cell = cell.ChildCell(element);
                if (cell is null) break;
            }
            if (cell is not null && !cell.IsTerminated && (uid == 0 || cell.Self.Uid == uid)) return cell.Self;
        }
        // Not here (or another node, until remoting plugs in): messages to it become dead letters.
        return new DeadLetterActorRef(this, path, uid);
    }

    /// <summary>Resolves a path to any incarnation of the actor living there.</summary>
    public IActorRef ResolveActorRef(ActorPath path) => ResolveActorRef(path, 0);

    internal long NextUid() => Interlocked.Increment(ref _uid);

    internal ActorPath NextTempPath(out string name)
    {
        name = "ask-" + Interlocked.Increment(ref _tempCounter);
        return TempPath.Child(name);
    }

    internal void RegisterTemp(string name, ActorRefBase actor) => _temp[name] = actor;

    internal void UnregisterTemp(string name) => _temp.TryRemove(name, out _);

    internal void OnRootTerminated() => _terminated.TrySetResult();

    private static ActorCell LocalActorRefCell(IActorRef r) => ((LocalActorRef)r).Cell;

    /// <inheritdoc />
    public override string ToString() => $"ActorSystem({NodeName})";
}
