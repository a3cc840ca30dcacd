using Virtsim.Actors.Addressing;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Hosting;
using Virtsim.Actors.Messages;
using Virtsim.Actors.Refs;
using Virtsim.Actors.Time;

namespace Virtsim.Actors.Patterns;

/// <summary>
/// The temporary ref behind an ask: it lives under <c>/temp</c> until the first reply or the timeout, completes a
/// task with the reply (or the <see cref="StatusFailure"/>'s exception), and is then forgotten.
/// </summary>
internal sealed class FutureActorRef<T> : ActorRefBase
{
    private readonly ActorSystem _system;
    private readonly ActorPath _path;
    private readonly string _name;
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ICancelable? _timeout;

    internal FutureActorRef(ActorSystem system)
    {
        _system = system;
        _path = system.NextTempPath(out _name);
        system.RegisterTemp(_name, this);
    }

    internal Task<T> Task => _completion.Task;

    public override ActorPath Path => _path;

    public override long Uid => 0;

    internal void StartTimeout(TimeSpan timeout, IActorRef target, object question)
    {
        _timeout = _system.Scheduler.ScheduleOnce(timeout, () => Complete(null, new AskTimeoutException(
            $"Ask of {target.Path} with {question.GetType().Name} timed out after {timeout}.")));
    }

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_completion.Task.IsCompleted)
        {
            _system.EventStream.Publish(new Events.DeadLetter(message, sender, this));
            return;
        }
        switch (message)
        {
            case T reply:
                Complete(reply, null);
                break;
            case StatusFailure failure:
                Complete(null, failure.Cause);
                break;
            default:
                Complete(null, new InvalidCastException(
                    $"Ask expected a {typeof(T).Name} reply but received {message.GetType().Name}."));
                break;
        }
    }

    private void Complete(object? reply, Exception? error)
    {
        var done = error is null ? _completion.TrySetResult((T)reply!) : _completion.TrySetException(error);
        if (!done) return;
        _timeout?.Cancel();
        _system.UnregisterTemp(_name);
    }

    internal override void SendSystem(SystemMessage message)
    {
        // Watching an ask ref is not supported: it answers like a dead actor.
        if (message is Watch w && w.Watchee.Equals(this))
            w.Watcher.SendSystem(new DeathWatchNotification(this));
    }
}
