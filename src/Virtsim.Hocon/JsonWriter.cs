using System.Globalization;
using System.Text;

namespace Virtsim.Hocon;

/// <summary>Writes resolved values as JSON, keeping object fields in insertion order.</summary>
internal static class JsonWriter
{
    public static string Write(HoconValue value, bool indent)
    {
        var sb = new StringBuilder();
        Write(value, sb, indent, 0);
        return sb.ToString();
    }

    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        AppendQuoted(sb, s);
        return sb.ToString();
    }

    private static void Write(HoconValue value, StringBuilder sb, bool indent, int level)
    {
        switch (value)
        {
            case HoconObject o:
                if (o.Count == 0)
                {
                    sb.Append("{}");
                    return;
                }

                sb.Append('{');
                var first = true;
                foreach (var (key, child) in o.Fields)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    NewLine(sb, indent, level + 1);
                    AppendQuoted(sb, key);
                    sb.Append(indent ? ": " : ":");
                    Write(child, sb, indent, level + 1);
                }

                NewLine(sb, indent, level);
                sb.Append('}');
                return;
            case HoconArray a:
                if (a.Items.Count == 0)
                {
                    sb.Append("[]");
                    return;
                }

                sb.Append('[');
                for (var i = 0; i < a.Items.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    NewLine(sb, indent, level + 1);
                    Write(a.Items[i], sb, indent, level + 1);
                }

                NewLine(sb, indent, level);
                sb.Append(']');
                return;
            case HoconString s:
                AppendQuoted(sb, s.Value);
                return;
            case HoconNumber n:
                sb.Append(n.Text);
                return;
            case HoconBoolean b:
                sb.Append(b.Value ? "true" : "false");
                return;
            case HoconNull:
                sb.Append("null");
                return;
            default:
                throw new HoconException(value.Position, $"cannot write an unresolved {value.Describe()} as JSON");
        }
    }

    private static void NewLine(StringBuilder sb, bool indent, int level)
    {
        if (indent)
        {
            sb.Append('\n').Append(' ', level * 2);
        }
    }

    private static void AppendQuoted(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < ' ' || char.IsSurrogate(c) || c == '\u2028' || c == '\u2029' || c == '\uFEFF')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
