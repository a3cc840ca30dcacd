using Virtsim.Actors.Tests.TestKit;

namespace Virtsim.Actors.Tests.Persistence;

public sealed class SqlitePersistentActorTests : PersistentActorStoreTests
{
    protected override async Task<TestStores> CreateStoresAsync() => await SqliteStores.CreateAsync();

    [Theory, MemberData(nameof(Both))]
    public Task A_corrupted_row_stops_recovery(DispatcherKind kind) => A_corrupted_row_stops_recovery_with_an_error_naming_id_and_sequence_nr(kind);
}
