namespace Sluice.Host.Access;

/// <summary>
/// The global access directives: <c>on_play URL;</c> and <c>on_publish URL;</c> (authorization backends for
/// every stream that has none of its own) and <c>auth_token NAME;</c> (the query parameter that carries a
/// client's token; <c>token</c> by default).
/// </summary>
internal sealed record AccessOptions(Uri? OnPlay, Uri? OnPublish, string AuthToken)
{
    public const string DefaultTokenParameter = "token";

    public static readonly AccessOptions Default = new(null, null, DefaultTokenParameter);
}

/// <summary>What a <c>stream</c>, <c>ondemand</c> or <c>live</c> block says about access: its password and backends.</summary>
internal sealed record BlockAccess(string? Password, Uri? OnPlay, Uri? OnPublish)
{
    public static readonly BlockAccess None = new(null, null, null);

    public bool IsEmpty => Password is null && OnPlay is null && OnPublish is null;
}
