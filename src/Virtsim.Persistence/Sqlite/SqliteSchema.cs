namespace Virtsim.Persistence.Sqlite;

/// <summary>The ordered migrations of the SQLite schema. Append new steps; never edit an applied one.</summary>
public static class SqliteSchema
{
    /// <summary>The steps, ascending by version.</summary>
    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "journal: owners (epoch, highest sequence nr) and events", """
            CREATE TABLE journal_owner (
                persistence_id      TEXT    NOT NULL PRIMARY KEY,
                epoch               INTEGER NOT NULL,
                highest_sequence_nr INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE journal_event (
                persistence_id TEXT    NOT NULL,
                sequence_nr    INTEGER NOT NULL,
                epoch          INTEGER NOT NULL,
                manifest       TEXT    NOT NULL,
                payload        BLOB    NOT NULL,
                checksum       INTEGER NOT NULL,
                PRIMARY KEY (persistence_id, sequence_nr)
            ) WITHOUT ROWID;
            """),
        new(2, "snapshots", """
            CREATE TABLE snapshot (
                persistence_id  TEXT    NOT NULL,
                sequence_nr     INTEGER NOT NULL,
                timestamp_ticks INTEGER NOT NULL,
                manifest        TEXT    NOT NULL,
                payload         BLOB    NOT NULL,
                checksum        INTEGER NOT NULL,
                PRIMARY KEY (persistence_id, sequence_nr)
            ) WITHOUT ROWID;
            """),
    ];

    /// <summary>The version a fully migrated database has.</summary>
    public static int LatestVersion => Migrations[^1].Version;
}
