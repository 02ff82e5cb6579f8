using System.Security.Cryptography;
using System.Text;
using Cuttle.Config.Model;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Lua;

/// <summary>
/// One compiled <c>modifier/lua-*</c> block: its sources read once per generation (unless <c>live</c>) and compiled
/// with the pre/post snippets to Lua's binary form. Every request gets a new Lua state (<see cref="Open"/>), as
/// krakend-lua gives each request a new gopher-lua state, so no request can see what another left behind. A first
/// state is built at generation build time, which surfaces missing files, syntax errors and failing sources as a
/// <see cref="GatewayBuildException"/>; sources run then are not bounded in time (a configuration whose sources never
/// finish never loads), those run on the request path are bounded by the request's token.
/// </summary>
internal sealed class LuaScript
{
    private LuaScript(LuaOptions options, string owner, byte[]? sources, byte[]? pre, byte[]? post)
    {
        Options = options;
        Owner = owner;
        SourcesChunk = sources;
        PreChunk = pre;
        PostChunk = post;
    }

    public LuaOptions Options { get; }

    /// <summary>"endpoint /foo" or "backend /bar of endpoint /foo", for messages.</summary>
    public string Owner { get; }

    /// <summary>The sources joined with "\n" (krakend-lua WithConfig), compiled; null when there are none or they are read per request.</summary>
    public byte[]? SourcesChunk { get; }

    /// <summary>The pre/post snippets compiled; null when empty.</summary>
    public byte[]? PreChunk { get; }
    public byte[]? PostChunk { get; }

    public static LuaScript Build(LuaOptions options, string owner)
    {
        var text = ReadSources(options, owner, out var error);
        if (text is null) throw new GatewayBuildException(error!);
        LuaScript script;
        try
        {
            var live = options.Live && !options.Sources.IsDefaultOrEmpty;
            script = new LuaScript(options, owner,
                live || text.Length == 0 ? null : LuaChunk.Compile(text, "sources"),
                Compile(options.Pre, "pre-script"),
                Compile(options.Post, "post-script"));
            // Runs the sources once: an error they raise fails the build rather than every request.
            new LuaEngine(script, live ? text : null).Dispose();
        }
        catch (LuaScriptException ex)
        {
            throw new GatewayBuildException($"{options.Namespace} of {owner} ({options.Location}): {ex.Message}");
        }
        return script;
    }

    /// <summary>True when the sources are read and run again for every request.</summary>
    public bool IsLive => Options.Live && !Options.Sources.IsDefaultOrEmpty;

    /// <summary>
    /// A new state for one request, its sources (compiled, or <paramref name="liveSources"/> read again for a live
    /// script) run under <paramref name="ct"/>. Throws <see cref="LuaScriptException"/> when they fail or are stopped.
    /// </summary>
    public LuaEngine Open(string? liveSources, CancellationToken ct = default) => new(this, liveSources, ct);

    /// <summary>Closes a request's state: the next request gets a new one.</summary>
    public static void Close(LuaEngine engine) => engine.Dispose();

    private static byte[]? Compile(string code, string name) => string.IsNullOrWhiteSpace(code) ? null : LuaChunk.Compile(code, name);

    /// <summary>The live sources read again, or null with the error.</summary>
    public string? ReadLiveSources(out ProxyError? error)
    {
        var text = ReadSources(Options, Owner, out var message);
        error = text is null ? new ProxyError(message!) : null;
        return text;
    }

    /// <summary>Reads and joins the source files; checks md5 sums (krakend-lua Parse).</summary>
    internal static string? ReadSources(LuaOptions options, string owner, out string? error)
    {
        error = null;
        var sb = new StringBuilder();
        foreach (var file in options.Sources)
        {
            string content;
            try
            {
                content = File.ReadAllText(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                error = $"{options.Namespace} of {owner} ({options.Location}): cannot read Lua source \"{file}\": {ex.Message}";
                return null;
            }
            if (options.Md5.TryGetValue(file, out var want))
            {
                var have = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(content)));
                if (!string.Equals(have, want, StringComparison.OrdinalIgnoreCase))
                {
                    error = $"{options.Namespace} of {owner} ({options.Location}): wrong md5 checksum for Lua source \"{file}\": have {have}, want {want}";
                    return null;
                }
            }
            if (sb.Length > 0) sb.Append('\n');
            sb.Append(content);
        }
        return sb.ToString();
    }
}
