//! The smallest single replacement turning one text into another: the common leading
//! and trailing characters are kept, so changing one value rewrites only that value.

use crate::TextEdit;

/// A replacement in `old` that produces `new`, or `None` when they are equal.
pub fn minimal_edit(old: &str, new: &str) -> Option<TextEdit> {
    if old == new {
        return None;
    }
    let p = common_prefix_chars(old, new);
    // The suffix must not overlap the prefix in either text.
    let s = common_suffix_chars(&old[p..], &new[p..]);
    let end = old.len() - s;
    Some(TextEdit { range: p..end, new_text: new[p..new.len() - s].to_string() })
}

fn common_prefix_chars(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, ca), cb)| ca != cb)
        .map(|((i, _), _)| i)
        .unwrap_or_else(|| a.len().min(b.len()))
}

fn common_suffix_chars(a: &str, b: &str) -> usize {
    let mut n = 0;
    for (ca, cb) in a.chars().rev().zip(b.chars().rev()) {
        if ca != cb {
            break;
        }
        n += ca.len_utf8();
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &str, e: &TextEdit) -> String {
        format!("{}{}{}", &old[..e.range.start], e.new_text, &old[e.range.end..])
    }

    #[test]
    fn table_of_old_new_and_the_replaced_text() {
        // (old, new, text of old that is replaced, replacement)
        let cases = [
            ("a = \"t3.micro\"\n", "a = \"t3.small\"\n", "micro", "small"),
            ("x {\n  a = 1\n  b = 2\n}", "x {\n  a = 1\n  b = 3\n}", "2", "3"),
            ("x {\n  a = 1\n}", "x {\n  a = 1\n  c = 2\n}", "", "  c = 2\n"),
            ("x {\n  a = 1\n  c = 2\n}", "x {\n  a = 1\n}", "  c = 2\n", ""),
            ("é = \"ü\"\n", "é = \"ö\"\n", "ü", "ö"),
            ("a = 1\na = 1\n", "a = 1\n", "a = 1\n", ""),
        ];
        for (old, new, replaced, with) in cases {
            let e = minimal_edit(old, new).unwrap();
            assert_eq!(apply(old, &e), new, "{old:?} -> {new:?}");
            assert_eq!(&old[e.range.clone()], replaced, "{old:?} -> {new:?}");
            assert_eq!(e.new_text, with, "{old:?} -> {new:?}");
        }
        assert!(minimal_edit("same", "same").is_none());
    }
}
