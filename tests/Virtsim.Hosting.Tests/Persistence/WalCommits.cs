using System.Buffers.Binary;

namespace Virtsim.Hosting.Tests.Persistence;

/// <summary>
/// Counts the transactions committed into a SQLite write-ahead log, read from the <c>-wal</c> file itself: a
/// frame whose header carries the database size after the commit ends a transaction. Frames left from an earlier
/// generation of the log (other salts) are not counted. Valid while no checkpoint restarts the log.
/// </summary>
public static class WalCommits
{
    /// <summary>Commits in the log beside <paramref name="databasePath"/> (0 when there is none).</summary>
    public static int Count(string databasePath)
    {
        string wal = databasePath + "-wal";
        if (!File.Exists(wal)) return 0;
        using var file = new FileStream(wal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var header = new byte[32];
        if (file.Read(header, 0, 32) < 32) return 0;
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (magic is not (0x377f0682 or 0x377f0683)) throw new InvalidDataException($"{wal} is not a SQLite write-ahead log");
        int pageSize = (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(8));
        uint salt1 = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(16)), salt2 = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(20));
        var frame = new byte[24];
        int commits = 0;
        while (file.Read(frame, 0, 24) == 24)
        {
            if (BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(8)) != salt1 || BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(12)) != salt2) break;
            if (BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(4)) != 0) commits++;
            file.Seek(pageSize, SeekOrigin.Current);
        }
        return commits;
    }
}
