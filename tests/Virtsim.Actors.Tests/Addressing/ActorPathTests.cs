using FsCheck;
using FsCheck.Fluent;
using Virtsim.Actors.Addressing;

namespace Virtsim.Actors.Tests.Addressing;

public class ActorPathTests
{
    [Fact]
    public void A_path_has_a_node_and_a_hierarchy()
    {
        var path = ActorPath.Root("host-a").Child("user").Child("host-1").Child("vm-3");

        Assert.Equal("host-a", path.Node);
        Assert.Equal("/user/host-1/vm-3", path.Path);
        Assert.Equal("vm-3", path.Name);
        Assert.Equal("virtsim://host-a/user/host-1/vm-3", path.ToString());
        Assert.Equal("/user/host-1", path.Parent!.Path);
        Assert.True(path.Parent.IsAncestorOrSelfOf(path));
        Assert.Equal(path, ActorPath.Parse(path.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("http://a/b")]
    [InlineData("virtsim://")]
    [InlineData("virtsim://a b/user")]
    [InlineData("virtsim://a/user//x")]
    public void Malformed_text_is_not_a_path(string text)
    {
        Assert.False(ActorPath.TryParse(text, out _));
        Assert.Throws<FormatException>(() => ActorPath.Parse(text));
    }

    [Fact]
    public void Paths_round_trip_through_text()
    {
        var names = Gen.Elements("user", "host-1", "vm-3", "$a", "q.0", "ünï", "x_y").ListOf();
        Prop.ForAll(names.ToArbitrary(), elements =>
        {
            var path = elements.Aggregate(ActorPath.Root("node-7"), (p, e) => p.Child(e));
            var back = ActorPath.Parse(path.ToString());
            return back == path && back.GetHashCode() == path.GetHashCode() && back.Depth == elements.Count;
        }).QuickCheckThrowOnFailure();
    }
}
