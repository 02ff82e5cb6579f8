using Cuttle.Config.Model;
using Cuttle.Hosting;

namespace Cuttle.Tests.Hosting;

public sealed class ReferencedFilesTests
{
    [Fact]
    public void LuaSources_AreWatched_UnlessLive()
    {
        var config = new GatewayConfig
        {
            Endpoints =
            [
                new EndpointConfig
                {
                    Endpoint = "/e",
                    LuaProxy = new LuaOptions { Sources = ["proxy.lua"] },
                    LuaEndpoint = new LuaOptions { Sources = ["live.lua"], Live = true },
                    Backend = [new BackendConfig { UrlPattern = "/b", LuaBackend = new LuaOptions { Sources = ["backend.lua"] } }],
                },
            ],
        };

        var files = ReferencedFiles.Collect(config);

        Assert.Equal(new[] { Path.GetFullPath("backend.lua"), Path.GetFullPath("proxy.lua") }, files);
    }

    [Fact]
    public void FlexibleConfigInputs_AreWatched()
    {
        var settings = Path.GetFullPath(Path.Combine("settings", "service.json"));
        var partial = Path.GetFullPath(Path.Combine("partials", "cors.json"));
        var config = new GatewayConfig { ReferencedFiles = [settings, partial] };

        Assert.Equal(new[] { partial, settings }, ReferencedFiles.Collect(config));
    }
}
