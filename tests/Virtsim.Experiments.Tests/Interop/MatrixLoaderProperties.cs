using FsCheck;
using FsCheck.Fluent;
using Virtsim.Experiments.Interop;
using Virtsim.Hocon;

namespace Virtsim.Experiments.Tests.Interop;

/// <summary>
/// Matrix files come from users: any text made of the matrix's own words and HOCON punctuation either loads or is
/// refused with a located <see cref="HoconException"/>, never another exception; and a matrix that loads has only
/// cells whose driver, device, type and transport go together.
/// </summary>
public class MatrixLoaderProperties
{
    private static readonly string[] Words =
    [
        "drivers", "devices", "types", "transports", "rings", "feature-sets", "vendors", "requests", "timeout", "expect-fail",
        "kernel", "poll", "virtsim-vhost-user", "dpdk-virtio-user", "acme-vf", "swift-vhost", "dpdk-vhost", "qsd-blk", "rogue", "blk", "net",
        "pci", "mmio", "vhost-user", "split", "packed", "default", "minimal", "all-offered", "name", "features", "mode", "quirk-table",
        "none", "vendor", "interrupt", "reason", "device", "driver", "VERSION_1", "EVENT_IDX", "CTRL_RX", "BIT_200", "backend", "hardware-vf",
        "=", "=", ":", "[", "]", "{", "}", ",", "\n", " ", "\"x\"", "0", "5", "-1", "10s", "0s", "null", "true",
    ];

    private static readonly string[] Keys = Words[..10];

    // Mostly well-formed lines (key = [words] or key = word) with some token soup, so both loader and parser errors come up.
    private static readonly Gen<string> Line = Gen.OneOf(
        Gen.Elements(Keys).SelectMany(k => Gen.ListOf(Gen.Elements(Words[10..^17])).Select(ws => $"{k} = [{string.Join(", ", ws)}]")),
        Gen.Elements(Keys).SelectMany(k => Gen.Elements(Words[10..]).Select(w => $"{k} = {w}")),
        Gen.ListOf(Gen.Elements(Words)).Select(ws => string.Join(" ", ws)));

    internal static int Cases = 300;

    [Fact]
    public void Any_matrix_text_loads_or_is_refused_at_a_location()
    {
        var texts = Gen.ListOf(Line).Select(lines => string.Join("\n", lines)).ToArbitrary();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases), Prop.ForAll(texts, text =>
        {
            InteropMatrix matrix;
            try { matrix = MatrixLoader.Load(HoconConfig.Parse(text), "m.conf"); }
            catch (HoconException e) { return System.Text.RegularExpressions.Regex.IsMatch(e.Message, @":\d+:\d+: ").Label(e.Message); }
            return (matrix.Cells.All(c => c.Driver.Supports(c.Transport) && c.Device.Supports(c.Transport) && c.Device.Has(c.Type))).Label(text);
        }));
    }
}
