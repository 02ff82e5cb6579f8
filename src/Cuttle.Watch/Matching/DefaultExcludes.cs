namespace Cuttle.Watch.Matching;

/// <summary>reflex 0.3.1's defaultexclude.go (VCS and editor files), turned off by <c>--all</c>; `.jj/` is from reflex HEAD.</summary>
internal static class DefaultExcludes
{
    public static readonly string[] Regexes =
    [
        @"(^|/)\.git/",
        @"(^|/)\.hg/",
        @"(^|/)\.jj/",
        @"~$",
        @"\.swp$",
        @"\.#",
        @"(^|/)#.*#$",
        @"(^|/)\.DS_Store$",
    ];
}
