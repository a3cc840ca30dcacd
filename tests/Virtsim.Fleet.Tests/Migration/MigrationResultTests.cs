using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Migration;

namespace Virtsim.Fleet.Tests.Migration;

public class MigrationResultTests
{
    [Fact]
    public void The_json_has_the_issues_fields_in_order_with_names_for_mode_and_outcome()
    {
        var result = new MigrationResult
        {
            Vm = "h1/vm1", From = "h1", To = "h2", Mode = MigrationMode.Hybrid, Outcome = MigrationOutcome.RolledBack,
            Reason = "destination refused device state: feature bit 35 (VIRTIO_F_IN_ORDER)", Rounds = 3,
            MemoryBytesSent = 1_234_567_890, PagesResent = 4321, DeviceStateBytes = 2048,
            Downtime = TimeSpan.FromTicks(2_875_431), TotalTime = TimeSpan.FromSeconds(9.5), PostCopyFaults = 17,
        };
        Assert.Equal(
            """{"vm":"h1/vm1","from":"h1","to":"h2","mode":"hybrid","outcome":"rolled-back","reason":"destination refused device state: feature bit 35 (VIRTIO_F_IN_ORDER)","rounds":3,"memoryBytesSent":1234567890,"pagesResent":4321,"deviceStateBytes":2048,"downtimeUs":287543.1,"totalTimeUs":9500000,"postCopyFaults":17}""",
            result.ToJson());
    }

    [Fact]
    public void Every_mode_and_outcome_has_its_report_name_and_modes_parse_back()
    {
        Assert.Equal(["completed", "failed", "refused", "rolled-back", "vm-lost"], Enum.GetValues<MigrationOutcome>().Select(MigrationNames.Of));
        // A device switch is reported by name but is no scenario mode (it comes from device-switches).
        Assert.Equal("device-switch", MigrationNames.Of(MigrationMode.DeviceSwitch));
        Assert.False(MigrationNames.TryParseMode("device-switch", out _));
        var scenarioModes = Enum.GetValues<MigrationMode>().Where(m => m != MigrationMode.DeviceSwitch).ToList();
        Assert.Equal(MigrationNames.ModeNames, scenarioModes.Select(MigrationNames.Of));
        foreach (var mode in scenarioModes)
        {
            Assert.True(MigrationNames.TryParseMode(MigrationNames.Of(mode), out var parsed));
            Assert.Equal(mode, parsed);
        }
        Assert.False(MigrationNames.TryParseMode("PreCopy", out _));
        Assert.False(MigrationNames.TryParseMode(null, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => MigrationNames.Of((MigrationOutcome)9));
    }

    [Fact]
    public void A_list_of_results_is_the_reports_migrations_array()
    {
        var a = new MigrationResult { Vm = "h1/a", From = "h1", To = "h2", Mode = MigrationMode.PreCopy, Outcome = MigrationOutcome.Completed };
        var b = a with { Vm = "h1/b", Outcome = MigrationOutcome.Refused, Reason = "features" };
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            MigrationResult.WriteArray(writer, [a, b]);
            writer.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(stream.ToArray());
        var items = doc.RootElement.GetProperty("migrations").EnumerateArray().ToList();
        Assert.Equal(["h1/a", "h1/b"], items.Select(i => i.GetProperty("vm").GetString()));
        Assert.Equal("refused", items[1].GetProperty("outcome").GetString());
    }

    [Fact]
    public void Any_result_reads_back_from_its_json()
    {
        var names = Gen.Elements("h1/vm1", "rack-3/host \"7\"/vm", "ünïcode/vm", "a\\b", "");
        var cases =
            from vm in names
            from source in names
            from destination in names
            from mode in Gen.Elements(Enum.GetValues<MigrationMode>())
            from outcome in Gen.Elements(Enum.GetValues<MigrationOutcome>())
            from reason in names
            from rounds in Gen.Choose(0, 30)
            from bytes in Gen.Choose(0, int.MaxValue)
            from resent in Gen.Choose(0, int.MaxValue)
            from device in Gen.Choose(0, 1 << 20)
            from downtime in Gen.Choose(0, int.MaxValue)
            from total in Gen.Choose(0, int.MaxValue)
            from faults in Gen.Choose(0, int.MaxValue)
            from switched in names
            select new MigrationResult
            {
                Device = mode == MigrationMode.DeviceSwitch ? switched : null,
                FromVendor = mode == MigrationMode.DeviceSwitch ? source : null,
                ToVendor = mode == MigrationMode.DeviceSwitch ? destination : null,
                Vm = vm, From = source, To = destination, Mode = mode, Outcome = outcome, Reason = reason, Rounds = rounds,
                MemoryBytesSent = bytes * 4096L, PagesResent = resent, DeviceStateBytes = device,
                Downtime = TimeSpan.FromTicks(downtime), TotalTime = TimeSpan.FromTicks(total * 100L), PostCopyFaults = faults,
            };
        Prop.ForAll(cases.ToArbitrary(), r =>
        {
            string json = r.ToJson();
            using var doc = JsonDocument.Parse(json);
            var e = doc.RootElement;
            var mode = Enum.GetValues<MigrationMode>().Single(m => MigrationNames.Of(m) == e.GetProperty("mode").GetString());
            string? Switch(string key) => mode == MigrationMode.DeviceSwitch ? e.GetProperty(key).GetString() : null;
            var back = new MigrationResult
            {
                Vm = e.GetProperty("vm").GetString()!, From = e.GetProperty("from").GetString()!, To = e.GetProperty("to").GetString()!,
                Mode = mode,
                Device = Switch("device"), FromVendor = Switch("fromVendor"), ToVendor = Switch("toVendor"),
                Outcome = Enum.GetValues<MigrationOutcome>().Single(o => MigrationNames.Of(o) == e.GetProperty("outcome").GetString()),
                Reason = e.GetProperty("reason").GetString()!, Rounds = e.GetProperty("rounds").GetInt32(),
                MemoryBytesSent = e.GetProperty("memoryBytesSent").GetInt64(), PagesResent = e.GetProperty("pagesResent").GetInt64(),
                DeviceStateBytes = e.GetProperty("deviceStateBytes").GetInt64(),
                Downtime = TimeSpan.FromTicks((long)Math.Round(e.GetProperty("downtimeUs").GetDouble() * 10)),
                TotalTime = TimeSpan.FromTicks((long)Math.Round(e.GetProperty("totalTimeUs").GetDouble() * 10)),
                PostCopyFaults = e.GetProperty("postCopyFaults").GetInt64(),
            };
            return back == r && !json.Contains('\n');
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }
}
