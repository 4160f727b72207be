//! Behaviour of edit planning as a user sees it in their files: what is inserted,
//! what is rewritten in place, and what is left alone.

use std::collections::BTreeMap;
use tc_edit::*;

const USER_MAIN: &str = "# Our network — managed by the platform team 🚀\n# Ünïcödé comment: Straße, 東京\nresource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\" # keep this\n\n  tags = {\n    Name = \"main\"\n  }\n}\n";

const DB_V1: &str = "resource \"aws_db_instance\" \"db\" {\n  engine         = \"postgres\"\n  instance_class = \"db.t3.micro\"\n}\n";
const DB_V2: &str = "resource \"aws_db_instance\" \"db\" {\n  engine         = \"postgres\"\n  instance_class = \"db.t3.small\"\n}\n";
const PROVIDER: &str = "provider \"aws\" {\n  region = \"eu-central-1\"\n}\n";

fn files(list: &[(&str, &str)]) -> BTreeMap<String, String> {
    list.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect()
}

fn desired(list: &[(&str, &str)]) -> Vec<DesiredBlock> {
    list.iter().map(|(f, t)| DesiredBlock { file: f.to_string(), text: t.to_string() }).collect()
}

/// Runs a plan and applies it, returning the resulting files.
fn run(
    files_in: &BTreeMap<String, String>,
    want: &[DesiredBlock],
    ledger: &Ledger,
    decisions: &Decisions,
    single_file: Option<&str>,
) -> (MergePlan, BTreeMap<String, String>) {
    let plan = plan(MergeInput { files: files_in, desired: want, ledger, decisions, single_file }).unwrap();
    let mut out = files_in.clone();
    for f in &plan.files {
        let text = files_in.get(&f.file).cloned().unwrap_or_default();
        assert_eq!(f.create, !files_in.contains_key(&f.file));
        let new = apply_edits(&text, &f.edits);
        assert!(syntax_error(&new).is_none(), "result of {} does not parse:\n{new}", f.file);
        out.insert(f.file.clone(), new);
    }
    (plan, out)
}

#[test]
fn new_blocks_are_appended_after_the_users_text_which_stays_byte_identical() {
    let f = files(&[("main.tf", USER_MAIN)]);
    let (plan, out) = run(&f, &desired(&[("main.tf", DB_V1)]), &Ledger::default(), &Decisions::default(), None);
    assert!(plan.conflicts.is_empty());
    assert_eq!(out["main.tf"], format!("{USER_MAIN}\n{DB_V1}"));
    assert!(plan.ledger.blocks.contains_key("resource.aws_db_instance.db"));
}

#[test]
fn missing_files_are_created() {
    let f = files(&[("main.tf", USER_MAIN)]);
    let (plan, out) =
        run(&f, &desired(&[("providers.tf", PROVIDER), ("main.tf", DB_V1)]), &Ledger::default(), &Decisions::default(), None);
    let created: Vec<_> = plan.files.iter().filter(|f| f.create).map(|f| f.file.as_str()).collect();
    assert_eq!(created, ["providers.tf"]);
    assert_eq!(out["providers.tf"], PROVIDER);
}

#[test]
fn a_changed_answer_rewrites_only_the_changed_value() {
    let f = files(&[("main.tf", USER_MAIN)]);
    let (first, after_first) = run(&f, &desired(&[("main.tf", DB_V1)]), &Ledger::default(), &Decisions::default(), None);
    let (second, after_second) = run(&after_first, &desired(&[("main.tf", DB_V2)]), &first.ledger, &Decisions::default(), None);
    let edits = &second.files[0].edits;
    assert_eq!(edits.len(), 1);
    assert_eq!(&after_first["main.tf"][edits[0].range.clone()], "micro");
    assert_eq!(edits[0].new_text, "small");
    assert_eq!(after_second["main.tf"], format!("{USER_MAIN}\n{DB_V2}"));
    assert!(second.conflicts.is_empty());
}

#[test]
fn nothing_to_do_when_the_files_already_match() {
    let f = files(&[("main.tf", USER_MAIN)]);
    let (first, after) = run(&f, &desired(&[("main.tf", DB_V1)]), &Ledger::default(), &Decisions::default(), None);
    let again = plan(MergeInput {
        files: &after,
        desired: &desired(&[("main.tf", DB_V1)]),
        ledger: &first.ledger,
        decisions: &Decisions::default(),
        single_file: None,
    })
    .unwrap();
    assert!(again.is_empty());
}

#[test]
fn reformatting_a_written_block_is_not_a_hand_edit() {
    let f = files(&[("main.tf", USER_MAIN)]);
    let (first, after) = run(&f, &desired(&[("main.tf", DB_V1)]), &Ledger::default(), &Decisions::default(), None);
    let squeezed = after["main.tf"].replace("engine         =", "engine =");
    let (second, _) =
        run(&files(&[("main.tf", &squeezed)]), &desired(&[("main.tf", DB_V2)]), &first.ledger, &Decisions::default(), None);
    assert!(second.conflicts.is_empty());
}

#[test]
fn deleted_and_hand_edited_blocks_are_reported_not_resurrected_or_overwritten() {
    let f = files(&[("main.tf", USER_MAIN)]);
    let (first, after) = run(&f, &desired(&[("main.tf", DB_V1)]), &Ledger::default(), &Decisions::default(), None);

    // Deleted: the user removed the block.
    let (deleted, out) = run(&f, &desired(&[("main.tf", DB_V2)]), &first.ledger, &Decisions::default(), None);
    assert_eq!(deleted.conflicts[0].kind, ConflictKind::Deleted);
    assert_eq!(out["main.tf"], USER_MAIN);

    // Modified: the user changed the engine by hand.
    let edited = after["main.tf"].replace("\"postgres\"", "\"mysql\"");
    let edited_files = files(&[("main.tf", &edited)]);
    let (modified, out) = run(&edited_files, &desired(&[("main.tf", DB_V2)]), &first.ledger, &Decisions::default(), None);
    assert_eq!(modified.conflicts[0].kind, ConflictKind::Modified);
    assert_eq!(out["main.tf"], edited);

    // The user decides: keep theirs, or write ours again.
    let keep = Decisions { keep_mine: ["resource.aws_db_instance.db".to_string()].into(), ..Default::default() };
    let (kept, out) = run(&edited_files, &desired(&[("main.tf", DB_V2)]), &first.ledger, &keep, None);
    assert!(kept.conflicts.is_empty());
    assert_eq!(out["main.tf"], edited);
    let regen = Decisions { regenerate: ["resource.aws_db_instance.db".to_string()].into(), ..Default::default() };
    let (_, out) = run(&edited_files, &desired(&[("main.tf", DB_V2)]), &first.ledger, &regen, None);
    assert_eq!(out["main.tf"], format!("{USER_MAIN}\n{DB_V2}"));
    let (_, out) = run(&f, &desired(&[("main.tf", DB_V2)]), &first.ledger, &regen, None);
    assert_eq!(out["main.tf"], format!("{USER_MAIN}\n{DB_V2}"));
}

#[test]
fn blocks_the_user_wrote_are_never_touched() {
    let vpc_ours = "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.1.0.0/16\"\n}\n";
    let user_provider = "provider \"aws\" {\n  region = \"us-east-1\" # ours\n}\n";
    let f = files(&[("main.tf", USER_MAIN), ("providers.tf", user_provider)]);
    let (plan, out) =
        run(&f, &desired(&[("main.tf", vpc_ours), ("main.tf", PROVIDER)]), &Ledger::default(), &Decisions::default(), None);
    // The VPC is a real clash and is reported; the user's provider configuration wins silently.
    assert_eq!(plan.conflicts.len(), 1);
    assert_eq!(plan.conflicts[0].kind, ConflictKind::NotOurs);
    assert_eq!(plan.conflicts[0].address, "resource.aws_vpc.main");
    assert_eq!(out, f);
}

#[test]
fn blocks_no_longer_wanted_are_removed_only_when_untouched() {
    let f = files(&[("main.tf", USER_MAIN)]);
    let (first, after) = run(&f, &desired(&[("main.tf", DB_V1), ("main.tf", PROVIDER)]), &Ledger::default(), &Decisions::default(), None);
    let (_, out) = run(&after, &desired(&[("main.tf", PROVIDER)]), &first.ledger, &Decisions::default(), None);
    assert_eq!(out["main.tf"], format!("{USER_MAIN}\n{PROVIDER}"));
}

#[test]
fn two_adjacent_blocks_no_longer_wanted_are_removed_with_disjoint_edits() {
    let data = "data \"aws_availability_zones\" \"private\" {\n  state = \"available\"\n}\n";
    let f = files(&[("network.tf", "")]);
    let (first, after) = run(&f, &desired(&[("network.tf", data), ("network.tf", DB_V1)]), &Ledger::default(), &Decisions::default(), None);
    let (second, out) = run(&after, &[], &first.ledger, &Decisions::default(), None);
    let edits = &second.files[0].edits;
    assert!(edits.windows(2).all(|w| w[0].range.end <= w[1].range.start), "{edits:?}");
    assert_eq!(out["network.tf"], "");
}

#[test]
fn a_single_target_file_receives_every_new_block() {
    let f = files(&[("network.tf", USER_MAIN)]);
    let (_, out) = run(
        &f,
        &desired(&[("providers.tf", PROVIDER), ("main.tf", DB_V1)]),
        &Ledger::default(),
        &Decisions::default(),
        Some("network.tf"),
    );
    assert_eq!(out.len(), 1);
    assert_eq!(out["network.tf"], format!("{USER_MAIN}\n{PROVIDER}\n{DB_V1}"));
}

#[test]
fn files_that_do_not_parse_are_refused_with_the_error_location() {
    let f = files(&[("main.tf", "resource \"aws_vpc\" \"main\" {\n  cidr_block = \n}\n")]);
    let err = plan(MergeInput {
        files: &f,
        desired: &desired(&[("main.tf", DB_V1)]),
        ledger: &Ledger::default(),
        decisions: &Decisions::default(),
        single_file: None,
    })
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("main.tf") && msg.contains("line 2"), "{msg}");
}

#[test]
fn files_without_a_final_newline_get_a_blank_line_before_new_blocks() {
    for (text, expected_sep) in [("locals {}", "\n\n"), ("locals {}\n", "\n"), ("locals {}\n\n", ""), ("", "")] {
        let f = files(&[("main.tf", text)]);
        let (_, out) = run(&f, &desired(&[("main.tf", DB_V1)]), &Ledger::default(), &Decisions::default(), None);
        assert_eq!(out["main.tf"], format!("{text}{expected_sep}{DB_V1}"), "{text:?}");
    }
}

/// Every real-world file of the shared corpus: appending a block leaves the file's
/// text as an exact prefix of the result, and the result parses.
#[test]
fn corpus_files_survive_an_insert_byte_for_byte() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/terraform-aws-modules");
    let mut checked = 0;
    let mut refused = Vec::new();
    let mut stack = vec![corpus];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !path.ends_with("_large") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "tf") {
                let text = std::fs::read_to_string(&path).unwrap();
                if let Some(err) = syntax_error(&text) {
                    // hcl-edit rejects repeated keys in an object constructor, which
                    // Terraform accepts; such files are refused for edits (never mangled).
                    assert!(err.message.contains("redefined object key"), "{}: {err}", path.display());
                    refused.push(path.display().to_string());
                    continue;
                }
                let f = files(&[("main.tf", &text)]);
                let want = desired(&[("main.tf", "resource \"aws_db_instance\" \"tc_inserted\" {\n  engine = \"postgres\"\n}\n")]);
                let (plan, out) = run(&f, &want, &Ledger::default(), &Decisions::default(), None);
                assert!(plan.conflicts.is_empty(), "{}", path.display());
                assert!(out["main.tf"].starts_with(&text), "{}", path.display());
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "only {checked} corpus files found");
    assert!(refused.len() <= 2, "hcl-edit refuses {refused:?}");
}

#[test]
fn settling_counts_only_what_reached_the_files() {
    let f = files(&[("main.tf", USER_MAIN)]);
    let want = desired(&[("main.tf", DB_V1), ("providers.tf", PROVIDER)]);
    let (plan1, applied) = run(&f, &want, &Ledger::default(), &Decisions::default(), None);
    // The client applied everything: both blocks are ours.
    let settled = settle(&Ledger::default(), &plan1, &applied);
    assert_eq!(settled, plan1.ledger);
    // The client dropped the edit of main.tf: the database is not recorded, so the next
    // plan inserts it again instead of reporting it as deleted by the user.
    let mut partly = applied.clone();
    partly.insert("main.tf".into(), USER_MAIN.into());
    let settled = settle(&Ledger::default(), &plan1, &partly);
    assert_eq!(settled.blocks.keys().collect::<Vec<_>>(), ["provider.aws"]);
    let (again, out) = run(&partly, &want, &settled, &Decisions::default(), None);
    assert!(again.conflicts.is_empty());
    assert_eq!(out["main.tf"], format!("{USER_MAIN}\n{DB_V1}"));
}
