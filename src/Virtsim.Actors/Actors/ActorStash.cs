using Virtsim.Actors.Dispatch;

namespace Virtsim.Actors.Actors;

/// <summary>The unbounded stash of one actor (see <see cref="IStash"/>).</summary>
internal sealed class ActorStash(ActorCell cell) : IStash
{
    private readonly List<Envelope> _items = new();

    public int Count => _items.Count;

    public void Stash()
    {
        if (!cell.TryGetCurrent(out var current))
            throw new InvalidOperationException("Stash() works only while processing a message.");
        if (_items.Count > 0 && ReferenceEquals(_items[^1].Message, current.Message) && _items[^1].Sender == current.Sender)
            throw new InvalidOperationException("The current message was stashed already.");
        _items.Add(current);
    }

    public void UnstashAll()
    {
        if (_items.Count == 0) return;
        cell.Prepend(_items);
        _items.Clear();
    }

    /// <summary>Empties the stash, returning its messages oldest first.</summary>
    internal List<Envelope> Drain()
    {
        var copy = new List<Envelope>(_items);
        _items.Clear();
        return copy;
    }
}
