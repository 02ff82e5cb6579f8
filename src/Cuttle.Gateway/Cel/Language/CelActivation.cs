namespace Cuttle.Gateway.Cel.Language;

/// <summary>
/// The variable bindings of one evaluation (cel-go's activation). Subclasses compute values lazily, so a check that
/// only reads req_params never builds the header map. A variable the activation does not bind is an error value, as
/// when krakend-cel evaluates a post check without request variables.
/// </summary>
internal abstract class CelActivation
{
    public abstract object? Resolve(CelVariable variable);

    protected static CelError Unbound(CelVariable variable) => new("no such attribute: " + CelProgram.NameOf(variable));
}
