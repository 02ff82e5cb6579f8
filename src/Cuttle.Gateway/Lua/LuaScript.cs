using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Cuttle.Config.Model;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Lua;

/// <summary>
/// One compiled <c>modifier/lua-*</c> block: its sources read once per generation (unless <c>live</c>), and a pool of
/// prepared Lua states. Lua states are not thread-safe, so each request rents its own; the first state is built at
/// generation build time, which surfaces missing files and syntax errors as a <see cref="GatewayBuildException"/>.
/// Sources run then are not bounded in time (a configuration whose sources never finish never loads); states built
/// later, on the request path, run them under the request's token (<see cref="Rent"/>).
/// </summary>
internal sealed class LuaScript
{
    private readonly ConcurrentQueue<LuaEngine> _idle = new();
    private readonly int _maxIdle = Math.Max(4, Environment.ProcessorCount * 2);
    private int _idleCount;

    private LuaScript(LuaOptions options, string owner, string? sources)
    {
        Options = options;
        Owner = owner;
        Sources = sources;
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
        script.Return(engine);
        return script;
    }

    /// <summary>True when the sources are read and run again for every request.</summary>
    public bool IsLive => Options.Live && !Options.Sources.IsDefaultOrEmpty;

    /// <summary>
    /// A pooled state, or a new one whose sources (read once at build time; a live script re-runs them per request
    /// instead) run under <paramref name="ct"/>. Throws <see cref="LuaScriptException"/> when they fail or are stopped.
    /// </summary>
    public LuaEngine Rent(CancellationToken ct = default)
    {
        if (_idle.TryDequeue(out var engine))
        {
            Interlocked.Decrement(ref _idleCount);
            return engine;
        }
        return new LuaEngine(this, Sources ?? "", ct);
    }

    /// <summary>Pools the state, or closes it: broken, stopped mid-script, or over the pool's size (a native state
    /// dropped without closing would stay alive in <see cref="LuaEngine"/>'s registry for ever).</summary>
    public void Return(LuaEngine engine)
    {
        if (!engine.Reset()) return;
        if (Interlocked.Increment(ref _idleCount) <= _maxIdle)
        {
            _idle.Enqueue(engine);
            return;
        }
        Interlocked.Decrement(ref _idleCount);
        engine.Dispose();
    }

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
}
