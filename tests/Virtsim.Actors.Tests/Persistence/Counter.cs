using System.Buffers;
using System.Buffers.Binary;
using Virtsim.Actors.Persistence;
using Virtsim.Actors.Refs;
using Virtsim.Persistence;

namespace Virtsim.Actors.Tests.Persistence;

// Commands.
public sealed record Add(int Amount);
public sealed record AddMany(int[] Amounts);
public sealed record GetStatus;
public sealed record TakeSnapshot;
public sealed record DeleteEvents(long ToSequenceNr);
public sealed record Crash;

// The event and the state (also the snapshot).
public sealed record Added(int Amount);
public sealed record CounterState(long Total, int Count, long Digest)
{
    public static CounterState Empty { get; } = new(0, 0, 17);

    /// <summary>Order-sensitive: replaying the same amounts in another order gives another digest.</summary>
    public CounterState Apply(int amount) => new(Total + amount, Count + 1, unchecked(Digest * 31 + amount));
}

// Replies.
/// <summary>Sent after an event was applied: its number, the journal's highest number at that moment, the new state.</summary>
public sealed record Applied(long SequenceNr, int Amount, long JournalHighestAtApply, CounterState State);
public sealed record Status(CounterState State, long LastSequenceNr, long? RecoveredFromSnapshot, int EventsReplayed);
/// <summary>Sent to the monitor by <see cref="PersistentActor.OnPersistenceFailure"/>, before the actor stops.</summary>
public sealed record FailureSeen(PersistenceFailureException Failure);

/// <summary>
/// The persistent actor of the tests: sums amounts. Replies to every applied event, reports how it recovered, and
/// forwards persistence notifications to <c>monitor</c>.
/// </summary>
public sealed class Counter : PersistentActor
{
    private CounterState _state = CounterState.Empty;
    private long? _recoveredFrom;
    private int _replayed;

    public Counter(string persistenceId, PersistenceSetup setup, IActorRef? monitor = null) : base(persistenceId, setup)
    {
        Recover<SnapshotOffer>(o =>
        {
            _state = (CounterState)o.State;
            _recoveredFrom = o.Metadata.SequenceNr;
        });
        Recover<Added>(e =>
        {
            _state = _state.Apply(e.Amount);
            _replayed++;
        });
        Command<Add>(c => Persist(new Added(c.Amount), OnAdded));
        Command<AddMany>(c => PersistAll(c.Amounts.Select(a => new Added(a)), OnAdded));
        Command<GetStatus>(_ => Sender.Tell(new Status(_state, LastSequenceNr, _recoveredFrom, _replayed), Self));
        Command<TakeSnapshot>(_ => SaveSnapshot(_state));
        Command<DeleteEvents>(d => DeleteEventsUpTo(d.ToSequenceNr));
        Command<Crash>(_ => throw new InvalidOperationException("crash requested"));
        Command<PersistenceNotification>(n => monitor?.Tell(n, Self));
        Journal = setup.Journal;
        _monitor = monitor;
    }

    private IJournal Journal { get; }

    private readonly IActorRef? _monitor = null;

    protected override void OnPersistenceFailure(PersistenceFailureException failure) => _monitor?.Tell(new FailureSeen(failure), Self);

    protected override IEventSerializer Serializer => CounterSerializer.Instance;

    protected override object SnapshotState() => _state;

    private void OnAdded(Added e)
    {
        _state = _state.Apply(e.Amount);
        // Reading the journal inside a handler is for this test only: it shows the event was durable before apply.
        var highest = Journal.ReadHighestSequenceNrAsync(PersistenceId).GetAwaiter().GetResult();
        Sender.Tell(new Applied(LastSequenceNr, e.Amount, highest, _state), Self);
    }
}

/// <summary>Little-endian binary: "added" = int32 amount; "state" = int64 total, int32 count, int64 digest.</summary>
public sealed class CounterSerializer : IEventSerializer
{
    public static CounterSerializer Instance { get; } = new();

    public string Manifest(object value) => value switch
    {
        Added => "added",
        CounterState => "state",
        _ => throw new ArgumentException($"Cannot serialize {value.GetType().Name}."),
    };

    public void Write(object value, IBufferWriter<byte> output)
    {
        switch (value)
        {
            case Added a:
                BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), a.Amount);
                output.Advance(4);
                break;
            case CounterState s:
                var span = output.GetSpan(20);
                BinaryPrimitives.WriteInt64LittleEndian(span, s.Total);
                BinaryPrimitives.WriteInt32LittleEndian(span[8..], s.Count);
                BinaryPrimitives.WriteInt64LittleEndian(span[12..], s.Digest);
                output.Advance(20);
                break;
            default:
                throw new ArgumentException($"Cannot serialize {value.GetType().Name}.");
        }
    }

    public object Read(string manifest, ReadOnlySpan<byte> payload) => manifest switch
    {
        "added" => new Added(BinaryPrimitives.ReadInt32LittleEndian(payload)),
        "state" => new CounterState(BinaryPrimitives.ReadInt64LittleEndian(payload), BinaryPrimitives.ReadInt32LittleEndian(payload[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(payload[12..])),
        _ => throw new FormatException($"Unknown manifest '{manifest}'."),
    };
}
