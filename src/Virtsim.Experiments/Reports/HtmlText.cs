using System.Net;

namespace Virtsim.Experiments.Reports;

/// <summary>HTML escaping for the self-contained report pages.</summary>
internal static class HtmlText
{
    public static string Escape(string? text) => WebUtility.HtmlEncode(text ?? "");
}
