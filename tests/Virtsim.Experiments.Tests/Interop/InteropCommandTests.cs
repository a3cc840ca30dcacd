using System.Text.Json;
using Virtsim.Cli;

namespace Virtsim.Experiments.Tests.Interop;

/// <summary>
/// <c>virtsim interop</c> run in process over in-process drivers and devices: a clean matrix passes with every byte
/// verified; a vendor whose broken feature the driver does not mask, a feature set the device refuses and a driver
/// without a quirk table fail their cells with the right result and make the command exit 1; bad matrices exit 2 with
/// file:line:col.
/// </summary>
public sealed class InteropCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("virtsim-interop-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    internal string Matrix(string text)
    {
        string path = Path.Combine(_folder, $"m{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, text);
        return path;
    }

    internal static (int Code, string Stdout, string Stderr) Interop(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var run = Task.Run(() => CliApp.Run(["interop", .. args], TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), false));
        Assert.True(run.Wait(120_000), "interop did not return");
        return (run.Result, stdout.ToString(), stderr.ToString());
    }

    private static List<JsonElement> Results(string json) => JsonDocument.Parse(json).RootElement.GetProperty("results").EnumerateArray().ToList();

    private static JsonElement Cell(List<JsonElement> results, string driver, string device, string type, string features = "default") =>
        results.Single(r => r.GetProperty("driver").GetString() == driver && r.GetProperty("device").GetString() == device
            && r.GetProperty("type").GetString() == type && r.GetProperty("featureSet").GetString() == features
            && r.GetProperty("transport").GetString() == "pci" && r.GetProperty("ring").GetString() == "split");

    [Fact]
    public void Every_driver_model_against_every_vendor_profile_passes_with_its_data_verified()
    {
        var (code, stdout, stderr) = Interop(Matrix("""
            drivers = [kernel, poll]
            devices = [acme-vf, swift-vhost, qemu-emu, nimble-vdpa]
            transports = [pci, mmio]
            rings = [split, packed]
            feature-sets = [default, minimal, all-offered]
            requests = 40
            """), "--json");
        Assert.True(code == 0, stderr + stdout);
        var results = Results(stdout);
        Assert.Equal(2 * 4 * 2 * 2 * 2 * 3, results.Count);
        Assert.All(results, r => Assert.Equal("passed", r.GetProperty("result").GetString()));
        Assert.All(results.Where(r => r.GetProperty("type").GetString() == "blk"),
            r => Assert.Equal("blk: 40 writes + 40 reads, 160 KiB verified", r.GetProperty("traffic").GetString()));
        Assert.All(results.Where(r => r.GetProperty("type").GetString() == "net"),
            r => Assert.StartsWith("net: 40 sent, 40 received", r.GetProperty("traffic").GetString()));
        // acme-vf's broken EVENT_IDX is masked by the quirk table (its subsystem vendor id is known) and never negotiated.
        var acme = Cell(results, "kernel", "acme-vf", "blk");
        Assert.Equal("EVENT_IDX", acme.GetProperty("maskedNames").GetString());
        Assert.DoesNotContain("EVENT_IDX", acme.GetProperty("negotiatedNames").GetString());
        Assert.Contains("EVENT_IDX", Cell(results, "kernel", "swift-vhost", "blk").GetProperty("negotiatedNames").GetString());
        // Packed cells run on packed rings: the negotiated set holds RING_PACKED.
        Assert.All(results.Where(r => r.GetProperty("ring").GetString() == "packed"),
            r => Assert.Contains("RING_PACKED", r.GetProperty("negotiatedNames").GetString()));
    }

    internal const string Planted = """
        drivers = [kernel, poll, { name = kernel-no-quirks, mode = interrupt, quirk-table = none }]
        devices = [acme-vf, rogue]
        transports = [pci, mmio]
        rings = [split]
        feature-sets = [default, { name = ctrl-rx-alone, features = [VERSION_1, VIRTIO_NET_F_CTRL_RX] }]
        vendors { rogue { backend = hardware-vf, subsystem-vendor-id = 0x1234, quirks { broken-features = [INDIRECT_DESC] } } }
        requests = 16
        """;

    [Fact]
    public void Planted_faults_fail_their_cells_with_the_right_reason_and_exit_1()
    {
        var (code, stdout, stderr) = Interop(Matrix(Planted), "--json");
        Assert.True(code == 1, stderr + stdout);
        var results = Results(stdout);
        // A vendor the quirk table does not know: its broken INDIRECT_DESC is negotiated and corrupts what the device writes.
        foreach (var type in new[] { "blk", "net" })
        {
            var rogue = Cell(results, "kernel", "rogue", type);
            Assert.Equal("data-mismatch", rogue.GetProperty("result").GetString());
            Assert.Contains("INDIRECT_DESC", rogue.GetProperty("negotiatedNames").GetString());
            Assert.Contains(type == "blk" ? "read back differs" : "came back wrong", rogue.GetProperty("reason").GetString());
        }
        // CTRL_RX without CTRL_VQ: the net device refuses FEATURES_OK; blk does not offer CTRL_RX and passes.
        var refused = Cell(results, "poll", "acme-vf", "net", "ctrl-rx-alone");
        Assert.Equal("refused-features-ok", refused.GetProperty("result").GetString());
        Assert.Contains("FEATURES_OK did not stick for CTRL_RX|VERSION_1 (the device: ", refused.GetProperty("reason").GetString());
        Assert.Contains("CTRL_RX requires CTRL_VQ", refused.GetProperty("reason").GetString());
        Assert.Equal("passed", Cell(results, "poll", "acme-vf", "blk", "ctrl-rx-alone").GetProperty("result").GetString());
        // Without the quirk table acme-vf's EVENT_IDX is negotiated and loses interrupts: kernel style times out.
        var unmasked = Cell(results, "kernel-no-quirks", "acme-vf", "blk");
        Assert.Equal("timeout", unmasked.GetProperty("result").GetString());
        Assert.Contains("no used-buffer interrupt", unmasked.GetProperty("reason").GetString());
        Assert.Equal("passed", Cell(results, "kernel", "acme-vf", "blk").GetProperty("result").GetString());
        Assert.Equal("passed", Cell(results, "poll", "acme-vf", "blk").GetProperty("result").GetString());
    }

    [Fact]
    public void Expected_failures_do_not_fail_the_command_and_the_table_says_so()
    {
        var (code, stdout, stderr) = Interop(Matrix(Planted + """

            expect-fail = [
              { device = rogue, feature-set = default, reason = "rogue's INDIRECT_DESC is broken and no driver knows it" }
              { feature-set = ctrl-rx-alone, type = net, reason = "CTRL_RX needs CTRL_VQ" }
              { driver = kernel-no-quirks, device = acme-vf, feature-set = default, reason = "acme-vf's EVENT_IDX loses interrupts" }
            ]
            """));
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("data-mismatch (expected)", stdout);
        Assert.Contains("timeout (expected)", stdout);
        Assert.DoesNotContain("FAILED", stdout);
    }

    [Theory]
    [InlineData("drivers = [kernel, qemu]", ":1:20: unknown driver 'qemu' (valid: kernel, poll, virtsim-vhost-user, dpdk-virtio-user)")]
    [InlineData("devices = [acme-vf]\ntransports = [pci, usb]", ":2:20: unknown transport 'usb' (valid: pci, mmio, vhost-user)")]
    [InlineData("devices = [nope]", ":1:12: unknown device 'nope' (valid: acme-vf, swift-vhost, qemu-emu, nimble-vdpa")]
    [InlineData("rigns = [split]", ":1:9: unknown key 'rigns'")]
    [InlineData("feature-sets = [{ name = x, features = [EVENT_IDX, NOPE] }]", ":1:52: unknown feature 'NOPE'")]
    [InlineData("expect-fail = [{ device = acme-vf }]", ":1:16: an expect-fail entry needs a reason")]
    [InlineData("drivers = [kernel", ":1:")]
    public void A_bad_matrix_exits_2_with_its_location(string text, string message)
    {
        string path = Matrix(text);
        var (code, stdout, stderr) = Interop(path);
        Assert.Equal(2, code);
        Assert.Contains(Path.GetFileName(path) + message, stderr);
        Assert.Equal("", stdout);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void A_missing_file_or_html_folder_exits_2()
    {
        Assert.Equal(2, Interop(Path.Combine(_folder, "none.conf")).Code);
        Assert.Equal(2, Interop(Matrix("devices = [acme-vf]"), "--html", "/nonexistent-folder-of-virtsim/m.html").Code);
        Assert.Equal(2, Interop().Code);
    }
}
