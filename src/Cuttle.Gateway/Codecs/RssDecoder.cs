using System.Globalization;
using System.Xml.Linq;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Codecs;

/// <summary>
/// Backend <c>encoding: rss</c> (krakend-rss over mmcdole/gofeed): RSS 2.0/0.9x and Atom feeds become
/// <c>{items, author, categories, custom, copyright, description, type, language, title, published, updated[, img_url]}</c>.
/// Items carry gofeed's JSON field names with its omitempty rules (title, description, content, link, links, updated,
/// updatedParsed, published, publishedParsed, author, authors, guid, image, categories, enclosures).
/// </summary>
internal static class RssDecoder
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Content = "http://purl.org/rss/1.0/modules/content/";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";

    public static Dictionary<string, object?> Decode(Stream stream)
    {
        var doc = XDocument.Load(stream, LoadOptions.None);
        var root = doc.Root ?? throw new System.Xml.XmlException("Failed to detect feed type");
        return root.Name.LocalName switch
        {
            "rss" or "RDF" => DecodeRss(root),
            "feed" => DecodeAtom(root),
            _ => throw new System.Xml.XmlException("Failed to detect feed type"),
        };
    }

    private static Dictionary<string, object?> DecodeRss(XElement root)
    {
        var channel = Child(root, "channel") ?? root;
        var feed = Feed("rss");
        feed["title"] = Text(channel, "title");
        feed["description"] = Text(channel, "description");
        feed["language"] = Text(channel, "language");
        feed["copyright"] = Text(channel, "copyright");
        feed["published"] = Text(channel, "pubDate");
        feed["updated"] = Text(channel, "lastBuildDate");
        var managing = Text(channel, "managingEditor");
        if (managing.Length > 0) feed["author"] = Person(managing);
        feed["categories"] = Categories(channel);
        if (Child(channel, "image") is { } image) feed["img_url"] = Text(image, "url");
        var items = new List<object?>();
        // RSS 2.0 nests items in <channel>; RSS 1.0 (RDF) puts them beside it.
        var itemParent = root.Name.LocalName == "RDF" ? root : channel;
        foreach (var item in itemParent.Elements())
        {
            if (item.Name.LocalName != "item") continue;
            var m = DataTree.NewMap();
            Put(m, "title", Text(item, "title"));
            Put(m, "description", Text(item, "description"));
            Put(m, "content", item.Element(Content + "encoded")?.Value.Trim() ?? "");
            var link = Text(item, "link");
            Put(m, "link", link);
            if (link.Length > 0) m["links"] = new List<object?> { link };
            var published = Text(item, "pubDate");
            if (published.Length == 0) published = item.Element(Dc + "date")?.Value.Trim() ?? "";
            Put(m, "published", published);
            if (ParseDate(published) is { } p) m["publishedParsed"] = p;
            var author = Text(item, "author");
            if (author.Length == 0) author = item.Element(Dc + "creator")?.Value.Trim() ?? "";
            if (author.Length > 0)
            {
                var person = Person(author);
                m["author"] = person;
                m["authors"] = new List<object?> { person };
            }
            Put(m, "guid", Text(item, "guid"));
            var cats = Categories(item);
            if (cats is not null) m["categories"] = cats;
            var enclosures = new List<object?>();
            foreach (var e in item.Elements())
            {
                if (e.Name.LocalName != "enclosure") continue;
                var en = DataTree.NewMap();
                Put(en, "url", (string?)e.Attribute("url") ?? "");
                Put(en, "length", (string?)e.Attribute("length") ?? "");
                Put(en, "type", (string?)e.Attribute("type") ?? "");
                enclosures.Add(en);
            }
            if (enclosures.Count > 0) m["enclosures"] = enclosures;
            items.Add(m);
        }
        feed["items"] = items;
        return feed;
    }

    private static Dictionary<string, object?> DecodeAtom(XElement root)
    {
        var feed = Feed("atom");
        feed["title"] = root.Element(Atom + "title")?.Value.Trim() ?? "";
        feed["description"] = root.Element(Atom + "subtitle")?.Value.Trim() ?? "";
        feed["copyright"] = root.Element(Atom + "rights")?.Value.Trim() ?? "";
        feed["updated"] = root.Element(Atom + "updated")?.Value.Trim() ?? "";
        feed["language"] = (string?)root.Attribute(XNamespace.Xml + "lang") ?? "";
        if (root.Element(Atom + "author") is { } a) feed["author"] = AtomPerson(a);
        if (root.Element(Atom + "logo")?.Value.Trim() is { Length: > 0 } logo) feed["img_url"] = logo;
        var items = new List<object?>();
        foreach (var entry in root.Elements(Atom + "entry"))
        {
            var m = DataTree.NewMap();
            Put(m, "title", entry.Element(Atom + "title")?.Value.Trim() ?? "");
            Put(m, "description", entry.Element(Atom + "summary")?.Value.Trim() ?? "");
            Put(m, "content", entry.Element(Atom + "content")?.Value.Trim() ?? "");
            var links = new List<object?>();
            foreach (var l in entry.Elements(Atom + "link")) if ((string?)l.Attribute("href") is { Length: > 0 } href) links.Add(href);
            if (links.Count > 0) { m["link"] = links[0]; m["links"] = links; }
            var updated = entry.Element(Atom + "updated")?.Value.Trim() ?? "";
            Put(m, "updated", updated);
            if (ParseDate(updated) is { } u) m["updatedParsed"] = u;
            var published = entry.Element(Atom + "published")?.Value.Trim() ?? "";
            Put(m, "published", published);
            if (ParseDate(published) is { } p) m["publishedParsed"] = p;
            if (entry.Element(Atom + "author") is { } author)
            {
                var person = AtomPerson(author);
                m["author"] = person;
                m["authors"] = new List<object?> { person };
            }
            Put(m, "guid", entry.Element(Atom + "id")?.Value.Trim() ?? "");
            var cats = new List<object?>();
            foreach (var c in entry.Elements(Atom + "category")) if ((string?)c.Attribute("term") is { Length: > 0 } term) cats.Add(term);
            if (cats.Count > 0) m["categories"] = cats;
            items.Add(m);
        }
        feed["items"] = items;
        return feed;
    }

    private static Dictionary<string, object?> Feed(string type)
    {
        var feed = DataTree.NewMap(12);
        // gofeed's nil pointers and nil slices marshal as null.
        feed["author"] = null;
        feed["categories"] = null;
        feed["custom"] = null;
        feed["type"] = type;
        return feed;
    }

    private static XElement? Child(XElement e, string name)
    {
        foreach (var c in e.Elements()) if (c.Name.LocalName == name) return c;
        return null;
    }

    private static string Text(XElement e, string name) => Child(e, name)?.Value.Trim() ?? "";

    private static void Put(Dictionary<string, object?> m, string key, string value)
    {
        if (value.Length > 0) m[key] = value; // omitempty
    }

    private static List<object?>? Categories(XElement e)
    {
        List<object?>? list = null;
        foreach (var c in e.Elements()) if (c.Name.LocalName == "category" && c.Value.Trim() is { Length: > 0 } v) (list ??= []).Add(v);
        return list;
    }

    /// <summary>gofeed's RSS person parsing: "email (Name)" or "Name &lt;email&gt;" or just a name.</summary>
    private static Dictionary<string, object?> Person(string text)
    {
        var p = DataTree.NewMap(2);
        var open = text.IndexOf('(');
        var lt = text.IndexOf('<');
        if (open > 0 && text.EndsWith(')'))
        {
            Put(p, "name", text[(open + 1)..^1].Trim());
            Put(p, "email", text[..open].Trim());
        }
        else if (lt >= 0 && text.EndsWith('>'))
        {
            Put(p, "name", text[..lt].Trim());
            Put(p, "email", text[(lt + 1)..^1].Trim());
        }
        else if (text.Contains('@'))
        {
            Put(p, "email", text);
        }
        else
        {
            Put(p, "name", text);
        }
        return p;
    }

    private static Dictionary<string, object?> AtomPerson(XElement e)
    {
        var p = DataTree.NewMap(2);
        Put(p, "name", e.Element(Atom + "name")?.Value.Trim() ?? "");
        Put(p, "email", e.Element(Atom + "email")?.Value.Trim() ?? "");
        return p;
    }

    /// <summary>Parsed dates as Go marshals time.Time: RFC 3339 with the zone offset.</summary>
    private static string? ParseDate(string text)
    {
        if (text.Length == 0) return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var d))
            return d.Offset == TimeSpan.Zero ? d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : d.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        // RFC 1123 variants with named zones ("GMT", "EST") that .NET does not parse directly.
        if (DateTimeOffset.TryParseExact(text.Replace(" GMT", " +0000", StringComparison.Ordinal).Replace(" UTC", " +0000", StringComparison.Ordinal),
                ["ddd, dd MMM yyyy HH:mm:ss zzz", "ddd, d MMM yyyy HH:mm:ss zzz", "dd MMM yyyy HH:mm:ss zzz"], CultureInfo.InvariantCulture, DateTimeStyles.None, out d))
            return d.Offset == TimeSpan.Zero ? d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : d.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        return null;
    }
}
