namespace Virtsim.Fleet.Tests.Cli;

/// <summary>
/// Files that are not regular files (a FIFO hangs on open, <c>/dev/zero</c> never ends) given as a scenario, a
/// cluster file, a file to show or an include: a clear error naming the path on stderr and exit 2, never a hang or a
/// stack trace.
/// </summary>
public class UnreadableFileCommandTests
{
    private static void AssertRefused((int Code, string Out, string Err) result, string path, string kind)
    {
        Assert.Equal(2, result.Code);
        Assert.Contains($"cannot read '{path}': it is {kind}, not a regular file", result.Err);
        Assert.DoesNotContain("   at ", result.Err);
        Assert.DoesNotContain("seed:", result.Out);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("bench")]
    [InlineData("config show")]
    public void Dev_zero_is_refused(string command)
    {
        if (!OperatingSystem.IsLinux()) return;
        AssertRefused(CliHarness.Run([.. command.Split(' '), "/dev/zero"]), "/dev/zero", "a character device");
    }

    [Fact]
    public void A_fifo_as_scenario_cluster_file_or_include_is_refused()
    {
        if (!OperatingSystem.IsLinux()) return;
        var dir = Directory.CreateTempSubdirectory("virtsim-fifo-");
        try
        {
            var fifo = Path.Combine(dir.FullName, "pipe.conf");
            CliHarness.MakeFifo(fifo);
            AssertRefused(CliHarness.Run("run", fifo), fifo, "a FIFO (named pipe)");
            AssertRefused(CliHarness.Run("config", "show", fifo), fifo, "a FIFO (named pipe)");
            AssertRefused(CliHarness.Run("run", "quickstart", "--cluster", fifo), fifo, "a FIFO (named pipe)");

            var main = Path.Combine(dir.FullName, "main.conf");
            File.WriteAllText(main, "scenario.name = x\ninclude \"pipe.conf\"\n");
            var result = CliHarness.Run("config", "show", main);
            AssertRefused(result, fifo, "a FIFO (named pipe)");
            Assert.Contains("main.conf:2:1:", result.Err);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void An_include_of_dev_zero_is_refused_at_the_include()
    {
        if (!OperatingSystem.IsLinux()) return;
        var path = Path.Combine(Path.GetTempPath(), $"virtsim-include-zero-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, "scenario.name = x\n  include \"/dev/zero\"\n");
        try
        {
            var result = CliHarness.Run("run", path);
            AssertRefused(result, "/dev/zero", "a character device");
            Assert.Contains($"{Path.GetFileName(path)}:2:3:", result.Err);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_scenario_over_the_size_limit_is_refused_with_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"virtsim-big-{Guid.NewGuid():N}.conf");
        var newlines = new byte[Virtsim.Hocon.HoconConfig.MaxSourceBytes + 1];
        Array.Fill(newlines, (byte)'\n');
        File.WriteAllBytes(path, newlines);
        try
        {
            var (code, _, error) = CliHarness.Run("run", path);
            Assert.Equal(2, code);
            Assert.Contains($"'{path}' is larger than 16 MiB", error);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
