using System.Globalization;
using System.Text;
using Cuttle.Go;

namespace Cuttle.Config.FlexibleConfig;

/// <summary>
/// The function map KrakenD gives flexible-configuration templates: Go's text/template builtins, the Sprig
/// GenericFuncMap functions real configs use, and KrakenD's own <c>marshal</c> and <c>include</c>
/// (krakend-flexibleconfig template.go). A plain switch, no reflection, so NativeAOT keeps working.
/// </summary>
internal sealed class TemplateFunctions(Func<string, string?> getEnv, Func<string, string> include, Func<string, object?[], (bool Found, object? Value)>? extra = null)
{
    public object? Call(string name, object?[] a)
    {
        switch (name)
        {
            // ---- text/template builtins ----
            case "and":
                Min(a, 1);
                foreach (var v in a) if (!GoValues.IsTrue(v)) return v;
                return a[^1];
            case "or":
                Min(a, 1);
                foreach (var v in a) if (GoValues.IsTrue(v)) return v;
                return a[^1];
            case "not": Exact(a, 1); return !GoValues.IsTrue(a[0]);
            case "eq":
                Min(a, 2);
                for (var i = 1; i < a.Length; i++) if (Compare(a[0], a[i], equality: true) == 0) return true;
                return false;
            case "ne": Exact(a, 2); return Compare(a[0], a[1], equality: true) != 0;
            case "lt": Exact(a, 2); return Compare(a[0], a[1], false) < 0;
            case "le": Exact(a, 2); return Compare(a[0], a[1], false) <= 0;
            case "gt": Exact(a, 2); return Compare(a[0], a[1], false) > 0;
            case "ge": Exact(a, 2); return Compare(a[0], a[1], false) >= 0;
            case "len":
                Exact(a, 1);
                return a[0] switch
                {
                    string s => (long)Encoding.UTF8.GetByteCount(s),
                    List<object?> l => (long)l.Count,
                    SortedDictionary<string, object?> m => (long)m.Count,
                    _ => throw new TemplateFunctionException($"len of type {GoValues.TypeName(a[0])}"),
                };
            case "index":
            {
                Min(a, 1);
                var v = a[0];
                for (var i = 1; i < a.Length; i++)
                {
                    v = v switch
                    {
                        List<object?> l => ToInt(a[i]) is var n && n >= 0 && n < l.Count ? l[(int)n] : throw new TemplateFunctionException($"index out of range: {ToInt(a[i])}"),
                        SortedDictionary<string, object?> m => m.TryGetValue(a[i] as string ?? GoValues.Print(a[i], false), out var x) ? x : null,
                        null => throw new TemplateFunctionException("index of untyped nil"),
                        _ => throw new TemplateFunctionException($"can't index item of type {GoValues.TypeName(v)}"),
                    };
                }
                return v;
            }
            case "print": return Sprint(a);
            case "println":
            {
                var sb = new StringBuilder();
                for (var i = 0; i < a.Length; i++)
                {
                    if (i > 0) sb.Append(' ');
                    GoValues.Print(sb, a[i], false);
                }
                return sb.Append('\n').ToString();
            }
            case "printf":
                Min(a, 1);
                return Printf(Str(a[0]), a.AsSpan(1));

            // ---- KrakenD ----
            case "marshal":
            case "toJson":
            case "mustToJson":
                Exact(a, 1); return GoValues.Marshal(a[0]);
            case "include": Exact(a, 1); return include(Str(a[0]));

            // ---- Sprig ----
            case "env": Exact(a, 1); return getEnv(Str(a[0])) ?? "";
            case "default":
                Min(a, 1);
                return a.Length < 2 || IsEmpty(a[1]) ? a[0] : a[1];
            case "empty": Exact(a, 1); return IsEmpty(a[0]);
            case "coalesce":
                foreach (var v in a) if (!IsEmpty(v)) return v;
                return null;
            case "ternary": Exact(a, 3); return GoValues.IsTrue(a[2]) ? a[0] : a[1];
            case "add": { long s = 0; foreach (var v in a) s += ToInt(v); return s; }
            case "add1": Exact(a, 1); return ToInt(a[0]) + 1;
            case "sub": Exact(a, 2); return ToInt(a[0]) - ToInt(a[1]);
            case "mul": { long s = 1; foreach (var v in a) s *= ToInt(v); return s; }
            case "div":
                Exact(a, 2);
                return ToInt(a[1]) == 0 ? throw new TemplateFunctionException("integer divide by zero") : ToInt(a[0]) / ToInt(a[1]);
            case "mod":
                Exact(a, 2);
                return ToInt(a[1]) == 0 ? throw new TemplateFunctionException("integer divide by zero") : ToInt(a[0]) % ToInt(a[1]);
            case "max": { Min(a, 1); var m = ToInt(a[0]); foreach (var v in a) m = Math.Max(m, ToInt(v)); return m; }
            case "min": { Min(a, 1); var m = ToInt(a[0]); foreach (var v in a) m = Math.Min(m, ToInt(v)); return m; }
            case "int":
            case "int64": Exact(a, 1); return ToInt(a[0]);
            case "float64": Exact(a, 1); return ToFloat(a[0]);
            case "toString": Exact(a, 1); return StrVal(a[0]);
            case "quote": return JoinMapped(a, s => GoStrconv.Quote(s));
            case "squote": return JoinMapped(a, s => "'" + s + "'");
            case "upper": Exact(a, 1); return Str(a[0]).ToUpperInvariant();
            case "lower": Exact(a, 1); return Str(a[0]).ToLowerInvariant();
            case "title": Exact(a, 1); return CultureInfo.InvariantCulture.TextInfo.ToTitleCase(Str(a[0]));
            case "trim": Exact(a, 1); return Str(a[0]).Trim();
            case "trimAll": Exact(a, 2); return Str(a[1]).Trim(Str(a[0]).ToCharArray());
            case "trimPrefix": Exact(a, 2); { var s = Str(a[1]); var p = Str(a[0]); return s.StartsWith(p, StringComparison.Ordinal) ? s[p.Length..] : s; }
            case "trimSuffix": Exact(a, 2); { var s = Str(a[1]); var p = Str(a[0]); return s.EndsWith(p, StringComparison.Ordinal) ? s[..^p.Length] : s; }
            case "nospace":
            {
                Exact(a, 1);
                var sb = new StringBuilder();
                foreach (var c in Str(a[0])) if (!char.IsWhiteSpace(c)) sb.Append(c);
                return sb.ToString();
            }
            case "replace": Exact(a, 3); return Str(a[2]).Replace(Str(a[0]), Str(a[1]), StringComparison.Ordinal);
            case "contains": Exact(a, 2); return Str(a[1]).Contains(Str(a[0]), StringComparison.Ordinal);
            case "hasPrefix": Exact(a, 2); return Str(a[1]).StartsWith(Str(a[0]), StringComparison.Ordinal);
            case "hasSuffix": Exact(a, 2); return Str(a[1]).EndsWith(Str(a[0]), StringComparison.Ordinal);
            case "repeat": Exact(a, 2); return string.Concat(Enumerable.Repeat(Str(a[1]), (int)Math.Max(0, ToInt(a[0]))));
            case "join":
            {
                Exact(a, 2);
                var sep = Str(a[0]);
                if (a[1] is List<object?> list)
                {
                    var parts = new string[list.Count];
                    for (var i = 0; i < list.Count; i++) parts[i] = StrVal(list[i]);
                    return string.Join(sep, parts);
                }
                return StrVal(a[1]);
            }
            case "splitList":
            {
                Exact(a, 2);
                var parts = Str(a[1]).Split(Str(a[0]));
                var list = new List<object?>(parts.Length);
                foreach (var p in parts) list.Add(p);
                return list;
            }
            case "split":
            {
                // Sprig's split returns a map _0, _1, ... (use splitList for a list).
                Exact(a, 2);
                var parts = Str(a[1]).Split(Str(a[0]));
                var map = new SortedDictionary<string, object?>(StringComparer.Ordinal);
                for (var i = 0; i < parts.Length; i++) map["_" + i.ToString(CultureInfo.InvariantCulture)] = parts[i];
                return map;
            }
            case "list": return new List<object?>(a);
            case "dict":
            {
                var map = new SortedDictionary<string, object?>(StringComparer.Ordinal);
                for (var i = 0; i + 1 < a.Length; i += 2) map[StrVal(a[i])] = a[i + 1];
                if (a.Length % 2 == 1) map[StrVal(a[^1])] = "";
                return map;
            }
            case "hasKey": Exact(a, 2); return a[0] is SortedDictionary<string, object?> hk && hk.ContainsKey(Str(a[1]));
            case "keys":
            {
                var list = new List<object?>();
                foreach (var v in a)
                    if (v is SortedDictionary<string, object?> m) foreach (var k in m.Keys) list.Add(k);
                return list;
            }
            case "get": Exact(a, 2); return a[0] is SortedDictionary<string, object?> gm && gm.TryGetValue(Str(a[1]), out var gv) ? gv : "";
            case "first": Exact(a, 1); return a[0] is List<object?> { Count: > 0 } fl ? fl[0] : null;
            case "last": Exact(a, 1); return a[0] is List<object?> { Count: > 0 } ll ? ll[^1] : null;
            case "has": Exact(a, 2); return a[1] is List<object?> hl && hl.Exists(x => Compare(x, a[0], true) == 0);
            default:
                // A caller's own functions (the audit format's "colored") come after the built-in ones.
                if (extra?.Invoke(name, a) is { Found: true } found)
                    return found.Value;
                throw new TemplateFunctionException($"function \"{name}\" not defined");
        }
    }

    private static void Exact(object?[] a, int n)
    {
        if (a.Length != n) throw new TemplateFunctionException($"wrong number of args: want {n} got {a.Length}");
    }

    private static void Min(object?[] a, int n)
    {
        if (a.Length < n) throw new TemplateFunctionException($"wrong number of args: want at least {n} got {a.Length}");
    }

    private static string Str(object? v) => v as string ?? StrVal(v);

    /// <summary>Sprig's strval: strings as they are, everything else as fmt %v.</summary>
    private static string StrVal(object? v) => v is string s ? s : GoValues.Print(v, false);

    private static string JoinMapped(object?[] a, Func<string, string> f)
    {
        var parts = new List<string>(a.Length);
        foreach (var v in a) if (v is not null) parts.Add(f(StrVal(v)));
        return string.Join(' ', parts);
    }

    /// <summary>Sprig's empty: the zero value of its type is empty.</summary>
    private static bool IsEmpty(object? v) => !GoValues.IsTrue(v);

    private static long ToInt(object? v) => v switch
    {
        long l => l,
        double d => (long)d,
        bool b => b ? 1 : 0,
        string s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => (long)d,
        _ => 0, // cast.ToInt64 turns what it cannot convert into 0.
    };

    private static double ToFloat(object? v) => v switch
    {
        long l => l,
        double d => d,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => 0,
    };

    private static int Compare(object? x, object? y, bool equality)
    {
        if (x is long or double && y is long or double)
            return ToFloat(x).CompareTo(ToFloat(y));
        if (x is string sx && y is string sy) return string.CompareOrdinal(sx, sy);
        if (equality)
        {
            if (x is null || y is null) return x is null && y is null ? 0 : 1;
            if (x is bool bx && y is bool by) return bx == by ? 0 : 1;
            throw new TemplateFunctionException($"incompatible types for comparison: {GoValues.TypeName(x)} and {GoValues.TypeName(y)}");
        }
        throw new TemplateFunctionException($"invalid type for comparison: {GoValues.TypeName(x)} and {GoValues.TypeName(y)}");
    }

    /// <summary>fmt.Sprint: a space between operands when neither side is a string.</summary>
    private static string Sprint(object?[] a)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < a.Length; i++)
        {
            if (i > 0 && a[i] is not string && a[i - 1] is not string) sb.Append(' ');
            GoValues.Print(sb, a[i], false);
        }
        return sb.ToString();
    }

    /// <summary>fmt.Sprintf for the verbs configs use: %s %v %d %q %t %f %x %%, with Go's %!verb(MISSING) markers.</summary>
    private static string Printf(string format, ReadOnlySpan<object?> args)
    {
        var sb = new StringBuilder();
        var ai = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%' || i + 1 >= format.Length) { sb.Append(c); continue; }
            var verb = format[++i];
            if (verb == '%') { sb.Append('%'); continue; }
            if (ai >= args.Length) { sb.Append("%!").Append(verb).Append("(MISSING)"); continue; }
            var v = args[ai++];
            switch (verb)
            {
                case 's':
                case 'v': GoValues.Print(sb, v, false); break;
                case 'd': sb.Append(v is long or double ? ToInt(v).ToString(CultureInfo.InvariantCulture) : "%!d(" + GoValues.TypeName(v) + "=" + GoValues.Print(v, false) + ")"); break;
                case 'q': sb.Append(GoStrconv.Quote(StrVal(v))); break;
                case 't': GoValues.Print(sb, v, false); break;
                case 'f': sb.Append(ToFloat(v).ToString("F6", CultureInfo.InvariantCulture)); break;
                case 'x': sb.Append(v is string xs ? Convert.ToHexStringLower(Encoding.UTF8.GetBytes(xs)) : ToInt(v).ToString("x", CultureInfo.InvariantCulture)); break;
                default: sb.Append("%!").Append(verb).Append('(').Append(GoValues.Print(v, false)).Append(')'); break;
            }
        }
        if (ai < args.Length)
        {
            sb.Append("%!(EXTRA ");
            for (var j = ai; j < args.Length; j++)
            {
                if (j > ai) sb.Append(", ");
                sb.Append(GoValues.TypeName(args[j])).Append('=');
                GoValues.Print(sb, args[j], false);
            }
            sb.Append(')');
        }
        return sb.ToString();
    }
}
