namespace Cuttle.Gateway;

/// <summary>Version strings. Cuttle answers as the KrakenD CE version it is compatible with, because clients and
/// backends (and KrakenD's own integration suite) match on "KrakenD Version X" and "X-Krakend: Version X".</summary>
public static class GatewayVersion
{
    public const string KrakenDCompatible = "2.13.8";
    public const string Cuttle = "0.1.0";
}
