using System.Buffers;
using System.Text;
using Cuttle.Config.Model.Telemetry;
using Cuttle.Telemetry.Logging;

namespace Cuttle.Tests.Telemetry.Logging;

/// <summary>KrakenD's exact line shapes, on a fixed time.</summary>
public sealed class LogLinesTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 14, 3, 9, 42, TimeSpan.Zero);

    private static string App(LogPattern pattern, string prefix, LogLevelName level, string message)
    {
        var w = new ArrayBufferWriter<byte>();
        LogLines.WriteApp(w, pattern, prefix, new AppRecord(level, At, 7, "KRAKEND", message));
        return Encoding.UTF8.GetString(w.WrittenSpan);
    }

    private static LogPattern Custom(string text)
    {
        Assert.True(LogPattern.TryParse(text, out var p, out var error), error);
        return p;
    }

    [Fact]
    public void Default_Info_IsPrefixTimeArrowLevelMessage()
    {
        // go-logging has no colour for INFO, but %{color:reset} always writes the reset sequence.
        Assert.Equal("[KRAKEND] 2026/12/07 - 14:03:09.042 ▶ INFO\u001b[0m [SERVICE: Gin] Listening on port: 8080\n",
            App(LogPattern.Default, "[KRAKEND]", LogLevelName.Info, "[SERVICE: Gin] Listening on port: 8080"));
    }

    [Fact]
    public void Default_Debug_HasCyan_AndNoPrefixLeavesTheLeadingSpace()
    {
        Assert.Equal(" 2026/12/07 - 14:03:09.042 \u001b[36m▶ DEBUG\u001b[0m msg\n", App(LogPattern.Default, "", LogLevelName.Debug, "msg"));
        Assert.Equal(" 2026/12/07 - 14:03:09.042 \u001b[31m▶ ERROR\u001b[0m msg\n", App(LogPattern.Default, "", LogLevelName.Error, "msg"));
    }

    [Fact]
    public void LogstashFormat_IsTheLogstashPattern_WithALiteralOffset()
    {
        var w = new ArrayBufferWriter<byte>();
        LogLines.WriteLogstashPattern(w, new AppRecord(LogLevelName.Warning, At.ToOffset(TimeSpan.FromHours(2)), 1, "KRAKEND", "say \"hi\""));
        Assert.Equal("{\"@timestamp\":\"2026-12-07T16:03:09.042+00:00\", \"@version\": 1, \"level\": \"WARNING\", \"message\": \"say \\\"hi\\\"\", \"module\": \"KRAKEND\"}\n",
            Encoding.UTF8.GetString(w.WrittenSpan));
    }

    [Fact]
    public void LogstashModule_Record_HasSortedKeysAndMicroseconds()
    {
        var record = LogLines.LogstashRecord(new AppRecord(LogLevelName.Info, At, 1, "KRAKEND", "Starting <KrakenD>"), "[KRAKEND]", "gw-1");
        Assert.Equal("{\"@timestamp\":\"2026-12-07T14:03:09.042000+00:00\",\"@version\":1,\"host\":\"gw-1\",\"level\":\"INFO\",\"message\":\"Starting \\u003cKrakenD\\u003e\",\"module\":\"[KRAKEND]\"}", record);
    }

    [Theory]
    [InlineData("%{time:2006-01-02 15:04:05} %{level:.1s} %{message}", "2026-12-07 14:03:09 W hello\n")]
    [InlineData("%{level:-8s}|%{module}|%{id:03d}|%{message:q}", "WARNING |KRAKEND|007|\"hello\"\n")]
    [InlineData("[%{level:d}] %{time:Jan _2 3:04PM .000} %{message}", "[2] Dec  7 2:03PM .042 hello\n")]
    [InlineData("%{time} %{message}", "2026-12-07T14:03:09.042Z hello\n")]
    [InlineData("%{program} %{shortfile} %{message}", "cuttle ???:0 hello\n")]
    public void Custom_Verbs_AsGoLogging(string format, string expected)
    {
        Assert.Equal(expected, App(Custom(format), "", LogLevelName.Warning, "hello"));
    }

    private static string Access(int status, long latencyNs, string ip, string method, string path, string query = "")
    {
        var w = new ArrayBufferWriter<byte>();
        LogLines.WriteAccess(w, new AccessRecord(At, status, latencyNs, ip, method, path, query));
        return Encoding.UTF8.GetString(w.WrittenSpan);
    }

    [Fact]
    public void Access_IsGinsDefaultFormat()
    {
        Assert.Equal("[GIN] 2026/12/07 - 14:03:09 | 200 |  1.23456ms |       127.0.0.1 | GET      \"/path\"\n".Replace("1.23456ms", " 1.23ms", StringComparison.Ordinal),
            Access(200, 1_234_567, "127.0.0.1", "GET", "/path"));
    }

    [Theory]
    [InlineData(850, "   850ns")]
    [InlineData(12_345, "12.345µs")]
    [InlineData(999_999, "999.999µs")]
    [InlineData(1_500_000, "   1.5ms")]
    [InlineData(2_345_678_901, "   2.34s")]
    [InlineData(83_000_000_000, "   1m20s")]
    [InlineData(0, "      0s")]
    public void Access_Latency_IsTruncatedAndPaddedAsGin(long ns, string expected)
    {
        var line = Access(404, ns, "10.0.0.1", "POST", "/a");
        Assert.Equal($"[GIN] 2026/12/07 - 14:03:09 | 404 | {expected} |        10.0.0.1 | POST     \"/a\"\n", line);
    }

    [Fact]
    public void Access_QueryAndEscapes_AreInTheQuotedPath()
    {
        Assert.EndsWith("| OPTIONS  \"/a?x=1&y=%22\"\n", Access(204, 1000, "::1", "OPTIONS", "/a", "?x=1&y=%22"));
        Assert.EndsWith("| GET      \"/say \\\"hi\\\"\"\n", Access(200, 1000, "::1", "GET", "/say \"hi\""));
    }

    [Fact]
    public void Gelf_Message_IsGoGelfsJson()
    {
        // timestamp: float64(UnixNano)/1e9 printed shortest, as Go's encoding/json does (the nanoseconds do not fit a
        // float64 exactly, hence the ...0419998).
        var w = new ArrayBufferWriter<byte>();
        LogLines.WriteGelf(w, "[KRAKEND] line one\nline two\n"u8, "gw-1", At, "cuttle");
        Assert.Equal("{\"version\":\"1.1\",\"host\":\"gw-1\",\"short_message\":\"[KRAKEND] line one\",\"full_message\":\"[KRAKEND] line one\\nline two\",\"timestamp\":1796652189.0419998,\"level\":6,\"facility\":\"cuttle\",\"_file\":\"???\",\"_line\":0}",
            Encoding.UTF8.GetString(w.WrittenSpan));
    }

    [Fact]
    public void Syslog_Frame_IsLogSyslogsLocalForm()
    {
        var w = new ArrayBufferWriter<byte>();
        LogLines.WriteSyslog(w, (19 << 3) | 6, At, "[KRAKEND]", "INFO > hello\n"u8);
        Assert.Equal($"<158>Dec  7 14:03:09 [KRAKEND][{Environment.ProcessId}]: INFO > hello\n", Encoding.UTF8.GetString(w.WrittenSpan));
    }
}
