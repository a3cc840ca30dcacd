using System.Text;
using Virtsim.Persistence;

namespace Virtsim.Persistence.Tests;

/// <summary>Builds test events whose payload names their persistence id, sequence number and writer.</summary>
public static class Events
{
    /// <summary>The payload of an event.</summary>
    public static byte[] Payload(string persistenceId, long sequenceNr, string writer = "w") =>
        Encoding.UTF8.GetBytes($"{persistenceId}#{sequenceNr}@{writer}");

    /// <summary>An append of events [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>).</summary>
    public static AppendRequest Append(string persistenceId, long first, int count = 1, long epoch = 1, string writer = "w") =>
        new(persistenceId, epoch, Enumerable.Range(0, count)
            .Select(i => new EventToAppend(first + i, "test.event", Payload(persistenceId, first + i, writer)))
            .ToArray());

    /// <summary>The payload as text.</summary>
    public static string Text(PersistedEvent e) => Encoding.UTF8.GetString(e.Payload.Span);

    /// <summary>Reads all events of a persistence id.</summary>
    public static async Task<List<PersistedEvent>> ReadAllAsync(IJournal journal, string persistenceId)
    {
        var list = new List<PersistedEvent>();
        await foreach (PersistedEvent e in journal.ReadAsync(persistenceId, 0, long.MaxValue))
        {
            list.Add(e);
        }

        return list;
    }
}
