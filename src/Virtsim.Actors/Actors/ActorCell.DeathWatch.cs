using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Messages;
using Virtsim.Actors.Refs;

namespace Virtsim.Actors.Actors;

// Death watch: who this actor watches and who watches it.
internal sealed partial class ActorCell
{
    private HashSet<IActorRef>? _watching;
    private HashSet<ActorRefBase>? _watchedBy;

    public IActorRef Watch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.Equals(_self)) return subject;
        if (subject is not ActorRefBase target)
            throw new ArgumentException($"{subject.GetType().Name} cannot be watched.", nameof(subject));
        _watching ??= new HashSet<IActorRef>();
        if (_watching.Add(subject)) target.SendSystem(new Watch(target, _self));
        return subject;
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (_watching is not null && _watching.Remove(subject) && subject is ActorRefBase target)
            target.SendSystem(new Unwatch(target, _self));
        return subject;
    }

    private void OnWatch(Watch watch)
    {
        if (!watch.Watchee.Equals(_self) || watch.Watcher.Equals(_self)) return;
        (_watchedBy ??= new HashSet<ActorRefBase>()).Add(watch.Watcher);
    }

    private void OnDeathWatchNotification(IActorRef actor)
    {
        var wasChild = RemoveChild(actor);
        // Terminated goes through the ordinary mailbox, so it arrives after everything the dead actor sent us.
        if (_watching is not null && _watching.Contains(actor))
            Mailbox.Post(new Envelope(new Terminated(actor), actor));
        if (!wasChild) return;
        if (_terminating)
        {
            if (!HasChildren) FinishTermination();
        }
        else if (_pendingRecreate is { } cause && !AnyChildStopping)
        {
            FinishRecreate(cause);
        }
    }
}
