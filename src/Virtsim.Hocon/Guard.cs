using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Virtsim.Hocon;

/// <summary>Argument checks that report through <see cref="HoconException"/>, the only exception the API throws.</summary>
internal static class Guard
{
    public static void NotNull([NotNull] object? value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value is null)
        {
            throw new HoconException(null, $"argument '{name}' must not be null");
        }
    }
}
