using Cuttle.Watch.Matching;

namespace Cuttle.Watch.Tests.Matching;

public sealed class PathMatcherTests
{
    [Fact]
    public void SeveralGlobs_AreCombinedWithAnd_AsReflexMultiMatcher()
    {
        var m = PathMatcher.Create(globs: ["*.go", "*.c"]);
        Assert.False(m.IsMatch("a.go"));
        Assert.False(m.IsMatch("a.c"));
    }

    [Fact]
    public void NoPositivePattern_MatchesEverythingButDefaultExcludes()
    {
        var m = PathMatcher.Create();
        Assert.True(m.IsMatch("anything/at/all.txt"));
        Assert.False(m.IsMatch(".git/index"));
        Assert.False(m.IsMatch("file.swp"));
        Assert.False(m.IsMatch("notes.txt~"));
        Assert.True(PathMatcher.Create(all: true).IsMatch(".git/index"));
    }

    [Fact]
    public void Regex_IsUnanchored_AndInverseExcludes()
    {
        var m = PathMatcher.Create(regexes: [@"\.json$"], inverseRegexes: ["^tmp/"]);
        Assert.True(m.IsMatch("conf/krakend.json"));
        Assert.False(m.IsMatch("tmp/krakend.json"));
        Assert.False(m.IsMatch("krakend.yaml"));
    }

    [Fact]
    public void InverseRegexWithoutAnchorAtEnd_PrunesDirectories_InverseGlobNever()
    {
        Assert.True(PathMatcher.Create(inverseRegexes: ["^node_modules/"]).ExcludesDirectory("node_modules/"));
        Assert.False(PathMatcher.Create(inverseRegexes: ["node_modules/$"]).ExcludesDirectory("node_modules/"));
        Assert.False(PathMatcher.Create(inverseGlobs: ["node_modules/"], all: true).ExcludesDirectory("node_modules/"));
        Assert.True(PathMatcher.Create().ExcludesDirectory(".git/"));
    }

    [Fact]
    public void BadGlob_GivesAClearError()
    {
        var ex = Assert.Throws<WatchException>(() => PathMatcher.Create(globs: ["[abc"]));
        Assert.Contains("-g/--glob: bad glob pattern '[abc'", ex.Message);
    }

    [Fact]
    public void BadRegex_GivesAClearError()
    {
        var ex = Assert.Throws<WatchException>(() => PathMatcher.Create(regexes: ["(unclosed"]));
        Assert.Contains("-r/--regex: bad regular expression '(unclosed'", ex.Message);
    }
}
