using System.Collections.Immutable;
using Cuttle.Config.Json;
using Cuttle.Config.Model;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    /// <summary>
    /// krakend-cors ConfigGetter + mux.NewWithLogger: lists of strings (other entries skipped), max_age a Go duration,
    /// empty allow_origins / allow_headers mean "*".
    /// </summary>
    private CorsOptions? BindCors(JsonNode? extra)
    {
        if (Namespace(extra, "security/cors") is not { } c)
            return null;
        ImmutableArray<string> List(string key) => c[key] is { } n ? ReadStringList(n, "security/cors." + key, asError: false) : [];
        bool B(string key) => c[key] is { } n && ReadBool(n, "security/cors." + key, false, asError: false);

        var origins = List("allow_origins");
        var headers = List("allow_headers");
        var status = c["options_success_status"] is { } s ? ReadInt(s, "security/cors.options_success_status", 0) : 0;
        if (status != 0 && status is < 100 or > 999)
        {
            Error(c["options_success_status"]!, $"\"security/cors.options_success_status\" must be an HTTP status code between 100 and 999, got {status}");
            status = 0;
        }
        var maxAge = c["max_age"] is { } m ? ReadDuration(m, "security/cors.max_age", TimeSpan.Zero, asError: false) : TimeSpan.Zero;
        return new CorsOptions
        {
            AllowOrigins = origins.IsEmpty ? ["*"] : origins,
            AllowMethods = List("allow_methods"),
            AllowHeaders = headers.IsEmpty ? ["*"] : headers,
            ExposeHeaders = List("expose_headers"),
            AllowCredentials = B("allow_credentials"),
            AllowPrivateNetwork = B("allow_private_network"),
            OptionsPassthrough = B("options_passthrough"),
            OptionsSuccessStatus = status == 0 ? 204 : status,
            MaxAge = maxAge,
            Debug = B("debug"),
        };
    }
}

internal sealed partial class ConfigBinder
{
    /// <summary>
    /// krakend-botdetector's Config (json tags allow, deny, patterns, cache_size, empty_user_agent_is_bot). KrakenD
    /// logs a pattern Go's regexp cannot compile and runs without the detector; Cuttle refuses it with its position,
    /// since a silently disabled bot filter is worse than a failed start.
    /// </summary>
    private BotDetectorOptions? BindBotDetector(JsonNode? extra)
    {
        if (Namespace(extra, "security/bot-detector") is not { } b)
            return null;
        ImmutableArray<string> List(string key) => b[key] is { } n ? ReadStringList(n, "security/bot-detector." + key) : [];

        var patterns = List("patterns");
        if (b["patterns"] is { Kind: JsonNodeKind.Array } pn)
        {
            for (var i = 0; i < pn.Items.Length && i < patterns.Length; i++)
            {
                if (PatternError(patterns[i]) is { } problem)
                    Error(pn.Items[i], $"invalid security/bot-detector pattern \"{patterns[i]}\": {problem}");
            }
        }
        var cacheSize = b["cache_size"] is { } cs ? ReadInt(cs, "security/bot-detector.cache_size", 0) : 0;
        if (cacheSize < 0)
        {
            Error(b["cache_size"]!, $"\"security/bot-detector.cache_size\" must be 0 (no cache) or a positive number of entries, got {cacheSize}");
            cacheSize = 0;
        }
        return new BotDetectorOptions
        {
            Allow = List("allow"),
            Deny = List("deny"),
            Patterns = patterns,
            CacheSize = cacheSize,
            EmptyUserAgentIsBot = b["empty_user_agent_is_bot"] is { } e && ReadBool(e, "security/bot-detector.empty_user_agent_is_bot", false),
        };
    }

    /// <summary>
    /// Null when the pattern compiles. Checked with the non-backtracking engine, which like Go's RE2 has no
    /// backreferences, lookarounds or atomic groups, so a pattern KrakenD would refuse is refused here too.
    /// </summary>
    internal static string? PatternError(string pattern)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern, RegexSettings.Options);
            return null;
        }
        catch (System.Text.RegularExpressions.RegexParseException ex)
        {
            return $"{ex.Error} at offset {ex.Offset}";
        }
        catch (NotSupportedException ex)
        {
            return ex.Message + " (KrakenD uses Go's RE2 syntax)";
        }
    }
}
