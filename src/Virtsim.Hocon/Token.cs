namespace Virtsim.Hocon;

/// <summary>One lexical token with its text and where it starts.</summary>
/// <param name="Kind">The kind of token.</param>
/// <param name="Text">The decoded text (string contents, number as written, whitespace run, ...).</param>
/// <param name="Position">Where the token starts.</param>
internal sealed record Token(TokenKind Kind, string Text, HoconPosition Position)
{
    /// <summary>For substitutions: the tokens of the path expression between <c>${</c> and <c>}</c>.</summary>
    public IReadOnlyList<Token> Inner { get; init; } = [];

    /// <summary>For substitutions: whether it was written <c>${?...}</c>.</summary>
    public bool Optional { get; init; }

    /// <summary>A short description used in "expected ... but found ..." messages.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "end of file",
        TokenKind.OpenBrace => "'{'",
        TokenKind.CloseBrace => "'}'",
        TokenKind.OpenBracket => "'['",
        TokenKind.CloseBracket => "']'",
        TokenKind.Comma => "','",
        TokenKind.Colon => "':'",
        TokenKind.Equals => "'='",
        TokenKind.PlusEquals => "'+='",
        TokenKind.Newline => "newline",
        TokenKind.Whitespace => "whitespace",
        TokenKind.QuotedString => $"quoted string \"{Shorten(Text)}\"",
        TokenKind.Unquoted => $"'{Shorten(Text)}'",
        TokenKind.Number => $"number {Text}",
        TokenKind.True => "'true'",
        TokenKind.False => "'false'",
        TokenKind.Null => "'null'",
        TokenKind.Substitution => "substitution",
        _ => Kind.ToString(),
    };

    private static string Shorten(string s) => s.Length <= 30 ? s : s[..27] + "...";
}
