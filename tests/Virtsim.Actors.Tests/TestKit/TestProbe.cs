using System.Collections.Concurrent;
using Virtsim.Actors.Actors;
using Virtsim.Actors.Messages;
using Virtsim.Actors.Refs;

namespace Virtsim.Actors.Tests.TestKit;

/// <summary>
/// An actor that records what it receives so a test can read like a conversation:
/// <c>probe.Send(echo, "hi"); probe.ExpectMsg("hi");</c>
/// </summary>
public sealed class TestProbe
{
    private readonly ActorTestKit _kit;
    private readonly ConcurrentQueue<(object Message, IActorRef Sender)> _received = new();
    private readonly SemaphoreSlim _signal = new(0);

    internal TestProbe(ActorTestKit kit, string? name)
    {
        _kit = kit;
        Ref = kit.System.ActorOf(Props.Create(() => new ProbeActor(this)), name);
    }

    public IActorRef Ref { get; }

    /// <summary>The sender of the last message taken by an Expect call.</summary>
    public IActorRef LastSender { get; private set; } = null!;

    public void Send(IActorRef target, object message) => target.Tell(message, Ref);

    public void Reply(object message) => LastSender.Tell(message, Ref);

    /// <summary>Watches <paramref name="target"/> from the probe; expect <see cref="Terminated"/> later.</summary>
    public void Watch(IActorRef target)
    {
        Ref.Tell(new WatchCommand(target, true), null);
        _kit.Settle();
    }

    public void Unwatch(IActorRef target)
    {
        Ref.Tell(new WatchCommand(target, false), null);
        _kit.Settle();
    }

    public T ExpectMsg<T>(TimeSpan? timeout = null, Predicate<T>? where = null)
    {
        var limit = timeout ?? _kit.DefaultTimeout;
        if (!TryReceive(limit, out var message, out var sender))
            throw new Xunit.Sdk.XunitException($"Timeout ({limit}, {_kit.Kind}) waiting for a {typeof(T).Name}.");
        if (message is not T typed)
            throw new Xunit.Sdk.XunitException($"Expected a {typeof(T).Name} but received {message.GetType().Name}: {message}.");
        if (where is not null && !where(typed))
            throw new Xunit.Sdk.XunitException($"Received {typed} which does not match the condition.");
        LastSender = sender;
        return typed;
    }

    public T ExpectMsg<T>(T expected, TimeSpan? timeout = null)
    {
        var got = ExpectMsg<T>(timeout);
        Assert.Equal(expected, got);
        return got;
    }

    public Terminated ExpectTerminated(IActorRef actor, TimeSpan? timeout = null) =>
        ExpectMsg<Terminated>(timeout, t => t.Actor.Equals(actor));

    /// <summary>Skips other messages until one of type T matching <paramref name="where"/> arrives.</summary>
    public T FishForMessage<T>(Predicate<T>? where = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? _kit.DefaultTimeout;
        while (true)
        {
            if (!TryReceive(limit, out var message, out var sender))
                throw new Xunit.Sdk.XunitException($"Timeout ({limit}, {_kit.Kind}) fishing for a {typeof(T).Name}.");
            if (message is T typed && (where is null || where(typed)))
            {
                LastSender = sender;
                return typed;
            }
        }
    }

    /// <summary>Asserts nothing arrives for <paramref name="duration"/> (real time threaded, virtual simulated).</summary>
    public void ExpectNoMsg(TimeSpan? duration = null)
    {
        var d = duration ?? _kit.DefaultQuietPeriod;
        if (_kit.Simulation is not null) _kit.Simulation.RunFor(d);
        else Thread.Sleep(d);
        if (_received.TryPeek(out var m))
            throw new Xunit.Sdk.XunitException($"Expected no message but received {m.Message.GetType().Name}: {m.Message}.");
    }

    /// <summary>Receives <paramref name="count"/> messages of type T.</summary>
    public List<T> ReceiveN<T>(int count, TimeSpan? timeout = null)
    {
        var list = new List<T>(count);
        for (var i = 0; i < count; i++) list.Add(ExpectMsg<T>(timeout));
        return list;
    }

    private bool TryReceive(TimeSpan timeout, out object message, out IActorRef sender)
    {
        if (_kit.Simulation is not null)
            _kit.Simulation.RunUntil(() => !_received.IsEmpty, timeout);
        else if (!_signal.Wait(timeout))
        {
            message = null!;
            sender = null!;
            return false;
        }
        if (_received.TryDequeue(out var item))
        {
            message = item.Message;
            sender = item.Sender;
            return true;
        }
        message = null!;
        sender = null!;
        return false;
    }

    private sealed record WatchCommand(IActorRef Target, bool Watch);

    private sealed class ProbeActor(TestProbe probe) : ActorBase
    {
        protected override bool OnReceive(object message)
        {
            if (message is WatchCommand cmd)
            {
                if (cmd.Watch) Context.Watch(cmd.Target);
                else Context.Unwatch(cmd.Target);
                return true;
            }
            probe._received.Enqueue((message, Sender));
            probe._signal.Release();
            return true;
        }
    }
}
