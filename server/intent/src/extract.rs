//! Values written inline in a request that are not words of the lexicon: CIDR
//! blocks and IP addresses, instance types, file names, e-mail addresses, domain
//! names, resource names ("called test-lb-tf"), schedules ("every day at 7am UTC"),
//! ports and quantities with units ("30 days", "100 GB").

use crate::text::Token;
use tc_knowledge::KnowledgeBase;

#[derive(Debug, Clone, PartialEq)]
pub enum EntityKind {
    /// A CIDR block; a bare IP address becomes a /32 (or /128).
    Cidr(String),
    InstanceType(String),
    DbInstanceClass(String),
    /// A local file such as `lambda.js`.
    File(String),
    Email(String),
    Domain(String),
    /// A name given with "called" or "named".
    Name(String),
    /// An AMI id such as `ami-0123456789abcdef0`.
    AmiId(String),
    /// Something written like an address or CIDR block that does not parse
    /// ("10.0.0.0/33"): reported back as not understood rather than dropped.
    Malformed(String),
    /// An EventBridge schedule expression.
    Schedule(String),
    /// Ports named explicitly ("port 8080") or by protocol ("ssh" → 22).
    Ports {
        ports: Vec<u16>,
        by_protocol: bool,
    },
    /// A number with a unit, normalised: days, seconds, GiB or MiB.
    Quantity {
        value: i64,
        unit: Unit,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Days,
    Seconds,
    GiB,
    MiB,
}

/// An entity with the tokens it covers (inclusive first, exclusive end).
#[derive(Debug, Clone)]
pub struct Entity {
    pub kind: EntityKind,
    pub start: usize,
    pub end: usize,
}

const FILE_EXTENSIONS: &[&str] = &[
    "js", "mjs", "cjs", "ts", "py", "zip", "go", "rb", "java", "jar", "sh", "json", "html", "htm",
    "txt", "yaml", "yml", "css", "tf", "jpg", "png", "war", "cs", "php",
];
const TLDS: &[&str] = &[
    "com", "net", "org", "io", "dev", "app", "co", "uk", "de", "ai", "cloud", "info", "biz", "me",
    "us", "eu", "fr", "au", "in", "jp", "xyz", "tech", "site", "online", "shop", "nl", "es", "it",
    "ch", "se", "br", "ca", "sg", "nz", "my", "internal", "local",
];

/// Finds every inline value in the request. `tokens` come from the same normalised text.
pub fn entities(norm: &str, tokens: &[Token], kb: &KnowledgeBase) -> Vec<Entity> {
    let mut out = Vec::new();
    chunk_entities(norm, tokens, kb, &mut out);
    schedule(tokens, &mut out);
    anywhere(tokens, &mut out);
    ports(tokens, &out.clone(), &mut out);
    quantities(tokens, &out.clone(), &mut out);
    out.sort_by_key(|e| e.start);
    out
}

fn covered(out: &[Entity], i: usize) -> bool {
    out.iter().any(|e| e.start <= i && i < e.end)
}

/// Whitespace-separated chunks of the text with their byte spans, stripped of
/// surrounding punctuation.
fn chunks(norm: &str) -> Vec<(&str, usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for raw in norm.split_whitespace() {
        let start = pos + norm[pos..].find(raw).unwrap_or(0);
        pos = start + raw.len();
        let lead = raw.len() - raw.trim_start_matches(|c: char| "([{\"<".contains(c)).len();
        let trimmed = raw
            .trim_start_matches(|c: char| "([{\"<".contains(c))
            .trim_end_matches(|c: char| ",;!?)]}\">.:".contains(c));
        if !trimmed.is_empty() {
            out.push((trimmed, start + lead, start + lead + trimmed.len()));
        }
    }
    out
}

fn token_span(tokens: &[Token], start: usize, end: usize) -> Option<(usize, usize)> {
    let first = tokens
        .iter()
        .position(|t| t.start >= start && t.start < end)?;
    let last = tokens
        .iter()
        .rposition(|t| t.start >= start && t.start < end)?;
    Some((first, last + 1))
}

fn chunk_entities(norm: &str, tokens: &[Token], kb: &KnowledgeBase, out: &mut Vec<Entity>) {
    let chunks = chunks(norm);
    for (ci, (chunk, start, end)) in chunks.iter().enumerate() {
        let Some((ts, te)) = token_span(tokens, *start, *end) else {
            continue;
        };
        let kind = if let Ok(net) = chunk.parse::<ipnet::IpNet>() {
            Some(EntityKind::Cidr(net.to_string()))
        } else if let Ok(ip) = chunk.parse::<std::net::IpAddr>() {
            Some(EntityKind::Cidr(ipnet::IpNet::from(ip).to_string()))
        } else if chunk.contains(['.', '/'])
            && chunk.split(['.', '/']).count() >= 4
            && chunk
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '/')
        {
            Some(EntityKind::Malformed(chunk.to_string()))
        } else if chunk.strip_prefix("ami-").is_some_and(|h| {
            (8..=17).contains(&h.len()) && h.chars().all(|c| c.is_ascii_hexdigit())
        }) {
            Some(EntityKind::AmiId(chunk.to_string()))
        } else if kb.instance_types.iter().any(|t| t == chunk) {
            Some(EntityKind::InstanceType(chunk.to_string()))
        } else if kb.db_instance_classes.iter().any(|t| t == chunk) {
            Some(EntityKind::DbInstanceClass(chunk.to_string()))
        } else if chunk.contains('@') && chunk.rsplit('@').next().is_some_and(|d| d.contains('.')) {
            Some(EntityKind::Email(chunk.to_string()))
        } else if let Some((stem, ext)) = chunk.rsplit_once('.') {
            let stem_ok = !stem.is_empty()
                && stem
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
            if stem_ok && FILE_EXTENSIONS.contains(&ext) && stem != "node" {
                Some(EntityKind::File(chunk.to_string()))
            } else if stem_ok
                && TLDS.contains(&ext)
                && stem.chars().any(|c| c.is_ascii_alphabetic())
                && !stem.contains('/')
            {
                Some(EntityKind::Domain(chunk.to_string()))
            } else {
                None
            }
        } else {
            None
        };
        if let Some(kind) = kind {
            out.push(Entity {
                kind,
                start: ts,
                end: te,
            });
            continue;
        }
        // "called test-lb-tf", "named my-app", "name it orders".
        let is_name_cue = matches!(*chunk, "called" | "named")
            || (*chunk == "it" && ci > 0 && chunks[ci - 1].0 == "name");
        if is_name_cue {
            if let Some((next, ns, ne)) = chunks.get(ci + 1) {
                let name = next.trim_matches(|c: char| c == '"' || c == '\'');
                let plausible = name.len() >= 2
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                    && name
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphanumeric())
                    && !matches!(name, "a" | "an" | "the" | "it" | "something" | "whatever");
                if plausible {
                    if let Some((ts, te)) = token_span(tokens, *ns, *ne) {
                        out.push(Entity {
                            kind: EntityKind::Name(name.to_string()),
                            start: ts.saturating_sub(1),
                            end: te,
                        });
                    }
                }
            }
        }
    }
}

/// "from anywhere", "from the internet", "open to the world": every IPv4 address.
fn anywhere(tokens: &[Token], out: &mut Vec<Entity>) {
    for i in 0..tokens.len() {
        if !matches!(tokens[i].text.as_str(), "from" | "to") {
            continue;
        }
        let mut j = i + 1;
        if tokens.get(j).is_some_and(|t| t.text == "the") {
            j += 1;
        }
        if tokens.get(j).is_some_and(|t| {
            matches!(
                t.text.as_str(),
                "anywhere" | "everywhere" | "internet" | "world" | "everyone" | "anyone"
            )
        }) {
            out.push(Entity {
                kind: EntityKind::Cidr("0.0.0.0/0".into()),
                start: i,
                end: j + 1,
            });
        }
    }
}

fn weekday(w: &str) -> Option<&'static str> {
    let w = w.trim_end_matches('s');
    Some(match w {
        "monday" | "mon" => "MON",
        "tuesday" | "tue" | "tues" => "TUE",
        "wednesday" | "wed" => "WED",
        "thursday" | "thu" | "thur" | "thurs" => "THU",
        "friday" | "fri" => "FRI",
        "saturday" | "sat" => "SAT",
        "sunday" | "sun" => "SUN",
        "weekday" => "MON-FRI",
        "weekend" => "SAT,SUN",
        _ => return None,
    })
}

/// Parses a clock time at `tokens[i]` ("7am", "7 am", "7:30pm", "19:00", "noon"):
/// (hour, minute, tokens used).
fn clock(tokens: &[Token], i: usize) -> Option<(u32, u32, usize)> {
    let t = tokens.get(i)?.text.as_str();
    match t {
        "noon" | "midday" => return Some((12, 0, 1)),
        "midnight" => return Some((0, 0, 1)),
        _ => {}
    }
    let (body, mut suffix) = if let Some(b) = t.strip_suffix("am") {
        (b, Some("am"))
    } else if let Some(b) = t.strip_suffix("pm") {
        (b, Some("pm"))
    } else {
        (t, None)
    };
    let mut used = 1;
    if suffix.is_none() {
        if let Some(n) = tokens.get(i + 1) {
            if n.text == "am" || n.text == "pm" {
                suffix = Some(if n.text == "am" { "am" } else { "pm" });
                used = 2;
            }
        }
    }
    let (h, m) = match body.split_once(':') {
        Some((h, m)) => (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?),
        None => (body.parse::<u32>().ok()?, 0),
    };
    if m > 59 {
        return None;
    }
    let h = match suffix {
        Some("am") if (1..=12).contains(&h) => h % 12,
        Some("pm") if (1..=12).contains(&h) => h % 12 + 12,
        Some(_) => return None,
        None if body.contains(':') && h < 24 => h,
        // A bare number is a time only with a clock word after it ("7 utc", "7 o'clock").
        None if h < 24
            && tokens.get(i + 1).is_some_and(|n| {
                matches!(
                    n.text.as_str(),
                    "utc" | "gmt" | "oclock" | "o" | "h" | "hrs"
                )
            }) =>
        {
            h
        }
        None => return None,
    };
    Some((h, m, used))
}

/// Recognises schedules such as "every day at 7am UTC", "hourly", "every 5 minutes",
/// "every monday at 9:30", "nightly", and turns them into EventBridge expressions.
fn schedule(tokens: &[Token], out: &mut Vec<Entity>) {
    let mut start = usize::MAX;
    let mut end = 0;
    let mut rate: Option<String> = None;
    let mut daily = false;
    let mut dow: Option<&str> = None;
    let mut time: Option<(u32, u32)> = None;
    let mut monthly = false;
    let mut i = 0;
    fn mark(a: usize, b: usize, start: &mut usize, end: &mut usize) {
        *start = (*start).min(a);
        *end = (*end).max(b);
    }
    while i < tokens.len() {
        let t = tokens[i].text.as_str();
        let next = tokens.get(i + 1).map(|t| t.text.as_str()).unwrap_or("");
        let next2 = tokens.get(i + 2).map(|t| t.text.as_str()).unwrap_or("");
        match t {
            "every" | "each" | "once" | "per" => {
                // "once a day" / "once an hour": skip the article.
                let (n_tok, unit_i) = if matches!(next, "a" | "an" | "per") {
                    (None, i + 2)
                } else if next.parse::<u32>().is_ok() {
                    (next.parse::<u32>().ok(), i + 2)
                } else {
                    (None, i + 1)
                };
                let unit = tokens.get(unit_i).map(|t| t.text.as_str()).unwrap_or("");
                let n = n_tok.unwrap_or(1);
                let plural = |u: &str| {
                    if n == 1 {
                        u.to_string()
                    } else {
                        format!("{u}s")
                    }
                };
                let found = match unit {
                    "minute" | "minutes" | "min" | "mins" => {
                        Some(format!("rate({n} {})", plural("minute")))
                    }
                    "hour" | "hours" | "hr" | "hrs" => {
                        Some(format!("rate({n} {})", plural("hour")))
                    }
                    "day" | "days" if n > 1 => Some(format!("rate({n} days)")),
                    "week" | "weeks" => Some(format!("rate({} days)", 7 * n)),
                    _ => None,
                };
                if let Some(r) = found {
                    rate = Some(r);
                    mark(i, unit_i + 1, &mut start, &mut end);
                    i = unit_i + 1;
                    continue;
                }
                match unit {
                    "day" | "days" => daily = true,
                    "night" | "nights" | "evening" => {
                        daily = true;
                        time = time.or(Some(if unit == "evening" { (18, 0) } else { (0, 0) }));
                    }
                    "morning" | "mornings" => {
                        daily = true;
                        time = time.or(Some((8, 0)));
                    }
                    "month" | "months" => monthly = true,
                    u if weekday(u).is_some() => dow = weekday(u),
                    _ => {
                        i += 1;
                        continue;
                    }
                }
                mark(i, unit_i + 1, &mut start, &mut end);
                i = unit_i + 1;
                continue;
            }
            "daily" => daily = true,
            "nightly" => {
                daily = true;
                time = time.or(Some((0, 0)));
            }
            "hourly" => rate = Some("rate(1 hour)".into()),
            "weekly" => rate = Some("rate(7 days)".into()),
            "monthly" => monthly = true,
            "on" if weekday(next).is_some() => {
                dow = weekday(next);
                mark(i, i + 2, &mut start, &mut end);
                i += 2;
                continue;
            }
            "at" => {
                if let Some((h, m, used)) = clock(tokens, i + 1) {
                    time = Some((h, m));
                    let mut e = i + 1 + used;
                    if matches!(tokens.get(e).map(|t| t.text.as_str()), Some("utc" | "gmt")) {
                        e += 1;
                    }
                    mark(i, e, &mut start, &mut end);
                    i = e;
                    continue;
                }
                i += 1;
                continue;
            }
            "midnight" | "noon" => time = clock(tokens, i).map(|(h, m, _)| (h, m)),
            _ => {
                let _ = next2;
                i += 1;
                continue;
            }
        }
        mark(i, i + 1, &mut start, &mut end);
        i += 1;
    }
    let expr = if let Some(r) = rate {
        r
    } else if let Some(d) = dow {
        let (h, m) = time.unwrap_or((0, 0));
        format!("cron({m} {h} ? * {d} *)")
    } else if monthly {
        let (h, m) = time.unwrap_or((0, 0));
        format!("cron({m} {h} 1 * ? *)")
    } else if let Some((h, m)) = time {
        let _ = daily;
        format!("cron({m} {h} * * ? *)")
    } else if daily {
        "rate(1 day)".into()
    } else {
        return;
    };
    out.push(Entity {
        kind: EntityKind::Schedule(expr),
        start,
        end,
    });
}

/// "port 8080", "ports 80 and 443", "ssh", "rdp".
fn ports(tokens: &[Token], seen: &[Entity], out: &mut Vec<Entity>) {
    let mut i = 0;
    while i < tokens.len() {
        if covered(seen, i) {
            i += 1;
            continue;
        }
        let t = tokens[i].text.as_str();
        if t == "port" || t == "ports" {
            let mut list = Vec::new();
            let mut j = i + 1;
            while let Some(tok) = tokens.get(j) {
                if let Ok(p) = tok.text.parse::<u16>() {
                    if p > 0 {
                        list.push(p);
                    }
                } else if !matches!(tok.text.as_str(), "and" | "or" | "to") {
                    break;
                }
                j += 1;
            }
            if !list.is_empty() {
                out.push(Entity {
                    kind: EntityKind::Ports {
                        ports: list,
                        by_protocol: false,
                    },
                    start: i,
                    end: j,
                });
                i = j;
                continue;
            }
        }
        // "ssh" and "rdp" always name their port; "http(s)" only when traffic is
        // being allowed ("allow https from anywhere"), else it is about TLS.
        let allowing = (i.saturating_sub(2)..i).any(|j| {
            matches!(
                tokens[j].text.as_str(),
                "allow"
                    | "allowing"
                    | "allows"
                    | "open"
                    | "opening"
                    | "permit"
                    | "inbound"
                    | "ingress"
                    | "accept"
                    | "accepting"
            )
        }) || tokens.get(i + 1).is_some_and(|n| n.text == "from");
        let proto = match t {
            "ssh" => Some(22),
            "rdp" => Some(3389),
            "https" if allowing => Some(443),
            "http" if allowing => Some(80),
            _ => None,
        };
        if let Some(p) = proto {
            out.push(Entity {
                kind: EntityKind::Ports {
                    ports: vec![p],
                    by_protocol: true,
                },
                start: i,
                end: i + 1,
            });
        }
        i += 1;
    }
}

/// "30 days", "100 GB", "512 MB", "15 minutes", "2 weeks".
fn quantities(tokens: &[Token], seen: &[Entity], out: &mut Vec<Entity>) {
    for i in 0..tokens.len().saturating_sub(1) {
        if covered(seen, i) || covered(seen, i + 1) {
            continue;
        }
        let Ok(n) = tokens[i].text.parse::<i64>() else {
            continue;
        };
        let Some((value, unit)) = unit_value(n, &tokens[i + 1].text) else {
            continue;
        };
        out.push(Entity {
            kind: EntityKind::Quantity { value, unit },
            start: i,
            end: i + 2,
        });
    }
    // Number and unit written together: "50gb", "30d", "512mb".
    for (i, t) in tokens.iter().enumerate() {
        if covered(seen, i) {
            continue;
        }
        let digits = t.text.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || digits == t.text.len() {
            continue;
        }
        let (num, unit) = t.text.split_at(digits);
        if let (Ok(n), Some(_)) = (num.parse::<i64>(), unit_value(1, unit)) {
            if let Some((value, unit)) = unit_value(n, unit) {
                out.push(Entity {
                    kind: EntityKind::Quantity { value, unit },
                    start: i,
                    end: i + 1,
                });
            }
        }
    }
}

/// A number with its unit word, normalised to days, seconds, GiB or MiB.
fn unit_value(n: i64, unit: &str) -> Option<(i64, Unit)> {
    Some(match unit {
        "day" | "days" | "d" => (n, Unit::Days),
        "week" | "weeks" => (n * 7, Unit::Days),
        "month" | "months" => (n * 30, Unit::Days),
        "year" | "years" => (n * 365, Unit::Days),
        "second" | "seconds" | "sec" | "secs" | "s" => (n, Unit::Seconds),
        "minute" | "minutes" | "min" | "mins" => (n * 60, Unit::Seconds),
        "hour" | "hours" | "hr" | "hrs" => (n * 3600, Unit::Seconds),
        "gb" | "gib" | "gigs" | "gigabytes" | "g" => (n, Unit::GiB),
        "tb" | "tib" | "terabytes" => (n * 1024, Unit::GiB),
        "mb" | "mib" | "megabytes" => (n, Unit::MiB),
        _ => return None,
    })
}
