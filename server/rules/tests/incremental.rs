//! The cached, block-by-block editor analysis (`tc_rules::analyse`) must give exactly
//! what a fresh analysis of the same text gives, after any sequence of edits: random
//! edits (typing, deleting, duplicating lines, flipping values, pasting resources, and
//! breaking and repairing the syntax) on real modules of the corpus, compared after each
//! one. The fresh result is itself compared with the three independent checks the
//! language server used to run (`tc_edit::index_blocks`, `tc_rules::check`,
//! `tc_schema::check`) wherever their semantics agree.

use std::path::{Path, PathBuf};
use tc_rules::{analyse, analyse_fresh, Analysis, Options, ParseCache};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/terraform-aws-modules")
}

/// xorshift64*: deterministic, so a failure reproduces with the seed it prints.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A char boundary at or before `at`.
fn boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Line starts of `text` (byte offsets).
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).filter(|&i| i < text.len()).collect()
}

/// One random edit, as an editor would send it. Returns a description for failures.
fn edit(rng: &mut Rng, text: &mut String) -> String {
    let lines = line_starts(text);
    let line = |rng: &mut Rng| {
        let i = rng.below(lines.len());
        let start = lines[i];
        let end = text[start..].find('\n').map_or(text.len(), |e| start + e + 1);
        start..end
    };
    match rng.below(9) {
        0 => {
            let at = boundary(text, rng.below(text.len() + 1));
            let c = ["x", " ", "\"", "{", "}", "=", "\n", "#", "1", "é"][rng.below(10)];
            text.insert_str(at, c);
            format!("insert {c:?} at {at}")
        }
        1 => {
            let start = boundary(text, rng.below(text.len() + 1));
            let end = boundary(text, start + rng.below(12));
            text.replace_range(start..end, "");
            format!("delete {start}..{end}")
        }
        2 => {
            let r = line(rng);
            let copy = text[r.clone()].to_string();
            text.insert_str(r.start, &copy);
            format!("duplicate line at {}", r.start)
        }
        3 => {
            let r = line(rng);
            text.replace_range(r.clone(), "");
            format!("delete line at {}", r.start)
        }
        4 | 5 => {
            // Flip a value the rules read.
            let pairs = [("true", "false"), ("false", "true"), ("null", "\"AES256\""), ("private", "public-read"), ("= 1", "= 0")];
            let (from, to) = pairs[rng.below(pairs.len())];
            let hits: Vec<usize> = text.match_indices(from).map(|(i, _)| i).collect();
            if hits.is_empty() {
                return "no-op".into();
            }
            let at = hits[rng.below(hits.len())];
            text.replace_range(at..at + from.len(), to);
            format!("replace {from:?} with {to:?} at {at}")
        }
        6 => {
            // Paste a resource with findings at a line start.
            let at = lines[rng.below(lines.len())];
            text.insert_str(at, &with_findings(rng.below(1000)));
            format!("paste resources at {at}")
        }
        7 => {
            // A repeated key in an object constructor: valid Terraform, rejected by hcl-edit.
            let Some(at) = text.find("tags = {\n").or_else(|| text.find("= {\n")) else { return "no-op".into() };
            let at = at + text[at..].find('\n').unwrap() + 1;
            text.insert_str(at, "    dup = 1\n    dup = 2\n");
            format!("repeated object key at {at}")
        }
        _ => {
            let at = lines[rng.below(lines.len())];
            text.insert_str(at, "# terraconverse:ignore TC-S3-001 CKV_AWS_20 on purpose\n");
            format!("suppression comment at {at}")
        }
    }
}

/// Two resources with findings (an S3 bucket without its companions, SSH open to the world).
fn with_findings(n: usize) -> String {
    format!(
        "resource \"aws_s3_bucket\" \"pasted{n}\" {{\n  bucket = \"b{n}\"\n}}\n\nresource \"aws_security_group\" \"sg{n}\" {{\n  ingress {{\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }}\n}}\n"
    )
}

fn check_equal(cached: &Analysis, fresh: &Analysis, what: &str) {
    assert_eq!(cached.syntax, fresh.syntax, "syntax differs {what}");
    assert_eq!(cached.schema, fresh.schema, "schema diagnostics differ {what}");
    assert_eq!(cached.findings.len(), fresh.findings.len(), "number of findings differs {what}");
    for (a, b) in cached.findings.iter().zip(&fresh.findings) {
        assert_eq!(a, b, "finding differs {what}");
    }
}

/// Where the old, independent checks have the same meaning, the fresh analysis agrees
/// with them (they reject repeated object keys; the analysis accepts them like Terraform).
fn check_against_independent(text: &str, name: &str, files: &[(&str, &str)], fresh: &Analysis, what: &str) {
    match tc_edit::index_blocks(text) {
        Ok(blocks) => {
            assert_eq!(fresh.syntax.as_ref().ok(), Some(&blocks), "blocks differ from index_blocks {what}");
            assert_eq!(fresh.schema, tc_schema::check(tc_schema::embedded(), text), "schema differs from tc_schema::check {what}");
            let findings: Vec<_> = tc_rules::check(files).findings.into_iter().filter(|f| f.file == name).collect();
            assert_eq!(fresh.findings, findings, "findings differ from tc_rules::check {what}");
        }
        Err(e) if !e.message.contains("redefined object key") => {
            assert_eq!(fresh.syntax.as_ref().err(), Some(&e), "syntax error differs from index_blocks {what}");
        }
        Err(e) => {
            // Repeated object keys are valid Terraform: any error is a real one further on.
            if let Err(real) = &fresh.syntax {
                assert!(real.span.start >= e.span.start, "{real:?} before {e:?} {what}");
            }
        }
    }
}

/// Applies `steps` random edits to the files of `dir` (mostly to `main`) and compares
/// the cached and fresh analyses of the edited file and of `main` after each one.
fn run(dir: &Path, main: &str, steps: usize, seed: u64) {
    let seed = std::env::var("TC_INCREMENTAL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(seed);
    let mut rng = Rng(seed);
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    files.sort();
    let main_index = files.iter().position(|(n, _)| n == main).expect("main file");
    // Findings from the start, for the edits to change.
    files[main_index].1.insert_str(0, &with_findings(0));
    let mut last_valid: Vec<String> = files.iter().map(|(_, t)| t.clone()).collect();
    let cache = ParseCache::default();
    let options = Options { rules: true, schema: Some(tc_schema::embedded()) };
    let (mut checks, mut broken_checks, mut with_findings) = (0, 0, 0);
    for step in 0..steps {
        let target = if rng.below(4) == 0 { rng.below(files.len()) } else { main_index };
        let what = edit(&mut rng, &mut files[target].1);
        for checked in [main_index, target] {
            let (name, text) = (&files[checked].0, &files[checked].1);
            let siblings: Vec<(&str, &str)> =
                files.iter().enumerate().filter(|(i, _)| *i != checked).map(|(_, (n, t))| (n.as_str(), t.as_str())).collect();
            let context = format!("after step {step} ({what} in {}), checking {name}, seed {seed}", files[target].0);
            let cached = analyse(&cache, (name, text), &siblings, options);
            let fresh = analyse_fresh((name, text), &siblings, options);
            check_equal(&cached, &fresh, &context);
            if step % 10 == 0 {
                let mut all = vec![(name.as_str(), text.as_str())];
                all.extend_from_slice(&siblings);
                check_against_independent(text, name, &all, &fresh, &context);
            }
            checks += 1;
            broken_checks += usize::from(fresh.syntax.is_err());
            with_findings += usize::from(!fresh.findings.is_empty());
        }
        // Like a user finishing what they typed: most broken states are repaired.
        let broken = tc_edit::index_blocks(&files[target].1).is_err();
        if !broken {
            last_valid[target] = files[target].1.clone();
        } else if rng.below(10) < 8 {
            files[target].1 = last_valid[target].clone();
        }
    }
    // The walk must have covered both broken and valid states, with findings.
    assert!(broken_checks > 0 && broken_checks < checks, "{broken_checks} of {checks} checks were of broken text");
    assert!(with_findings > 0, "no step had findings");
}

#[test]
fn random_edits_on_the_s3_bucket_module_match_a_fresh_analysis() {
    run(&corpus().join("terraform-aws-s3-bucket"), "main.tf", 200, 0x5EED_0001);
}

#[test]
fn random_edits_on_the_security_group_module_match_a_fresh_analysis() {
    run(&corpus().join("terraform-aws-security-group"), "main.tf", 80, 0x5EED_0002);
}

#[test]
fn random_edits_on_a_5000_line_file_match_a_fresh_analysis() {
    let dir = tempfile_dir("concat_5k.tf");
    run(&dir, "main.tf", 30, 0x5EED_0003);
}

/// A directory holding only the corpus' 5k-line file, as `main.tf`.
fn tempfile_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tc-rules-incremental-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(corpus().join("_large").join(name), dir.join("main.tf")).unwrap();
    dir
}
