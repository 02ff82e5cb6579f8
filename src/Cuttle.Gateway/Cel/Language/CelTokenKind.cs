namespace Cuttle.Gateway.Cel.Language;

internal enum CelTokenKind
{
    End,
    Ident,
    Int,
    Uint,
    Double,
    String,
    Bytes,
    True,
    False,
    Null,
    In,
    LParen, RParen, LBracket, RBracket, LBrace, RBrace,
    Dot, Comma, Colon, Question,
    Plus, Minus, Star, Slash, Percent,
    Not, And, Or,
    Eq, Ne, Lt, Le, Gt, Ge,
}
