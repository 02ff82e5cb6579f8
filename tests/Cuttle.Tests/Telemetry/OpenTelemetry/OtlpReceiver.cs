using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Cuttle.Tests.Telemetry.OpenTelemetry;

/// <summary>
/// A minimal OTLP collector on 127.0.0.1 (Kestrel), over HTTP/protobuf or over gRPC. HTTP: POST /v1/traces bodies
/// are decoded with a small protobuf wire reader (ExportTraceServiceRequest → resource_spans → scope_spans → spans)
/// into <see cref="Spans"/>; /v1/metrics is accepted and counted. gRPC: an HTTP/2-only (h2c) listener answers the
/// TraceService and MetricsService Export methods: the request's gRPC frame (compressed flag, big-endian length,
/// message) is unwrapped and decoded the same way, and the answer is an empty Export response with grpc-status 0.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    public sealed record Span(string TraceId, string SpanId, string ParentSpanId, string Name, int Kind);

    public ConcurrentQueue<Span> Spans { get; } = new();
    public int MetricExports;

    private OtlpReceiver(WebApplication app) => _app = app;

    public int Port { get; private set; }

    /// <summary>The metric names seen in metric exports (gRPC only: its requests are decoded down to metric names).</summary>
    public ConcurrentQueue<string> MetricNames { get; } = new();

    /// <summary>Request content types and gRPC paths seen, to check what the exporter spoke.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public static async Task<OtlpReceiver> StartAsync(bool grpc = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (grpc)
        {
            // gRPC over cleartext is HTTP/2 with prior knowledge: the listener speaks only HTTP/2.
            builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0,
                l => l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
        }
        else builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.Run(async ctx =>
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms);
            receiver.Calls.Enqueue(ctx.Request.Protocol + " " + ctx.Request.ContentType + " " + ctx.Request.Path);
            if (grpc)
            {
                await receiver.AnswerGrpcAsync(ctx, ms.ToArray());
                return;
            }
            if (ctx.Request.Path == "/v1/traces") receiver.Decode(ms.ToArray());
            else if (ctx.Request.Path == "/v1/metrics") Interlocked.Increment(ref receiver.MetricExports);
            ctx.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        receiver.Port = new Uri(app.Urls.First()).Port;
        return receiver;
    }

    private async Task AnswerGrpcAsync(Microsoft.AspNetCore.Http.HttpContext ctx, byte[] body)
    {
        // One length-prefixed message: flag 0 (not compressed), 4-byte big-endian length.
        var message = body.Length >= 5 && body[0] == 0 ? body.AsSpan(5, (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1))).ToArray() : null;
        var path = ctx.Request.Path.Value;
        if (message is not null && path == "/opentelemetry.proto.collector.trace.v1.TraceService/Export") Decode(message);
        else if (message is not null && path == "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export")
        {
            Interlocked.Increment(ref MetricExports);
            DecodeMetricNames(message);
        }
        ctx.Response.ContentType = "application/grpc";
        ctx.Response.AppendTrailer("grpc-status", message is null ? "12" : "0");
        await ctx.Response.Body.WriteAsync(new byte[5]); // an empty Export*ServiceResponse
    }

    /// <summary>ExportMetricsServiceRequest → resource_metrics (1) → scope_metrics (2) → metrics (2) → name (1).</summary>
    private void DecodeMetricNames(byte[] body)
    {
        foreach (var (f1, resourceMetrics) in Fields(body))
        {
            if (f1 != 1) continue;
            foreach (var (f2, scopeMetrics) in Fields(resourceMetrics))
            {
                if (f2 != 2) continue;
                foreach (var (f3, metric) in Fields(scopeMetrics))
                {
                    if (f3 != 2) continue;
                    foreach (var (f4, value) in Fields(metric))
                        if (f4 == 1) MetricNames.Enqueue(System.Text.Encoding.UTF8.GetString(value));
                }
            }
        }
    }

    private void Decode(byte[] body)
    {
        foreach (var (field, resourceSpans) in Fields(body))
        {
            if (field != 1) continue;
            foreach (var (f2, scopeSpans) in Fields(resourceSpans))
            {
                if (f2 != 2) continue;
                foreach (var (f3, span) in Fields(scopeSpans))
                {
                    if (f3 != 2) continue;
                    string traceId = "", spanId = "", parent = "", name = "";
                    var kind = 0;
                    foreach (var (f4, value) in Fields(span, kinds: true))
                    {
                        switch (f4)
                        {
                            case 1: traceId = Convert.ToHexStringLower(value); break;
                            case 2: spanId = Convert.ToHexStringLower(value); break;
                            case 4: parent = Convert.ToHexStringLower(value); break;
                            case 5: name = System.Text.Encoding.UTF8.GetString(value); break;
                            case 6: kind = value.Length > 0 ? value[0] : 0; break;
                        }
                    }
                    Spans.Enqueue(new Span(traceId, spanId, parent, name, kind));
                }
            }
        }
    }

    /// <summary>
    /// The fields of one protobuf message: length-delimited ones as their bytes; with <paramref name="kinds"/>,
    /// varints as one byte holding their (small) value; fixed64/fixed32 skipped.
    /// </summary>
    private static List<(int Field, byte[] Value)> Fields(byte[] message, bool kinds = false)
    {
        var result = new List<(int, byte[])>();
        var i = 0;
        while (i < message.Length)
        {
            var key = Varint(message, ref i);
            var field = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    var v = Varint(message, ref i);
                    if (kinds) result.Add((field, [(byte)v]));
                    break;
                case 1: i += 8; break;
                case 5: i += 4; break;
                case 2:
                    var length = (int)Varint(message, ref i);
                    result.Add((field, message.AsSpan(i, length).ToArray()));
                    i += length;
                    break;
                default: throw new InvalidDataException("unexpected wire type " + (key & 7));
            }
        }
        return result;
    }

    private static ulong Varint(byte[] b, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var x = b[i++];
            value |= (ulong)(x & 0x7f) << shift;
            if (x < 0x80) return value;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
