using Akka.Actor;

namespace Virtsim.Bench.Hosting;

/// <summary>
/// Counts the <see cref="BenchPersistentActor.Done"/> or <see cref="BenchPersistentActor.Recovered"/> reports of a
/// phase and completes <see cref="Completion"/> when all have come (with the events replayed), or fails it on the
/// first <see cref="BenchPersistentActor.Failed"/>.
/// </summary>
public sealed class BenchCollector : ReceiveActor
{
    private readonly TaskCompletionSource<long> _completion;
    private int _left;
    private long _events;

    /// <summary>Creates the collector.</summary>
    public BenchCollector(int expected, TaskCompletionSource<long> completion)
    {
        _left = expected;
        _completion = completion;
        Receive<BenchPersistentActor.Done>(_ => Count(0));
        Receive<BenchPersistentActor.Recovered>(r => Count(r.Events));
        Receive<BenchPersistentActor.Failed>(f => _completion.TrySetException(new InvalidOperationException($"{f.PersistenceId}: {f.Reason}")));
    }

    /// <summary>Props of a collector expecting <paramref name="expected"/> reports; completes <paramref name="completion"/> with the events replayed.</summary>
    public static Props Props(int expected, TaskCompletionSource<long> completion) =>
        Akka.Actor.Props.Create(() => new BenchCollector(expected, completion));

    private void Count(long events)
    {
        _events += events;
        if (--_left == 0) _completion.TrySetResult(_events);
    }
}
