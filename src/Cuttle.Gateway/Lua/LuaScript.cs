using System.Security.Cryptography;
using System.Text;
using Cuttle.Config.Model;
using Microsoft.Extensions.ObjectPool;

namespace Cuttle.Gateway.Lua;

/// <summary>
/// One compiled <c>modifier/lua-*</c> block: its sources read once per generation (unless <c>live</c>), and a pool of
/// prepared Lua states. Lua states are not thread-safe, so each request rents its own; the first state is built at
/// generation build time, which surfaces missing files and syntax errors as a <see cref="GatewayBuildException"/>.
/// </summary>
internal sealed class LuaScript
{
    private readonly DefaultObjectPool<LuaEngine> _pool;

    private LuaScript(LuaOptions options, string owner, string? sources)
    {
        Options = options;
        Owner = owner;
        Sources = sources;
        _pool = new DefaultObjectPool<LuaEngine>(new Policy(this), Math.Max(4, Environment.ProcessorCount * 2));
    }

    public LuaOptions Options { get; }

    /// <summary>"endpoint /foo" or "backend /bar of endpoint /foo", for messages.</summary>
    public string Owner { get; }

    /// <summary>The sources joined with "\n" (krakend-lua WithConfig), or null when they are read per request.</summary>
    public string? Sources { get; }

    public static LuaScript Build(LuaOptions options, string owner)
    {
        string? sources = null;
        var text = ReadSources(options, owner, out var error);
        if (text is null) throw new GatewayBuildException(error!);
        if (!options.Live) sources = text;
        var script = new LuaScript(options, owner, sources);
        LuaEngine engine;
        try
        {
            engine = new LuaEngine(script, text);
        }
        catch (LuaScriptException ex)
        {
            throw new GatewayBuildException($"{options.Namespace} of {owner} ({options.Location}): {ex.Message}");
        }
        script._pool.Return(engine);
        return script;
    }

    public LuaEngine Rent() => _pool.Get();

    public void Return(LuaEngine engine) => _pool.Return(engine);

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
                error = $"{options.Namespace} of {owner}: cannot read Lua source \"{file}\": {ex.Message}";
                return null;
            }
            if (options.Md5.TryGetValue(file, out var want))
            {
                var have = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(content)));
                if (!string.Equals(have, want, StringComparison.OrdinalIgnoreCase))
                {
                    error = $"{options.Namespace} of {owner}: wrong md5 checksum for Lua source \"{file}\": have {have}, want {want}";
                    return null;
                }
            }
            if (sb.Length > 0) sb.Append('\n');
            sb.Append(content);
        }
        return sb.ToString();
    }

    private sealed class Policy(LuaScript script) : PooledObjectPolicy<LuaEngine>
    {
        public override LuaEngine Create()
        {
            // Sources were compiled once at build time; a live script re-runs them per request instead.
            return new LuaEngine(script, script.Sources ?? "");
        }

        public override bool Return(LuaEngine obj) => obj.Reset();
    }
}
