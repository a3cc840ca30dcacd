using System.Diagnostics;
using System.Globalization;
using Virtsim.Fleet.Migrating;
using Virtsim.Fleet.Migration;

namespace Virtsim.Bench.Migration;

/// <summary>
/// <c>migration-model [--seed N] [--in-world]</c>: the pre-copy sweep (<see cref="PreCopySweep"/>), analytical model
/// against the page-level simulation, as the markdown table docs/migration.md shows, and the wall time it took; with
/// <c>--in-world</c> the model against the actors' migrations in simulated worlds (<see cref="InWorldPreCopySweep"/>).
/// </summary>
public static class MigrationModelReport
{
    /// <summary>Prints the table; returns 0, 1 when a row disagrees, 2 on a usage mistake.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter errors)
    {
        int? seedGiven = null;
        bool inWorld = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--in-world")
            {
                inWorld = true;
                continue;
            }
            if (args[i] == "--seed" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int given))
            {
                seedGiven = given;
                i++;
                continue;
            }
            errors.WriteLine($"migration-model: unexpected argument '{args[i]}' (usage: migration-model [--seed N] [--in-world])");
            return 2;
        }
        if (inWorld) return InWorld(seedGiven ?? InWorldPreCopySweep.DefaultSeed, output);
        int seed = seedGiven ?? PreCopySweep.DefaultSeed;
        var clock = Stopwatch.StartNew();
        var rows = PreCopySweep.Run(seed);
        clock.Stop();
        output.Write(PreCopySweep.ToMarkdown(rows));
        output.WriteLine();
        output.WriteLine(FormattableString.Invariant($"{rows.Count} cells, seed {seed}, {clock.Elapsed.TotalSeconds:0.0} s wall time; {rows.Count(r => !r.Agrees)} disagree"));
        return rows.All(r => r.Agrees) ? 0 : 1;
    }

    private static int InWorld(int seed, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var rows = InWorldPreCopySweep.Run(seed);
        clock.Stop();
        output.Write(InWorldPreCopySweep.ToMarkdown(rows));
        output.WriteLine();
        output.WriteLine(FormattableString.Invariant($"{rows.Count} worlds, seed {seed}, {clock.Elapsed.TotalSeconds:0.0} s wall time; {rows.Count(r => !r.Agrees)} disagree"));
        return rows.All(r => r.Agrees) ? 0 : 1;
    }
}
