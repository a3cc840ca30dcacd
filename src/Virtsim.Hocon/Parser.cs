namespace Virtsim.Hocon;

/// <summary>
/// Builds the unresolved value tree of one HOCON source: objects (with or without root braces), arrays, fields with
/// <c>:</c>, <c>=</c>, <c>+=</c> or nothing before <c>{</c>, path keys, value concatenation, duplicate-key merging
/// and include statements.
/// </summary>
internal sealed class Parser
{
    private const int MaxDepth = 200;

    private readonly List<Token> _tokens;
    private readonly string? _file;
    private readonly Includer _includer;
    private readonly IReadOnlyList<string> _prefix;
    private int _index;

    /// <summary>Creates a parser for <paramref name="text"/>.</summary>
    /// <param name="text">The HOCON text.</param>
    /// <param name="source">The name used in positions.</param>
    /// <param name="file">The full path of the file the text came from, if any (relative includes use its directory).</param>
    /// <param name="includer">Loads included files.</param>
    /// <param name="prefix">Where this source is included in the whole configuration (empty for the root).</param>
    public Parser(string text, string source, string? file, Includer includer, IReadOnlyList<string> prefix)
    {
        _tokens = new Lexer(text, source).Tokenize();
        _file = file;
        _includer = includer;
        _prefix = prefix;
    }

    private Token Peek => _tokens[_index];

    private Token Next() => _tokens[_index++];

    private static HoconException Error(Token at, string reason) => new(at.Position, reason);

    private void SkipWhitespace()
    {
        while (Peek.Kind == TokenKind.Whitespace)
        {
            _index++;
        }
    }

    /// <summary>Skips whitespace and newlines; returns whether a newline was skipped.</summary>
    private bool SkipWhitespaceAndNewlines()
    {
        var sawNewline = false;
        while (Peek.Kind is TokenKind.Whitespace or TokenKind.Newline)
        {
            sawNewline |= Next().Kind == TokenKind.Newline;
        }

        return sawNewline;
    }

    /// <summary>Parses the whole source into its root object.</summary>
    /// <param name="included">Whether this source is an included file (an array root is then reported as such).</param>
    public HoconObject ParseDocument(bool included = false)
    {
        SkipWhitespaceAndNewlines();
        HoconObject root;
        if (Peek.Kind == TokenKind.OpenBracket)
        {
            throw Error(Peek, included
                ? "an included file must contain an object, not an array"
                : "expected an object at the root of the document but found an array ('[')");
        }

        if (Peek.Kind == TokenKind.OpenBrace)
        {
            var open = Next();
            root = ParseObject(braced: true, open, [], 1);
            SkipWhitespaceAndNewlines();
            if (Peek.Kind != TokenKind.End)
            {
                throw Error(Peek, $"expected end of file after the root object but found {Peek.Describe()}");
            }
        }
        else
        {
            root = ParseObject(braced: false, Peek, [], 1);
        }

        return root;
    }

    private HoconObject ParseObject(bool braced, Token open, IReadOnlyList<string>? path, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error(open, $"objects and arrays are nested more than {MaxDepth} levels deep");
        }

        var obj = new HoconObject(open.Position) { Scope = _includer.Scope };
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var t = Peek;
            switch (t.Kind)
            {
                case TokenKind.CloseBrace when braced:
                    Next();
                    return obj;
                case TokenKind.CloseBrace:
                    throw Error(t, "unbalanced '}': there is no matching '{' (a document without root braces cannot end with '}')");
                case TokenKind.End when braced:
                    throw Error(t, $"expected '}}' to close the object opened at {open.Position} but found end of file");
                case TokenKind.End:
                    return obj;
                case TokenKind.Comma:
                    throw Error(t, braced ? "expected a key or '}' but found ','" : "expected a key but found ','");
                case TokenKind.Unquoted when t.Text == "include":
                    ParseInclude(obj, path);
                    break;
                default:
                    ParseField(obj, path, depth);
                    break;
            }

            SkipWhitespace();
            var sawNewline = SkipWhitespaceAndNewlines();
            var after = Peek;
            if (after.Kind == TokenKind.Comma)
            {
                Next();
                continue;
            }

            if (sawNewline || after.Kind == TokenKind.CloseBrace || after.Kind == TokenKind.End)
            {
                continue;
            }

            throw Error(after, braced
                ? $"expected '}}' or ',' (or a newline) after a field but found {after.Describe()}"
                : $"expected ',' or a newline after a field but found {after.Describe()}");
        }
    }

    private void ParseField(HoconObject obj, IReadOnlyList<string>? path, int depth)
    {
        var keyStart = Peek;
        var keyTokens = new List<Token>();
        while (true)
        {
            var t = Peek;
            if (t.Kind is TokenKind.QuotedString or TokenKind.Unquoted or TokenKind.Number or TokenKind.True
                or TokenKind.False or TokenKind.Null or TokenKind.Whitespace)
            {
                keyTokens.Add(Next());
                continue;
            }

            if (t.Kind == TokenKind.Substitution)
            {
                throw Error(t, "substitutions are not allowed in keys");
            }

            break;
        }

        while (keyTokens.Count > 0 && keyTokens[^1].Kind == TokenKind.Whitespace)
        {
            keyTokens.RemoveAt(keyTokens.Count - 1);
        }

        if (keyTokens.Count == 0)
        {
            throw Error(keyStart, $"expected a key but found {keyStart.Describe()}");
        }

        var key = HoconPath.FromTokens(keyTokens, keyStart.Position);
        if (depth + key.Count > MaxDepth)
        {
            throw Error(keyStart, $"objects and arrays are nested more than {MaxDepth} levels deep (counting path keys)");
        }

        var fieldPath = path is null ? null : path.Concat(key).ToList();
        var separator = Peek;
        HoconValue value;
        switch (separator.Kind)
        {
            case TokenKind.Colon or TokenKind.Equals:
                Next();
                SkipWhitespaceAndNewlines();
                value = ParseValue(fieldPath, depth);
                break;
            case TokenKind.PlusEquals:
                Next();
                SkipWhitespaceAndNewlines();
                if (fieldPath is null)
                {
                    throw Error(separator, "'+=' cannot be used inside an object that is an array element");
                }

                var appended = ParseValue(fieldPath, depth);
                var self = new HoconSubstitution(_prefix.Concat(fieldPath).ToList(), optional: true, [], separator.Position) { AppendsToItself = true };
                value = new HoconConcatenation([self, new HoconArray([appended], appended.Position)], separator.Position);
                break;
            case TokenKind.OpenBrace:
                value = ParseValue(fieldPath, depth);
                break;
            default:
                throw Error(separator,
                    $"expected ':', '=', '+=' or '{{' after the key '{HoconPath.Render(key)}' but found {separator.Describe()}");
        }

        for (var i = key.Count - 1; i >= 1; i--)
        {
            var wrapper = new HoconObject(keyStart.Position) { Scope = _includer.Scope };
            wrapper.Set(key[i], value);
            value = wrapper;
        }

        obj.Set(key[0], obj.TryGetValue(key[0], out var existing) ? ValueMerger.Merge(existing, value, _includer.Scope) : value);
    }

    private void ParseInclude(HoconObject obj, IReadOnlyList<string>? path)
    {
        var keyword = Next();
        SkipWhitespaceAndNewlines();
        var opener = "";
        var spaced = false;
        Token t;
        while (true)
        {
            t = Peek;
            if (t.Kind is TokenKind.Whitespace || (t.Kind == TokenKind.Newline && opener.Length == 0))
            {
                spaced = opener.Length > 0;
                Next();
                continue;
            }

            if (t.Kind == TokenKind.Unquoted)
            {
                if (spaced && !opener.EndsWith('('))
                {
                    throw Error(t, $"expected '(' after '{opener}' in the include statement but found {t.Describe()}");
                }

                opener += Next().Text;
                spaced = false;
                continue;
            }

            break;
        }

        if (t.Kind != TokenKind.QuotedString)
        {
            throw Error(t, $"expected a quoted file name, file(\"...\"), url(\"...\"), classpath(\"...\") or required(...) after 'include' but found {(opener.Length > 0 ? $"'{opener}'" : t.Describe())}");
        }

        var (kind, required) = opener switch
        {
            "" => (IncludeKind.Heuristic, false),
            "file(" => (IncludeKind.File, false),
            "url(" => (IncludeKind.Url, false),
            "classpath(" => (IncludeKind.Classpath, false),
            "required(" => (IncludeKind.Heuristic, true),
            "required(file(" => (IncludeKind.File, true),
            "required(url(" => (IncludeKind.Url, true),
            "required(classpath(" => (IncludeKind.Classpath, true),
            _ => throw Error(keyword, $"expected file(, url(, classpath( or required( before the include name but found '{opener}'"),
        };

        var name = Next();
        var needed = opener.Count(c => c == '(');
        var closer = "";
        while (closer.Length < needed)
        {
            var c = Peek;
            if (c.Kind == TokenKind.Whitespace)
            {
                Next();
                continue;
            }

            if (c.Kind != TokenKind.Unquoted)
            {
                break;
            }

            closer += Next().Text;
        }

        if (closer != new string(')', needed))
        {
            throw Error(Peek, $"expected {needed} closing ')' after the include name but found {(closer.Length > 0 ? $"'{closer}'" : Peek.Describe())}");
        }

        var at = path is null ? _prefix : _prefix.Concat(path).ToList();
        var included = _includer.Include(new IncludeRequest(kind, name.Text, required, keyword.Position), _file, at);
        if (included is null)
        {
            return;
        }

        foreach (var (key, value) in included.Fields)
        {
            obj.Set(key, obj.TryGetValue(key, out var existing) ? ValueMerger.Merge(existing, value, _includer.Scope) : value);
        }
    }

    private HoconValue ParseValue(IReadOnlyList<string>? path, int depth)
    {
        var start = Peek;
        var pieces = new List<HoconValue>();
        while (true)
        {
            var t = Peek;
            switch (t.Kind)
            {
                case TokenKind.Whitespace:
                    pieces.Add(new HoconString(t.Text, t.Position, isSeparator: true));
                    break;
                case TokenKind.QuotedString or TokenKind.Unquoted:
                    pieces.Add(new HoconString(t.Text, t.Position));
                    break;
                case TokenKind.Number:
                    pieces.Add(new HoconNumber(t.Text, t.Position));
                    break;
                case TokenKind.True or TokenKind.False:
                    pieces.Add(new HoconBoolean(t.Kind == TokenKind.True, t.Position));
                    break;
                case TokenKind.Null:
                    pieces.Add(new HoconNull(t.Position));
                    break;
                case TokenKind.Substitution:
                    pieces.Add(new HoconSubstitution(HoconPath.FromTokens(t.Inner, t.Inner[0].Position), t.Optional, _prefix, t.Position));
                    break;
                case TokenKind.OpenBrace:
                    Next();
                    pieces.Add(ParseObject(braced: true, t, path, depth + 1));
                    continue;
                case TokenKind.OpenBracket:
                    Next();
                    pieces.Add(ParseArray(t, depth + 1));
                    continue;
                default:
                    goto done;
            }

            Next();
        }

        done:
        while (pieces.Count > 0 && pieces[^1] is HoconString { IsSeparator: true })
        {
            pieces.RemoveAt(pieces.Count - 1);
        }

        if (pieces.Count == 0)
        {
            throw Error(start, $"expected a value but found {start.Describe()}");
        }

        return pieces.Count == 1 ? pieces[0] : Concatenation.Create(pieces);
    }

    private HoconArray ParseArray(Token open, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error(open, $"objects and arrays are nested more than {MaxDepth} levels deep");
        }

        var items = new List<HoconValue>();
        SkipWhitespaceAndNewlines();
        while (true)
        {
            var t = Peek;
            switch (t.Kind)
            {
                case TokenKind.CloseBracket:
                    Next();
                    return new HoconArray(items, open.Position);
                case TokenKind.End:
                    throw Error(t, $"expected ']' to close the array opened at {open.Position} but found end of file");
                case TokenKind.Comma:
                    throw Error(t, "expected a value or ']' but found ','");
            }

            items.Add(ParseValue(null, depth));
            var sawNewline = SkipWhitespaceAndNewlines();
            var after = Peek;
            if (after.Kind == TokenKind.Comma)
            {
                Next();
                SkipWhitespaceAndNewlines();
                continue;
            }

            if (sawNewline || after.Kind == TokenKind.CloseBracket)
            {
                continue;
            }

            throw Error(after, after.Kind == TokenKind.End
                ? $"expected ']' to close the array opened at {open.Position} but found end of file"
                : $"expected ']' or ',' (or a newline) after an array element but found {after.Describe()}");
        }
    }
}
