using System.Runtime.CompilerServices;

namespace Virtsim.Hocon;

/// <summary>
/// Resolves substitutions over a whole unresolved tree.
/// <list type="bullet">
/// <item>Lookups are lazy: only the nodes along a path are resolved ("shallow" resolution), so an object may refer
/// to its own fields.</item>
/// <item>While a substitution or concatenation is being resolved it is hidden from lookups, together with every
/// value stacked above it for the same key; a self-reference therefore sees the earlier value ("looks back").</item>
/// <item>Results are memoized per node, so every occurrence resolves once and consistently.</item>
/// <item>Undefined optional substitutions make their field or element disappear; undefined required ones and
/// cycles are errors at the substitution's position. Environment variables are the last fallback.</item>
/// </list>
/// </summary>
internal sealed class Resolver
{
    private const int MaxDepth = 300;

    private readonly HoconObject _root;
    private readonly Func<string, string?> _environment;
    private readonly HashSet<HoconValue> _hidden = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<HoconValue> _fullActive = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<HoconValue, HoconValue> _shallowMemo = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(HoconMergeStack, int), HoconValue?> _stackMemo = new(new StackKeyComparer());
    private readonly Dictionary<HoconValue, HoconValue?> _fullMemo = new(ReferenceEqualityComparer.Instance);
    private readonly List<HoconSubstitution> _chain = [];
    private int _depth;

    public Resolver(HoconObject root, Func<string, string?> environment)
    {
        _root = root;
        _environment = environment;
    }

    /// <summary>Largest number of values the resolved tree may expand to (shared sub-trees counted each time).</summary>
    public const long MaxExpandedValues = 5_000_000;

    /// <summary>Resolves the whole tree.</summary>
    public HoconObject Resolve()
    {
        var result = (HoconObject?)Full(_root) ?? new HoconObject(_root.Position);
        var sizes = new Dictionary<HoconValue, long>(ReferenceEqualityComparer.Instance);
        if (ExpandedSize(result, sizes) > MaxExpandedValues)
        {
            throw new HoconException(_root.Position,
                $"the resolved configuration expands to more than {MaxExpandedValues} values (substitutions that repeat each other?)");
        }

        return result;
    }

    private static long ExpandedSize(HoconValue value, Dictionary<HoconValue, long> sizes)
    {
        if (sizes.TryGetValue(value, out var known))
        {
            return known;
        }

        long size = 1;
        IEnumerable<HoconValue> children = value switch
        {
            HoconObject o => o.Fields.Select(f => f.Value),
            HoconArray a => a.Items,
            _ => [],
        };
        foreach (var child in children)
        {
            size = Math.Min(size + ExpandedSize(child, sizes), MaxExpandedValues + 1);
        }

        sizes[value] = size;
        return size;
    }

    private void Enter(HoconValue at)
    {
        if (++_depth > MaxDepth)
        {
            _depth = 0;
            throw new HoconException(at.Position, $"substitutions are chained or nested more than {MaxDepth} levels deep");
        }

        RuntimeHelpers.EnsureSufficientExecutionStack();
    }

    /// <summary>Fully resolves a value; <see langword="null"/> when it is undefined (an optional substitution).</summary>
    private HoconValue? Full(HoconValue value)
    {
        if (_fullMemo.TryGetValue(value, out var memo))
        {
            return memo;
        }

        if (value is HoconSubstitution s)
        {
            _chain.Add(s);
        }

        Enter(value);
        try
        {
            if (!_fullActive.Add(value))
            {
                throw CycleError(value);
            }

            try
            {
                var shallow = Shallow(value);
                HoconValue? result;
                if (shallow is null)
                {
                    result = null;
                }
                else if (!ReferenceEquals(shallow, value) && (shallow is HoconObject or HoconArray))
                {
                    result = Full(shallow);
                }
                else
                {
                    result = shallow switch
                    {
                        HoconObject o => FullObject(o),
                        HoconArray a => FullArray(a),
                        _ => shallow,
                    };
                }

                _fullMemo[value] = result;
                return result;
            }
            finally
            {
                _fullActive.Remove(value);
            }
        }
        finally
        {
            _depth--;
            if (value is HoconSubstitution)
            {
                _chain.RemoveAt(_chain.Count - 1);
            }
        }
    }

    private HoconObject FullObject(HoconObject o)
    {
        if (o.IsResolved)
        {
            return o;
        }

        var result = new HoconObject(o.Position) { IgnoresFallbacks = o.IgnoresFallbacks };
        foreach (var (key, child) in o.Fields)
        {
            var resolved = Full(child);
            if (resolved is not null)
            {
                result.Set(key, resolved);
            }
        }

        return result;
    }

    private HoconArray FullArray(HoconArray a)
    {
        if (a.IsResolved)
        {
            return a;
        }

        var items = new List<HoconValue>();
        foreach (var item in a.Items)
        {
            var resolved = Full(item);
            if (resolved is not null)
            {
                items.Add(resolved);
            }
        }

        return new HoconArray(items, a.Position);
    }

    /// <summary>
    /// Resolves only the top of a value: its kind becomes concrete (object, array or simple) but its children may
    /// still be unresolved. <see langword="null"/> means undefined.
    /// </summary>
    private HoconValue? Shallow(HoconValue value)
    {
        switch (value)
        {
            case HoconSubstitution or HoconConcatenation:
                if (_shallowMemo.TryGetValue(value, out var memo))
                {
                    return memo;
                }

                if (!_hidden.Add(value))
                {
                    throw CycleError(value);
                }

                Enter(value);
                try
                {
                    var result = value is HoconSubstitution s ? ResolveSubstitution(s) : ShallowConcatenation((HoconConcatenation)value);
                    if (result is not null)
                    {
                        _shallowMemo[value] = result;
                    }

                    return result;
                }
                finally
                {
                    _depth--;
                    _hidden.Remove(value);
                }

            case HoconMergeStack stack:
                return ShallowStack(stack, stack.Values.Count);
            default:
                return value;
        }
    }

    private HoconValue? ShallowStack(HoconMergeStack stack, int count)
    {
        if (_stackMemo.TryGetValue((stack, count), out var memo))
        {
            return memo;
        }

        Enter(stack);
        try
        {
            HoconValue? result = null;
            for (var i = count - 1; i >= 0; i--)
            {
                var older = Shallow(stack.Values[i]);
                if (older is null)
                {
                    continue;
                }

                if (result is null)
                {
                    result = older;
                }
                else if (older is HoconObject olderObject)
                {
                    result = ValueMerger.MergeObjects(olderObject, (HoconObject)result);
                }
                else
                {
                    break;
                }

                if (result is not HoconObject { IgnoresFallbacks: false })
                {
                    break;
                }
            }

            _stackMemo[(stack, count)] = result;
            return result;
        }
        finally
        {
            _depth--;
        }
    }

    private HoconValue? ShallowConcatenation(HoconConcatenation concatenation)
    {
        var pieces = new List<HoconValue>();
        var anyDefined = false;
        foreach (var piece in concatenation.Pieces)
        {
            if (piece is HoconString { IsSeparator: true })
            {
                pieces.Add(piece);
                continue;
            }

            var resolved = Shallow(piece);
            if (resolved is not null)
            {
                pieces.Add(resolved);
                anyDefined = true;
            }
        }

        return anyDefined ? Concatenation.Combine(pieces, concatenation.Position) : null;
    }

    private HoconValue? ResolveSubstitution(HoconSubstitution s)
    {
        _chain.Add(s);
        try
        {
            var hitHidden = false;
            if (s.Prefix.Count > 0)
            {
                var fixedUp = Lookup(s.Prefix.Concat(s.Path).ToList(), ref hitHidden);
                if (fixedUp.Found)
                {
                    return fixedUp.Value;
                }
            }

            var direct = Lookup(s.Path, ref hitHidden);
            if (direct.Found)
            {
                return direct.Value;
            }

            var name = string.Join(".", s.Path);
            string? fromEnvironment;
            try
            {
                fromEnvironment = _environment(name);
            }
            catch (System.Security.SecurityException)
            {
                fromEnvironment = null;
            }
            catch (Exception e) when (e is not HoconException)
            {
                throw new HoconException(s.Position, $"looking up environment variable {name} failed: {e.Message}", e);
            }

            if (fromEnvironment is not null)
            {
                return new HoconString(fromEnvironment, s.Position);
            }

            if (s.Optional)
            {
                return null;
            }

            if (hitHidden && !IsDirectSelfReference(s))
            {
                throw CycleError(s);
            }

            throw new HoconException(s.Position, hitHidden
                ? $"could not resolve substitution {s.Text}: it refers to its own field and there is no earlier value (and no environment variable {name})"
                : $"could not resolve substitution {s.Text}: no value at that path and no environment variable {name}");
        }
        finally
        {
            _chain.RemoveAt(_chain.Count - 1);
        }
    }

    /// <summary>True when only this substitution is on the chain (no other substitution led to it).</summary>
    private bool IsDirectSelfReference(HoconSubstitution s) => _chain.All(c => ReferenceEquals(c, s));

    private readonly record struct LookupResult(bool Found, HoconValue? Value);

    private LookupResult Lookup(IReadOnlyList<string> path, ref bool hitHidden)
    {
        HoconValue node = _root;
        for (var i = 0; ; i++)
        {
            HoconValue? concrete;
            if (node is HoconMergeStack stack)
            {
                var visible = 0;
                while (visible < stack.Values.Count && !_hidden.Contains(stack.Values[visible]))
                {
                    visible++;
                }

                if (visible == 0)
                {
                    hitHidden = true;
                    return default;
                }

                hitHidden |= visible < stack.Values.Count;
                concrete = ShallowStack(stack, visible);
            }
            else if (_hidden.Contains(node))
            {
                hitHidden = true;
                return default;
            }
            else
            {
                concrete = Shallow(node);
            }

            if (concrete is null)
            {
                return default;
            }

            if (i == path.Count)
            {
                return new LookupResult(true, concrete);
            }

            if (concrete is not HoconObject obj || !obj.TryGetValue(path[i], out var child))
            {
                return default;
            }

            node = child;
        }
    }

    private HoconException CycleError(HoconValue at)
    {
        var position = _chain.Count > 0 ? _chain[^1].Position : at.Position;
        var seen = new List<string>();
        foreach (var s in _chain)
        {
            if (seen.Count == 0 || seen[^1] != s.Text)
            {
                seen.Add(s.Text);
            }
        }

        var chain = seen.Count > 0 ? $": {string.Join(" -> ", seen)}" : "";
        return new HoconException(position, $"substitution cycle{chain}");
    }

    private sealed class StackKeyComparer : IEqualityComparer<(HoconMergeStack, int)>
    {
        public bool Equals((HoconMergeStack, int) x, (HoconMergeStack, int) y) =>
            ReferenceEquals(x.Item1, y.Item1) && x.Item2 == y.Item2;

        public int GetHashCode((HoconMergeStack, int) obj) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Item1), obj.Item2);
    }
}
