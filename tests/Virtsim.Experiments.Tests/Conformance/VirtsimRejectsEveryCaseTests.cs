using Virtsim.Experiments.Conformance;

namespace Virtsim.Experiments.Tests.Conformance;

/// <summary>
/// Virtsim's own device and driver must reject every violation of the catalogue: one test per case and peer, so a
/// regression fails by the case's name with the observation behind the verdict.
/// </summary>
public class VirtsimRejectsEveryCaseTests
{
    /// <summary>The driver-side cases (run against Virtsim's device).</summary>
    public static TheoryData<string> DriverCases() => Ids(ViolationSide.Driver);

    /// <summary>The device-side cases (run against Virtsim's driver).</summary>
    public static TheoryData<string> DeviceCases() => Ids(ViolationSide.Device);

    [Theory]
    [MemberData(nameof(DriverCases))]
    public void Virtsims_device_rejects(string id) => AssertRejected(id, ConformancePeer.VirtsimDevice);

    [Theory]
    [MemberData(nameof(DeviceCases))]
    public void Virtsims_driver_rejects(string id) => AssertRejected(id, ConformancePeer.VirtsimDriver);

    private static void AssertRejected(string id, ConformancePeer peer)
    {
        var report = ConformanceSuite.Run(new ConformanceOptions { Peers = [peer], CaseIds = [id] });
        var result = Assert.Single(report.Results);
        Assert.True(result.Verdict == Verdict.Rejected,
            $"{peer.Name()} {id}: {result.Verdict?.Name() ?? "n/a"}: {result.Reason}\n{string.Join('\n', result.PeerOutput)}");
        Assert.False(report.VirtsimFailed);
    }

    private static TheoryData<string> Ids(ViolationSide side)
    {
        var data = new TheoryData<string>();
        foreach (var c in ConformanceCatalogue.All.Where(c => c.Side == side)) data.Add(c.Id);
        return data;
    }
}
