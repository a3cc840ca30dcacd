using Virtsim.Persistence.Testing;

namespace Virtsim.Persistence.Tests;

/// <summary>Without PostgreSQL binaries the server helper fails loudly with the way to get them.</summary>
public sealed class PostgresTestClusterTests
{
    [Fact]
    public async Task Missing_binaries_fail_with_a_message_naming_the_test_script()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgresTestCluster.StartAsync("/nonexistent/postgresql/bin"));
        Assert.Contains("scripts/test.sh", e.Message);
        Assert.Contains("postgresql", e.Message);
    }

    [Fact]
    public void The_installed_binaries_are_found() =>
        Assert.True(PostgresTestCluster.FindBinDirectory() is not null, "PostgreSQL binaries missing: run scripts/test.sh, which installs the 'postgresql' package.");
}
