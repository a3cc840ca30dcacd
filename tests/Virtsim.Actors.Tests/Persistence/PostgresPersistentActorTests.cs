using Virtsim.Tests.Shared;
using Virtsim.Actors.Tests.TestKit;

namespace Virtsim.Actors.Tests.Persistence;

[Collection(PostgresCollection.Name)]
public sealed class PostgresPersistentActorTests(PostgresFixture fixture) : PersistentActorStoreTests
{
    protected override async Task<TestStores> CreateStoresAsync() => await PostgresStores.CreateAsync(fixture.Cluster);

    [Theory, MemberData(nameof(Both))]
    public Task A_corrupted_row_stops_recovery(DispatcherKind kind) => A_corrupted_row_stops_recovery_with_an_error_naming_id_and_sequence_nr(kind);
}
