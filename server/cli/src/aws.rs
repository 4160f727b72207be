//! Live AWS checks for the conversation (cargo feature `aws-live`): whether an
//! instance type is offered in the region (DescribeInstanceTypeOfferings) and
//! whether an AMI exists (DescribeImages), through the core's `LiveChecks` trait.
//!
//! Every call is bounded: credentials must resolve within 2 s and each operation
//! finish within 4 s, so the conversation never hangs. Without credentials (or
//! with the network down) the answer is accepted and marked "checked offline
//! only". Tests set `AWS_EC2_METADATA_DISABLED=true` so the credential chain never
//! calls the instance-metadata address.

use aws_config::timeout::TimeoutConfig;
use aws_config::BehaviorVersion;
use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_ec2::types::{Filter, LocationType};
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
use std::time::Duration;
use tc_conversation::{LiveCheck, LiveChecks};

const CREDENTIALS_TIMEOUT: Duration = Duration::from_secs(2);
const OPERATION_TIMEOUT: Duration = Duration::from_secs(4);

/// Live checks through aws-sdk-ec2 on a private single-threaded runtime.
pub struct AwsChecks {
    rt: Option<tokio::runtime::Runtime>,
}

impl AwsChecks {
    pub fn new() -> Self {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok();
        AwsChecks { rt }
    }

    fn run(&self, region: &str, call: impl AsyncCall) -> LiveCheck {
        let Some(rt) = &self.rt else {
            return LiveCheck::Unavailable("could not start the AWS client".into());
        };
        let region = region.to_string();
        rt.block_on(async move {
            let timeouts = TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(1))
                .operation_attempt_timeout(OPERATION_TIMEOUT)
                .operation_timeout(OPERATION_TIMEOUT)
                .build();
            // The HTTPS client is chosen here rather than by a cargo feature so that the
            // build pulls rustls on ring (already used by tc_llm) and not aws-lc.
            let http = aws_smithy_http_client::Builder::new().tls_provider(Provider::Rustls(CryptoMode::Ring)).build_https();
            let config = aws_config::defaults(BehaviorVersion::latest())
                .http_client(http)
                .region(aws_config::Region::new(region))
                .timeout_config(timeouts)
                .load()
                .await;
            let Some(provider) = config.credentials_provider() else {
                return LiveCheck::Unavailable("no AWS credentials found".into());
            };
            match tokio::time::timeout(CREDENTIALS_TIMEOUT, provider.provide_credentials()).await {
                Ok(Ok(_)) => {}
                Ok(Err(_)) | Err(_) => return LiveCheck::Unavailable("no AWS credentials found".into()),
            }
            let client = aws_sdk_ec2::Client::new(&config);
            match tokio::time::timeout(OPERATION_TIMEOUT + Duration::from_secs(1), call.call(client)).await {
                Ok(result) => result,
                Err(_) => LiveCheck::Unavailable("AWS did not answer in time".into()),
            }
        })
    }
}

impl Default for AwsChecks {
    fn default() -> Self {
        Self::new()
    }
}

/// One EC2 call, boxed so `run` can hold any of them.
trait AsyncCall {
    fn call(self, client: aws_sdk_ec2::Client) -> std::pin::Pin<Box<dyn std::future::Future<Output = LiveCheck>>>;
}

struct Offering {
    region: String,
    instance_type: String,
}

impl AsyncCall for Offering {
    fn call(self, client: aws_sdk_ec2::Client) -> std::pin::Pin<Box<dyn std::future::Future<Output = LiveCheck>>> {
        Box::pin(async move {
            let filter = Filter::builder().name("instance-type").values(&self.instance_type).build();
            match client.describe_instance_type_offerings().location_type(LocationType::Region).filters(filter).send().await {
                Ok(out) if out.instance_type_offerings().is_empty() => LiveCheck::Failed(format!(
                    "{} is not offered in {}. Choose another type (e.g. the same size of a newer family such as t3 or m7i), or another region.",
                    self.instance_type, self.region
                )),
                Ok(_) => LiveCheck::Passed,
                Err(e) => LiveCheck::Unavailable(format!("AWS did not confirm it: {}", short(&e.to_string()))),
            }
        })
    }
}

struct Image {
    region: String,
    image_id: String,
}

impl AsyncCall for Image {
    fn call(self, client: aws_sdk_ec2::Client) -> std::pin::Pin<Box<dyn std::future::Future<Output = LiveCheck>>> {
        Box::pin(async move {
            match client.describe_images().image_ids(&self.image_id).send().await {
                Ok(out) if out.images().is_empty() => LiveCheck::Failed(format!(
                    "AMI {} does not exist in {} (or is not shared with you). Check the id for this region, or leave it empty to use the latest Amazon Linux.",
                    self.image_id, self.region
                )),
                Ok(_) => LiveCheck::Passed,
                Err(e) => {
                    let text = format!("{e:?}");
                    if text.contains("InvalidAMIID") {
                        LiveCheck::Failed(format!(
                            "AMI {} does not exist in {}. Check the id for this region, or leave it empty to use the latest Amazon Linux.",
                            self.image_id, self.region
                        ))
                    } else {
                        LiveCheck::Unavailable(format!("AWS did not confirm it: {}", short(&e.to_string())))
                    }
                }
            }
        })
    }
}

fn short(s: &str) -> String {
    s.chars().take(120).collect()
}

impl LiveChecks for AwsChecks {
    fn instance_type_offered(&self, region: &str, instance_type: &str) -> LiveCheck {
        self.run(region, Offering { region: region.into(), instance_type: instance_type.into() })
    }

    fn image_exists(&self, region: &str, image_id: &str) -> LiveCheck {
        self.run(region, Image { region: region.into(), image_id: image_id.into() })
    }
}
