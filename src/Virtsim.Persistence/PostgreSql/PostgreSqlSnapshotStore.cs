using Npgsql;

namespace Virtsim.Persistence.PostgreSql;

/// <summary>The <see cref="ISnapshotStore"/> on a <see cref="PostgreSqlDatabase"/>.</summary>
public sealed class PostgreSqlSnapshotStore : ISnapshotStore
{
    private const string Where = "persistence_id = $1 AND sequence_nr BETWEEN $2 AND $3 AND timestamp_ticks BETWEEN $4 AND $5";

    private readonly PostgreSqlDatabase _db;
    private readonly string _save;
    private readonly string _load;
    private readonly string _delete;

    /// <summary>Creates the store over an opened database (which the caller keeps and disposes).</summary>
    public PostgreSqlSnapshotStore(PostgreSqlDatabase database)
    {
        _db = database ?? throw new ArgumentNullException(nameof(database));
        string s = database.QuotedSchema;
        _save = $"INSERT INTO {s}.snapshot (persistence_id, sequence_nr, timestamp_ticks, manifest, payload, checksum) VALUES ($1, $2, $3, $4, $5, $6) " +
                "ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET timestamp_ticks = excluded.timestamp_ticks, manifest = excluded.manifest, " +
                "payload = excluded.payload, checksum = excluded.checksum;";
        _load = $"SELECT sequence_nr, timestamp_ticks, manifest, payload, checksum FROM {s}.snapshot WHERE {Where} ORDER BY sequence_nr DESC LIMIT 1;";
        _delete = $"DELETE FROM {s}.snapshot WHERE {Where};";
    }

    /// <inheritdoc />
    public async Task SaveAsync(Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        RequestValidation.Validate(snapshot);
        SnapshotMetadata m = snapshot.Metadata;
        byte[] payload = snapshot.Payload.ToArray();
        long ticks = m.Timestamp.UtcTicks;
        uint crc = Checksums.Snapshot(m.PersistenceId, m.SequenceNr, ticks, snapshot.Manifest, payload);
        await using NpgsqlCommand cmd = _db.DataSource.CreateCommand(_save);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = m.PersistenceId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = m.SequenceNr });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = ticks });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = snapshot.Manifest });
        cmd.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = payload });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = unchecked((int)crc) });
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Snapshot?> LoadLatestAsync(string persistenceId, SnapshotCriteria criteria, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        await using NpgsqlCommand cmd = _db.DataSource.CreateCommand(_load);
        Bind(cmd, persistenceId, criteria);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        long nr = r.GetInt64(0);
        long ticks = r.GetInt64(1);
        string manifest = r.GetString(2);
        byte[] payload = r.GetFieldValue<byte[]>(3);
        uint stored = unchecked((uint)r.GetInt32(4));
        uint computed = Checksums.Snapshot(persistenceId, nr, ticks, manifest, payload);
        if (stored != computed)
        {
            throw new SnapshotCorruptionException(persistenceId, nr, stored, computed);
        }

        return new Snapshot(new SnapshotMetadata(persistenceId, nr, new DateTimeOffset(ticks, TimeSpan.Zero)), manifest, payload);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string persistenceId, SnapshotCriteria criteria, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        await using NpgsqlCommand cmd = _db.DataSource.CreateCommand(_delete);
        Bind(cmd, persistenceId, criteria);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Bind(NpgsqlCommand cmd, string persistenceId, SnapshotCriteria criteria)
    {
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = criteria.MinSequenceNr });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = criteria.MaxSequenceNr });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = criteria.MinTimestamp.UtcTicks });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = criteria.MaxTimestamp.UtcTicks });
    }
}
