using Microsoft.Data.Sqlite;

namespace Virtsim.Persistence.Sqlite;

/// <summary>The <see cref="ISnapshotStore"/> on a <see cref="SqliteDatabase"/>.</summary>
public sealed class SqliteSnapshotStore : ISnapshotStore
{
    private const string Where =
        "persistence_id = $p AND sequence_nr BETWEEN $minS AND $maxS AND timestamp_ticks BETWEEN $minT AND $maxT";

    private readonly SqliteDatabase _db;

    /// <summary>Creates the store over an opened database (which the caller keeps and disposes).</summary>
    public SqliteSnapshotStore(SqliteDatabase database) => _db = database ?? throw new ArgumentNullException(nameof(database));

    /// <inheritdoc />
    public Task SaveAsync(Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        RequestValidation.Validate(snapshot);
        SnapshotMetadata m = snapshot.Metadata;
        byte[] payload = snapshot.Payload.ToArray();
        long ticks = m.Timestamp.UtcTicks;
        uint crc = Checksums.Snapshot(m.PersistenceId, m.SequenceNr, ticks, snapshot.Manifest, payload);
        return _db.WriteAsync((c, tx) =>
        {
            using var cmd = new SqliteCommand(
                "INSERT INTO snapshot (persistence_id, sequence_nr, timestamp_ticks, manifest, payload, checksum) VALUES ($p, $s, $t, $m, $b, $c) " +
                "ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET timestamp_ticks = excluded.timestamp_ticks, manifest = excluded.manifest, payload = excluded.payload, checksum = excluded.checksum;",
                c, tx);
            cmd.Parameters.AddWithValue("$p", m.PersistenceId);
            cmd.Parameters.AddWithValue("$s", m.SequenceNr);
            cmd.Parameters.AddWithValue("$t", ticks);
            cmd.Parameters.AddWithValue("$m", snapshot.Manifest);
            cmd.Parameters.AddWithValue("$b", payload);
            cmd.Parameters.AddWithValue("$c", (long)crc);
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Snapshot?> LoadLatestAsync(string persistenceId, SnapshotCriteria criteria, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        using SqliteConnection c = _db.OpenReader();
        using var cmd = new SqliteCommand(
            $"SELECT sequence_nr, timestamp_ticks, manifest, payload, checksum FROM snapshot WHERE {Where} ORDER BY sequence_nr DESC LIMIT 1;", c);
        Bind(cmd, persistenceId, criteria);
        using SqliteDataReader r = cmd.ExecuteReader();
        if (!r.Read())
        {
            return Task.FromResult<Snapshot?>(null);
        }

        long nr = r.GetInt64(0);
        long ticks = r.GetInt64(1);
        string manifest = r.GetString(2);
        byte[] payload = (byte[])r.GetValue(3);
        uint stored = (uint)r.GetInt64(4);
        uint computed = Checksums.Snapshot(persistenceId, nr, ticks, manifest, payload);
        if (stored != computed)
        {
            throw new SnapshotCorruptionException(persistenceId, nr, stored, computed);
        }

        return Task.FromResult<Snapshot?>(new Snapshot(new SnapshotMetadata(persistenceId, nr, new DateTimeOffset(ticks, TimeSpan.Zero)), manifest, payload));
    }

    /// <inheritdoc />
    public Task DeleteAsync(string persistenceId, SnapshotCriteria criteria, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        return _db.WriteAsync((c, tx) =>
        {
            using var cmd = new SqliteCommand($"DELETE FROM snapshot WHERE {Where};", c, tx);
            Bind(cmd, persistenceId, criteria);
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
    }

    private static void Bind(SqliteCommand cmd, string persistenceId, SnapshotCriteria criteria)
    {
        cmd.Parameters.AddWithValue("$p", persistenceId);
        cmd.Parameters.AddWithValue("$minS", criteria.MinSequenceNr);
        cmd.Parameters.AddWithValue("$maxS", criteria.MaxSequenceNr);
        cmd.Parameters.AddWithValue("$minT", criteria.MinTimestamp.UtcTicks);
        cmd.Parameters.AddWithValue("$maxT", criteria.MaxTimestamp.UtcTicks);
    }
}
