using System.Globalization;
using System.Text.RegularExpressions;
using Virtsim.Fleet.Tests.Cli;

namespace Virtsim.Fleet.Tests.Cluster;

/// <summary><c>virtsim cluster probe</c> as the failover and partition tests use it.</summary>
internal static partial class ProbeCommand
{
    [GeneratedRegex(@"probe (\S+): value (\d+) after (\d+) adds, on (\S+)")]
    private static partial Regex ProbeLine();

    /// <summary>Reads, or adds <paramref name="add"/> to, the probe entity; the parsed line, or null when no node answered.</summary>
    public static (long Value, long Adds, string Node)? Run(string config, string entity, long add = 0)
    {
        var (code, output, errors) = CliHarness.Run("cluster", "probe", "--config", config, "--entity", entity, "--add", add.ToString(CultureInfo.InvariantCulture));
        if (code == 5 && errors.Contains("no node answered", StringComparison.Ordinal)) return null;
        Assert.True(code == 0, $"cluster probe exited {code}: {errors}");
        var m = ProbeLine().Match(output);
        Assert.True(m.Success, output);
        Assert.Equal(entity, m.Groups[1].Value);
        return (long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), m.Groups[4].Value);
    }
}
