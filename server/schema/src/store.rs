//! Schema storage: the compact container embedded in the binary (read lazily, one
//! resource at a time), loading `terraform providers schema -json` output, and
//! writing the container.
//!
//! Container layout (all integers little-endian):
//! `MAGIC`, u32 header length, deflated JSON header, then one deflated JSON
//! [`BlockSchema`] per entry. The header names every entry with its byte range
//! in the body, so opening the schema costs one small inflate and parse; an
//! entry is inflated the first time someone asks for it.

use crate::model::BlockSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::OnceLock;

const MAGIC: &[u8; 8] = b"TCSCHEM1";

/// Why a schema could not be loaded. The message says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("could not read schema file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("schema data is not valid: {0}")]
    Invalid(String),
    #[error(
        "no AWS provider in this schema: expected `terraform providers schema -json` output \
         with an entry for registry.terraform.io/hashicorp/aws (run it in a workspace after `terraform init`)"
    )]
    NoAwsProvider,
}

/// Where a schema came from and which provider release it describes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaInfo {
    /// Provider source address, e.g. `registry.terraform.io/hashicorp/aws`.
    pub provider: String,
    /// Provider release the schema reflects, e.g. `6.69.1` (`unknown` when the input
    /// did not say, as `terraform providers schema -json` does not).
    pub version: String,
    /// How the data was produced, e.g. `PyPI cdktn-provider-aws 25.8.1 (jsii assembly)`.
    pub origin: String,
}

#[derive(Serialize, Deserialize)]
struct Header {
    info: SchemaInfo,
    provider: (u32, u32),
    resources: Vec<(String, u32, u32)>,
    data_sources: Vec<(String, u32, u32)>,
}

/// One schema entry: either already parsed, or a deflated slice of the body.
struct Entry {
    range: (u32, u32),
    cell: OnceLock<BlockSchema>,
}

impl Entry {
    fn parsed(b: BlockSchema) -> Entry {
        let cell = OnceLock::new();
        let _ = cell.set(b);
        Entry { range: (0, 0), cell }
    }
}

/// A provider schema: resources, data sources and the provider block.
pub struct Schema {
    info: SchemaInfo,
    body: Cow<'static, [u8]>,
    provider: Entry,
    resources: BTreeMap<String, Entry>,
    data_sources: BTreeMap<String, Entry>,
}

impl std::fmt::Debug for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schema")
            .field("info", &self.info)
            .field("resources", &self.resources.len())
            .field("data_sources", &self.data_sources.len())
            .finish()
    }
}

/// Where a workspace may keep `terraform providers schema -json` output, in order
/// of preference: `terraform init` itself stores no schema, so users (or the editor
/// integration) save it with `terraform providers schema -json > .terraform/providers-schema.json`.
pub const WORKSPACE_SCHEMA_FILES: &[&str] = &[".terraform/providers-schema.json", "providers-schema.json"];

/// The schema built into the binary (see `docs/schema.md` for how it is made).
static EMBEDDED_BYTES: &[u8] = include_bytes!("../data/aws-provider.tcschema");

/// The embedded AWS provider schema, opened on first use (about a millisecond:
/// only the index is read; each resource is inflated when first asked for).
pub fn embedded() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        Schema::from_static(EMBEDDED_BYTES)
            .expect("the embedded schema is checked by tc_schema's tests")
    })
}

/// The raw embedded container, for tools that want to copy it.
pub fn embedded_bytes() -> &'static [u8] {
    EMBEDDED_BYTES
}

fn inflate(bytes: &[u8]) -> Result<Vec<u8>, SchemaError> {
    let mut out = Vec::with_capacity(bytes.len() * 6);
    flate2::read::DeflateDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|e| SchemaError::Invalid(format!("corrupt compressed data: {e}")))?;
    Ok(out)
}

fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

impl Schema {
    /// Builds a schema from already-parsed parts (used by the converters).
    pub fn from_parts(
        info: SchemaInfo,
        provider: BlockSchema,
        resources: BTreeMap<String, BlockSchema>,
        data_sources: BTreeMap<String, BlockSchema>,
    ) -> Schema {
        let wrap = |m: BTreeMap<String, BlockSchema>| {
            m.into_iter()
                .map(|(k, mut v)| {
                    v.normalize();
                    (k, Entry::parsed(v))
                })
                .collect()
        };
        let mut provider = provider;
        provider.normalize();
        Schema {
            info,
            body: Cow::Borrowed(&[]),
            provider: Entry::parsed(provider),
            resources: wrap(resources),
            data_sources: wrap(data_sources),
        }
    }

    /// Opens a compact container that lives for the whole program (as the embedded
    /// one does) without copying it. Only the index is read now.
    pub fn from_static(bytes: &'static [u8]) -> Result<Schema, SchemaError> {
        Schema::from_compact(Cow::Borrowed(bytes))
    }

    /// Loads a schema file: either `terraform providers schema -json` output or a
    /// compact container written by `build-schema`. This is the one place the crate
    /// touches the file system; the language server calls it for a user-configured
    /// schema file or a workspace's saved schema output.
    pub fn load_path(path: &Path) -> Result<Schema, SchemaError> {
        let bytes = std::fs::read(path).map_err(|source| SchemaError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Schema::from_bytes(bytes)
    }

    /// The workspace's own schema, if it saved one at a conventional place (see
    /// [`WORKSPACE_SCHEMA_FILES`]): `None` when there is none, an error when one is
    /// there but unusable (the caller should say so and fall back to [`embedded`]).
    pub fn load_workspace(root: &Path) -> Option<Result<Schema, SchemaError>> {
        WORKSPACE_SCHEMA_FILES
            .iter()
            .map(|f| root.join(f))
            .find(|p| p.is_file())
            .map(|p| Schema::load_path(&p))
    }

    /// Loads a schema from bytes, detecting the format (compact container, or
    /// `terraform providers schema -json` output, optionally gzip-compressed).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Schema, SchemaError> {
        if bytes.starts_with(MAGIC) {
            // A file from outside the binary is decoded in full now, so a damaged
            // entry is a load error here and never a failure in the middle of an edit.
            let schema = Schema::from_compact(Cow::Owned(bytes))?;
            let entries = std::iter::once(&schema.provider)
                .chain(schema.resources.values())
                .chain(schema.data_sources.values());
            for e in entries {
                let b = schema.try_decode(e)?;
                let _ = e.cell.set(b);
            }
            return Ok(schema);
        }
        let json = if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut out)
                .map_err(|e| SchemaError::Invalid(format!("corrupt gzip data: {e}")))?;
            out
        } else {
            bytes
        };
        let value: Value = serde_json::from_slice(&json).map_err(|e| {
            SchemaError::Invalid(format!(
                "expected `terraform providers schema -json` output or a TerraConverse schema file, \
                 but the JSON does not parse: {e}"
            ))
        })?;
        crate::terraform_json::from_value(&value, "unknown")
    }

    fn from_compact(bytes: Cow<'static, [u8]>) -> Result<Schema, SchemaError> {
        let bad = || SchemaError::Invalid("truncated TerraConverse schema container".into());
        if !bytes.starts_with(MAGIC) {
            return Err(SchemaError::Invalid("not a TerraConverse schema container".into()));
        }
        let len_bytes: [u8; 4] = bytes.get(8..12).ok_or_else(bad)?.try_into().expect("4 bytes");
        let hlen = u32::from_le_bytes(len_bytes) as usize;
        let header_bytes = inflate(bytes.get(12..12 + hlen).ok_or_else(bad)?)?;
        let header: Header = serde_json::from_slice(&header_bytes)
            .map_err(|e| SchemaError::Invalid(format!("bad container header: {e}")))?;
        let body_start = 12 + hlen;
        let body_len = bytes.len() - body_start;
        let check = |(off, len): (u32, u32)| -> Result<(u32, u32), SchemaError> {
            if off as usize + len as usize > body_len {
                Err(bad())
            } else {
                Ok((off, len))
            }
        };
        let entries = |list: Vec<(String, u32, u32)>| -> Result<BTreeMap<String, Entry>, SchemaError> {
            list.into_iter()
                .map(|(name, off, len)| {
                    Ok((
                        name,
                        Entry {
                            range: check((off, len))?,
                            cell: OnceLock::new(),
                        },
                    ))
                })
                .collect()
        };
        let resources = entries(header.resources)?;
        let data_sources = entries(header.data_sources)?;
        let provider = Entry {
            range: check(header.provider)?,
            cell: OnceLock::new(),
        };
        let body = match bytes {
            Cow::Borrowed(b) => Cow::Borrowed(&b[body_start..]),
            Cow::Owned(mut v) => {
                v.drain(..body_start);
                Cow::Owned(v)
            }
        };
        Ok(Schema {
            info: header.info,
            body,
            provider,
            resources,
            data_sources,
        })
    }

    /// Writes the compact container (deterministic for equal input).
    pub fn to_compact(&self) -> Vec<u8> {
        let mut body = Vec::new();
        let mut put = |b: &BlockSchema| -> (u32, u32) {
            let json = serde_json::to_vec(b).expect("schema serializes");
            let z = deflate(&json);
            let off = body.len() as u32;
            body.extend_from_slice(&z);
            (off, z.len() as u32)
        };
        let provider = put(self.provider());
        let mut list = |m: &BTreeMap<String, Entry>| -> Vec<(String, u32, u32)> {
            m.iter()
                .map(|(k, e)| {
                    let (o, l) = put(self.decode(e));
                    (k.clone(), o, l)
                })
                .collect()
        };
        let resources = list(&self.resources);
        let data_sources = list(&self.data_sources);
        let header = Header {
            info: self.info.clone(),
            provider,
            resources,
            data_sources,
        };
        let h = deflate(&serde_json::to_vec(&header).expect("header serializes"));
        let mut out = Vec::with_capacity(12 + h.len() + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(h.len() as u32).to_le_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(&body);
        out
    }

    fn try_decode(&self, e: &Entry) -> Result<BlockSchema, SchemaError> {
        let (off, len) = e.range;
        let raw = &self.body[off as usize..(off + len) as usize];
        let json = inflate(raw)?;
        serde_json::from_slice(&json).map_err(|err| SchemaError::Invalid(format!("bad schema entry: {err}")))
    }

    fn decode<'a>(&'a self, e: &'a Entry) -> &'a BlockSchema {
        // Only the embedded container is decoded lazily, and tc_schema's tests
        // decode every one of its entries; files from elsewhere are decoded in
        // full by `from_bytes`. An empty block would make every argument
        // "unknown", so a failure here must be loud.
        e.cell
            .get_or_init(|| self.try_decode(e).expect("the embedded schema entries decode"))
    }

    pub fn info(&self) -> &SchemaInfo {
        &self.info
    }

    /// The `provider "aws"` block.
    pub fn provider(&self) -> &BlockSchema {
        self.decode(&self.provider)
    }

    pub fn resource(&self, type_name: &str) -> Option<&BlockSchema> {
        self.resources.get(type_name).map(|e| self.decode(e))
    }

    pub fn data_source(&self, type_name: &str) -> Option<&BlockSchema> {
        self.data_sources.get(type_name).map(|e| self.decode(e))
    }

    /// Resource type names, sorted (no entry is inflated).
    pub fn resource_types(&self) -> impl Iterator<Item = &str> {
        self.resources.keys().map(String::as_str)
    }

    /// Data source type names, sorted (no entry is inflated).
    pub fn data_source_types(&self) -> impl Iterator<Item = &str> {
        self.data_sources.keys().map(String::as_str)
    }

    /// Resource or data source schema by kind.
    pub fn entity(&self, kind: EntityKind, type_name: &str) -> Option<&BlockSchema> {
        match kind {
            EntityKind::Resource => self.resource(type_name),
            EntityKind::DataSource => self.data_source(type_name),
        }
    }

    pub fn entity_types(&self, kind: EntityKind) -> Box<dyn Iterator<Item = &str> + '_> {
        match kind {
            EntityKind::Resource => Box::new(self.resource_types()),
            EntityKind::DataSource => Box::new(self.data_source_types()),
        }
    }
}

/// Managed resource (`resource`) or data source (`data`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    Resource,
    DataSource,
}
