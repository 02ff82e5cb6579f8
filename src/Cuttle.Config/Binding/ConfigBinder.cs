using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Cuttle.Config.Diagnostics;
using Cuttle.Config.Formats;
using Cuttle.Config.Json;
using Cuttle.Config.Model;
using Cuttle.Go;

namespace Cuttle.Config.Binding;

/// <summary>
/// Binds the node tree to the model by hand (no reflection, so NativeAOT works), with mapstructure's weak typing
/// and lura's <c>ServiceConfig.Init</c> defaults and checks. Collects every problem instead of stopping at the first.
/// </summary>
internal sealed partial class ConfigBinder
{
    private const string MigrationGuide = "https://www.krakend.io/docs/configuration/migrating/";

    private readonly byte[] _utf8;
    private readonly string _file;
    private readonly string _sourcePath;
    private readonly Lazy<string> _hash;
    private readonly ConfigLoadOptions _options;
    private readonly ConfigFormat _format;
    private readonly List<ConfigDiagnostic> _diagnostics = [];
    private JsonNode? _root;

    public ConfigBinder(byte[] utf8, string file, string sourcePath, Lazy<string> hash, ConfigLoadOptions options, ConfigFormat format = ConfigFormat.Json)
    {
        _format = format;
        _utf8 = utf8;
        _file = file;
        _sourcePath = sourcePath;
        _hash = hash;
        _options = options;
    }

    public ConfigLoadResult Bind()
    {
        var root = ConfigDocument.Read(_utf8, _format, out var syntax);
        _root = root;
        if (root is null)
        {
            _diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, syntax!.Message,
                new SourceLocation(_file, syntax.Line, syntax.Column, syntax.Path)));
            return Result(null);
        }
        if (root.Kind != JsonNodeKind.Object)
        {
            Error(root, $"the configuration must be {(_format == ConfigFormat.Json ? "a JSON object" : "a " + ConfigFormats.Name(_format) + " mapping of keys to values")}, got {root.KindName}");
            return Result(null);
        }
        root = ApplyEnvironment(root);

        // lura ServiceConfig.Init checks the version before anything else and stops there.
        var versionNode = root["version"];
        var version = versionNode is null ? 0 : ReadInt(versionNode, "version", 0);
        if (version != 3)
        {
            var at = versionNode ?? root;
            if (version is 1 or 2)
                Error(at, $"unsupported version: {version} (want: 3). This is a KrakenD {(version == 1 ? "0.x" : "1.x")} configuration; migrate it to version 3 as described in {MigrationGuide}");
            else if (versionNode is null)
                Error(at, "missing \"version\": KrakenD configurations must declare \"version\": 3");
            else
                Error(at, $"unsupported version: {version} (want: 3)");
            return Result(null);
        }

        var config = BindService(root);
        return Result(HasErrors ? null : config);
    }

    private bool HasErrors
    {
        get
        {
            foreach (var d in _diagnostics)
            {
                if (d.Severity == DiagnosticSeverity.Error)
                    return true;
            }
            return false;
        }
    }

    private ConfigLoadResult Result(GatewayConfig? config)
        => new(config, [.. _diagnostics]) { Document = _options.KeepDocument && _root is not null ? Element(_root) : null };

    // ---- diagnostics -------------------------------------------------------------------------------------------

    private SourceLocation Loc(JsonNode node) => new(_file, node.Line, node.Column, node.Path.Length == 0 ? "$" : node.Path);

    private void Error(JsonNode node, string message)
        => _diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, message, Loc(node)));

    private void Warning(JsonNode node, string message)
        => _diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Warning, message, Loc(node)));

    private void Warning(JsonMember prop, string path, string message)
        => _diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Warning, message, new SourceLocation(_file, prop.Line, prop.Column, path)));

    private void Report(bool asError, JsonNode node, string message)
    {
        if (asError)
            Error(node, message);
        else
            Warning(node, message + "; ignored");
    }

    /// <summary>With --lint, one warning per key KrakenD does not read at this level.</summary>
    private void LintUnknown(JsonNode obj, IReadOnlySet<string> known, string where)
    {
        if (!_options.Lint)
            return;
        foreach (var p in obj.Properties)
        {
            if (known.Contains(p.Name) || IsCommentKey(p.Name))
                continue;
            Warning(p, p.Value.Path, $"unknown field \"{p.Name}\" in {where}; KrakenD ignores it");
        }
    }

    /// <summary>Keys people use for annotations: <c>$schema</c>, <c>@comment</c>, <c>_comment</c>, <c>__comment</c>.</summary>
    private static bool IsCommentKey(string name)
        => name.StartsWith('$') || name.StartsWith('@') || (name.StartsWith('_') && name.Contains("comment", StringComparison.OrdinalIgnoreCase));

    // ---- environment -------------------------------------------------------------------------------------------

    /// <summary>
    /// krakend-koanf merges <c>KRAKEND_*</c> variables over the file (prefix stripped, lower-cased) before the
    /// defaults are applied. Only root scalars are overridden here; other names are ignored as KrakenD ignores them.
    /// </summary>
    private JsonNode ApplyEnvironment(JsonNode root)
    {
        var overrides = new SortedDictionary<string, (string Var, string Value)>(StringComparer.Ordinal);
        if (_options.Environment is { } env)
        {
            foreach (var (k, v) in env)
                AddOverride(overrides, k, v);
        }
        else
        {
            foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables())
                AddOverride(overrides, (string)e.Key, e.Value as string ?? "");
        }
        if (overrides.Count == 0)
            return root;

        var props = root.Properties.ToBuilder();
        foreach (var (key, (name, value)) in overrides)
        {
            var node = new JsonNode { Kind = JsonNodeKind.String, Path = $"{key} (from ${name})", Text = value };
            var replaced = false;
            for (var i = props.Count - 1; i >= 0; i--)
            {
                if (props[i].Name == key)
                {
                    props[i] = new JsonMember(key, 0, 0, node);
                    replaced = true;
                    break;
                }
            }
            if (!replaced)
                props.Add(new JsonMember(key, 0, 0, node));
        }
        return new JsonNode
        {
            Kind = root.Kind, Path = root.Path, Line = root.Line, Column = root.Column, Start = root.Start, End = root.End,
            Properties = props.ToImmutable(),
        };
    }

    private static void AddOverride(SortedDictionary<string, (string, string)> overrides, string name, string value)
    {
        if (!name.StartsWith("KRAKEND_", StringComparison.Ordinal) || name.Length == "KRAKEND_".Length)
            return;
        var key = name["KRAKEND_".Length..].ToLowerInvariant();
        if (ServiceScalars.Contains(key))
            overrides[key] = (name, value);
    }

    // ---- weak typing (mapstructure WeaklyTypedInput) -----------------------------------------------------------

    private long ReadLong(JsonNode node, string field, long fallback)
    {
        switch (node.Kind)
        {
            case JsonNodeKind.Null:
                return fallback;
            case JsonNodeKind.Number:
                if (long.TryParse(node.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                    return l;
                // JSON numbers reach mapstructure as float64; a fraction is truncated.
                if (double.TryParse(node.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && Math.Abs(d) < 9.2e18)
                    return (long)d;
                break;
            case JsonNodeKind.True:
                return 1;
            case JsonNodeKind.False:
                return 0;
            case JsonNodeKind.String:
                if (node.Text!.Length == 0)
                    return 0;
                if (GoStrconv.TryParseInt(node.Text, out var s))
                    return s;
                break;
        }
        Error(node, $"\"{field}\" must be an integer, got {node.KindName}");
        return fallback;
    }

    private int ReadInt(JsonNode node, string field, int fallback)
    {
        var v = ReadLong(node, field, fallback);
        if (v is > int.MaxValue or < int.MinValue)
        {
            Error(node, $"\"{field}\" is out of range: {v}");
            return fallback;
        }
        return (int)v;
    }

    private bool ReadBool(JsonNode node, string field, bool fallback, bool asError = true)
    {
        switch (node.Kind)
        {
            case JsonNodeKind.Null: return fallback;
            case JsonNodeKind.True: return true;
            case JsonNodeKind.False: return false;
            case JsonNodeKind.Number:
                if (double.TryParse(node.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                    return d != 0;
                break;
            case JsonNodeKind.String:
                // strconv.ParseBool; an empty string is false under weak typing.
                switch (node.Text)
                {
                    case "": return false;
                    case "1" or "t" or "T" or "true" or "TRUE" or "True": return true;
                    case "0" or "f" or "F" or "false" or "FALSE" or "False": return false;
                }
                break;
        }
        Report(asError, node, $"\"{field}\" must be a boolean (true or false), got {node.KindName}");
        return fallback;
    }

    private string? ReadString(JsonNode node, string field, string? fallback, bool asError = true)
    {
        switch (node.Kind)
        {
            case JsonNodeKind.Null: return fallback;
            case JsonNodeKind.String: return node.Text;
            case JsonNodeKind.True: return "1";
            case JsonNodeKind.False: return "0";
            case JsonNodeKind.Number:
                if (node.Text!.AsSpan().IndexOfAny('e', 'E') >= 0 && double.TryParse(node.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                    return d.ToString("R", CultureInfo.InvariantCulture);
                return node.Text;
        }
        Report(asError, node, $"\"{field}\" must be a string, got {node.KindName}");
        return fallback;
    }

    private TimeSpan ReadDuration(JsonNode node, string field, TimeSpan fallback, bool asError = true)
    {
        switch (node.Kind)
        {
            case JsonNodeKind.Null:
                return fallback;
            case JsonNodeKind.String:
                if (GoDuration.TryParse(node.Text, out var ts))
                    return ts;
                Report(asError, node, $"invalid duration \"{node.Text}\" for \"{field}\": expected a Go duration such as \"3s\", \"150ms\" or \"1m30s\" (units ns, us, ms, s, m, h)");
                return fallback;
            case JsonNodeKind.Number:
                // mapstructure decodes a number into time.Duration as nanoseconds.
                if (double.TryParse(node.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ns))
                {
                    if (_options.Lint)
                        Warning(node, $"\"{field}\" is the number {node.Text}, which KrakenD reads as nanoseconds; write a duration string such as \"{node.Text}ms\" or \"{node.Text}s\"");
                    return TimeSpan.FromTicks((long)(ns / 100));
                }
                break;
        }
        Report(asError, node, $"\"{field}\" must be a duration string such as \"3s\", got {node.KindName}");
        return fallback;
    }

    /// <summary>[]string: a single scalar becomes a one-element list (weak typing); null is empty.</summary>
    private ImmutableArray<string> ReadStringList(JsonNode node, string field, bool asError = true)
    {
        switch (node.Kind)
        {
            case JsonNodeKind.Null:
                return [];
            case JsonNodeKind.Array:
                var b = ImmutableArray.CreateBuilder<string>(node.Items.Length);
                foreach (var item in node.Items)
                {
                    if (item.Kind is JsonNodeKind.Object or JsonNodeKind.Array)
                    {
                        Report(asError, item, $"\"{field}\" must be a list of strings, got {item.KindName} in it");
                        continue;
                    }
                    b.Add(ReadString(item, field, "", asError) ?? "");
                }
                return b.ToImmutable();
            case JsonNodeKind.Object:
                if (node.Properties.IsEmpty)
                    return [];
                break;
            default:
                return [ReadString(node, field, "", asError) ?? ""];
        }
        Report(asError, node, $"\"{field}\" must be a list of strings, got {node.KindName}");
        return [];
    }

    private bool ExpectKind(JsonNode node, JsonNodeKind kind, string field, bool asError = true)
    {
        if (node.Kind == kind)
            return true;
        if (node.Kind == JsonNodeKind.Null)
            return false;
        Report(asError, node, $"\"{field}\" must be {(kind == JsonNodeKind.Object ? "an object" : "an array")}, got {node.KindName}");
        return false;
    }

    private JsonElement Element(JsonNode node) => JsonNodeReader.ToElement(_utf8, node);
}
