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
