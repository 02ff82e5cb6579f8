using System.Buffers;
using Cuttle.Config.Model;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Benchmarks;

/// <summary>
/// Bytes allocated by each sub-step of the filter step (decode, format, render), averaged over many warm runs on
/// one thread: tells which part of the hot path to fix when the BenchmarkDotNet total misses the target.
/// </summary>
internal static class AllocationBreakdown
{
    public static void Print(int bodyBytes)
    {
        var body = Bodies.User(bodyBytes);
        var formatter = EntityFormatter.Create(new BackendConfig
        {
            UrlPattern = "/user",
            Allow = ["id", "name", "address.city", "items"],
            Mapping = [new("name", "title")],
        })!;
        var json = BackendDecoder.For(Encodings.Json, isCollection: false); // chosen once, as BackendProxy does
        var output = new ArrayBufferWriter<byte>(256 * 1024);
        const int runs = 2000;
        long decode = 0, format = 0, render = 0, scopeCost = 0;
        for (var i = 0; i < runs * 2; i++)
        {
            var measured = i >= runs; // the first half warms up (tiering, pools)
            var t0 = GC.GetAllocatedBytesForCurrentThread();
            var scope = new RequestScope();
            var t1 = GC.GetAllocatedBytesForCurrentThread();
            // The gateway's path: an allow-list prunes straight from the document (decode and format in one step).
            var data = EntityFormatter.DecodeAndFormat(formatter, json, body, scope, out _)!;
            var t2 = GC.GetAllocatedBytesForCurrentThread();
            var t3 = GC.GetAllocatedBytesForCurrentThread();
            output.ResetWrittenCount();
            GoJsonWriter.Write(output, data);
            var t4 = GC.GetAllocatedBytesForCurrentThread();
            scope.Dispose();
            if (!measured) continue;
            scopeCost += t1 - t0;
            decode += t2 - t1;
            format += t3 - t2;
            render += t4 - t3;
        }
        Console.WriteLine($"filter step, {body.Length}-byte body, bytes allocated per request: " +
            $"scope {scopeCost / runs}, decode {decode / runs}, format {format / runs}, render {render / runs}, " +
            $"total {(scopeCost + decode + format + render) / runs} (rendered {output.WrittenCount} bytes)");
    }
}
