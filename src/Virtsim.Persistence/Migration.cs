namespace Virtsim.Persistence;

/// <summary>One ordered step of a store's schema: applied once, recorded in the schema_version table.</summary>
/// <param name="Version">The schema version this step produces; steps run in ascending version order.</param>
/// <param name="Description">What the step does, stored with the version.</param>
/// <param name="Sql">The statements of the step.</param>
public sealed record Migration(int Version, string Description, string Sql);
