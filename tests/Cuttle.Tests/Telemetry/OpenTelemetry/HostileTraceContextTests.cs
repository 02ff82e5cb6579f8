using System.Text.RegularExpressions;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Telemetry.OpenTelemetry;

/// <summary>
/// A client's W3C trace context is hostile input that telemetry/opentelemetry turns into backend request headers.
/// Whatever the client sends, the backend sees one well-formed traceparent written by the gateway and no byte of the
/// client's that could end a header line or inject one. Raw bytes over real sockets, on the own HTTP/1.1 client.
/// </summary>
[Collection(nameof(ProcessWideMeasurements))] // it starts spans, which every running TracerProvider in the process sees
public sealed partial class HostileTraceContextTests
{
    private static string Config(string backendUrl) => $$"""
        { "version": 3, "endpoints": [ { "endpoint": "/t", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/b" } ] } ],
          "extra_config": { "telemetry/opentelemetry": { "trace_sample_rate": 1,
            "exporters": { "otlp": [ { "name": "none", "host": "127.0.0.1", "port": {{TestPorts.Closed()}}, "use_http": true, "disable_metrics": true } ] } } } }
        """;

    [GeneratedRegex(@"^traceparent: 00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}\r$", RegexOptions.Multiline)]
    private static partial Regex WellFormedTraceParent();

    [Theory]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "vendor=ok\u0001X-Injected: 1")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "vendor=\u007fdel,other=\u0080x")]
    [InlineData("00-ZZZZ-00f067aa0ba902b7-01\u0001X-Injected: 1", "a=b")]
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", "a=b")]
    public async Task A_hostile_trace_context_never_reaches_the_backend_raw(string traceparent, string tracestate)
    {
        await using var backend = new RecordingBackend(_ => """{"ok":true}""");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url));

        var status = await SendAsync(gw.Port,
            $"GET /t HTTP/1.1\r\nHost: a\r\ntraceparent: {traceparent}\r\ntracestate: {tracestate}\r\nConnection: close\r\n\r\n");

        // Kestrel may refuse the control byte outright (400, nothing sent on); if it passes, the backend must get a
        // clean request.
        Assert.True(status is "200" or "400", $"status {status}");
        var received = backend.Received;
        if (status == "400")
        {
            Assert.Equal("", received);
            return;
        }
        Assert.DoesNotContain("X-Injected", received, StringComparison.OrdinalIgnoreCase);
        foreach (var c in received)
            Assert.False(c < 0x20 && c is not '\r' and not '\n' and not '\t' || c == 0x7f, $"control byte 0x{(int)c:x2} reached the backend");
        Assert.True(WellFormedTraceParent().Count(received) == 1, received);
    }

    private static async Task<string> SendAsync(int port, string request)
    {
        var text = await RawClient.SendAndReadToCloseAsync(port, request);
        return text.Length >= 12 ? text[9..12] : "none";
    }
}
