namespace Virtsim.Actors.Tests.TestKit;

/// <summary>Which dispatcher a test runs on; actor tests run on both.</summary>
public enum DispatcherKind
{
    Threaded,
    Simulation,
}
