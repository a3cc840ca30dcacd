using Virtsim.Experiments.Interop;
using Virtsim.Hocon;

namespace Virtsim.Experiments.Tests.Interop;

/// <summary>Cells whose real peers are not installed are reported unavailable with how to install them, and fail nothing.</summary>
public class UnavailablePeerTests
{
    [Fact]
    public void Cells_of_missing_peers_are_unavailable_with_the_package_to_install()
    {
        var matrix = MatrixLoader.Load(HoconConfig.Parse("""
            drivers = [virtsim-vhost-user, dpdk-virtio-user]
            devices = [dpdk-vhost, qsd-blk, virtsim-vhost-user]
            transports = [vhost-user]
            rings = [split]
            """), "m.conf");
        var options = matrix.Options with { TestpmdPath = "/nonexistent/dpdk-testpmd", QsdPath = "/nonexistent/qemu-storage-daemon" };
        var report = InteropRunner.Run(matrix with { Cells = matrix.Cells.Where(c => c.Device.Kind != InteropDeviceKind.VirtsimVhostUser || c.Driver.Kind == InteropDriverKind.DpdkVirtioUser).ToList() }, options);
        Assert.Equal(3, report.Results.Count); // dpdk-vhost net, qsd-blk blk, dpdk-virtio-user against Virtsim's back-end
        Assert.All(report.Results, r => Assert.Equal(CellOutcome.Unavailable, r.Outcome));
        Assert.Contains(report.Results, r => r.Reason == "/nonexistent/dpdk-testpmd is not installed (Debian package dpdk; `bash scripts/test.sh` installs it)");
        Assert.Contains(report.Results, r => r.Reason.Contains("qemu-system-common; `bash scripts/test.sh` installs it", StringComparison.Ordinal));
        Assert.False(report.Failed);
        Assert.Contains("3 unavailable", report.ToTable());
    }
}
