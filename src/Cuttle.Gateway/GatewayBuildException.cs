namespace Cuttle.Gateway;

/// <summary>A configuration that validated but cannot be turned into pipelines (e.g. two endpoints on one route).</summary>
public sealed class GatewayBuildException(string message) : Exception(message);
