//! Existing code: resources the target folder already defines that a new plan should
//! reference instead of creating again ("add a postgres database" next to an
//! `aws_vpc.main` goes into that VPC).

use tc_intent::Plan;

/// The resource types reused automatically when the folder defines exactly one of
/// them. A VPC is a container: reusing it is what the user expects. Subnets and
/// security groups are only reused when the user points at one (the code action's
/// scope): a database needs subnets in two zones and a security group of its own
/// rules, and picking someone else's silently would be wrong.
const AUTOMATIC: &[&str] = &["aws_vpc"];

/// Every resource type that can be reused when named as the scope.
pub const REUSABLE: &[&str] = &["aws_vpc", "aws_subnet", "aws_security_group"];

/// Sets `existing` on the planned resources the folder already has. `found` lists
/// `type.name` addresses of the folder's resources of [`REUSABLE`] types; `scope` is
/// the resource the user started from, if any. Returns one message per reuse.
pub fn apply(plan: &mut Plan, found: &[String], scope: Option<&str>) -> Vec<String> {
    let kb = tc_knowledge::knowledge();
    let mut messages = Vec::new();
    for res in plan.resources.iter_mut().filter(|r| r.existing.is_none()) {
        let Some(component) = kb.component(&res.component) else { continue };
        let Some(rtype) = component.resource_types.first() else { continue };
        let of_type: Vec<&String> = found.iter().filter(|a| a.split('.').next() == Some(rtype.as_str())).collect();
        let chosen = match scope {
            Some(s) if s.split('.').next() == Some(rtype.as_str()) && found.iter().any(|a| a == s) => Some(s.to_string()),
            _ if AUTOMATIC.contains(&rtype.as_str()) && of_type.len() == 1 && res.count <= 1 => {
                Some(of_type[0].clone())
            }
            _ => None,
        };
        if let Some(address) = chosen {
            messages.push(format!(
                "Using the existing {address} for the {} instead of creating a new one (start with reuseExisting: false to create one).",
                component.name
            ));
            res.existing = Some(address);
        }
    }
    messages
}
