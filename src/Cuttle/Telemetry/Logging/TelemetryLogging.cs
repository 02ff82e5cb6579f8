using System.Diagnostics;
using Cuttle.Config.Model;
using Cuttle.Config.Model.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cuttle.Telemetry.Logging;

/// <summary>
/// telemetry/logging, telemetry/logstash and telemetry/gelf for the whole process: the live <see cref="LogSetup"/>
/// (swapped on reload, like the generation), the pump that writes, and the <see cref="ILoggerProvider"/> through
/// which the host's and the gateway's loggers reach it. Without any of the namespaces the application log stays
/// Cuttle's own console output (the fallback factory) and there is no access log.
/// </summary>
internal sealed class TelemetryLogging : ILoggerProvider
{
    public static readonly System.Collections.Immutable.ImmutableArray<string> Namespaces = ["telemetry/logging", "telemetry/logstash", "telemetry/gelf"];

    private readonly LogPump _pump;
    private readonly ILoggerFactory _fallback;
    private readonly string? _syslogPath;
    private volatile LogSetup _setup = LogSetup.None;
    private long _sequence;

    public TelemetryLogging(ILoggerFactory fallback, Stream stdout, TextWriter stderr, TimeProvider time, string? syslogPath, int capacity = LogPump.DefaultCapacity, int batchBytes = LogPump.DefaultBatchBytes)
    {
        _fallback = fallback;
        _syslogPath = syslogPath;
        _pump = new LogPump(stdout, stderr, time, capacity, batchBytes);
    }

    public LogSetup Setup => _setup;

    public LogPump Pump => _pump;

    /// <summary>Follows a (re)loaded configuration: a new setup when its logging settings differ, else the same one.</summary>
    public void Apply(GatewayConfig config)
    {
        var old = _setup;
        if (old.SameAs(config)) return;
        _setup = LogSetup.For(config, _syslogPath, _pump.Report);
        _pump.Retire(old);
    }

    /// <summary>Start of a request for the access log: 0 when there is none.</summary>
    public long AccessStart()
    {
        var setup = _setup;
        return setup.AccessLog ? Stopwatch.GetTimestamp() : 0;
    }

    /// <summary>
    /// gin's LoggerWithConfig after the handler: skips logger_skip_paths, takes the end time, status, latency, client
    /// IP, method and path, and queues them; the line is formatted on the pump's thread.
    /// </summary>
    public void Access(HttpContext context, long start, string clientIp)
    {
        var setup = _setup;
        if (!setup.AccessLog) return;
        var path = context.Request.Path.Value ?? "";
        if (setup.SkipPaths.Count > 0 && setup.SkipPaths.Contains(path)) return;
        var latency = (long)(Stopwatch.GetElapsedTime(start).Ticks * 100);
        _pump.Enqueue(new LogItem(setup, LogItemKind.Access, default, new AccessRecord(
            _pump.Time.GetUtcNow(), context.Response.StatusCode, latency, clientIp, context.Request.Method, path,
            context.Request.QueryString.Value ?? "")));
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, _fallback.CreateLogger(categoryName));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        var last = _setup;
        _setup = LogSetup.None;
        _pump.Retire(last);
        _pump.Dispose();
        _fallback.Dispose();
    }

    private int _disposed;

    private static LogLevelName? Map(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => LogLevelName.Debug,
        LogLevel.Information => LogLevelName.Info,
        LogLevel.Warning => LogLevelName.Warning,
        LogLevel.Error => LogLevelName.Error,
        LogLevel.Critical => LogLevelName.Critical,
        _ => null,
    };

    /// <summary>One category's logger: KrakenD's shape while a telemetry/logging setup is live, else the fallback.</summary>
    private sealed class Logger(TelemetryLogging owner, ILogger fallback) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => fallback.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel)
        {
            var setup = owner._setup;
            if (setup.Logging is null) return fallback.IsEnabled(logLevel);
            return Map(logLevel) is { } level && setup.IsEnabled(level);
        }

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var setup = owner._setup;
            if (setup.Logging is null)
            {
                fallback.Log(logLevel, eventId, state, exception, formatter);
                return;
            }
            if (Map(logLevel) is not { } level || !setup.IsEnabled(level)) return;
            var message = formatter(state, exception);
            if (exception is not null) message = message + "\n" + exception;
            var id = (ulong)Interlocked.Increment(ref owner._sequence);
            owner._pump.Enqueue(new LogItem(setup, LogItemKind.App, new AppRecord(level, owner._pump.Time.GetUtcNow(), id, "KRAKEND", message), default));
        }
    }
}
