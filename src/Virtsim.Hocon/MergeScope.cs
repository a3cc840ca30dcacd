namespace Virtsim.Hocon;

/// <summary>
/// One building session (a parse with its includes, or one object concatenation). Objects and merge stacks made in
/// a scope belong to it and are referenced from one place only, so later merges of the same scope may change them
/// in place: merging n fields one at a time then costs O(n) instead of copying the object every time (O(n²)).
/// Once the session is over nobody merges with its scope any more, so its values are frozen: every other merge
/// copies before it changes anything.
/// </summary>
internal sealed class MergeScope
{
    /// <summary>Whether <paramref name="owner"/> (a value's scope) is this scope, so the value may change in place.</summary>
    public static bool Owns(MergeScope? scope, MergeScope? owner) => scope is not null && ReferenceEquals(scope, owner);
}
