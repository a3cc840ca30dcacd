namespace Virtsim.Persistence.Tests;

/// <summary>The test classes that share <see cref="PostgresFixture"/> (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "PostgreSQL server";
}
