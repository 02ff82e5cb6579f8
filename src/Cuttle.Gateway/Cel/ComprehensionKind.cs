namespace Cuttle.Gateway.Cel;

internal enum ComprehensionKind
{
    All,
    Exists,
    ExistsOne,
    Map,
    Filter,
}
