using System.Globalization;

namespace Virtsim.Hosting.Cluster;

/// <summary>A member's network address as a node file writes it: <c>host:port</c>.</summary>
/// <param name="Host">Host name or IP address.</param>
/// <param name="Port">TCP port.</param>
public sealed record SeedNode(string Host, int Port)
{
    /// <summary>
    /// Reads <c>host:port</c> (an IPv6 address in brackets: <c>[::1]:4053</c>); null with a reason when it is not
    /// one. An Akka address (<c>akka.tcp://name@host:port</c>) is accepted too, its host and port taken.
    /// </summary>
    public static SeedNode? TryParse(string text, out string reason)
    {
        ArgumentNullException.ThrowIfNull(text);
        string rest = text.Trim();
        int at = rest.IndexOf('@', StringComparison.Ordinal);
        if (rest.Contains("://", StringComparison.Ordinal))
        {
            if (at < 0)
            {
                reason = $"'{text}' is not host:port nor an Akka address (akka.tcp://name@host:port)";
                return null;
            }
            rest = rest[(at + 1)..];
        }
        int colon = rest.LastIndexOf(':');
        if (colon <= 0 || colon == rest.Length - 1)
        {
            reason = $"'{text}' is not host:port";
            return null;
        }
        string host = rest[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        if (!int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            reason = $"'{text}': the port must be a number from 1 to 65535";
            return null;
        }
        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '@' or '"'))
        {
            reason = $"'{text}': '{host}' is not a host name or address";
            return null;
        }
        reason = "";
        return new SeedNode(host, port);
    }

    /// <summary><c>host:port</c> (IPv6 in brackets).</summary>
    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}" : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
