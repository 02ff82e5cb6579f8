using System.Text.RegularExpressions;

namespace Cuttle.Watch.Matching;

/// <summary>
/// reflex's matcher (match.go): every pattern must agree (logical AND, <c>multiMatcher</c>); with no <c>-g</c> and no
/// <c>-r</c> everything matches. Names are paths relative to the watched directory, '/'-separated, no "./" prefix,
/// directories with a trailing '/'.
/// </summary>
public sealed class PathMatcher
{
    private readonly Rule[] _rules;

    private PathMatcher(Rule[] rules) => _rules = rules;

    /// <summary>Matches everything (reflex's <c>matchAll</c> with <c>--all</c>).</summary>
    public static PathMatcher All { get; } = new([]);

    /// <summary>Builds a matcher as reflex's ParseMatchers does, plus the default excludes unless <paramref name="all"/>.</summary>
    /// <exception cref="WatchException">A glob or regex is malformed; the message names it.</exception>
    public static PathMatcher Create(
        IReadOnlyList<string>? globs = null,
        IReadOnlyList<string>? regexes = null,
        IReadOnlyList<string>? inverseGlobs = null,
        IReadOnlyList<string>? inverseRegexes = null,
        bool all = false)
    {
        var rules = new List<Rule>();
        foreach (var r in regexes ?? [])
        {
            rules.Add(Rule.ForRegex(r, inverse: false, "-r/--regex"));
        }

        foreach (var r in inverseRegexes ?? [])
        {
            rules.Add(Rule.ForRegex(r, inverse: true, "-R/--inverse-regex"));
        }

        foreach (var g in globs ?? [])
        {
            rules.Add(Rule.ForGlob(g, inverse: false, "-g/--glob"));
        }

        foreach (var g in inverseGlobs ?? [])
        {
            rules.Add(Rule.ForGlob(g, inverse: true, "-G/--inverse-glob"));
        }

        if (!all)
        {
            foreach (var r in DefaultExcludes.Regexes)
            {
                rules.Add(Rule.ForRegex(r, inverse: true, "default exclude"));
            }
        }

        return new PathMatcher([.. rules]);
    }

    /// <summary>Whether a relative path (directories end in '/') passes every pattern.</summary>
    public bool IsMatch(string relativePath)
    {
        foreach (var rule in _rules)
        {
            if (!rule.IsMatch(relativePath))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// reflex's ExcludePrefix: a directory ("dir/") is not watched at all when an inverse regex without '$', '\z' or
    /// '\b' matches it, because nothing below it could then match. Inverse globs never prune.
    /// </summary>
    public bool ExcludesDirectory(string relativeDirectory)
    {
        foreach (var rule in _rules)
        {
            if (rule.CanPrune && rule.Regex!.IsMatch(relativeDirectory))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A readable dump for <c>-v</c>, like reflex's matcher String().</summary>
    public override string ToString() => _rules.Length == 0 ? "(match all)" : string.Join(" AND ", _rules.Select(r => r.Describe));

    private sealed class Rule
    {
        public string? Glob { get; private init; }
        public Regex? Regex { get; private init; }
        public bool Inverse { get; private init; }
        public bool CanPrune { get; private init; }
        public required string Describe { get; init; }

        public static Rule ForGlob(string glob, bool inverse, string flag)
        {
            if (!GoGlob.IsValid(glob))
            {
                throw new WatchException($"{flag}: bad glob pattern '{glob}' (syntax: * ? [a-z] [^a-z] \\x; '*' does not cross '/')");
            }

            return new Rule { Glob = glob, Inverse = inverse, Describe = (inverse ? "not glob " : "glob ") + glob };
        }

        public static Rule ForRegex(string pattern, bool inverse, string flag)
        {
            Regex regex;
            try
            {
                // Non-backtracking: linear time like Go's RE2, and it rejects backreferences/lookarounds as RE2 does.
                regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            }
            catch (ArgumentException ex)
            {
                throw new WatchException($"{flag}: bad regular expression '{pattern}': {ex.Message}");
            }
            catch (NotSupportedException ex)
            {
                throw new WatchException($"{flag}: unsupported regular expression '{pattern}' (RE2 syntax only): {ex.Message}");
            }

            var canPrune = inverse && !pattern.Contains('$') && !pattern.Contains("\\z") && !pattern.Contains("\\b");
            return new Rule { Regex = regex, Inverse = inverse, CanPrune = canPrune, Describe = (inverse ? "not regex " : "regex ") + pattern };
        }

        public bool IsMatch(string name)
        {
            var matched = Glob is not null ? GoGlob.IsMatch(Glob, name) : Regex!.IsMatch(name);
            return matched != Inverse;
        }
    }
}
