using System.Globalization;

namespace Virtsim.Hocon;

/// <summary>A number, kept exactly as written (JSON number syntax).</summary>
public sealed class HoconNumber : HoconValue
{
    /// <summary>Creates a number from its JSON text.</summary>
    /// <param name="text">The number as written, for example <c>-1.5e3</c>.</param>
    /// <param name="position">Where it starts.</param>
    /// <exception cref="HoconException"><paramref name="text"/> is not a JSON number.</exception>
    public HoconNumber(string text, HoconPosition position)
        : base(position)
    {
        Guard.NotNull(text);
        if (!IsJsonNumber(text))
        {
            throw new HoconException(position, $"'{text}' is not a JSON number");
        }

        Text = text;
    }

    /// <summary>Whether <paramref name="text"/> is exactly one JSON number.</summary>
    internal static bool IsJsonNumber(string text)
    {
        try
        {
            var tokens = new Lexer(text, "<number>").Tokenize();
            return tokens.Count == 2 && tokens[0].Kind == TokenKind.Number;
        }
        catch (HoconException)
        {
            return false;
        }
    }

    /// <summary>The number as written in the source.</summary>
    public string Text { get; }

    /// <inheritdoc />
    public override HoconValueKind Kind => HoconValueKind.Number;

    /// <inheritdoc />
    public override bool IsResolved => true;

    /// <inheritdoc />
    public override string ConcatenationText => Text;

    /// <summary>The value as a double.</summary>
    public double ToDouble() => double.Parse(Text, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string Describe() => $"number {Text}";

    /// <inheritdoc />
    public override string ToString() => Text;
}
