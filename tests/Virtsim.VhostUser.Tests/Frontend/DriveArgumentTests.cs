using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Virtsim.Cli;

namespace Virtsim.VhostUser.Tests.Frontend;

/// <summary>
/// Every bad <c>virtsim vhost-user drive</c> argument is a clear message on stderr and exit 2, never a stack trace;
/// valid arguments get as far as connecting (exit 3: nothing listens at the socket). Run in-process.
/// </summary>
public class DriveArgumentTests
{
    private static readonly string Nowhere = $"/nonexistent-{Guid.NewGuid():N}/s.sock";

    private static (int Code, string Stderr) Drive(params string[] args)
    {
        var stderr = new StringWriter();
        var run = Task.Run(() => CliApp.Run(["vhost-user", "drive", .. args], TextWriter.Null, TextWriter.Synchronized(stderr), false));
        Assert.True(run.Wait(60_000), "drive did not return");
        return (run.Result, stderr.ToString());
    }

    [Theory]
    [InlineData("--timeout", "NaN", "--timeout takes a number of seconds (got 'NaN')")]
    [InlineData("--timeout", "-Infinity", "--timeout takes a number of seconds")]
    [InlineData("--timeout", "1e300", "--timeout takes a number of seconds")]
    [InlineData("--timeout", "0", "the timeout must be more than 0 and at most 86400 s (got 0 s)")]
    [InlineData("--timeout", "86401", "the timeout must be more than 0 and at most 86400 s")]
    [InlineData("--reconnect-timeout", "NaN", "--reconnect-timeout takes a number of seconds")]
    [InlineData("--reconnect-timeout", "-1", "the reconnect timeout must be more than 0 and at most 86400 s (got -1 s)")]
    [InlineData("--queue-size", "70000", "--queue-size")]
    [InlineData("--queue-size", "65537", "--queue-size")]
    [InlineData("--device", "9", "unknown device 9")]
    [InlineData("--frames", "-1", "frames must be 0..")]
    public void A_bad_option_value_exits_2_with_the_reason(string option, string value, string reason)
    {
        var (code, stderr) = Drive("--socket", Nowhere, option, value);
        Assert.Equal(2, code);
        Assert.Contains(reason, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [InlineData("", "the socket path is empty")]
    [InlineData("/tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "is 108 bytes long; a unix socket path has at most 107")]
    public void A_bad_socket_path_exits_2_with_the_reason(string socket, string reason)
    {
        var (code, stderr) = Drive("--socket", socket);
        Assert.Equal(2, code);
        Assert.Contains(reason, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void Any_queue_size_is_tried_or_refused_with_its_reason()
    {
        var sizes = Gen.OneOf(ArbMap.Default.GeneratorFor<int>(), Gen.Choose(-2, 70_000), Gen.Choose(0, 17).Select(b => 1 << b));
        Prop.ForAll(sizes.ToArbitrary(), ArbMap.Default.ArbFor<bool>(), (size, packed) =>
        {
            string[] args = ["--socket", Nowhere, "--timeout", "0.05", "--queue-size", size.ToString(CultureInfo.InvariantCulture)];
            var (code, stderr) = Drive(packed ? [.. args, "--packed"] : args);
            bool valid = size is >= 4 and <= 32768 && (packed || (size & (size - 1)) == 0);
            return !stderr.Contains("   at ") && (valid ? code == 3 && stderr.Contains("connect to") : code == 2 && (stderr.Contains("queue size") || stderr.Contains("--queue-size")));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }
}
