using System.Buffers;
using System.Text;
using System.Text.Json;
using Cuttle.Config.Model;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Tests.Proxy;

public sealed class EntityFormatterTests
{
    private const string Body = """{"a":{"b":{"c":1,"d":2},"e":3},"f":4,"g":[1,2]}""";

    private static string Format(BackendConfig backend, string json = Body)
    {
        using var doc = JsonDocument.Parse(json);
        var data = DataTree.AsMap(doc.RootElement)!;
        var formatter = EntityFormatter.Create(backend);
        var result = Render(formatter is null ? data : formatter.Format(data));
        // The gateway prunes an object body straight from the document when it can: both paths must agree.
        if (formatter is { FormatsObjects: true }) Assert.Equal(result, Render(formatter.FormatObject(doc.RootElement)));
        return result;
    }

    private static string Render(Dictionary<string, object?> data)
    {
        var buffer = new ArrayBufferWriter<byte>();
        GoJsonWriter.Write(buffer, data);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Allow_over_a_document_keeps_the_last_of_duplicate_keys_like_go()
    {
        Assert.Equal("""{"a":{"x":2},"f":5}""", Format(Backend() with { Allow = ["a.x", "f"] }, """{"a":{"x":1},"f":4,"a":{"x":2,"y":3},"f":5}"""));
        Assert.Equal("""{"f":{"x":1}}""", Format(Backend() with { Allow = ["f.x"] }, """{"f":4,"f":{"x":1}}"""));
    }

    [Fact]
    public void Formats_objects_only_for_an_allow_list_without_target_or_flatmap()
    {
        Assert.True(EntityFormatter.Create(Backend() with { Allow = ["a"], Mapping = [new("a", "b")], Group = "g" })!.FormatsObjects);
        Assert.False(EntityFormatter.Create(Backend() with { Allow = ["a"], Target = "a" })!.FormatsObjects);
        Assert.False(EntityFormatter.Create(Backend() with { Deny = ["a"] })!.FormatsObjects);
    }

    private static BackendConfig Backend() => new() { UrlPattern = "/" };

    [Fact]
    public void Nothing_to_do_means_no_formatter() => Assert.Null(EntityFormatter.Create(Backend()));

    [Fact]
    public void Allow_keeps_listed_paths_and_drops_empty_branches()
    {
        Assert.Equal("""{"a":{"b":{"c":1}},"f":4}""", Format(Backend() with { Allow = ["a.b.c", "f", "missing.x"] }));
        Assert.Equal("""{"a":{"b":{"c":1,"d":2},"e":3}}""", Format(Backend() with { Allow = ["a", "a.b.c"] }));
        Assert.Equal("{}", Format(Backend() with { Allow = ["g.x"] }));
    }

    [Fact]
    public void Allow_wins_over_deny() =>
        Assert.Equal("""{"f":4}""", Format(Backend() with { Allow = ["f"], Deny = ["f"] }));

    [Fact]
    public void Deny_removes_nested_paths() =>
        Assert.Equal("""{"a":{"b":{"c":1},"e":3},"g":[1,2]}""", Format(Backend() with { Deny = ["a.b.d", "f"] }));

    [Fact]
    public void Target_extracts_an_object_and_a_scalar_target_is_empty()
    {
        Assert.Equal("""{"c":1,"d":2}""", Format(Backend() with { Target = "a.b" }));
        Assert.Equal("{}", Format(Backend() with { Target = "f" }));
    }

    [Fact]
    public void Mapping_renames_top_level_keys_keeping_the_first_segment_of_a_dotted_name() =>
        Assert.Equal("""{"a":{"b":{"c":1,"d":2},"e":3},"four":4,"gg":[1,2]}""",
            Format(Backend() with { Mapping = [new("f", "four"), new("g", "gg.x")] }));

    [Fact]
    public void Group_wraps_after_everything_else() =>
        Assert.Equal("""{"grp":{"x":4}}""", Format(Backend() with { Allow = ["f"], Mapping = [new("f", "x")], Group = "grp" }));

    [Fact]
    public void Flatmap_replaces_allow_deny_and_mapping()
    {
        var backend = Backend() with
        {
            Allow = ["nothing"],
            Proxy = new BackendProxyOptions { FlatmapFilter = [new FlatmapOperation("del", ["a.b"]), new FlatmapOperation("move", ["f", "a.f"]), new FlatmapOperation("append", ["g", "h"])] },
        };
        Assert.Equal("""{"a":{"e":3,"f":4},"h":[1,2]}""", Format(backend));
    }
}
