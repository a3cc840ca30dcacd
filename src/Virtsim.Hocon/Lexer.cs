using System.Globalization;
using System.Text;

namespace Virtsim.Hocon;

/// <summary>
/// Turns HOCON text into tokens. Comments are dropped (the newline that ends them is kept), whitespace runs are kept
/// as tokens because value concatenation preserves the whitespace between simple values.
/// </summary>
internal sealed class Lexer
{
    private const string ForbiddenInUnquoted = "$\"{}[]:=,+#`^?!@*&\\";

    private readonly string _text;
    private readonly string _source;
    private int _index;
    private int _line = 1;
    private int _column = 1;

    /// <summary>Creates a lexer over <paramref name="text"/>; positions name <paramref name="source"/>.</summary>
    public Lexer(string text, string source)
    {
        _text = text;
        _source = source;
    }

    /// <summary>Whether <paramref name="c"/> is HOCON whitespace (Unicode separators, ASCII controls 9-13 and 28-31, BOM).</summary>
    public static bool IsWhitespace(char c) => char.IsWhiteSpace(c) || c == '\uFEFF';

    /// <summary>Tokenizes the whole input; the last token is always <see cref="TokenKind.End"/>.</summary>
    public List<Token> Tokenize()
    {
        var tokens = new List<Token>();
        while (true)
        {
            var token = Next(insideSubstitution: false);
            tokens.Add(token);
            if (token.Kind == TokenKind.End)
            {
                return tokens;
            }
        }
    }

    private HoconPosition Here => new(_source, _line, _column);

    private char Peek(int ahead = 0) => _index + ahead < _text.Length ? _text[_index + ahead] : '\0';

    private bool AtEnd(int ahead = 0) => _index + ahead >= _text.Length;

    private char Advance()
    {
        var c = _text[_index++];
        if (c == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }

        return c;
    }

    private HoconException Error(HoconPosition at, string reason) => new(at, reason);

    private Token Next(bool insideSubstitution)
    {
        while (true)
        {
            if (AtEnd())
            {
                return new Token(TokenKind.End, "", Here);
            }

            var start = Here;
            var c = Peek();
            if (c == '#' || (c == '/' && Peek(1) == '/'))
            {
                while (!AtEnd() && Peek() != '\n')
                {
                    Advance();
                }

                continue;
            }

            if (c == '\n')
            {
                Advance();
                return new Token(TokenKind.Newline, "\n", start);
            }

            if (IsWhitespace(c))
            {
                var sb = new StringBuilder();
                while (!AtEnd() && Peek() != '\n' && IsWhitespace(Peek()))
                {
                    sb.Append(Advance());
                }

                return new Token(TokenKind.Whitespace, sb.ToString(), start);
            }

            switch (c)
            {
                case '{': Advance(); return new Token(TokenKind.OpenBrace, "{", start);
                case '}': Advance(); return new Token(TokenKind.CloseBrace, "}", start);
                case '[': Advance(); return new Token(TokenKind.OpenBracket, "[", start);
                case ']': Advance(); return new Token(TokenKind.CloseBracket, "]", start);
                case ',': Advance(); return new Token(TokenKind.Comma, ",", start);
                case ':': Advance(); return new Token(TokenKind.Colon, ":", start);
                case '=': Advance(); return new Token(TokenKind.Equals, "=", start);
                case '"':
                    return Peek(1) == '"' && Peek(2) == '"' ? TripleQuoted(start) : Quoted(start);
            }

            if (c == '+')
            {
                if (Peek(1) == '=')
                {
                    Advance();
                    Advance();
                    return new Token(TokenKind.PlusEquals, "+=", start);
                }

                throw Error(start, "unexpected '+' (only '+=' is allowed; quote the text to use '+' in a string)");
            }

            if (c == '$')
            {
                if (Peek(1) != '{')
                {
                    throw Error(start, "unexpected '$' (a substitution is written ${path}; quote the text to use '$' in a string)");
                }

                if (insideSubstitution)
                {
                    throw Error(start, "substitutions cannot be nested");
                }

                return Substitution(start);
            }

            if (c == '-' || (c >= '0' && c <= '9'))
            {
                return Number(start);
            }

            if (ForbiddenInUnquoted.Contains(c))
            {
                throw Error(start, $"character '{c}' is not allowed in an unquoted string (put the text in double quotes)");
            }

            foreach (var (word, kind) in Keywords)
            {
                if (string.CompareOrdinal(_text, _index, word, 0, word.Length) == 0)
                {
                    for (var i = 0; i < word.Length; i++)
                    {
                        Advance();
                    }

                    return new Token(kind, word, start);
                }
            }

            return Unquoted(start);
        }
    }

    private static readonly (string Word, TokenKind Kind)[] Keywords =
    [
        ("true", TokenKind.True),
        ("false", TokenKind.False),
        ("null", TokenKind.Null),
    ];

    private Token Unquoted(HoconPosition start)
    {
        var begin = _index;
        while (!AtEnd())
        {
            var c = Peek();
            if (IsWhitespace(c) || ForbiddenInUnquoted.Contains(c) || (c == '/' && Peek(1) == '/'))
            {
                break;
            }

            Advance();
        }

        return new Token(TokenKind.Unquoted, _text[begin.._index], start);
    }

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private Token Number(HoconPosition start)
    {
        var begin = _index;
        if (Peek() == '-')
        {
            Advance();
            if (!IsDigit(Peek()))
            {
                throw Error(start, AtEnd()
                    ? "expected a digit after '-' but found end of file"
                    : $"expected a digit after '-' but found '{Peek()}' (an unquoted string cannot start with '-'; quote it)");
            }
        }

        if (Peek() == '0')
        {
            Advance();
        }
        else
        {
            while (IsDigit(Peek()))
            {
                Advance();
            }
        }

        if (Peek() == '.' && IsDigit(Peek(1)))
        {
            Advance();
            while (IsDigit(Peek()))
            {
                Advance();
            }
        }

        if ((Peek() == 'e' || Peek() == 'E') &&
            (IsDigit(Peek(1)) || ((Peek(1) == '+' || Peek(1) == '-') && IsDigit(Peek(2)))))
        {
            Advance();
            if (Peek() == '+' || Peek() == '-')
            {
                Advance();
            }

            while (IsDigit(Peek()))
            {
                Advance();
            }
        }

        return new Token(TokenKind.Number, _text[begin.._index], start);
    }

    private Token Quoted(HoconPosition start)
    {
        Advance(); // opening quote
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd())
            {
                throw Error(start, "unterminated quoted string: expected '\"' but found end of file");
            }

            var here = Here;
            var c = Peek();
            if (c == '"')
            {
                Advance();
                return new Token(TokenKind.QuotedString, sb.ToString(), start);
            }

            if (c == '\n')
            {
                throw Error(start, "unterminated quoted string: expected '\"' before the end of the line (use \"\"\" for multi-line strings)");
            }

            if (c < ' ')
            {
                throw Error(here, $"control character U+{(int)c:X4} is not allowed in a quoted string (use an escape such as \\t or \\u{(int)c:X4})");
            }

            Advance();
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            if (AtEnd())
            {
                throw Error(start, "unterminated quoted string: expected an escape character after '\\' but found end of file");
            }

            var e = Advance();
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    var hex = _index + 4 <= _text.Length ? _text.Substring(_index, 4) : _text[_index..];
                    if (hex.Length < 4 || !int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code) ||
                        hex.Any(h => !Uri.IsHexDigit(h)))
                    {
                        throw Error(here, "bad escape: expected four hex digits after '\\u'");
                    }

                    for (var i = 0; i < 4; i++)
                    {
                        Advance();
                    }

                    sb.Append((char)code);
                    break;
                default:
                    throw Error(here, e == '\n'
                        ? "bad escape: '\\' at the end of a line (quoted strings cannot span lines)"
                        : $"bad escape '\\{e}': expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
            }
        }
    }

    private Token TripleQuoted(HoconPosition start)
    {
        Advance();
        Advance();
        Advance();
        var begin = _index;
        while (true)
        {
            if (AtEnd())
            {
                throw Error(start, "unterminated multi-line string: expected '\"\"\"' but found end of file");
            }

            if (Peek() == '"' && Peek(1) == '"' && Peek(2) == '"')
            {
                // Any run of three or more quotes ends the string; the extra ones belong to it.
                var runStart = _index;
                while (Peek() == '"' && !AtEnd())
                {
                    Advance();
                }

                var run = _index - runStart;
                var content = _text[begin..(runStart + run - 3)];
                return new Token(TokenKind.QuotedString, content, start);
            }

            Advance();
        }
    }

    private Token Substitution(HoconPosition start)
    {
        var begin = _index;
        Advance(); // $
        Advance(); // {
        var optional = false;
        if (Peek() == '?')
        {
            Advance();
            optional = true;
        }

        var inner = new List<Token>();
        while (true)
        {
            if (Peek() == '}')
            {
                Advance();
                break;
            }

            var token = Next(insideSubstitution: true);
            switch (token.Kind)
            {
                case TokenKind.End:
                    throw Error(start, "unterminated substitution: expected '}' but found end of file");
                case TokenKind.Newline:
                    throw Error(token.Position, "unterminated substitution: expected '}' but found newline");
                case TokenKind.QuotedString or TokenKind.Unquoted or TokenKind.Number or TokenKind.True
                    or TokenKind.False or TokenKind.Null or TokenKind.Whitespace:
                    inner.Add(token);
                    break;
                default:
                    throw Error(token.Position, $"expected a path or '}}' in substitution but found {token.Describe()}");
            }
        }

        while (inner.Count > 0 && inner[^1].Kind == TokenKind.Whitespace)
        {
            inner.RemoveAt(inner.Count - 1);
        }

        while (inner.Count > 0 && inner[0].Kind == TokenKind.Whitespace)
        {
            inner.RemoveAt(0);
        }

        if (inner.Count == 0)
        {
            throw Error(start, "empty substitution: expected a path between '${' and '}'");
        }

        return new Token(TokenKind.Substitution, _text[begin.._index], start)
        {
            Inner = inner,
            Optional = optional,
        };
    }
}
