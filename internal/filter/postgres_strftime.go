package filter

// pgDateRe matches the date/time texts the PostgreSQL strftime accepts:
// YYYY-MM-DD, optionally followed by " HH:MM", ":SS", ".fff" and "Z" (a
// "T" may separate date and time). Anything else is NULL, as an invalid
// date is on SQLite.
const pgDateRe = `'^([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-4]):[0-5][0-9](:[0-5][0-9]([.][0-9]+){0,1}){0,1}){0,1}Z{0,1}$'`

// pgParsedDate parses the text _fs.s into the timestamp _ft.t. Days past
// the end of the month and hour 24 roll over into the next month or day,
// as on SQLite.
const pgParsedDate = `(SELECT CASE WHEN _fs.s ~ ` + pgDateRe + ` THEN make_timestamp(substr(_fs.s, 1, 4)::int, substr(_fs.s, 6, 2)::int, 1, 0, 0, 0)` +
	` + make_interval(days => substr(_fs.s, 9, 2)::int - 1, hours => COALESCE(NULLIF(substr(_fs.s, 12, 2), '')::int, 0),` +
	` mins => COALESCE(NULLIF(substr(_fs.s, 15, 2), '')::int, 0),` +
	` secs => COALESCE(NULLIF(substring(_fs.s from '^.{17}([0-9]{2}([.][0-9]+){0,1})'), '')::double precision, 0)) END AS t` +
	` FROM (SELECT ({0})::text AS s) AS _fs) AS _ft`

// pgStrftime maps SQLite strftime conversions to SQL over the timestamp
// _ft.t.
var pgStrftime = map[byte]string{
	'd': `to_char(_ft.t, 'DD')`,
	'e': `lpad(to_char(_ft.t, 'FMDD'), 2)`,
	'f': `to_char(_ft.t, 'SS.MS')`,
	'F': `to_char(_ft.t, 'YYYY-MM-DD')`,
	'G': `to_char(_ft.t, 'IYYY')`,
	'g': `to_char(_ft.t, 'IY')`,
	'H': `to_char(_ft.t, 'HH24')`,
	'I': `to_char(_ft.t, 'HH12')`,
	'j': `to_char(_ft.t, 'DDD')`,
	'J': `rtrim(rtrim(round(extract(epoch from _ft.t) / 86400 + 2440587.5, 9)::text, '0'), '.')`,
	'k': `lpad(to_char(_ft.t, 'FMHH24'), 2)`,
	'l': `lpad(to_char(_ft.t, 'FMHH12'), 2)`,
	'm': `to_char(_ft.t, 'MM')`,
	'M': `to_char(_ft.t, 'MI')`,
	'p': `to_char(_ft.t, 'AM')`,
	'P': `to_char(_ft.t, 'am')`,
	'R': `to_char(_ft.t, 'HH24:MI')`,
	's': `floor(extract(epoch from _ft.t))::bigint::text`,
	'S': `to_char(_ft.t, 'SS')`,
	'T': `to_char(_ft.t, 'HH24:MI:SS')`,
	'u': `to_char(_ft.t, 'ID')`,
	'U': `lpad(((extract(doy from _ft.t)::int + 6 - extract(dow from _ft.t)::int) / 7)::text, 2, '0')`,
	'V': `to_char(_ft.t, 'IW')`,
	'w': `extract(dow from _ft.t)::int::text`,
	'W': `lpad(((extract(doy from _ft.t)::int + 6 - (extract(dow from _ft.t)::int + 6) % 7) / 7)::text, 2, '0')`,
	'Y': `to_char(_ft.t, 'YYYY')`,
}

// strftime translates SQLite's strftime(format, x) for the text x: the
// conversions become to_char/extract expressions, the literal text of the
// format is bound. An unknown conversion makes the result NULL, as on
// SQLite.
func (postgresDialect) strftime(format string, x frag) frag {
	var parts []frag
	lit := ""
	flush := func() {
		if lit != "" {
			parts = append(parts, frag{"?", []any{lit}})
			lit = ""
		}
	}
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			lit += format[i : i+1]
			continue
		}
		if i+1 >= len(format) {
			return frag{sql: "CAST(NULL AS text)"}
		}
		i++
		if format[i] == '%' {
			lit += "%"
			continue
		}
		expr, ok := pgStrftime[format[i]]
		if !ok {
			return frag{sql: "CAST(NULL AS text)"}
		}
		flush()
		parts = append(parts, frag{sql: expr})
	}
	flush()
	body := frag{sql: "''"}
	if len(parts) > 0 {
		body = cat("(", join(parts, " || "), ")")
	}
	return cat("(SELECT CASE WHEN _ft.t IS NOT NULL THEN ", body, " END FROM ", sub(pgParsedDate, x), ")")
}
