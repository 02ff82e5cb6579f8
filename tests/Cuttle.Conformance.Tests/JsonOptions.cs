using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cuttle.Conformance.Tests;

/// <summary>Serializer options for messages shown to people: no HTML escaping, so bodies read as they were.</summary>
internal static class JsonOptions
{
    public static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
