namespace Cuttle.Gateway.Cel.Language;

internal enum ComprehensionKind
{
    All,
    Exists,
    ExistsOne,
    Map,
    Filter,
}
