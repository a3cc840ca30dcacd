namespace Virtsim.Hosting.Cluster.Local;

/// <summary>How to start the <c>virtsim</c> program as a child process: the file to run and the arguments before the command's own.</summary>
/// <param name="FileName">The executable (the apphost, or the <c>dotnet</c> host).</param>
/// <param name="Prefix">Arguments before the command (the path of virtsim.dll under the <c>dotnet</c> host).</param>
public sealed record VirtsimCommand(string FileName, IReadOnlyList<string> Prefix)
{
    /// <summary>Run <paramref name="dll"/> with the <c>dotnet</c> host (tests and benchmarks, whose own process is not virtsim).</summary>
    public static VirtsimCommand Dll(string dll) => new("dotnet", [dll]);

    /// <summary>
    /// This process again: its executable, or the <c>dotnet</c> host with <paramref name="entryAssembly"/> when the
    /// process runs under <c>dotnet virtsim.dll</c>.
    /// </summary>
    public static VirtsimCommand Current(string entryAssembly)
    {
        string process = Environment.ProcessPath ?? "dotnet";
        bool host = Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return host ? new VirtsimCommand(process, [entryAssembly]) : new VirtsimCommand(process, []);
    }
}
