//! Turns the text a model returned into a JSON value, repairing only the trivial
//! damage models commonly do: Markdown code fences around the object, prose before
//! or after it, and trailing commas. Anything else is rejected so the caller falls
//! back to the offline engine; guessing at broken JSON would mean trusting it.

use serde_json::Value;

/// Parses `text` as one JSON object, repairing trivial damage. The error says
/// what was wrong, for status output.
pub fn parse_json_object(text: &str) -> Result<Value, String> {
    let trimmed = text.trim();
    if let Ok(v @ Value::Object(_)) = serde_json::from_str::<Value>(trimmed) {
        return Ok(v);
    }
    let candidate = extract_object(strip_code_fence(trimmed))
        .ok_or_else(|| format!("no JSON object in the answer: {}", preview(trimmed)))?;
    let repaired = remove_trailing_commas(candidate);
    match serde_json::from_str::<Value>(&repaired) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err("the answer is JSON but not an object".to_string()),
        Err(e) => Err(format!("invalid JSON ({e}): {}", preview(trimmed))),
    }
}

/// Removes a surrounding ```json … ``` fence.
fn strip_code_fence(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("```") else { return text };
    // Skip the info string (`json`) up to the end of the opening line.
    let body = rest.split_once('\n').map(|(_, b)| b).unwrap_or("");
    body.trim_end().strip_suffix("```").unwrap_or(body).trim()
}

/// The span from the first `{` to the last `}`: drops prose around the object.
fn extract_object(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    (end > start).then(|| &text[start..=end])
}

/// Removes commas that directly precede `}` or `]` (ignoring whitespace), outside
/// string literals.
fn remove_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        if c == '"' {
            in_string = true;
        } else if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn preview(text: &str) -> String {
    let cut: String = text.chars().take(80).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn repairs_only_trivial_damage() {
        let ok: &[(&str, Value)] = &[
            (r#"{"a": 1}"#, json!({"a": 1})),
            ("```json\n{\"a\": 1}\n```", json!({"a": 1})),
            ("```\n{\"a\": [1, 2,],}\n```", json!({"a": [1, 2]})),
            ("Sure! Here it is:\n{\"a\": {\"b\": \"x,}\"},\n}\nHope that helps.", json!({"a": {"b": "x,}"}})),
            (r#"{"s": "quote \" and comma ,]"  ,  }"#, json!({"s": "quote \" and comma ,]"})),
        ];
        for (input, want) in ok {
            assert_eq!(parse_json_object(input).as_ref(), Ok(want), "input: {input}");
        }
        let bad = [
            "",
            "I cannot help with that.",
            r#"{"a": 1"#,                    // truncated: no closing brace
            r#"{"components": [{"component": "vpc""#, // cut mid-way
            r#"{a: 1}"#,                     // unquoted key: not trivial
            "[1, 2]",
        ];
        for input in bad {
            assert!(parse_json_object(input).is_err(), "should be rejected: {input}");
        }
    }
}
