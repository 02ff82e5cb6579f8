using System.Text;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Tests.Codecs;

public sealed class XmlCodecTests
{
    [Fact]
    public void Decodes_attributes_text_and_repeated_elements_like_mxj()
    {
        using var s = new MemoryStream(Encoding.UTF8.GetBytes("""<r id="1"><n>a</n><n>b</n><t lang="en">hi</t><e/></r>"""));
        var map = XmlCodec.Decode(s);
        var r = (Dictionary<string, object?>)map["r"]!;
        Assert.Equal("1", r["-id"]);
        Assert.Equal(new List<object?> { "a", "b" }, r["n"]);
        Assert.Equal("hi", ((Dictionary<string, object?>)r["t"]!)["#text"]);
        Assert.Equal("", r["e"]);
    }

    [Fact]
    public void Encodes_a_single_root_as_that_element_and_several_under_doc()
    {
        var single = DataTree.NewMap();
        var user = DataTree.NewMap();
        user["-type"] = "admin";
        user["name"] = "E & co";
        single["user"] = user;
        var sb = new StringBuilder();
        XmlCodec.Encode(sb, single);
        Assert.Equal("""<user type="admin"><name>E &amp; co</name></user>""", sb.ToString());

        var many = DataTree.NewMap();
        many["b"] = new RawNumber("2");
        many["a"] = DataTree.NewMap();
        sb.Clear();
        XmlCodec.Encode(sb, many);
        Assert.Equal("<doc><a/><b>2</b></doc>", sb.ToString());
    }
}
