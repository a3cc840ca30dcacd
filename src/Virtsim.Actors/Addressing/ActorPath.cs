using System.Text;

namespace Virtsim.Actors.Addressing;

/// <summary>
/// The location-transparent address of an actor: the name of the node (actor system) it lives on and the
/// slash-separated path from the root, for example node <c>host-a</c> and path <c>/user/host-1/vm-3</c>.
/// The textual form is <c>virtsim://host-a/user/host-1/vm-3</c>. A path is its parent plus a name, so a child's path
/// costs one small object.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    /// <summary>The URI scheme used by <see cref="ToString"/> and accepted by <see cref="Parse"/>.</summary>
    public const string Scheme = "virtsim";

    private readonly ActorPath? _parent;
    private readonly int _hash;
    private string? _text;

    private ActorPath(string node, ActorPath? parent, string name)
    {
        Node = node;
        _parent = parent;
        Name = name;
        Depth = parent is null ? 0 : parent.Depth + 1;
        _hash = parent is null ? StringComparer.Ordinal.GetHashCode(node) : HashCode.Combine(parent._hash, StringComparer.Ordinal.GetHashCode(name));
    }

    /// <summary>The name of the node (actor system) the actor lives on.</summary>
    public string Node { get; }

    /// <summary>The last element of the path (the actor's name); empty for the root.</summary>
    public string Name { get; }

    /// <summary>The number of path elements (0 for the root).</summary>
    public int Depth { get; }

    /// <summary>The parent path, or null for the root.</summary>
    public ActorPath? Parent => _parent;

    /// <summary>The path below the node, always starting with '/', e.g. <c>/user/host-1</c>; the root is "/".</summary>
    public string Path => Depth == 0 ? "/" : "/" + string.Join('/', Elements);

    /// <summary>The path elements from the root down, e.g. ["user", "host-1"].</summary>
    public IReadOnlyList<string> Elements
    {
        get
        {
            var e = new string[Depth];
            for (var p = this; p._parent is not null; p = p._parent) e[p.Depth - 1] = p.Name;
            return e;
        }
    }

    /// <summary>The root path of a node.</summary>
    /// <param name="node">A node name: letters, digits, '-', '_', '.', ':'.</param>
    public static ActorPath Root(string node)
    {
        if (!IsValidNode(node))
            throw new ArgumentException($"'{node}' is not a valid node name (letters, digits, '-', '_', '.', ':').", nameof(node));
        return new ActorPath(node, null, string.Empty);
    }

    /// <summary>The path of a child of this path.</summary>
    /// <param name="name">A valid element name (see <see cref="IsValidElement"/>).</param>
    public ActorPath Child(string name)
    {
        if (!IsValidElement(name))
            throw new ArgumentException($"'{name}' is not a valid actor name.", nameof(name));
        return new ActorPath(Node, this, name);
    }

    /// <summary>
    /// True for a usable path element: non-empty, at most 255 characters, no '/', '#', '?', whitespace or control
    /// characters. Names starting with '$' are reserved for generated names but are valid elements.
    /// </summary>
    public static bool IsValidElement(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 255) return false;
        foreach (var c in name)
            if (c == '/' || c == '#' || c == '?' || char.IsWhiteSpace(c) || char.IsControl(c)) return false;
        return true;
    }

    /// <summary>Parses the textual form <c>virtsim://node/a/b</c>.</summary>
    /// <exception cref="FormatException">The text is not a valid actor path.</exception>
    public static ActorPath Parse(string text)
    {
        if (TryParse(text, out var path)) return path;
        throw new FormatException($"'{text}' is not a valid actor path (expected {Scheme}://node/path).");
    }

    /// <summary>Parses the textual form <c>virtsim://node/a/b</c>; returns false when it is malformed.</summary>
    public static bool TryParse(string? text, out ActorPath path)
    {
        path = null!;
        const string prefix = Scheme + "://";
        if (text is null || !text.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var rest = text.AsSpan(prefix.Length);
        var slash = rest.IndexOf('/');
        var node = slash < 0 ? rest.ToString() : rest[..slash].ToString();
        if (!IsValidNode(node)) return false;
        var result = new ActorPath(node, null, string.Empty);
        if (slash >= 0 && slash < rest.Length - 1)
        {
            foreach (var part in rest[(slash + 1)..].ToString().Split('/'))
            {
                if (!IsValidElement(part)) return false;
                result = new ActorPath(node, result, part);
            }
        }
        path = result;
        return true;
    }

    private static bool IsValidNode(string node)
    {
        if (node.Length == 0 || node.Length > 255) return false;
        foreach (var c in node)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')) return false;
        return true;
    }

    /// <summary>True when <paramref name="other"/> is the same path or a descendant of this path on the same node.</summary>
    public bool IsAncestorOrSelfOf(ActorPath other)
    {
        var p = other;
        while (p is not null && p.Depth > Depth) p = p._parent;
        return p is not null && Equals(p);
    }

    /// <inheritdoc />
    public bool Equals(ActorPath? other)
    {
        var a = this;
        var b = other;
        while (true)
        {
            if (ReferenceEquals(a, b)) return true;
            if (a is null || b is null || a._hash != b._hash || a.Depth != b.Depth || a.Name != b.Name) return false;
            if (a._parent is null) return a.Node == b.Node;
            a = a._parent;
            b = b._parent;
        }
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ActorPath);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <summary>Equality of two paths (null-safe).</summary>
    public static bool operator ==(ActorPath? a, ActorPath? b) => a is null ? b is null : a.Equals(b);

    /// <summary>Inequality of two paths (null-safe).</summary>
    public static bool operator !=(ActorPath? a, ActorPath? b) => !(a == b);

    /// <summary>The textual form <c>virtsim://node/a/b</c>.</summary>
    public override string ToString()
    {
        if (_text is not null) return _text;
        var sb = new StringBuilder(Scheme.Length + 3 + Node.Length + 16 * (Depth + 1));
        sb.Append(Scheme).Append("://").Append(Node).Append(Path);
        return _text = sb.ToString();
    }
}
