using System.Data.Common;
using Akka.Actor;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Virtsim.Hosting.Tests.Persistence;

/// <summary>One row of Akka.Persistence.Sql's journal table, its payload deserialized.</summary>
public sealed record JournalRow(string PersistenceId, long SequenceNr, string Event)
{
    private const string Select =
        "SELECT persistence_id, sequence_number, message, identifier, manifest FROM {0}journal WHERE persistence_id = @pid ORDER BY sequence_number, ordering";

    /// <summary>The rows of <paramref name="persistenceId"/> in the SQLite file, read behind Akka's back.</summary>
    public static IReadOnlyList<JournalRow> ReadSqlite(string path, string persistenceId, ActorSystem system)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return Read(connection, string.Format(System.Globalization.CultureInfo.InvariantCulture, Select, ""), persistenceId, system);
    }

    /// <summary>The rows of <paramref name="persistenceId"/> in <paramref name="schema"/> of the PostgreSQL database.</summary>
    public static IReadOnlyList<JournalRow> ReadPostgreSql(string connectionString, string schema, string persistenceId, ActorSystem system)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return Read(connection, string.Format(System.Globalization.CultureInfo.InvariantCulture, Select, $"\"{schema}\"."), persistenceId, system);
    }

    private static List<JournalRow> Read(DbConnection connection, string sql, string persistenceId, ActorSystem system)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var p = command.CreateParameter();
        p.ParameterName = "@pid";
        p.Value = persistenceId;
        command.Parameters.Add(p);
        using var reader = command.ExecuteReader();
        var rows = new List<JournalRow>();
        while (reader.Read())
        {
            var payload = (byte[])reader.GetValue(2);
            object e = system.Serialization.Deserialize(payload, reader.GetInt32(3), reader.IsDBNull(4) ? "" : reader.GetString(4));
            rows.Add(new JournalRow(reader.GetString(0), reader.GetInt64(1), (string)e));
        }
        return rows;
    }
}
