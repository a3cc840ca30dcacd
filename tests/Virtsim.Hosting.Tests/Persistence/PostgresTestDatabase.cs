using Npgsql;
using Virtsim.Hosting.Persistence;
using Virtsim.Tests.Shared;

namespace Virtsim.Hosting.Tests.Persistence;

/// <summary>An empty database of its own for one test on the shared throwaway server, dropped on dispose.</summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    private readonly TemporaryPostgresServer _server;

    private PostgresTestDatabase(TemporaryPostgresServer server, string name)
    {
        _server = server;
        Name = name;
    }

    /// <summary>The database name.</summary>
    public string Name { get; }

    /// <summary>A connection string to the database as the server's superuser.</summary>
    public string ConnectionString =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = _server.Port, Username = "postgres", Database = Name, Timeout = 30 }.ConnectionString;

    /// <summary>Creates the database.</summary>
    public static async Task<PostgresTestDatabase> CreateAsync(TemporaryPostgresServer server)
    {
        var db = new PostgresTestDatabase(server, "t_" + Guid.NewGuid().ToString("N")[..16]);
        await db.AdminAsync($"CREATE DATABASE {db.Name};");
        return db;
    }

    /// <summary>The values of the first column of <paramref name="sql"/> run in the database.</summary>
    public async Task<List<string>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        return values;
    }

    /// <summary>Drops the database (closing the connections Akka's pools still hold).</summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await AdminAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE);");
    }

    private async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
