using System.Text;

namespace Virtsim.Hocon;

/// <summary>
/// Path expressions (<c>a.b."c.d"</c>): built from key or substitution tokens, parsed from getter arguments and
/// rendered back. Dots split elements only outside quoted strings; empty elements must be quoted.
/// </summary>
internal static class HoconPath
{
    /// <summary>Builds the path elements from the tokens of a key or a substitution.</summary>
    /// <exception cref="HoconException">An element is empty (<c>a..b</c>, <c>.a</c>, <c>a.</c>).</exception>
    public static List<string> FromTokens(IReadOnlyList<Token> tokens, HoconPosition at)
    {
        var elements = new List<string>();
        var current = new StringBuilder();
        var hasContent = false;

        void Finish()
        {
            if (!hasContent)
            {
                throw new HoconException(at, $"invalid path '{Original(tokens)}': empty path element (write \"\" to mean an empty key)");
            }

            elements.Add(current.ToString());
            current.Clear();
            hasContent = false;
        }

        foreach (var token in tokens)
        {
            switch (token.Kind)
            {
                case TokenKind.QuotedString:
                    current.Append(token.Text);
                    hasContent = true;
                    break;
                case TokenKind.Whitespace:
                    current.Append(token.Text);
                    break;
                default:
                    var parts = token.Text.Split('.');
                    for (var i = 0; i < parts.Length; i++)
                    {
                        if (i > 0)
                        {
                            Finish();
                        }

                        current.Append(parts[i]);
                        hasContent |= parts[i].Length > 0;
                    }

                    break;
            }
        }

        Finish();
        return elements;
    }

    /// <summary>Parses a path expression such as <c>cluster.nodes."node.1"</c> given to a getter.</summary>
    /// <exception cref="HoconException">The text is not a valid path expression.</exception>
    public static List<string> Parse(string path)
    {
        try
        {
            var tokens = new Lexer(path, "<path>").Tokenize();
            tokens.RemoveAt(tokens.Count - 1);
            if (tokens.Count == 0)
            {
                throw new HoconException(null, "path is empty");
            }

            foreach (var t in tokens)
            {
                if (t.Kind is not (TokenKind.QuotedString or TokenKind.Unquoted or TokenKind.Number or TokenKind.True
                    or TokenKind.False or TokenKind.Null or TokenKind.Whitespace))
                {
                    throw new HoconException(null, $"unexpected {t.Describe()}");
                }
            }

            return FromTokens(tokens, new HoconPosition("<path>", 1, 1));
        }
        catch (HoconException e)
        {
            throw new HoconException(null, $"invalid path expression '{path}': {e.Reason}");
        }
    }

    /// <summary>Renders path elements as a path expression, quoting elements that need it.</summary>
    public static string Render(IEnumerable<string> path) => string.Join(".", path.Select(RenderElement));

    private static string RenderElement(string element)
    {
        var plain = element.Length > 0 && element.All(c => char.IsLetterOrDigit(c) || c is '-' or '_') &&
                    !(element[0] == '-' || char.IsDigit(element[0])) &&
                    element is not ("true" or "false" or "null" or "include");
        return plain ? element : JsonWriter.Quote(element);
    }

    private static string Original(IReadOnlyList<Token> tokens) =>
        string.Concat(tokens.Select(t => t.Kind == TokenKind.QuotedString ? JsonWriter.Quote(t.Text) : t.Text));
}
