//! Turning arbitrary user data into HCL that means exactly that data: quoted string
//! literals with every template sequence neutralised, identifiers, and whole values.
//!
//! Everything a user typed reaches the output only through these functions, which is
//! what makes hostile answers (`${file("/etc/passwd")}`, `%{ for … }`, `EOT`, quotes,
//! newlines, control and bidi characters) inert: they become literal characters of a
//! quoted string, never syntax.

use serde_json::Value;

/// A double-quoted HCL string literal whose value is exactly `s`.
///
/// Quotes and backslashes are escaped; newlines, tabs and carriage returns use their
/// short escapes; `${` and `%{` are doubled so Terraform does not start an
/// interpolation or directive; every other control character, and the Unicode
/// bidirectional controls that can make code read differently from how it parses,
/// are written as `\uNNNN` escapes. A heredoc marker such as `EOT` needs no special
/// care because the output never uses heredocs.
pub fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                // `$${` is a literal `${` and `%%{` a literal `%{` in HCL templates.
                out.push(c);
                out.push(c);
            }
            c if needs_unicode_escape(c) => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters written as `\uNNNN`: C0/C1 controls, DEL, the bidi embedding/override/
/// isolate controls (the "Trojan Source" characters), line/paragraph separators and
/// the BOM. Ordinary right-to-left letters and emoji stay as they are.
pub(crate) fn needs_unicode_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// A valid Terraform identifier derived from `s`: lower-case ASCII letters, digits,
/// `_` and `-`, starting with a letter or `_`. Anything else becomes `_`, runs of
/// `_` collapse, and an empty result becomes `this`.
pub fn identifier(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let mapped = match c {
            'a'..='z' | '0'..='9' | '-' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '_',
        };
        if mapped == '_' && out.ends_with('_') {
            continue;
        }
        out.push(mapped);
    }
    let trimmed = out.trim_matches('_');
    let mut id = if trimmed.is_empty() { "this".to_string() } else { trimmed.to_string() };
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id.insert(0, '_');
    }
    // Terraform labels have no hard length limit, but very long ones are unreadable.
    id.truncate(64);
    id.trim_end_matches(['_', '-']).to_string()
}

/// Whether `s` is already a valid identifier as [`identifier`] would produce it.
pub fn is_identifier(s: &str) -> bool {
    !s.is_empty() && identifier(s) == s
}

/// A JSON value written as a single-line HCL expression (strings escaped with
/// [`hcl_string`], lists as `[a, b]`, objects as `{ k = v }`).
pub fn hcl_value(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => hcl_string(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(hcl_value).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            if map.is_empty() {
                return "{}".into();
            }
            let parts: Vec<String> = map.iter().map(|(k, v)| format!("{} = {}", object_key(k), hcl_value(v))).collect();
            format!("{{ {} }}", parts.join(", "))
        }
    }
}

/// An object key: bare when it is a plain identifier, quoted otherwise.
pub fn object_key(k: &str) -> String {
    let plain = k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        k.to_string()
    } else {
        hcl_string(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_into_inert_literals() {
        let table = [
            ("plain", r#""plain""#),
            (r#"say "hi""#, r#""say \"hi\"""#),
            (r"C:\temp", r#""C:\\temp""#),
            ("${file(\"/etc/passwd\")}", r#""$${file(\"/etc/passwd\")}""#),
            ("%{ for x in y }", r#""%%{ for x in y }""#),
            ("$ and % alone", r#""$ and % alone""#),
            ("a\nb\r\tc", r#""a\nb\r\tc""#),
            ("bell\u{7}", r#""bell\u0007""#),
            ("rtl \u{202E}evil", r#""rtl \u202Eevil""#),
            ("emoji 🚀 שלום", "\"emoji 🚀 שלום\""),
            ("<<EOT\nx\nEOT", r#""<<EOT\nx\nEOT""#),
        ];
        for (input, expected) in table {
            assert_eq!(hcl_string(input), expected, "escaping {input:?}");
        }
    }

    #[test]
    fn identifiers_are_sanitized() {
        let table = [
            ("web", "web"),
            ("Web Server", "web_server"),
            ("9lives", "_9lives"),
            ("", "this"),
            ("${evil}", "evil"),
            ("a--b", "a--b"),
            ("ünïcode", "n_code"),
        ];
        for (input, expected) in table {
            assert_eq!(identifier(input), expected, "sanitizing {input:?}");
            assert!(is_identifier(expected));
        }
    }

    #[test]
    fn values_render_as_single_line_expressions() {
        let v = serde_json::json!({"a": [1, "x"], "b c": true});
        assert_eq!(hcl_value(&v), r#"{ a = [1, "x"], "b c" = true }"#);
    }
}
