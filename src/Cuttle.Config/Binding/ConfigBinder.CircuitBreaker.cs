using Cuttle.Config.Json;
using Cuttle.Config.Model;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    /// <summary>
    /// krakend-circuitbreaker's ConfigGetter (interval, timeout, max_errors as whole seconds and a count, name,
    /// log_status_change). KrakenD's getter skips a value of the wrong type and its schema rejects it; Cuttle reports it
    /// with its position, as it does a negative number, which gobreaker would silently turn into "never trips" or the
    /// default. A block whose values are all zero is KrakenD's ZeroCfg: no breaker at all, so it binds to null.
    /// </summary>
    private CircuitBreakerOptions? BindCircuitBreaker(JsonNode? extra)
    {
        if (Namespace(extra, "qos/circuit-breaker") is not { } cb)
            return null;
        int Count(string key)
        {
            if (cb[key] is not { } n)
                return 0;
            var v = ReadInt(n, "qos/circuit-breaker." + key, 0);
            if (v >= 0)
                return v;
            Error(n, $"\"qos/circuit-breaker.{key}\" must be 0 or more, got {v}");
            return 0;
        }

        var interval = Count("interval");
        var timeout = Count("timeout");
        var maxErrors = Count("max_errors");
        var name = cb["name"] is { } nn ? ReadString(nn, "qos/circuit-breaker.name", "") ?? "" : "";
        var log = cb["log_status_change"] is { } l && ReadBool(l, "qos/circuit-breaker.log_status_change", false);
        if (interval == 0 && timeout == 0 && maxErrors == 0 && name.Length == 0 && !log)
            return null;
        return new CircuitBreakerOptions
        {
            Interval = TimeSpan.FromSeconds(interval),
            Timeout = timeout == 0 ? CircuitBreakerOptions.DefaultTimeout : TimeSpan.FromSeconds(timeout),
            MaxErrors = maxErrors,
            Name = name,
            LogStatusChange = log,
            Location = Loc(cb),
        };
    }
}
