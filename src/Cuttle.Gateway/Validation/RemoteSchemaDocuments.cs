using System.Text.Json;

namespace Cuttle.Gateway.Validation;

/// <summary>
/// The documents remote <c>$ref</c>s name, fetched once per generation. gojsonschema (KrakenD CE's validator) loads
/// every http(s) document a schema references when the schema is built (schemaPool.GetDocument → http.Get), so a
/// schema split across files on a server validates in KrakenD; Cuttle fetches them the same way at build time, bounded
/// (Go's http.Get has no bound: a hung server would stall KrakenD's start for ever), and keeps each answer, a failure
/// too, for the rest of the build so two endpoints naming the same document cost one request.
/// </summary>
internal sealed class RemoteSchemaDocuments(HttpMessageInvoker client, TimeProvider time)
{
    /// <summary>A request, headers and body, gets this long: the build waits for it.</summary>
    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A referenced document larger than this is refused (a schema is kilobytes; this only stops a runaway body).</summary>
    public const int MaxDocumentBytes = 4 * 1024 * 1024;

    /// <summary>How many documents one schema may pull in, its references' references included.</summary>
    public const int MaxDocuments = 32;

    private readonly Dictionary<string, (JsonElement? Document, string? Error)> _cache = new(StringComparer.Ordinal);

    /// <summary>
    /// Every remote document <paramref name="schema"/> reaches, transitively; throws ArgumentException naming the first
    /// that cannot be fetched or parsed. Empty when the schema names none.
    /// </summary>
    public Dictionary<Uri, JsonElement> Resolve(JsonElement schema)
    {
        var documents = new Dictionary<Uri, JsonElement>();
        var pending = new Queue<Uri>();
        var local = new HashSet<string>(StringComparer.Ordinal);
        JsonSchemaRemoteRefs.Collect(schema, null, pending, local);
        while (pending.TryDequeue(out var uri))
        {
            if (documents.ContainsKey(uri) || local.Contains(uri.AbsoluteUri)) continue;
            if (documents.Count == MaxDocuments)
                throw new ArgumentException($"$ref {uri}: a schema may reference at most {MaxDocuments} remote documents");
            var document = Fetch(uri);
            documents[uri] = document;
            JsonSchemaRemoteRefs.Collect(document, uri, pending, local);
        }
        return documents;
    }

    private JsonElement Fetch(Uri uri)
    {
        if (!_cache.TryGetValue(uri.AbsoluteUri, out var entry))
        {
            entry = Load(uri);
            _cache[uri.AbsoluteUri] = entry;
        }
        return entry.Document ?? throw new ArgumentException($"$ref {uri}: {entry.Error}");
    }

    private (JsonElement?, string?) Load(Uri uri)
    {
        try
        {
            using var cts = new CancellationTokenSource(FetchTimeout, time);
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            // The build is synchronous; it runs before the generation serves anything, so blocking here costs no request.
            using var response = client.SendAsync(request, cts.Token).GetAwaiter().GetResult();
            // gojsonschema's jsonReferenceLoader: anything but 200 is an error.
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
                return (null, $"could not fetch the document: status {(int)response.StatusCode}");
            if (response.Content.Headers.ContentLength > MaxDocumentBytes)
                return (null, $"the document is larger than {MaxDocumentBytes} bytes");
            using var stream = response.Content.ReadAsStream(cts.Token);
            var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = stream.ReadAsync(chunk, cts.Token).AsTask().GetAwaiter().GetResult()) > 0)
            {
                if (buffer.Length + read > MaxDocumentBytes) return (null, $"the document is larger than {MaxDocumentBytes} bytes");
                buffer.Write(chunk, 0, read);
            }
            using var doc = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            return (doc.RootElement.Clone(), null);
        }
        catch (OperationCanceledException)
        {
            return (null, $"could not fetch the document within {FetchTimeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or InvalidOperationException)
        {
            return (null, $"could not fetch the document: {ex.Message}");
        }
    }
}
