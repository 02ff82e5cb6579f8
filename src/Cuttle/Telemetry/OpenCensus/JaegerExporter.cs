using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Cuttle.Config.Model;
using Microsoft.Extensions.Logging;
using OpenTelemetry;

namespace Cuttle.Telemetry.OpenCensus;

/// <summary>
/// telemetry/opencensus's jaeger exporter (contrib.go.opencensus.io/exporter/jaeger). With an endpoint, each batch is
/// one POST of a binary-Thrift jaeger Batch with Content-Type application/x-thrift, a non-2xx answer being a failed
/// upload; otherwise each batch goes to the agent as compact-Thrift Agent.emitBatch datagrams, split so that none
/// passes the agent's 65000 bytes (the Go exporter refuses an oversized batch whole). Runs behind a
/// BatchActivityExportProcessor, on its thread only, so its buffers are reused from one batch to the next.
/// </summary>
internal sealed partial class JaegerExporter : BaseExporter<Activity>
{
    /// <summary>jaeger-agent's (and the Go exporter's) largest datagram.</summary>
    internal const int UdpPacketMaxLength = 65000;
    private static readonly MediaTypeHeaderValue Thrift = new("application/x-thrift");

    private readonly JaegerExporterOptions _options;
    private readonly ILogger _logger;
    private readonly HttpClient? _http;
    private readonly ArrayBufferWriter<byte> _spans = new(16 * 1024);
    private readonly ArrayBufferWriter<byte> _message = new(16 * 1024);
    private readonly List<int> _ends = [];
    private Socket? _udp;

    public JaegerExporter(JaegerExporterOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        if (options.Endpoint.Length > 0)
            _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = TimeSpan.FromSeconds(10) };
    }

    private bool Compact => _http is null;

    public override ExportResult Export(in Batch<Activity> batch)
    {
        _spans.ResetWrittenCount();
        _ends.Clear();
        var writer = new ThriftWriter(_spans, Compact);
        foreach (var activity in batch)
        {
            JaegerSpans.WriteSpan(writer, activity);
            _ends.Add(_spans.WrittenCount);
        }
        if (_ends.Count == 0) return ExportResult.Success;
        try
        {
            return _http is not null ? Post() : Emit();
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or TaskCanceledException or IOException)
        {
            Log.UploadFailed(_logger, _http is not null ? _options.Endpoint : _options.AgentEndpoint, _ends.Count, ex.Message);
            return ExportResult.Failure;
        }
    }

    private ExportResult Post()
    {
        _message.ResetWrittenCount();
        JaegerSpans.WriteBatch(new ThriftWriter(_message, compact: false), _options.ServiceName, _spans.WrittenSpan, _ends.Count);
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint) { Content = new ReadOnlyMemoryContent(_message.WrittenMemory) };
        request.Content.Headers.ContentType = Thrift;
        using var response = _http!.Send(request);
        if ((int)response.StatusCode is >= 200 and < 300) return ExportResult.Success;
        Log.UploadFailed(_logger, _options.Endpoint, _ends.Count, $"HTTP status code {(int)response.StatusCode}");
        return ExportResult.Failure;
    }

    private ExportResult Emit()
    {
        var socket = _udp ??= Connect(_options.AgentEndpoint);
        // Room for the message header, the Process and the list header around the spans.
        var budget = UdpPacketMaxLength - 64 - System.Text.Encoding.UTF8.GetByteCount(_options.ServiceName);
        var result = ExportResult.Success;
        int first = 0, start = 0;
        while (first < _ends.Count)
        {
            var last = first;
            while (last + 1 < _ends.Count && _ends[last + 1] - start <= budget) last++;
            var end = _ends[last];
            if (end - start > budget)
            {
                Log.UploadFailed(_logger, _options.AgentEndpoint, 1, $"a span of {end - start} bytes does not fit within one UDP packet");
                result = ExportResult.Failure;
            }
            else
            {
                _message.ResetWrittenCount();
                var w = new ThriftWriter(_message, compact: true);
                w.CompactMessageBegin("emitBatch", 4, 1); // ONEWAY; the Go client's first sequence id
                w.StructBegin(); // emitBatch_args
                w.FieldHeader(ThriftWriter.Struct, 1);
                JaegerSpans.WriteBatch(w, _options.ServiceName, _spans.WrittenSpan[start..end], last - first + 1);
                w.StructEnd();
                socket.Send(_message.WrittenSpan);
            }
            first = last + 1;
            start = end;
        }
        return result;
    }

    private static Socket Connect(string hostPort)
    {
        var colon = hostPort.LastIndexOf(':');
        var host = hostPort[..colon].Trim('[', ']');
        var port = int.Parse(hostPort.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture);
        var address = IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host.Length == 0 ? "localhost" : host)[0];
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(new IPEndPoint(address, port));
        return socket;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _http?.Dispose();
            _udp?.Dispose();
        }
        base.Dispose(disposing);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = Diagnostics.EventIds.OpenCensusJaegerFailed, Level = LogLevel.Warning,
            Message = "telemetry/opencensus: error when uploading {Count} spans to Jaeger at {Endpoint}: {Reason}")]
        public static partial void UploadFailed(ILogger logger, string endpoint, int count, string reason);
    }
}
