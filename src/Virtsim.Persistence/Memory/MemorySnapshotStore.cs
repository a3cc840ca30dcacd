namespace Virtsim.Persistence.Memory;

/// <summary>A snapshot store in process memory, the reference implementation of <see cref="ISnapshotStore"/>.</summary>
public sealed class MemorySnapshotStore : ISnapshotStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, SortedList<long, Row>> _snapshots = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task SaveAsync(Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        RequestValidation.Validate(snapshot);
        SnapshotMetadata m = snapshot.Metadata;
        byte[] payload = snapshot.Payload.ToArray();
        long ticks = m.Timestamp.UtcTicks;
        var row = new Row(ticks, snapshot.Manifest, payload, Checksums.Snapshot(m.PersistenceId, m.SequenceNr, ticks, snapshot.Manifest, payload));
        lock (_gate)
        {
            if (!_snapshots.TryGetValue(m.PersistenceId, out SortedList<long, Row>? list))
            {
                list = new SortedList<long, Row>();
                _snapshots.Add(m.PersistenceId, list);
            }

            list[m.SequenceNr] = row;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<Snapshot?> LoadLatestAsync(string persistenceId, SnapshotCriteria criteria, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        lock (_gate)
        {
            if (_snapshots.TryGetValue(persistenceId, out SortedList<long, Row>? list))
            {
                for (int i = list.Count - 1; i >= 0; i--)
                {
                    long nr = list.Keys[i];
                    Row row = list.Values[i];
                    var meta = new SnapshotMetadata(persistenceId, nr, new DateTimeOffset(row.Ticks, TimeSpan.Zero));
                    if (!criteria.Matches(meta))
                    {
                        continue;
                    }

                    uint crc = Checksums.Snapshot(persistenceId, nr, row.Ticks, row.Manifest, row.Payload);
                    if (crc != row.Checksum)
                    {
                        throw new SnapshotCorruptionException(persistenceId, nr, row.Checksum, crc);
                    }

                    return Task.FromResult<Snapshot?>(new Snapshot(meta, row.Manifest, row.Payload.ToArray()));
                }
            }
        }

        return Task.FromResult<Snapshot?>(null);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string persistenceId, SnapshotCriteria criteria, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        lock (_gate)
        {
            if (_snapshots.TryGetValue(persistenceId, out SortedList<long, Row>? list))
            {
                for (int i = list.Count - 1; i >= 0; i--)
                {
                    var meta = new SnapshotMetadata(persistenceId, list.Keys[i], new DateTimeOffset(list.Values[i].Ticks, TimeSpan.Zero));
                    if (criteria.Matches(meta))
                    {
                        list.RemoveAt(i);
                    }
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
            _snapshots[persistenceId][sequenceNr].Payload[0] ^= 0x01;
        }
    }

    private sealed record Row(long Ticks, string Manifest, byte[] Payload, uint Checksum);
}
