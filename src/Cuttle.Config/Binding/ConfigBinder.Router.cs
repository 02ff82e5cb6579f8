using System.Collections.Immutable;
using Cuttle.Config.Json;
using Cuttle.Config.Model;
using Cuttle.Go;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    /// <summary>
    /// lura router/gin engine.go: a non-empty remote_ip_headers replaces gin's list, each name canonicalised; an empty
    /// or absent one keeps gin's default (X-Forwarded-For, X-Real-Ip).
    /// </summary>
    private ImmutableArray<string> BindRemoteIpHeaders(JsonNode? node)
    {
        if (node is null)
            return RouterOptions.Default.RemoteIpHeaders;
        var names = ReadStringList(node, "router.remote_ip_headers", asError: false);
        if (names.IsDefaultOrEmpty)
            return RouterOptions.Default.RemoteIpHeaders;
        var b = ImmutableArray.CreateBuilder<string>(names.Length);
        foreach (var name in names)
            b.Add(HeaderKey.Canonicalize(name));
        return b.MoveToImmutable();
    }

    /// <summary>
    /// lura calls gin's SetTrustedProxies only with a non-empty list and ignores its error. gin stops at the first entry
    /// it cannot parse and keeps the networks parsed before it, so the rest of the list trusts nothing: warned here.
    /// </summary>
    private ImmutableArray<string>? BindTrustedProxies(JsonNode? node)
    {
        if (node is null)
            return null;
        var entries = ReadStringList(node, "router.trusted_proxies", asError: false);
        if (entries.IsDefaultOrEmpty)
            return null;
        for (var i = 0; i < entries.Length; i++)
        {
            if (GoIp.TryParseNetwork(entries[i], out _))
                continue;
            var at = node.Kind == JsonNodeKind.Array && i < node.Items.Length ? node.Items[i] : node;
            Warning(at, $"router.trusted_proxies: \"{entries[i]}\" is not an IP address or CIDR; as in KrakenD (gin), it and every entry after it are not trusted");
            return entries[..i];
        }
        return entries;
    }
}
