//! The Terraform generator: turns a fully answered [`tc_knowledge::Stack`] into a
//! complete configuration (versions, providers, one file per concern, variables,
//! outputs, an example tfvars file and a README) rendered from the minijinja
//! templates in `templates/`, formatted exactly as `terraform fmt` would.
//!
//! Pure and synchronous: no IO. The CLI writes [`Generated::all_files`] to a folder;
//! the language server writes individual [`GeneratedBlock`]s into open buffers.

mod context;
pub mod examples;
pub mod escape;
pub mod format;
mod layout;
mod render;
mod variables;

use std::fmt;

pub use render::template_names;

/// A generated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// The Terraform files, in a stable order (`versions.tf`, `providers.tf`, the
    /// concern files, `variables.tf`, `outputs.tf`).
    pub files: Vec<GeneratedFile>,
    /// Non-HCL companions: `terraform.tfvars.example` and `README.md`.
    pub documents: Vec<GeneratedDocument>,
    /// checkov checks this configuration deliberately fails with the answers given
    /// (each also a comment in the code and a row in the README).
    pub deliberately_off: Vec<DeliberatelyOff>,
}

/// A security check left off on purpose because satisfying it costs money or needs
/// something only the user can decide, with the answer that turns it on.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliberatelyOff {
    /// checkov id, e.g. `CKV_AWS_157`.
    pub check: String,
    pub resource_key: String,
    pub reason: String,
    /// The answer that satisfies the check.
    pub how: String,
}

/// One `.tf` file as a list of top-level blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedFile {
    /// File name relative to the configuration folder, e.g. `network.tf`.
    pub path: String,
    pub blocks: Vec<GeneratedBlock>,
}

/// One top-level HCL block.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedBlock {
    /// `resource.aws_vpc.main`, `data.aws_ami.web`, `variable.region`,
    /// `output.db_endpoint`, `provider.aws` or `terraform`.
    pub address: String,
    /// The Stack resource key it came from; `None` for stack-wide blocks.
    pub resource_key: Option<String>,
    /// `terraform fmt`-clean text of the block with the comments above it, ending
    /// with a newline.
    pub text: String,
}

/// A generated file that is not Terraform.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedDocument {
    pub path: String,
    pub content: String,
}

impl GeneratedFile {
    /// The whole file: the blocks separated by one blank line, as `terraform fmt`
    /// leaves them.
    pub fn content(&self) -> String {
        let mut out = String::new();
        for (i, b) in self.blocks.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&b.text);
        }
        out
    }
}

impl Generated {
    /// Every file to write, `(relative path, content)`, Terraform files first.
    pub fn all_files(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self.files.iter().map(|f| (f.path.clone(), f.content())).collect();
        out.extend(self.documents.iter().map(|d| (d.path.clone(), d.content.clone())));
        out
    }

    /// The file holding the block with `address`, if any.
    pub fn file_of(&self, address: &str) -> Option<&GeneratedFile> {
        self.files.iter().find(|f| f.blocks.iter().any(|b| b.address == address))
    }

    /// Every block, in file order.
    pub fn blocks(&self) -> impl Iterator<Item = &GeneratedBlock> {
        self.files.iter().flat_map(|f| f.blocks.iter())
    }
}

/// Why a Stack could not be turned into Terraform. Each message says what is wrong
/// and what to change.
#[derive(Debug, Clone, PartialEq)]
pub enum GenerateError {
    /// The Stack names a component the knowledge base does not have.
    UnknownComponent { resource: String, component: String },
    /// The component has no template (a packaging error).
    MissingTemplate { component: String, template: String },
    /// A dependency role points at a resource key not in the Stack.
    MissingReference { resource: String, role: String, target: String },
    /// A template needs a dependency the Stack does not provide.
    MissingDependency { resource: String, message: String },
    /// A parameter value has the wrong type for its parameter.
    InvalidValue { resource: String, parameter: String, message: String },
    /// An `existing` address is not of the form `type.name`.
    InvalidExisting { resource: String, address: String },
    /// The values ask for something insecure that the user has not confirmed.
    Unconfirmed { resource: String, message: String },
    /// Two blocks would get the same address.
    DuplicateAddress { address: String },
    /// A template failed to render or rendered something that is not valid HCL:
    /// a bug in TerraConverse, not in the input.
    Template { template: String, message: String },
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenerateError::UnknownComponent { resource, component } => write!(
                f,
                "resource `{resource}` uses component `{component}`, which the knowledge base does not define; use one of the ids in knowledge/components/"
            ),
            GenerateError::MissingTemplate { component, template } => write!(
                f,
                "component `{component}` names template `{template}`, but templates/{template}.tf.j2 does not exist"
            ),
            GenerateError::MissingReference { resource, role, target } => write!(
                f,
                "resource `{resource}` refers to `{target}` as its {role}, but the stack has no resource with that key; add it or remove the reference"
            ),
            GenerateError::MissingDependency { resource, message } => write!(f, "resource `{resource}`: {message}"),
            GenerateError::InvalidValue { resource, parameter, message } => {
                write!(f, "`{resource}.{parameter}`: {message}")
            }
            GenerateError::InvalidExisting { resource, address } => write!(
                f,
                "resource `{resource}` is marked as existing at `{address}`, which is not a Terraform address like `aws_vpc.main`"
            ),
            GenerateError::Unconfirmed { resource, message } => write!(f, "resource `{resource}`: {message}"),
            GenerateError::DuplicateAddress { address } => write!(
                f,
                "two blocks would both be `{address}`; give the resources different names"
            ),
            GenerateError::Template { template, message } => {
                write!(f, "internal error in template `{template}`: {message}")
            }
        }
    }
}

impl std::error::Error for GenerateError {}

/// Renders `stack` into a complete Terraform configuration.
///
/// Resources with `existing` set are not generated; references to them use their
/// existing address. Every user-supplied string is escaped, every label sanitized,
/// and every block is parsed back before it is returned.
pub fn generate(stack: &tc_knowledge::Stack) -> Result<Generated, GenerateError> {
    let kb = tc_knowledge::knowledge();
    let prepared = context::prepare(kb, stack)?;
    let rendered = render::render_all(&prepared)?;
    layout::assemble(kb, stack, &prepared, rendered)
}
