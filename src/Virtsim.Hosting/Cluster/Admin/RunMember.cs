using Akka.Actor;
using Akka.Cluster;

namespace Virtsim.Hosting.Cluster.Admin;

/// <summary>
/// Which member of a running cluster runs a scenario's world for <c>virtsim run --cluster FILE</c>: the first Up,
/// reachable member with the <see cref="NodeRoles.Hosts"/> role, by address (the order <c>ClusterPlacement</c> picks
/// members of a role in). Pure: it reads a <see cref="ClusterStatus"/>.
/// </summary>
public static class RunMember
{
    /// <summary>The member's address, or null with <paramref name="reason"/> saying why none fits.</summary>
    public static SeedNode? Pick(ClusterStatus status, out string reason)
    {
        ArgumentNullException.ThrowIfNull(status);
        var hosts = status.Members.Where(m => m.Roles.Contains(NodeRoles.Hosts)).ToList();
        var ready = hosts.Where(m => m.Status == nameof(MemberStatus.Up) && m.Reachable)
            .OrderBy(m => Address.Parse(m.Address), Member.AddressOrdering).FirstOrDefault();
        if (ready is not null)
        {
            reason = "";
            return SeedNode.TryParse(ready.Address, out reason);
        }
        reason = hosts.Count == 0
            ? $"no member of the cluster has the role {NodeRoles.Hosts} (members: {Describe(status.Members)}); start a node with roles = [{NodeRoles.Hosts}]"
            : $"no member with the role {NodeRoles.Hosts} is Up and reachable ({Describe(hosts)})";
        return null;
    }

    private static string Describe(IEnumerable<MemberView> members)
    {
        var list = members.Select(m => $"{m.Address} {m.Status}{(m.Reachable ? "" : " unreachable")} roles {(m.Roles.Count == 0 ? "none" : string.Join(",", m.Roles))}").ToList();
        return list.Count == 0 ? "none" : string.Join("; ", list);
    }
}
