//! Live AWS checks as a trait, so the engine stays pure: the CLI plugs in an
//! implementation backed by aws-sdk-ec2 (behind its `aws` feature), tests plug in
//! fakes, and everything else uses [`OfflineOnly`].

/// The outcome of one live check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveCheck {
    /// AWS confirmed the value.
    Passed,
    /// AWS says the value does not work; the message says why (shown in the rejection).
    Failed(String),
    /// The check could not run (no credentials, timeout, network): the answer is
    /// accepted and the user told it was checked offline only. The text says why.
    Unavailable(String),
    /// No live checking is configured; nothing is said.
    Skipped,
}

/// Checks that need AWS. Implementations must return within a short timeout.
pub trait LiveChecks {
    /// Whether `instance_type` is offered in `region` (DescribeInstanceTypeOfferings).
    fn instance_type_offered(&self, region: &str, instance_type: &str) -> LiveCheck;
    /// Whether the AMI `image_id` exists and is visible in `region` (DescribeImages).
    fn image_exists(&self, region: &str, image_id: &str) -> LiveCheck;
}

/// No live checks: every check is skipped.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineOnly;

impl LiveChecks for OfflineOnly {
    fn instance_type_offered(&self, _region: &str, _instance_type: &str) -> LiveCheck {
        LiveCheck::Skipped
    }
    fn image_exists(&self, _region: &str, _image_id: &str) -> LiveCheck {
        LiveCheck::Skipped
    }
}
