using Virtsim.Actors.Messages;

namespace Virtsim.Actors.Actors;

/// <summary>The envelope a timer delivers; the actor only sees <see cref="Message"/>, and only if the timer is current.</summary>
internal sealed class TimerMessage(object key, long generation, object message) : IAutoReceivedMessage
{
    public object Key { get; } = key;
    public long Generation { get; } = generation;
    public object Message { get; } = message;
}
