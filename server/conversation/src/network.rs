//! Subnet address layout: where each subnet's blocks fall inside its VPC, and the
//! checks that they fit inside it and do not overlap each other.
//!
//! Subnets are described by `cidr_newbits` and `az_count` (one block per zone),
//! not by literal CIDRs. The generator's `templates/subnet.tf.j2` lays them out as
//! `cidrsubnet(vpc_cidr, newbits, ordinal * 8 + zone)`, where `ordinal` is the
//! subnet resource's position among the stack's subnets. This module mirrors that
//! formula (a test keeps the two in step) so a bad layout is refused when it is
//! answered, not when Terraform runs.

use ipnet::Ipv4Net;

/// Netnums reserved per subnet resource (the template's `ordinal * 8`).
pub const NETNUMS_PER_SUBNET: u32 = 8;
/// AWS's smallest subnet.
pub const MAX_PREFIX: u8 = 28;

/// One subnet resource's layout inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct SubnetSpec {
    pub key: String,
    /// Position among the stack's subnets.
    pub ordinal: u32,
    pub newbits: u8,
    pub az_count: u32,
}

/// The blocks of one subnet resource, or why it does not fit in the VPC.
pub fn blocks(vpc: Ipv4Net, s: &SubnetSpec) -> Result<Vec<Ipv4Net>, String> {
    let prefix = vpc.prefix_len() as u32 + s.newbits as u32;
    if prefix > MAX_PREFIX as u32 {
        let most = MAX_PREFIX.saturating_sub(vpc.prefix_len());
        return Err(format!(
            "Splitting the /{} VPC block {vpc} with {} more bits gives /{prefix} subnets, smaller than AWS's /28 minimum. Use at most {most} bits, or give the VPC a larger range such as 10.0.0.0/16.",
            vpc.prefix_len(),
            s.newbits
        ));
    }
    if s.az_count > NETNUMS_PER_SUBNET {
        return Err(format!("{} subnets (one per zone) is more than the {NETNUMS_PER_SUBNET} each subnet group can hold; use at most {NETNUMS_PER_SUBNET}.", s.az_count));
    }
    let first = s.ordinal * NETNUMS_PER_SUBNET;
    let last = first + s.az_count.saturating_sub(1);
    let capacity = 1u64 << s.newbits;
    if last as u64 >= capacity {
        let needed = (0..=(MAX_PREFIX - vpc.prefix_len())).find(|b| (1u64 << b) > last as u64);
        let fix = match needed {
            Some(b) => format!("Use at least {b} bits, or give the VPC a larger range."),
            None => "Give the VPC a larger range, e.g. 10.0.0.0/16.".to_string(),
        };
        return Err(format!(
            "With {} bits the VPC block {vpc} holds only {capacity} subnets of /{prefix}, but these subnets need block numbers {first} to {last} (after the stack's other subnets). {fix}",
            s.newbits
        ));
    }
    let subnets = vpc.subnets(prefix as u8).map_err(|e| e.to_string())?;
    Ok(subnets.skip(first as usize).take(s.az_count as usize).collect())
}

pub fn overlaps(a: Ipv4Net, b: Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// Each subnet's key with the blocks it gets, one per availability zone.
pub type Layout = Vec<(String, Vec<Ipv4Net>)>;

/// Checks the whole layout of one VPC's subnets. On failure returns the key of
/// the subnet at fault (the later one, for an overlap) and what is wrong.
pub fn check_layout(vpc: Ipv4Net, subnets: &[SubnetSpec]) -> Result<Layout, (String, String)> {
    let mut laid: Vec<(String, Vec<Ipv4Net>)> = Vec::new();
    for s in subnets {
        let mine = blocks(vpc, s).map_err(|e| (s.key.clone(), e))?;
        for (other, theirs) in &laid {
            for a in &mine {
                if let Some(b) = theirs.iter().find(|b| overlaps(**b, *a)) {
                    return Err((
                        s.key.clone(),
                        format!(
                            "The {} block {a} would overlap {b} of {other}: subnets of one VPC must not overlap. Give both the same number of bits (e.g. 8), or fewer zones.",
                            s.key
                        ),
                    ));
                }
            }
        }
        laid.push((s.key.clone(), mine));
    }
    Ok(laid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(key: &str, ordinal: u32, newbits: u8, az_count: u32) -> SubnetSpec {
        SubnetSpec { key: key.into(), ordinal, newbits, az_count }
    }

    fn n(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn layout_matches_the_template_formula() {
        let laid = check_layout(n("10.0.0.0/16"), &[spec("public", 0, 8, 2), spec("private", 1, 8, 2)]).unwrap();
        assert_eq!(laid[0].1, vec![n("10.0.0.0/24"), n("10.0.1.0/24")]);
        assert_eq!(laid[1].1, vec![n("10.0.8.0/24"), n("10.0.9.0/24")]);
    }

    #[test]
    fn bad_layouts_are_explained() {
        let (key, e) = check_layout(n("10.0.0.0/24"), &[spec("public", 0, 8, 2)]).unwrap_err();
        assert_eq!(key, "public");
        assert!(e.contains("/32 subnets") && e.contains("at most 4 bits"), "{e}");
        let (key, e) = check_layout(n("10.0.0.0/16"), &[spec("public", 0, 4, 2), spec("private", 1, 8, 2)]).unwrap_err();
        assert_eq!(key, "private");
        assert!(e.contains("10.0.8.0/24 would overlap 10.0.0.0/20 of public"), "{e}");
        let (_, e) = check_layout(n("10.0.0.0/16"), &[spec("a", 0, 2, 2), spec("b", 1, 2, 2)]).unwrap_err();
        assert!(e.contains("holds only 4 subnets") && e.contains("at least 4 bits"), "{e}");
    }
}
