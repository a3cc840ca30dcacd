using System.Globalization;

namespace Virtsim.Cli.Swarm;

/// <summary>The seeds of a swarm, <c>A..B</c> (both included).</summary>
/// <param name="First">The first seed.</param>
/// <param name="Last">The last seed (at least <paramref name="First"/>).</param>
internal sealed record SeedRange(int First, int Last)
{
    /// <summary>At most this many seeds in one swarm.</summary>
    public const int MaxCount = 1_000_000;

    /// <summary>How many seeds.</summary>
    public int Count => Last - First + 1;

    /// <summary>The seeds in order.</summary>
    public IEnumerable<int> Seeds => Enumerable.Range(First, Count);

    /// <summary>Parses "A..B", or says what is wrong with it.</summary>
    public static SeedRange? Parse(string text, out string? error)
    {
        error = null;
        var parts = text.Split("..");
        if (parts.Length != 2 || !Seed(parts[0], out int first) || !Seed(parts[1], out int last))
        {
            error = $"--seeds must be a range A..B of seeds from 0 to {int.MaxValue} (got '{text}')";
            return null;
        }
        if (last < first) error = $"--seeds {text}: the last seed is below the first";
        else if ((long)last - first + 1 > MaxCount) error = $"--seeds {text}: at most {MaxCount:N0} seeds";
        return error is null ? new SeedRange(first, last) : null;
    }

    private static bool Seed(string s, out int seed) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out seed);
}
