using System.Diagnostics;

namespace Virtsim.Hocon.Tests;

/// <summary>
/// Sources that are not regular files (a FIFO blocks on open, <c>/dev/zero</c> never ends) and sources larger than
/// <see cref="HoconConfig.MaxSourceBytes"/> are refused with a <see cref="HoconException"/> naming the path, instead
/// of hanging or exhausting memory.
/// </summary>
public class SourceLimitTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    /// <summary>Runs <paramref name="parse"/> on another thread and fails instead of hanging the test run.</summary>
    private static HoconException ErrorWithin(Action parse)
    {
        var task = Task.Factory.StartNew(() => Record.Exception(parse), TaskCreationOptions.LongRunning);
        Assert.True(task.Wait(HangGuard), "the parse did not return (blocked reading the source?)");
        return Assert.IsType<HoconException>(task.Result);
    }

    private static string MakeFifo(TempDir dir)
    {
        var path = System.IO.Path.Combine(dir.Path, "pipe.conf");
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        Assert.True(mkfifo.WaitForExit(HangGuard));
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    [Fact]
    public void A_fifo_is_refused_without_opening_it()
    {
        if (!OperatingSystem.IsLinux()) return; // the kind of a file is only told on Linux
        using var dir = new TempDir();
        var fifo = MakeFifo(dir);
        var e = ErrorWithin(() => HoconConfig.ParseFile(fifo, Hocon.Options()));
        Assert.Equal($"cannot read '{fifo}': it is a FIFO (named pipe), not a regular file", e.Message);
    }

    [Fact]
    public void An_included_fifo_is_refused_at_the_include_statement()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDir();
        MakeFifo(dir);
        var main = dir.Write("main.conf", "a = 1\ninclude \"pipe.conf\"\n");
        var e = ErrorWithin(() => HoconConfig.ParseFile(main, Hocon.Options()));
        Assert.StartsWith("main.conf:2:1: cannot read '", e.Message);
        Assert.EndsWith("pipe.conf': it is a FIFO (named pipe), not a regular file", e.Message);
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/null")]
    public void A_device_is_refused_as_a_file_and_as_an_include(string device)
    {
        if (!OperatingSystem.IsLinux()) return;
        var e = ErrorWithin(() => HoconConfig.ParseFile(device, Hocon.Options()));
        Assert.Equal($"cannot read '{device}': it is a character device, not a regular file", e.Message);

        e = ErrorWithin(() => HoconConfig.Parse($"a = 1\n  include \"{device}\"", Hocon.Options()));
        Assert.Equal($"test.conf:2:3: cannot read '{device}': it is a character device, not a regular file", e.Message);
    }

    [Fact]
    public void A_file_larger_than_the_limit_is_refused_and_one_at_the_limit_is_read()
    {
        using var dir = new TempDir();
        var path = System.IO.Path.Combine(dir.Path, "big.conf");
        var atLimit = new byte[HoconConfig.MaxSourceBytes];
        Array.Fill(atLimit, (byte)' ');
        "a = 1\n"u8.CopyTo(atLimit);
        File.WriteAllBytes(path, atLimit);
        Assert.Equal(1, HoconConfig.ParseFile(path, Hocon.Options()).GetInt("a"));

        using (var file = File.OpenWrite(path))
        {
            file.Seek(0, SeekOrigin.End);
            file.WriteByte((byte)'\n');
        }

        var e = ErrorWithin(() => HoconConfig.ParseFile(path, Hocon.Options()));
        Assert.Equal($"'{path}' is larger than 16 MiB, the most a configuration source may hold", e.Message);
    }

    [Fact]
    public void A_stream_longer_than_the_limit_is_refused_without_reading_it_all()
    {
        var stream = new SpaceStream(HoconConfig.MaxSourceBytes * 4L);
        var e = ErrorWithin(() => HoconConfig.Parse(stream, Hocon.Options(source: "endless")));
        Assert.Equal("endless is larger than 16 MiB, the most a configuration source may hold", e.Message);
        Assert.True(stream.Position <= HoconConfig.MaxSourceBytes + 100_000, $"read {stream.Position} bytes");
    }

    /// <summary>A read-only stream of <c>length</c> spaces (whitespace: valid HOCON of any length).</summary>
    private sealed class SpaceStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            buffer.AsSpan(offset, n).Fill((byte)' ');
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
