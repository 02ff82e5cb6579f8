using Cuttle.Gateway.Cel.Language;

namespace Cuttle.Gateway.Tests.Cel.Language;

public sealed class CelParserTests
{
    private static object? Eval(string e) => TestActivation.Eval(e);

    [Theory]
    [InlineData("1 + 2 * 3", 7L)]
    [InlineData("(1 + 2) * 3", 9L)]
    [InlineData("10 - 4 - 3", 3L)]
    [InlineData("100 / 10 / 5", 2L)]
    [InlineData("7 % 4 * 2", 6L)]
    [InlineData("-2 * 3", -6L)]
    [InlineData("- -4", 4L)]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("0x1F", 31L)]
    public void Arithmetic_FollowsCelPrecedenceAndAssociativity(string expression, long expected)
        => Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("1 + 1 == 2 && 3 > 2", true)]
    [InlineData("true || false && false", true)]
    [InlineData("!true || true", true)]
    [InlineData("!(true || true)", false)]
    [InlineData("1 < 2 == true", true)]
    [InlineData("2 in [1, 2] && !(3 in [1, 2])", true)]
    [InlineData("(true ? (false ? 1 : 2) : 3) == 2", true)]
    [InlineData("false ? 1 : true ? 2 == 2 : false", true)]
    public void LogicAndRelations_BindAsTheGrammarSays(string expression, bool expected)
        => Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("'a\\tb'", "a\tb")]
    [InlineData("\"q\\\"uote\"", "q\"uote")]
    [InlineData("'\\x41\\u00e9\\U0001F600\\101'", "Aé😀A")]
    [InlineData("r'\\d+'", "\\d+")]
    [InlineData("'''multi\nline'''", "multi\nline")]
    [InlineData("\"\"\"it's\"\"\"", "it's")]
    public void StringLiterals_DecodeTheSpecEscapes(string expression, string expected)
        => Assert.Equal(expected, Eval(expression));

    [Fact]
    public void OtherLiterals_HaveTheirCelTypes()
    {
        Assert.Equal(3UL, Eval("3u"));
        Assert.Equal(2.5, Eval("2.5"));
        Assert.Equal(1e3, Eval("1e3"));
        Assert.Equal(-0.5, Eval("-.5"));
        Assert.Null(Eval("null"));
        Assert.Equal(new byte[] { 0x61, 0xff }, Eval("b'a\\xff'"));
        Assert.Equal(2L, Eval("size({'a': 1, 'b': [1, 2,],})"));
    }

    [Theory]
    [InlineData("1 +", 3, "expected")]
    [InlineData("(1 + 2", 6, "expected ')'")]
    [InlineData("a == 1", 0, "undeclared reference to 'a'")]
    [InlineData("req_method = 'GET'", 11, "'=='")]
    [InlineData("'open", 0, "unterminated string")]
    [InlineData("foo(1)", 0, "undeclared reference to 'foo'")]
    [InlineData("1 if 2", 2, "reserved identifier 'if'")]
    [InlineData("has(req_params)", 0, "has() macro")]
    [InlineData("req_path.matches('(')", 9, "invalid regular expression")]
    [InlineData("'\\q'", 1, "invalid escape")]
    [InlineData("9223372036854775808", 0, "out of range")]
    [InlineData("true ? false ? 1 : 2 : 3", 13, "expected ':'")]
    public void SyntaxErrors_NameTheProblemAndItsPosition(string expression, int position, string message)
    {
        var ex = Assert.Throws<CelSyntaxException>(() => CelProgram.Compile(expression));
        Assert.Equal(position, ex.Position);
        Assert.Contains(message, ex.Message);
        Assert.StartsWith($"column {position + 1}: ", ex.Describe());
    }

    [Fact]
    public void ComprehensionVariables_AreScopedToTheirMacro()
    {
        Assert.True((bool)Eval("[1, 2].all(x, [3, 4].exists(y, y > x))")!);
        Assert.Throws<CelSyntaxException>(() => CelProgram.Compile("[1].all(x, x > 0) && x > 0"));
    }

    [Fact]
    public void DeepNesting_IsASyntaxErrorNotAStackOverflow()
    {
        var deep = new string('(', 500) + "1" + new string(')', 500);
        Assert.Throws<CelSyntaxException>(() => CelProgram.Compile(deep));
    }
}
