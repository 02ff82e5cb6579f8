using System.CommandLine;
using Cuttle.Gateway;

namespace Cuttle.Commands;

/// <summary><c>cuttle version</c>, in krakend-cobra's shape plus Cuttle's own version.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the version");
        command.SetAction(_ =>
        {
            Console.WriteLine($"Cuttle Version: {GatewayVersion.Cuttle}");
            Console.WriteLine($"KrakenD Version: {GatewayVersion.KrakenDCompatible} (compatible)");
            Console.WriteLine($".NET Version: {Environment.Version}");
            return 0;
        });
        return command;
    }
}
