using Virtsim.VhostUser.Native;
using Virtsim.VhostUser.Transport;

namespace Virtsim.VhostUser.Tests.Transport;

/// <summary>
/// A listener never takes a path from anyone: a file that is not a socket and a socket a server answers on are
/// refused and left as they are; only a stale socket is replaced; at exit only its own socket file is removed.
/// </summary>
public class SocketPathOwnershipTests
{
    private static string NewPath() => $"/tmp/virtsim-own-{Guid.NewGuid():N}"[..30] + ".sock";

    [Fact]
    public void A_regular_file_is_refused_and_kept()
    {
        string path = NewPath();
        File.WriteAllText(path, "precious");
        try
        {
            var e = Assert.Throws<IOException>(() => UnixSocketListener.Listen(path));
            Assert.Contains("not a socket", e.Message);
            Assert.Equal("precious", File.ReadAllText(path));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_directory_is_refused_and_kept()
    {
        string path = NewPath();
        Directory.CreateDirectory(path);
        try
        {
            var e = Assert.Throws<IOException>(() => UnixSocketListener.Listen(path));
            Assert.Contains("not a socket", e.Message);
            Assert.True(Directory.Exists(path));
        }
        finally { Directory.Delete(path); }
    }

    [Fact]
    public void A_socket_a_server_answers_on_is_refused_and_the_server_stays_reachable()
    {
        string path = NewPath();
        using var first = UnixSocketListener.Listen(path);
        var e = Assert.Throws<IOException>(() => UnixSocketListener.Listen(path));
        Assert.Contains("in use", e.Message);
        using var client = VhostUserConnection.Connect(path);
        // The refused listener's probe is one connection; the client's is the next one.
        using var probe = first.Accept(5000);
        using var accepted = first.Accept(5000);
        Assert.NotNull(probe);
        Assert.NotNull(accepted);
    }

    [Fact]
    public void A_stale_socket_is_replaced()
    {
        string path = NewPath();
        LeaveStaleSocket(path);
        Assert.True(File.Exists(path));
        using (var listener = UnixSocketListener.Listen(path))
        {
            using var client = VhostUserConnection.Connect(path);
            using var accepted = listener.Accept(5000);
            Assert.NotNull(accepted);
        }
        Assert.False(File.Exists(path), "the listener did not remove its own socket");
    }

    [Fact]
    public void Dispose_leaves_a_socket_another_server_bound_at_the_path_since()
    {
        string path = NewPath();
        var first = UnixSocketListener.Listen(path);
        File.Delete(path); // someone removed it by hand, and a second server took the free path
        using var second = UnixSocketListener.Listen(path);
        first.Dispose();
        Assert.True(File.Exists(path), "the first server removed the second one's socket");
        using var client = VhostUserConnection.Connect(path);
        using var accepted = second.Accept(5000);
        Assert.NotNull(accepted);
        second.Dispose();
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Dispose_leaves_a_regular_file_put_at_the_path()
    {
        string path = NewPath();
        var listener = UnixSocketListener.Listen(path);
        File.Delete(path);
        File.WriteAllText(path, "someone else's");
        try
        {
            listener.Dispose();
            Assert.Equal("someone else's", File.ReadAllText(path));
        }
        finally { File.Delete(path); }
    }

    /// <summary>A socket file whose server is gone: bound, then closed without removing the path (as after SIGKILL).</summary>
    private static unsafe void LeaveStaleSocket(string path)
    {
        int fd = LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        Assert.True(fd >= 0);
        var address = UnixSocketAddress.Encode(path);
        fixed (byte* a = address) Assert.Equal(0, LibC.bind(fd, a, address.Length));
        LibC.close(fd);
    }
}
