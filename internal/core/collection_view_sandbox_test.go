package core

import (
	"context"
	"strings"
	"testing"
)

// sandboxApp is an app with two collections and a row in each, for views
// to read.
func sandboxApp(t *testing.T) *App {
	t.Helper()
	app := collApp(t)
	mustCreate(t, app, `{"name":"posts","fields":[{"name":"title","type":"text"},{"name":"n","type":"number"},
		{"name":"tags","type":"select","values":["a","b"],"maxSelect":2},{"name":"meta","type":"json"},{"name":"day","type":"text"}]}`)
	mustCreate(t, app, `{"name":"comments","fields":[{"name":"post","type":"text"},{"name":"body","type":"text"}]}`)
	mustExec(t, app, `INSERT INTO posts (id, title, n, tags, meta, day) VALUES ('p1', 'abc', 2, '["a","b"]', '{"a":1}', '2024-05-06')`)
	mustExec(t, app, `INSERT INTO comments (id, post, body) VALUES ('c1', 'p1', 'hello')`)
	return app
}

// TestViewSandboxEscapes tries to reach outside the collections from a view
// query, on both databases: calling functions that read files, settings,
// catalogs or other queries, send notifications, sleep or take locks, by
// name, quoted, schema-qualified, in other case, hidden in CTEs, sub-selects,
// LATERAL, ROWS FROM, casts, typed literals, array subscripts, unicode
// escapes, dollar quotes, E” strings, nested comments and carriage-return
// comments; reading catalogs and information_schema; locking rows; SELECT
// INTO and COPY. Every one must be refused with a viewQuery error, and no
// view must be left behind.
func TestViewSandboxEscapes(t *testing.T) {
	app := sandboxApp(t)
	ctx := context.Background()
	bad := []string{
		// The confirmed hole: a quoted name the old deny-list did not match.
		`SELECT 'x' AS id, "query_to_xml"('select * from "_superusers"',true,false,'') AS d`,
		`SELECT 'x' AS id, query_to_xml('select 1',true,false,'') AS d`,
		`SELECT 'x' AS id, QUERY_TO_XML('select 1',true,false,'') AS d`,
		`SELECT 'x' AS id, pg_catalog.query_to_xml('select 1',true,false,'') AS d`,
		`SELECT 'x' AS id, "pg_catalog"."pg_read_file"('/etc/passwd') AS d`,
		`SELECT 'x' AS id, pg_catalog.lower(pg_read_file('/etc/passwd')) AS d`,
		`SELECT 'x' AS id, public.lower(title) AS d FROM posts`,
		`SELECT 'x' AS id, query_to_xml_and_xmlschema('select 1',true,false,'') AS d`,
		`SELECT 'x' AS id, table_to_xml('posts',true,false,'') AS d`,
		`SELECT 'x' AS id, cursor_to_xml('c',1,true,false,'') AS d`,
		`SELECT 'x' AS id, schema_to_xml('public',true,false,'') AS d`,
		`SELECT 'x' AS id, database_to_xml(true,false,'') AS d`,
		`SELECT 'x' AS id, xmlparse(document '<a/>') AS d`,
		`SELECT 'x' AS id, pg_read_file('/etc/passwd') AS d`,
		`SELECT 'x' AS id, PG_READ_FILE('/etc/passwd') AS d`,
		`SELECT 'x' AS id, pg_read_binary_file('/etc/passwd') AS d`,
		`SELECT 'x' AS id, d FROM pg_ls_dir('.') AS d`,
		`SELECT 'x' AS id, dblink('dbname=test', 'select 1') AS d`,
		`SELECT 'x' AS id, lo_import('/etc/passwd') AS d`,
		`SELECT 'x' AS id, lo_get(1) AS d`,
		`SELECT 'x' AS id, set_config('galley.x', 'y', false) AS d`,
		`SELECT 'x' AS id, current_setting('data_directory') AS d`,
		`SELECT 'x' AS id, "current_setting"('data_directory') AS d`,
		`SELECT 'x' AS id, pg_notify('galley', '{"forged":true}') AS d`,
		`SELECT id FROM posts WHERE CAST(pg_notify('galley', '{"forged":true}') AS text) = ''`,
		`SELECT id FROM posts WHERE pg_sleep(1) IS NOT NULL`,
		`SELECT 'x' AS id, txid_current() AS d`,
		`SELECT id FROM posts WHERE CAST(pg_advisory_lock(1) AS text) = ''`,
		`SELECT 'x' AS id, nextval('posts__rowid_seq') AS d`,
		`SELECT 'x' AS id, to_regclass('_superusers') AS d`,
		`SELECT 'x' AS id, '_superusers'::regclass AS d`,
		`SELECT 'x' AS id, 'posts'::regclass::text AS d`,
		`SELECT 'x' AS id, title::xml AS d FROM posts`,
		`SELECT 'x' AS id, title::pg_catalog.text AS d FROM posts`,
		`SELECT 'x' AS id, CAST('_superusers' AS regclass) AS d`,
		`SELECT 'x' AS id, CAST('now' AS regproc) AS d`,
		`SELECT 'x' AS id, regclass '_superusers' AS d`,
		`SELECT 'x' AS id, "regclass" 'posts' AS d`,
		`SELECT 'x' AS id, CAST(title AS xml) AS d FROM posts`,
		`SELECT 'x' AS id, xml '<a/>' AS d`,
		`SELECT rolname AS id, rolpassword AS d FROM pg_catalog.pg_authid`,
		`SELECT usename AS id, passwd AS d FROM pg_shadow`,
		`SELECT name AS id, setting AS d FROM pg_settings`,
		`SELECT CAST(pid AS text) AS id, query AS d FROM pg_stat_activity`,
		`SELECT table_name AS id FROM information_schema.tables`,
		`SELECT table_name AS id FROM "information_schema"."tables"`,
		`SELECT name AS id FROM dbstat`,
		`WITH x AS (SELECT pg_read_file('/etc/passwd') AS d) SELECT 'x' AS id, d FROM x`,
		`WITH x(d) AS (SELECT "query_to_xml"('select 1',true,false,'')) SELECT 'x' AS id, d FROM x`,
		`SELECT id, (SELECT "query_to_xml"('select 1',true,false,'')) AS d FROM posts`,
		`SELECT p.id, l.d FROM posts p, LATERAL (SELECT pg_read_file('/etc/passwd') AS d) l`,
		`SELECT 'x' AS id, d FROM ROWS FROM (pg_ls_dir('.')) AS t(d)`,
		`SELECT 'x' AS id, d FROM ROWS FROM (lower('a')) AS t(d)`,
		`SELECT 'x' AS id, (ARRAY['a'])[length(pg_read_file('/etc/passwd'))] AS d`,
		`SELECT 'x' AS id, (ARRAY['a'])[length(CAST("query_to_xml"('select 1',true,false,'') AS text))] AS d`,
		`SELECT 'x' AS id, U&"\0070g_read_file"('/etc/passwd') AS d`,
		`SELECT 'x' AS id, U&'\0041' AS d`,
		`SELECT 'x' AS id, query_to_xml($$select 1$$,true,false,'') AS d`,
		`SELECT $q$x$q$ AS id`,
		`SELECT 'x' AS id, E'\'' AS a, pg_ls_dir(chr(46)) AS d --'`,
		`SELECT 'x' AS id, pg_read_file/**/('/etc/passwd') AS d`,
		`SELECT 'x' AS id /* /* */ , pg_ls_dir(chr(46)) AS d -- */`,
		"SELECT 'x' AS id -- c\r, pg_ls_dir(chr(46)) AS d",
		`SELECT p.id, p.pg_read_file AS d FROM posts p`,
		`SELECT 'x' AS id, 1 OPERATOR(pg_catalog.+) 2 AS d`,
		`SELECT id, current_user AS d FROM posts`,
		`SELECT id, user AS d FROM posts`,
		`SELECT id FROM posts TABLESAMPLE SYSTEM (50)`,
		`SELECT id FROM posts FOR UPDATE`,
		`SELECT id FROM posts FOR SHARE`,
		`SELECT id FROM posts FOR NO KEY UPDATE`,
		`SELECT id INTO stolen FROM posts`,
		`COPY posts TO '/tmp/galley-view-copy'`,
		`SELECT 'x' AS id, sqlite_version() AS d`,
		`SELECT 'x' AS id, randomblob(16) AS d`,
		`SELECT 'x' AS id, zeroblob(16) AS d`,
		`SELECT 'x' AS id, changes() AS d`,
		`SELECT 'x' AS id, load_extension('x') AS d`,
		`SELECT 'x' AS id, fts3_tokenizer('simple') AS d`,
		`SELECT 'x' AS id, "sqlite_source_id"() AS d`,
		`SELECT 'x' AS id, nosuchfunction(1) AS d`,
	}
	for _, q := range bad {
		body := `{"name":"bad","type":"view","viewQuery":` + mustJSON(t, q) + `}`
		_, err := app.CreateCollection(ctx, app.SystemActor(), []byte(body))
		if err == nil {
			t.Errorf("%q: accepted", q)
			_ = app.DeleteCollection(ctx, app.SystemActor(), "bad")
			continue
		}
		if fe := errFields(t, err)["viewQuery"]; fe.Code != "validation_invalid_view_query" {
			t.Errorf("%q: want a viewQuery error, got %v", q, err)
		}
	}
	if app.db.Schema.Collection("bad") != nil || relationExists(t, app, "bad") || relationExists(t, app, "stolen") {
		t.Fatal("a refused view left something behind")
	}
}

// TestViewSandboxAllows: what views are for keeps working on both
// databases — joins, GROUP BY and HAVING, aggregates, coalesce and nullif,
// string, number, date and JSON functions, CASE, casts, window functions,
// CTEs (with column lists), sub-selects, UNION and table-valued JSON
// functions.
func TestViewSandboxAllows(t *testing.T) {
	app := sandboxApp(t)
	good := []string{
		`SELECT p.id, p.title, c.body AS cbody FROM posts p JOIN comments c ON c.post = p.id`,
		`SELECT p.id, count(c.id) AS cnt, sum(p.n) AS total, avg(p.n) AS mean, min(c.body) AS lo, max(c.body) AS hi
			FROM posts p LEFT JOIN comments c ON c.post = p.id GROUP BY p.id HAVING count(c.id) >= 0`,
		`SELECT id, coalesce(nullif(title, ''), 'none') AS t, lower(title) AS l, upper(title) AS u, length(title) AS len,
			substr(title, 1, 2) AS s, replace(title, 'a', 'b') AS r, trim(title) AS tr, ltrim(title) AS lt,
			title || '!' AS x, concat(title, '?') AS y FROM posts`,
		`SELECT id, CASE WHEN n > 1 THEN 'big' ELSE 'small' END AS size, abs(n) AS a, round(n) AS r,
			CAST(n AS INTEGER) AS i, CAST(n AS TEXT) AS t, CAST(title AS VARCHAR(10)) AS v FROM posts`,
		`SELECT id, row_number() OVER (ORDER BY n) AS rn, rank() OVER (PARTITION BY title ORDER BY n) AS rk,
			sum(n) OVER (PARTITION BY title) AS st, lag(title) OVER w AS prev FROM posts WINDOW w AS (ORDER BY id)`,
		`WITH t(pid, cnt) AS (SELECT post, count(*) FROM comments GROUP BY post)
			SELECT posts.id, t.cnt FROM posts JOIN t ON t.pid = posts.id`,
		`SELECT id, title FROM posts WHERE title LIKE 'a%' AND n BETWEEN 0 AND 10 AND id IN (SELECT post FROM comments)
			AND EXISTS (SELECT 1 FROM comments WHERE comments.post = posts.id)`,
		`SELECT id, title FROM posts UNION ALL SELECT id, body FROM comments`,
		`SELECT DISTINCT p.id, (SELECT count(*) FROM comments c WHERE c.post = p.id) AS cnt FROM posts p ORDER BY p.id LIMIT 10`,
		`/* a comment */ SELECT id, -- and another
			title FROM posts`,
	}
	if app.db.DialectName() == "postgres" {
		good = append(good,
			`SELECT id, date_trunc('day', now()) AS d, EXTRACT(year FROM now()) AS y, to_char(now(), 'YYYY') AS yy,
				CAST(day AS date) AS dd, CAST(day AS timestamp with time zone) AS ts, INTERVAL '1 day' AS iv,
				DATE '2020-01-01' AS d2, CAST(n AS double precision) AS dp, CAST(n AS numeric(10,2)) AS nm FROM posts`,
			`SELECT id, meta ->> 'a' AS a, jsonb_array_length(tags) AS nt, jsonb_build_object('t', title) AS o,
				to_jsonb(title) AS j, jsonb_typeof(meta) AS ty FROM posts`,
			`SELECT posts.id || '-' || e.value AS id, e.value AS tag FROM posts, jsonb_array_elements_text(posts.tags) AS e`,
			`SELECT id, left(title, 2) AS lt, position('b' in title) AS p, split_part(title, 'b', 1) AS sp,
				string_agg(title, ',' ORDER BY n) AS sa, greatest(n, 1) AS g, pg_catalog.upper(title) AS u2,
				regexp_replace(title, '[a]', 'x') AS rr, title ILIKE 'A%' AS il FROM posts GROUP BY id`,
			`SELECT id::text AS id, n::integer AS i, title::varchar(5) AS v, day::date AS d, meta::text AS m FROM posts`,
		)
	} else {
		good = append(good,
			`SELECT id, date(day) AS d, strftime('%Y', day) AS y, datetime('now') AS nowish, julianday(day) AS jd,
				unixepoch(day) AS ue FROM posts`,
			`SELECT id, json_extract(meta, '$.a') AS a, json_array_length(tags) AS nt, json_object('t', title) AS o,
				iif(n > 1, 'a', 'b') AS c, instr(title, 'b') AS p, printf('%d', n) AS pf, ifnull(title, '') AS f FROM posts`,
			`SELECT posts.id || '-' || j.key AS id, j.value AS tag FROM posts, json_each(posts.tags) AS j`,
			`SELECT id, group_concat(title) AS g, total(n) AS t FROM posts GROUP BY id`,
		)
	}
	for i, q := range good {
		name := "good" + string(rune('a'+i))
		body := `{"name":"` + name + `","type":"view","viewQuery":` + mustJSON(t, q) + `}`
		if _, err := app.CreateCollection(context.Background(), app.SystemActor(), []byte(body)); err != nil {
			t.Errorf("%q refused: %v", q, err)
			continue
		}
		if got := rows(t, app, `SELECT * FROM `+name); len(got) == 0 {
			t.Errorf("%q: no rows", q)
		}
	}
	if t.Failed() {
		return
	}
	// The view's stored SQL is what it was given.
	if q := app.db.Schema.Collection("gooda").ViewQuery; !strings.HasPrefix(q, "SELECT p.id") {
		t.Fatalf("stored query %q", q)
	}
}
