using System.Text;

namespace Virtsim.Hocon;

/// <summary>Reads HOCON sources as strict UTF-8, turning I/O and decoding failures into positioned errors.</summary>
internal static class SourceReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string ReadFile(string path, HoconPosition? at)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
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
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return Decode(buffer.ToArray(), source);
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ObjectDisposedException)
        {
            throw new HoconException(null, $"cannot read {source}: {e.Message}");
        }
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
