namespace Virtsim.Hocon;

/// <summary>The kinds of token the lexer produces.</summary>
internal enum TokenKind
{
    /// <summary>End of input.</summary>
    End,
    /// <summary><c>{</c></summary>
    OpenBrace,
    /// <summary><c>}</c></summary>
    CloseBrace,
    /// <summary><c>[</c></summary>
    OpenBracket,
    /// <summary><c>]</c></summary>
    CloseBracket,
    /// <summary><c>,</c></summary>
    Comma,
    /// <summary><c>:</c></summary>
    Colon,
    /// <summary><c>=</c></summary>
    Equals,
    /// <summary><c>+=</c></summary>
    PlusEquals,
    /// <summary>An ASCII newline (comments end just before it).</summary>
    Newline,
    /// <summary>A run of non-newline whitespace; kept because value concatenation preserves it.</summary>
    Whitespace,
    /// <summary>A quoted or triple-quoted string.</summary>
    QuotedString,
    /// <summary>An unquoted string.</summary>
    Unquoted,
    /// <summary>A JSON number, kept as written.</summary>
    Number,
    /// <summary><c>true</c></summary>
    True,
    /// <summary><c>false</c></summary>
    False,
    /// <summary><c>null</c></summary>
    Null,
    /// <summary><c>${path}</c> or <c>${?path}</c>; the path tokens are in <see cref="Token.Inner"/>.</summary>
    Substitution,
}
