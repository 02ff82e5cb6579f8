namespace Cuttle.Gateway.Endpoints;

/// <summary>Header names as Go's net/http writes them (canonical form), so wire bytes match KrakenD's.</summary>
internal static class ResponseHeaders
{
    public const string Krakend = "X-Krakend";
    public const string Completed = "X-Krakend-Completed";
    public const string VersionValue = "Version " + GatewayVersion.KrakenDCompatible;
    public const string HiddenVersionValue = "Version undefined";
}
