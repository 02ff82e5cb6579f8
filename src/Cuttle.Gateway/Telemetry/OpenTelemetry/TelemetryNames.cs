namespace Cuttle.Gateway.Telemetry.OpenTelemetry;

/// <summary>The names the host's providers subscribe to: the gateway's ActivitySource and Meter.</summary>
public static class TelemetryNames
{
    /// <summary>krakend-otel's provider name, the otel_scope_name its dashboards see.</summary>
    public const string Source = "io.krakend.krakend-otel";
}
