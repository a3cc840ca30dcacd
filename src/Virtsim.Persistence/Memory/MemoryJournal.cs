using System.Runtime.CompilerServices;

namespace Virtsim.Persistence.Memory;

/// <summary>
/// A journal in process memory: the reference implementation of the <see cref="IJournal"/> contract, for tests
/// and simulations. Not durable beyond the process; it checksums rows like the real stores so that the same
/// contract tests (including corruption) run against it.
/// </summary>
public sealed class MemoryJournal : IJournal
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Stream> _streams = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task AppendAsync(AppendRequest request, CancellationToken cancellationToken = default) =>
        AppendDecision.ThrowIfRefused(await AppendBatchAsync([request], cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public Task<IReadOnlyList<Exception?>> AppendBatchAsync(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken = default)
    {
        RequestValidation.Validate(requests);
        cancellationToken.ThrowIfCancellationRequested();
        var outcomes = new Exception?[requests.Count];
        lock (_gate)
        {
            for (int i = 0; i < requests.Count; i++)
            {
                AppendRequest r = requests[i];
                Stream s = GetOrAdd(r.PersistenceId);
                int status = AppendDecision.Decide(r.Epoch, r.FirstSequenceNr, s.Epoch, s.Highest);
                outcomes[i] = AppendDecision.ToException(status, r, s.Epoch, s.Highest);
                if (status != AppendDecision.Accepted)
                {
                    continue;
                }

                foreach (EventToAppend e in r.Events)
                {
                    byte[] payload = e.Payload.ToArray();
                    uint crc = Checksums.Event(r.PersistenceId, e.SequenceNr, r.Epoch, e.Manifest, payload);
                    s.Events.Add(e.SequenceNr, new Row(r.Epoch, e.Manifest, payload, crc));
                }

                s.Epoch = r.Epoch;
                s.Highest = r.LastSequenceNr;
            }
        }

        return Task.FromResult<IReadOnlyList<Exception?>>(outcomes);
    }

    /// <inheritdoc />
    public Task<long> ClaimAsync(string persistenceId, long epoch, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        RequestValidation.ValidateEpoch(epoch);
        lock (_gate)
        {
            Stream s = GetOrAdd(persistenceId);
            if (epoch < s.Epoch)
            {
                throw new FencedWriterException(persistenceId, epoch, s.Epoch);
            }

            s.Epoch = epoch;
            return Task.FromResult(s.Highest);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<PersistedEvent> ReadAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (PersistedEvent e in await ReadBatchAsync(persistenceId, fromSequenceNr, toSequenceNr, int.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return e;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PersistedEvent>> ReadBatchAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, int maxCount, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        var result = new List<PersistedEvent>();
        lock (_gate)
        {
            if (_streams.TryGetValue(persistenceId, out Stream? s))
            {
                foreach ((long nr, Row row) in s.Events)
                {
                    if (result.Count >= maxCount || nr > toSequenceNr)
                    {
                        break;
                    }

                    if (nr < fromSequenceNr)
                    {
                        continue;
                    }

                    uint crc = Checksums.Event(persistenceId, nr, row.Epoch, row.Manifest, row.Payload);
                    if (crc != row.Checksum)
                    {
                        throw new JournalCorruptionException(persistenceId, nr, row.Checksum, crc);
                    }

                    result.Add(new PersistedEvent(persistenceId, nr, row.Epoch, row.Manifest, row.Payload.ToArray()));
                }
            }
        }

        return Task.FromResult<IReadOnlyList<PersistedEvent>>(result);
    }

    /// <inheritdoc />
    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        lock (_gate)
        {
            return Task.FromResult(_streams.TryGetValue(persistenceId, out Stream? s) ? s.Highest : 0L);
        }
    }

    /// <inheritdoc />
    public Task DeleteUpToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        lock (_gate)
        {
            if (_streams.TryGetValue(persistenceId, out Stream? s))
            {
                while (s.Events.Count > 0 && s.Events.Keys[0] <= toSequenceNr)
                {
                    s.Events.RemoveAt(0);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Flips a bit of a stored payload, as a disk fault would (for corruption tests).</summary>
    internal void CorruptPayload(string persistenceId, long sequenceNr)
    {
        lock (_gate)
        {
            _streams[persistenceId].Events[sequenceNr].Payload[0] ^= 0x01;
        }
    }

    private Stream GetOrAdd(string persistenceId)
    {
        if (!_streams.TryGetValue(persistenceId, out Stream? s))
        {
            s = new Stream();
            _streams.Add(persistenceId, s);
        }

        return s;
    }

    private sealed class Stream
    {
        public long Epoch;
        public long Highest;
        public readonly SortedList<long, Row> Events = new();
    }

    private sealed record Row(long Epoch, string Manifest, byte[] Payload, uint Checksum);
}
