namespace Cuttle.Diagnostics;

/// <summary>
/// Every <c>[LoggerMessage]</c> event id of the host, in one place, so that an id names one event. The gateway's
/// ids (<c>Cuttle.Gateway.Diagnostics.EventIds</c>) take the blocks from 1000 to 2999; the host keeps below 1000
/// (lifecycle) and 3000 and up (the socket transport).
/// </summary>
internal static class EventIds
{
    // Hosting: start, reload and retirement of generations, unhandled errors (1-999).
    public const int Started = 1;
    public const int Reloaded = 2;
    public const int ReloadRejected = 3;
    public const int Retired = 4;
    public const int Unhandled = 5;

    // Hosting/Sockets: the socket transport (30xx).
    public const int ConnectionError = 3001;

    // Hosting/Sockets: the accept loop's back-off on descriptor exhaustion (31xx).
    public const int AcceptFailing = 3101;
    public const int AcceptRecovered = 3102;

    // Telemetry/OpenTelemetry: providers and exporters of telemetry/opentelemetry (36xx).
    public const int TelemetryPortInUse = 3601;
    public const int TelemetryExporterFailed = 3602;
    public const int TelemetryRuntimeMetrics = 3603;
    public const int TelemetryApplied = 3604;

    // Telemetry/OpenCensus: telemetry/opencensus's jaeger, zipkin and logger exporters (45xx).
    public const int OpenCensusJaegerFailed = 4501;
    public const int OpenCensusSpan = 4502;
    public const int OpenCensusView = 4503;
    public const int OpenCensusViewRow = 4504;
    public const int OpenCensusApplied = 4505;

    // Hosting/Tls: the TLS listener's certificates and their rotation (38xx).
    public const int TlsServing = 3801;
    public const int TlsRotated = 3802;
    public const int TlsRotationRejected = 3803;
    public const int TlsWatchFailed = 3804;
    public const int TlsReloadNeedsRestart = 3805;

    // Telemetry/Stats: the telemetry/metrics /__stats listener (37xx).
    public const int StatsListening = 3701;
    public const int StatsBindFailed = 3702;
    public const int StatsStopping = 3703;

    // Telemetry/Influx: telemetry/influx's pushes (42xx).
    public const int InfluxStarted = 4201;
    public const int InfluxWriteFailed = 4202;
    public const int OpenCensusInfluxStarted = 4203;
    public const int OpenCensusInfluxWriteFailed = 4204;

    // Hosting/Connections: write_timeout and read_timeout cutting a request (47xx).
    public const int WriteTimeoutExpired = 4701;
    public const int ReadTimeoutExpired = 4702;

    // LiveConsole: the cuttle/console listener (39xx).
    public const int ConsoleListening = 3901;
    public const int ConsoleBindFailed = 3902;
    public const int ConsoleStopped = 3903;
    public const int ConsoleCredentialsMissing = 3904;
}
