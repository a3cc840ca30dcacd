using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Virtsim.Hocon;

namespace Virtsim.Bench.Hocon;

/// <summary>
/// Parse and resolve of one object that gets <see cref="Keys"/> keys one line at a time, as dotted paths
/// (<c>a.k7 = 1</c>) or as repeated blocks (<c>a { k7 = 1 }</c>): every line merges into the same object, so the cost
/// shows whether a merge copies what is already there (quadratic) or only adds the new key (linear).
/// <c>dotnet run -c Release --project bench/Virtsim.Bench -- --filter '*HoconMerge*'</c>; results in docs/hocon.md.
/// </summary>
[MemoryDiagnoser]
public class HoconMergeBenchmarks
{
    private string _dotted = "";
    private string _blocks = "";

    /// <summary>Keys merged into the object.</summary>
    [Params(10_000, 100_000)]
    public int Keys { get; set; }

    /// <summary>Builds both documents (1.4 MB and 1.9 MB for 100,000 keys).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _dotted = Document(Keys, "a.k{0} = 1");
        _blocks = Document(Keys, "a {{ k{0} = 1 }}");
    }

    private static string Document(int keys, string line)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < keys; i++) sb.AppendFormat(CultureInfo.InvariantCulture, line, i).Append('\n');
        return sb.ToString();
    }

    private static HoconConfig Parse(string text) => HoconConfig.Parse(text, new HoconParseOptions { Environment = _ => null });

    /// <summary><c>a.kN = 1</c> lines: parse and resolve.</summary>
    [Benchmark]
    public int DottedLines() => Parse(_dotted).GetConfig("a").Root.Count;

    /// <summary><c>a { kN = 1 }</c> blocks: parse and resolve.</summary>
    [Benchmark]
    public int RepeatedBlocks() => Parse(_blocks).GetConfig("a").Root.Count;
}
