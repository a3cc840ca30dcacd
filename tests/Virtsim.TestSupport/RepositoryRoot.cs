namespace Virtsim.TestSupport;

/// <summary>The repository a test runs from.</summary>
public static class RepositoryRoot
{
    /// <summary>The folder holding Actors.sln, found upwards from the test's base directory.</summary>
    /// <exception cref="InvalidOperationException">No such folder.</exception>
    public static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Actors.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root (Actors.sln) not found");
    }
}
