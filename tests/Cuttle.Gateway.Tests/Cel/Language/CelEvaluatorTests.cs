using System.Text.Json;
using Cuttle.Gateway.Cel;
using Cuttle.Gateway.Cel.Language;
using Microsoft.Extensions.Time.Testing;

namespace Cuttle.Gateway.Tests.Cel.Language;

public sealed class CelEvaluatorTests
{
    private static object? Eval(string e, TestActivation? a = null) => TestActivation.Eval(e, a);

    private static TestActivation Request() => new TestActivation()
        .With(CelVariable.ReqMethod, "GET")
        .With(CelVariable.ReqParams, new Dictionary<string, object?> { ["Id"] = "42" })
        .With(CelVariable.ReqHeaders, new Dictionary<string, object?> { ["X-Header"] = new[] { "something", "else" } })
        .With(CelVariable.ReqQuerystring, new Dictionary<string, object?>());

    private static string ErrorOf(object? v) => Assert.IsType<CelError>(v).Message;

    [Fact]
    public void RequestVariables_SupportSelectionIndexingAndIn()
    {
        var a = Request();
        Assert.Equal(true, Eval("int(req_params.Id) % 2 == 0", a));
        Assert.Equal(true, Eval("'something' in req_headers['X-Header']", a));
        Assert.Equal(true, Eval("req_headers['X-Header'][1] == 'else'", a));
        Assert.Equal(true, Eval("'X-Header' in req_headers && !('Other' in req_headers)", a));
        Assert.Equal(true, Eval("req_method == 'GET' && size(req_querystring) == 0", a));
    }

    [Fact]
    public void MissingKeysAndUnboundVariables_AreErrors()
    {
        var a = Request();
        Assert.Equal("no such key: X-Other", ErrorOf(Eval("'x' in req_headers['X-Other']", a)));
        Assert.Equal("no such key: Name", ErrorOf(Eval("req_params.Name == ''", a)));
        Assert.Contains("resp_data", ErrorOf(Eval("resp_data.x == 1", a)));
        Assert.Contains("index out of range", ErrorOf(Eval("[1][3]")));
    }

    [Fact]
    public void LogicalOperators_AbsorbErrorsWhenTheOtherSideDecides()
    {
        var a = Request();
        Assert.Equal(false, Eval("req_params.Nope == 'x' && false", a));
        Assert.Equal(false, Eval("false && req_params.Nope == 'x'", a));
        Assert.Equal(true, Eval("req_params.Nope == 'x' || true", a));
        Assert.IsType<CelError>(Eval("req_params.Nope == 'x' && true", a));
        Assert.IsType<CelError>(Eval("false || req_params.Nope == 'x'", a));
        Assert.IsType<CelError>(Eval("1 && true"));
        Assert.Equal("no such key: Nope", ErrorOf(Eval("req_params.Nope == 'x' ? 1 : 2", a)));
    }

    [Fact]
    public void Has_TestsPresenceWithoutFailing()
    {
        var a = Request();
        Assert.Equal(true, Eval("has(req_params.Id)", a));
        Assert.Equal(false, Eval("has(req_params.Other)", a));
        Assert.Equal(true, Eval("has({'a': {'b': 1}}.a.b)"));
    }

    [Fact]
    public void Arithmetic_ChecksOverflowDivisionByZeroAndTypes()
    {
        Assert.Equal("return error for overflow", ErrorOf(Eval("9223372036854775807 + 1")));
        Assert.Equal("division by zero", ErrorOf(Eval("1 / 0")));
        Assert.Equal("modulus by zero", ErrorOf(Eval("1 % 0")));
        Assert.Contains("no such overload", ErrorOf(Eval("1 + 'a'")));
        Assert.Equal("return error for overflow", ErrorOf(Eval("1u - 2u")));
        Assert.Equal(double.PositiveInfinity, Eval("1.0 / 0.0"));
        Assert.Equal(-3L, Eval("-7 / 2"));
        Assert.Equal(-1L, Eval("-7 % 2"));
        Assert.Equal("ab", Eval("'a' + 'b'"));
        Assert.Equal(new object?[] { 1L, 2L, 3L }, Eval("[1] + [2, 3]"));
    }

    [Fact]
    public void Comparisons_WorkAcrossNumericTypesAndRejectMixedOthers()
    {
        Assert.Equal(true, Eval("1 == 1.0 && 1u == 1 && 2 > 1.5 && 1u < 2"));
        Assert.Equal(true, Eval("-1 < 0u"));
        Assert.Equal(true, Eval("'abc' < 'abd' && 'b' > 'abc'"));
        Assert.Equal(false, Eval("1 == 'a'"));
        Assert.Equal(true, Eval("[1, 'a'] == [1.0, 'a'] && {'k': 1} == {'k': 1u}"));
        Assert.Contains("no such overload", ErrorOf(Eval("1 < 'a'")));
        Assert.Equal(false, Eval("double('NaN') == double('NaN')"));
    }

    [Fact]
    public void Conversions_FollowTheStandardDefinitions()
    {
        Assert.Equal(42L, Eval("int('42')"));
        Assert.Equal(-3L, Eval("int(-3.9)"));
        Assert.Equal(7UL, Eval("uint(7)"));
        Assert.Equal(2.0, Eval("double('2')"));
        Assert.Equal("1.5", Eval("string(1.5)"));
        Assert.Equal("12", Eval("string(12u)"));
        Assert.Equal("true", Eval("string(true)"));
        Assert.Equal("hi", Eval("string(b'hi')"));
        Assert.Equal(true, Eval("bool('true')"));
        Assert.Equal("cannot convert 'x' to int", ErrorOf(Eval("int('x')")));
        Assert.Equal("uint overflow", ErrorOf(Eval("uint(-1)")));
        Assert.Equal("int overflow", ErrorOf(Eval("int(1e19)")));
    }

    [Fact]
    public void Size_CountsCodePointsBytesListsAndMaps()
    {
        Assert.Equal(2L, Eval("size('é😀')"));
        Assert.Equal(6L, Eval("size(b'\\xc3\\xa9\\xf0\\x9f\\x98\\x80')"));
        Assert.Equal(3L, Eval("[1, 2, 3].size()"));
        Assert.Equal(1L, Eval("size({1: 'a'})"));
        Assert.Contains("no such overload", ErrorOf(Eval("size(1)")));
    }

    [Fact]
    public void StringFunctions_AndRegexMatching()
    {
        Assert.Equal(true, Eval("'/api/users'.startsWith('/api') && 'file.json'.endsWith('.json') && 'abc'.contains('b')"));
        Assert.Equal(true, Eval("'abc123'.matches('^[a-z]+[0-9]+$')"));
        Assert.Equal(true, Eval("matches('abc', 'b')"));
        Assert.Equal(false, Eval("'ABC'.matches('abc')"));
        var a = new TestActivation().With(CelVariable.ReqPath, "(");
        Assert.Contains("invalid regular expression", ErrorOf(Eval("'x'.matches(req_path)", a)));
    }

    [Fact]
    public void Macros_RangeOverListsAndMapKeys()
    {
        Assert.Equal(true, Eval("[1, 2, 3].all(x, x > 0)"));
        Assert.Equal(true, Eval("[1, 2, 3].exists(x, x == 2)"));
        Assert.Equal(true, Eval("[1, 2, 3].exists_one(x, x > 2)"));
        Assert.Equal(false, Eval("[1, 2, 3].exists_one(x, x > 1)"));
        Assert.Equal(new object?[] { 2L, 4L, 6L }, Eval("[1, 2, 3].map(x, x * 2)"));
        Assert.Equal(new object?[] { 20L, 30L }, Eval("[1, 2, 3].map(x, x > 1, x * 10)"));
        Assert.Equal(new object?[] { 1L, 3L }, Eval("[1, 2, 3].filter(x, x % 2 == 1)"));
        Assert.Equal(true, Eval("{'a': 1, 'b': 2}.all(k, k in ['a', 'b'])"));
        Assert.Equal(true, Eval("[].all(x, false) && ![].exists(x, true)"));
    }

    [Fact]
    public void QuantifierMacros_AbsorbErrorsLikeTheLogicalOperators()
    {
        Assert.Equal(true, Eval("[0, 1].exists(x, 1 / x == 1)"));
        Assert.Equal(false, Eval("[0, 1].all(x, 1 / x == 5)"));
        Assert.Equal("division by zero", ErrorOf(Eval("[0, 1].all(x, 1 / x == 1)")));
        Assert.Equal("division by zero", ErrorOf(Eval("[0, 1].map(x, 1 / x)")));
    }

    [Fact]
    public void TimestampsAndDurations_ParseCompareAndCombine()
    {
        Assert.Equal(true, Eval("timestamp('2024-01-02T03:04:05Z') < timestamp('2024-01-02T03:04:06.5+00:00')"));
        Assert.Equal(true, Eval("timestamp('2024-01-02T00:00:00Z') + duration('1h30m') == timestamp('2024-01-02T01:30:00Z')"));
        Assert.Equal("5400s", Eval("string(duration('1.5h'))"));
        Assert.Equal("2024-01-02T03:04:05Z", Eval("string(timestamp('2024-01-02T03:04:05Z'))"));
        Assert.Equal(2024L, Eval("timestamp('2024-01-02T03:04:05Z').getFullYear()"));
        Assert.Equal(0L, Eval("timestamp('2024-01-02T03:04:05Z').getMonth()"));
        Assert.Equal(5L, Eval("timestamp('2024-01-02T03:04:05Z').getHours('+02:00')"));
        Assert.Equal(1704164645L, Eval("int(timestamp('2024-01-02T03:04:05Z'))"));
        Assert.Equal(TimeSpan.FromSeconds(-1.5), Eval("duration('-1.5s')"));
        Assert.IsType<CelError>(Eval("timestamp('yesterday')"));
        Assert.IsType<CelError>(Eval("duration('1d')"));
    }

    [Theory]
    [InlineData("2562048h")] // past the int64 nanoseconds of Go's time.ParseDuration, which cel-go converts with
    [InlineData("99999999999999999999s")] // threw OverflowException out of the evaluator
    public void Duration_OutOfGoRange_IsAnError(string text) => Assert.IsType<CelError>(Eval($"duration('{text}')"));

    [Fact]
    public void Now_IsAStringThatTimestampAccepts()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, 250, TimeSpan.Zero));
        Assert.Equal("2026-03-04T05:06:07.25Z", CelClock.Now(time));
        var a = new TestActivation().With(CelVariable.Now, CelClock.Now(time));
        Assert.Equal(true, Eval("timestamp(now) > timestamp('2026-01-01T00:00:00Z')", a));
    }

    [Fact]
    public void JsonData_IsReadAsCelValues()
    {
        using var doc = JsonDocument.Parse("""{"user": {"roles": ["a", "b"], "age": 30, "score": 1.5, "ok": true, "none": null}}""");
        var a = new TestActivation().With(CelVariable.Jwt, doc.RootElement);
        Assert.Equal(true, Eval("size(JWT.user.roles) > 1 && 'b' in JWT.user.roles", a));
        Assert.Equal(true, Eval("JWT.user.age == 30 && JWT.user.score > 1 && JWT.user.ok && JWT.user.none == null", a));
        Assert.Equal(true, Eval("JWT.user.roles.exists(r, r.startsWith('a'))", a));
        Assert.Equal(true, Eval("has(JWT.user.age) && !has(JWT.user.email)", a));
    }

    [Fact]
    public void DataTreeValues_AreReadAsCelValues()
    {
        var data = new Dictionary<string, object?>
        {
            ["n"] = new Cuttle.Gateway.Data.RawNumber("12"),
            ["d"] = new Cuttle.Gateway.Data.RawNumber("1.25"),
            ["list"] = new List<object?> { "x", 1 },
        };
        var a = new TestActivation().With(CelVariable.RespData, data);
        Assert.Equal(true, Eval("resp_data.n == 12 && resp_data.d == 1.25 && resp_data.list[1] == 1 && 'x' in resp_data.list", a));
    }
}
