namespace Virtsim.Hosting.Cluster.Local;

/// <summary>How to start the <c>virtsim</c> program as a child process: the file to run and the arguments before the command's own.</summary>
/// <param name="FileName">The executable (the apphost, or the <c>dotnet</c> host).</param>
/// <param name="Prefix">Arguments before the command (the path of virtsim.dll under the <c>dotnet</c> host).</param>
public sealed record VirtsimCommand(string FileName, IReadOnlyList<string> Prefix)
{
    /// <summary>Run <paramref name="dll"/> with the <c>dotnet</c> host (tests and benchmarks, whose own process is not virtsim).</summary>
    public static VirtsimCommand Dll(string dll) => new("dotnet", [dll]);

    /// <summary>
    /// virtsim as this process runs it: its own executable when the process is the <c>virtsim</c> apphost, else the
    /// <c>dotnet</c> host with <paramref name="virtsimDll"/> (under <c>dotnet virtsim.dll</c>, or a test host that
    /// runs the command in-process).
    /// </summary>
    public static VirtsimCommand Current(string virtsimDll)
    {
        string? process = Environment.ProcessPath;
        string name = Path.GetFileNameWithoutExtension(process ?? "");
        if (process is not null && name.Equals("virtsim", StringComparison.OrdinalIgnoreCase)) return new VirtsimCommand(process, []);
        string host = process is not null && name.Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? process : "dotnet";
        return new VirtsimCommand(host, [virtsimDll]);
    }
}
