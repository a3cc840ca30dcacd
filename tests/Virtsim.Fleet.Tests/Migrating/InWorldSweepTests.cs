using Virtsim.Fleet.Migrating;
using Virtsim.Hocon.Tests;

namespace Virtsim.Fleet.Tests.Migrating;

/// <summary>
/// The in-world model check (docs/migration.md, "In-world model check"): every cell of <see cref="InWorldPreCopySweep"/>
/// run as a world by the actors agrees with the analytical model (rounds, memory bytes sent and downtime within 5%), and
/// the table in docs/migration.md is the one the sweep computes.
/// </summary>
public class InWorldSweepTests
{
    private static readonly Lazy<IReadOnlyList<InWorldSweepRow>> Sweep = new(() => InWorldPreCopySweep.Run());

    [Fact]
    public void Every_world_of_the_sweep_agrees_with_the_model()
    {
        var rows = Sweep.Value;
        Assert.True(rows.Count >= 12);
        Assert.Contains(rows, r => r.Settings.AutoConverge && r.Model.FinalThrottlePercent > 0);
        var disagreeing = rows.Where(r => !r.Agrees).ToList();
        Assert.True(disagreeing.Count == 0, "disagreeing rows:\n" + InWorldPreCopySweep.ToMarkdown(disagreeing));
    }

    [Fact]
    public void The_in_world_table_in_docs_migration_md_is_the_one_the_sweep_computes()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryConfigs.Root(), "docs", "migration.md")).ReplaceLineEndings("\n");
        string table = InWorldPreCopySweep.ToMarkdown(Sweep.Value).ReplaceLineEndings("\n");
        Assert.True(doc.Contains(table), "docs/migration.md's in-world table is stale; regenerate it with: dotnet run -c Release --project bench/Virtsim.Bench -- migration-model --in-world\n" + table);
    }
}
