using System.Diagnostics;

namespace Virtsim.TestSupport;

/// <summary>
/// Loads a page in headless Chromium (Debian package <c>chromium</c>, installed by scripts/test.sh) and returns the DOM
/// after the load event and 5 s of virtual time: a probe script the test appended to the page writes what it measured
/// into the DOM.
/// </summary>
public static class HeadlessChromium
{
    /// <summary>The DOM of <paramref name="file"/> after loading; <paramref name="profileFolder"/> holds the browser's profile.</summary>
    /// <exception cref="InvalidOperationException">Chromium is not installed, did not finish within 120 s or failed.</exception>
    public static string DumpDom(string file, string profileFolder)
    {
        string browser = new[] { "chromium", "chromium-browser", "google-chrome" }
            .Select(Which).FirstOrDefault(p => p is not null)
            ?? throw new InvalidOperationException("Chromium is not installed: bash scripts/test.sh installs the Debian package chromium");
        var start = new ProcessStartInfo(browser)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                $"--user-data-dir={Path.Combine(profileFolder, "profile")}", "--virtual-time-budget=5000", "--dump-dom", new Uri(file).AbsoluteUri,
            },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("Chromium did not finish within 120 s:\n" + stderr.Result);
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"Chromium exited {process.ExitCode}:\n{stderr.Result}");
        return stdout.Result;
    }

    /// <summary>Adds to <paramref name="html"/> a script, first in its head, that collects the page's errors in <c>window.__errors</c>.</summary>
    public static string CollectErrors(string html) =>
        html.Replace("<head>", "<head><script>window.__errors=[];window.addEventListener('error',e=>window.__errors.push(String(e.message)));</script>", StringComparison.Ordinal);

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
