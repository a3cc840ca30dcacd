using System.Text;

namespace Virtsim.Hocon;

/// <summary>Reads HOCON sources as strict UTF-8, turning I/O and decoding failures into positioned errors.</summary>
internal static class SourceReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string ReadFile(string path, HoconPosition? at)
    {
        if (FileKind.DescribeIfNotRegular(path) is { } kind)
        {
            throw new HoconException(at, $"cannot read '{path}': it is {kind}, not a regular file");
        }

        byte[] bytes;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            bytes = ReadAtMost(stream, $"'{path}'", at);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException or NotSupportedException or ArgumentException)
        {
            throw new HoconException(at, $"cannot read '{path}': {e.Message}");
        }

        return Decode(bytes, path);
    }

    public static string ReadStream(Stream stream, string source)
    {
        try
        {
            return Decode(ReadAtMost(stream, source, null), source);
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ObjectDisposedException)
        {
            throw new HoconException(null, $"cannot read {source}: {e.Message}");
        }
    }

    /// <summary>
    /// Reads the whole stream, but never more than <see cref="HoconConfig.MaxSourceBytes"/>: a file that grows while
    /// it is read, a device without end or a stream of garbage stops with an error instead of exhausting memory.
    /// </summary>
    private static byte[] ReadAtMost(Stream stream, string source, HoconPosition? at)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, HoconConfig.MaxSourceBytes + 1 - buffer.Length))) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > HoconConfig.MaxSourceBytes)
            {
                throw new HoconException(at,
                    $"{source} is larger than {HoconConfig.MaxSourceBytes >> 20} MiB, the most a configuration source may hold");
            }
        }

        return buffer.ToArray();
    }

    private static string Decode(byte[] bytes, string source)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var index = Math.Clamp(e.Index, 0, bytes.Length);
            var line = 1;
            var lineStart = 0;
            for (var i = 0; i < index; i++)
            {
                if (bytes[i] == (byte)'\n')
                {
                    line++;
                    lineStart = i + 1;
                }
            }

            throw new HoconException(new HoconPosition(source, line, index - lineStart + 1), "the file is not valid UTF-8");
        }
    }
}
