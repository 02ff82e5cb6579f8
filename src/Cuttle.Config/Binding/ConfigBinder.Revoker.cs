using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using Cuttle.Config.Json;
using Cuttle.Config.Model;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    private static readonly FrozenSet<string> RevokerKeys = FrozenSet.ToFrozenSet(
        ["n", "p", "hash_name", "ttl", "port", "token_keys", "headers", "cuttle_admin_address"], StringComparer.Ordinal);

    /// <summary>
    /// bloomfilter/krakend Config (n uint, p float64, hash_name, ttl uint seconds, port, token_keys, headers). KrakenD
    /// logs a value of the wrong type and runs without revocation; an unknown hash_name, n of 0 or ttl of 0 make it
    /// panic at start. All of them are errors here. headers is read but, as in CE, no validator consults it.
    /// </summary>
    private RevokerOptions? BindRevoker(JsonNode? extra)
    {
        if (Namespace(extra, "auth/revoker") is not { } r)
            return null;
        const string ns = "auth/revoker";
        // encoding/json matches keys case-insensitively when no exact match exists: KrakenD's own examples write
        // "N", "P" and "TTL".
        JsonNode? Get(string key)
        {
            if (r[key] is { } exact) return exact;
            foreach (var p in r.Properties)
            {
                if (string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase)) return p.Value;
            }
            return null;
        }
        if (_options.Lint)
        {
            foreach (var p in r.Properties)
            {
                var known = false;
                foreach (var k in RevokerKeys) known |= string.Equals(k, p.Name, StringComparison.OrdinalIgnoreCase);
                if (!known && !IsCommentKey(p.Name)) Warning(p, p.Value.Path, $"unknown field \"{p.Name}\" in \"{ns}\"; KrakenD ignores it");
            }
        }
        long Whole(string key, long min)
        {
            if (Get(key) is not { } n)
            {
                if (min > 0) Error(r, $"\"{ns}.{key}\" is required");
                return 0;
            }
            if (n.Kind == JsonNodeKind.Number && long.TryParse(n.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min)
                return v;
            Error(n, $"\"{ns}.{key}\" must be a whole number of at least {min}, got {n.KindName}");
            return 0;
        }
        var n = Whole("n", 1);
        var ttl = Whole("ttl", 1);
        var port = (int)Math.Min(Whole("port", 0), int.MaxValue);
        // KrakenD opens a Go RPC server on this port for revocations; Cuttle has none, so say so where it is set.
        if (port > 0)
            Warning(Get("port")!, $"\"{ns}.port\" {port}: Cuttle does not open KrakenD's Go RPC port for revocations; they are added over HTTP at \"cuttle_admin_address\" instead (no listener when that is unset)");
        double probability = 0;
        if (Get("p") is { } pn && pn.Kind == JsonNodeKind.Number && double.TryParse(pn.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var pv) && pv is > 0 and < 1)
            probability = pv;
        else
            Error(Get("p") ?? r, $"\"{ns}.p\" must be a false-positive probability between 0 and 1 (exclusive), got {(Get("p") is { } x ? x.KindName : "nothing")}");
        var hash = Get("hash_name") is { Kind: JsonNodeKind.String } h ? h.Text ?? "" : null;
        if (hash is not ("default" or "optimal"))
            Error(Get("hash_name") ?? r, $"\"{ns}.hash_name\" must be \"default\" or \"optimal\" (KrakenD panics on any other), got {(Get("hash_name") is { } hn ? hn.KindName : "nothing")}");
        var keys = Get("token_keys") is { } tk ? ReadStringList(tk, $"{ns}.token_keys") : [];
        if (Get("headers") is { } hd) ReadStringList(hd, $"{ns}.headers");

        string? admin = null;
        if (r["cuttle_admin_address"] is { } an && an.Kind != JsonNodeKind.Null)
        {
            if (an.Kind == JsonNodeKind.String && IPEndPoint.TryParse(an.Text ?? "", out var ep) && ep.Port > 0 && (an.Text ?? "").Contains(':', StringComparison.Ordinal))
                admin = an.Text;
            else
                Error(an, $"\"{ns}.cuttle_admin_address\" must be \"ip:port\" such as \"127.0.0.1:1235\", got {an.KindName}");
        }
        return new RevokerOptions
        {
            N = n,
            P = probability,
            HashName = hash ?? "default",
            TtlSeconds = ttl,
            TokenKeys = keys,
            Port = port,
            AdminAddress = admin,
            Location = Loc(r),
        };
    }
}
