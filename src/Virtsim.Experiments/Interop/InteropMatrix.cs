namespace Virtsim.Experiments.Interop;

/// <summary>A loaded matrix: its cells (every applicable combination of the file's dimensions) and how to run them.</summary>
/// <param name="Source">The file it came from.</param>
/// <param name="Cells">The cells, in file order of the dimensions (driver, device, type, transport, ring, feature set).</param>
/// <param name="NotApplicable">Combinations left out because the driver, device, type and transport do not go together.</param>
/// <param name="Options">Requests per cell and the timeout.</param>
public sealed record InteropMatrix(string Source, IReadOnlyList<InteropCell> Cells, int NotApplicable, InteropOptions Options);
