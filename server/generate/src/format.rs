//! Layout of rendered HCL so that it is byte-identical to `terraform fmt` output, and
//! splitting of a rendered body into its top-level blocks.
//!
//! Templates only have to get the tokens right; indentation, the alignment of `=`
//! in runs of single-line attributes and blank lines are normalised here, following
//! the rules of Terraform's formatter (hclwrite): a line with a net increase of
//! brackets indents the following lines by two spaces, a line starting with a
//! closing bracket dedents, and consecutive lines whose first `=` is followed by a
//! complete expression have their `=` aligned one space after the longest name.
//!
//! The input is generator output, not arbitrary HCL: it never contains heredocs or
//! multi-line strings (user strings are escaped onto one line), which is what makes
//! a line-oriented layout pass exact. The result is still parsed with `hcl-edit`
//! afterwards, so a template mistake surfaces as an error rather than bad output.

/// How one line of HCL changes bracket depth, and where its alignment `=` is.
struct LineShape {
    /// Net count of opening minus closing brackets outside strings and comments.
    net: i32,
    /// Whether the line starts with a closing bracket.
    starts_closing: bool,
    /// Byte offset of the `=` that hclwrite would align, if any.
    assign_at: Option<usize>,
}

/// Scans one trimmed line. Strings (with `\` escapes and `${ … }`/`%{ … }` template
/// sequences, which may themselves contain strings) are skipped so that brackets or
/// `=` inside them do not count.
fn shape(line: &str) -> LineShape {
    let b = line.as_bytes();
    let comment_only = line.starts_with('#') || line.starts_with("//");
    // Mode stack: `true` = inside a quoted string, `false` = inside a template
    // interpolation within a string (counts its own braces to find its end).
    let mut modes: Vec<bool> = Vec::new();
    let mut interp_depth: Vec<i32> = Vec::new();
    let mut net = 0i32;
    let mut first_eq: Option<usize> = None;
    let mut net_at_eq = 0i32;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let in_string = modes.last() == Some(&true);
        if in_string {
            match c {
                b'\\' => i += 1,
                b'"' => {
                    modes.pop();
                }
                b'$' | b'%' if b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') => i += 2,
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                    modes.push(false);
                    interp_depth.push(0);
                    i += 1;
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        let in_interp = !modes.is_empty();
        match c {
            b'"' => modes.push(true),
            b'#' => break,
            b'/' if b.get(i + 1) == Some(&b'/') => break,
            b'{' | b'[' | b'(' => {
                if in_interp {
                    *interp_depth.last_mut().unwrap() += 1;
                } else {
                    net += 1;
                }
            }
            b'}' | b']' | b')' => {
                if in_interp {
                    let d = interp_depth.last_mut().unwrap();
                    if *d == 0 && c == b'}' {
                        interp_depth.pop();
                        modes.pop();
                    } else {
                        *d -= 1;
                    }
                } else {
                    net -= 1;
                }
            }
            b'=' if !in_interp && first_eq.is_none() => {
                let prev = if i > 0 { b[i - 1] } else { b' ' };
                let next = b.get(i + 1).copied().unwrap_or(b' ');
                if !matches!(prev, b'=' | b'!' | b'<' | b'>') && !matches!(next, b'=' | b'>') {
                    first_eq = Some(i);
                    net_at_eq = net;
                }
            }
            _ => {}
        }
        i += 1;
    }
    // hclwrite aligns the first `=` only when what follows it is a whole expression
    // (no net bracket change from the `=` to the end of the line).
    let assign_at = first_eq.filter(|&at| at > 0 && net - net_at_eq == 0);
    LineShape {
        net,
        starts_closing: matches!(b.first(), Some(b'}' | b']' | b')')),
        assign_at: if comment_only { None } else { assign_at },
    }
}

/// Formats rendered HCL: re-indents, aligns `=`, trims trailing spaces, drops blank
/// lines at the start and end of bracketed bodies and collapses runs of blank lines.
pub fn format_hcl(text: &str) -> String {
    struct Line {
        text: String,
        indent: usize,
        assign_at: Option<usize>,
        opens: bool,
        closes: bool,
    }
    let mut lines: Vec<Line> = Vec::new();
    let mut indents: Vec<i32> = Vec::new();
    for raw in text.lines() {
        let t = raw.trim();
        if t.is_empty() {
            lines.push(Line { text: String::new(), indent: 0, assign_at: None, opens: false, closes: false });
            continue;
        }
        let s = shape(t);
        let indent;
        if s.net > 0 {
            indent = indents.len();
            indents.push(s.net);
        } else if s.net < 0 {
            let mut closed = -s.net;
            while closed > 0 {
                let Some(top) = indents.last_mut() else { break };
                if closed >= *top {
                    closed -= *top;
                    indents.pop();
                } else {
                    *top -= closed;
                    closed = 0;
                }
            }
            indent = indents.len();
        } else {
            // A line such as `} else {` or `]` followed by `[` keeps the depth but
            // sits at the level of its opening line.
            indent = if s.starts_closing { indents.len().saturating_sub(1) } else { indents.len() };
        }
        lines.push(Line {
            text: t.to_string(),
            indent,
            assign_at: s.assign_at,
            opens: s.net > 0,
            closes: s.starts_closing,
        });
    }

    // Drop blank lines that follow an opening line or precede a closing one, and
    // collapse runs of blank lines; leading and trailing blank lines go too.
    let mut kept: Vec<Line> = Vec::new();
    for line in lines {
        if line.text.is_empty() {
            match kept.last() {
                None => continue,
                Some(prev) if prev.text.is_empty() || prev.opens => continue,
                _ => {}
            }
        } else if line.closes && kept.last().is_some_and(|p| p.text.is_empty()) {
            kept.pop();
        }
        kept.push(line);
    }
    while kept.last().is_some_and(|l| l.text.is_empty()) {
        kept.pop();
    }

    // Align `=` across each run of consecutive lines that have an alignable `=`.
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut i = 0;
    while i < kept.len() {
        if kept[i].assign_at.is_none() {
            push_line(&mut out, &kept[i].text, kept[i].indent);
            i += 1;
            continue;
        }
        let start = i;
        while i < kept.len() && kept[i].assign_at.is_some() {
            i += 1;
        }
        let lead_width = |l: &Line| l.indent * 2 + l.text[..l.assign_at.unwrap()].trim_end().chars().count();
        let width = kept[start..i].iter().map(lead_width).max().unwrap_or(0);
        for l in &kept[start..i] {
            let at = l.assign_at.unwrap();
            let lead = l.text[..at].trim_end();
            let rest = l.text[at + 1..].trim_start();
            let pad = width - lead_width(l) + 1;
            let mut s = String::with_capacity(l.text.len() + pad);
            s.push_str(lead);
            s.extend(std::iter::repeat_n(' ', pad));
            s.push('=');
            if !rest.is_empty() {
                s.push(' ');
                s.push_str(rest);
            }
            push_line(&mut out, &s, l.indent);
        }
    }
    out
}

fn push_line(out: &mut String, text: &str, indent: usize) {
    if !text.is_empty() {
        out.extend(std::iter::repeat_n(' ', indent * 2));
        out.push_str(text);
    }
    out.push('\n');
}

/// Splits formatted HCL into its top-level blocks. Each block's text includes the
/// comment lines directly above it and ends with a newline; blank lines between
/// blocks are not part of any block.
pub fn split_blocks(formatted: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    for line in formatted.lines() {
        if depth == 0 && line.is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        let t = line.trim();
        if t.starts_with('#') || t.starts_with("//") {
            continue;
        }
        depth += shape(t).net;
        if depth <= 0 {
            depth = 0;
            blocks.push(std::mem::take(&mut current));
        }
    }
    if !current.trim().is_empty() {
        blocks.push(current);
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_and_aligns_like_terraform_fmt() {
        let input = r#"
resource "aws_instance" "web" {
ami = data.aws_ami.web.id
instance_type = var.web_instance_type

metadata_options {
http_tokens = "required"
http_endpoint = "enabled"
}
tags = {
Name = "web = server"
}
}
"#;
        let expected = r#"resource "aws_instance" "web" {
  ami           = data.aws_ami.web.id
  instance_type = var.web_instance_type

  metadata_options {
    http_tokens   = "required"
    http_endpoint = "enabled"
  }
  tags = {
    Name = "web = server"
  }
}
"#;
        assert_eq!(format_hcl(input), expected);
    }

    #[test]
    fn brackets_and_equals_inside_strings_do_not_count() {
        let input = "a = \"{ [ ( = \\\" ${x[\"}\"]} $${y\"\nbb = 1\n";
        let expected = "a  = \"{ [ ( = \\\" ${x[\"}\"]} $${y\"\nbb = 1\n";
        assert_eq!(format_hcl(input), expected);
    }

    #[test]
    fn comparison_operators_are_not_alignment_points() {
        let input = "condition = var.x >= 1 && var.x <= 2\nerror_message = \"Bad.\"\n";
        let expected = "condition     = var.x >= 1 && var.x <= 2\nerror_message = \"Bad.\"\n";
        assert_eq!(format_hcl(input), expected);
    }

    #[test]
    fn multi_line_values_break_alignment_runs() {
        let input = "a = 1\nlong_name = [\n\"x\",\n]\nb = 2\n";
        let expected = "a = 1\nlong_name = [\n  \"x\",\n]\nb = 2\n";
        assert_eq!(format_hcl(input), expected);
    }

    #[test]
    fn blocks_split_with_their_comments() {
        let text = "# first\nvariable \"a\" {\n  type = string\n}\n\n# second\n# two lines\nlocals {}\n";
        let blocks = split_blocks(text);
        assert_eq!(blocks, vec!["# first\nvariable \"a\" {\n  type = string\n}\n", "# second\n# two lines\nlocals {}\n"]);
    }
}
