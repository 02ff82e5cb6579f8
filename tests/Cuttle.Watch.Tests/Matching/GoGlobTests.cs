using Cuttle.Watch.Matching;

namespace Cuttle.Watch.Tests.Matching;

public sealed class GoGlobTests
{
    // Cases from Go's path/filepath match_test.go, as reflex's -g relies on filepath.Match.
    [Theory]
    [InlineData("abc", "abc", true)]
    [InlineData("*", "abc", true)]
    [InlineData("*c", "abc", true)]
    [InlineData("a*", "a", true)]
    [InlineData("a*", "abc", true)]
    [InlineData("a*", "ab/c", false)]
    [InlineData("a*/b", "abc/b", true)]
    [InlineData("a*/b", "a/c/b", false)]
    [InlineData("a*b*c*d*e*/f", "axbxcxdxe/f", true)]
    [InlineData("a*b*c*d*e*/f", "axbxcxdxexxx/f", true)]
    [InlineData("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false)]
    [InlineData("a*b?c*x", "abxbbxdbxebxczzx", true)]
    [InlineData("a*b?c*x", "abxbbxdbxebxczzy", false)]
    [InlineData("ab[c]", "abc", true)]
    [InlineData("ab[b-d]", "abc", true)]
    [InlineData("ab[e-g]", "abc", false)]
    [InlineData("ab[^c]", "abc", false)]
    [InlineData("ab[^b-d]", "abc", false)]
    [InlineData("ab[^e-g]", "abc", true)]
    [InlineData("a\\*b", "a*b", true)]
    [InlineData("a\\*b", "ab", false)]
    [InlineData("a?b", "a☺b", true)]
    [InlineData("a?b", "a/b", false)]
    [InlineData("*.go", "main.go", true)]
    [InlineData("*.go", "sub/y.go", false)]
    [InlineData("*/*.go", "sub/y.go", true)]
    [InlineData("krakend.json", "krakend.json", true)]
    [InlineData("*x", "xxx", true)]
    public void IsMatch_GoCases_AgreeWithFilepathMatch(string pattern, string name, bool expected) =>
        Assert.Equal(expected, GoGlob.IsMatch(pattern, name));

    [Theory]
    [InlineData("[")]
    [InlineData("[^")]
    [InlineData("[^bc")]
    [InlineData("a[")]
    [InlineData("[a-")]
    [InlineData("[-]")]
    [InlineData("\\")]
    [InlineData("a[]")]
    public void IsValid_MalformedPatterns_AreRejected(string pattern)
    {
        Assert.False(GoGlob.IsValid(pattern));
        Assert.Throws<FormatException>(() => GoGlob.IsMatch(pattern, "zzz"));
    }
}
