using Virtsim.Hosting.Persistence;

namespace Virtsim.Tests.Shared;

/// <summary>
/// One throwaway PostgreSQL server (<see cref="TemporaryPostgresServer"/>, linked from tests/Shared) shared by every
/// PostgreSQL test class of a test project. When the binaries are missing the fixture fails, and with it every
/// PostgreSQL test, with a message saying how to install them: in CI no PostgreSQL test is skipped.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private TemporaryPostgresServer? _cluster;

    /// <summary>The running server.</summary>
    public TemporaryPostgresServer Cluster => _cluster ?? throw new InvalidOperationException("The PostgreSQL test server is not running.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _cluster = await TemporaryPostgresServer.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}

/// <summary>The test classes that share <see cref="PostgresServerFixture"/> (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresServerCollection : ICollectionFixture<PostgresServerFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "PostgreSQL server";
}
