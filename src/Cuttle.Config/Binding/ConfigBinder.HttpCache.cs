using Cuttle.Config.Json;
using Cuttle.Config.Model;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    /// <summary>
    /// krakend-httpcache's options (shared, max_size, max_items), decoded there with encoding/json into a bool and
    /// two uint64: a value of another type makes it fall back to an unbounded cache, and KrakenD's schema rejects it
    /// (max_size at least 1024, max_items at least 1). Cuttle reports such a value with its position instead, and a
    /// negative size too; 0 means "not set", as at KrakenD's run time.
    /// </summary>
    private HttpCacheOptions? BindHttpCache(JsonNode? extra)
    {
        if (Namespace(extra, "qos/http-cache") is not { } c)
            return null;
        var shared = false;
        if (c["shared"] is { } s)
        {
            if (s.Kind is JsonNodeKind.True or JsonNodeKind.False) shared = s.Kind == JsonNodeKind.True;
            else if (s.Kind != JsonNodeKind.Null) Error(s, $"\"qos/http-cache.shared\" must be a boolean (true or false), got {s.KindName}");
        }
        return new HttpCacheOptions
        {
            Shared = shared,
            MaxSize = Size(c, "max_size", 1024),
            MaxItems = Size(c, "max_items", 1),
            Location = Loc(c),
        };

        long Size(JsonNode block, string key, long minimum)
        {
            if (block[key] is not { } n || n.Kind == JsonNodeKind.Null)
                return 0;
            // A JSON integer only: encoding/json refuses a string, a bool or a fraction for a uint64.
            if (n.Kind != JsonNodeKind.Number || !long.TryParse(n.Text, System.Globalization.NumberStyles.AllowLeadingSign,
                    System.Globalization.CultureInfo.InvariantCulture, out var v))
            {
                Error(n, $"\"qos/http-cache.{key}\" must be an integer, got {n.KindName}");
                return 0;
            }
            if (v < 0)
            {
                Error(n, $"\"qos/http-cache.{key}\" must be 0 or more, got {v}");
                return 0;
            }
            if (v != 0 && v < minimum)
            {
                Error(n, $"\"qos/http-cache.{key}\" must be at least {minimum}, got {v}");
                return 0;
            }
            return v;
        }
    }
}
