namespace Virtsim.Hocon.Tests;

/// <summary>Shared helpers: parse with an injected (empty by default) environment.</summary>
internal static class Hocon
{
    public static HoconParseOptions Options(IReadOnlyDictionary<string, string>? env = null, string? source = null, string? baseDirectory = null) => new()
    {
        Environment = name => env is not null && env.TryGetValue(name, out var v) ? v : null,
        SourceName = source ?? "test.conf",
        BaseDirectory = baseDirectory,
    };

    public static HoconConfig Parse(string text, IReadOnlyDictionary<string, string>? env = null) =>
        HoconConfig.Parse(text, Options(env));

    public static string Json(string text, IReadOnlyDictionary<string, string>? env = null) => Parse(text, env).ToJson();

    public static HoconException Error(string text, IReadOnlyDictionary<string, string>? env = null) =>
        Assert.Throws<HoconException>(() => Parse(text, env));
}
