using Cuttle.Watch.Reflex;

namespace Cuttle.Watch.Tests.Reflex;

public sealed class ReflexConfigFileTests
{
    [Fact]
    public void Read_SkipsCommentsAndBlanks_SplitsLikeSh_AndFollowsContinuations()
    {
        const string text = """
            # comment
            -g '*.go' -s -- go run "main.go"

              -r '\.txt$' -- echo {} \
                done
            -c "it's" 'a "test"'
            """;
        var result = ReflexConfigFile.Read(new StringReader(text), "reflex.conf");

        Assert.Equal(3, result.Count);
        Assert.Equal(["-g", "*.go", "-s", "--", "go", "run", "main.go"], result[0].Args);
        Assert.Equal("reflex.conf, line 2", result[0].Source);
        Assert.Equal(["-r", @"\.txt$", "--", "echo", "{}", "done"], result[1].Args);
        Assert.Equal("reflex.conf, line 4", result[1].Source);
        Assert.Equal(["-c", "it's", "a \"test\""], result[2].Args);
    }

    [Fact]
    public void Read_QuotedStringSpanningLines_IsOneReflex()
    {
        var result = ReflexConfigFile.Read(new StringReader("-s -- sh -c 'echo a\necho b'\n"), "f");
        Assert.Equal(["-s", "--", "sh", "-c", "echo a\necho b"], Assert.Single(result).Args);
    }

    [Fact]
    public void Read_UnterminatedQuote_IsAClearError()
    {
        var ex = Assert.Throws<WatchException>(() => ReflexConfigFile.Read(new StringReader("-s -- echo 'oops\n"), "f"));
        Assert.Equal("f, line 1: unterminated quote or line continuation at end of file", ex.Message);
    }
}
