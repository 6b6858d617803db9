import Attribution
import CensusStore

/// Figures summed as commits are stored, so that an organisation's report
/// reads thousands of rows instead of every commit (docs/fleet-scale.md).
///
/// Streaming 10 M commits to census cost 2.3 µs each in decoding alone, 24 s
/// a report; no per-row cost census can have reaches 50 M in 2 s. So the
/// server keeps, beside `commit_record`, the sums a report is made of:
///
/// - `rollup_repository`: each repository's figures and its distinct people;
/// - `rollup_repository_people`: per person × repository, their commits, AI,
///   human and bot commits — those distinct people, and a team's repositories;
/// - `rollup_repository_tools`, `rollup_month`, `rollup_month_tools`: the
///   tools of each repository, and each UTC month's figures and tools;
/// - `rollup_person_month`, `rollup_person_month_tools`: per person × month,
///   every figure and the tools — periods, active months, one team's figures;
/// - `rollup_person_name`: per e-mail × name, for teams (a person's patterns
///   decide their team);
/// - `rollup_person`: per e-mail, their totals, name (of their latest commit),
///   first AI commit and the commits they made from it on (`adopter_commits`).
///
/// Statement-level triggers with transition tables keep them: every writer —
/// a scan, `census copy`, `make-fleet.sh`, a hand-written `DELETE` — keeps
/// them right without knowing of them. Each commit adds, with the sign of its
/// change, what `TallyBuilder.add` adds for it (the same cases in SQL); the
/// sums then add up. What does not add up — first AI commit, latest name,
/// adopter commits — is recomputed for the people a change touches, from the
/// month the person-month sums point to, through `commit_record_people`.
/// A transaction-scoped advisory lock serialises the triggers of concurrent
/// writers (they would otherwise deadlock on shared person rows); it is taken
/// after each statement's own insert work, so the writing itself stays parallel.
///
/// They count every reachable commit, also those of a repository whose first
/// scan is running: while one is, reports read the commits instead.
enum PostgresRollups {
    /// The advisory lock the triggers take ("census" + 1).
    static let lockKey: Int64 = 0x63656E737574

    /// One summed column and what one commit `c` adds to it, in the order of
    /// `Tally.summedFields`, then `tool_lines` (an AI commit's changed lines, for its tools).
    static let sums: [(column: String, value: String)] = {
        // Each commit's kind, worked out once per commit (`flags`).
        let commit = "c.is_commit", ai = "c.is_ai", human = "c.is_human", bot = "c.is_bot", known = "c.has_lines"
        let lines = "c.changed_lines"
        let attestedAI = "c.attested_ai"
        func untracked(_ ai: String) -> String {
            "CASE WHEN c.human_lines IS NULL THEN 0 ELSE GREATEST(0, c.lines_added - \(ai) - LEAST(c.human_lines, c.lines_added - \(ai))) END"
        }
        func count(_ condition: String) -> String { "CASE WHEN \(condition) THEN 1 ELSE 0 END" }
        var columns: [(String, String)] = [
            ("commits", count(commit)), ("merges", count("c.parent_count >= 2")),
            ("ai", count(ai)), ("human", count(human)), ("bot", count(bot)),
            ("ai_attested", count("\(ai) AND c.confidence = 'attested'")), ("ai_inferred", count("\(ai) AND c.confidence = 'inferred'")),
            ("ai_agent", count("\(ai) AND c.mode = 'agent'")), ("ai_assisted", count("\(ai) AND c.mode = 'assisted'")),
            ("with_lines", count("\(commit) AND c.lines_added IS NOT NULL")),
            ("lines_ai", "CASE WHEN \(ai) AND \(known) THEN CASE WHEN c.ai_lines IS NULL THEN \(lines) ELSE \(attestedAI) END ELSE 0 END"),
            ("lines_human", """
                CASE WHEN \(ai) AND \(known) AND c.ai_lines IS NOT NULL THEN \(lines) - \(attestedAI) - \(untracked(attestedAI))
                     WHEN \(human) AND \(known) THEN \(lines) - \(untracked("0")) ELSE 0 END
                """),
            ("lines_bot", "CASE WHEN \(bot) AND \(known) THEN \(lines) ELSE 0 END"),
            ("lines_untracked", """
                CASE WHEN \(ai) AND \(known) AND c.ai_lines IS NOT NULL THEN \(untracked(attestedAI))
                     WHEN \(human) AND \(known) THEN \(untracked("0")) ELSE 0 END
                """),
        ]
        // `StoredEvidence.strongestSource` in SQL: each AI commit for the strongest kind it carries.
        for (source, condition) in Tally.strongestSourceConditions(ai: ai) {
            columns.append(("from_" + source.rawValue.replacingOccurrences(of: "-", with: "_"), count(condition)))
        }
        columns.append(("tool_lines", "CASE WHEN \(ai) AND \(known) THEN \(lines) ELSE 0 END"))
        return columns
    }()

    /// What `sums` reads of each commit `c` beyond its columns: computed once, not in each sum.
    static let flags = """
        c.parent_count < 2 AS is_commit, c.parent_count < 2 AND c.class = 'ai' AS is_ai,
        c.parent_count < 2 AND c.class = 'human' AS is_human, c.parent_count < 2 AND c.class = 'bot' AS is_bot,
        c.lines_added IS NOT NULL AND c.lines_deleted IS NOT NULL AS has_lines, c.lines_added + c.lines_deleted AS changed_lines,
        LEAST(c.ai_lines, c.lines_added) AS attested_ai
        """

    /// The triggers write the rollups as the role that made them: a collector
    /// granted what it needed before the rollups came (its tables, not these) keeps working.
    static let definer = "SECURITY DEFINER SET search_path = public, pg_temp"

    /// Whether a change's latest name `x` is newer than the person's `p` (ties: the larger, as SQL's MAX).
    static let newerName = """
        (x.name_at IS NOT NULL AND (p.name_at IS NULL OR x.name_at > p.name_at
            OR (x.name_at = p.name_at AND x.name COLLATE "C" > p.name COLLATE "C")))
        """
    /// A commit's tool list as the rollups key it: only an AI commit's counts for its tools.
    static let toolsKey = "CASE WHEN c.parent_count < 2 AND c.class = 'ai' THEN c.tools ELSE '' END"
    /// The commits `commit_record_people` holds: those a person's name, first AI commit and adopter commits come from.
    static let personCommit = "c.reachable = 1 AND c.parent_count < 2 AND c.class <> 'bot' AND c.person_email IS NOT NULL"
    /// The columns whose change moves a commit's figures.
    static let counted = ["reachable", "repository_id", "parent_count", "class", "confidence", "mode", "tools", "evidence",
                          "lines_added", "lines_deleted", "ai_lines", "human_lines", "person_email", "person_name", "authored_at"]
    /// Those whose change moves a person's name, first AI commit or adopter commits.
    static let personal = ["reachable", "parent_count", "class", "person_email", "person_name", "authored_at"]

    static var sumColumns: String { sums.map(\.column).joined(separator: ", ") }
    static var sumDefinitions: String { sums.map { "\($0.column) BIGINT NOT NULL" }.joined(separator: ", ") }
    /// Each sum of the change's commits `d` (each already weighted by its sign).
    static var summed: String { sums.map { "SUM(d.\($0.column))" }.joined(separator: ", ") }
    /// What `rollup_repository_people` keeps of a person's commits in a repository: a team's report shows these per repository.
    static let repositoryPeopleColumns = ["active", "ai", "commits", "merges", "human", "bot"]
    static var repositoryPeopleDefinitions: String { repositoryPeopleColumns.map { "\($0) BIGINT NOT NULL" }.joined(separator: ", ") }
    /// Each sum over rollup rows, as a BIGINT (SQL's SUM of BIGINT is a NUMERIC).
    static var resummed: String { sums.map { "SUM(\($0.column))::bigint" }.joined(separator: ", ") }
    static var added: String { sums.map { "\($0.column) = r.\($0.column) + excluded.\($0.column)" }.joined(separator: ", ") }

    static let migration: [String] = tables + functions + triggers + backfill

    /// Schema 7's rollups made again with those per person a team's report
    /// reads (schema 8): dropped, created, summed from the commits.
    static let rebuild: [String] = [
        "DROP TABLE IF EXISTS " + rollupTables.joined(separator: ", "),
        """
        DROP FUNCTION census_rollup_insert, census_rollup_delete, census_rollup_update, census_rollup_truncated,
            census_rollup_people, census_month, census_month_start CASCADE
        """,
        "DROP INDEX commit_record_people",
        // The commits' people and tools in bytes too: keyed, grouped and indexed by them.
        "ALTER TABLE commit_record ALTER COLUMN person_email TYPE \(text), ALTER COLUMN person_name TYPE \(text), ALTER COLUMN tools TYPE \(text)",
    ] + migration

    /// The rollups' texts compare as bytes, as `commit_record`'s keys do: in
    /// the database's collation each key compared through the locale (the
    /// upserts of storing git/git took a third longer).
    static let text = "TEXT COLLATE \"C\""

    static let tables: [String] = [
        // Months since 1970-01, UTC; NULL outside years 1–9999 (a report over such commits reads them instead).
        """
        CREATE FUNCTION census_month(t bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE WHEN t BETWEEN -62135596800 AND 253402300799 THEN
                ((date_part('year', to_timestamp(t) AT TIME ZONE 'UTC') - 1970) * 12
                 + date_part('month', to_timestamp(t) AT TIME ZONE 'UTC') - 1)::bigint END $$
        """,
        """
        CREATE FUNCTION census_month_start(m bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT EXTRACT(EPOCH FROM make_timestamp((1970 + floor(m / 12.0))::int, (m - 12 * floor(m / 12.0))::int + 1, 1, 0, 0, 0))::bigint $$
        """,
        """
        CREATE TABLE rollup_repository (repository_id BIGINT PRIMARY KEY, \(sumDefinitions),
            active_authors BIGINT NOT NULL, ai_authors BIGINT NOT NULL)
        """,
        // By person, with what a team's report shows per repository in the key's
        // index: a team's rows are read from the index alone (its 27,000 rows in
        // 16 ms at 10 M instead of 120 ms from all over the table).
        """
        CREATE TABLE rollup_repository_people (person_email \(text) NOT NULL, repository_id BIGINT NOT NULL, \(repositoryPeopleDefinitions),
            PRIMARY KEY (person_email, repository_id) INCLUDE (\(repositoryPeopleColumns.joined(separator: ", "))))
        """,
        """
        CREATE TABLE rollup_repository_tools (repository_id BIGINT NOT NULL, tools \(text) NOT NULL, commits BIGINT NOT NULL,
            attested BIGINT NOT NULL, lines BIGINT NOT NULL, PRIMARY KEY (repository_id, tools))
        """,
        "CREATE TABLE rollup_month (month BIGINT PRIMARY KEY, \(sumDefinitions))",
        "CREATE TABLE rollup_month_tools (month BIGINT NOT NULL, tools \(text) NOT NULL, commits BIGINT NOT NULL, PRIMARY KEY (month, tools))",
        "CREATE TABLE rollup_person_name (person_email \(text), person_name \(text), \(sumDefinitions))",
        "CREATE UNIQUE INDEX rollup_person_name_key ON rollup_person_name (person_email, person_name) NULLS NOT DISTINCT",
        """
        CREATE TABLE rollup_person_month (person_email \(text) NOT NULL, month BIGINT NOT NULL, active BIGINT NOT NULL,
            named BIGINT NOT NULL, \(sumDefinitions), PRIMARY KEY (person_email, month))
        """,
        """
        CREATE TABLE rollup_person_month_tools (person_email \(text) NOT NULL, month BIGINT NOT NULL, tools \(text) NOT NULL,
            commits BIGINT NOT NULL, attested BIGINT NOT NULL, lines BIGINT NOT NULL, PRIMARY KEY (person_email, month, tools))
        """,
        """
        CREATE TABLE rollup_person (person_email \(text) PRIMARY KEY, commits BIGINT NOT NULL DEFAULT 0, ai BIGINT NOT NULL DEFAULT 0,
            first_ai_at BIGINT, adopter_commits BIGINT NOT NULL DEFAULT 0, name TEXT, name_at BIGINT)
        """,
        // Each person's commits by time: a team's first and last commit, and what
        // `census_rollup_people` recomputes (its queries narrow it to `personCommit`).
        "CREATE INDEX commit_record_people ON commit_record (person_email, authored_at) WHERE reachable = 1 AND person_email IS NOT NULL",
    ]

    static let functions: [String] = [
        // What does not add up, for `people`: recomputed from the month the sums
        // point to, then that month's commits of each person through the index.
        """
        CREATE FUNCTION census_rollup_people(people text[]) RETURNS void LANGUAGE sql AS $$
            UPDATE rollup_person p SET first_ai_at = x.first_ai_at, adopter_commits = x.adopter_commits, name = x.name, name_at = x.name_at
            FROM (
                SELECT e.email, f.first_ai_at,
                       COALESCE((SELECT SUM(m.ai + m.human) FROM rollup_person_month m WHERE m.person_email = e.email AND m.month > f.month), 0)
                       + COALESCE((SELECT COUNT(*) FROM commit_record c WHERE c.person_email = e.email AND \(personCommit)
                                   AND c.class IN ('ai', 'human') AND c.authored_at >= f.first_ai_at
                                   AND c.authored_at < census_month_start(f.month + 1)), 0) AS adopter_commits,
                       n.name, n.name_at
                FROM unnest(people) AS e(email)
                LEFT JOIN LATERAL (
                    SELECT fm.month, (SELECT MIN(c.authored_at) FROM commit_record c WHERE c.person_email = e.email AND \(personCommit)
                                      AND c.class = 'ai' AND c.authored_at >= census_month_start(fm.month)
                                      AND c.authored_at < census_month_start(fm.month + 1)) AS first_ai_at
                    FROM (SELECT MIN(m.month) AS month FROM rollup_person_month m WHERE m.person_email = e.email AND m.ai > 0) fm
                ) f ON true
                LEFT JOIN LATERAL (
                    SELECT MAX(m.month) AS month FROM rollup_person_month m WHERE m.person_email = e.email AND m.named > 0
                ) nm ON true
                LEFT JOIN LATERAL (
                    SELECT c.person_name AS name, c.authored_at AS name_at FROM commit_record c
                    WHERE c.person_email = e.email AND \(personCommit) AND c.person_name IS NOT NULL
                      AND c.authored_at >= census_month_start(nm.month) AND c.authored_at < census_month_start(nm.month + 1)
                    ORDER BY c.authored_at DESC, c.person_name COLLATE "C" DESC LIMIT 1
                ) n ON true
            ) x WHERE p.person_email = x.email
        $$
        """,
        """
        CREATE FUNCTION census_rollup_insert() RETURNS trigger LANGUAGE plpgsql \(definer) AS $$
        DECLARE moved text[];
        BEGIN
            PERFORM pg_advisory_xact_lock(\(lockKey));
            \(addSums(from: "SELECT 1 AS s, c.* FROM new_rows c WHERE c.reachable = 1"));
            -- A person whose first AI commit moves earlier (or comes now) is recomputed;
            -- the others' adopter commits are those of this change from their first on.
            moved := ARRAY(SELECT DISTINCT c.person_email FROM new_rows c JOIN rollup_person p ON p.person_email = c.person_email
                           WHERE \(personCommit) AND c.class = 'ai' AND (p.first_ai_at IS NULL OR c.authored_at < p.first_ai_at));
            UPDATE rollup_person p SET adopter_commits = p.adopter_commits + x.n,
                name = CASE WHEN \(newerName) THEN x.name ELSE p.name END,
                name_at = CASE WHEN \(newerName) THEN x.name_at ELSE p.name_at END
            FROM (SELECT c.person_email,
                         COUNT(*) FILTER (WHERE c.class IN ('ai', 'human') AND c.authored_at >= q.first_ai_at) AS n,
                         (array_agg(c.person_name ORDER BY c.authored_at DESC, c.person_name COLLATE "C" DESC)
                             FILTER (WHERE c.person_name IS NOT NULL))[1] AS name,
                         MAX(c.authored_at) FILTER (WHERE c.person_name IS NOT NULL) AS name_at
                  FROM new_rows c JOIN rollup_person q ON q.person_email = c.person_email
                  WHERE \(personCommit) AND NOT c.person_email = ANY(moved) GROUP BY c.person_email) x
            WHERE p.person_email = x.person_email AND (x.n > 0 OR \(newerName));
            PERFORM census_rollup_people(moved);
            RETURN NULL;
        END $$
        """,
        changeFunction(name: "census_rollup_delete", source: "SELECT -1 AS s, c.* FROM old_rows c WHERE c.reachable = 1",
                       people: "SELECT c.person_email FROM old_rows c"),
        changeFunction(name: "census_rollup_update", source: """
            SELECT -1 AS s, o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.reachable = 1 AND \(differ(counted))
            UNION ALL SELECT 1 AS s, n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.reachable = 1 AND \(differ(counted))
            """, people: """
            SELECT o.person_email FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE \(differ(personal))
            UNION SELECT n.person_email FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE \(differ(personal))
            """),
        """
        CREATE FUNCTION census_rollup_truncated() RETURNS trigger LANGUAGE plpgsql \(definer) AS $$
        BEGIN
            TRUNCATE \(rollupTables.joined(separator: ", "));
            RETURN NULL;
        END $$
        """,
        // A deleted repository's commits go (their triggers subtract them), then its own rows.
        """
        CREATE OR REPLACE FUNCTION census_repository_deleted() RETURNS trigger LANGUAGE plpgsql \(definer) AS $$
        BEGIN
            DELETE FROM commit_record WHERE repository_id IN (SELECT id FROM gone);
            DELETE FROM rollup_repository WHERE repository_id IN (SELECT id FROM gone);
            DELETE FROM rollup_repository_people WHERE repository_id IN (SELECT id FROM gone);
            DELETE FROM rollup_repository_tools WHERE repository_id IN (SELECT id FROM gone);
            RETURN NULL;
        END $$
        """,
    ]

    static let rollupTables = ["rollup_repository", "rollup_repository_people", "rollup_repository_tools",
                               "rollup_month", "rollup_month_tools", "rollup_person_name", "rollup_person_month",
                               "rollup_person_month_tools", "rollup_person"]

    static let triggers: [String] = [
        "CREATE TRIGGER commit_record_rollup_insert AFTER INSERT ON commit_record REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION census_rollup_insert()",
        "CREATE TRIGGER commit_record_rollup_delete AFTER DELETE ON commit_record REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION census_rollup_delete()",
        """
        CREATE TRIGGER commit_record_rollup_update AFTER UPDATE ON commit_record REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION census_rollup_update()
        """,
        "CREATE TRIGGER commit_record_rollup_truncate AFTER TRUNCATE ON commit_record FOR EACH STATEMENT EXECUTE FUNCTION census_rollup_truncated()",
    ]

    /// The sums of a store that had commits before its rollups.
    static let backfill: [String] = [
        addSums(from: "SELECT 1 AS s, c.* FROM commit_record c WHERE c.reachable = 1"),
        "SELECT census_rollup_people(ARRAY(SELECT person_email FROM rollup_person))",
        // The planner's figures at once: a report before autovacuum's would read whole tables.
        "ANALYZE " + rollupTables.joined(separator: ", "),
    ]

    /// One statement adding a change's sums to every rollup (`source`: its
    /// commits, each with its sign `s`): what the commits add is summed once
    /// by every key at once (`d`: a few hundred rows for 5,000 commits), then
    /// by each rollup's key. A repository's distinct
    /// people move by the people whose first commit there comes or whose last goes.
    static func addSums(from source: String) -> String {
        let contribution = sums.map { "SUM(c.s * (\($0.value))) AS \($0.column)" }.joined(separator: ", ")
        let commit = "c.parent_count < 2"
        return """
            WITH d AS MATERIALIZED (
                SELECT c.repository_id, c.person_email, c.person_name, census_month(c.authored_at) AS month, \(toolsKey) AS tools,
                       SUM(c.s * (CASE WHEN \(commit) AND c.class <> 'bot' THEN 1 ELSE 0 END)) AS active,
                       SUM(c.s * (CASE WHEN \(commit) AND c.class <> 'bot' AND c.person_name IS NOT NULL THEN 1 ELSE 0 END)) AS named,
                       \(contribution)
                FROM (SELECT c.*, \(flags) FROM (\(source)) c OFFSET 0) c GROUP BY 1, 2, 3, 4, 5
            ), people AS (
                SELECT d.person_email, d.repository_id, \(repositoryPeopleColumns.map { "SUM(d.\($0)) AS \($0)" }.joined(separator: ", "))
                FROM d WHERE d.person_email IS NOT NULL GROUP BY 1, 2
            ), stored_people AS (
                INSERT INTO rollup_repository_people AS r (person_email, repository_id, \(repositoryPeopleColumns.joined(separator: ", ")))
                SELECT * FROM people ON CONFLICT (person_email, repository_id) DO UPDATE
                SET \(repositoryPeopleColumns.map { "\($0) = r.\($0) + excluded.\($0)" }.joined(separator: ", "))
                RETURNING r.repository_id, r.person_email, r.active, r.ai
            ), authors AS (
                SELECT p.repository_id,
                       SUM((s.active > 0)::int - (s.active - p.active > 0)::int) AS active,
                       SUM((s.ai > 0)::int - (s.ai - p.ai > 0)::int) AS ai
                FROM stored_people s JOIN people p USING (repository_id, person_email) GROUP BY 1
            ), repositories AS (
                INSERT INTO rollup_repository AS r (repository_id, \(sumColumns), active_authors, ai_authors)
                SELECT d.repository_id, \(summed), COALESCE(MIN(a.active), 0), COALESCE(MIN(a.ai), 0)
                FROM d LEFT JOIN authors a USING (repository_id) GROUP BY 1
                ON CONFLICT (repository_id) DO UPDATE SET \(added),
                    active_authors = r.active_authors + excluded.active_authors, ai_authors = r.ai_authors + excluded.ai_authors
            ), repository_tools AS (
                INSERT INTO rollup_repository_tools AS r (repository_id, tools, commits, attested, lines)
                SELECT d.repository_id, d.tools, SUM(d.ai), SUM(d.ai_attested), SUM(d.tool_lines) FROM d WHERE d.tools <> '' GROUP BY 1, 2
                ON CONFLICT (repository_id, tools) DO UPDATE SET commits = r.commits + excluded.commits,
                    attested = r.attested + excluded.attested, lines = r.lines + excluded.lines
            ), months AS (
                INSERT INTO rollup_month AS r (month, \(sumColumns)) SELECT d.month, \(summed) FROM d WHERE d.month IS NOT NULL GROUP BY 1
                ON CONFLICT (month) DO UPDATE SET \(added)
            ), month_tools AS (
                INSERT INTO rollup_month_tools AS r (month, tools, commits)
                SELECT d.month, d.tools, SUM(d.ai) FROM d WHERE d.tools <> '' AND d.month IS NOT NULL GROUP BY 1, 2
                ON CONFLICT (month, tools) DO UPDATE SET commits = r.commits + excluded.commits
            ), names AS (
                INSERT INTO rollup_person_name AS r (person_email, person_name, \(sumColumns))
                SELECT d.person_email, d.person_name, \(summed) FROM d GROUP BY 1, 2
                ON CONFLICT (person_email, person_name) DO UPDATE SET \(added)
            ), person_months AS (
                INSERT INTO rollup_person_month AS r (person_email, month, active, named, \(sumColumns))
                SELECT d.person_email, d.month, SUM(d.active), SUM(d.named), \(summed) FROM d
                WHERE d.person_email IS NOT NULL AND d.month IS NOT NULL GROUP BY 1, 2
                ON CONFLICT (person_email, month) DO UPDATE SET active = r.active + excluded.active,
                    named = r.named + excluded.named, \(added)
            ), person_month_tools AS (
                INSERT INTO rollup_person_month_tools AS r (person_email, month, tools, commits, attested, lines)
                SELECT d.person_email, d.month, d.tools, SUM(d.ai), SUM(d.ai_attested), SUM(d.tool_lines) FROM d
                WHERE d.tools <> '' AND d.person_email IS NOT NULL AND d.month IS NOT NULL GROUP BY 1, 2, 3
                ON CONFLICT (person_email, month, tools) DO UPDATE SET commits = r.commits + excluded.commits,
                    attested = r.attested + excluded.attested, lines = r.lines + excluded.lines
            )
            INSERT INTO rollup_person AS r (person_email, commits, ai)
            SELECT d.person_email, SUM(d.active), SUM(d.ai) FROM d WHERE d.person_email IS NOT NULL GROUP BY 1
            ON CONFLICT (person_email) DO UPDATE SET commits = r.commits + excluded.commits, ai = r.ai + excluded.ai
            """
    }

    /// The trigger function of a change that can take commits away: its sums,
    /// then everyone it touched recomputed.
    static func changeFunction(name: String, source: String, people: String) -> String {
        """
        CREATE FUNCTION \(name)() RETURNS trigger LANGUAGE plpgsql \(definer) AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock(\(lockKey));
            \(addSums(from: source));
            PERFORM census_rollup_people(ARRAY(SELECT DISTINCT x.person_email FROM (\(people)) x WHERE x.person_email IS NOT NULL));
            RETURN NULL;
        END $$
        """
    }

    /// Whether an updated commit (`o` before, `n` after) differs in any of `columns`.
    static func differ(_ columns: [String]) -> String {
        "(" + columns.map { "o." + $0 }.joined(separator: ", ") + ") IS DISTINCT FROM (" + columns.map { "n." + $0 }.joined(separator: ", ") + ")"
    }
}
