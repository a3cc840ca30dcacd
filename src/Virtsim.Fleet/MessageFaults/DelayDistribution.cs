namespace Virtsim.Fleet.MessageFaults;

/// <summary>
/// How long a <c>delay</c> fault holds a message: a fixed time, uniform between two times, or exponential with a
/// mean. Drawn in whole 100 ns ticks from the interceptor's seeded random source.
/// </summary>
/// <param name="Kind">The shape.</param>
/// <param name="A">Fixed: the delay; uniform: the lower end; exponential: the mean.</param>
/// <param name="B">Uniform: the upper end (otherwise unused).</param>
public sealed record DelayDistribution(DelayShape Kind, TimeSpan A, TimeSpan B = default)
{
    /// <summary>A fixed delay.</summary>
    public static DelayDistribution Fixed(TimeSpan delay) => new(DelayShape.Fixed, delay);

    /// <summary>Draws one delay.</summary>
    public TimeSpan Draw(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Kind switch
        {
            DelayShape.Fixed => A,
            DelayShape.Uniform => TimeSpan.FromTicks(A.Ticks + (long)(random.NextDouble() * (B.Ticks - A.Ticks))),
            // Inverse transform; 1 - U is in (0, 1], so the logarithm is finite.
            _ => TimeSpan.FromTicks((long)Math.Min(-Math.Log(1 - random.NextDouble()) * A.Ticks, TimeSpan.FromSeconds(3600).Ticks)),
        };
    }

    /// <summary>As a scenario writes it.</summary>
    public override string ToString() => Kind switch
    {
        DelayShape.Fixed => Micros(A),
        DelayShape.Uniform => $"{{ uniform = [{Micros(A)}, {Micros(B)}] }}",
        _ => $"{{ exponential = {Micros(A)} }}",
    };

    private static string Micros(TimeSpan t) => FormattableString.Invariant($"{t.Ticks / 10.0}us");
}

/// <summary>The shape of a <see cref="DelayDistribution"/>.</summary>
public enum DelayShape : byte
{
    /// <summary>Always the same delay.</summary>
    Fixed,
    /// <summary>Uniform between two delays.</summary>
    Uniform,
    /// <summary>Exponential with a mean.</summary>
    Exponential,
}
