using Virtsim.Actors.Addressing;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Refs;
using Virtsim.Actors.Supervision;

namespace Virtsim.Actors.Actors;

// The children table.
internal sealed partial class ActorCell
{
    private object _childLock => this; // the cell is internal: nobody else locks it, and no extra object per actor
    private Dictionary<string, ChildEntry>? _children;
    private long _autoName;

    private sealed class ChildEntry(LocalActorRef actorRef)
    {
        public LocalActorRef Ref { get; } = actorRef;
        public bool Stopping;
        public RestartStatistics? Stats;
    }

    public IReadOnlyList<IActorRef> Children
    {
        get
        {
            lock (_childLock)
            {
                if (_children is null || _children.Count == 0) return [];
                var list = new List<IActorRef>(_children.Count);
                foreach (var e in _children.Values)
                    if (!e.Stopping) list.Add(e.Ref);
                return list;
            }
        }
    }

    public IActorRef? Child(string name)
    {
        lock (_childLock)
            return _children is not null && _children.TryGetValue(name, out var e) && !e.Stopping ? e.Ref : null;
    }

    /// <summary>The child cell with that name, stopping or not (for path resolution).</summary>
    internal ActorCell? ChildCell(string name)
    {
        lock (_childLock)
            return _children is not null && _children.TryGetValue(name, out var e) ? e.Ref.Cell : null;
    }

    public IActorRef ActorOf(Props props, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(props);
        ActorCell cell;
        lock (_childLock)
        {
            if (_terminating || _terminated)
                throw new InvalidOperationException($"{_self.Path} is stopping and cannot create children.");
            if (name is null)
            {
                name = "$" + ToBase36(++_autoName);
            }
            else if (!ActorPath.IsValidElement(name) || name.StartsWith('$'))
            {
                throw new InvalidActorNameException($"'{name}' is not a valid actor name (non-empty, no '/', '#', '?', whitespace; '$' is reserved).");
            }
            _children ??= new Dictionary<string, ChildEntry>(StringComparer.Ordinal);
            if (_children.ContainsKey(name))
                throw new InvalidActorNameException($"Actor name '{name}' is not unique under {_self.Path}.");
            cell = new ActorCell(_system, props, this, _self.Path.Child(name), _system.NextUid());
            _children.Add(name, new ChildEntry(cell._self));
        }
        cell.Start();
        return cell._self;
    }

    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Equals(_self))
        {
            _self.SendSystem(new Terminate()); // after the current message
            return;
        }
        var entry = FindChild(actor);
        if (entry is not null) StopChild(entry);
        else (actor as ActorRefBase)?.SendSystem(new Terminate());
    }

    private ChildEntry? FindChild(IActorRef actor)
    {
        lock (_childLock)
            return _children is not null && _children.TryGetValue(actor.Path.Name, out var e) && e.Ref.Equals(actor) ? e : null;
    }

    private void StopChild(ChildEntry entry)
    {
        lock (_childLock)
        {
            if (entry.Stopping) return;
            entry.Stopping = true;
        }
        entry.Ref.SendSystem(new Terminate());
    }

    private void StopAllChildren()
    {
        List<ChildEntry> toStop;
        lock (_childLock)
        {
            if (_children is null || _children.Count == 0) return;
            toStop = _children.Values.Where(e => !e.Stopping).ToList();
            foreach (var e in toStop) e.Stopping = true;
        }
        foreach (var e in toStop) e.Ref.SendSystem(new Terminate());
    }

    private bool RemoveChild(IActorRef actor)
    {
        lock (_childLock)
        {
            if (_children is null || !_children.TryGetValue(actor.Path.Name, out var e) || !e.Ref.Equals(actor)) return false;
            _children.Remove(actor.Path.Name);
            return true;
        }
    }

    private bool HasChildren
    {
        get
        {
            lock (_childLock) return _children is { Count: > 0 };
        }
    }

    private bool AnyChildStopping
    {
        get
        {
            lock (_childLock)
            {
                if (_children is null) return false;
                foreach (var e in _children.Values)
                    if (e.Stopping) return true;
                return false;
            }
        }
    }

    private static string ToBase36(long n)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        Span<char> buf = stackalloc char[16];
        var i = buf.Length;
        do
        {
            buf[--i] = digits[(int)(n % 36)];
            n /= 36;
        } while (n > 0);
        return new string(buf[i..]);
    }
}
