using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Virtsim.Persistence.Sqlite;

/// <summary>The <see cref="IJournal"/> on a <see cref="SqliteDatabase"/>: one transaction (one fsync) per append or batch.</summary>
public sealed class SqliteJournal : IJournal
{
    private readonly SqliteDatabase _db;

    /// <summary>Creates the journal over an opened database (which the caller keeps and disposes).</summary>
    public SqliteJournal(SqliteDatabase database) => _db = database ?? throw new ArgumentNullException(nameof(database));

    /// <inheritdoc />
    public async Task AppendAsync(AppendRequest request, CancellationToken cancellationToken = default) =>
        AppendDecision.ThrowIfRefused(await AppendBatchAsync([request], cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public Task<IReadOnlyList<Exception?>> AppendBatchAsync(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken = default)
    {
        RequestValidation.Validate(requests);
        return _db.WriteAsync<IReadOnlyList<Exception?>>((c, tx) =>
        {
            // Read the owner rows of every id of the batch in one statement, judge the requests in order in C#,
            // then write the accepted events and each moved owner row once.
            var state = new Dictionary<string, (long Epoch, long Highest)>(StringComparer.Ordinal);
            string[] ids = requests.Select(r => r.PersistenceId).Distinct(StringComparer.Ordinal).ToArray();
            using (var owners = new SqliteCommand(
                "SELECT persistence_id, epoch, highest_sequence_nr FROM journal_owner WHERE persistence_id IN (SELECT value FROM json_each($ids));", c, tx))
            {
                owners.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(ids));
                using SqliteDataReader reader = owners.ExecuteReader();
                while (reader.Read())
                {
                    state[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
                }
            }

            using var insert = new SqliteCommand(
                "INSERT INTO journal_event (persistence_id, sequence_nr, epoch, manifest, payload, checksum) VALUES ($p, $s, $e, $m, $b, $c);", c, tx);
            SqliteParameter pId = insert.Parameters.Add("$p", SqliteType.Text);
            SqliteParameter pSeq = insert.Parameters.Add("$s", SqliteType.Integer);
            SqliteParameter pEpoch = insert.Parameters.Add("$e", SqliteType.Integer);
            SqliteParameter pManifest = insert.Parameters.Add("$m", SqliteType.Text);
            SqliteParameter pPayload = insert.Parameters.Add("$b", SqliteType.Blob);
            SqliteParameter pCrc = insert.Parameters.Add("$c", SqliteType.Integer);

            var outcomes = new Exception?[requests.Count];
            var moved = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < requests.Count; i++)
            {
                AppendRequest r = requests[i];
                (long epoch, long high) = state.GetValueOrDefault(r.PersistenceId);
                int status = AppendDecision.Decide(r.Epoch, r.FirstSequenceNr, epoch, high);
                outcomes[i] = AppendDecision.ToException(status, r, epoch, high);
                if (status != AppendDecision.Accepted)
                {
                    continue;
                }

                pId.Value = r.PersistenceId;
                pEpoch.Value = r.Epoch;
                foreach (EventToAppend e in r.Events)
                {
                    byte[] payload = AsArray(e.Payload);
                    pSeq.Value = e.SequenceNr;
                    pManifest.Value = e.Manifest;
                    pPayload.Value = payload;
                    pCrc.Value = (long)Checksums.Event(r.PersistenceId, e.SequenceNr, r.Epoch, e.Manifest, payload);
                    insert.ExecuteNonQuery();
                }

                moved.Add(r.PersistenceId);
                state[r.PersistenceId] = (r.Epoch, r.LastSequenceNr);
            }

            using var upsert = new SqliteCommand(
                "INSERT INTO journal_owner (persistence_id, epoch, highest_sequence_nr) VALUES ($p, $e, $h) " +
                "ON CONFLICT (persistence_id) DO UPDATE SET epoch = excluded.epoch, highest_sequence_nr = excluded.highest_sequence_nr;", c, tx);
            SqliteParameter uId = upsert.Parameters.Add("$p", SqliteType.Text);
            SqliteParameter uEpoch = upsert.Parameters.Add("$e", SqliteType.Integer);
            SqliteParameter uHigh = upsert.Parameters.Add("$h", SqliteType.Integer);
            foreach (string id in moved)
            {
                (long epoch, long high) = state[id];
                uId.Value = id;
                uEpoch.Value = epoch;
                uHigh.Value = high;
                upsert.ExecuteNonQuery();
            }

            return outcomes;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> ClaimAsync(string persistenceId, long epoch, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        RequestValidation.ValidateEpoch(epoch);
        return _db.WriteAsync((c, tx) =>
        {
            using var owner = new SqliteCommand("SELECT epoch, highest_sequence_nr FROM journal_owner WHERE persistence_id = $p;", c, tx);
            owner.Parameters.AddWithValue("$p", persistenceId);
            (long current, long high) = ReadOwner(owner);
            if (epoch < current)
            {
                throw new FencedWriterException(persistenceId, epoch, current);
            }

            using var upsert = new SqliteCommand(
                "INSERT INTO journal_owner (persistence_id, epoch, highest_sequence_nr) VALUES ($p, $e, 0) " +
                "ON CONFLICT (persistence_id) DO UPDATE SET epoch = excluded.epoch;", c, tx);
            upsert.Parameters.AddWithValue("$p", persistenceId);
            upsert.Parameters.AddWithValue("$e", epoch);
            upsert.ExecuteNonQuery();
            return high;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<PersistedEvent> ReadAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        await using SqliteConnection c = _db.OpenReader();
        await using SqliteCommand cmd = ReadCommand(c, persistenceId, fromSequenceNr, toSequenceNr, long.MaxValue);
        await using SqliteDataReader reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadEvent(reader, persistenceId);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PersistedEvent>> ReadBatchAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, int maxCount, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        using SqliteConnection c = _db.OpenReader();
        using SqliteCommand cmd = ReadCommand(c, persistenceId, fromSequenceNr, toSequenceNr, maxCount);
        using SqliteDataReader reader = cmd.ExecuteReader();
        var result = new List<PersistedEvent>();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(ReadEvent(reader, persistenceId));
        }

        return Task.FromResult<IReadOnlyList<PersistedEvent>>(result);
    }

    /// <inheritdoc />
    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        using SqliteConnection c = _db.OpenReader();
        using var cmd = new SqliteCommand("SELECT highest_sequence_nr FROM journal_owner WHERE persistence_id = $p;", c);
        cmd.Parameters.AddWithValue("$p", persistenceId);
        return Task.FromResult(cmd.ExecuteScalar() is long h ? h : 0L);
    }

    /// <inheritdoc />
    public Task DeleteUpToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        return _db.WriteAsync((c, tx) =>
        {
            using var cmd = new SqliteCommand("DELETE FROM journal_event WHERE persistence_id = $p AND sequence_nr <= $s;", c, tx);
            cmd.Parameters.AddWithValue("$p", persistenceId);
            cmd.Parameters.AddWithValue("$s", toSequenceNr);
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
    }

    private static (long Epoch, long Highest) ReadOwner(SqliteCommand owner)
    {
        using SqliteDataReader r = owner.ExecuteReader();
        return r.Read() ? (r.GetInt64(0), r.GetInt64(1)) : (0L, 0L);
    }

    private static SqliteCommand ReadCommand(SqliteConnection c, string persistenceId, long from, long to, long max)
    {
        var cmd = new SqliteCommand(
            "SELECT sequence_nr, epoch, manifest, payload, checksum FROM journal_event " +
            "WHERE persistence_id = $p AND sequence_nr BETWEEN $f AND $t ORDER BY sequence_nr LIMIT $n;", c);
        cmd.Parameters.AddWithValue("$p", persistenceId);
        cmd.Parameters.AddWithValue("$f", from);
        cmd.Parameters.AddWithValue("$t", to);
        cmd.Parameters.AddWithValue("$n", max);
        return cmd;
    }

    private static PersistedEvent ReadEvent(SqliteDataReader reader, string persistenceId)
    {
        long nr = reader.GetInt64(0);
        long epoch = reader.GetInt64(1);
        string manifest = reader.GetString(2);
        byte[] payload = (byte[])reader.GetValue(3);
        uint stored = (uint)reader.GetInt64(4);
        uint computed = Checksums.Event(persistenceId, nr, epoch, manifest, payload);
        if (stored != computed)
        {
            throw new JournalCorruptionException(persistenceId, nr, stored, computed);
        }

        return new PersistedEvent(persistenceId, nr, epoch, manifest, payload);
    }

    private static byte[] AsArray(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out ArraySegment<byte> segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
}
