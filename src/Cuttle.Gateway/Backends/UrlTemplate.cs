using System.Collections.Immutable;
using System.Text;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Backends;

/// <summary>
/// A backend url_pattern compiled against its endpoint's params. KrakenD substitutes values raw (no escaping) and
/// matches names with the first letter upper-cased on both sides ({foo} and {Foo} are the same param).
/// Placeholders <c>{resp0_a.b}</c> read values produced by earlier sequential backends, <c>{JWT.sub}</c> claims.
/// The raw result is never sent as it is: BackendCaller brings it to Go's wire form (GoUrl), which refuses
/// control characters and escapes the rest, as Go's url.Parse and RequestURI do after lura's raw substitution.
/// </summary>
internal sealed class UrlTemplate
{
    private readonly Part[] _parts;

    private readonly record struct Part(string? Literal, int ParamIndex, string? SequentialKey);

    /// <summary>The pattern as lura prints it in errors: placeholders as {{.Name}}.</summary>
    public string GoTemplate { get; }

    /// <summary>The whole pattern when it has no placeholder at all (the URL is then the same for every request).</summary>
    public string? Literal { get; }

    public UrlTemplate(string pattern, ImmutableArray<string> endpointParams)
    {
        var parts = new List<Part>();
        var go = new StringBuilder();
        var i = 0;
        while (i < pattern.Length)
        {
            var open = pattern.IndexOf('{', i);
            var close = open < 0 ? -1 : pattern.IndexOf('}', open + 1);
            if (open < 0 || close < 0)
            {
                parts.Add(new Part(pattern[i..], -1, null));
                go.Append(pattern, i, pattern.Length - i);
                break;
            }
            if (open > i)
            {
                parts.Add(new Part(pattern[i..open], -1, null));
                go.Append(pattern, i, open - i);
            }
            var name = pattern[(open + 1)..close];
            var index = IndexOf(endpointParams, name);
            if (index >= 0) parts.Add(new Part(null, index, null));
            else parts.Add(new Part(null, -1, name)); // resp0_x or JWT.x: resolved at request time
            go.Append("{{.").Append(Title(name)).Append("}}");
            i = close + 1;
        }
        _parts = [.. parts];
        GoTemplate = go.ToString();
        if (_parts.Length == 0) Literal = "";
        else if (_parts.Length == 1 && _parts[0].Literal is { } only) Literal = only;
    }

    private static int IndexOf(ImmutableArray<string> names, string name)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (string.Equals(Title(names[i]), Title(name), StringComparison.Ordinal)) return i;
        }
        return -1;
    }

    internal static string Title(string s) => s.Length == 0 || char.IsUpper(s[0]) ? s : char.ToUpperInvariant(s[0]) + s[1..];

    public void AppendPath(StringBuilder sb, ProxyRequest request)
    {
        foreach (var part in _parts)
        {
            if (part.Literal is not null) sb.Append(part.Literal);
            else if (part.ParamIndex >= 0) sb.Append(request.Params[part.ParamIndex]);
            else if (part.SequentialKey is not null && request.SequentialParams is not null
                     && request.SequentialParams.TryGetValue(part.SequentialKey, out var v)) sb.Append(v);
        }
    }
}
