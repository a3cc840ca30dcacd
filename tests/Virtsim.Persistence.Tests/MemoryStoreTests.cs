namespace Virtsim.Persistence.Tests;

/// <summary>The store contract on the in-memory stores.</summary>
public sealed class MemoryStoreTests : StoreContractTests
{
    /// <inheritdoc />
    protected override Task<StoreHarness> CreateHarnessAsync() => Task.FromResult<StoreHarness>(new MemoryHarness());

    [Fact]
    public Task Random_operations_agree_with_the_model() => Task.Run(() => JournalModelProperty.Check(J, 200));
}
