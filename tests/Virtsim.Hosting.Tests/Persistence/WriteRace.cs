namespace Virtsim.Hosting.Tests.Persistence;

/// <summary>What two writers of one persistence id racing with <see cref="Write"/>s of their own may leave behind.</summary>
public static class WriteRace
{
    /// <summary>
    /// Checks the outcome of two racing writes of <paramref name="count"/> events each (prefixes <c>a</c> and <c>b</c>):
    /// at least one writer failed with a persistence failure (both may: Akka.Persistence.Sql commits writes of many
    /// actors in one transaction, and the conflict aborts the whole transaction); the journal holds exactly the
    /// events of the writer that was told its write succeeded, each once with sequence numbers 1..count, and
    /// nothing of a writer that failed.
    /// </summary>
    public static void AssertJournalKeptOnlyConfirmed(IReadOnlyList<object> outcomes, string persistenceId, int count, IReadOnlyList<JournalRow> rows)
    {
        Assert.All(outcomes, o => Assert.True(o is Written or PersistFailed, $"unexpected {o}"));
        var confirmed = outcomes.OfType<Written>().ToArray();
        var failed = outcomes.OfType<PersistFailed>().ToArray();
        Assert.NotEmpty(failed);
        Assert.All(failed, f => Assert.Equal(persistenceId, f.PersistenceId));
        if (confirmed.Length == 0)
        {
            Assert.Empty(rows);
            return;
        }
        Assert.Equal(count, Assert.Single(confirmed).SequenceNr);
        string winner = failed.Single().Event.StartsWith("a-", StringComparison.Ordinal) ? "b" : "a";
        Assert.Equal(Enumerable.Range(1, count).Select(i => new JournalRow(persistenceId, i, $"{winner}-{i}")), rows);
    }
}
