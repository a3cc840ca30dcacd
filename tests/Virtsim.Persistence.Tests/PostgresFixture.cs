using Virtsim.Persistence.Testing;

namespace Virtsim.Persistence.Tests;

/// <summary>
/// One throwaway PostgreSQL server shared by every PostgreSQL test class. When the binaries are missing the
/// fixture fails, and with it every PostgreSQL test, with a message saying how to install them: in CI no
/// PostgreSQL test is skipped.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresTestCluster? _cluster;

    /// <summary>The running server.</summary>
    public PostgresTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The PostgreSQL test server is not running.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _cluster = await PostgresTestCluster.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
