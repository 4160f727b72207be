//! The phrase index the engine matches requests against, built once from the
//! knowledge base (component names, purposes, parameter phrases, regions, size
//! words) and from `knowledge/language.toml` (negations, numbers, roles, filler).

use crate::text::Keyer;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;
use tc_knowledge::{KnowledgeBase, ParamType, Value};

/// What a matched phrase means. One phrase may mean several things ("postgres" names
/// the RDS component and sets its engine).
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A service name or misspelling of the component.
    Component(String),
    /// A parameter value stated inline.
    Param {
        component: String,
        param: String,
        value: Value,
    },
    Region(String),
    SizeHint(String),
    Role(String),
    Number(u32),
    AzWord,
    PerAz,
    Negation,
    SwitchOn,
    SwitchOff,
    Another,
}

/// A phrase as a sequence of keys with everything it means.
#[derive(Debug, Clone)]
pub struct Entry {
    pub keys: Vec<String>,
    pub targets: Vec<Target>,
}

/// A purpose phrase: its content keys, matched in order with small gaps.
#[derive(Debug, Clone)]
pub struct Purpose {
    pub component: String,
    pub phrase: String,
    pub keys: Vec<String>,
}

/// A single-word technical name that misspellings are compared against.
#[derive(Debug, Clone)]
pub struct FuzzyName {
    /// The name with spaces removed ("loadbalancer").
    pub name: String,
    pub target: Target,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageFile {
    negations: Vec<String>,
    negation_reach: usize,
    switch_on: Vec<String>,
    switch_off: Vec<String>,
    another: Vec<String>,
    possessives: Vec<String>,
    state_verbs: Vec<String>,
    context_after: Vec<String>,
    head_nouns: Vec<String>,
    numbers: BTreeMap<String, u32>,
    roles: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    role_params: BTreeMap<String, BTreeMap<String, Value>>,
    availability_zones: AzFile,
    equivalents: BTreeMap<String, Vec<String>>,
    filler: FillerFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AzFile {
    words: Vec<String>,
    per_az: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FillerFile {
    words: Vec<String>,
}

/// Everything the engine matches against, indexed for longest-match lookup.
pub struct Lexicon {
    pub keyer: Keyer,
    /// First key → entries starting with it, longest first.
    pub index: HashMap<String, Vec<Entry>>,
    pub purposes: Vec<Purpose>,
    pub fuzzy: Vec<FuzzyName>,
    /// Keys of words that carry no meaning (never reported as not understood).
    pub filler: HashSet<String>,
    /// Keys skipped when matching purposes ("the", "my", "to").
    pub purpose_skip: HashSet<String>,
    pub negation_reach: usize,
    pub possessives: HashSet<String>,
    pub state_verbs: HashSet<String>,
    pub context_after: HashSet<String>,
    /// Generic nouns that, right after a specific name, are part of it ("mysql instance").
    pub head_nouns: HashSet<String>,
    pub role_params: BTreeMap<String, BTreeMap<String, Value>>,
    /// Component id → enum variant word key → (parameter, value), for "public and
    /// private subnets" and "mysql and postgres databases".
    pub variants: HashMap<String, HashMap<String, (String, Value)>>,
    /// Every word key that appears in some lexicon phrase (such words are not misspellings).
    pub known_keys: HashSet<String>,
    /// Single-word role key → role ("web" → `web`).
    pub role_of_key: HashMap<String, String>,
}

/// The lexicon for the embedded knowledge base, built on first use.
pub fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| {
        let text =
            tc_knowledge::file("language.toml").expect("knowledge/language.toml is embedded");
        build(tc_knowledge::knowledge(), text)
            .unwrap_or_else(|e| panic!("knowledge/language.toml: {e}"))
    })
}

/// Builds a lexicon from a knowledge base and the text of `language.toml`.
pub fn build(kb: &KnowledgeBase, language: &str) -> Result<Lexicon, String> {
    let lang: LanguageFile = toml::from_str(language).map_err(|e| e.to_string())?;
    let mut equivalents = HashMap::new();
    for (canonical, words) in &lang.equivalents {
        for w in words {
            equivalents.insert(w.clone(), canonical.clone());
        }
    }
    let keyer = Keyer::new(equivalents);
    let mut phrases: BTreeMap<Vec<String>, Vec<Target>> = BTreeMap::new();
    let mut add = |keys: Vec<String>, t: Target| {
        if keys.is_empty() {
            return;
        }
        let v = phrases.entry(keys).or_default();
        if !v.contains(&t) {
            v.push(t);
        }
    };
    let mut fuzzy = Vec::new();
    let mut purposes = Vec::new();
    let mut variants: HashMap<String, HashMap<String, (String, Value)>> = HashMap::new();
    let purpose_skip: HashSet<String> = [
        "a", "an", "the", "my", "our", "your", "their", "its", "some", "to", "of", "for", "on",
        "in", "at", "so", "that", "i", "we", "me", "us", "it", "is", "are", "be", "and", "with",
        "from", "into", "this",
    ]
    .iter()
    .map(|w| keyer.key(w))
    .collect();

    // Terraform type names also name components ("an aws_db_instance"): a
    // component's main (first) type, when no other component's main type is the same.
    let mut main_types: HashMap<&str, Vec<&str>> = HashMap::new();
    for c in kb.components.values() {
        if let Some(t) = c.resource_types.first() {
            main_types
                .entry(t.as_str())
                .or_default()
                .push(c.id.as_str());
        }
    }
    for (t, owners) in &main_types {
        if let [only] = owners.as_slice() {
            add(
                keyer.phrase(&t.replace('_', " ")),
                Target::Component(only.to_string()),
            );
        }
    }
    for c in kb.components.values() {
        for s in &c.synonyms {
            add(keyer.phrase(s), Target::Component(c.id.clone()));
            // Technical names are what misspellings are compared against; ordinary
            // words are not, so "reads" never turns into "redis".
            fuzzy.push(FuzzyName {
                name: s.replace(' ', ""),
                target: Target::Component(c.id.clone()),
            });
        }
        for p in &c.purposes {
            let keys: Vec<String> = keyer
                .phrase(p)
                .into_iter()
                .filter(|k| !purpose_skip.contains(k))
                .collect();
            if !keys.is_empty() {
                purposes.push(Purpose {
                    component: c.id.clone(),
                    phrase: p.clone(),
                    keys,
                });
            }
        }
        let synonym_keys: Vec<Vec<String>> = c.synonyms.iter().map(|s| keyer.phrase(s)).collect();
        for p in &c.parameters {
            for (phrase, value) in &p.phrases {
                let keys = keyer.phrase(phrase);
                // "one NAT gateway per AZ" both sets a parameter and names the NAT gateway.
                if synonym_keys.iter().any(|sk| {
                    sk.len() < keys.len() && keys.windows(sk.len()).any(|w| w == sk.as_slice())
                }) {
                    add(keys.clone(), Target::Component(c.id.clone()));
                }
                add(
                    keys,
                    Target::Param {
                        component: c.id.clone(),
                        param: p.id.clone(),
                        value: value.clone(),
                    },
                );
            }
            if p.kind == ParamType::Enum {
                let entry = variants.entry(c.id.clone()).or_default();
                for a in &p.allowed {
                    if let Some(s) = a.as_str() {
                        // Short codes ("A", "MX") would be read from articles and words.
                        if s.len() >= 3
                            && !s.contains(['.', ':', '/'])
                            && s.chars().all(|ch| ch.is_ascii_alphabetic() || ch == '-')
                        {
                            entry
                                .entry(keyer.key(&s.to_lowercase()))
                                .or_insert((p.id.clone(), a.clone()));
                        }
                    }
                }
                for (phrase, value) in &p.phrases {
                    let keys = keyer.phrase(phrase);
                    if keys.len() == 1 {
                        entry
                            .entry(keys[0].clone())
                            .or_insert((p.id.clone(), value.clone()));
                    }
                }
            }
        }
    }
    for r in &kb.regions {
        add(keyer.phrase(&r.code), Target::Region(r.code.clone()));
        for a in &r.aliases {
            add(keyer.phrase(a), Target::Region(r.code.clone()));
            if a.len() >= 6 {
                fuzzy.push(FuzzyName {
                    name: a.replace(' ', ""),
                    target: Target::Region(r.code.clone()),
                });
            }
        }
    }
    for h in &kb.size_hints {
        for p in &h.phrases {
            add(keyer.phrase(p), Target::SizeHint(h.id.clone()));
        }
    }
    let mut role_of_key = HashMap::new();
    for (role, words) in &lang.roles {
        for w in words {
            let keys = keyer.phrase(w);
            if keys.len() == 1 {
                role_of_key.insert(keys[0].clone(), role.clone());
            }
            add(keys, Target::Role(role.clone()));
        }
    }
    for (w, n) in &lang.numbers {
        add(keyer.phrase(w), Target::Number(*n));
    }
    for w in &lang.availability_zones.words {
        add(keyer.phrase(w), Target::AzWord);
    }
    for w in &lang.availability_zones.per_az {
        add(keyer.phrase(w), Target::PerAz);
    }
    for w in &lang.negations {
        add(keyer.phrase(w), Target::Negation);
    }
    for w in &lang.switch_on {
        add(keyer.phrase(w), Target::SwitchOn);
    }
    for w in &lang.switch_off {
        add(keyer.phrase(w), Target::SwitchOff);
    }
    for w in &lang.another {
        add(keyer.phrase(w), Target::Another);
    }

    let mut known_keys: HashSet<String> = HashSet::new();
    let mut index: HashMap<String, Vec<Entry>> = HashMap::new();
    for (keys, targets) in phrases {
        known_keys.extend(keys.iter().cloned());
        index
            .entry(keys[0].clone())
            .or_default()
            .push(Entry { keys, targets });
    }
    for entries in index.values_mut() {
        entries.sort_by_key(|e| std::cmp::Reverse(e.keys.len()));
    }
    for p in &purposes {
        known_keys.extend(p.keys.iter().cloned());
    }
    let set = |v: &[String]| v.iter().map(|w| keyer.key(w)).collect::<HashSet<_>>();
    let exact = |v: &[String]| v.iter().cloned().collect::<HashSet<_>>();
    Ok(Lexicon {
        filler: set(&lang.filler.words),
        possessives: exact(&lang.possessives),
        state_verbs: exact(&lang.state_verbs),
        context_after: exact(&lang.context_after),
        head_nouns: exact(&lang.head_nouns),
        negation_reach: lang.negation_reach,
        role_params: lang.role_params,
        purpose_skip,
        index,
        purposes,
        fuzzy,
        variants,
        known_keys,
        role_of_key,
        keyer,
    })
}
