using System.Globalization;
using System.Text;
using Cuttle.Go;

namespace Cuttle.Gateway.Telemetry.Stats;

/// <summary>
/// The /__stats body as krakend-metrics serves it: go-metrics' exp handler, which copies the registry into Go's
/// expvar and prints every expvar variable, sorted by name, as <c>"%q: %s"</c> lines between "{\n" and "\n}\n".
/// Counters and gauges are expvar Ints; a histogram becomes ten flat keys (name.count as an Int; .min, .max, .mean,
/// .std-dev and the .50/.75/.95/.99/.999-percentile as Floats, printed with strconv's 'g' format). expvar's own two
/// variables come along: "cmdline" (the process arguments) and "memstats", here with the Go MemStats fields .NET has
/// a counterpart for.
/// </summary>
internal static class ExpvarWriter
{
    /// <summary>exp.publishHistogram's percentiles.</summary>
    private static readonly (double P, string Suffix)[] Percentiles =
        [(0.5, ".50-percentile"), (0.75, ".75-percentile"), (0.95, ".95-percentile"), (0.99, ".99-percentile"), (0.999, ".999-percentile")];

    public static string Render(StatsCollector collector)
    {
        var vars = new List<KeyValuePair<string, string>>
        {
            new("cmdline", CmdLine()),
            new("memstats", MemStats()),
        };
        foreach (var (name, metric) in collector.Entries())
        {
            switch (metric)
            {
                case StatsCounter c: vars.Add(new(name, Int(c.Count))); break;
                case StatsGauge g: vars.Add(new(name, Int(g.Value))); break;
                case StatsHistogram h:
                    var s = h.Snapshot();
                    vars.Add(new(name + ".count", Int(s.Count)));
                    vars.Add(new(name + ".min", Float(s.Min)));
                    vars.Add(new(name + ".max", Float(s.Max)));
                    vars.Add(new(name + ".mean", Float(s.Mean)));
                    vars.Add(new(name + ".std-dev", Float(s.StdDev)));
                    foreach (var (p, suffix) in Percentiles) vars.Add(new(name + suffix, Float(s.Percentile(p))));
                    break;
            }
        }
        vars.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var sb = new StringBuilder("{\n");
        for (var i = 0; i < vars.Count; i++)
        {
            if (i > 0) sb.Append(",\n");
            sb.Append(GoStrconv.Quote(vars[i].Key)).Append(": ").Append(vars[i].Value);
        }
        return sb.Append("\n}\n").ToString();
    }

    private static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string CmdLine()
    {
        var sb = new StringBuilder("[");
        var args = Environment.GetCommandLineArgs();
        for (var i = 0; i < args.Length; i++)
        {
            if (i > 0) sb.Append(',');
            GoJson.AppendString(sb, args[i]);
        }
        return sb.Append(']').ToString();
    }

    private static string MemStats()
    {
        var info = GC.GetGCMemoryInfo();
        var heap = GC.GetTotalMemory(false);
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"Alloc\":{heap},\"TotalAlloc\":{GC.GetTotalAllocatedBytes()},\"Sys\":{Environment.WorkingSet},\"HeapAlloc\":{heap},\"HeapSys\":{info.TotalCommittedBytes},\"PauseTotalNs\":{GC.GetTotalPauseDuration().Ticks * 100},\"NumGC\":{GC.CollectionCount(0)}}}");
    }

    /// <summary>
    /// Go's strconv.FormatFloat(f, 'g', -1, 64), which expvar.Float prints: the shortest digits that round-trip, in
    /// %e form when the decimal exponent is below -4 or at least 6 ("1.234567e+06", "1e-05"), else %f ("123456", "0.5").
    /// </summary>
    internal static string Float(double f)
    {
        if (double.IsNaN(f)) return "NaN";
        if (double.IsPositiveInfinity(f)) return "+Inf";
        if (double.IsNegativeInfinity(f)) return "-Inf";
        if (f == 0) return 1 / f < 0 ? "-0" : "0";
        // .NET's "E16" is not shortest; "R" is, in either fixed or E notation: take its digits and exponent.
        var r = f.ToString("R", CultureInfo.InvariantCulture);
        var negative = r[0] == '-';
        if (negative) r = r[1..];
        var exp10 = 0;
        var e = r.IndexOf('E');
        if (e >= 0)
        {
            exp10 = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        var dot = r.IndexOf('.');
        var intLen = dot < 0 ? r.Length : dot;
        var digits = dot < 0 ? r : r.Remove(dot, 1);
        // Decimal point position relative to the digit string: value = 0.digits × 10^dp.
        var dp = intLen + exp10;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') { lead++; dp--; }
        digits = digits[lead..].TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        var x = dp - 1;
        var sb = new StringBuilder();
        if (negative) sb.Append('-');
        if (x < -4 || x >= 6)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            sb.Append('e').Append(x < 0 ? '-' : '+');
            var ax = Math.Abs(x);
            if (ax < 10) sb.Append('0');
            sb.Append(ax.ToString(CultureInfo.InvariantCulture));
            return sb.ToString();
        }
        if (dp <= 0)
        {
            sb.Append("0.").Append('0', -dp).Append(digits);
        }
        else if (dp >= digits.Length)
        {
            sb.Append(digits).Append('0', dp - digits.Length);
        }
        else
        {
            sb.Append(digits, 0, dp).Append('.').Append(digits, dp, digits.Length - dp);
        }
        return sb.ToString();
    }
}
