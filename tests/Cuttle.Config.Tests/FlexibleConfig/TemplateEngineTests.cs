using System.Text.Json;
using Cuttle.Config.FlexibleConfig;

namespace Cuttle.Config.Tests.FlexibleConfig;

public sealed class TemplateEngineTests
{
    private static readonly Dictionary<string, string> Env = new() { ["SERVICE_NAME"] = "svc", ["HOSTS"] = " a, b ,c" };

    private static string Render(string template, string settingsJson = "{}", Dictionary<string, string>? extra = null, Func<string, string>? include = null)
    {
        var templates = new Dictionary<string, TemplateDefinition>(StringComparer.Ordinal);
        TemplateParser.Parse(new TemplateSource("main.tmpl", template), templates);
        foreach (var (name, text) in extra ?? [])
            TemplateParser.Parse(new TemplateSource(name, text), templates);
        using var doc = JsonDocument.Parse(settingsJson);
        var functions = new TemplateFunctions(n => Env.TryGetValue(n, out var v) ? v : null, include ?? (n => "<" + n + ">"));
        return new TemplateExecutor(templates, functions).Execute("main.tmpl", GoValues.FromJson(doc.RootElement));
    }

    [Theory]
    [InlineData("{{ .service.port }}", "8080")]
    [InlineData("{{ .service.name }}", "api")]
    [InlineData("{{ .service.debug }}", "true")]
    [InlineData("{{ .service.ratio }}", "0.25")]
    [InlineData("{{ .service.big }}", "1e+06")]
    [InlineData("{{ .service.missing }}", "<no value>")]
    [InlineData("{{ .service.nothing }}", "<no value>")]
    [InlineData("{{ .service.hosts }}", "[h1 h2]")]
    [InlineData("{{ .service.obj }}", "map[a:1 b:[x]]")]
    [InlineData("{{ $.service.name }}", "api")]
    [InlineData("{{ with .service }}{{ .name }}{{ end }}", "api")]
    public void Action_PrintsValuesAsGoDoes(string template, string expected)
    {
        const string settings = """{"service":{"port":8080,"name":"api","debug":true,"ratio":0.25,"big":1000000,"nothing":null,"hosts":["h1","h2"],"obj":{"b":["x"],"a":1}}}""";
        Assert.Equal(expected, Render(template, settings));
    }

    [Fact]
    public void Marshal_WritesGoJsonWithSortedKeysAndHtmlEscapes()
    {
        var output = Render("{{ marshal .s }}", """{"s":{"z":1000000,"a":"<&>","l":[1.5,true,null]}}""");
        Assert.Equal("""{"a":"\u003c\u0026\u003e","l":[1.5,true,null],"z":1000000}""", output);
    }

    [Fact]
    public void Range_WithIndexAndElse_SeparatesWithCommas()
    {
        var t = "[{{ range $i, $e := .items }}{{ if $i }},{{ end }}\"{{ $e.name }}\"{{ else }}none{{ end }}]";
        Assert.Equal("[\"a\",\"b\"]", Render(t, """{"items":[{"name":"a"},{"name":"b"}]}"""));
        Assert.Equal("[none]", Render(t, """{"items":[]}"""));
        Assert.Equal("[none]", Render(t, "{}"));
    }

    [Fact]
    public void Range_OverMap_IteratesInSortedKeyOrder()
        => Assert.Equal("a=1;b=2;c=3;", Render("{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}", """{"m":{"c":3,"a":1,"b":2}}"""));

    [Fact]
    public void Range_SingleVariableAndDot_BothGetTheElement()
        => Assert.Equal("x-x y-y ", Render("{{ range $e := .l }}{{ $e }}-{{ . }} {{ end }}", """{"l":["x","y"]}"""));

    [Fact]
    public void Range_BreakAndContinue_ControlTheLoop()
        => Assert.Equal("13", Render("{{ range .l }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}", """{"l":[1,2,3,4,5]}"""));

    [Theory]
    [InlineData(1, "one")]
    [InlineData(2, "two")]
    [InlineData(3, "other")]
    public void If_ElseIfElse_PicksTheFirstTrueBranch(int n, string expected)
        => Assert.Equal(expected, Render("{{ if eq .n 1 }}one{{ else if eq .n 2 }}two{{ else }}other{{ end }}", $$"""{"n":{{n}}}"""));

    [Fact]
    public void Variables_DeclareAndAssign_AreScopedToTheirBlock()
    {
        Assert.Equal("b", Render("{{ $x := \"a\" }}{{ $x = \"b\" }}{{ $x }}"));
        Assert.Equal("inner outer", Render("{{ $x := \"outer\" }}{{ if true }}{{ $x := \"inner\" }}{{ $x }}{{ end }} {{ $x }}"));
    }

    [Fact]
    public void TrimMarkers_RemoveSurroundingWhitespace()
        => Assert.Equal("[a,b]", Render("[\n  {{- range $i, $e := .l -}}\n  {{- if $i }},{{ end -}}\n  {{ $e }}\n  {{- end -}}\n]", """{"l":["a","b"]}"""));

    [Fact]
    public void Comments_PrintNothing()
        => Assert.Equal("ab", Render("a{{/* a comment */}}b{{- /* trimmed */ -}}  "));

    [Fact]
    public void Template_CallsNamedTemplatesWithTheirOwnDot()
    {
        var extra = new Dictionary<string, string> { ["endpoints.tmpl"] = "{{ .path }}|{{ template \"inner\" \"x\" }}", ["defs.tmpl"] = "{{ define \"inner\" }}<{{ . }}>{{ end }}" };
        Assert.Equal("/a|<x>", Render("{{ template \"endpoints.tmpl\" .ep }}", """{"ep":{"path":"/a"}}""", extra));
    }

    [Fact]
    public void Block_DefinesAndRunsInPlace()
        => Assert.Equal("[v]", Render("{{ block \"b\" .x }}[{{ . }}]{{ end }}", """{"x":"v"}"""));

    [Theory]
    [InlineData("{{ \"a\" | upper }}", "A")]
    [InlineData("{{ printf \"%s-%d-%v-%q\" \"s\" 3 true \"q\" }}", "s-3-true-\"q\"")]
    [InlineData("{{ print 1 2 \"x\" 3 }}", "1 2x3")]
    [InlineData("{{ len .l }}", "3")]
    [InlineData("{{ index .l 1 }}", "2")]
    [InlineData("{{ index .m \"k\" }}", "v")]
    [InlineData("{{ add 1 2 .n }}|{{ sub 5 2 }}|{{ mul 2 3 }}|{{ div 7 2 }}", "13|3|6|3")]
    [InlineData("{{ default \"d\" .missing }}|{{ default \"d\" .n }}", "d|10")]
    [InlineData("{{ and 1 0 }}|{{ or 0 \"x\" }}|{{ not false }}", "0|x|true")]
    [InlineData("{{ lt 1 2 }}{{ le 2 2 }}{{ gt 1 2 }}{{ ge 1 2 }}{{ ne \"a\" \"b\" }}{{ eq 1 3 1 }}", "truetruefalsefalsetruetrue")]
    [InlineData("{{ env \"SERVICE_NAME\" }}|{{ env \"NOPE\" }}|", "svc||")]
    [InlineData("{{ env \"HOSTS\" | nospace | splitList \",\" | join `\", \"` }}", "a\", \"b\", \"c")]
    [InlineData("{{ quote \"x\" }} {{ lower \"AB\" }} {{ trim \"  t \" }} {{ toString 5 }}", "\"x\" ab t 5")]
    [InlineData("{{ hasKey .m \"k\" }} {{ empty .l }} {{ ternary \"y\" \"n\" true }}", "true false y")]
    [InlineData("{{ toJson (dict \"b\" 1 \"a\" (list 1 \"x\")) }}", "{\"a\":[1,\"x\"],\"b\":1}")]
    [InlineData("{{ (index .objs 0).name }}", "first")]
    [InlineData("{{ include \"p.json\" }}", "<p.json>")]
    public void Functions_BehaveLikeGoAndSprig(string template, string expected)
        => Assert.Equal(expected, Render(template, """{"l":[1,2,3],"m":{"k":"v"},"n":10,"objs":[{"name":"first"}]}"""));

    [Fact]
    public void Quote_EscapesControlsAsGoStrconvQuote()
        // sprig's quote is fmt's %q (strconv.Quote): \a and \v have short escapes, DEL is \x7f, a C1 control \u0085.
        => Assert.Equal("\"a\\a\\v\\x7f\\u0085\\x01\"", Render("{{ quote .s }}", """{"s":"a\u0007\u000b\u007f\u0085\u0001"}"""));

    [Theory]
    [InlineData("line1\n{{ if .x }}", "main.tmpl:2:1", "no matching {{end}}")]
    [InlineData("a\nb {{ .x | }}", "main.tmpl:2:9", "missing command after |")]
    [InlineData("{{ nosuchfunc 1 }}", "main.tmpl:1:4", "function \"nosuchfunc\" not defined")]
    [InlineData("\n\n  {{ .a.b.c }}", "main.tmpl:3:6", "nil pointer evaluating")]
    [InlineData("{{ template \"missing.tmpl\" . }}", "main.tmpl:1:1", "no template \"missing.tmpl\"")]
    [InlineData("{{ $undefined }}", "main.tmpl:1:4", "undefined variable")]
    [InlineData("{{ \"unterminated }}", "main.tmpl:1:4", "unterminated quoted string")]
    [InlineData("x {{ end }}", "main.tmpl:1:3", "unexpected {{end}}")]
    [InlineData("{{ .a", "main.tmpl:1:1", "unclosed action")]
    public void Errors_NameFileLineAndColumn(string template, string location, string detail)
    {
        var ex = Assert.Throws<TemplateException>(() => Render(template, """{"a":null}"""));
        Assert.StartsWith(location + ":", ex.Message, StringComparison.Ordinal);
        Assert.Contains(detail, ex.Message, StringComparison.Ordinal);
    }
}
