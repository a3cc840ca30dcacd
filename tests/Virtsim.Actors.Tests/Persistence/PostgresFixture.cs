using Virtsim.Persistence.Testing;

namespace Virtsim.Actors.Tests.Persistence;

/// <summary>
/// One throwaway PostgreSQL server for every PostgreSQL test class of this project, started the same way as in
/// Virtsim.Persistence.Tests. When the binaries are missing the fixture fails, and with it every PostgreSQL test,
/// with a message saying how to install them: nothing is skipped.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresTestCluster? _cluster;

    public PostgresTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The PostgreSQL test server is not running.");

    public async Task InitializeAsync() => _cluster = await PostgresTestCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}

/// <summary>The test classes that share <see cref="PostgresFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL server (actors)";
}
