// Usage: AllocTrace TRACE.nettrace [TOP]
// Sums the AllocationTick events of a trace taken with
//   dotnet-trace collect -p PID --providers Microsoft-Windows-DotNETRuntime:0x1:5
// by type. Each event stands for ~100 KB of allocations and names the type whose allocation crossed the mark, so the
// shares are a sample: proportional to bytes allocated, good to a few percent over a few thousand events.
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

if (args.Length < 1 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("usage: AllocTrace TRACE.nettrace [TOP]  (a trace with the GC keyword at verbose level)");
    return 2;
}
var top = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 30;
var byType = new Dictionary<string, long>(StringComparer.Ordinal);
long total = 0, events = 0;
using (var source = new EventPipeEventSource(args[0]))
{
    source.Clr.GCAllocationTick += (GCAllocationTickTraceData e) =>
    {
        byType[e.TypeName] = byType.GetValueOrDefault(e.TypeName) + e.AllocationAmount64;
        total += e.AllocationAmount64;
        events++;
    };
    source.Process();
}
if (events == 0)
{
    Console.Error.WriteLine("no AllocationTick events: collect with --providers Microsoft-Windows-DotNETRuntime:0x1:5");
    return 1;
}
Console.WriteLine($"{events} AllocationTick events, {total / 1024 / 1024} MB sampled");
var rows = byType.ToList();
rows.Sort(static (a, b) => b.Value.CompareTo(a.Value));
foreach (var (type, bytes) in rows.Take(top))
    Console.WriteLine($"{100.0 * bytes / total,6:0.0} %  {type}");
return 0;
