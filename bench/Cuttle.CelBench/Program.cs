using System.Diagnostics;
using System.Globalization;
using Cuttle.Gateway.Cel;
using Cuttle.Gateway.Cel.Language;
using Cuttle.Gateway.Data;
using Microsoft.Extensions.Primitives;

// validation/cel cost: compiling a check (once per generation build) and evaluating it (per request), with the
// request activation the endpoint CEL proxy builds. Prints a Markdown table: time and bytes allocated per operation.
var inv = CultureInfo.InvariantCulture;
var iterations = args.Length > 0 ? int.Parse(args[0], inv) : 200_000;
string[] expressions =
[
    "'something' in req_headers['X-Header']",
    "int(req_params.Id) % 2 == 0",
    "req_method == 'GET' && req_params.Id.matches('^[0-9]+$')",
    "req_headers['X-Roles'].exists(r, r.startsWith('admin')) || size(req_querystring) > 2",
    "timestamp(now) > timestamp('2024-01-01T00:00:00Z')",
];

using var scope = new RequestScope();
var request = new ProxyRequest
{
    Method = "GET",
    Params = ["30"],
    Headers =
    [
        new("X-Header", "something"),
        new("X-Roles", new StringValues(["user", "admin-eu"])),
        new("User-Agent", "KrakenD Version 2.13.8"),
    ],
    Query = [],
    Scope = scope,
};
string[] names = ["Id"];

Console.WriteLine($"iterations: {iterations}");
Console.WriteLine("| expression | compile µs | eval ns | eval B alloc | result |");
Console.WriteLine("|---|---:|---:|---:|---|");
foreach (var text in expressions)
{
    var sw = Stopwatch.StartNew();
    const int compiles = 2_000;
    CelProgram program = null!;
    for (var i = 0; i < compiles; i++) program = CelProgram.Compile(text);
    var compileUs = sw.Elapsed.TotalMicroseconds / compiles;

    var result = program.Evaluate(new CelRequestActivation(request, names, null, TimeProvider.System));
    for (var i = 0; i < 10_000; i++) program.Passes(new CelRequestActivation(request, names, null, TimeProvider.System));
    var before = GC.GetAllocatedBytesForCurrentThread();
    sw.Restart();
    for (var i = 0; i < iterations; i++) program.Passes(new CelRequestActivation(request, names, null, TimeProvider.System));
    var evalNs = sw.Elapsed.TotalNanoseconds / iterations;
    var bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)iterations;
    Console.WriteLine(string.Create(inv, $"| `{text}` | {compileUs:F1} | {evalNs:F0} | {bytes:F0} | {result} |"));
}
