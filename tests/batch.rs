//! `styrdok eval --cases`: JSON Lines and CSV, one result per case, bad rows
//! reported per line while the batch goes on, a summary without personal data.

mod common;

use common::{stderr, styrdok};

const ROWS: &str = r#"{"arende":"a1","ansokningsdatum":"2023-09-01","insatser":["lss-insteg"],"fakta":{"fodelsedatum":"1999-05-01","personkrets":1,"onskar_arbeta_eller_studera":true},"bedomningar":{"forutsattningar_med_jobbcoach":{"varde":true,"av":"A"},"stodbehov_arbete_eller_studier":{"varde":true,"av":"A"}}}
{"arende":"a2","ansokningsdatum":"2023-09-01","insatser":["lss-insteg"],"fakta":{"fodelsedatum":"1950-05-01","personkrets":3}}

{"arende":"a3","ansokningsdatum":"2023-09-01","insatser":["lss-insteg"],"fakta":{"fodelsedatum":"1999-05-01"}}
{"arende":"a4","ansokningsdatum":"2023-02-30","insatser":["lss"]}
not json at all
{"arende":"a6","ansokningsdatum":"2023-09-01","insatser":["lss"],"fakta":{"fodelsedatum":"1977-07-07","beviljad_daglig_verksamhet":"kanske"}}
"#;

fn run(input: &str, name: &str, extra: &[&str]) -> (std::process::Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join(name);
    std::fs::write(&f, input).unwrap();
    let mut args = vec!["eval", "--cases", f.to_str().unwrap()];
    args.extend(extra);
    let o = styrdok(&args);
    (o, dir)
}

/// The standard output, and each of its lines parsed as JSON.
fn json_lines(o: &std::process::Output) -> (String, Vec<serde_json::Value>) {
    let out = String::from_utf8(o.stdout.clone()).unwrap();
    let lines = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out, lines)
}

#[test]
fn jsonl_gives_one_result_per_case_and_goes_on_after_bad_rows() {
    let (o, _dir) = run(ROWS, "cases.jsonl", &[]);
    assert_eq!(o.status.code(), Some(1), "a batch with bad rows exits 1");
    let (out, lines) = json_lines(&o);
    assert_eq!(lines.len(), 6, "{out}");
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[0]["interventions"][0]["outcome"], "beviljas");
    assert_eq!(
        lines[0]["interventions"][0]["period"]["until"],
        "2023-12-31"
    );
    assert_eq!(lines[1]["interventions"][0]["outcome"], "avslag");
    assert_eq!(
        lines[1]["interventions"][0]["not_met"],
        serde_json::json!(["yrkesverksam-alder", "personkrets-1-eller-2"])
    );
    assert_eq!(lines[2]["line"], 4, "blank lines are skipped but counted");
    assert_eq!(
        lines[2]["interventions"][0]["outcome"],
        "utredning_ofullstandig"
    );
    assert_eq!(
        lines[3]["error"],
        "`2023-02-30` is not a date (month 2 of 2023 has no day 30) (column 45)"
    );
    assert!(
        lines[4]["error"]
            .as_str()
            .unwrap()
            .starts_with("not valid JSON"),
        "{}",
        lines[4]
    );
    assert_eq!(lines[5]["case"], "a6");
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.starts_with("3 ärenden: 1 beviljas, 1 avslag, 1 utredning ofullständig"),
        "{err}"
    );
    assert!(
        err.contains("3 rader kunde inte prövas (rad 5, 6, 7)"),
        "{err}"
    );
    assert!(err.contains("        1  personkrets-1-eller-2"), "{err}");
    // Case data is personal data: nothing of it in the log.
    for personal in ["1999-05-01", "1950-05-01", "1977-07-07", "kanske", "a6"] {
        assert!(
            !err.contains(personal),
            "`{personal}` leaked to stderr: {err}"
        );
    }
}

#[test]
fn csv_in_and_out() {
    let input = "arende,ansokningsdatum,insatser,fodelsedatum,personkrets,onskar_arbeta_eller_studera,forutsattningar_med_jobbcoach,forutsattningar_med_jobbcoach.av,stodbehov_arbete_eller_studier,stodbehov_arbete_eller_studier.av\n\
                 c1,2023-09-01,lss-insteg,1999-05-01,1,ja,ja,Anna A,ja,Anna A\n\
                 c2,2023-09-01,lss-insteg,1999-05-01,ingen,ja,,,,\n\
                 c3,2023-09-01,lss-insteg,1999-05-01,1,ja,ja,,ja,Anna A\n\
                 c4,2023-09-01\n";
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("results.csv");
    let (o, _dir) = run(input, "cases.csv", &["--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(
        rows[0],
        "line,case,document,version,intervention,outcome,not_met,not_established,missing,period_from,period_until,duties,error,level,amounts,groups"
    );
    // A policy without extents or groups leaves the last three columns empty.
    assert_eq!(
        rows[1],
        "2,c1,stod-arbete-studier,2023-07,lss-insteg,beviljas,,,,2023-09-01,2023-12-31,,,,,"
    );
    assert!(
        rows[2].starts_with(
            "3,c2,stod-arbete-studier,2023-07,lss-insteg,avslag,personkrets-1-eller-2,"
        ),
        "{}",
        rows[2]
    );
    assert!(
        rows[3].contains(
            "the assessment `forutsattningar_med_jobbcoach` does not say who made it (column `forutsattningar_med_jobbcoach.av`)"
        ),
        "{}",
        rows[3]
    );
    assert!(
        rows[4].starts_with("5,,,,,,,,,,,,malformed CSV row"),
        "{}",
        rows[4]
    );
}

#[test]
fn an_unknown_csv_column_stops_the_batch_before_it_starts() {
    let (o, _dir) = run(
        "arende,ansokningsdatum,insatser,fodelsdatum\n",
        "cases.csv",
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains(
            "unknown column `fodelsdatum` in the CSV header (line 1); did you mean `fodelsedatum`?"
        ),
        "{err}"
    );
}

#[test]
fn rows_with_implausible_numbers_are_row_errors() {
    let rows = r#"{"ansokningsdatum":"2023-09-01","insatser":["lss"],"sarskilda_skal":{"manader":300000,"motivering":"x"}}
{"arende":123,"ansokningsdatum":"2023-09-01","insatser":["lss-insteg"]}
"#;
    let (o, _dir) = run(rows, "cases.jsonl", &[]);
    assert_eq!(o.status.code(), Some(1));
    let (out, lines) = json_lines(&o);
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(
        lines[0]["error"],
        "`sarskilda_skal.manader` is 300000; it must be between 1 and 1200"
    );
    assert_eq!(
        lines[1]["case"], "123",
        "a numeric case number is kept as text"
    );
    let csv = "ansokningsdatum,insatser,sarskilda_skal.manader\n2023-09-01,lss,6\n";
    let (o, _dir) = run(csv, "cases.csv", &[]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("go together: give both or neither"), "{out}");
}

#[test]
fn results_to_a_pipe_leave_the_pipe_in_place() {
    // A named pipe stands in for a device such as /dev/null: results are written into
    // it, not into a temporary file renamed over it. (Not /dev/null itself: if this
    // broke, the test would replace the machine's /dev/null.)
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("results");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let rows = "{\"ansokningsdatum\":\"2023-09-01\",\"insatser\":[\"lss-insteg\"]}\n";
    let (o, _dir) = run(rows, "cases.jsonl", &["--out", fifo.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let got = reader.join().unwrap();
    assert_eq!(got.lines().count(), 1, "{got}");
    assert!(got.contains("\"outcome\""), "{got}");
    assert!(
        std::fs::metadata(&fifo).unwrap().file_type().is_fifo(),
        "the pipe was replaced by a file"
    );
}

#[test]
fn an_overlong_row_is_a_row_error_and_the_next_row_is_read() {
    let long = format!("{{\"arende\":\"{}\"}}\n", "x".repeat(3 << 20));
    let rows = format!(
        "{long}{{\"arende\":\"b\",\"ansokningsdatum\":\"2023-09-01\",\"insatser\":[\"lss-insteg\"]}}\n"
    );
    let (o, _dir) = run(&rows, "cases.jsonl", &[]);
    assert_eq!(o.status.code(), Some(1));
    let (out, lines) = json_lines(&o);
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(lines[0]["error"], "the row is longer than 1 MiB");
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(
        lines[1]["interventions"][0]["outcome"],
        "utredning_ofullstandig"
    );
}

/// A row is read as the same case written to a file would be: `null` where a value
/// is not known (also for `fakta`, `bedomningar` and `samrad`), and a byte-order mark
/// before the first row is not part of it.
#[test]
fn a_row_reads_as_the_same_case_in_a_file() {
    let case = r#"{"arende": "n1", "riktlinje": null, "ansokningsdatum": "2023-09-01", "startdatum": null, "insatser": ["lss-insteg"], "fakta": {"fodelsedatum": "1999-05-01", "personkrets": 2, "onskar_arbeta_eller_studera": true, "beviljad_daglig_verksamhet": null}, "bedomningar": {"forutsattningar_med_jobbcoach": {"varde": true, "av": "B", "datum": null, "samrad": null, "rapport_fran": null, "motivering": null}, "stodbehov_arbete_eller_studier": {"varde": false, "av": "B"}}, "sarskilda_skal": null}"#;
    let empty = r#"{"arende": "n2", "ansokningsdatum": "2023-09-01", "insatser": ["lss-insteg"], "fakta": null, "bedomningar": null}"#;
    let dir = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    for (k, c) in [case, empty].iter().enumerate() {
        let f = dir.path().join(format!("{k}.json"));
        std::fs::write(&f, c).unwrap();
        let o = styrdok(&["eval", "--format", "json", "--case", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let i = &v["interventions"][0];
        let not_met: Vec<&serde_json::Value> = i["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["result"] == "ej_uppfyllt")
            .map(|c| &c["id"])
            .collect();
        expected.push((i["outcome"].clone(), serde_json::json!(not_met)));
    }
    let rows = format!("\u{feff}{case}\n{empty}\n");
    let (o, _dir) = run(&rows, "cases.jsonl", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (out, lines) = json_lines(&o);
    assert_eq!(lines.len(), 2, "{out}");
    for (line, (outcome, not_met)) in lines.iter().zip(&expected) {
        let i = &line["interventions"][0];
        assert_eq!(&i["outcome"], outcome, "{line}");
        assert_eq!(&i["not_met"], not_met, "{line}");
    }
    assert_eq!(expected[0].0, "avslag");
    assert_eq!(
        expected[0].1,
        serde_json::json!(["stodbehov-arbete-eller-studier"])
    );
    assert_eq!(expected[1].0, "utredning_ofullstandig");
}

/// A reader that stops early (`… | head -1`) ends the batch quietly, as it does a
/// single evaluation: no error and exit status 0.
#[test]
fn a_reader_that_stops_early_ends_the_batch_quietly() {
    use std::io::BufRead as _;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("cases.jsonl");
    let row = "{\"ansokningsdatum\":\"2023-09-01\",\"insatser\":[\"lss-insteg\"]}\n";
    std::fs::write(&f, row.repeat(100_000)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_styrdok"))
        .current_dir(common::root())
        .args(["eval", "--cases", f.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("{\"line\":1,"), "{first}");
    // The reading end is closed here; the batch meets a broken pipe.
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("cannot write"), "{err}");
}

/// `--out` naming the cases file (by any path) is refused before
/// anything is read or written: renamed over it, the results would destroy the input.
#[test]
fn an_output_over_the_input_is_refused() {
    let (o, dir) = run(ROWS, "cases.jsonl", &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let cases = dir.path().join("cases.jsonl");
    let other = dir.path().join(".").join("cases.jsonl");
    let o = styrdok(&[
        "eval",
        "--cases",
        cases.to_str().unwrap(),
        "--out",
        other.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is a file this command reads"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&cases).unwrap(), ROWS);
}

/// A key given twice in a JSON Lines row (at the top, in `fakta`, in `bedomningar`, in
/// an assessment or in `sarskilda_skal`) is a row error naming the key, at the second
/// one (serde_json's column: the end of the second key), as a YAML case file refuses a
/// duplicate; the batch goes on. The last value never silently wins.
#[test]
fn a_key_twice_in_a_row_is_a_row_error_at_the_second() {
    let rows = [
        r#"{"arende":"a1","arende":"a2","ansokningsdatum":"2023-09-01","insatser":["lss-insteg"]}"#,
        r#"{"arende":"b","ansokningsdatum":"2023-09-01","insatser":["lss-insteg"],"fakta":{"personkrets":1,"personkrets":2}}"#,
        r#"{"arende":"c","ansokningsdatum":"2023-09-01","insatser":["lss-insteg"],"fakta":{"personkrets":null},"fakta":{"personkrets":1}}"#,
        r#"{"arende":"d","ansokningsdatum":"2023-09-01","insatser":["lss-insteg"],"bedomningar":{"stodbehov_arbete_eller_studier":{"varde":true,"av":"A"},"stodbehov_arbete_eller_studier":{"varde":false,"av":"A"}}}"#,
        r#"{"arende":"e","ansokningsdatum":"2023-09-01","insatser":["lss-insteg"],"bedomningar":{"forutsattningar_med_jobbcoach":{"varde":true,"av":"A","varde":false}}}"#,
        r#"{"arende":"f","ansokningsdatum":"2023-09-01","insatser":["lss"],"sarskilda_skal":{"manader":6,"motivering":"x","manader":12}}"#,
        r#"{"arende":"g","ansokningsdatum":"2023-09-01","insatser":["lss-insteg"],"fakta":{"fodelsedatum":"1999-05-01","personkrets":1}}"#,
    ];
    let (o, _dir) = run(&(rows.join("\n") + "\n"), "cases.jsonl", &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let (out, lines) = json_lines(&o);
    assert_eq!(lines.len(), 7, "{out}");
    let errors: Vec<&str> = lines.iter().filter_map(|l| l["error"].as_str()).collect();
    assert_eq!(
        errors,
        [
            "key `arende` appears twice in this case (column 23)",
            "key `personkrets` appears twice in `fakta` (column 109)",
            "key `fakta` appears twice in this case (column 107)",
            "key `stodbehov_arbete_eller_studier` appears twice in `bedomningar` (column 175)",
            "duplicate field `varde` (column 148)",
            "duplicate field `manader` (column 120)",
        ]
    );
    // The column is the second key's last character.
    for (row, error) in rows.iter().zip(&errors) {
        let key = error.split('`').nth(1).unwrap();
        let column: usize = error
            .rsplit("column ")
            .next()
            .unwrap()
            .trim_end_matches(')')
            .parse()
            .unwrap();
        let quoted = format!("\"{key}\"");
        let second = row.match_indices(&quoted).nth(1).unwrap().0;
        assert_eq!(column, second + quoted.len(), "{row}");
    }
    assert_eq!(lines[6]["case"], "g");
    assert!(
        lines[6]["error"].is_null(),
        "the batch goes on: {}",
        lines[6]
    );
    assert!(
        stderr(&o).contains("6 rader kunde inte prövas (rad 1, 2, 3, 4, 5, 6)"),
        "{}",
        stderr(&o)
    );
}

/// A CSV header naming a column twice stops the batch before any row is read: which
/// of the two cells would count?
#[test]
fn a_csv_column_named_twice_stops_the_batch() {
    for (input, column, at) in [
        (
            "arende,ansokningsdatum,insatser,arende\nc1,2023-09-01,lss,c2\n",
            "arende",
            "line 1: columns 1 and 4",
        ),
        (
            "\r\narende;insatser;personkrets;ansokningsdatum; personkrets\r\n",
            "personkrets",
            "line 2: columns 3 and 5",
        ),
    ] {
        let out_dir = tempfile::tempdir().unwrap();
        let out = out_dir.path().join("results.jsonl");
        let (o, _dir) = run(input, "cases.csv", &["--out", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(
            stderr(&o),
            format!("error: column `{column}` appears twice in the CSV header ({at})\n")
        );
        assert!(!out.exists(), "nothing is written");
    }
}

/// LF, CRLF (what Excel writes), a lone CR (old Mac) or a mix: every row has the line
/// an editor shows, blank lines counted, the CSV header on line 1 (or after the blank
/// lines before it). JSON Lines and CSV alike.
#[test]
fn line_numbers_are_the_same_whatever_the_line_ends() {
    let jsonl = [
        r#"{"arende":"a1","ansokningsdatum":"2023-09-01","insatser":["lss-insteg"]}"#,
        r#"{"arende":"a2","ansokningsdatum":"2023-02-30","insatser":["lss-insteg"]}"#,
        "",
        r#"{"arende":"a3","ansokningsdatum":"2023-09-01","insatser":["lss-insteg"]}"#,
    ];
    let csv = [
        "arende,ansokningsdatum,insatser,sarskilda_skal.motivering,sarskilda_skal.manader",
        "c1,2023-09-01,lss-insteg,,",
        "c2,2023-02-30,lss-insteg,,",
        "",
        "c3,2023-09-01,lss,\"två",
        "rader\",6",
        "c4,2023-09-01,lss-insteg,,",
    ];
    for (name, lines, want) in [
        (
            "cases.jsonl",
            &jsonl[..],
            vec![("a1", 1), ("a2", 2), ("a3", 4)],
        ),
        (
            "cases.csv",
            &csv[..],
            vec![("c1", 2), ("c2", 3), ("c3", 5), ("c4", 7)],
        ),
    ] {
        for ends in [&["\n"][..], &["\r\n"], &["\r"], &["\r", "\r\n", "\n"]] {
            let text: String = lines
                .iter()
                .enumerate()
                .flat_map(|(i, l)| [*l, ends[i % ends.len()]])
                .collect();
            let (o, _dir) = run(&text, name, &[]);
            assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
            let (out, rows) = json_lines(&o);
            let got: Vec<(&str, u64)> = rows
                .iter()
                .map(|r| (r["case"].as_str().unwrap(), r["line"].as_u64().unwrap()))
                .collect();
            assert_eq!(got, want, "{name} {ends:?}: {out}");
            let bad = want[1].1;
            assert!(
                stderr(&o).contains(&format!("1 rad kunde inte prövas (rad {bad})")),
                "{name} {ends:?}: {}",
                stderr(&o)
            );
        }
    }
}

/// A CSV as Swedish Excel saves it: a byte-order mark, `;` between cells, CRLF line
/// ends and decimal commas in money. The separator comes from the header line; the mark
/// is not part of the first column's name; `12 345,50` is twelve thousand and more.
#[test]
fn a_semicolon_csv_from_swedish_excel() {
    let header = "arende;ansokningsdatum;insatser;fodelsedatum;sammanlevande;nettoinkomst_per_manad;boendekostnad_per_manad;hemtjanst_timmar_per_manad;dagverksamhet_dagar_per_vecka";
    // As the policy test "Under 61 år …": förbehållsbelopp 1 500 + 7 837,599 = 9 337,599;
    // the fee is the avgiftsutrymme rounded down, so the öre decide it.
    let input = format!(
        "\u{feff}{header}\r\n\
         e1;2025-09-01;avgift-hemtjanst;1970-01-01;nej;10 337,60;1 500;50;0\r\n\
         e2;2025-09-01;avgift-hemtjanst;1970-01-01;nej;\"10 337,59\";1500,00;50;0\r\n\
         e3;2025-09-01;avgift-hemtjanst|avgift-hemtjanst;1970-01-01;nej;10 000;1 500;50;0\r\n"
    );
    let (o, _dir) = run(&input, "cases.csv", &["--output-format", "csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split(',').collect()).collect();
    let col = |name: &str| rows[0].iter().position(|c| *c == name).unwrap();
    let (case, line, amounts) = (col("case"), col("line"), col("amounts"));
    let got: Vec<(&str, &str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[line], r[case], r[amounts]))
        .collect();
    assert_eq!(
        got,
        [
            ("2", "e1", "hemtjanstavgift=1000 kr/mån"),
            ("3", "e2", "hemtjanstavgift=999 kr/mån"),
            ("4", "e3", "hemtjanstavgift=662 kr/mån"),
            ("4", "e3", "hemtjanstavgift=662 kr/mån"),
        ]
    );
}

/// A header with both `,` and `;` cannot be read both ways: the more frequent is taken,
/// and the unknown column this leaves says so.
#[test]
fn a_header_with_both_separators_says_which_was_taken() {
    let (o, _dir) = run(
        "arende;ansokningsdatum;insatser,fodelsedatum\n",
        "cases.csv",
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: unknown column `insatser,fodelsedatum` in the CSV header (line 1); the header line has both `,` and `;`, and `;` (the more frequent) was taken as the separator: write the header with `;` only\n"
    );
}

// ---------------------------------------------------------------------------------
// Several cores (`--jobs`): the same bytes, the same summary, the same exit status as
// one row at a time.

#[path = "../benches/support/cases.rs"]
mod gen_cases;

use serde_json::{Map, Value};
use styrdok::load::yaml::{NodeKind, Style};

/// A YAML node of a policy test's case as the JSON a case management export writes.
fn json_of(n: &styrdok::load::yaml::Node) -> Value {
    match &n.kind {
        NodeKind::Scalar(s, Style::Plain) if n.is_null() => Value::Null,
        NodeKind::Scalar(s, Style::Plain) => match s.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => s
                .parse::<i64>()
                .map_or_else(|_| Value::String(s.clone()), Value::from),
        },
        NodeKind::Scalar(s, Style::Quoted) => Value::String(s.clone()),
        NodeKind::Seq(items) => Value::Array(items.iter().map(json_of).collect()),
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.as_scalar().unwrap().to_string(), json_of(v)))
                .collect(),
        ),
    }
}

/// Every case of the shipped policy's tests (policy/*/tests) and of
/// tests/fixtures/cases, as JSON objects.
fn shipped_cases() -> Vec<Value> {
    let mut sources = styrdok::source::Sources::default();
    let mut diags = styrdok::diag::Diagnostics::default();
    let mut node_of = |path: &std::path::Path| {
        let id = sources.add(path, std::fs::read_to_string(path).unwrap());
        styrdok::load::yaml::parse(id, sources.get(id), &mut diags).unwrap()
    };
    let mut out = Vec::new();
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(common::shipped())
        .unwrap()
        .filter_map(|e| {
            let tests = e.unwrap().path().join("tests");
            tests.is_dir().then_some(tests)
        })
        .flat_map(|d| std::fs::read_dir(d).unwrap().map(|e| e.unwrap().path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    for f in files {
        let Value::Object(file) = json_of(&node_of(&f)) else {
            panic!("{}", f.display())
        };
        for t in file["tests"].as_array().unwrap() {
            out.push(t["case"].clone());
        }
    }
    let fixtures = common::root().join("tests/fixtures/cases");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        out.push(match f.extension().and_then(|e| e.to_str()) {
            Some("json") => serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap(),
            _ => json_of(&node_of(&f)),
        });
    }
    assert!(out.len() > 70, "{} cases", out.len());
    out
}

/// Cases as CSV: the columns every case uses (docs/cases.md), in the order first met.
fn csv_of(cases: &[Value]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header: Vec<String> = Vec::new();
    let mut rows: Vec<Map<String, Value>> = Vec::new();
    for c in cases {
        let mut row = Map::new();
        for (k, v) in c.as_object().unwrap() {
            match (k.as_str(), v) {
                ("fakta", Value::Object(m)) => row.extend(m.clone()),
                ("bedomningar", Value::Object(m)) => {
                    for (fact, a) in m {
                        for (part, v) in a.as_object().unwrap() {
                            let col = if part == "varde" {
                                fact.clone()
                            } else {
                                format!("{fact}.{part}")
                            };
                            row.insert(col, v.clone());
                        }
                    }
                }
                ("sarskilda_skal", Value::Object(m)) => {
                    for (part, v) in m {
                        row.insert(format!("sarskilda_skal.{part}"), v.clone());
                    }
                }
                (_, Value::Object(_)) => {}
                _ => {
                    row.insert(k.clone(), v.clone());
                }
            }
        }
        for k in row.keys() {
            if !header.contains(k) {
                header.push(k.clone());
            }
        }
        rows.push(row);
    }
    let cell = |v: Option<&Value>| match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(";"),
        Some(v) => v.to_string(),
    };
    let cells = rows
        .iter()
        .map(|r| header.iter().map(|h| cell(r.get(h))).collect())
        .collect();
    (header, cells)
}

fn csv_text(header: &[String], rows: &[Vec<String>]) -> String {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    w.write_record(header).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// Runs `eval --cases` on `input` with each `--jobs` and `--output-format`, and asserts
/// that every run writes what `--jobs 1` writes: results, standard error, exit status.
/// Returns the exit status and standard error of `--jobs 1`.
fn same_for_every_jobs(input: &str, name: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join(name);
    std::fs::write(&cases, input).unwrap();
    let mut first = None;
    for format in ["jsonl", "csv"] {
        let mut reference: Option<(Vec<u8>, std::process::Output)> = None;
        for jobs in ["1", "2", "3", "5"] {
            let out = dir.path().join(format!("results-{jobs}.{format}"));
            let o = styrdok(&[
                "eval",
                "--cases",
                cases.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--jobs",
                jobs,
            ]);
            let results = std::fs::read(&out).unwrap();
            match &reference {
                None => reference = Some((results, o)),
                Some((r, o1)) => {
                    assert!(
                        *r == results,
                        "{name} → {format}: --jobs {jobs} wrote other results than --jobs 1"
                    );
                    assert_eq!(stderr(o1), stderr(&o), "{name} → {format}, --jobs {jobs}");
                    assert_eq!(o1.status.code(), o.status.code(), "{name}, --jobs {jobs}");
                }
            }
        }
        let (_, o) = reference.unwrap();
        first.get_or_insert((o.status.code(), stderr(&o)));
    }
    first.unwrap()
}

/// The shipped policy's own cases (its tests and the fixtures), repeated over many
/// chunks with bad rows among them, as JSON Lines and as CSV.
#[test]
fn every_jobs_writes_the_same_for_the_shipped_cases() {
    let cases = shipped_cases();
    let bad_json = [
        "not json at all",
        r#"{"arende":"x","ansokningsdatum":"2023-02-30","insatser":["lss"]}"#,
        r#"{"ansokningsdatum":"2023-09-01","insatser":["ingen-sadan-insats"]}"#,
        r#"{"ansokningsdatum":"2023-09-01","insatser":["lss"],"fakta":{"okand":1}}"#,
        "",
        r#"   {"ansokningsdatum":"2023-09-01","insatser":["lss-insteg"]}   "#,
    ];
    let mut jsonl = String::new();
    let mut rows = Vec::new();
    for k in 0..1_500 {
        let c = &cases[k % cases.len()];
        if k % 13 == 5 {
            jsonl.push_str(bad_json[(k / 13) % bad_json.len()]);
        } else {
            jsonl.push_str(&c.to_string());
        }
        jsonl.push('\n');
        rows.push(c.clone());
    }
    let (status, err) = same_for_every_jobs(&jsonl, "shipped.jsonl");
    assert_eq!(status, Some(1), "{err}");
    assert!(
        err.contains("rader kunde inte prövas (rad 6, 19, 32,"),
        "{err}"
    );

    let (header, mut cells) = csv_of(&rows);
    for (k, row) in cells.iter_mut().enumerate() {
        if k % 17 == 3 {
            match (k / 17) % 3 {
                0 => row.truncate(2),
                1 => {
                    row[header.iter().position(|h| h == "ansokningsdatum").unwrap()] =
                        "2023-13-01".into()
                }
                _ => row[header.iter().position(|h| h == "insatser").unwrap()].clear(),
            }
        }
    }
    let (status, err) = same_for_every_jobs(&csv_text(&header, &cells), "shipped.csv");
    assert_eq!(status, Some(1), "{err}");
    assert!(
        err.contains("rader kunde inte prövas (rad 5, 22, 39,"),
        "{err}"
    );
}

/// The benchmark's synthetic cases (all four interventions, facts and assessments
/// missing here and there) with errors sprinkled in: a row over 1 MiB, invalid JSON,
/// wrong values, blank lines, and a byte-order mark before the first row.
#[test]
fn every_jobs_writes_the_same_for_a_generated_batch_with_errors() {
    let mut r = gen_cases::Rng(7);
    let mut jsonl = String::from("\u{feff}");
    let mut cases = Vec::new();
    for i in 0..2_000 {
        let row = gen_cases::case(&mut r, i);
        cases.push(serde_json::from_str::<Value>(&row).unwrap());
        match r.pick(60) {
            0 => jsonl.push_str(&row[..row.find("\"fakta\"").unwrap()]),
            1 => jsonl.push_str(&row.replace("\"personkrets\":", "\"personkrets\":\"7\",\"x\":")),
            2 => jsonl.push_str(&row.replace("true", "\"kanske\"")),
            3 => jsonl.push('\n'),
            4 if i > 1_000 && i < 1_010 => {
                jsonl.push_str(&format!("{{\"arende\":\"{}\"}}", "x".repeat(1 << 20)));
            }
            _ => jsonl.push_str(&row),
        }
        jsonl.push('\n');
    }
    let (status, err) = same_for_every_jobs(&jsonl, "generated.jsonl");
    assert_eq!(status, Some(1), "{err}");

    let (header, mut cells) = csv_of(&cases);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (date, personkrets) = (column("ansokningsdatum"), column("personkrets"));
    for row in &mut cells {
        match r.pick(50) {
            0 => row.push("en cell för mycket".into()),
            1 => row[date] = "2023-02-30".into(),
            2 => row[personkrets] = "7".into(),
            3 => {
                if let Some(c) = row.iter_mut().find(|c| *c == "true") {
                    *c = "kanske".into();
                }
            }
            _ => {}
        }
    }
    let (status, err) = same_for_every_jobs(&csv_text(&header, &cells), "generated.csv");
    assert_eq!(status, Some(1), "{err}");
}

/// In the library: the results and the summary of `batch::run` with several jobs are
/// those of one job, for any mix of rows and chunk boundaries.
mod in_process {
    use std::io::{BufRead, Read, Write};

    use proptest::prelude::*;
    use styrdok::eval::Engine;
    use styrdok::eval::batch::{self, Format, Options, Stop};

    fn engine_run(
        input: &mut dyn BufRead,
        jobs: usize,
        (i, o): (Format, Format),
        out: &mut dyn Write,
    ) -> Result<String, String> {
        static POLICY: std::sync::OnceLock<styrdok::model::Policy> = std::sync::OnceLock::new();
        let policy = POLICY.get_or_init(|| super::common::checked(&super::common::shipped()).0);
        let engine = Engine::new(policy).unwrap();
        let options = Options {
            document: None,
            date: None,
            input_format: i,
            output_format: o,
            jobs,
        };
        match batch::run(&engine, &options, input, out) {
            Ok(s) => Ok(batch::summary_text(&s)),
            Err(Stop::Failed(e)) => Err(e),
            Err(Stop::Closed) => Err("closed".into()),
        }
    }

    const ROWS: [&str; 7] = [
        r#"{"arende":"a","ansokningsdatum":"2023-09-01","insatser":["lss-insteg"],"fakta":{"fodelsedatum":"1999-05-01","personkrets":1,"onskar_arbeta_eller_studera":true},"bedomningar":{"forutsattningar_med_jobbcoach":{"varde":true,"av":"A"},"stodbehov_arbete_eller_studier":{"varde":true,"av":"A"}}}"#,
        r#"{"arende":"b","ansokningsdatum":"2023-09-01","insatser":["lss-insteg","lss"],"fakta":{"fodelsedatum":"1950-05-01","personkrets":3}}"#,
        r#"{"arende":"c","ansokningsdatum":"2022-09-01","insatser":["socialpsykiatri"],"fakta":{"pagaende_kontakt_specialistpsykiatri":false}}"#,
        r#"{"arende":"d","ansokningsdatum":"2023-02-30","insatser":["lss"]}"#,
        "not json",
        "",
        r#"{"arende":"e","ansokningsdatum":"2025-09-01","insatser":["avgift-hemtjanst"],"fakta":{"fodelsedatum":"1950-03-01","sammanlevande":false,"nettoinkomst_per_manad":"18 000","boendekostnad_per_manad":6000,"hemtjanst_timmar_per_manad":4,"dagverksamhet_dagar_per_vecka":2}}"#,
    ];

    fn batch_of(kinds: &[usize]) -> Vec<u8> {
        let mut s = String::new();
        for k in kinds {
            s.push_str(ROWS[*k]);
            s.push('\n');
        }
        s.into_bytes()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        #[test]
        fn several_jobs_write_what_one_writes(
            kinds in prop::collection::vec(0..ROWS.len(), 0..1_200),
            jobs in 2..6usize,
            csv_out in any::<bool>(),
        ) {
            let input = batch_of(&kinds);
            let formats = (Format::Jsonl, if csv_out { Format::Csv } else { Format::Jsonl });
            let (mut one, mut many) = (Vec::new(), Vec::new());
            let s1 = engine_run(&mut &input[..], 1, formats, &mut one);
            let sn = engine_run(&mut &input[..], jobs, formats, &mut many);
            prop_assert_eq!(s1, sn);
            prop_assert!(one == many, "results differ");
        }
    }

    /// Gives `limit` bytes of the input, then fails.
    struct Failing<'a>(&'a [u8], usize);
    impl Read for Failing<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.1 == 0 {
                return Err(std::io::Error::other("the disk is gone"));
            }
            let n = buf.len().min(self.1).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            self.1 -= n;
            Ok(n)
        }
    }

    /// When the input cannot be read part-way, every row before that point has its
    /// result, as with one job, and the run stops with the same error.
    #[test]
    fn an_unreadable_input_stops_after_the_same_rows() {
        let kinds: Vec<usize> = (0..900).map(|k| k % ROWS.len()).collect();
        let input = batch_of(&kinds);
        for limit in [0, 100, 40_000, input.len() / 2] {
            let failing = || std::io::BufReader::with_capacity(512, Failing(&input, limit));
            let (mut one, mut many) = (Vec::new(), Vec::new());
            let f = (Format::Jsonl, Format::Jsonl);
            let e1 = engine_run(&mut failing(), 1, f, &mut one);
            let en = engine_run(&mut failing(), 3, f, &mut many);
            assert!(
                e1.as_ref().is_err_and(|e| e.contains("the disk is gone")),
                "{e1:?}"
            );
            assert_eq!(e1, en);
            assert!(
                one == many,
                "limit {limit}: different results before the error"
            );
        }
    }

    /// Accepts `limit` bytes, then fails as a full disk does (or as a closed pipe).
    struct Full(usize, std::io::ErrorKind);
    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::new(self.1, "no room"));
            }
            let n = buf.len().min(self.0);
            self.0 -= n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// When the results cannot be written, the run stops with the same error (and a
    /// closed pipe ends it quietly) with one job or several.
    #[test]
    fn results_that_cannot_be_written_stop_the_run() {
        let kinds: Vec<usize> = (0..2_000).map(|k| k % ROWS.len()).collect();
        let input = batch_of(&kinds);
        for kind in [
            std::io::ErrorKind::StorageFull,
            std::io::ErrorKind::BrokenPipe,
        ] {
            for limit in [0, 10_000] {
                let f = (Format::Jsonl, Format::Csv);
                let e1 = engine_run(&mut &input[..], 1, f, &mut Full(limit, kind));
                let en = engine_run(&mut &input[..], 4, f, &mut Full(limit, kind));
                assert!(e1.is_err(), "{e1:?}");
                assert_eq!(e1, en);
            }
        }
    }
}
