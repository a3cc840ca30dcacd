using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Refs;
using Virtsim.Actors.Supervision;

namespace Virtsim.Actors.Actors;

// Creation, failure, supervision, restart and termination.
internal sealed partial class ActorCell
{
    /// <summary>Posts the Create system message; the instance is built on the actor's first turn.</summary>
    internal void Start() => Mailbox.PostSystem(new Create());

    private ActorBase NewInstance()
    {
        var previous = t_constructing;
        t_constructing = this;
        try
        {
            return _props.NewActor();
        }
        finally
        {
            t_constructing = previous;
        }
    }

    private void CreateInstance()
    {
        if (_actor is not null || _terminating) return;
        try
        {
            _actor = NewInstance();
            _actor.AroundPreStart();
        }
        catch (Exception ex)
        {
            HandleFailure(new ActorInitializationException(_self.Path, ex), null, "start");
        }
    }

    /// <summary>The actor failed: suspend it and ask the parent to decide.</summary>
    private void HandleFailure(Exception cause, object? message, string where)
    {
        PublishError(cause, where);
        if (_terminating || _terminated) return;
        _suspended = true;
        _failedMessage = message;
        if (_parent is null)
        {
            BeginTermination(); // the root has nobody to ask
            return;
        }
        _parent._self.SendSystem(new Failed(_self, cause));
    }

    private void OnResume()
    {
        if (!_suspended || _terminating || _actor is null) return;
        _suspended = false;
        _failedMessage = null;
        if (_escalatedFrom is ActorRefBase child)
        {
            _escalatedFrom = null;
            child.SendSystem(new Resume());
        }
    }

    private void BeginRecreate(Exception cause)
    {
        if (_terminating || _terminated) return;
        var old = _actor;
        if (old is not null)
        {
            try
            {
                old.AroundPreRestart(cause, _failedMessage);
            }
            catch (Exception ex)
            {
                PublishError(ex, "PreRestart");
            }
        }
        _timers?.CancelAll();
        if (_stash is { Count: > 0 }) Prepend(_stash.Drain());
        _actor = null;
        _failedMessage = null;
        _escalatedFrom = null;
        if (AnyChildStopping)
        {
            _pendingRecreate = cause; // finish once the stopping children are gone (their names become free)
            return;
        }
        FinishRecreate(cause);
    }

    private void FinishRecreate(Exception cause)
    {
        _pendingRecreate = null;
        try
        {
            _actor = NewInstance();
            _suspended = false;
            _actor.AroundPostRestart(cause);
        }
        catch (Exception ex)
        {
            HandleFailure(new ActorInitializationException(_self.Path, ex), null, "restart");
        }
    }

    /// <summary>Stops this actor: children first, then PostStop, then watchers and parent are told.</summary>
    private void BeginTermination()
    {
        if (_terminating || _terminated) return;
        _terminating = true;
        _pendingRecreate = null;
        _timers?.CancelAll();
        StopAllChildren();
        if (!HasChildren) FinishTermination();
    }

    private void FinishTermination()
    {
        var actor = _actor;
        if (actor is not null)
        {
            try
            {
                actor.AroundPostStop();
            }
            catch (Exception ex)
            {
                PublishError(ex, "PostStop");
            }
        }
        _actor = null;
        _terminated = true;
        _timers?.CancelAll();
        if (_stash is not null)
            foreach (var e in _stash.Drain()) DeadLetter(e);
        if (_unstashed is not null)
            while (_unstashed.TryDequeue(out var e)) DeadLetter(e);
        Mailbox.Close();

        // Tell watchers; the parent hears once, below, whether it also watched or not.
        if (_watchedBy is not null)
        {
            foreach (var watcher in _watchedBy)
                if (_parent is null || !watcher.Equals(_parent._self))
                    watcher.SendSystem(new DeathWatchNotification(_self));
            _watchedBy = null;
        }
        if (_watching is not null)
        {
            foreach (var subject in _watching)
                (subject as ActorRefBase)?.SendSystem(new Unwatch((ActorRefBase)subject, _self));
            _watching = null;
        }
        if (_parent is not null) _parent._self.SendSystem(new DeathWatchNotification(_self));
        else _system.OnRootTerminated();
    }

    private void OnChildFailed(Failed failed)
    {
        var entry = FindChild(failed.Child);
        if (entry is null || entry.Stopping) return; // stale report from a child already going away
        var strategy = _actor?.Strategy ?? SupervisorStrategy.Default;
        Directive directive;
        try
        {
            directive = strategy.Decide(failed.Cause);
        }
        catch (Exception ex)
        {
            PublishError(ex, "supervisor strategy");
            directive = Directive.Escalate;
        }
        switch (directive)
        {
            case Directive.Resume:
                entry.Ref.SendSystem(new Resume());
                break;
            case Directive.Restart:
                entry.Stats ??= new RestartStatistics();
                if (entry.Stats.RequestRestart(strategy.MaxNumberOfRetries, strategy.WithinTimeRange, _system.Clock.Elapsed))
                    entry.Ref.SendSystem(new Recreate(failed.Cause));
                else
                    StopChild(entry);
                break;
            case Directive.Stop:
                StopChild(entry);
                break;
            default:
                _escalatedFrom = entry.Ref;
                HandleFailure(failed.Cause, null, "escalated from " + entry.Ref.Path.Name);
                break;
        }
    }
}
