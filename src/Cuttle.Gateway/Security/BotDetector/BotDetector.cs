using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Cuttle.Config;
using Cuttle.Config.Model;

namespace Cuttle.Gateway.Security.BotDetector;

/// <summary>
/// krakend-botdetector's verdict, compiled once: an empty User-Agent is a bot only with empty_user_agent_is_bot;
/// then allow (exact) wins, deny (exact) loses, and any pattern match is a bot. With cache_size the verdicts are
/// kept per User-Agent in an LRU, as the module's LRUDetector does.
/// </summary>
internal sealed class BotDetector
{
    private readonly FrozenSet<string> _allow;
    private readonly FrozenSet<string> _deny;
    private readonly Regex[] _patterns;
    private readonly bool _emptyIsBot;
    private readonly VerdictCache? _cache;

    public BotDetector(BotDetectorOptions options)
    {
        _allow = options.Allow.ToFrozenSet(StringComparer.Ordinal);
        _deny = options.Deny.ToFrozenSet(StringComparer.Ordinal);
        _patterns = new Regex[options.Patterns.Length];
        for (var i = 0; i < _patterns.Length; i++)
        {
            try
            {
                _patterns[i] = new Regex(options.Patterns[i], RegexSettings.Options);
            }
            catch (ArgumentException ex)
            {
                // The binder rejects these already; a model built by hand still gets a clear message.
                throw new GatewayBuildException($"invalid security/bot-detector pattern \"{options.Patterns[i]}\": {ex.Message}");
            }
        }
        _emptyIsBot = options.EmptyUserAgentIsBot;
        if (options.CacheSize > 0) _cache = new VerdictCache(options.CacheSize);
    }

    public bool IsBot(string userAgent)
    {
        if (userAgent.Length == 0) return _emptyIsBot;
        if (_cache is null) return Classify(userAgent);
        if (_cache.TryGet(userAgent, out var cached)) return cached;
        var verdict = Classify(userAgent);
        _cache.Add(userAgent, verdict);
        return verdict;
    }

    private bool Classify(string userAgent)
    {
        if (_allow.Contains(userAgent)) return false;
        if (_deny.Contains(userAgent)) return true;
        foreach (var p in _patterns) if (p.IsMatch(userAgent)) return true;
        return false;
    }
}
