using Akka.Actor;

namespace Virtsim.Bench.Actors;

/// <summary>Starts a ping-pong round: how many balls to keep in flight, how many to receive, whom to signal.</summary>
public sealed record PingStart(IActorRef Partner, int InFlight, int Messages, CountdownEvent? Done);

/// <summary>The ball; one instance is reused for every message (messages are objects already).</summary>
public sealed class Ball
{
    /// <summary>The shared instance.</summary>
    public static readonly Ball Instance = new();
}

/// <summary>Keeps <c>InFlight</c> balls in play with its partner until it has received <c>Messages</c> of them.</summary>
public sealed class Pinger : ActorBase
{
    private int _remaining;
    private int _inFlight;
    private IActorRef? _partner;
    private CountdownEvent? _done;

    /// <inheritdoc />
    protected override bool Receive(object message)
    {
        if (ReferenceEquals(message, Ball.Instance))
        {
            var left = --_remaining;
            if (left == 0) _done?.Signal();
            else if (left >= _inFlight) _partner!.Tell(message, Self);
            return true;
        }
        if (message is PingStart start)
        {
            _partner = start.Partner;
            _inFlight = start.InFlight;
            _remaining = start.Messages;
            _done = start.Done;
            for (var i = 0; i < start.InFlight; i++) _partner.Tell(Ball.Instance, Self);
            return true;
        }
        return false;
    }
}

/// <summary>Sends every message back to its sender.</summary>
public sealed class Ponger : ActorBase
{
    /// <inheritdoc />
    protected override bool Receive(object message)
    {
        Sender.Tell(message, Self);
        return true;
    }
}

/// <summary>Counts messages and signals after the expected number.</summary>
public sealed class CountingSink : ActorBase
{
    private int _remaining;
    private CountdownEvent? _done;

    /// <summary>Arms the sink.</summary>
    public sealed record Expect(int Messages, CountdownEvent Done);

    /// <inheritdoc />
    protected override bool Receive(object message)
    {
        if (message is Expect e)
        {
            _remaining = e.Messages;
            _done = e.Done;
            return true;
        }
        if (--_remaining == 0) _done!.Signal();
        return true;
    }
}
