using System.Buffers;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Virtsim.Actors.Actors;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Hosting;
using Virtsim.Actors.Persistence;
using Virtsim.Actors.Refs;
using Virtsim.Persistence;
using Virtsim.Persistence.Memory;

namespace Virtsim.Bench.Persistence;

/// <summary>
/// Persistent actors on the threaded dispatcher over SQLite and PostgreSQL: one actor with commands queued up (one
/// append per command, each waiting for the previous), 200 actors at once through <see cref="BatchingJournal"/>
/// (group commit), and the recovery of an actor with 100k events. Op/s is events per second. Run:
/// <c>dotnet run -c Release --project bench/Virtsim.Bench -- --filter '*PersistentActorBenchmarks*'</c>.
/// </summary>
[Config(typeof(PersistenceBenchConfig))]
public class PersistentActorBenchmarks
{
    private const int PipelinedEvents = 500;
    private const int Actors = 200;
    private const int EventsPerActor = 20;
    private const int RecoveryEvents = 100_000;

    private BenchStore _store = null!;
    private BatchingJournal _batching = null!;
    private ActorSystem _system = null!;
    private IActorRef _single = null!;
    private IActorRef[] _many = null!;
    private Countdown _done = null!;
    private long _epoch;

    /// <summary>The store under test.</summary>
    [Params("Sqlite", "PostgreSql")]
    public string Store { get; set; } = "Sqlite";

    /// <summary>Opens the store and starts the actors (blocking: the in-process toolchain does not await setup).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _store = BenchStore.OpenAsync(Store).GetAwaiter().GetResult();
        _batching = new BatchingJournal(_store.Journal);
        _system = ActorSystem.Create("bench", new ActorSystemOptions { Dispatcher = new ThreadedDispatcher() });
        _done = new Countdown();
        var snapshots = new MemorySnapshotStore();
        _single = _system.ActorOf(Props.Create(() => new BenchActor("single", new PersistenceSetup(_store.Journal, snapshots), _done)));
        _many = Enumerable.Range(0, Actors)
            .Select(i => _system.ActorOf(Props.Create(() => new BenchActor($"many-{i}", new PersistenceSetup(_batching, snapshots), _done))))
            .ToArray();
        var payload = new byte[4];
        for (long first = 1; first <= RecoveryEvents; first += 1000)
        {
            var events = Enumerable.Range(0, 1000).Select(i => new EventToAppend(first + i, "n", payload)).ToArray();
            _store.Journal.AppendAsync(new AppendRequest("recover", 0, events)).GetAwaiter().GetResult();
        }
    }

    /// <summary>Stops everything.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _system.Dispose();
        _batching.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>One actor, 500 commands queued: each is written (one commit) before the next is handled.</summary>
    [Benchmark(OperationsPerInvoke = PipelinedEvents)]
    public Task OneActorCommandsQueued()
    {
        var done = _done.Reset(PipelinedEvents);
        for (var i = 0; i < PipelinedEvents; i++) _single.Tell(i, null);
        return done;
    }

    /// <summary>200 actors, 20 commands each, all at once: their appends share transactions through BatchingJournal.</summary>
    [Benchmark(OperationsPerInvoke = Actors * EventsPerActor)]
    public Task ManyActorsGroupCommit()
    {
        var done = _done.Reset(Actors * EventsPerActor);
        for (var i = 0; i < EventsPerActor; i++)
            foreach (var a in _many) a.Tell(i, null);
        return done;
    }

    /// <summary>A fresh actor recovers 100k events (claim, no snapshot, pages of 1000) before its first command.</summary>
    [Benchmark(OperationsPerInvoke = RecoveryEvents)]
    public Task RecoverActorWith100kEvents()
    {
        var done = _done.Reset(1);
        var snapshots = new MemorySnapshotStore();
        var epoch = Interlocked.Increment(ref _epoch);
        var actor = _system.ActorOf(Props.Create(() => new BenchActor("recover", new PersistenceSetup(_store.Journal, snapshots, epoch), _done)));
        actor.Tell("ready?", null);
        return done.ContinueWith(_ => _system.Stop(actor), TaskScheduler.Default);
    }

    /// <summary>Completes a task after a number of signals.</summary>
    private sealed class Countdown
    {
        private int _left;
        private TaskCompletionSource _tcs = new();

        public Task Reset(int count)
        {
            _tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _left, count);
            return _tcs.Task;
        }

        public void Signal()
        {
            if (Interlocked.Decrement(ref _left) == 0) _tcs.TrySetResult();
        }
    }

    /// <summary>Persists each int it receives; answers a string once recovered.</summary>
    private sealed class BenchActor : PersistentActor
    {
        private long _sum;

        public BenchActor(string id, PersistenceSetup setup, Countdown done) : base(id, setup)
        {
            Recover<int>(n => _sum += n);
            Command<int>(n => Persist(n, e =>
            {
                _sum += e;
                done.Signal();
            }));
            Command<string>(_ => done.Signal());
        }

        protected override IEventSerializer Serializer => IntSerializer.Instance;
    }

    private sealed class IntSerializer : IEventSerializer
    {
        public static readonly IntSerializer Instance = new();

        public string Manifest(object value) => "n";

        public void Write(object value, IBufferWriter<byte> output)
        {
            BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), (int)value);
            output.Advance(4);
        }

        public object Read(string manifest, ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt32LittleEndian(payload);
    }
}
