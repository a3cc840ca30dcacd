using BenchmarkDotNet.Attributes;
using Virtsim.Persistence;

namespace Virtsim.Bench.Persistence;

/// <summary>
/// Journal throughput on SQLite and PostgreSQL side by side: appends one event at a time, appends of 100 events,
/// one-event appends of many persistence ids group-committed through <see cref="BatchingJournal"/>, and recovery
/// (streaming 100k events back). Op/s is events per second. Run:
/// <c>dotnet run -c Release --project bench/Virtsim.Bench -- --filter '*JournalBenchmarks*'</c>.
/// </summary>
[Config(typeof(PersistenceBenchConfig))]
public class JournalBenchmarks
{
    private const int OneAtATimeEvents = 200;
    private const int BatchSize = 100;
    private const int BatchedEvents = 20_000;
    private const int BatchWriters = 8;
    private const int BatchedEventsPerWriter = 10_000;
    private const int GroupIds = 1000;
    private const int GroupEventsPerId = 20;
    private const int RecoveryEvents = 100_000;
    private const string Manifest = "bench.event";

    private static readonly byte[] Payload = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();

    private BenchStore _store = null!;
    private BatchingJournal _batching = null!;
    private long _next = 1;
    private long[] _groupNext = null!;
    private long[] _writerNext = null!;

    /// <summary>The store under test.</summary>
    [Params("Sqlite", "PostgreSql")]
    public string Store { get; set; } = "Sqlite";

    // The setup and cleanup methods block on purpose: the in-process toolchain of BenchmarkDotNet 0.14 does not
    // await asynchronous setup methods.

    /// <summary>Opens the store and the batching layer.</summary>
    [GlobalSetup(Targets = [nameof(AppendOneAtATime), nameof(AppendBatchesOf100), nameof(AppendBatchesOf100From8Writers), nameof(GroupCommitManyIds)])]
    public void SetupWrites()
    {
        _store = BenchStore.OpenAsync(Store).GetAwaiter().GetResult();
        _batching = new BatchingJournal(_store.Journal);
        _groupNext = Enumerable.Repeat(1L, GroupIds).ToArray();
        _writerNext = Enumerable.Repeat(1L, BatchWriters).ToArray();
    }

    /// <summary>Opens the store and writes the events recovery reads.</summary>
    [GlobalSetup(Target = nameof(Recover100kEvents))]
    public void SetupRecovery()
    {
        SetupWrites();
        for (long first = 1; first <= RecoveryEvents; first += 1000)
        {
            _store.Journal.AppendAsync(Append("recover", first, 1000)).GetAwaiter().GetResult();
        }
    }

    /// <summary>Closes everything.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        if (_batching.BatchesWritten > 0)
        {
            Console.WriteLine($"// {Store}: BatchingJournal wrote {_batching.BatchesWritten} transactions.");
        }

        _batching.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>One writer, one event per append: one transaction (one fsync) per event.</summary>
    [Benchmark(OperationsPerInvoke = OneAtATimeEvents)]
    public async Task AppendOneAtATime()
    {
        for (int i = 0; i < OneAtATimeEvents; i++)
        {
            await _store.Journal.AppendAsync(Append("single", _next++, 1));
        }
    }

    /// <summary>One writer, 100 events per append.</summary>
    [Benchmark(OperationsPerInvoke = BatchedEvents)]
    public async Task AppendBatchesOf100()
    {
        for (int i = 0; i < BatchedEvents / BatchSize; i++)
        {
            await _store.Journal.AppendAsync(Append("batched", _next, BatchSize));
            _next += BatchSize;
        }
    }

    /// <summary>8 writers (persistence ids), each appending 100 events at a time, group-committed by <see cref="BatchingJournal"/>.</summary>
    [Benchmark(OperationsPerInvoke = BatchWriters * BatchedEventsPerWriter)]
    public async Task AppendBatchesOf100From8Writers()
    {
        var writers = new Task[BatchWriters];
        for (int w = 0; w < BatchWriters; w++)
        {
            writers[w] = WriteAsync(w);
        }

        await Task.WhenAll(writers);

        async Task WriteAsync(int w)
        {
            string pid = "writer-" + w;
            for (int i = 0; i < BatchedEventsPerWriter / BatchSize; i++)
            {
                await _batching.AppendAsync(Append(pid, _writerNext[w], BatchSize));
                _writerNext[w] += BatchSize;
            }
        }
    }

    /// <summary>1000 persistence ids, each appending single events in turn, coalesced by <see cref="BatchingJournal"/>.</summary>
    [Benchmark(OperationsPerInvoke = GroupIds * GroupEventsPerId)]
    public async Task GroupCommitManyIds()
    {
        var writers = new Task[GroupIds];
        for (int id = 0; id < GroupIds; id++)
        {
            writers[id] = WriteAsync(id);
        }

        await Task.WhenAll(writers);

        async Task WriteAsync(int id)
        {
            string pid = "group-" + id;
            for (int i = 0; i < GroupEventsPerId; i++)
            {
                await _batching.AppendAsync(Append(pid, _groupNext[id]++, 1));
            }
        }
    }

    /// <summary>Recovery: streams 100k events of one persistence id back, checksums verified.</summary>
    [Benchmark(OperationsPerInvoke = RecoveryEvents)]
    public async Task<long> Recover100kEvents()
    {
        long count = 0;
        await foreach (PersistedEvent e in _store.Journal.ReadAsync("recover", 1, long.MaxValue))
        {
            count += e.Payload.Length > 0 ? 1 : 0;
        }

        return count == RecoveryEvents ? count : throw new InvalidOperationException($"Recovered {count} events, expected {RecoveryEvents}.");
    }

    private static AppendRequest Append(string pid, long first, int count)
    {
        var events = new EventToAppend[count];
        for (int i = 0; i < count; i++)
        {
            events[i] = new EventToAppend(first + i, Manifest, Payload);
        }

        return new AppendRequest(pid, 1, events);
    }
}
