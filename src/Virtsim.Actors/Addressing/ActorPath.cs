using System.Text;

namespace Virtsim.Actors.Addressing;

/// <summary>
/// The location-transparent address of an actor: the name of the node (actor system) it lives on and the
/// slash-separated path from the root, for example node <c>host-a</c> and path <c>/user/host-1/vm-3</c>.
/// The textual form is <c>virtsim://host-a/user/host-1/vm-3</c>.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    /// <summary>The URI scheme used by <see cref="ToString"/> and accepted by <see cref="Parse"/>.</summary>
    public const string Scheme = "virtsim";

    private readonly string[] _elements;
    private string? _path;
    private string? _text;

    private ActorPath(string node, string[] elements)
    {
        Node = node;
        _elements = elements;
    }

    /// <summary>The name of the node (actor system) the actor lives on.</summary>
    public string Node { get; }

    /// <summary>The path below the node, always starting with '/', e.g. <c>/user/host-1</c>; the root is "/".</summary>
    public string Path => _path ??= _elements.Length == 0 ? "/" : "/" + string.Join('/', _elements);

    /// <summary>The last element of the path (the actor's name); empty for the root.</summary>
    public string Name => _elements.Length == 0 ? string.Empty : _elements[^1];

    /// <summary>The path elements from the root down, e.g. ["user", "host-1"].</summary>
    public IReadOnlyList<string> Elements => _elements;

    /// <summary>The number of path elements (0 for the root).</summary>
    public int Depth => _elements.Length;

    /// <summary>The parent path, or null for the root.</summary>
    public ActorPath? Parent => _elements.Length == 0 ? null : new ActorPath(Node, _elements[..^1]);

    /// <summary>The root path of a node.</summary>
    /// <param name="node">A node name: letters, digits, '-', '_', '.', ':'.</param>
    public static ActorPath Root(string node)
    {
        ValidateNode(node);
        return new ActorPath(node, []);
    }

    /// <summary>The path of a child of this path.</summary>
    /// <param name="name">A valid element name (see <see cref="IsValidElement"/>).</param>
    public ActorPath Child(string name)
    {
        if (!IsValidElement(name))
            throw new ArgumentException($"'{name}' is not a valid actor name.", nameof(name));
        var e = new string[_elements.Length + 1];
        _elements.CopyTo(e, 0);
        e[^1] = name;
        return new ActorPath(Node, e);
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
        if (slash < 0 || slash == rest.Length - 1)
        {
            path = new ActorPath(node, []);
            return true;
        }
        var parts = rest[(slash + 1)..].ToString().Split('/');
        foreach (var p in parts)
            if (!IsValidElement(p)) return false;
        path = new ActorPath(node, parts);
        return true;
    }

    private static bool IsValidNode(string node)
    {
        if (node.Length == 0 || node.Length > 255) return false;
        foreach (var c in node)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')) return false;
        return true;
    }

    private static void ValidateNode(string node)
    {
        if (!IsValidNode(node))
            throw new ArgumentException($"'{node}' is not a valid node name (letters, digits, '-', '_', '.', ':').", nameof(node));
    }

    /// <summary>True when <paramref name="other"/> is the same path or a descendant of this path on the same node.</summary>
    public bool IsAncestorOrSelfOf(ActorPath other)
    {
        if (other.Node != Node || other._elements.Length < _elements.Length) return false;
        for (var i = 0; i < _elements.Length; i++)
            if (other._elements[i] != _elements[i]) return false;
        return true;
    }

    /// <inheritdoc />
    public bool Equals(ActorPath? other) =>
        other is not null && (ReferenceEquals(this, other) ||
                              (other.Node == Node && other._elements.AsSpan().SequenceEqual(_elements)));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ActorPath);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Node);
        foreach (var e in _elements) h.Add(e);
        return h.ToHashCode();
    }

    /// <summary>Equality of two paths (null-safe).</summary>
    public static bool operator ==(ActorPath? a, ActorPath? b) => a is null ? b is null : a.Equals(b);

    /// <summary>Inequality of two paths (null-safe).</summary>
    public static bool operator !=(ActorPath? a, ActorPath? b) => !(a == b);

    /// <summary>The textual form <c>virtsim://node/a/b</c>.</summary>
    public override string ToString()
    {
        if (_text is not null) return _text;
        var sb = new StringBuilder(Scheme.Length + 3 + Node.Length + 32);
        sb.Append(Scheme).Append("://").Append(Node).Append(Path);
        return _text = sb.ToString();
    }
}
