namespace Cuttle.Gateway.Discovery;

/// <summary>
/// sd: dns answered, but lura's weighting left no host (every record of the best priority weighs 0): lura's balancer
/// fails the call with sd.ErrNoHosts, whose message this carries, before any request is sent.
/// </summary>
internal sealed class NoHostsException() : HttpRequestException("no hosts available")
{
    /// <summary>What BuildUrl returns then, so every caller of it (Lua's url too) keeps a string; SendAsync refuses it.</summary>
    public const string Url = "";
}
