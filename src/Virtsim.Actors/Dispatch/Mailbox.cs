using Virtsim.Actors.Actors;

namespace Virtsim.Actors.Dispatch;

/// <summary>
/// One actor's mailbox: a lock-free queue of ordinary messages, a lock-free stack of system messages, and a
/// scheduling flag so that the actor is queued on its dispatcher at most once (it never processes two messages at
/// the same time). It is itself the thread-pool work item, so scheduling allocates nothing.
/// </summary>
internal sealed class Mailbox : IThreadPoolWorkItem
{
    private const int Idle = 0;
    private const int Scheduled = 1;

    private readonly MpscQueue<Envelope> _user = new();
    private SystemMessage? _system;
    private int _status;
    private volatile bool _closed;

    internal Mailbox(ActorCell cell, Dispatcher dispatcher)
    {
        Cell = cell;
        Dispatcher = dispatcher;
    }

    internal ActorCell Cell { get; }
    internal Dispatcher Dispatcher { get; }

    /// <summary>Index in the simulation dispatcher's ready list; -1 when not listed.</summary>
    internal int ReadyIndex = -1;

    internal bool IsClosed => _closed;

    internal bool HasSystemMessages => Volatile.Read(ref _system) is not null;

    internal bool HasUserMessages => !_user.IsEmpty;

    /// <summary>Some producer claimed a slot not yet read (its item may still be in flight).</summary>
    internal bool HasClaimedUserMessages => _user.HasClaimedItems;

    /// <summary>Posts an ordinary message; after the actor stopped it becomes a dead letter.</summary>
    internal void Post(in Envelope envelope)
    {
        if (_closed)
        {
            Cell.DeadLetter(envelope);
            return;
        }
        _user.Enqueue(envelope);
        // The slot was claimed with a CAS (a full fence) before this read of the flag. Execute clears the flag with
        // an exchange (a full fence) and then looks for claimed slots, so either it sees our claim and runs again,
        // or we see the cleared flag here: an item is never stranded, and a busy actor costs producers no CAS.
        if (Volatile.Read(ref _status) == Idle && Interlocked.CompareExchange(ref _status, Scheduled, Idle) == Idle)
            Dispatcher.Schedule(this);
    }

    /// <summary>Posts a system message; after the actor stopped it is answered as a dead actor would.</summary>
    internal void PostSystem(SystemMessage message)
    {
        while (true)
        {
            var head = Volatile.Read(ref _system);
            message.Next = head;
            if (Interlocked.CompareExchange(ref _system, message, head) == head) break;
        }
        if (_closed)
        {
            DrainSystemAfterClose();
            return;
        }
        if (Volatile.Read(ref _status) == Idle && Interlocked.CompareExchange(ref _status, Scheduled, Idle) == Idle)
            Dispatcher.Schedule(this);
    }

    internal bool TryDequeueUser(out Envelope envelope) => _user.TryDequeue(out envelope);

    /// <summary>Takes every pending system message, oldest first.</summary>
    internal SystemMessage? TakeSystemMessages()
    {
        var list = Interlocked.Exchange(ref _system, null);
        // The stack is newest-first: reverse it.
        SystemMessage? reversed = null;
        while (list is not null)
        {
            var next = list.Next;
            list.Next = reversed;
            reversed = list;
            list = next;
        }
        return reversed;
    }

    /// <summary>Closes the mailbox when its actor stopped: queued and later messages become dead letters.</summary>
    internal void Close()
    {
        _closed = true;
        while (_user.TryDequeue(out var e)) Cell.DeadLetter(e);
        DrainSystemAfterClose();
    }

    private void DrainSystemAfterClose()
    {
        for (var m = TakeSystemMessages(); m is not null;)
        {
            var next = m.Next;
            m.Next = null;
            Cell.SystemMessageAfterStop(m);
            m = next;
        }
    }

    /// <summary>True when processing would make progress now (or as soon as an in-flight enqueue completes).</summary>
    internal bool HasRunnableWork =>
        Volatile.Read(ref _system) is not null ||
        (Cell.CanProcessUserMessages && (Cell.HasUnstashed || _user.HasClaimedItems));

    /// <summary>Threaded dispatcher: runs a batch on a pool thread.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        try
        {
            Cell.Process(Dispatcher.Throughput);
        }
        catch (Exception ex)
        {
            // Actor code failures are handled inside Process; this is an engine hook (a trace) failing. Never let it
            // take the process down: report it and keep the actor schedulable.
            System.Diagnostics.Trace.TraceError($"Actor {Cell.SelfRef.Path}: engine hook failed: {ex}");
        }
        Interlocked.Exchange(ref _status, Idle);
        if (!_closed && HasRunnableWork && Interlocked.CompareExchange(ref _status, Scheduled, Idle) == Idle)
            Dispatcher.Schedule(this);
    }

    /// <summary>Simulation dispatcher: marks the mailbox idle after it left the ready list.</summary>
    internal void SetIdle() => Volatile.Write(ref _status, Idle);
}
