using Virtsim.Fleet.Messages.Backend;
using Virtsim.Virtio.Queues;

namespace Virtsim.Fleet.Backends;

/// <summary>
/// The device side's table of one queue's requests at the backend, keyed by tag and kept in pop order: the popped
/// chain (valid until completed), the request (sent again after a backend restart) and, once it came, the reply.
/// Replies are taken in pop order, so completions keep the order IN_ORDER requires; a reply for a tag not in the
/// table, or for one already answered, is a duplicate (from a request sent twice) and is refused, so no chain is
/// completed twice. Entries are pooled: steady state allocates nothing here.
/// </summary>
public sealed class BackendInFlight
{
    private readonly Dictionary<ulong, Entry> _byTag = [];
    private readonly Queue<Entry> _order = new();
    private readonly Stack<Entry> _spare = new();

    /// <summary>Requests at the backend (answered or not) not yet taken.</summary>
    public int Count => _order.Count;

    /// <summary>Requests whose reply came and that are not taken yet.</summary>
    public int ReadyCount
    {
        get
        {
            int ready = 0;
            foreach (var e in _order) if (e.Reply is not null) ready++;
            return ready;
        }
    }

    /// <summary>True when the oldest request has its reply (<see cref="TryTakeReady"/> would succeed).</summary>
    public bool HasReady => _order.Count > 0 && _order.Peek().Reply is not null;

    /// <summary>Records a request just sent for <paramref name="chain"/>.</summary>
    public void Add(DescriptorChain chain, BackendRequest request)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(request);
        var e = _spare.Count > 0 ? _spare.Pop() : new Entry();
        e.Chain = chain;
        e.Request = request;
        e.Reply = null;
        _byTag.Add(request.Tag, e);
        _order.Enqueue(e);
    }

    /// <summary>Stores <paramref name="reply"/>; false when it is a duplicate or for no request in the table.</summary>
    public bool SetReply(BackendReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (!_byTag.TryGetValue(reply.Tag, out var e) || e.Reply is not null) return false;
        e.Reply = reply;
        return true;
    }

    /// <summary>Takes the oldest request when it has its reply.</summary>
    public bool TryTakeReady(out DescriptorChain chain, out BackendReply reply)
    {
        if (!HasReady) { chain = null!; reply = null!; return false; }
        var e = _order.Dequeue();
        _byTag.Remove(e.Request!.Tag);
        (chain, reply) = (e.Chain!, e.Reply!);
        Recycle(e);
        return true;
    }

    /// <summary>The requests still waiting for a reply, in pop order, into <paramref name="into"/>.</summary>
    public void CollectUnanswered(List<BackendRequest> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        foreach (var e in _order)
            if (e.Reply is null) into.Add(e.Request!);
    }

    /// <summary>Forgets everything (the queue was reset: its chains are gone).</summary>
    public void Clear()
    {
        while (_order.Count > 0) Recycle(_order.Dequeue());
        _byTag.Clear();
    }

    private void Recycle(Entry e)
    {
        e.Chain = null;
        e.Request = null;
        e.Reply = null;
        _spare.Push(e);
    }

    private sealed class Entry
    {
        public DescriptorChain? Chain;
        public BackendRequest? Request;
        public BackendReply? Reply;
    }
}
