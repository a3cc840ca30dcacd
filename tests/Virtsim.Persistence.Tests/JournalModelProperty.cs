using FsCheck;
using FsCheck.Fluent;
using Virtsim.Persistence;

namespace Virtsim.Persistence.Tests;

/// <summary>
/// Property: any random sequence of appends (right, conflicting, gapped, stale-epoch), claims, deletions and
/// reads on a store gives the same outcomes and contents as a few lines of in-memory model.
/// </summary>
public static class JournalModelProperty
{
    /// <summary>One random operation. Kind: 0 append, 1 claim, 2 delete, 3 read and compare, 4 batch of appends to this id and the next two.</summary>
    public sealed record Op(int Kind, int Id, int Epoch, int Shift, int Count)
    {
        /// <inheritdoc />
        public override string ToString() => Kind switch
        {
            0 => $"append(id{Id}, epoch {Epoch}, shift {Shift}, count {Count})",
            1 => $"claim(id{Id}, epoch {Epoch})",
            2 => $"delete(id{Id}, up to {Epoch * 2})",
            4 => $"batch(id{Id}.., epoch {Epoch}, shift {Shift}, count {Count})",
            _ => $"read(id{Id})",
        };
    }

    private static readonly Gen<Op[]> Ops =
        (from kind in Gen.Frequency((6, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)), (2, Gen.Constant(3)), (2, Gen.Constant(4)))
         from id in Gen.Choose(0, 2)
         from epoch in Gen.Choose(0, 4)
         from shift in Gen.Frequency((6, Gen.Constant(0)), (1, Gen.Constant(-1)), (1, Gen.Constant(1)))
         from count in Gen.Choose(1, 3)
         select new Op(kind, id, epoch, shift, count)).ArrayOf();

    /// <summary>Checks the property against <paramref name="journal"/> with <paramref name="runs"/> random cases.</summary>
    public static void Check(IJournal journal, int runs)
    {
        Property property = Prop.ForAll(Arb.From(Ops), (Op[] ops) => Agrees(journal, ops));
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(runs), property);
    }

    private static bool Agrees(IJournal journal, Op[] ops)
    {
        string run = Guid.NewGuid().ToString("N")[..8];
        var model = new Dictionary<int, Model>();
        foreach (Op op in ops)
        {
            string id = $"prop-{run}-{op.Id}";
            if (!model.TryGetValue(op.Id, out Model? m))
            {
                model[op.Id] = m = new Model();
            }

            switch (op.Kind)
            {
                case 0:
                {
                    long first = Math.Max(1, m.Highest + 1 + op.Shift);
                    Type? expected = op.Epoch < m.Epoch ? typeof(FencedWriterException)
                        : first <= m.Highest ? typeof(JournalConflictException)
                        : first > m.Highest + 1 ? typeof(JournalSequenceGapException)
                        : null;
                    Type? actual = Outcome(() => journal.AppendAsync(Events.Append(id, first, op.Count, op.Epoch)));
                    if (actual != expected)
                    {
                        throw new Xunit.Sdk.XunitException($"{op}: expected {expected?.Name ?? "success"}, got {actual?.Name ?? "success"}");
                    }

                    if (expected is null)
                    {
                        m.Epoch = op.Epoch;
                        for (long s = first; s < first + op.Count; s++)
                        {
                            m.Events[s] = op.Epoch;
                        }

                        m.Highest = first + op.Count - 1;
                    }

                    break;
                }

                case 1:
                {
                    Type? expected = op.Epoch < m.Epoch ? typeof(FencedWriterException) : null;
                    Type? actual = Outcome(() => journal.ClaimAsync(id, op.Epoch));
                    if (actual != expected)
                    {
                        throw new Xunit.Sdk.XunitException($"{op}: expected {expected?.Name ?? "success"}, got {actual?.Name ?? "success"}");
                    }

                    if (expected is null)
                    {
                        m.Epoch = op.Epoch;
                    }

                    break;
                }

                case 4:
                {
                    // Three requests in one batch: this id with the op's shift, then the next id right, then this
                    // id again right after the first (accepted only if the first was). Judged in order, like the model.
                    var requests = new List<AppendRequest>();
                    var expectations = new List<Type?>();
                    foreach ((int key, int shift, int epoch) in new[] { (op.Id, op.Shift, op.Epoch), ((op.Id + 1) % 3, 0, op.Epoch), (op.Id, 0, op.Epoch) })
                    {
                        if (!model.TryGetValue(key, out Model? mk))
                        {
                            model[key] = mk = new Model();
                        }

                        long first = Math.Max(1, mk.Highest + 1 + shift);
                        Type? expected = Expect(mk, epoch, first);
                        requests.Add(Events.Append($"prop-{run}-{key}", first, op.Count, epoch));
                        expectations.Add(expected);
                        if (expected is null)
                        {
                            Apply(mk, epoch, first, op.Count);
                        }
                    }

                    IReadOnlyList<Exception?> outcomes = journal.AppendBatchAsync(requests).GetAwaiter().GetResult();
                    for (int i = 0; i < requests.Count; i++)
                    {
                        if (outcomes[i]?.GetType() != expectations[i])
                        {
                            throw new Xunit.Sdk.XunitException($"{op} request {i}: expected {expectations[i]?.Name ?? "success"}, got {outcomes[i]?.GetType().Name ?? "success"}");
                        }
                    }

                    break;
                }

                case 2:
                    journal.DeleteUpToAsync(id, op.Epoch * 2).GetAwaiter().GetResult();
                    foreach (long s in m.Events.Keys.Where(s => s <= op.Epoch * 2).ToList())
                    {
                        m.Events.Remove(s);
                    }

                    break;

                default:
                    Compare(journal, id, m, op);
                    break;
            }
        }

        foreach ((int key, Model m) in model)
        {
            Compare(journal, $"prop-{run}-{key}", m, null);
        }

        return true;
    }

    private static Type? Expect(Model m, long epoch, long first) =>
        epoch < m.Epoch ? typeof(FencedWriterException)
        : first <= m.Highest ? typeof(JournalConflictException)
        : first > m.Highest + 1 ? typeof(JournalSequenceGapException)
        : null;

    private static void Apply(Model m, long epoch, long first, int count)
    {
        m.Epoch = epoch;
        for (long s = first; s < first + count; s++)
        {
            m.Events[s] = epoch;
        }

        m.Highest = first + count - 1;
    }

    private static void Compare(IJournal journal, string id, Model m, Op? op)
    {
        List<PersistedEvent> stored = Events.ReadAllAsync(journal, id).GetAwaiter().GetResult();
        var actual = stored.Select(e => (e.SequenceNr, e.Epoch, Events.Text(e))).ToList();
        var expected = m.Events.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value, $"{id}#{kv.Key}@w")).ToList();
        if (!actual.SequenceEqual(expected))
        {
            throw new Xunit.Sdk.XunitException($"{op}: events of {id} differ: stored [{string.Join(",", actual)}], model [{string.Join(",", expected)}]");
        }

        long highest = journal.ReadHighestSequenceNrAsync(id).GetAwaiter().GetResult();
        if (highest != m.Highest)
        {
            throw new Xunit.Sdk.XunitException($"{op}: highest of {id} is {highest}, model says {m.Highest}");
        }
    }

    private static Type? Outcome(Func<Task> action)
    {
        try
        {
            action().GetAwaiter().GetResult();
            return null;
        }
        catch (PersistenceException e)
        {
            return e.GetType();
        }
    }

    private sealed class Model
    {
        public long Epoch;
        public long Highest;
        public readonly Dictionary<long, long> Events = new();
    }
}
