using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Npgsql;
using NpgsqlTypes;

namespace Virtsim.Persistence.PostgreSql;

/// <summary>
/// The <see cref="IJournal"/> on a <see cref="PostgreSqlDatabase"/>. A single append is one call of the schema's
/// <c>append_events</c> function: one statement, one round trip, one transaction, with the fencing and sequence
/// checks done under a row lock on the server. A batch of many requests (group commit) is one transaction of
/// set-based statements: lock every owner row involved (in persistence id order, so concurrent batches cannot
/// deadlock), decide each request in C# with the same rule as every store, then insert all accepted events and
/// update the owner rows with one statement each.
/// </summary>
public sealed class PostgreSqlJournal : IJournal
{
    private readonly PostgreSqlDatabase _db;
    private readonly string _append;
    private readonly string _claim;
    private readonly string _read;
    private readonly string _highest;
    private readonly string _delete;

    /// <summary>Creates the journal over an opened database (which the caller keeps and disposes).</summary>
    public PostgreSqlJournal(PostgreSqlDatabase database)
    {
        _db = database ?? throw new ArgumentNullException(nameof(database));
        string s = database.QuotedSchema;
        _append = $"SELECT out_index, out_status, out_epoch, out_highest FROM {s}.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9);";
        _claim = $"SELECT out_status, out_epoch, out_highest FROM {s}.claim($1, $2);";
        _read = $"SELECT sequence_nr, epoch, manifest, payload, checksum FROM {s}.journal_event " +
                "WHERE persistence_id = $1 AND sequence_nr BETWEEN $2 AND $3 ORDER BY sequence_nr LIMIT $4;";
        _highest = $"SELECT highest_sequence_nr FROM {s}.journal_owner WHERE persistence_id = $1;";
        _delete = $"DELETE FROM {s}.journal_event WHERE persistence_id = $1 AND sequence_nr <= $2;";
    }

    /// <inheritdoc />
    public async Task AppendAsync(AppendRequest request, CancellationToken cancellationToken = default) =>
        AppendDecision.ThrowIfRefused(await AppendBatchAsync([request], cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task<IReadOnlyList<Exception?>> AppendBatchAsync(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken = default)
    {
        RequestValidation.Validate(requests);
        int n = requests.Count;
        var outcomes = new Exception?[n];
        if (n == 0)
        {
            return outcomes;
        }

        if (n > 1)
        {
            return await AppendManyAsync(requests, cancellationToken).ConfigureAwait(false);
        }

        // One request: the function takes its single owner row lock. (The function also accepts several requests,
        // judged in array order; batches use the set-based AppendManyAsync instead, which is faster for many ids.)
        int[] order = [0];

        int events = 0;
        foreach (AppendRequest r in requests)
        {
            events += r.Events.Count;
        }

        var ids = new string[n];
        var epochs = new long[n];
        var firsts = new long[n];
        var lasts = new long[n];
        var evReq = new int[events];
        var evSeq = new long[events];
        var evManifest = new string[events];
        var evPayload = new byte[events][];
        var evChecksum = new int[events];
        int k = 0;
        for (int j = 0; j < n; j++)
        {
            AppendRequest r = requests[order[j]];
            ids[j] = r.PersistenceId;
            epochs[j] = r.Epoch;
            firsts[j] = r.FirstSequenceNr;
            lasts[j] = r.LastSequenceNr;
            foreach (EventToAppend e in r.Events)
            {
                byte[] payload = AsArray(e.Payload);
                evReq[k] = j + 1;
                evSeq[k] = e.SequenceNr;
                evManifest[k] = e.Manifest;
                evPayload[k] = payload;
                evChecksum[k] = unchecked((int)Checksums.Event(r.PersistenceId, e.SequenceNr, r.Epoch, e.Manifest, payload));
                k++;
            }
        }

        await using NpgsqlCommand cmd = _db.DataSource.CreateCommand(_append);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = ids });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = epochs });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = firsts });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = lasts });
        cmd.Parameters.Add(new NpgsqlParameter<int[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, TypedValue = evReq });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = evSeq });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = evManifest });
        cmd.Parameters.Add(new NpgsqlParameter<byte[][]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, TypedValue = evPayload });
        cmd.Parameters.Add(new NpgsqlParameter<int[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, TypedValue = evChecksum });

        // A single statement outside an explicit transaction is its own transaction: the outcomes are read
        // (the whole result consumed) before the implicit commit is reported, so a failure surfaces here.
        await using NpgsqlDataReader reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new (int Status, long Epoch, long Highest)[n];
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows[reader.GetInt32(0) - 1] = (reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        for (int j = 0; j < n; j++)
        {
            int original = order[j];
            (int status, long epoch, long high) = rows[j];
            outcomes[original] = AppendDecision.ToException(status, requests[original], epoch, high);
        }

        return outcomes;
    }

    private async Task<IReadOnlyList<Exception?>> AppendManyAsync(IReadOnlyList<AppendRequest> requests, CancellationToken ct)
    {
        string s = _db.QuotedSchema;
        string[] ids = requests.Select(r => r.PersistenceId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        await using NpgsqlConnection conn = await _db.DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using NpgsqlTransaction tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);

        // 1. Make sure every owner row exists, then lock them all, in id order.
        var state = new Dictionary<string, (long Epoch, long Highest)>(ids.Length, StringComparer.Ordinal);
        await using (var batch = new NpgsqlBatch(conn, tx))
        {
            var ensure = new NpgsqlBatchCommand(
                $"INSERT INTO {s}.journal_owner (persistence_id, epoch, highest_sequence_nr) SELECT id, 0, 0 FROM unnest($1) AS id ORDER BY id COLLATE \"C\" ON CONFLICT (persistence_id) DO NOTHING;");
            ensure.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = ids });
            var lockRows = new NpgsqlBatchCommand(
                $"SELECT persistence_id, epoch, highest_sequence_nr FROM {s}.journal_owner WHERE persistence_id = ANY($1) ORDER BY persistence_id COLLATE \"C\" FOR UPDATE;");
            lockRows.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = ids });
            batch.BatchCommands.Add(ensure);
            batch.BatchCommands.Add(lockRows);
            await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
            do
            {
                // Npgsql does not surface a result set for the INSERT; take the rows of whichever set has them.
                while (reader.FieldCount == 3 && await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    state[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
                }
            }
            while (await reader.NextResultAsync(ct).ConfigureAwait(false));
        }

        // 2. Judge the requests in order, as the other stores do.
        var outcomes = new Exception?[requests.Count];
        var accepted = new List<AppendRequest>(requests.Count);
        int events = 0;
        for (int i = 0; i < requests.Count; i++)
        {
            AppendRequest r = requests[i];
            (long epoch, long high) = state[r.PersistenceId];
            int status = AppendDecision.Decide(r.Epoch, r.FirstSequenceNr, epoch, high);
            outcomes[i] = AppendDecision.ToException(status, r, epoch, high);
            if (status == AppendDecision.Accepted)
            {
                state[r.PersistenceId] = (r.Epoch, r.LastSequenceNr);
                accepted.Add(r);
                events += r.Events.Count;
            }
        }

        if (accepted.Count == 0)
        {
            await tx.RollbackAsync(ct).ConfigureAwait(false);
            return outcomes;
        }

        // 3. One insert of all accepted events, one update of the owners they moved.
        var evId = new string[events];
        var evSeq = new long[events];
        var evEpoch = new long[events];
        var evManifest = new string[events];
        var evPayload = new byte[events][];
        var evChecksum = new int[events];
        int k = 0;
        foreach (AppendRequest r in accepted)
        {
            foreach (EventToAppend e in r.Events)
            {
                byte[] payload = AsArray(e.Payload);
                evId[k] = r.PersistenceId;
                evSeq[k] = e.SequenceNr;
                evEpoch[k] = r.Epoch;
                evManifest[k] = e.Manifest;
                evPayload[k] = payload;
                evChecksum[k] = unchecked((int)Checksums.Event(r.PersistenceId, e.SequenceNr, r.Epoch, e.Manifest, payload));
                k++;
            }
        }

        string[] moved = accepted.Select(r => r.PersistenceId).Distinct(StringComparer.Ordinal).ToArray();
        await using (var batch = new NpgsqlBatch(conn, tx))
        {
            var insert = new NpgsqlBatchCommand(
                $"INSERT INTO {s}.journal_event (persistence_id, sequence_nr, epoch, manifest, payload, checksum) " +
                "SELECT * FROM unnest($1, $2, $3, $4, $5, $6);");
            insert.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = evId });
            insert.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = evSeq });
            insert.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = evEpoch });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = evManifest });
            insert.Parameters.Add(new NpgsqlParameter<byte[][]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, TypedValue = evPayload });
            insert.Parameters.Add(new NpgsqlParameter<int[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, TypedValue = evChecksum });
            var update = new NpgsqlBatchCommand(
                $"UPDATE {s}.journal_owner o SET epoch = u.epoch, highest_sequence_nr = u.highest " +
                "FROM unnest($1, $2, $3) AS u(id, epoch, highest) WHERE o.persistence_id = u.id;");
            update.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = moved });
            update.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = moved.Select(id => state[id].Epoch).ToArray() });
            update.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = moved.Select(id => state[id].Highest).ToArray() });
            batch.BatchCommands.Add(insert);
            batch.BatchCommands.Add(update);
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return outcomes;
    }

    /// <inheritdoc />
    public async Task<long> ClaimAsync(string persistenceId, long epoch, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        RequestValidation.ValidateEpoch(epoch);
        await using NpgsqlCommand cmd = _db.DataSource.CreateCommand(_claim);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = epoch });
        await using NpgsqlDataReader reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        int status = reader.GetInt32(0);
        long current = reader.GetInt64(1);
        long high = reader.GetInt64(2);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        return status == AppendDecision.Fenced ? throw new FencedWriterException(persistenceId, epoch, current) : high;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<PersistedEvent> ReadAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        await using NpgsqlCommand cmd = ReadCommand(persistenceId, fromSequenceNr, toSequenceNr, long.MaxValue);
        await using NpgsqlDataReader reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadEvent(reader, persistenceId);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PersistedEvent>> ReadBatchAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, int maxCount, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        await using NpgsqlCommand cmd = ReadCommand(persistenceId, fromSequenceNr, toSequenceNr, maxCount);
        await using NpgsqlDataReader reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<PersistedEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(ReadEvent(reader, persistenceId));
        }

        return result;
    }

    /// <inheritdoc />
    public async Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        await using NpgsqlCommand cmd = _db.DataSource.CreateCommand(_highest);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long h ? h : 0L;
    }

    /// <inheritdoc />
    public async Task DeleteUpToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateId(persistenceId);
        await using NpgsqlCommand cmd = _db.DataSource.CreateCommand(_delete);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toSequenceNr });
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private NpgsqlCommand ReadCommand(string persistenceId, long from, long to, long max)
    {
        NpgsqlCommand cmd = _db.DataSource.CreateCommand(_read);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = max });
        return cmd;
    }

    private static PersistedEvent ReadEvent(NpgsqlDataReader reader, string persistenceId)
    {
        long nr = reader.GetInt64(0);
        long epoch = reader.GetInt64(1);
        string manifest = reader.GetString(2);
        byte[] payload = reader.GetFieldValue<byte[]>(3);
        uint stored = unchecked((uint)reader.GetInt32(4));
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
