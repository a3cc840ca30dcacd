using Virtsim.VhostUser.Native;
using Virtsim.VhostUser.Transport;

namespace Virtsim.VhostUser.Tests.Transport;

/// <summary>Front-ends that connect at the same moment are queued by the kernel, not turned away with EAGAIN.</summary>
public class ListenBacklogTests
{
    [Fact]
    public unsafe void A_hundred_simultaneous_non_blocking_connects_all_succeed()
    {
        string path = $"/tmp/virtsim-bl-{Guid.NewGuid():N}"[..30] + ".sock";
        using var listener = UnixSocketListener.Listen(path);
        var address = UnixSocketAddress.Encode(path);
        var fds = new List<int>();
        var refused = new List<int>();
        try
        {
            // Nobody accepts meanwhile: every connection must fit in the listen queue.
            for (int i = 0; i < 100; i++)
            {
                int fd = LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC | LibC.SOCK_NONBLOCK, 0);
                Assert.True(fd >= 0);
                fds.Add(fd);
                fixed (byte* a = address)
                    if (LibC.connect(fd, a, address.Length) != 0) refused.Add(LibC.Errno);
            }
            Assert.True(refused.Count == 0, $"{refused.Count} of 100 connects failed (errno {string.Join(", ", refused.Distinct())})");
            int accepted = 0;
            while (listener.Accept(1000) is { } connection)
            {
                connection.Dispose();
                if (++accepted == 100) break;
            }
            Assert.Equal(100, accepted);
        }
        finally
        {
            foreach (int fd in fds) LibC.close(fd);
        }
    }
}
