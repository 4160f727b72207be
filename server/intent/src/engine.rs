//! The offline intent engine: request text → [`Intent`]. Rules over the lexicon:
//! longest-phrase matching of service names, purposes, parameter phrases, regions
//! and size words; inline values (CIDRs, ports, names, schedules); negation; counts
//! and variants ("1 public and 1 private subnet"); fuzzy matching of misspelled
//! technical names only. Pure and deterministic.

use crate::extract::{entities, Entity, EntityKind, Unit};
use crate::lexicon::{lexicon, Lexicon, Target};
use crate::text::{normalize, Token};
use crate::types::{Intent, RequestedComponent};
use std::collections::{BTreeMap, BTreeSet};
use tc_knowledge::{knowledge, Component, Format, KnowledgeBase, ParamType, Value};

/// Understands a request with the embedded knowledge base.
pub fn understand(text: &str) -> Intent {
    understand_with(knowledge(), lexicon(), text)
}

#[derive(Debug, Clone)]
struct Match {
    start: usize,
    end: usize,
    targets: Vec<Target>,
}

impl Match {
    fn is_content(&self) -> bool {
        self.targets.iter().any(|t| {
            matches!(
                t,
                Target::Component(_)
                    | Target::Param { .. }
                    | Target::Region(_)
                    | Target::SizeHint(_)
            )
        })
    }
}

/// A component as assembled from one or more mentions.
#[derive(Debug, Clone)]
struct Comp {
    id: String,
    count: Option<u32>,
    role: Option<String>,
    params: BTreeMap<String, Value>,
    matched: Vec<String>,
    positions: Vec<usize>,
}

/// One mention of a component before mentions of the same thing are merged.
struct Mention {
    id: String,
    start: usize,
    count: Option<u32>,
    role: Option<String>,
    params: BTreeMap<String, Value>,
    matched: String,
    another: bool,
}

/// Understands a request against a given knowledge base and lexicon.
pub fn understand_with(kb: &KnowledgeBase, lex: &Lexicon, text: &str) -> Intent {
    let norm = normalize(text);
    let toks = lex.keyer.tokens(&norm);
    let n = toks.len();
    let ents = entities(&norm, &toks, kb);
    let mut used = vec![false; n];
    for e in &ents {
        for u in used.iter_mut().take(e.end.min(n)).skip(e.start) {
            *u = true;
        }
    }

    let mut matches = phrase_matches(lex, &toks, &used);
    let mut covered = used.clone();
    for m in &matches {
        covered[m.start..m.end].iter_mut().for_each(|c| *c = true);
    }
    matches.extend(fuzzy_matches(lex, &toks, &covered));
    matches.sort_by_key(|m| m.start);
    for m in &matches {
        covered[m.start..m.end].iter_mut().for_each(|c| *c = true);
    }

    // Negation: a negation word negates the first content (component, parameter,
    // region, size word or inline value) within reach after it.
    let negated = negation_marks(lex, &matches, &ents);

    let mut mentions: Vec<Mention> = Vec::new();
    let mut param_mentions: Vec<(usize, String, String, Value)> = Vec::new();
    let mut excluded: Vec<String> = Vec::new();
    let mut regions: Vec<String> = Vec::new();
    let mut hints: Vec<(usize, String)> = Vec::new();
    let mut az_count: Option<u32> = None;
    let mut variant_cov: Vec<usize> = Vec::new();
    let mut indefinite_seen: BTreeSet<(String, String)> = BTreeSet::new();

    for (mi, m) in matches.iter().enumerate() {
        let neg = negated.matches.contains(&mi);
        let span_text = span(&toks, m.start, m.end);
        // A yes/no phrase followed by "on"/"off" ("ipv6 turned on", "deletion protection off").
        let switch = matches
            .get(mi + 1)
            .filter(|nx| nx.start == m.end)
            .and_then(|nx| {
                nx.targets.iter().find_map(|t| match t {
                    Target::SwitchOn => Some(true),
                    Target::SwitchOff => Some(false),
                    _ => None,
                })
            });
        let comp_ids: Vec<&String> = m
            .targets
            .iter()
            .filter_map(|t| {
                if let Target::Component(c) = t {
                    Some(c)
                } else {
                    None
                }
            })
            .collect();
        for t in &m.targets {
            match t {
                Target::Component(id) => {
                    if neg {
                        if !excluded.contains(id) {
                            excluded.push(id.clone());
                        }
                        continue;
                    }
                    if is_context(lex, &toks, m) || is_head_noun(lex, &toks, &matches, m) {
                        continue;
                    }
                    let own: BTreeMap<String, Value> = m
                        .targets
                        .iter()
                        .filter_map(|t| match t {
                            Target::Param {
                                component,
                                param,
                                value,
                            } if component == id => Some((param.clone(), value.clone())),
                            _ => None,
                        })
                        .collect();
                    let role = role_near(lex, &toks, &matches, m);
                    // "a bucket for logs and a bucket for images": the same indefinite
                    // mention again, each for its own purpose, is another one.
                    let indefinite =
                        m.start > 0 && matches!(toks[m.start - 1].text.as_str(), "a" | "an");
                    let qualified = toks.get(m.end).is_some_and(|t| t.text == "for");
                    let again = indefinite
                        && qualified
                        && indefinite_seen.contains(&(id.clone(), span_text.clone()));
                    if indefinite && qualified {
                        indefinite_seen.insert((id.clone(), span_text.clone()));
                    }
                    let another =
                        again || looks_back(&matches, m.start, 3, |t| matches!(t, Target::Another));
                    let (mut variants, variant_tokens) =
                        variants_before(lex, &toks, &matches, m, id);
                    // A mention that states the value itself ("postgres" in "mysql and
                    // postgres") is its own variant; the words before it are other mentions.
                    variants.retain(|(p, _, _)| !own.contains_key(p));
                    variant_cov.extend(variant_tokens);
                    if variants.is_empty() {
                        mentions.push(Mention {
                            id: id.clone(),
                            start: m.start,
                            count: count_before(&toks, &matches, m.start),
                            role,
                            params: own,
                            matched: span_text.clone(),
                            another,
                        });
                    } else {
                        for (param, value, count) in variants {
                            let mut params = own.clone();
                            params.insert(param, value);
                            mentions.push(Mention {
                                id: id.clone(),
                                start: m.start,
                                count,
                                role: role.clone(),
                                params,
                                matched: span_text.clone(),
                                another,
                            });
                        }
                    }
                }
                Target::Param {
                    component,
                    param,
                    value,
                } => {
                    if comp_ids.contains(&component) {
                        continue;
                    }
                    let mut value = value.clone();
                    if let Value::Bool(b) = value {
                        let mut b = if neg { !b } else { b };
                        if switch == Some(false) {
                            b = !b;
                        }
                        value = Value::Bool(b);
                    } else if neg {
                        continue;
                    }
                    param_mentions.push((m.start, component.clone(), param.clone(), value));
                }
                Target::Region(code) if !neg && !regions.contains(code) => {
                    regions.push(code.clone());
                }
                Target::SizeHint(h) if !neg => {
                    hints.push((m.start, h.clone()));
                }
                Target::AzWord => {
                    if let Some(c) = count_before(&toks, &matches, m.start) {
                        az_count = Some(c);
                    }
                }
                _ => {}
            }
        }
    }

    // Purposes: "run code when a file arrives", "something to queue jobs".
    let mut purpose_cov = vec![false; n];
    let mut blocked = used.clone();
    // The words just before a quantity describe it ("keep backups 14 days"), they are
    // not a purpose of their own.
    for e in ents
        .iter()
        .filter(|e| matches!(e.kind, EntityKind::Quantity { .. }))
    {
        blocked[e.start.saturating_sub(3)..e.start]
            .iter_mut()
            .for_each(|b| *b = true);
    }
    for m in matches.iter().filter(|m| {
        m.targets.iter().any(|t| matches!(t, Target::Param { .. }))
            && !m.targets.iter().any(|t| matches!(t, Target::Component(_)))
    }) {
        blocked[m.start..m.end].iter_mut().for_each(|b| *b = true);
    }
    let mut named: Vec<Vec<&str>> = vec![Vec::new(); n];
    for m in &matches {
        for t in &m.targets {
            if let Target::Component(c) = t {
                named[m.start..m.end]
                    .iter_mut()
                    .for_each(|v| v.push(c.as_str()));
            }
        }
    }
    for (start, id, phrase) in purpose_matches(lex, &toks, &blocked, &named, &mut purpose_cov) {
        mentions.push(Mention {
            id,
            start,
            count: None,
            role: None,
            params: BTreeMap::new(),
            matched: phrase,
            another: false,
        });
    }
    mentions.sort_by_key(|m| m.start);

    let mut comps = merge(mentions);
    for (pos, component, param, value) in param_mentions {
        if let Some(ci) = nearest(&comps, pos, |c| c.id == component) {
            comps[ci].params.insert(param, value);
        }
    }
    for i in apply_entities(kb, lex, &toks, &ents, &negated.entities, &mut comps) {
        covered[i] = true;
    }
    apply_versions(kb, &toks, &matches, &covered, &mut comps);
    // The most specific size word wins: hints are applied in the order of
    // knowledge/size_hints.toml ("free tier" before "cheap").
    hints.sort_by_key(|(_, h)| kb.size_hints.iter().position(|x| &x.id == h));
    for (pos, h) in &hints {
        apply_size_hint(kb, h, *pos, &mut comps);
    }
    for c in comps.iter_mut() {
        if let Some(rp) = c.role.as_ref().and_then(|r| lex.role_params.get(r)) {
            let def = kb.component(&c.id);
            for (k, v) in rp {
                if def.is_some_and(|d| d.parameter(k).is_some()) {
                    c.params.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
    }
    if regions.len() > 1 {
        for c in comps.iter_mut().filter(|c| {
            kb.component(&c.id)
                .is_some_and(|d| d.parameter("replica_regions").is_some())
        }) {
            c.params
                .entry("replica_regions".into())
                .or_insert_with(|| Value::from(regions[1..].to_vec()));
        }
    }
    drop_included(kb, &mut comps);
    // An explicit "no NAT gateway" outweighs a passing mention of NAT elsewhere.
    comps.retain(|c| !excluded.contains(&c.id));

    for i in variant_cov {
        covered[i] = true;
    }
    let mut unknown_words: Vec<String> = ents
        .iter()
        .filter_map(|e| match &e.kind {
            EntityKind::Malformed(m) => Some(m.clone()),
            _ => None,
        })
        .collect();
    for (i, t) in toks.iter().enumerate() {
        if covered[i]
            || purpose_cov[i]
            || lex.filler.contains(&t.key)
            || lex.filler.contains(&t.text)
            || {
                let d = t.text.trim_matches('x');
                !d.is_empty() && d.chars().all(|c| c.is_ascii_digit() || c == '.')
            }
        {
            continue;
        }
        if t.text.len() >= 2 && !unknown_words.contains(&t.text) {
            unknown_words.push(t.text.clone());
        }
    }

    let components = comps
        .into_iter()
        .map(|c| {
            let def = kb.component(&c.id);
            let mut params = c.params;
            let mut count = 1;
            if let Some(k) = c.count {
                match def.and_then(|d| d.count_param.clone()) {
                    Some(cp) => {
                        params.entry(cp).or_insert(Value::from(k));
                    }
                    None => count = k.max(1),
                }
            }
            RequestedComponent {
                component: c.id,
                count,
                role: c.role,
                params,
                matched: c.matched.join(", "),
            }
        })
        .collect();
    Intent {
        components,
        region: regions.first().cloned(),
        extra_regions: regions.iter().skip(1).cloned().collect(),
        excluded,
        unknown_words,
        az_count,
        size_hint: hints.first().map(|(_, h)| h.clone()),
    }
}

fn span(toks: &[Token], start: usize, end: usize) -> String {
    toks[start..end.min(toks.len())]
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Longest-first phrase matching over token keys, skipping tokens already taken by
/// inline values.
fn phrase_matches(lex: &Lexicon, toks: &[Token], used: &[bool]) -> Vec<Match> {
    let n = toks.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        if used[i] {
            i += 1;
            continue;
        }
        let hit = lex.index.get(&toks[i].key).and_then(|entries| {
            entries.iter().find(|e| {
                let len = e.keys.len();
                i + len <= n && (0..len).all(|j| !used[i + j] && toks[i + j].key == e.keys[j])
            })
        });
        match hit {
            Some(e) => {
                out.push(Match {
                    start: i,
                    end: i + e.keys.len(),
                    targets: e.targets.clone(),
                });
                i += e.keys.len();
            }
            None => i += 1,
        }
    }
    out
}

/// Misspelled technical names ("dyanmo", "load balencer", "frankfrut"): words the
/// lexicon does not know, compared with service names and region names only.
fn fuzzy_matches(lex: &Lexicon, toks: &[Token], covered: &[bool]) -> Vec<Match> {
    let n = toks.len();
    let unknown = |i: usize| {
        !covered[i]
            && !lex.filler.contains(&toks[i].key)
            && !lex.filler.contains(&toks[i].text)
            && !lex.known_keys.contains(&toks[i].key)
    };
    let mut out = Vec::new();
    let mut taken = vec![false; n];
    for i in 0..n {
        if covered[i] || taken[i] {
            continue;
        }
        let mut candidates = Vec::new();
        if i + 1 < n
            && !covered[i + 1]
            && (unknown(i) || unknown(i + 1))
            && toks[i].sentence == toks[i + 1].sentence
        {
            candidates.push((format!("{}{}", toks[i].text, toks[i + 1].text), i + 2));
        }
        if unknown(i) {
            candidates.push((toks[i].text.clone(), i + 1));
        }
        for (word, end) in candidates {
            if word.len() < 5 || !word.chars().all(|c| c.is_ascii_alphanumeric()) {
                continue;
            }
            let max = if word.len() >= 8 { 2 } else { 1 };
            let best = lex
                .fuzzy
                .iter()
                .filter(|f| {
                    f.name.len().abs_diff(word.len()) <= max
                        && f.name.as_bytes().first() == word.as_bytes().first()
                })
                .map(|f| (strsim::damerau_levenshtein(&word, &f.name), f))
                .filter(|(d, _)| *d <= max)
                .min_by_key(|(d, _)| *d);
            if let Some((_, f)) = best {
                out.push(Match {
                    start: i,
                    end,
                    targets: vec![f.target.clone()],
                });
                taken[i..end].iter_mut().for_each(|t| *t = true);
                break;
            }
        }
    }
    out
}

struct Negated {
    matches: BTreeSet<usize>,
    entities: BTreeSet<usize>,
}

fn negation_marks(lex: &Lexicon, matches: &[Match], ents: &[Entity]) -> Negated {
    // A timeline of content items: (start, is_entity, index).
    let mut items: Vec<(usize, bool, usize)> = matches
        .iter()
        .enumerate()
        .filter(|(_, m)| m.is_content())
        .map(|(i, m)| (m.start, false, i))
        .collect();
    items.extend(ents.iter().enumerate().map(|(i, e)| (e.start, true, i)));
    items.sort();
    let mut out = Negated {
        matches: BTreeSet::new(),
        entities: BTreeSet::new(),
    };
    for neg in matches
        .iter()
        .filter(|m| m.targets.contains(&Target::Negation))
    {
        if let Some(&(start, is_ent, idx)) = items.iter().find(|(s, _, _)| *s >= neg.end) {
            if start - neg.end < lex.negation_reach {
                if is_ent {
                    out.entities.insert(idx);
                } else {
                    out.matches.insert(idx);
                }
            }
        }
    }
    out
}

/// Whether a component is talked about rather than asked for: "our database is
/// getting hammered", "fewer db calls".
fn is_context(lex: &Lexicon, toks: &[Token], m: &Match) -> bool {
    // Exact words, not stems: "called" is not "calls".
    let after = toks.get(m.end).map(|t| t.text.as_str());
    let before = m.start.checked_sub(1).map(|i| toks[i].text.as_str());
    if after.is_some_and(|a| lex.context_after.contains(a)) {
        return true;
    }
    if before.is_some_and(|b| lex.possessives.contains(b))
        && after.is_some_and(|a| lex.state_verbs.contains(a))
    {
        return true;
    }
    // "so we can get to the RDS": a definite mention inside a purpose clause names
    // something that already exists.
    let definite =
        before.is_some_and(|b| matches!(b, "the" | "our" | "my" | "your" | "their" | "existing"));
    let sentence = toks[m.start].sentence;
    let purpose_clause = (0..m.start).any(|i| {
        toks[i].sentence == sentence
            && toks[i].text == "so"
            && toks[i + 1..m.start]
                .iter()
                .take(3)
                .any(|t| matches!(t.text.as_str(), "can" | "could" | "will" | "that"))
    });
    definite && purpose_clause
}

/// Generic head nouns right after a specific mention belong to it: "mysql
/// instance", "redis cluster", "postgres db".
fn is_head_noun(lex: &Lexicon, toks: &[Token], matches: &[Match], m: &Match) -> bool {
    m.end - m.start == 1
        && lex.head_nouns.contains(&toks[m.start].text)
        && m.start > 0
        && match_at(matches, m.start - 1)
            .is_some_and(|p| p.targets.iter().any(|t| matches!(t, Target::Component(_))))
}

fn match_at(matches: &[Match], i: usize) -> Option<&Match> {
    matches.iter().find(|m| m.start <= i && i < m.end)
}

/// Whether a target of the given kind occurs within `reach` tokens before `start`.
fn looks_back(
    matches: &[Match],
    start: usize,
    reach: usize,
    pred: impl Fn(&Target) -> bool,
) -> bool {
    (start.saturating_sub(reach)..start)
        .any(|i| match_at(matches, i).is_some_and(|m| m.targets.iter().any(&pred)))
}

/// A count just before a mention ("two web servers", "3 AZs"), skipping role and
/// filler words. The articles "a"/"an" are not counts.
fn count_before(toks: &[Token], matches: &[Match], start: usize) -> Option<u32> {
    let mut i = start;
    for _ in 0..3 {
        i = i.checked_sub(1)?;
        let text = toks[i].text.as_str();
        // A preposition ends the noun phrase: "postgres 16 on rds" counts nothing.
        if matches!(
            text,
            "on" | "in" | "for" | "with" | "to" | "from" | "at" | "by" | "behind" | "via" | "into"
        ) {
            return None;
        }
        // "3", "3x", "x3".
        let digits = text.trim_end_matches('x').trim_start_matches('x');
        if let Ok(k) = digits.parse::<u32>() {
            // A number right after a name is its version or size ("postgres 16").
            let after_name = i > 0
                && !toks[i].comma_before
                && match_at(matches, i - 1).is_some_and(|m| {
                    m.targets
                        .iter()
                        .any(|t| matches!(t, Target::Component(_) | Target::Param { .. }))
                });
            return (k > 0 && k < 1000 && !after_name).then_some(k);
        }
        if let Some(m) = match_at(matches, i) {
            if let Some(k) = m.targets.iter().find_map(|t| {
                if let Target::Number(k) = t {
                    Some(*k)
                } else {
                    None
                }
            }) {
                return (!matches!(text, "a" | "an")).then_some(k);
            }
            if m.targets
                .iter()
                .any(|t| matches!(t, Target::Component(_) | Target::Region(_) | Target::AzWord))
            {
                return None;
            }
        }
    }
    None
}

/// A role named inside the mention or right before it ("web server", "bastion host").
fn role_near(lex: &Lexicon, toks: &[Token], matches: &[Match], m: &Match) -> Option<String> {
    let before = m.start.checked_sub(1).filter(|&i| {
        match_at(matches, i)
            .is_none_or(|pm| pm.targets.iter().any(|t| matches!(t, Target::Role(_))))
    });
    before
        .into_iter()
        .chain(m.start..m.end)
        .find_map(|i| lex.role_of_key.get(&toks[i].key).cloned())
}

/// Variant words before a mention: "1 public and 1 private subnet" → tier public ×1
/// and tier private ×1; "mysql and postgres databases" → two engines. Misspelled
/// variants ("privte") are accepted at distance one.
#[allow(clippy::type_complexity)]
fn variants_before(
    lex: &Lexicon,
    toks: &[Token],
    matches: &[Match],
    m: &Match,
    id: &str,
) -> (Vec<(String, Value, Option<u32>)>, Vec<usize>) {
    let Some(vmap) = lex.variants.get(id) else {
        return (Vec::new(), Vec::new());
    };
    let mut found: Vec<(String, Value, Option<u32>)> = Vec::new();
    let mut positions = Vec::new();
    let mut i = m.start;
    for _ in 0..8 {
        let Some(j) = i.checked_sub(1) else { break };
        i = j;
        let t = &toks[j];
        let variant = vmap.get(&t.key).cloned().or_else(|| {
            (t.text.len() >= 5 && !lex.known_keys.contains(&t.key))
                .then(|| {
                    vmap.values()
                        .find(|(_, v)| {
                            v.as_str().is_some_and(|s| {
                                strsim::damerau_levenshtein(&t.text, &s.to_lowercase()) == 1
                            })
                        })
                        .cloned()
                })
                .flatten()
        });
        if let Some((p, v)) = variant {
            if !found.iter().any(|(fp, fv, _)| *fp == p && *fv == v) {
                found.push((p, v, None));
            }
            positions.push(j);
            continue;
        }
        if let Ok(k) = t.text.parse::<u32>() {
            if let Some(last) = found.last_mut().filter(|l| l.2.is_none()) {
                last.2 = Some(k);
                continue;
            }
            break;
        }
        if let Some(k) = match_at(matches, j).and_then(|mm| {
            mm.targets.iter().find_map(|t| {
                if let Target::Number(k) = t {
                    Some(*k)
                } else {
                    None
                }
            })
        }) {
            if !matches!(t.text.as_str(), "a" | "an") {
                if let Some(last) = found.last_mut().filter(|l| l.2.is_none()) {
                    last.2 = Some(k);
                }
            }
            continue;
        }
        if matches!(t.text.as_str(), "and" | "or" | "both") {
            continue;
        }
        break;
    }
    found.reverse();
    (found, positions)
}

/// Purpose phrases matched in order within a sentence, allowing up to two other
/// words between consecutive words of the phrase.
fn purpose_matches(
    lex: &Lexicon,
    toks: &[Token],
    blocked: &[bool],
    named: &[Vec<&str>],
    cov: &mut [bool],
) -> Vec<(usize, String, String)> {
    let seq: Vec<(usize, &str, usize)> = toks
        .iter()
        .enumerate()
        .filter(|(i, t)| !blocked[*i] && !lex.purpose_skip.contains(&t.key))
        .map(|(i, t)| (i, t.key.as_str(), t.sentence))
        .collect();
    let mut out = Vec::new();
    for p in &lex.purposes {
        'start: for s in 0..seq.len() {
            if seq[s].1 != p.keys[0] {
                continue;
            }
            let mut pos = vec![s];
            for k in &p.keys[1..] {
                let last = *pos.last().unwrap();
                let next = (last + 1..seq.len().min(last + 4))
                    .find(|&q| seq[q].1 == k && seq[q].2 == seq[s].2);
                match next {
                    Some(q) => pos.push(q),
                    None => continue 'start,
                }
            }
            // A purpose may not borrow words that name another component ("docker
            // images" is a registry, not "somewhere to store images"), and one made
            // only of words that already name components adds nothing.
            let other = |q: &usize| named[seq[*q].0].iter().any(|c| *c != p.component);
            if pos.iter().any(other) || pos.iter().all(|&q| !named[seq[q].0].is_empty()) {
                continue;
            }
            for &q in &pos {
                cov[seq[q].0] = true;
            }
            out.push((seq[s].0, p.component.clone(), p.phrase.clone()));
            break;
        }
    }
    out
}

/// Merges mentions of the same thing: same component, compatible parameters and
/// roles, and no "another"/"second" in front.
fn merge(mentions: Vec<Mention>) -> Vec<Comp> {
    let mut comps: Vec<Comp> = Vec::new();
    for m in mentions {
        let target = if m.another {
            None
        } else {
            comps.iter().position(|c| {
                c.id == m.id
                    && (c.role.is_none() || m.role.is_none() || c.role == m.role)
                    && m.params
                        .iter()
                        .all(|(k, v)| c.params.get(k).is_none_or(|cv| cv == v))
            })
        };
        match target {
            Some(ci) => {
                let c = &mut comps[ci];
                c.params.extend(m.params);
                c.role = c.role.take().or(m.role);
                c.count = match (c.count, m.count) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
                if !c.matched.contains(&m.matched) {
                    c.matched.push(m.matched);
                }
                c.positions.push(m.start);
            }
            None => comps.push(Comp {
                id: m.id,
                count: m.count,
                role: m.role,
                params: m.params,
                matched: vec![m.matched],
                positions: vec![m.start],
            }),
        }
    }
    comps
}

/// The component nearest to token `pos` among those satisfying `pred`; on a tie the
/// one mentioned before `pos` wins (people name the thing, then describe it).
fn nearest(comps: &[Comp], pos: usize, pred: impl Fn(&Comp) -> bool) -> Option<usize> {
    comps
        .iter()
        .enumerate()
        .filter(|(_, c)| pred(c))
        .min_by_key(|(_, c)| {
            c.positions
                .iter()
                .map(|&p| {
                    if p <= pos {
                        (pos - p) * 2
                    } else {
                        (p - pos) * 2 + 1
                    }
                })
                .min()
                .unwrap_or(usize::MAX)
        })
        .map(|(i, _)| i)
}

fn has_param(
    kb: &KnowledgeBase,
    c: &Comp,
    pred: impl Fn(&tc_knowledge::Parameter) -> bool,
) -> Option<String> {
    kb.component(&c.id)?
        .parameters
        .iter()
        .find(|p| pred(p))
        .map(|p| p.id.clone())
}

fn add_comp(
    comps: &mut Vec<Comp>,
    id: &str,
    pos: usize,
    role: Option<String>,
    matched: &str,
) -> usize {
    comps.push(Comp {
        id: id.into(),
        count: None,
        role,
        params: BTreeMap::new(),
        matched: vec![matched.into()],
        positions: vec![pos],
    });
    comps.len() - 1
}

/// The security group that ingress settings go to: the one asked for, or a new one
/// for the nearest server-like component.
fn ingress_group(kb: &KnowledgeBase, comps: &mut Vec<Comp>, pos: usize, matched: &str) -> usize {
    if let Some(i) = nearest(comps, pos, |c| c.id == "security_group") {
        return i;
    }
    let owner_role = nearest(comps, pos, |c| {
        kb.component(&c.id).is_some_and(|d| {
            d.dependencies
                .iter()
                .any(|dep| dep.component == "security_group")
        })
    })
    .and_then(|i| comps[i].role.clone());
    add_comp(comps, "security_group", pos, owner_role, matched)
}

fn apply_entities(
    kb: &KnowledgeBase,
    lex: &Lexicon,
    toks: &[Token],
    ents: &[Entity],
    negated: &BTreeSet<usize>,
    comps: &mut Vec<Comp>,
) -> Vec<usize> {
    let mut understood = Vec::new();
    let ingress_cue = |start: usize| {
        (start.saturating_sub(4)..start).any(|i| {
            matches!(
                toks[i].text.as_str(),
                "allowing"
                    | "allows"
                    | "permit"
                    | "from"
                    | "allow"
                    | "allowed"
                    | "only"
                    | "whitelist"
                    | "allowlist"
                    | "source"
                    | "inbound"
                    | "ingress"
                    | "open"
            )
        })
    };
    for (ei, e) in ents.iter().enumerate() {
        if negated.contains(&ei) {
            continue;
        }
        let text = span(toks, e.start, e.end);
        match &e.kind {
            EntityKind::Cidr(cidr) => {
                let target = if ingress_cue(e.start) && comps.iter().any(|c| c.id != "vpc") {
                    let sg = ingress_group(kb, comps, e.start, &text);
                    Some((sg, "ingress_cidr_blocks".to_string()))
                } else {
                    nearest(comps, e.start, |c| {
                        has_param(kb, c, |p| {
                            matches!(p.kind, ParamType::Cidr | ParamType::CidrList)
                        })
                        .is_some()
                    })
                    .map(|i| {
                        (
                            i,
                            has_param(kb, &comps[i], |p| {
                                matches!(p.kind, ParamType::Cidr | ParamType::CidrList)
                            })
                            .unwrap(),
                        )
                    })
                };
                if let Some((ci, param)) = target {
                    let list = kb
                        .component(&comps[ci].id)
                        .and_then(|d| d.parameter(&param))
                        .is_some_and(|p| p.kind == ParamType::CidrList);
                    push_value(
                        &mut comps[ci].params,
                        &param,
                        Value::from(cidr.clone()),
                        list,
                    );
                }
            }
            EntityKind::Ports { ports, by_protocol } => {
                let server_like = comps.iter().any(|c| {
                    kb.component(&c.id).is_some_and(|d| {
                        d.dependencies
                            .iter()
                            .any(|dep| dep.component == "security_group")
                    })
                });
                let has_sg = comps.iter().any(|c| c.id == "security_group");
                let to_sg = (*by_protocol && (server_like || has_sg))
                    || (!*by_protocol
                        && (ingress_cue(e.start)
                            || comps.iter().any(|c| c.id == "security_group")));
                if to_sg {
                    let sg = ingress_group(kb, comps, e.start, &text);
                    for p in ports {
                        push_value(
                            &mut comps[sg].params,
                            "ingress_ports",
                            Value::from(*p),
                            true,
                        );
                    }
                } else if !*by_protocol {
                    let port_param = |p: &tc_knowledge::Parameter| {
                        p.kind == ParamType::Port && (p.id == "port" || p.id.ends_with("_port"))
                    };
                    if let Some(ci) =
                        nearest(comps, e.start, |c| has_param(kb, c, port_param).is_some())
                    {
                        let param = has_param(kb, &comps[ci], port_param).unwrap();
                        comps[ci].params.insert(param, Value::from(ports[0]));
                    }
                }
            }
            EntityKind::InstanceType(t) => {
                let takes = |p: &tc_knowledge::Parameter| {
                    p.kind == ParamType::InstanceType || p.id == "instance_types"
                };
                set_nearest_or_imply(
                    kb,
                    comps,
                    e.start,
                    &text,
                    takes,
                    "ec2_instance",
                    Value::from(t.clone()),
                );
            }
            EntityKind::Malformed(_) => {}
            EntityKind::AmiId(id) => set_nearest_or_imply(
                kb,
                comps,
                e.start,
                &text,
                |p| p.format == Some(Format::AmiId),
                "ec2_instance",
                Value::from(id.clone()),
            ),
            EntityKind::DbInstanceClass(t) => set_nearest_or_imply(
                kb,
                comps,
                e.start,
                &text,
                |p| p.kind == ParamType::DbInstanceClass,
                "rds_instance",
                Value::from(t.clone()),
            ),
            EntityKind::File(f) => {
                let file_param = |p: &tc_knowledge::Parameter| p.format == Some(Format::FilePath);
                if let Some(ci) =
                    nearest(comps, e.start, |c| has_param(kb, c, file_param).is_some())
                {
                    let param = has_param(kb, &comps[ci], file_param).unwrap();
                    let c = &mut comps[ci];
                    c.params.insert(param, Value::from(f.clone()));
                    file_implies_runtime(kb, c, f);
                }
            }
            EntityKind::Email(m) => {
                let email = |p: &tc_knowledge::Parameter| p.format == Some(Format::Email);
                if let Some(ci) = nearest(comps, e.start, |c| has_param(kb, c, email).is_some()) {
                    let param = has_param(kb, &comps[ci], email).unwrap();
                    comps[ci].params.insert(param, Value::from(m.clone()));
                }
            }
            EntityKind::Domain(d) => {
                for c in comps.iter_mut() {
                    if let Some(param) = has_param(kb, c, |p| p.format == Some(Format::DomainName))
                    {
                        c.params
                            .entry(param)
                            .or_insert_with(|| Value::from(d.clone()));
                    }
                }
            }
            EntityKind::Name(name) => {
                let named = |p: &tc_knowledge::Parameter| {
                    matches!(
                        p.format,
                        Some(Format::ResourceName | Format::S3BucketName | Format::RdsIdentifier)
                    )
                };
                let before = comps
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| has_param(kb, c, named).is_some())
                    .filter_map(|(i, c)| {
                        c.positions
                            .iter()
                            .filter(|&&p| p < e.start)
                            .max()
                            .map(|&p| (p, i))
                    })
                    .max();
                let ci = before
                    .map(|(_, i)| i)
                    .or_else(|| nearest(comps, e.start, |c| has_param(kb, c, named).is_some()));
                if let Some(ci) = ci {
                    let param = has_param(kb, &comps[ci], named).unwrap();
                    comps[ci].params.insert(param, Value::from(name.clone()));
                }
            }
            EntityKind::Schedule(expr) => {
                let ci = match comps.iter().position(|c| c.id == "lambda_schedule") {
                    Some(i) => Some(i),
                    None if comps.iter().any(|c| c.id == "lambda_function") => {
                        Some(add_comp(comps, "lambda_schedule", e.start, None, &text))
                    }
                    None => nearest(comps, e.start, |c| {
                        has_param(kb, c, |p| p.format == Some(Format::ScheduleExpression)).is_some()
                    }),
                };
                if let Some(ci) = ci {
                    if let Some(param) = has_param(kb, &comps[ci], |p| {
                        p.format == Some(Format::ScheduleExpression)
                    }) {
                        comps[ci].params.insert(param, Value::from(expr.clone()));
                    }
                }
            }
            EntityKind::Quantity { value, unit } => {
                understood.extend(apply_quantity(kb, lex, toks, e.start, *value, *unit, comps))
            }
        }
    }
    understood
}

fn push_value(params: &mut BTreeMap<String, Value>, param: &str, v: Value, list: bool) {
    if !list {
        params.insert(param.to_string(), v);
        return;
    }
    match params.get_mut(param) {
        Some(Value::Array(a)) => {
            if !a.contains(&v) {
                a.push(v);
            }
        }
        _ => {
            params.insert(param.to_string(), Value::Array(vec![v]));
        }
    }
}

/// Sets a typed value on the nearest component that takes it, or, when none of the
/// requested components does, asks for the component the value implies ("a
/// t3.large" is a server).
fn set_nearest_or_imply(
    kb: &KnowledgeBase,
    comps: &mut Vec<Comp>,
    pos: usize,
    text: &str,
    pred: impl Fn(&tc_knowledge::Parameter) -> bool + Copy,
    implied: &str,
    v: Value,
) {
    let ci = nearest(comps, pos, |c| has_param(kb, c, pred).is_some())
        .unwrap_or_else(|| add_comp(comps, implied, pos, None, text));
    if let Some(param) = has_param(kb, &comps[ci], pred) {
        let list = kb
            .component(&comps[ci].id)
            .and_then(|d| d.parameter(&param))
            .is_some_and(|p| p.kind == ParamType::StringList);
        if list {
            comps[ci].params.insert(param, Value::Array(vec![v]));
        } else {
            comps[ci].params.insert(param, v);
        }
    }
}

/// A code file fixes the handler's module and, when unset, the runtime ("lambda.js" →
/// `lambda.handler` on Node.js).
fn file_implies_runtime(kb: &KnowledgeBase, c: &mut Comp, file: &str) {
    let Some(def) = kb.component(&c.id) else {
        return;
    };
    let name = file.rsplit('/').next().unwrap_or(file);
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return;
    };
    let runtime = match ext {
        "js" | "mjs" | "cjs" | "ts" => "nodejs20.x",
        "py" => "python3.12",
        "rb" => "ruby3.3",
        _ => return,
    };
    if let Some(p) = def.parameter("runtime") {
        if p.allowed.iter().any(|a| a.as_str() == Some(runtime)) {
            c.params
                .entry("runtime".into())
                .or_insert_with(|| Value::from(runtime));
        }
    }
    if def.parameter("handler").is_some() {
        c.params
            .entry("handler".into())
            .or_insert_with(|| Value::from(format!("{stem}.handler")));
    }
}

/// "30 days", "100 GB": the number goes to the integer parameter of a nearby
/// component whose unit fits and whose name shares the most words with the words
/// just before the number ("delete non-current versions after 30 days" →
/// `noncurrent_version_expiration_days`).
fn apply_quantity(
    kb: &KnowledgeBase,
    lex: &Lexicon,
    toks: &[Token],
    pos: usize,
    value: i64,
    unit: Unit,
    comps: &mut [Comp],
) -> Vec<usize> {
    let fits = |id: &str| match unit {
        Unit::Days => id.contains("days") || id.contains("retention_period"),
        Unit::Seconds => id.contains("seconds") || id == "timeout" || id == "ttl" || id == "period",
        Unit::GiB => id.contains("storage") || id.contains("volume_size") || id == "size",
        Unit::MiB => id.contains("memory"),
    };
    let mut context: BTreeSet<String> = BTreeSet::new();
    for i in pos.saturating_sub(6)..pos {
        context.insert(toks[i].key.clone());
        if i + 1 < pos {
            context.insert(
                lex.keyer
                    .key(&format!("{}{}", toks[i].text, toks[i + 1].text)),
            );
        }
    }
    let mut best: Option<(usize, usize, usize, String)> = None; // (score, -distance proxy, comp, param)
    for (ci, c) in comps.iter().enumerate() {
        let Some(def) = kb.component(&c.id) else {
            continue;
        };
        let dist = c
            .positions
            .iter()
            .map(|&p| p.abs_diff(pos))
            .min()
            .unwrap_or(usize::MAX);
        for p in def
            .parameters
            .iter()
            .filter(|p| p.kind == ParamType::Integer && fits(&p.id))
        {
            let score =
                p.id.split('_')
                    .filter(|w| context.contains(&lex.keyer.key(w)))
                    .count();
            let better = match &best {
                None => true,
                Some((bs, bd, ..)) => score > *bs || (score == *bs && usize::MAX - dist > *bd),
            };
            if better {
                best = Some((score, usize::MAX - dist, ci, p.id.clone()));
            }
        }
    }
    let Some((_, _, ci, param)) = best else {
        return Vec::new();
    };
    // The words that chose the parameter were understood ("non-current versions").
    let words: BTreeSet<String> = param.split('_').map(|w| lex.keyer.key(w)).collect();
    let used = (pos.saturating_sub(6)..pos)
        .filter(|&i| {
            words.contains(&toks[i].key)
                || (i + 1 < pos
                    && words.contains(&lex.keyer.key(&format!(
                        "{}{}",
                        toks[i].text,
                        toks[i + 1].text
                    ))))
                || (i > 0
                    && words.contains(&lex.keyer.key(&format!(
                        "{}{}",
                        toks[i - 1].text,
                        toks[i].text
                    ))))
        })
        .collect();
    comps[ci].params.insert(param, Value::from(value));
    used
}

/// "postgres 16", "mysql 8.0", "kubernetes 1.30", "version 15.4": a version right
/// after an engine or service name, or after the word "version".
fn apply_versions(
    kb: &KnowledgeBase,
    toks: &[Token],
    matches: &[Match],
    covered: &[bool],
    comps: &mut [Comp],
) {
    let version_like = |t: &str| {
        let t = t.strip_prefix('v').unwrap_or(t);
        !t.is_empty()
            && t.chars().next().is_some_and(|c| c.is_ascii_digit())
            && t.chars().all(|c| c.is_ascii_digit() || c == '.')
            && t.len() <= 8
    };
    let version_param =
        |c: &Comp| has_param(kb, c, |p| p.id == "engine_version" || p.id == "version");
    for m in matches {
        let Some(next) = toks.get(m.end) else {
            continue;
        };
        if covered.get(m.end).copied().unwrap_or(true) && !version_like(&next.text) {
            continue;
        }
        if !version_like(&next.text)
            || toks.get(m.end + 1).is_some_and(|t| {
                matches!(
                    t.text.as_str(),
                    "az" | "azs" | "zones" | "days" | "gb" | "instances" | "nodes" | "subnets"
                )
            })
        {
            continue;
        }
        let names_engine = m.targets.iter().any(|t| {
            matches!(t, Target::Param { param, .. } if param == "engine")
                || matches!(t, Target::Component(_))
        });
        if !names_engine {
            continue;
        }
        if let Some(ci) = nearest(comps, m.start, |c| version_param(c).is_some()) {
            let param = version_param(&comps[ci]).unwrap();
            comps[ci]
                .params
                .entry(param)
                .or_insert_with(|| Value::from(next.text.trim_start_matches('v').to_string()));
        }
    }
    for (i, t) in toks.iter().enumerate() {
        if t.text == "version" {
            if let Some(next) = toks.get(i + 1).filter(|n| version_like(&n.text)) {
                if let Some(ci) = nearest(comps, i, |c| version_param(c).is_some()) {
                    let param = version_param(&comps[ci]).unwrap();
                    comps[ci].params.insert(
                        param,
                        Value::from(next.text.trim_start_matches('v').to_string()),
                    );
                }
            }
        }
    }
}

/// A size word sets the instance type / class / node type of the nearest component
/// that has one, and the values it implies (free tier → single-AZ, 20 GiB).
fn apply_size_hint(kb: &KnowledgeBase, hint: &str, pos: usize, comps: &mut [Comp]) {
    let Some(h) = kb.size_hints.iter().find(|h| h.id == hint) else {
        return;
    };
    let sized = |p: &tc_knowledge::Parameter| {
        matches!(p.kind, ParamType::InstanceType | ParamType::DbInstanceClass)
            || p.id == "node_type"
    };
    let Some(ci) = nearest(comps, pos, |c| has_param(kb, c, sized).is_some()) else {
        return;
    };
    let Some(def) = kb.component(&comps[ci].id) else {
        return;
    };
    let c = &mut comps[ci];
    for p in &def.parameters {
        let v = match p.kind {
            ParamType::InstanceType => Some(h.instance_type.clone()),
            ParamType::DbInstanceClass => Some(h.db_instance_class.clone()),
            _ if p.id == "node_type" => h.cache_node_type.clone(),
            _ => None,
        };
        if let Some(v) = v {
            c.params.entry(p.id.clone()).or_insert(Value::from(v));
        }
    }
    for (k, v) in &h.implies {
        if def.parameter(k).is_some() {
            c.params.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
}

/// Drops components another requested component already creates ("a lambda with
/// its own IAM role"), unless the user stated settings for them.
fn drop_included(kb: &KnowledgeBase, comps: &mut Vec<Comp>) {
    let includes: BTreeSet<String> = comps
        .iter()
        .filter_map(|c| kb.component(&c.id))
        .flat_map(|d: &Component| d.includes.iter().cloned())
        .collect();
    comps.retain(|c| !(includes.contains(&c.id) && c.params.is_empty()));
}
