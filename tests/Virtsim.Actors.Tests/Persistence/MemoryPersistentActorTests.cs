namespace Virtsim.Actors.Tests.Persistence;

public sealed class MemoryPersistentActorTests : PersistentActorStoreTests
{
    protected override Task<TestStores> CreateStoresAsync() => Task.FromResult<TestStores>(new MemoryStores());
}
