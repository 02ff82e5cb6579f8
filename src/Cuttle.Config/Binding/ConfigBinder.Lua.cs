using System.Collections.Immutable;
using Cuttle.Config.Json;
using Cuttle.Config.Model;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    /// <summary>
    /// krakend-lua Parse: <c>pre</c>/<c>post</c> code, <c>sources</c>, <c>live</c>, <c>allow_open_libs</c>,
    /// <c>skip_next</c>, <c>md5</c>. KrakenD silently ignores wrong types; here they are errors with a position.
    /// </summary>
    private LuaOptions? BindLua(JsonNode? extra, string ns)
    {
        if (Namespace(extra, ns) is not { } v)
            return null;
        string S(string key) => v[key] is { } n ? ReadString(n, $"{ns}.{key}", "") ?? "" : "";
        bool B(string key) => v[key] is { } n && ReadBool(n, $"{ns}.{key}", false);
        var md5 = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (v["md5"] is { } m && ExpectKind(m, JsonNodeKind.Object, $"{ns}.md5"))
        {
            foreach (var p in m.Properties)
                md5[p.Name] = ReadString(p.Value, $"{ns}.md5.{p.Name}", "") ?? "";
        }
        return new LuaOptions
        {
            Namespace = ns,
            Sources = v["sources"] is { } s ? ReadStringList(s, $"{ns}.sources") : [],
            Pre = S("pre"),
            Post = S("post"),
            Live = B("live"),
            AllowOpenLibs = B("allow_open_libs"),
            SkipNext = B("skip_next"),
            Md5 = md5.ToImmutable(),
            Location = Loc(v),
        };
    }
}
