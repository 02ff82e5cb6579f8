namespace Cuttle.Watch.Tests.Support;

/// <summary>Tests that measure process-wide resources run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial";
}
