using System.Text;
using Cuttle.Config.Model;
using Cuttle.Gateway.Data;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Codecs;

/// <summary>
/// Renders the endpoint's data per output_encoding (lura router/gin render.go + krakend-xml): json, json-collection,
/// string, xml, yaml, negotiate. One immutable renderer per output encoding, chosen once per endpoint by
/// <see cref="For"/> when the generation is built, so the request path calls it without looking at the name. The
/// status is always 200 here: failures are rendered by the endpoint handler.
/// </summary>
internal abstract class ResponseRenderer
{
    public const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>
    /// The renderer of an output encoding; an unknown name (and no-op, whose endpoints never render) renders JSON, as
    /// lura's render register falls back to its JSON render.
    /// </summary>
    public static ResponseRenderer For(string outputEncoding) => outputEncoding switch
    {
        Encodings.Negotiate => NegotiateRenderer.Instance,
        Encodings.Xml => XmlRenderer.Instance,
        Encodings.Yaml => YamlRenderer.Instance,
        Encodings.String => StringRenderer.Instance,
        Encodings.JsonCollection => JsonCollectionRenderer.Instance,
        _ => JsonRenderer.Instance,
    };

    public abstract Task RenderAsync(HttpContext context, Dictionary<string, object?>? data);

    private sealed class JsonRenderer : ResponseRenderer
    {
        public static readonly JsonRenderer Instance = new();

        // gin renders a nil map as {} (KrakenD: "nil response → {}").
        public override Task RenderAsync(HttpContext context, Dictionary<string, object?>? data) => WriteJson(context, (object?)data ?? DataTree.NewMap());
    }

    private sealed class JsonCollectionRenderer : ResponseRenderer
    {
        public static readonly JsonCollectionRenderer Instance = new();

        public override Task RenderAsync(HttpContext context, Dictionary<string, object?>? data)
        {
            object? collection = data is not null && data.TryGetValue("collection", out var col) ? col : null;
            return WriteJson(context, DataTree.AsList(collection) is null ? new List<object?>() : collection);
        }
    }

    private sealed class StringRenderer : ResponseRenderer
    {
        public static readonly StringRenderer Instance = new();

        public override Task RenderAsync(HttpContext context, Dictionary<string, object?>? data)
        {
            var content = data is not null && data.TryGetValue("content", out var c) ? DataTree.Unwrap(c) as string : null;
            return WriteText(context, "text/plain; charset=utf-8", content ?? "");
        }
    }

    private sealed class XmlRenderer : ResponseRenderer
    {
        public static readonly XmlRenderer Instance = new();

        public override Task RenderAsync(HttpContext context, Dictionary<string, object?>? data) => WriteText(context, "application/xml", Xml(data));
    }

    private sealed class YamlRenderer : ResponseRenderer
    {
        public static readonly YamlRenderer Instance = new();

        public override Task RenderAsync(HttpContext context, Dictionary<string, object?>? data) =>
            WriteText(context, "application/yaml; charset=utf-8", Yaml(data));
    }

    private sealed class NegotiateRenderer : ResponseRenderer
    {
        public static readonly NegotiateRenderer Instance = new();

        public override Task RenderAsync(HttpContext context, Dictionary<string, object?>? data) => Negotiate(context, data);
    }

    private static Task Negotiate(HttpContext context, Dictionary<string, object?>? data)
    {
        // gin NegotiateFormat(json, text/plain, xml, yaml): first Accept entry that matches one offer wins.
        var accept = context.Request.Headers.Accept.ToString();
        foreach (var part in accept.Split(','))
        {
            var media = part.Split(';')[0].Trim();
            if (media.Length == 0) continue;
            if (media is "application/json" or "*/*" or "application/*") break;
            if (media is "application/xml" or "text/xml") return WriteText(context, "application/xml; charset=utf-8", Xml(data));
            if (media is "text/plain" or "application/x-yaml" or "application/yaml" or "text/yaml")
                return WriteText(context, "application/yaml; charset=utf-8", Yaml(data));
        }
        return WriteJson(context, (object?)data ?? DataTree.NewMap());
    }

    private static string Xml(Dictionary<string, object?>? data)
    {
        var sb = new StringBuilder();
        XmlCodec.Encode(sb, data ?? DataTree.NewMap());
        return sb.ToString();
    }

    private static string Yaml(Dictionary<string, object?>? data)
    {
        var sb = new StringBuilder();
        if (data is null || data.Count == 0) return "{}\n";
        YamlWriter.Write(sb, data);
        return sb.ToString();
    }

    public static async Task WriteJson(HttpContext context, object? value)
    {
        using var writer = new PooledBufferWriter();
        GoJsonWriter.Write(writer, value);
        var response = context.Response;
        response.ContentType = JsonContentType;
        response.ContentLength = writer.WrittenCount;
        await response.Body.WriteAsync(writer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    public static Task WriteText(HttpContext context, string contentType, string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes, 0, bytes.Length, context.RequestAborted);
    }
}
