namespace Virtsim.VhostUser.Native;

/// <summary>SCM_RIGHTS ancillary data: building it for sendmsg and reading descriptors out of it after recvmsg.</summary>
internal static unsafe class ControlMessage
{
    /// <summary>sizeof(struct cmsghdr) on 64-bit Linux: len (size_t), level (int), type (int).</summary>
    public const int HeaderSize = 16;

    /// <summary>CMSG_SPACE(fdCount * 4).</summary>
    public static int Space(int fdCount) => HeaderSize + Align(fdCount * sizeof(int));

    /// <summary>Writes one SCM_RIGHTS control message carrying <paramref name="fds"/> at <paramref name="buffer"/>; returns its length.</summary>
    public static int WriteRights(byte* buffer, ReadOnlySpan<int> fds)
    {
        int dataLength = fds.Length * sizeof(int);
        *(nuint*)buffer = (nuint)(HeaderSize + dataLength); // CMSG_LEN
        *(int*)(buffer + 8) = LibC.SOL_SOCKET;
        *(int*)(buffer + 12) = LibC.SCM_RIGHTS;
        int* data = (int*)(buffer + HeaderSize);
        for (int i = 0; i < fds.Length; i++) data[i] = fds[i];
        return Space(fds.Length);
    }

    /// <summary>Every descriptor carried by SCM_RIGHTS messages in [<paramref name="buffer"/>, +<paramref name="length"/>).</summary>
    public static List<int> ReadRights(byte* buffer, int length)
    {
        var fds = new List<int>();
        int offset = 0;
        while (offset + HeaderSize <= length)
        {
            nuint cmsgLength = *(nuint*)(buffer + offset);
            if (cmsgLength < HeaderSize || (ulong)offset + cmsgLength > (ulong)length) break;
            int level = *(int*)(buffer + offset + 8);
            int type = *(int*)(buffer + offset + 12);
            if (level == LibC.SOL_SOCKET && type == LibC.SCM_RIGHTS)
            {
                int count = ((int)cmsgLength - HeaderSize) / sizeof(int);
                int* data = (int*)(buffer + offset + HeaderSize);
                for (int i = 0; i < count; i++) fds.Add(data[i]);
            }
            offset += Align((int)cmsgLength);
        }
        return fds;
    }

    private static int Align(int length) => (length + 7) & ~7;
}
