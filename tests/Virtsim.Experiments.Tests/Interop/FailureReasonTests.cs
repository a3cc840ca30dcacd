using System.Text.Json;
using Virtsim.Experiments.Interop;
using Virtsim.Experiments.Tests.Interop.TestDevices;
using Virtsim.Hocon;
using Virtsim.Virtio.Devices;

namespace Virtsim.Experiments.Tests.Interop;

/// <summary>
/// Every reason a cell can fail for, from one real run of the matrix machinery over in-process drivers and devices:
/// refused FEATURES_OK (CTRL_RX without CTRL_VQ), DEVICE_NEEDS_RESET with its cause (a test-only device that breaks
/// down mid-traffic), data mismatch with where (a test-only device whose DMA flips a byte) and timeout (a driver
/// without quirk table against acme-vf's broken EVENT_IDX). Each reason is in the JSON document, the table and the
/// HTML page, and the report fails (the command exits 1).
/// </summary>
public class FailureReasonTests
{
    private const int Requests = 32;

    // breaks-down and corrupts are vendor profiles of the matrix; the test-only devices take their place.
    private const string Text = """
        drivers = [kernel, { name = kernel-no-quirks, mode = interrupt, quirk-table = none }]
        devices = [acme-vf, breaks-down, corrupts]
        types = [blk, net]
        transports = [pci]
        rings = [split]
        feature-sets = [default, { name = ctrl-rx-alone, features = [VERSION_1, VIRTIO_NET_F_CTRL_RX] }]
        vendors {
          breaks-down { backend = hardware-vf, subsystem-vendor-id = 0x1235 }
          corrupts { backend = hardware-vf, subsystem-vendor-id = 0x1236 }
        }
        requests = 32
        """;

    // blk: the 17th request's data buffer is out of range; net: the 17th transmitted frame's. blk: byte 100 of the 4th
    // block read (chain 32 + 3, after the 32 writes) flips; net: byte 50 of the 6th frame (after its 12-byte header).
    private static IDeviceHandler TestDevice(InteropCell cell, IDeviceHandler real) => (cell.Device.Name, cell.TypeName) switch
    {
        ("breaks-down", "blk") => new ResettingDevice(real, queue: 0, served: 16),
        ("breaks-down", _) => new ResettingDevice(real, queue: 1, served: 16),
        ("corrupts", "blk") => new CorruptingDevice(real, queue: 0, chain: Requests + 3, offset: 100),
        ("corrupts", _) => new CorruptingDevice(real, queue: 1, chain: 5, offset: 12 + 50),
        _ => real,
    };

    private static InteropReport Run(bool testDevices)
    {
        var matrix = MatrixLoader.Load(HoconConfig.Parse(Text), "reasons.conf");
        return InteropRunner.Run(matrix, matrix.Options with { WrapDevice = testDevices ? TestDevice : null });
    }

    private static JsonElement Cell(JsonElement results, string driver, string device, string type, string features = "default") =>
        results.EnumerateArray().Single(r => r.GetProperty("driver").GetString() == driver && r.GetProperty("device").GetString() == device
            && r.GetProperty("type").GetString() == type && r.GetProperty("featureSet").GetString() == features);

    [Fact]
    public void Each_reason_comes_out_of_a_matrix_run_in_the_json_the_table_and_the_html()
    {
        var report = Run(testDevices: true);
        var json = JsonDocument.Parse(report.ToJson()).RootElement;
        var results = json.GetProperty("results");
        Assert.True(json.GetProperty("failed").GetBoolean());
        string table = report.ToTable();
        string html = report.ToHtml("virtsim interop reasons.conf");

        void Expect(JsonElement cell, string result, string reason)
        {
            Assert.Equal(result, cell.GetProperty("result").GetString());
            Assert.True(cell.GetProperty("reason").GetString()!.StartsWith(reason, StringComparison.Ordinal), cell.GetProperty("reason").GetString());
            Assert.True(cell.GetProperty("expectedToPass").GetBoolean());
            Assert.True(cell.GetProperty("unexpected").GetBoolean());
            string full = cell.GetProperty("reason").GetString()!;
            Assert.Contains($": {result}: {full}", table);
            Assert.Contains($"data-result=\"{result}\"", html);
            Assert.Contains(full, html); // nothing in these reasons needs escaping
        }

        // A feature set the device cannot present: CTRL_RX without CTRL_VQ.
        Expect(Cell(results, "kernel", "acme-vf", "net", "ctrl-rx-alone"), "refused-features-ok", "FEATURES_OK did not stick for CTRL_RX|VERSION_1 (the device: ");
        Assert.Contains("CTRL_RX requires CTRL_VQ", Cell(results, "kernel", "acme-vf", "net", "ctrl-rx-alone").GetProperty("reason").GetString());
        // A device that sets DEVICE_NEEDS_RESET mid-traffic: the reason names where the traffic stood and the device's cause.
        Expect(Cell(results, "kernel", "breaks-down", "blk"), "needs-reset", "writing block 16: DEVICE_NEEDS_RESET: queue 0: BufferOutOfRange at descriptor ");
        Expect(Cell(results, "kernel", "breaks-down", "net"), "needs-reset", "transmitting frame 16: DEVICE_NEEDS_RESET: queue 1: BufferOutOfRange at descriptor ");
        Assert.Equal("blk: 16 of 32 writes", Cell(results, "kernel", "breaks-down", "blk").GetProperty("traffic").GetString());
        // A device that corrupts a byte: which block or frame, and which byte.
        Expect(Cell(results, "kernel", "corrupts", "blk"), "data-mismatch", "block 3 read back differs from what was written at byte 100");
        Expect(Cell(results, "kernel", "corrupts", "net"), "data-mismatch", "frame 5 came back wrong (212 bytes written into receive buffer 5, 212 expected; first difference at byte 50 of the frame: ");
        // No progress: acme-vf's EVENT_IDX loses interrupts when the driver does not mask it.
        Expect(Cell(results, "kernel-no-quirks", "acme-vf", "blk"), "timeout", "writing block 0: 8 buffers never came back: no used-buffer interrupt came for queue 0");
        // The cells around them ran and passed.
        Assert.Equal("passed", Cell(results, "kernel", "acme-vf", "blk").GetProperty("result").GetString());
        Assert.Equal("passed", Cell(results, "kernel", "acme-vf", "net").GetProperty("result").GetString());
        Assert.Equal("passed", Cell(results, "kernel", "acme-vf", "blk", "ctrl-rx-alone").GetProperty("result").GetString());
    }

    [Fact]
    public void Without_the_test_devices_the_same_vendors_pass()
    {
        var report = Run(testDevices: false);
        foreach (var device in new[] { "breaks-down", "corrupts" })
            Assert.All(report.Results.Where(r => r.Cell.Device.Name == device && (r.Cell.TypeName == "blk" || r.Cell.Features.Name == "default")),
                r => Assert.True(r.Outcome == CellOutcome.Passed, $"{r.Cell.Id}: {r.Outcome}: {r.Reason}"));
    }
}
