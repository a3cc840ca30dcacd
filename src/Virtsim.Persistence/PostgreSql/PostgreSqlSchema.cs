using System.Text.RegularExpressions;

namespace Virtsim.Persistence.PostgreSql;

/// <summary>
/// The ordered migrations of the PostgreSQL schema. Append new steps; never edit an applied one.
/// <c>{schema}</c> in the SQL stands for the quoted schema name.
/// </summary>
public static partial class PostgreSqlSchema
{
    /// <summary>The steps, ascending by version.</summary>
    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "journal: owners (epoch, highest sequence nr) and events", """
            CREATE TABLE {schema}.journal_owner (
                persistence_id      text   NOT NULL PRIMARY KEY,
                epoch               bigint NOT NULL,
                highest_sequence_nr bigint NOT NULL
            );
            CREATE TABLE {schema}.journal_event (
                persistence_id text    NOT NULL,
                sequence_nr    bigint  NOT NULL,
                epoch          bigint  NOT NULL,
                manifest       text    NOT NULL,
                payload        bytea   NOT NULL,
                checksum       integer NOT NULL,
                PRIMARY KEY (persistence_id, sequence_nr)
            );
            """),
        new(2, "snapshots", """
            CREATE TABLE {schema}.snapshot (
                persistence_id  text    NOT NULL,
                sequence_nr     bigint  NOT NULL,
                timestamp_ticks bigint  NOT NULL,
                manifest        text    NOT NULL,
                payload         bytea   NOT NULL,
                checksum        integer NOT NULL,
                PRIMARY KEY (persistence_id, sequence_nr)
            );
            """),
        new(3, "append and claim functions: fencing and sequence checks in one round trip", """
            -- Appends several requests (flattened into arrays) in the caller's transaction. Each request is judged
            -- in order under a row lock on its owner row: 0 accepted, 1 conflict, 2 fenced, 3 gap. Refused requests
            -- write nothing; accepted events are inserted in one statement at the end.
            CREATE FUNCTION {schema}.append_events(
                p_ids text[], p_epochs bigint[], p_firsts bigint[], p_lasts bigint[],
                p_ev_req integer[], p_ev_seq bigint[], p_ev_manifest text[], p_ev_payload bytea[], p_ev_checksum integer[])
            RETURNS TABLE (out_index integer, out_status integer, out_epoch bigint, out_highest bigint)
            LANGUAGE plpgsql AS $$
            DECLARE
                n integer := coalesce(array_length(p_ids, 1), 0);
                v_ok boolean[] := array_fill(false, ARRAY[greatest(n, 1)]);
                v_epoch bigint;
                v_high bigint;
            BEGIN
                FOR i IN 1 .. n LOOP
                    SELECT o.epoch, o.highest_sequence_nr INTO v_epoch, v_high
                    FROM {schema}.journal_owner o WHERE o.persistence_id = p_ids[i] FOR UPDATE;
                    IF NOT FOUND THEN
                        INSERT INTO {schema}.journal_owner (persistence_id, epoch, highest_sequence_nr)
                        VALUES (p_ids[i], 0, 0) ON CONFLICT (persistence_id) DO NOTHING;
                        SELECT o.epoch, o.highest_sequence_nr INTO v_epoch, v_high
                        FROM {schema}.journal_owner o WHERE o.persistence_id = p_ids[i] FOR UPDATE;
                    END IF;
                    out_index := i;
                    out_epoch := v_epoch;
                    out_highest := v_high;
                    IF p_epochs[i] < v_epoch THEN
                        out_status := 2;
                    ELSIF p_firsts[i] <= v_high THEN
                        out_status := 1;
                    ELSIF p_firsts[i] > v_high + 1 THEN
                        out_status := 3;
                    ELSE
                        out_status := 0;
                        v_ok[i] := true;
                        UPDATE {schema}.journal_owner SET epoch = p_epochs[i], highest_sequence_nr = p_lasts[i]
                        WHERE persistence_id = p_ids[i];
                    END IF;
                    RETURN NEXT;
                END LOOP;
                INSERT INTO {schema}.journal_event (persistence_id, sequence_nr, epoch, manifest, payload, checksum)
                SELECT p_ids[e.r], e.s, p_epochs[e.r], e.m, e.b, e.c
                FROM unnest(p_ev_req, p_ev_seq, p_ev_manifest, p_ev_payload, p_ev_checksum) AS e(r, s, m, b, c)
                WHERE v_ok[e.r];
            END
            $$;

            -- Raises the epoch of a persistence id unless a higher one owns it: 0 claimed, 2 fenced.
            CREATE FUNCTION {schema}.claim(p_id text, p_epoch bigint)
            RETURNS TABLE (out_status integer, out_epoch bigint, out_highest bigint)
            LANGUAGE plpgsql AS $$
            DECLARE
                v_epoch bigint;
                v_high bigint;
            BEGIN
                INSERT INTO {schema}.journal_owner (persistence_id, epoch, highest_sequence_nr)
                VALUES (p_id, 0, 0) ON CONFLICT (persistence_id) DO NOTHING;
                SELECT o.epoch, o.highest_sequence_nr INTO v_epoch, v_high
                FROM {schema}.journal_owner o WHERE o.persistence_id = p_id FOR UPDATE;
                out_epoch := v_epoch;
                out_highest := v_high;
                IF p_epoch < v_epoch THEN
                    out_status := 2;
                ELSE
                    out_status := 0;
                    UPDATE {schema}.journal_owner SET epoch = p_epoch WHERE persistence_id = p_id;
                END IF;
                RETURN NEXT;
            END
            $$;
            """),
    ];

    /// <summary>The version a fully migrated schema has.</summary>
    public static int LatestVersion => Migrations[^1].Version;

    /// <summary>The schema name, checked and double-quoted for SQL.</summary>
    internal static string Quote(string schema)
    {
        if (!SchemaName().IsMatch(schema))
        {
            throw new ArgumentException($"Schema name '{schema}' must be lower-case letters, digits and underscores, starting with a letter or underscore (at most 63 characters).", nameof(schema));
        }

        return "\"" + schema + "\"";
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
