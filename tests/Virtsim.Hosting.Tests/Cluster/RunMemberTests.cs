using Virtsim.Hosting.Cluster;
using Virtsim.Hosting.Cluster.Admin;

namespace Virtsim.Hosting.Tests.Cluster;

/// <summary>
/// Which member runs the world for <c>virtsim run --cluster FILE</c>: the first Up, reachable member with the role
/// hosts by address, whatever the order the status lists them in; a clear reason when none fits.
/// </summary>
public class RunMemberTests
{
    private static MemberView Member(int port, string status = "Up", bool reachable = true, params string[] roles) =>
        new($"akka.tcp://virtsim@127.0.0.1:{port}", status, roles, reachable, null);

    private static ClusterStatus Status(params MemberView[] members) => new("akka.tcp://virtsim@127.0.0.1:5001", null, members);

    [Fact]
    public void The_first_up_reachable_hosts_member_by_address_runs_the_world()
    {
        var status = Status(
            Member(5001, "Up", true, "devices"),
            Member(5004, "Up", true, "hosts"),
            Member(5002, "Joining", true, "hosts"),
            Member(5003, "Up", false, "hosts"),
            Member(5005, "Up", true, "hosts", "backends"));
        Assert.Equal(new SeedNode("127.0.0.1", 5004), RunMember.Pick(status, out string reason));
        Assert.Equal("", reason);
    }

    [Fact]
    public void Address_order_is_by_host_then_port_number_not_by_text()
    {
        // As text "...:10000" sorts before "...:9000"; Akka's address order (ClusterPlacement's) compares the numbers.
        var status = Status(Member(10000, "Up", true, "hosts"), Member(9000, "Up", true, "hosts"));
        Assert.Equal(new SeedNode("127.0.0.1", 9000), RunMember.Pick(status, out _));
    }

    [Fact]
    public void No_member_with_the_role_hosts_names_the_members()
    {
        var status = Status(Member(5001, "Up", true, "devices"), Member(5002, "Up", true));
        Assert.Null(RunMember.Pick(status, out string reason));
        Assert.Contains("no member of the cluster has the role hosts", reason);
        Assert.Contains("akka.tcp://virtsim@127.0.0.1:5001 Up roles devices", reason);
        Assert.Contains("127.0.0.1:5002 Up roles none", reason);
    }

    [Fact]
    public void Hosts_members_that_are_not_up_and_reachable_are_named()
    {
        var status = Status(Member(5001, "Leaving", true, "hosts"), Member(5002, "Up", false, "hosts"));
        Assert.Null(RunMember.Pick(status, out string reason));
        Assert.Contains("no member with the role hosts is Up and reachable", reason);
        Assert.Contains("127.0.0.1:5001 Leaving roles hosts", reason);
        Assert.Contains("127.0.0.1:5002 Up unreachable roles hosts", reason);
    }
}
