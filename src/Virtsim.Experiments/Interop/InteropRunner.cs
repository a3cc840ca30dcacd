using System.Diagnostics;

namespace Virtsim.Experiments.Interop;

/// <summary>Runs a matrix's cells (<see cref="InteropOptions.Jobs"/> at once) and collects the report.</summary>
public static class InteropRunner
{
    /// <summary>Runs every cell of <paramref name="matrix"/>; <paramref name="progress"/> hears of each result as it comes.</summary>
    public static InteropReport Run(InteropMatrix matrix, InteropOptions options, Action<CellResult, int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var results = new CellResult[matrix.Cells.Count];
        int done = 0;
        var gate = new object();
        Parallel.For(0, matrix.Cells.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Jobs) }, i =>
        {
            results[i] = RunCell(matrix.Cells[i], options);
            lock (gate) progress?.Invoke(results[i], ++done, results.Length);
        });
        return new InteropReport(matrix, results, clock.Elapsed);
    }

    /// <summary>Runs one cell.</summary>
    public static CellResult RunCell(InteropCell cell, InteropOptions options)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (PeerAvailability.Missing(cell, options) is { } missing)
            return new CellResult(cell, CellOutcome.Unavailable, missing, default, "", default, "", "", TimeSpan.Zero);
        try
        {
            return cell.Transport == InteropTransport.VhostUser ? VhostUserCellRunner.Run(cell, options) : InProcessCellRunner.Run(cell, options);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One cell that cannot run (a profile this driver cannot set up, a socket error) must not stop the matrix.
            return new CellResult(cell, CellOutcome.Failed, $"the cell could not run: {e.GetType().Name}: {e.Message}", default, "", default, "", "", TimeSpan.Zero);
        }
    }
}
